"""What devices see: public tickets and windows, rendered events, per-kind snapshots, progress.

Everything here is public: no tracker token, booking code, citizen key, citizen comment or
personal data ever leaves through these functions. Events render from the event itself, so a
replayed event renders as it did live; only names (of windows and queues) are looked up in a
hall state, and any state of the hall names them (the current one is fine for replays).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from displays import i18n
from displays.case_views import (
    CASE_EVENT_DATA,
    case_progress,
    is_case_id,
    office_snapshot,
    staff_cases,
)
from displays.interface import HallView
from displays.kinds import (
    ADMIN,
    CLERK,
    GUIDE,
    HALL_WIDE_KINDS,
    KIOSK,
    OFFICE,
    RATING_PAD,
    TABLET,
    TRACKER,
    WINDOW_SCREEN,
)
from queueing import events as ev
from queueing import follow_ups
from queueing.config import HallConfig
from queueing.model import (
    CALLED,
    CLOSED,
    NORMAL,
    PAUSED,
    SERVING,
    WAITING,
    Call,
    FollowUp,
    HallState,
    HelpRequest,
    Ticket,
    Window,
)
from queueing.stream import SequencedEvent

STAFF_KINDS = frozenset({ADMIN, CLERK, TABLET})
"""Hall-wide kinds whose snapshot also lists every ticket in play (to call, unpark, cancel)."""


# --- times -----------------------------------------------------------------------------------


def iso_datetime(at: datetime) -> str:
    """UTC, milliseconds, `Z`: 2026-11-22T09:15:02.120Z. A naive datetime is taken as UTC."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def iso_utc(t: float) -> str:
    """Epoch seconds as `iso_datetime`."""
    return iso_datetime(datetime.fromtimestamp(t, UTC))


def _seconds(value: float | None) -> int | None:
    return None if value is None else max(0, round(value))


# --- tickets and windows ---------------------------------------------------------------------


def public_ticket(ticket: Ticket) -> dict[str, Any]:
    """A ticket as any device may see it. Never its track token or booking code."""
    data: dict[str, Any] = {
        "id": ticket.id,
        "number": ticket.number,
        "queue": ticket.queue,
        "service": ticket.service,
        "priority": ticket.priority,
        "state": ticket.state,
        "issued_at": iso_utc(ticket.issued_at),
    }
    if ticket.window is not None:
        data["window"] = ticket.window
    if ticket.target_window is not None:
        data["to_window"] = ticket.target_window
    if ticket.parked_by is not None:
        data["parked_by"] = ticket.parked_by
    if ticket.assisted:  # 帮办: a guide issued it (the guide's staff number, like a clerk's 工号)
        data["assisted"] = True
        data["assisted_by"] = ticket.assisted_by
    return data


HELP_KINDS = frozenset({ADMIN, TABLET, GUIDE, KIOSK})
"""Hall-wide kinds whose snapshot lists the open help requests (导办/帮办)."""


def public_help(request: HelpRequest) -> dict[str, Any]:
    """A help request as `help.*` events carry it: the kiosk, the reason, who claimed it when.
    Never the guide's closing note (free text)."""
    return {
        "id": request.id,
        "kiosk": {"id": request.kiosk, "name": request.kiosk_name},
        "reason": request.reason,
        "state": request.state,
        "requested_at": iso_utc(request.requested_at),
        "staff": request.staff,
        "claimed_at": iso_utc(request.claimed_at) if request.claimed_at is not None else None,
    }


def public_window(window: Window) -> dict[str, Any]:
    """A window as `window.changed` carries it: status, clerk display name and staff number
    (工号, shown on window screens and rating pads), ticket id in hand."""
    return {
        "id": window.id,
        "name": window.name,
        "status": window.status,
        "clerk": window.clerk_name,
        "clerk_number": window.clerk,
        "reason": window.reason,
        "ticket_id": window.ticket,
        "since": iso_utc(window.since) if window.since else None,
        "queues": dict(window.queues),
    }


