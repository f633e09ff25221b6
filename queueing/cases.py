"""Cases (办件): an application from the window that accepts it to the certificate it ends in.

前台综合受理 → 后台分类审批 → 统一窗口出证 → 送达, through the pure core like every other state
change: the `decide_*` functions turn a case command into events (or raise a `DomainError` with
its own code), the `apply_*` functions fold those events into `HallState.cases`.

A case is `accepted` at a window (`open_case`), may wait for the citizen's documents
(`documents_requested`: 补正/容缺, its due date paused) and come back `reviewing`, is `approved` or
`rejected` by its back office, made `ready` for pickup (at the pickup window or by mail) and
`delivered`. `rejected` and `delivered` are final. A service with `promise_days` 0 (即办件) is
finished at the window: its case opens delivered. `due` is a working day of the hall's calendar
(`queueing/calendar.py`). The pickup code and tracker token are handed in by the shell; the
citizen's contact phone never reaches the core.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from queueing import commands as cmd
from queueing import errors, follow_ups
from queueing import events as ev
from queueing.booking_codes import normalise_code
from queueing.calendar import add_working_days, working_days_between
from queueing.frozen import replace
from queueing.model import (
    CASE_ACCEPTED,
    CASE_APPROVED,
    CASE_CLOSED,
    CASE_DELIVERED,
    CASE_DOCUMENTS,
    CASE_READY,
    CASE_REJECTED,
    CASE_REVIEWING,
    Case,
    CaseStep,
    HallState,
)

Events = list[ev.Event]

CASE_COUNTER = "#case"
"""The key in `HallState.counters` that numbers the day's cases (no queue id has a '#')."""

PICKUP_WINDOW = "window"
PICKUP_MAIL = "mail"
PICKUPS = (PICKUP_WINDOW, PICKUP_MAIL)

MAX_ITEMS = 20
MAX_ITEM_CHARS = 200

UNDER_REVIEW = frozenset({CASE_ACCEPTED, CASE_REVIEWING})
"""States in which the office decides: approve, reject, ask for documents."""

OPEN_STATES = (CASE_ACCEPTED, CASE_DOCUMENTS, CASE_REVIEWING, CASE_APPROVED, CASE_READY)
"""Every state a case is still open in (the metrics count cases by them)."""

RUNNING = frozenset({CASE_ACCEPTED, CASE_REVIEWING, CASE_APPROVED})
"""States in which the promise clock runs: a case past its due date in one of them is overdue
(waiting for documents pauses the clock; a ready certificate waits for the citizen)."""


# --- reading cases ---------------------------------------------------------------------------


def is_overdue(case: Case, day: str) -> bool:
    """Past its due date (a local date) with the clock running, as of the local `day`."""
    return case.status in RUNNING and case.due < day


def case_by_code(state: HallState, code: str) -> Case | None:
    """The case with that pickup code, as typed or scanned (any case, spaces, dashes)."""
    wanted = normalise_code(code)
    return next((c for c in state.cases.values() if c.code == wanted), None)


def case_for_pickup_ticket(state: HallState, ticket_id: str) -> Case | None:
    """The case a pickup ticket (checked in with its code) came for."""
    return next((c for c in state.cases.values() if c.pickup_ticket == ticket_id), None)


def _case(state: HallState, case_id: str, office: str | None = None) -> Case:
    """An open case the caller may act on: `unknown_case`, `not_your_office`, `case_closed`."""
    case = state.cases.get(case_id)
    if case is None:
        raise errors.UnknownCase(f"no case {case_id!r}")
    if office is not None and case.office != office:
        raise errors.NotYourOffice(f"case {case.id} belongs to another office")
    if case.status in CASE_CLOSED:
        raise errors.CaseClosed(f"case {case.id} is {case.status}")
    return case


def _actor(state: HallState, command: Any) -> str:
    """Who did it, for the case's history: the clerk at the window, the office, the manager."""
    window = getattr(command, "window", None)
    if window is not None and window in state.windows:
        return state.windows[window].clerk or window
    office = getattr(command, "office", None)
    return str(office or command.by or "")


def _step(case: Case, state: HallState, command: Any, t: float, note: str = "") -> Case:
    step = CaseStep(command.name, t, _actor(state, command), note)
    return replace(case, history=(*case.history, step))


# --- deciding --------------------------------------------------------------------------------


