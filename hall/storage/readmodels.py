"""Projection of a hall's new events into read-model rows (pure: no database here).

`project(hall, events, personal)` turns one batch of committed events into `Segment`s of rows to
write in the same transaction as the events (`readmodel_writes.py` writes them). Within a
segment the changes to one ticket, window or appointment are folded into one row or one update,
so a busy batch costs a few statements, not one per event. A new service day (`DayStarted`)
starts a new segment: its hall-wide changes (windows close, stale tickets leave, open staff
sessions end) must land between the day before and the day after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from queueing import events as ev
from queueing import follow_ups
from queueing.model import (
    BOOKED,
    CALLED,
    CHECKED_IN,
    FINISHED,
    MISSED,
    NO_SHOW,
    SERVING,
    WAITING,
    Ticket,
    Window,
)
from queueing.stream import SequencedEvent

Row = dict[str, Any]

CANCELLED_BOOKING = "cancelled"
FOLLOW_UP_OPEN = "open"
DAY_CLOSE = "day_close"
SESSION_CLOSING_CAUSES = ("sign_out", "close", "staff_revoked")


@dataclass(frozen=True, slots=True)
class DayStart:
    """A new service day: every window closes, tickets still in play (but parked ones) leave
    the hall, and open staff sessions end."""

    day: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SessionChange:
    """Open (`staff` set) or close (`cause` set) the staff session at a window, in order."""

    window: str
    at: datetime
    staff: str | None = None
    staff_name: str | None = None
    cause: str | None = None


@dataclass(frozen=True, slots=True)
class Update:
    """Columns to set and columns to add to, for one row found by its key."""

    set: Row = field(default_factory=dict)
    add: Row = field(default_factory=dict)


@dataclass(slots=True)
class Segment:
    """The rows one run of events (within one service day) writes."""

    day_start: DayStart | None = None
    configured_windows: dict[str, Row] | None = None  # when reconfigured: the windows as new
    new_tickets: dict[str, Row] = field(default_factory=dict)
    ticket_updates: dict[str, Update] = field(default_factory=dict)
    windows: dict[str, Row] = field(default_factory=dict)
    sessions: list[SessionChange] = field(default_factory=list)
    new_appointments: dict[str, Row] = field(default_factory=dict)
    appointment_updates: dict[str, Row] = field(default_factory=dict)
    ratings: list[Row] = field(default_factory=list)
    follow_ups: dict[str, Row] = field(default_factory=dict)
    cases: dict[str, Row] = field(default_factory=dict)

    def update_ticket(self, ticket_id: str, set_: Row, add: Row | None = None) -> None:
        new = self.new_tickets.get(ticket_id)
        if new is not None:
            new.update(set_)
            for column, amount in (add or {}).items():
                new[column] = (new[column] or 0.0) + amount
            return
        update = self.ticket_updates.setdefault(ticket_id, Update())
        update.set.update(set_)
        for column, amount in (add or {}).items():
            update.add[column] = update.add.get(column, 0.0) + amount

    def update_appointment(self, code: str, set_: Row) -> None:
        target = self.new_appointments.get(code)
        if target is None:
            target = self.appointment_updates.setdefault(code, {})
        target.update(set_)


def project(
    events: Sequence[SequencedEvent], personal: Mapping[str, Mapping[str, str]]
) -> list[Segment]:
    """The read-model changes of one batch of a hall's events, in order of service days."""
    segments = [Segment()]
    for stored in events:
        event = stored.event
        if isinstance(event, ev.DayStarted):
            segments.append(Segment(day_start=DayStart(event.day, stored.at)))
            continue
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(segments[-1], event, stored.at, personal)
    return [s for s in segments if s.day_start is not None or not _empty(s)]


def _empty(segment: Segment) -> bool:
    return not any(
        (
            segment.configured_windows,
            segment.new_tickets,
            segment.ticket_updates,
            segment.windows,
            segment.sessions,
            segment.new_appointments,
            segment.appointment_updates,
            segment.ratings,
            segment.follow_ups,
            segment.cases,
        )
    )