def window_view(state: HallState, window: Window) -> dict[str, Any]:
    """`public_window` plus the ticket being called or served, as a public ticket."""
    ticket = state.tickets.get(window.ticket) if window.ticket is not None else None
    return {**public_window(window), "ticket": public_ticket(ticket) if ticket else None}


class _Names:
    """Window and queue names from any state of the hall (falling back to ids)."""

    __slots__ = ("_config",)

    def __init__(self, state: HallState | None) -> None:
        self._config: HallConfig | None = state.config if state is not None else None

    def window(self, window_id: str | None) -> dict[str, Any] | None:
        if window_id is None:
            return None
        window = self._config.window(window_id) if self._config is not None else None
        return {"id": window_id, "name": window.name if window is not None else window_id}

    def queue(self, queue_id: str | None) -> dict[str, Any] | None:
        if queue_id is None:
            return None
        queue = self._config.queue(queue_id) if self._config is not None else None
        return {"id": queue_id, "name": queue.name if queue is not None else queue_id}


# --- events ----------------------------------------------------------------------------------


def render_event(e: SequencedEvent, state_after: HallState | None = None) -> dict[str, Any]:
    """The protocol's `event` message. `state_after` (or any state of the hall) names windows
    and queues that the event names by id only; without it the id stands in for the name."""
    event = e.event
    data = _EVENT_DATA[type(event)](event, _Names(state_after))
    return {
        "type": "event",
        "seq": e.seq,
        "at": iso_datetime(e.at),
        "event": event.name,
        "data": data,
    }


def announce(number: str, window_name: str, recall: bool = False, lang: str = i18n.ZH) -> str:
    """The text a call screen speaks: 请A023号到5号窗口办理."""
    key = "announce.recall" if recall else "announce"
    return i18n.t(key, lang, number=number, window=window_name)


def _rating_ticket(ticket_id: str, number: str) -> dict[str, Any]:
    return {"id": ticket_id, "number": number}


_Render = Callable[[Any, _Names], dict[str, Any]]


def public_follow_up(follow_up: FollowUp, names: _Names) -> dict[str, Any]:
    """A follow-up as `follow_up.*` events carry it (差评整改, 投诉, 回访): its type, status,
    deadlines and the service it is about. Never the citizen's comment or complaint text, the
    staff's notes, nor the booking (whose phone the callback needs): the tablet's board reads
    those over HTTP (`hall/server/follow_ups.py`)."""
    return {
        "id": follow_up.id,
        "type": follow_up.type,
        "status": follow_up.status,
        "ticket_id": follow_up.ticket,
        "number": follow_up.number,
        "window": names.window(follow_up.window),
        "clerk": follow_up.clerk,
        "service": follow_up.service,
        "score": follow_up.score,
        "reasons": list(follow_up.reasons),
        "channel": follow_up.channel or None,
        "case": follow_up.case,
        "assignee": follow_up.assignee,
        "attempts": follow_up.attempts,
        "outcome": follow_up.outcome,
        "satisfied": follow_up.satisfied,
        "opened_at": iso_utc(follow_up.opened_at),
        "callback_due": iso_utc(follow_up.callback_due),
        "due": iso_utc(follow_up.due),
        "closed_at": iso_utc(follow_up.closed_at) if follow_up.closed_at is not None else None,
        "overdue": list(follow_up.overdue),
    }


def follow_up_view(state: HallState, follow_up: FollowUp) -> dict[str, Any]:
    """`public_follow_up` with the window named from the hall's state."""
    return public_follow_up(follow_up, _Names(state))


