"""What devices see of cases (办件): the case as staff see it, the office's worklist, the
citizen's tracker, the case events' `data` and the case commands' results.

Never the contact phone (the core does not hold it) nor the tracker token. The pickup code is
shown to staff where the case is opened (`case.opened`, the `open_case` reply: the clerk prints
it for the citizen), never on a public screen's snapshot nor to the citizen's tracker (who has it
on paper already).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from queueing import commands as cmd
from queueing import events as ev
from queueing.cases import case_for_pickup_ticket, is_overdue
from queueing.model import CASE_CLOSED, Case, HallState

CASE_ID_PREFIX = "C"
"""Case ids start with it (C20261203-0001); ticket ids start with a date."""


def is_case_id(value: str | None) -> bool:
    """Whether a tracker follows a case rather than a ticket."""
    return value is not None and value.startswith(CASE_ID_PREFIX)


def _iso(t: float | None) -> str | None:
    if t is None:
        return None
    at = datetime.fromtimestamp(t, UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def public_case(case: Case) -> dict[str, Any]:
    """A case as staff devices see it: no pickup code, no tracker token."""
    return {
        "id": case.id,
        "service": case.service,
        "office": case.office,
        "status": case.status,
        "due": case.due,
        "opened_at": _iso(case.opened_at),
        "ticket_id": case.ticket,
        "number": case.number,
        "window": case.window,
        "items": list(case.items),
        "pickup": case.pickup,
        "pickup_ticket": case.pickup_ticket,
        "reason": case.reason,
        "closed_at": _iso(case.closed_at),
        "history": [
            {"action": s.action, "at": _iso(s.at), "by": s.by, "note": s.note} for s in case.history
        ],
    }


def case_with_code(case: Case) -> dict[str, Any]:
    return {**public_case(case), "code": case.code}


# --- events ----------------------------------------------------------------------------------


def _case_data(event: Any, names: Any) -> dict[str, Any]:
    return {"case": public_case(event.case)}


CASE_EVENT_DATA: Mapping[type[Any], Callable[[Any, Any], dict[str, Any]]] = {
    ev.CaseOpened: lambda e, n: {"case": case_with_code(e.case)},
    **{cls: _case_data for cls in ev.CASE_EVENTS if cls is not ev.CaseOpened},
}
"""The `data` of each case event, registered in `displays/views.py`'s table."""


# --- snapshots -------------------------------------------------------------------------------


def _sorted(cases: list[Case]) -> list[Case]:
    return sorted(cases, key=lambda c: (c.due, c.opened_at, c.id))


def staff_cases(state: HallState) -> list[dict[str, Any]]:
    """Every case the hall holds, for clerks and tablets (the pickup window finds its case)."""
    return [
        {**public_case(c), "overdue": is_overdue(c, state.day)}
        for c in _sorted(list(state.cases.values()))
    ]


def office_snapshot(state: HallState, office: str | None) -> dict[str, Any]:
    """An office's worklist: its cases, by due date, each flagged overdue or not."""
    config = state.config
    found = config.office(office) if office is not None else None
    mine = [c for c in state.cases.values() if c.office == office]
    return {
        "office": {"id": found.id, "name": found.name} if found is not None else None,
        "day": state.day,
        "services": [
            {"id": s.id, "name": s.name, "name_en": s.name_en, "promise_days": s.promise_days}
            for s in config.services
            if s.office == office
        ],
        "pickup_queue": config.rules.pickup_queue or None,
        "cases": [{**public_case(c), "overdue": is_overdue(c, state.day)} for c in _sorted(mine)],
    }


def case_progress(state: HallState, case_id: str) -> dict[str, Any]:
    """What a citizen's tracker shows of a case: its status in plain terms, what to bring, where
    to pick it up. None once the case left the hall's state (closed on an earlier day)."""
    case = state.cases.get(case_id)
    if case is None:
        return {"case": None}
    config = state.config
    service = config.service(case.service)
    office = config.office(case.office)
    pickup_windows = [
        {"id": w.id, "name": w.name}
        for w in config.windows
        if config.rules.pickup_queue and config.rules.pickup_queue in w.queues
    ]
    return {
        "case": {
            "id": case.id,
            "status": case.status,
            "closed": case.status in CASE_CLOSED,
            "due": case.due,
            "service": {
                "id": case.service,
                "name": service.name if service else case.service,
                "name_en": service.name_en if service else "",
            },
            "office": office.name if office is not None else case.office,
            "items": list(case.items),
            "pickup": case.pickup,
            "pickup_windows": pickup_windows,
            "open_time": config.rules.open_time,
            "close_time": config.rules.close_time,
            "reason": case.reason,
            "overdue": is_overdue(case, state.day),
        }
    }


def pickup_case_for(state: HallState, ticket_id: str | None) -> dict[str, Any] | None:
    """The case a pickup window hands over to the ticket it serves, if that ticket came for one."""
    if ticket_id is None:
        return None
    case = case_for_pickup_ticket(state, ticket_id)
    return public_case(case) if case is not None else None


# --- results ---------------------------------------------------------------------------------


def case_result(
    command: cmd.Command, events: Sequence[ev.Event], state: HallState
) -> dict[str, Any]:
    """A case command's result: the case as it is now; `open_case` adds the pickup code and the
    citizen's tracker token (the reply goes to the clerk who opened it only)."""
    found = [e for e in events if isinstance(e, ev.CASE_EVENTS)]
    if not found:
        return {"case": None}
    case = found[-1].case
    if isinstance(command, cmd.OpenCase):
        return {"case": case_with_code(case), "track": case.track}
    return {"case": public_case(case)}