def utc(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def ticket_day(ticket_id: str, issued_at: float) -> str:
    """The service day of a ticket: its id starts with it (YYYYMMDD-A001); else UTC date."""
    digits = ticket_id.partition("-")[0]
    if len(digits) == 8 and digits.isdigit():
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return utc(issued_at).date().isoformat()


# --- tickets -------------------------------------------------------------------------------


def _snapshot_columns(ticket: Ticket) -> Row:
    """What a ticket snapshot says; a call's times stay when a bundle's next step resets them."""
    row: Row = {
        "queue": ticket.queue,
        "state": ticket.state,
        "step": ticket.step,
        "recalls": ticket.recalls,
    }
    if ticket.window is not None:
        row["window"] = ticket.window
    if ticket.called_at is not None:
        row["called_at"] = utc(ticket.called_at)
    if ticket.served_at is not None:
        row["served_at"] = utc(ticket.served_at)
    return row


def _issued(segment: Segment, event: ev.TicketIssued, at: datetime, _: Any) -> None:
    ticket = event.ticket
    segment.new_tickets[ticket.id] = {
        "id": ticket.id,
        "day": ticket_day(ticket.id, ticket.issued_at),
        "number": ticket.number,
        "service": ticket.service,
        "priority": ticket.priority,
        "track": ticket.track or None,
        "booking": ticket.booking,
        "issued_at": utc(ticket.issued_at),
        "called_at": None,
        "served_at": None,
        "finished_at": None,
        "window": None,
        "clerk": None,
        "wait_seconds": None,
        "service_seconds": None,
        **_snapshot_columns(ticket),
    }


def _ticket_changed(segment: Segment, event: Any, at: datetime, _: Any) -> None:
    ticket: Ticket = event.ticket
    segment.update_ticket(ticket.id, _snapshot_columns(ticket))


def _prioritised(segment: Segment, event: ev.TicketPrioritised, at: datetime, _: Any) -> None:
    ticket = event.ticket
    segment.update_ticket(ticket.id, {**_snapshot_columns(ticket), "priority": ticket.priority})


def _finished(segment: Segment, event: ev.TicketFinished, at: datetime, _: Any) -> None:
    ticket = event.ticket
    columns = _snapshot_columns(ticket)
    columns["window"] = event.window
    if ticket.state == FINISHED:
        columns["finished_at"] = at
    adds = {"wait_seconds": event.wait_seconds, "service_seconds": event.service_seconds}
    segment.update_ticket(ticket.id, columns, adds)


def _rating_requested(segment: Segment, event: ev.RatingRequested, at: datetime, _: Any) -> None:
    if event.clerk is not None:
        segment.update_ticket(event.ticket.id, {"clerk": event.clerk})


# --- windows and staff ---------------------------------------------------------------------


def window_row(window: Window) -> Row:
    return {
        "id": window.id,
        "name": window.name,
        "status": window.status,
        "clerk": window.clerk,
        "clerk_name": window.clerk_name,
        "ticket": window.ticket,
        "reason": window.reason,
        "since": utc(window.since),
        "queues": dict(window.queues),
    }


def _window_changed(segment: Segment, event: ev.WindowChanged, at: datetime, _: Any) -> None:
    window = event.window
    segment.windows[window.id] = window_row(window)
    if window.ticket is not None and window.clerk is not None:
        segment.update_ticket(window.ticket, {"clerk": window.clerk, "window": window.id})
    if event.cause == "sign_in" and window.clerk is not None:
        segment.sessions.append(SessionChange(window.id, at, window.clerk, window.clerk_name))
    elif event.cause in SESSION_CLOSING_CAUSES:
        segment.sessions.append(SessionChange(window.id, at, cause=event.cause))


def _configured(segment: Segment, event: ev.HallConfigured, at: datetime, _: Any) -> None:
    """Windows of the new configuration keep their state (name and queues change); windows
    no longer configured go. `initial_state` gives a new window's row."""
    configured = {
        w.id: window_row(Window(w.id, w.name, queues=dict(w.queues))) for w in event.config.windows
    }
    segment.configured_windows = configured
    for window_id in list(segment.windows):
        if window_id in configured:
            for column in ("name", "queues"):
                segment.windows[window_id][column] = configured[window_id][column]
        else:
            del segment.windows[window_id]


# --- appointments, ratings ------------------------------------------------------------------


def _booked(
    segment: Segment,
    event: ev.AppointmentBooked,
    at: datetime,
    personal: Mapping[str, Mapping[str, str]],
) -> None:
    appointment = event.appointment
    citizen = personal.get(appointment.code, {})
    segment.new_appointments[appointment.code] = {
        "code": appointment.code,
        "service": appointment.service,
        "slot_start": utc(appointment.slot_start),
        "state": BOOKED,
        "citizen": appointment.citizen,
        "name": citizen.get("name", ""),
        "phone": citizen.get("phone", ""),
        "ticket": None,
        "on_time": None,
        "booked_at": at,
        "checked_in_at": None,
    }
    segment.appointment_updates.pop(appointment.code, None)


def _booking_cancelled(
    segment: Segment, event: ev.AppointmentCancelled, at: datetime, _: Any
) -> None:
    segment.update_appointment(event.code, {"state": CANCELLED_BOOKING})


def _checked_in(segment: Segment, event: ev.AppointmentCheckedIn, at: datetime, _: Any) -> None:
    segment.update_appointment(
        event.code,
        {
            "state": CHECKED_IN,
            "ticket": event.ticket,
            "on_time": event.on_time,
            "checked_in_at": at,
        },
    )


def _missed(segment: Segment, event: ev.AppointmentMissed, at: datetime, _: Any) -> None:
    segment.update_appointment(event.code, {"state": NO_SHOW})


def _rated(segment: Segment, event: ev.RatingSubmitted, at: datetime, _: Any) -> None:
    segment.ratings.append(
        {
            "ticket": event.ticket,
            "number": event.number,
            "window": event.window,
            "clerk": event.clerk,
            "score": event.score,
            "reasons": list(event.reasons),
            "comment": event.comment,
            "at": at,
        }
    )


def _follow_up(segment: Segment, event: ev.Event, at: datetime, _: Any) -> None:
    """Any follow-up event: the row is the follow-up as the event leaves it (no citizen's
    words: the comment or complaint text stays in the event stream)."""
    follow_up = follow_ups.of_event(event)
    opened = utc(follow_up.opened_at) if follow_up.opened_at else at
    segment.follow_ups[follow_up.id] = {
        "case": follow_up.id,
        "ticket": follow_up.ticket or "",
        "number": follow_up.number,
        "window": follow_up.window or "",
        "clerk": follow_up.clerk,
        "score": follow_up.score or 0,
        "status": follow_up.status,
        "opened_at": opened,
        "deadline": utc(follow_up.due),
        "type": follow_up.type,
        "service": follow_up.service,
        "channel": follow_up.channel or None,
        "about_case": follow_up.case,
        "assignee": follow_up.assignee,
        "outcome": follow_up.outcome,
        "callback_due": utc(follow_up.callback_due),
        "called_back_at": _utc_or_none(follow_up.called_back_at),
        "rectified_at": _utc_or_none(follow_up.rectified_at),
        "closed_at": _utc_or_none(follow_up.closed_at),
        "attempts": follow_up.attempts,
        "satisfied": follow_up.satisfied,
        "rectification": follow_up.rectification,
        "overdue": bool(follow_up.overdue),
    }


def _case(
    segment: Segment, event: Any, at: datetime, personal: Mapping[str, Mapping[str, str]]
) -> None:
    """Any case event (办件): the row is the case as the event leaves it. The contact phone is
    written once, with `case.opened` (from the batch's personal data, keyed by pickup code)."""
    case = event.case
    row: Row = {
        "id": case.id,
        "code": case.code,
        "service": case.service,
        "office": case.office,
        "status": case.status,
        "due": case.due,
        "immediate": case.closed_at == case.opened_at,
        "ticket": case.ticket,
        "number": case.number,
        "window": case.window,
        "pickup": case.pickup,
        "opened_at": utc(case.opened_at),
        "closed_at": _utc_or_none(case.closed_at),
    }
    if isinstance(event, ev.CaseOpened):
        row["phone"] = personal.get(case.code, {}).get("phone", "")
        row["decided_at"] = at if row["immediate"] else None
    elif isinstance(event, ev.CaseApproved | ev.CaseRejected):
        row["decided_at"] = at
    segment.cases.setdefault(case.id, {}).update(row)


def _utc_or_none(t: float | None) -> datetime | None:
    return utc(t) if t is not None else None


_HANDLERS: dict[type[Any], Any] = {
    ev.HallConfigured: _configured,
    ev.TicketIssued: _issued,
    ev.TicketCalled: _ticket_changed,
    ev.TicketServing: _ticket_changed,
    ev.TicketFinished: _finished,
    ev.TicketNoShow: _ticket_changed,
    ev.TicketTransferred: _ticket_changed,
    ev.TicketParked: _ticket_changed,
    ev.TicketUnparked: _ticket_changed,
    ev.TicketCancelled: _ticket_changed,
    ev.TicketReactivated: _ticket_changed,
    ev.TicketMoved: _ticket_changed,
    ev.TicketPrioritised: _prioritised,
    ev.TicketExpired: _ticket_changed,
    ev.WindowChanged: _window_changed,
    ev.RatingRequested: _rating_requested,
    ev.RatingSubmitted: _rated,
    **dict.fromkeys(follow_ups.EVENTS, _follow_up),
    ev.AppointmentBooked: _booked,
    ev.AppointmentCancelled: _booking_cancelled,
    ev.AppointmentCheckedIn: _checked_in,
    ev.AppointmentMissed: _missed,
    **dict.fromkeys(ev.CASE_EVENTS, _case),
}

IGNORED: frozenset[type[ev.Event]] = frozenset(
    {
        ev.DayStarted,
        ev.RatingExpired,
        ev.HallBroadcast,
        ev.HelpRequested,  # help requests (导办/帮办): the report reads them from the stream
        ev.HelpClaimed,
        ev.HelpClosed,
    }
)
"""The events with no handler (every other event has one: tests/test_event_tables.py).
`project` itself starts a new segment at `DayStarted`; an expired rating request and a broadcast
change no read model."""

STALE_TICKET_STATES = (WAITING, CALLED, SERVING, MISSED)
"""Ticket states that do not survive a new service day (parked tickets do); such tickets
become `CANCELLED` in the read model, as they leave the hall's state."""