_EVENT_DATA: Mapping[type[Any], _Render] = {
    ev.DayStarted: lambda e, n: {"day": e.day},
    ev.HallConfigured: lambda e, n: public_config(e.config),
    ev.TicketIssued: lambda e, n: {"ticket": public_ticket(e.ticket), "waiting": dict(e.waiting)},
    ev.TicketCalled: lambda e, n: {
        "ticket": public_ticket(e.ticket),
        "window": {"id": e.window, "name": e.window_name},
        "recall": e.recall,
        "announce": announce(e.ticket.number, e.window_name, e.recall),
        "announce_en": announce(e.ticket.number, e.window_name, e.recall, i18n.EN),
    },
    ev.TicketServing: lambda e, n: {
        "ticket": public_ticket(e.ticket),
        "window": n.window(e.window),
    },
    ev.TicketFinished: lambda e, n: {
        "ticket": public_ticket(e.ticket),
        "window": n.window(e.window),
        "wait_seconds": _seconds(e.wait_seconds),
        "service_seconds": _seconds(e.service_seconds),
        "next_queue": n.queue(e.next_queue),
    },
    ev.TicketNoShow: lambda e, n: {"ticket": public_ticket(e.ticket), "window": n.window(e.window)},
    ev.TicketTransferred: lambda e, n: {
        "ticket": public_ticket(e.ticket),
        "from_window": n.window(e.from_window),
        **({"to_queue": n.queue(e.to_queue)} if e.to_queue is not None else {}),
        **({"to_window": n.window(e.to_window)} if e.to_window is not None else {}),
    },
    ev.TicketParked: lambda e, n: {"ticket": public_ticket(e.ticket), "window": n.window(e.window)},
    ev.TicketUnparked: lambda e, n: {
        "ticket": public_ticket(e.ticket),
        "window": n.window(e.window),
    },
    ev.TicketCancelled: lambda e, n: {"ticket": public_ticket(e.ticket), "reason": e.reason},
    ev.TicketReactivated: lambda e, n: {"ticket": public_ticket(e.ticket)},
    ev.TicketMoved: lambda e, n: {
        "ticket": public_ticket(e.ticket),
        "from_queue": n.queue(e.from_queue),
        **({"from_window": n.window(e.from_window)} if e.from_window is not None else {}),
        **({"to_queue": n.queue(e.to_queue)} if e.to_queue is not None else {}),
        **({"to_window": n.window(e.to_window)} if e.to_window is not None else {}),
    },
    ev.TicketPrioritised: lambda e, n: {"ticket": public_ticket(e.ticket)},
    ev.TicketExpired: lambda e, n: {"ticket": public_ticket(e.ticket)},
    ev.WindowChanged: lambda e, n: {"window": public_window(e.window), "cause": e.cause},
    ev.RatingRequested: lambda e, n: {
        "ticket": public_ticket(e.ticket),
        "window": n.window(e.window),
        "requested_at": iso_utc(e.requested_at),
    },
    ev.RatingSubmitted: lambda e, n: {
        "ticket": public_ticket(e.snapshot)
        if e.snapshot is not None
        else _rating_ticket(e.ticket, e.number),
        "window": n.window(e.window),
        "score": e.score,
        "reasons": list(e.reasons),
    },
    ev.RatingExpired: lambda e, n: {
        "ticket_id": e.ticket,
        "window": n.window(e.window),
        "reason": e.reason,
    },
    ev.FollowUpOpened: lambda e, n: {
        "case": e.case,
        "ticket_id": e.ticket,
        "number": e.number,
        "window": n.window(e.window),
        "score": e.score,
        "deadline": iso_utc(e.deadline),
        "follow_up": public_follow_up(follow_ups.of_event(e), n),
    },
    **dict.fromkeys(
        follow_ups.EVENTS[1:-1], lambda e, n: {"follow_up": public_follow_up(e.follow_up, n)}
    ),
    ev.FollowUpOverdue: lambda e, n: {
        "follow_up": public_follow_up(e.follow_up, n),
        "step": e.step,
    },
    ev.HallBroadcast: lambda e, n: {"text": e.text},
    ev.AppointmentBooked: lambda e, n: {
        "service": e.appointment.service,
        "slot_start": iso_utc(e.appointment.slot_start),
    },
    ev.AppointmentCancelled: lambda e, n: {},
    ev.AppointmentCheckedIn: lambda e, n: {"ticket_id": e.ticket, "on_time": e.on_time},
    ev.AppointmentMissed: lambda e, n: {},
    ev.HelpRequested: lambda e, n: {
        "help": public_help(e.help),
        "kiosk": {"id": e.help.kiosk, "name": e.help.kiosk_name},
        "reason": e.help.reason,
    },
    ev.HelpClaimed: lambda e, n: {"help": public_help(e.help), "staff": e.staff},
    ev.HelpClosed: lambda e, n: {"help": public_help(e.help), "staff": e.staff},
    **CASE_EVENT_DATA,
}
"""Each event's `data`. Booking codes and citizen keys stay out; so does a rating's comment
(free text a citizen may have typed personal data into). A `ticket` key always holds a ticket
object; where an event knows only a ticket's id, the key is `ticket_id`."""