def decide_open(state: HallState, command: cmd.OpenCase, t: float) -> Events:
    ticket = state.tickets.get(command.ticket)
    if ticket is None:
        raise errors.UnknownTicket(f"no ticket {command.ticket!r} in play")
    window = state.windows.get(command.window) if command.window is not None else None
    if command.window is not None and window is None:
        raise errors.UnknownWindow(f"no window {command.window!r}")
    if window is not None and window.ticket != ticket.id:
        raise errors.NotServing(f"window {window.name} is not serving ticket {ticket.number}")
    service = state.config.service(command.service or ticket.service)
    if service is None:
        raise errors.UnknownService(f"no service {command.service!r}")
    _require_new(state, ticket.id, service.id, command.code)
    count = state.counters.get(CASE_COUNTER, 0) + 1
    case = Case(
        id=f"C{state.day.replace('-', '')}-{count:04d}",
        code=command.code,
        service=service.id,
        office=service.office,
        status=CASE_ACCEPTED if service.promise_days else CASE_DELIVERED,
        due=add_working_days(state.config, state.day, service.promise_days),
        opened_at=t,
        ticket=ticket.id,
        number=ticket.number,
        track=command.track,
        window=command.window,
        closed_at=None if service.promise_days else t,
        has_contact=command.has_contact or bool(command.contact_phone),
    )
    opened: Events = [ev.CaseOpened(_step(case, state, command, t))]
    return opened if service.promise_days else opened + _callback(state, case, t)


def _callback(state: HallState, case: Case, t: float) -> Events:
    """A finished case (即办件 at once, others when delivered) may get a 回访 callback task."""
    return follow_ups.callback_for_case(state, case.id, case.service, case.has_contact, t)


def _require_new(state: HallState, ticket: str, service: str, code: str) -> None:
    for case in state.cases.values():
        if case.ticket == ticket and case.service == service:
            raise errors.CaseExists(f"ticket has case {case.id} for {service} already")
        if code and case.code == code:
            raise errors.CaseExists("that pickup code is in use")


def decide_request_documents(state: HallState, command: cmd.RequestDocuments, t: float) -> Events:
    case = _case(state, command.case, command.office)
    if case.status not in UNDER_REVIEW:
        raise errors.NotUnderReview(f"case {case.id} is {case.status}")
    items = tuple(item.strip() for item in command.items)
    if not items or len(items) > MAX_ITEMS:
        raise errors.InvalidText(f"items: 1 to {MAX_ITEMS} documents")
    if any(not item or len(item) > MAX_ITEM_CHARS for item in items):
        raise errors.InvalidText(f"items: each 1 to {MAX_ITEM_CHARS} characters")
    waiting = replace(case, status=CASE_DOCUMENTS, items=items, paused_on=state.day)
    return [ev.CaseDocumentsRequested(_step(waiting, state, command, t, "、".join(items)))]


def decide_submit_documents(state: HallState, command: cmd.SubmitDocuments, t: float) -> Events:
    case = _case(state, command.case)
    if case.status != CASE_DOCUMENTS:
        raise errors.NotAwaitingDocuments(f"case {case.id} is {case.status}")
    paused = working_days_between(state.config, case.paused_on or state.day, state.day)
    due = add_working_days(state.config, case.due, paused) if paused else case.due
    back = replace(case, status=CASE_REVIEWING, items=(), paused_on=None, due=due)
    return [ev.CaseDocumentsReceived(_step(back, state, command, t))]


def decide_approve(state: HallState, command: cmd.ApproveCase, t: float) -> Events:
    case = _case(state, command.case, command.office)
    if case.status not in UNDER_REVIEW:
        raise errors.NotUnderReview(f"case {case.id} is {case.status}")
    approved = replace(case, status=CASE_APPROVED)
    return [ev.CaseApproved(_step(approved, state, command, t))]


def decide_reject(state: HallState, command: cmd.RejectCase, t: float) -> Events:
    case = _case(state, command.case, command.office)
    if case.status not in UNDER_REVIEW | {CASE_DOCUMENTS}:
        raise errors.NotUnderReview(f"case {case.id} is {case.status}")
    reason = command.reason.strip()
    if not reason or len(reason) > MAX_ITEM_CHARS:
        raise errors.InvalidText(f"reason: 1 to {MAX_ITEM_CHARS} characters")
    rejected = replace(case, status=CASE_REJECTED, reason=reason, closed_at=t, paused_on=None)
    return [ev.CaseRejected(_step(rejected, state, command, t, reason))]