# --- snapshots -------------------------------------------------------------------------------


def public_config(config: HallConfig) -> dict[str, Any]:
    """What a device needs of the hall's configuration: names and what maps to what."""
    return {
        "name": config.name,
        "timezone": config.timezone,
        "queues": [
            {"id": q.id, "name": q.name, "prefix": q.prefix, "area": q.area} for q in config.queues
        ],
        "services": [_public_service(s) for s in config.services],
        "windows": [{"id": w.id, "name": w.name, "queues": dict(w.queues)} for w in config.windows],
    }


def _public_service(service: Any) -> dict[str, Any]:
    return {
        "id": service.id,
        "name": service.name,
        "name_en": service.name_en,
        "queue": service.queue,
        "steps": list(service.steps),
        "category": service.category,
        "bookable": service.bookable,
    }


def _hall(state: HallState) -> dict[str, Any]:
    config = state.config
    return {
        "id": config.id,
        "name": config.name,
        "timezone": config.timezone,
        "day": state.day,
        "announce_repeat": config.rules.announce_repeat,
        "rating_timeout_seconds": round(config.rules.rating_timeout_seconds),
        "require_sign_in": config.rules.require_sign_in,
    }


def snapshot(
    kind: str, view: HallView, window: str | None = None, ticket: str | None = None
) -> dict[str, Any]:
    """What a device of `kind` shows, as of `view.seq` (PROTOCOL "Session")."""
    state = view.state
    base = {"hall": _hall(state), "notice": state.notice}
    if kind in HALL_WIDE_KINDS:
        return {**base, **_hall_wide(kind, view)}
    if kind in (WINDOW_SCREEN, RATING_PAD):
        found = state.windows.get(window) if window is not None else None
        data = {**base, "window": window_view(state, found) if found else None}
        if kind == RATING_PAD:
            data["rating"] = _pending_rating(state, window)
        return data
    if kind == OFFICE:  # `window`: the office the device is bound to
        return {**base, **office_snapshot(state, window)}
    if kind == TRACKER and is_case_id(ticket):
        return {**base, **case_progress(state, str(ticket))}
    if kind == TRACKER:
        return {**base, **ticket_progress(view, ticket or "")}
    raise ValueError(f"unknown device kind {kind!r}")


def _hall_wide(kind: str, view: HallView) -> dict[str, Any]:
    state = view.state
    waiting = state.waiting_counts()
    data: dict[str, Any] = {
        "queues": [
            {
                "id": q.id,
                "name": q.name,
                "prefix": q.prefix,
                "area": q.area,
                "waiting": waiting.get(q.id, 0),
                "eta_new_s": _new_ticket_wait(view, q.id, waiting.get(q.id, 0)),
            }
            for q in state.config.queues
        ],
        "services": [_public_service(s) for s in state.config.services],
        "windows": [window_view(state, w) for w in state.windows.values()],
        "calls": [_call(call) for call in state.calls],
    }
    if kind in HELP_KINDS:
        requests = sorted(state.help_requests.values(), key=lambda h: (h.requested_at, h.id))
        data["help"] = [public_help(request) for request in requests]
    if kind in STAFF_KINDS:
        tickets = sorted(state.tickets.values(), key=lambda tk: (tk.issued_at, tk.id))
        data["tickets"] = [public_ticket(tk) for tk in tickets]
        data["cases"] = staff_cases(state)
    return data