def decide_ready(state: HallState, command: cmd.ReadyCase, t: float) -> Events:
    case = _case(state, command.case, command.office)
    if case.status != CASE_APPROVED:
        raise errors.NotApproved(f"case {case.id} is {case.status}")
    if command.pickup not in PICKUPS:
        raise errors.InvalidArgument("pickup: 'window' or 'mail'")
    if command.pickup == PICKUP_WINDOW and not state.config.rules.pickup_queue:
        raise errors.NoPickupQueue("the hall has no pickup queue: send it by mail")
    ready = replace(case, status=CASE_READY, pickup=command.pickup)
    return [ev.CaseReady(_step(ready, state, command, t, command.pickup))]


def decide_deliver(state: HallState, command: cmd.DeliverCase, t: float) -> Events:
    case = _case(state, command.case)
    if case.status != CASE_READY:
        raise errors.NotReady(f"case {case.id} is {case.status}")
    if command.office is not None and command.office != case.office:
        raise errors.NotYourOffice(f"case {case.id} belongs to another office")
    if command.office is not None and case.pickup != PICKUP_MAIL:
        raise errors.NotPickupWindow(f"case {case.id} is handed over at the pickup window")
    if command.window is not None:
        _require_pickup_window(state, case, command.window)
    delivered = replace(case, status=CASE_DELIVERED, closed_at=t)
    return [ev.CaseDelivered(_step(delivered, state, command, t)), *_callback(state, delivered, t)]


def _require_pickup_window(state: HallState, case: Case, window_id: str) -> None:
    window = state.windows.get(window_id)
    if window is None:
        raise errors.UnknownWindow(f"no window {window_id!r}")
    if case.pickup != PICKUP_WINDOW:
        raise errors.NotPickupWindow(f"case {case.id} goes by mail")
    if case.pickup_ticket is None or window.ticket != case.pickup_ticket:
        raise errors.NotPickupWindow(
            f"{window.name} is not serving the citizen who checked in for case {case.id}"
        )


def pickup_case(state: HallState, code: str) -> Case:
    """The ready case a kiosk checks in with its pickup code (`check_in` with `case_code`)."""
    case = case_by_code(state, code)
    if case is None:
        raise errors.UnknownCase("no case with that pickup code")
    if case.status in CASE_CLOSED:
        raise errors.CaseClosed(f"case {case.id} is {case.status}")
    if case.status != CASE_READY or case.pickup != PICKUP_WINDOW:
        raise errors.NotReady(f"case {case.id} is not ready for pickup at a window")
    if not state.config.rules.pickup_queue:
        raise errors.NoPickupQueue("the hall has no pickup queue")
    return case


def checked_in(state: HallState, case: Case, ticket: str, t: float) -> ev.CaseCheckedIn:
    """The case's pickup ticket is issued: the pickup window will call it."""
    step = CaseStep(cmd.CheckIn.name, t, "", ticket)
    return ev.CaseCheckedIn(replace(case, pickup_ticket=ticket, history=(*case.history, step)))


DECIDERS: Mapping[type[Any], Any] = {
    cmd.OpenCase: decide_open,
    cmd.RequestDocuments: decide_request_documents,
    cmd.SubmitDocuments: decide_submit_documents,
    cmd.ApproveCase: decide_approve,
    cmd.RejectCase: decide_reject,
    cmd.ReadyCase: decide_ready,
    cmd.DeliverCase: decide_deliver,
}
"""The case commands' handlers, registered in `queueing/decide.py`'s table."""


# --- applying --------------------------------------------------------------------------------


def apply_opened(state: HallState, event: ev.CaseOpened) -> HallState:
    counters = dict(state.counters)
    counters[CASE_COUNTER] = counters.get(CASE_COUNTER, 0) + 1
    return replace(state, cases={**state.cases, event.case.id: event.case}, counters=counters)


def apply_changed(state: HallState, event: Any) -> HallState:
    """Any later case event: the case as it is now."""
    case: Case = event.case
    return replace(state, cases={**state.cases, case.id: case})


APPLIERS: Mapping[type[Any], Any] = {
    ev.CaseOpened: apply_opened,
    **{cls: apply_changed for cls in ev.CASE_EVENTS if cls is not ev.CaseOpened},
}
"""The case events' handlers, registered in `queueing/apply.py`'s table."""


def carried_over(cases: Mapping[str, Case]) -> dict[str, Case]:
    """The cases a new service day keeps: every open one (closed ones leave with the day). A
    pickup ticket leaves with its day: the citizen checks in again."""
    return {
        case_id: replace(c, pickup_ticket=None)
        for case_id, c in cases.items()
        if c.status not in CASE_CLOSED
    }