def _call(call: Call) -> dict[str, Any]:
    return {
        "ticket": call.ticket,
        "number": call.number,
        "queue": call.queue,
        "window": {"id": call.window, "name": call.window_name},
        "at": iso_utc(call.at),
        "announce": announce(call.number, call.window_name),
    }


def _pending_rating(state: HallState, window: str | None) -> dict[str, Any] | None:
    pending = [p for p in state.ratings.values() if p.window == window]
    if not pending:
        return None
    latest = max(pending, key=lambda p: p.requested_at)
    timeout = state.config.rules.rating_timeout_seconds
    return {
        "ticket": _rating_ticket(latest.ticket, latest.number),
        "requested_at": iso_utc(latest.requested_at),
        "expires_at": iso_utc(latest.requested_at + timeout),
    }


# --- a ticket's progress ---------------------------------------------------------------------


def ticket_position(state: HallState, ticket_id: str) -> int | None:
    """Tickets ahead of this one: 0 once called; None when it waits for nothing (parked,
    missed, gone). A walk-in counts its queue's priority tickets as ahead of it."""
    ticket = state.tickets.get(ticket_id)
    if ticket is None:
        return None
    if ticket.state in (CALLED, SERVING):
        return 0
    if ticket.state != WAITING:
        return None
    if ticket.target_window is not None:
        return _index(state.window_lines.get(ticket.target_window, ()), ticket_id)
    priority = state.priority_lines.get(ticket.queue, ())
    if ticket.priority != NORMAL:
        return _index(priority, ticket_id)
    return len(priority) + _index(state.lines.get(ticket.queue, ()), ticket_id)


def _index(line: tuple[str, ...], ticket_id: str) -> int:
    return line.index(ticket_id) if ticket_id in line else len(line)


def ticket_eta(view: HallView, ticket_id: str) -> int | None:
    """Expected seconds until the ticket is called: 0 once called; None when it waits for
    nothing. Without an estimate (no window of its queue open) a `rough_wait`."""
    ticket = view.state.tickets.get(ticket_id)
    if ticket is None:
        return None
    if ticket.state in (CALLED, SERVING):
        return 0
    position = ticket_position(view.state, ticket_id)
    if position is None:
        return None
    estimated = view.estimate.tickets.get(ticket_id)
    if estimated is not None:
        return _seconds(estimated)
    return rough_wait(view.state, ticket.queue, position)


def rough_wait(state: HallState, queue: str, ahead: int) -> int:
    """A wait from the configuration alone, for when the estimate has none (no window of the
    queue is open yet): the tickets ahead times the queue's expected service time, shared
    among the windows serving the queue (the open ones, else every one configured for it)."""
    serving = [w for w in state.windows.values() if queue in w.queues]
    working = [w for w in serving if w.status not in (CLOSED, PAUSED)]
    share = len(working or serving) or 1
    return max(0, round(ahead * state.expected_service_seconds(queue) / share))


def _new_ticket_wait(view: HallView, queue: str, waiting: int) -> int:
    estimated = view.estimate.new_ticket.get(queue)
    if estimated is not None:
        return max(0, round(estimated))
    return rough_wait(view.state, queue, waiting)


def ticket_progress(view: HallView, ticket_id: str) -> dict[str, Any]:
    """What a tracker shows: its ticket (None once it left the hall's state), the tickets ahead,
    the expected wait, and the window it was called to."""
    ticket = view.state.tickets.get(ticket_id)
    names = _Names(view.state)
    return {
        "ticket": public_ticket(ticket) if ticket is not None else None,
        "position": ticket_position(view.state, ticket_id),
        "eta_seconds": ticket_eta(view, ticket_id),
        "window": names.window(ticket.window) if ticket is not None else None,
    }
