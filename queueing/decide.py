"""`decide(state, command, now) -> events`: what a command does to a hall, or why it is refused.

Never mutates the state and never reads a clock: `now` is handed in. A refusal raises a
`DomainError` subclass whose `code` the edge puts in the protocol reply. A new service day (in
the hall's time zone) starts with a `DayStarted` event ahead of the command's own events. A
command's `by` (a floor manager's staff number) is copied onto its own events.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from queueing import cases, errors, follow_ups
from queueing import commands as cmd
from queueing import events as ev
from queueing import help as helps
from queueing.apply import apply
from queueing.booking_codes import normalise_code
from queueing.calendar import local_time, service_day, slot_starts
from queueing.config import HallConfig
from queueing.frozen import replace
from queueing.model import (
    APPOINTMENT,
    BOOKED,
    CALLED,
    CALLING,
    CANCELLED,
    CLOSED,
    FINISHED,
    GREEN,
    IDLE,
    MISSED,
    NORMAL,
    PARKED,
    PAUSED,
    SERVING,
    SERVING_WINDOW,
    WAITING,
    Appointment,
    HallState,
    Ticket,
    Window,
    slot_key,
)
from queueing.routing import Head, choose_next

Events = list[ev.Event]
MAX_TEXT = 200


def decide(state: HallState, command: cmd.Command, now: datetime) -> Events:
    t = now.timestamp()
    day = service_day(state.config, t)
    events: Events = []
    if day != state.day:
        events.append(ev.DayStarted(day))
        state = apply(state, events[0])
    handler = _HANDLERS[type(command)]
    own = handler(state, command, t)
    if command.by is not None:  # a floor manager's command: its events say who (not the new day)
        own = [replace(event, by=command.by) for event in own]
    return events + own


class StateLines:
    """The hall's waiting lines as routing sees them."""

    __slots__ = ("_state",)

    def __init__(self, state: HallState) -> None:
        self._state = state

    def _head(self, line: tuple[str, ...] | None) -> Head | None:
        if not line:
            return None
        return (self._state.tickets[line[0]].issued_at, line[0])

    def head(self, queue: str) -> Head | None:
        return self._head(self._state.lines.get(queue))

    def priority_head(self, queue: str) -> Head | None:
        return self._head(self._state.priority_lines.get(queue))

    def window_head(self, window: str) -> Head | None:
        return self._head(self._state.window_lines.get(window))


# --- tickets ---------------------------------------------------------------------------------


def _issue_ticket(state: HallState, command: cmd.IssueTicket, t: float) -> Events:
    service = state.config.service(command.service)
    if service is None:
        raise errors.UnknownService(f"no service {command.service!r} in hall {state.config.id!r}")
    if command.priority not in (NORMAL, GREEN):
        raise errors.InvalidArgument("priority: must be 'normal' or 'green'")
    assisted_by = helps.assisted_by(command)
    _require_open_hours(state, t)
    issued = _new_ticket(state, service.id, command.priority, command.track, t, None)
    if command.assisted:  # a 帮办 ticket: the clerk and the report see which guide issued it
        ticket = replace(issued.ticket, assisted=True, assisted_by=assisted_by)
        issued = replace(issued, ticket=ticket)
    return [issued]


def _new_ticket(
    state: HallState,
    service_id: str,
    priority: str,
    track: str,
    t: float,
    booking: str | None,
    queue_id: str | None = None,
) -> ev.TicketIssued:
    """A new ticket for a service, in the service's first queue or in `queue_id`."""
    service = state.config.service(service_id)
    assert service is not None
    queue = state.config.queue(queue_id or service.queue)
    assert queue is not None
    count = state.counters.get(queue.id, 0) + 1
    number = f"{queue.prefix}{count:03d}"
    ticket = Ticket(
        id=f"{state.day.replace('-', '')}-{number}",
        number=number,
        queue=queue.id,
        service=service.id,
        priority=priority,
        state=WAITING,
        issued_at=t,
        waiting_since=t,
        track=track,
        booking=booking,
    )
    waiting = state.waiting_counts()
    waiting[queue.id] += 1
    return ev.TicketIssued(ticket, waiting)


def _require_open_hours(state: HallState, t: float) -> None:
    rules = state.config.rules
    local = local_time(state.config, t)
    hhmm = f"{local.hour:02d}:{local.minute:02d}"
    if not rules.opens_on(local.date()) or not rules.open_time <= hhmm < rules.close_time:
        raise errors.HallClosed(
            f"hall {state.config.id!r} issues tickets {rules.open_time}-{rules.close_time}"
        )


def _check_in(state: HallState, command: cmd.CheckIn, t: float) -> Events:
    if command.case_code:
        return _check_in_case(state, command, t)
    # exactly as booked, or as typed or scanned: either case, with or without spaces and dashes
    code = command.booking_code
    appointment = state.appointments.get(code) or state.appointments.get(normalise_code(code))
    if appointment is None:
        raise errors.UnknownBooking(f"no appointment {command.booking_code!r}")
    if appointment.state != BOOKED:
        raise errors.BookingClosed(f"appointment {appointment.code!r} is {appointment.state}")
    rules = state.config.rules
    if t < appointment.slot_start - rules.check_in_early_minutes * 60:
        raise errors.CheckInEarly(
            f"check-in opens {rules.check_in_early_minutes:g} minutes before the slot"
        )
    if state.config.service(appointment.service) is None:
        raise errors.UnknownService(f"service {appointment.service!r} is no longer offered")
    _require_open_hours(state, t)
    on_time = t <= appointment.slot_start + rules.check_in_late_minutes * 60
    priority = APPOINTMENT if on_time else NORMAL
    issued = _new_ticket(state, appointment.service, priority, command.track, t, appointment.code)
    return [ev.AppointmentCheckedIn(appointment.code, issued.ticket.id, on_time), issued]


def _check_in_case(state: HallState, command: cmd.CheckIn, t: float) -> Events:
    """A ready case's pickup code: a ticket in the hall's pickup queue (出证)."""
    case = cases.pickup_case(state, command.case_code)
    _require_open_hours(state, t)
    queue = state.config.rules.pickup_queue
    issued = _new_ticket(state, case.service, NORMAL, command.track, t, None, queue)
    return [issued, cases.checked_in(state, case, issued.ticket.id, t)]


def _find_number(state: HallState, number: str) -> Ticket | None:
    """The ticket in play with that number; a missed one first (a parked ticket kept from an
    earlier day may carry the same number)."""
    found = [tk for tk in state.tickets.values() if tk.number == number]
    return next((tk for tk in found if tk.state == MISSED), found[0] if found else None)


def _reactivate(state: HallState, command: cmd.Reactivate, t: float) -> Events:
    ticket = _find_number(state, command.number)
    if ticket is None:
        raise errors.UnknownTicket(f"no ticket {command.number!r} today")
    if ticket.state != MISSED:
        raise errors.NotMissed(f"ticket {ticket.number} is {ticket.state}, not missed")
    rules = state.config.rules
    if ticket.missed_at is not None and t - ticket.missed_at > rules.reactivate_minutes * 60:
        raise errors.ReactivationExpired(
            f"a missed ticket can be reactivated within {rules.reactivate_minutes:g} minutes"
        )
    back = replace(
        ticket, state=WAITING, window=None, target_window=None, waiting_since=t, missed_at=None
    )
    return [ev.TicketReactivated(back, rules.reactivate_places)]


def _cancel_ticket(state: HallState, command: cmd.CancelTicket, t: float) -> Events:
    ticket = _ticket(state, command.ticket)
    if ticket.state not in (WAITING, MISSED, PARKED):
        raise errors.NotWaiting(f"ticket {ticket.number} is {ticket.state}")
    return [ev.TicketCancelled(replace(ticket, state=CANCELLED), "cancelled")]


def _ticket(state: HallState, ticket_id: str) -> Ticket:
    ticket = state.tickets.get(ticket_id)
    if ticket is None:
        raise errors.UnknownTicket(f"no ticket {ticket_id!r} in play")
    return ticket


def _waiting_ticket(state: HallState, ticket_id: str) -> Ticket:
    ticket = _ticket(state, ticket_id)
    if ticket.state != WAITING:
        raise errors.NotWaiting(f"ticket {ticket.number} is {ticket.state}")
    return ticket


def _move_ticket(state: HallState, command: cmd.MoveTicket, t: float) -> Events:
    """Move a waiting ticket to another queue, or direct it to one window (open or not: it may
    open later; like `transfer`, a directed ticket bypasses the window's profile). The ticket
    keeps its number, issue time and `waiting_since`; a bundle changes only its current step's
    queue."""
    ticket = _waiting_ticket(state, command.ticket)
    if (command.to_queue is None) == (command.to_window is None):
        raise errors.InvalidArgument("to_queue or to_window: give exactly one")
    if command.to_queue is not None:
        if state.config.queue(command.to_queue) is None:
            raise errors.UnknownQueue(f"no queue {command.to_queue!r}")
        if command.to_queue == ticket.queue and ticket.target_window is None:
            raise errors.SameTarget(f"ticket {ticket.number} waits in queue {ticket.queue}")
        moved = replace(ticket, queue=command.to_queue, target_window=None)
    else:
        window = _window(state, str(command.to_window))
        if ticket.target_window == window.id:
            raise errors.SameTarget(f"ticket {ticket.number} waits for {window.name} already")
        moved = replace(ticket, target_window=window.id)
    return [
        ev.TicketMoved(
            moved, ticket.queue, command.to_queue, command.to_window, ticket.target_window
        )
    ]


def _prioritise_ticket(state: HallState, command: cmd.PrioritiseTicket, t: float) -> Events:
    ticket = _waiting_ticket(state, command.ticket)
    if ticket.priority != NORMAL:
        raise errors.AlreadyPriority(f"ticket {ticket.number} has priority {ticket.priority}")
    return [ev.TicketPrioritised(replace(ticket, priority=GREEN))]


# --- windows and clerks ----------------------------------------------------------------------


def _window(state: HallState, window_id: str) -> Window:
    window = state.windows.get(window_id)
    if window is None:
        raise errors.UnknownWindow(f"no window {window_id!r} in hall {state.config.id!r}")
    return window


def _open_window(state: HallState, window_id: str) -> Window:
    """A window that is open, not paused and has no ticket in hand: ready to call."""
    window = _window(state, window_id)
    if window.status == CLOSED:
        raise errors.WindowClosed(f"window {window.name} is closed")
    if window.status == PAUSED:
        raise errors.WindowPaused(f"window {window.name} is paused: {window.reason}")
    if window.ticket is not None:
        raise errors.WindowBusy(f"window {window.name} has ticket in hand")
    return window


def _staffed(state: HallState, window: Window) -> Window:
    """The window, when a clerk is signed in there or the hall does not ask for one."""
    if window.clerk is None and state.config.rules.require_sign_in:
        raise errors.NotSignedIn(f"window {window.name}: no clerk is signed in; sign in first")
    return window


def _changed(window: Window, cause: str, t: float, **changes: Any) -> ev.WindowChanged:
    if "status" in changes and changes["status"] != window.status:
        changes["since"] = t
    return ev.WindowChanged(replace(window, **changes), cause)


def _sign_in(state: HallState, command: cmd.SignIn, t: float) -> Events:
    window = _window(state, command.window)
    elsewhere = [
        w for w in state.windows.values() if w.clerk == command.staff and w.id != window.id
    ]
    if elsewhere:
        raise errors.StaffBusy(f"staff {command.staff} is signed in at {elsewhere[0].name}")
    if window.clerk == command.staff:
        return []
    if window.clerk is not None:
        raise errors.WindowOpen(f"window {window.name} is staffed by another clerk")
    status = IDLE if window.status == CLOSED else window.status
    return [
        _changed(
            window, "sign_in", t, status=status, clerk=command.staff, clerk_name=command.staff_name
        )
    ]


def _close(state: HallState, window_id: str, cause: str, t: float) -> Events:
    window = _window(state, window_id)
    if window.status == CLOSED:
        raise errors.WindowClosed(f"window {window.name} is closed")
    if window.ticket is not None:
        raise errors.WindowBusy(f"window {window.name} has ticket in hand")
    return [_changed(window, cause, t, status=CLOSED, clerk=None, clerk_name=None, reason=None)]


def _sign_out(state: HallState, command: cmd.SignOut, t: float) -> Events:
    if command.cause == "staff_revoked":
        return _revoke_clerk(state, command.window, command.staff, t)
    return _close(state, command.window, "sign_out", t)


def _revoke_clerk(state: HallState, window_id: str, staff: str, t: float) -> Events:
    """Sign out a clerk whose account was deactivated or deleted: the window closes, or, with a
    ticket in hand, stays open without a clerk (a floor manager finishes or moves the ticket)."""
    window = _window(state, window_id)
    if window.clerk is None or (staff and window.clerk != staff):
        return []
    if window.ticket is not None:
        return [_changed(window, "staff_revoked", t, clerk=None, clerk_name=None)]
    return [
        _changed(
            window, "staff_revoked", t, status=CLOSED, clerk=None, clerk_name=None, reason=None
        )
    ]


def _close_window(state: HallState, command: cmd.CloseWindow, t: float) -> Events:
    return _close(state, command.window, "close", t)


def _open(state: HallState, command: cmd.OpenWindow, t: float) -> Events:
    window = _window(state, command.window)
    if window.status != CLOSED:
        raise errors.WindowOpen(f"window {window.name} is open")
    return [_changed(window, "open", t, status=IDLE)]


def _pause(state: HallState, command: cmd.Pause, t: float) -> Events:
    window = _open_window(state, command.window)
    reason = _text(command.reason, "reason")
    return [_changed(window, "pause", t, status=PAUSED, reason=reason)]


def _resume(state: HallState, command: cmd.Resume, t: float) -> Events:
    window = _window(state, command.window)
    if window.status == CLOSED:
        raise errors.WindowClosed(f"window {window.name} is closed")
    if window.status != PAUSED:
        raise errors.WindowNotPaused(f"window {window.name} is not paused")
    return [_changed(window, "resume", t, status=IDLE, reason=None)]


def _set_window_queues(state: HallState, command: cmd.SetWindowQueues, t: float) -> Events:
    window = _window(state, command.window)
    if not command.queues:
        raise errors.InvalidArgument("queues: a window serves at least one queue")
    for queue, weight in command.queues.items():
        if state.config.queue(queue) is None:
            raise errors.UnknownQueue(f"no queue {queue!r}")
        if not 0 < weight <= 100:
            raise errors.InvalidArgument(f"queues.{queue}: weight must be in (0, 100]")
    return [_changed(window, "queues", t, queues=dict(command.queues))]


def _text(text: str, field: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise errors.InvalidText(f"{field}: 1 to {MAX_TEXT} characters")
    return text


# --- calling and serving ---------------------------------------------------------------------


def _call_next(state: HallState, command: cmd.CallNext, t: float) -> Events:
    window = _staffed(state, _open_window(state, command.window))
    choice = choose_next(
        state.config.rules,
        window.id,
        window.queues,
        window.priority_streak,
        StateLines(state),
        t,
    )
    if choice is None:
        return []
    return _call(state, window, state.tickets[choice.ticket], t)


def _call_ticket(state: HallState, command: cmd.CallTicket, t: float) -> Events:
    window = _staffed(state, _open_window(state, command.window))
    ticket = _waiting_ticket(state, command.ticket)
    if ticket.target_window is not None and ticket.target_window != window.id:
        raise errors.NotYourWindow(f"ticket {ticket.number} waits for another window")
    if ticket.target_window is None and ticket.queue not in window.queues:
        raise errors.NotServed(f"window {window.name} does not serve queue {ticket.queue}")
    return _call(state, window, ticket, t)


NEXT_CALLED = "next_called"
"""Why a pending rating ends when its window moves on to the next citizen."""


def _call(state: HallState, window: Window, ticket: Ticket, t: float) -> Events:
    called = replace(
        ticket, state=CALLED, window=window.id, target_window=None, called_at=t, recalls=0
    )
    streak = window.priority_streak + 1 if ticket.priority != NORMAL else 0
    ended: Events = [
        ev.RatingExpired(pending.ticket, pending.window, NEXT_CALLED)
        for pending in state.ratings.values()
        if pending.window == window.id
    ]
    return [
        *ended,
        ev.TicketCalled(called, window.id, window.name, recall=False),
        _changed(window, "call", t, status=CALLING, ticket=ticket.id, priority_streak=streak),
    ]


def _in_hand(state: HallState, window_id: str) -> tuple[Window, Ticket]:
    window = _window(state, window_id)
    if window.status == CLOSED:
        raise errors.WindowClosed(f"window {window.name} is closed")
    if window.ticket is None:
        raise errors.NoCurrentTicket(f"window {window.name} has no ticket in hand")
    return _staffed(state, window), state.tickets[window.ticket]


def _recall(state: HallState, command: cmd.Recall, t: float) -> Events:
    window, ticket = _in_hand(state, command.window)
    if ticket.state != CALLED:
        raise errors.NotCalled(f"ticket {ticket.number} is {ticket.state}")
    if ticket.recalls >= state.config.rules.max_recalls:
        raise errors.RecallLimit(f"ticket {ticket.number} was recalled {ticket.recalls} times")
    recalled = replace(ticket, recalls=ticket.recalls + 1)
    return [ev.TicketCalled(recalled, window.id, window.name, recall=True)]


def _start(state: HallState, command: cmd.Start, t: float) -> Events:
    window, ticket = _in_hand(state, command.window)
    if ticket.state != CALLED:
        raise errors.NotCalled(f"ticket {ticket.number} is {ticket.state}")
    serving = replace(ticket, state=SERVING, served_at=t)
    return [
        ev.TicketServing(serving, window.id),
        _changed(window, "start", t, status=SERVING_WINDOW),
    ]


def _finish(state: HallState, command: cmd.Finish, t: float) -> Events:
    window, ticket = _in_hand(state, command.window)
    started = ticket.served_at if ticket.served_at is not None else ticket.called_at or t
    wait = (ticket.called_at or t) - ticket.waiting_since
    service = state.config.service(ticket.service)
    steps = service.steps if service is not None else (ticket.queue,)
    next_queue = steps[ticket.step + 1] if ticket.step + 1 < len(steps) else None
    if next_queue is not None and state.config.queue(next_queue) is not None:
        done = replace(
            ticket,
            state=WAITING,
            queue=next_queue,
            step=ticket.step + 1,
            window=None,
            waiting_since=t,
            called_at=None,
            served_at=None,
            recalls=0,
        )
    else:
        next_queue = None
        done = replace(ticket, state=FINISHED)
    events: Events = [
        ev.TicketFinished(done, window.id, max(0.0, wait), max(0.0, t - started), next_queue),
        _changed(window, "finish", t, status=IDLE, ticket=None),
    ]
    window_id, ticket_id = window.id, ticket.id
    events += [
        ev.RatingExpired(pending.ticket, pending.window, NEXT_CALLED)
        for pending in state.ratings.values()
        if pending.window == window_id or pending.ticket == ticket_id
    ]
    events.append(ev.RatingRequested(done, window.id, window.clerk, t))
    if next_queue is None:
        events += follow_ups.callback_for_ticket(state, ticket, window.clerk, t)
    return events


def _no_show(state: HallState, command: cmd.NoShow, t: float) -> Events:
    window, ticket = _in_hand(state, command.window)
    if ticket.state != CALLED:
        raise errors.NotCalled(f"ticket {ticket.number} is {ticket.state}")
    missed = replace(ticket, state=MISSED, missed_at=t)
    return [
        ev.TicketNoShow(missed, window.id),
        _changed(window, "no_show", t, status=IDLE, ticket=None),
    ]


def _transfer(state: HallState, command: cmd.Transfer, t: float) -> Events:
    window, ticket = _in_hand(state, command.window)
    if (command.to_queue is None) == (command.to_window is None):
        raise errors.InvalidArgument("to_queue or to_window: give exactly one")
    queue = ticket.queue
    if command.to_queue is not None:
        if state.config.queue(command.to_queue) is None:
            raise errors.UnknownQueue(f"no queue {command.to_queue!r}")
        if command.to_queue == ticket.queue:
            raise errors.SameTarget(f"ticket {ticket.number} is in queue {ticket.queue} already")
        queue = command.to_queue
    elif command.to_window == window.id:
        raise errors.SameTarget("cannot transfer a ticket to its own window")
    else:
        _window(state, str(command.to_window))
    moved = replace(
        ticket,
        state=WAITING,
        queue=queue,
        window=None,
        target_window=command.to_window,
        waiting_since=t,
        called_at=None,
        served_at=None,
        recalls=0,
    )
    return [
        ev.TicketTransferred(moved, window.id, command.to_queue, command.to_window),
        _changed(window, "transfer", t, status=IDLE, ticket=None),
    ]


def _park(state: HallState, command: cmd.Park, t: float) -> Events:
    window, ticket = _in_hand(state, command.window)
    parked = replace(ticket, state=PARKED, window=None, parked_by=window.id)
    return [
        ev.TicketParked(parked, window.id),
        _changed(window, "park", t, status=IDLE, ticket=None),
    ]


def _unpark(state: HallState, command: cmd.Unpark, t: float) -> Events:
    window = _open_window(state, command.window)
    if command.ticket is not None:
        ticket = _ticket(state, command.ticket)
        if ticket.state != PARKED:
            raise errors.NotParked(f"ticket {ticket.number} is {ticket.state}")
        if ticket.parked_by != window.id:
            raise errors.NotYourWindow(f"ticket {ticket.number} was parked at another window")
    else:
        mine = [
            tk for tk in state.tickets.values() if tk.state == PARKED and tk.parked_by == window.id
        ]
        if not mine:
            raise errors.NotParked(f"window {window.name} has no parked ticket")
        ticket = min(mine, key=lambda tk: tk.issued_at)
    resumed = replace(ticket, state=SERVING, window=window.id, served_at=t, parked_by=None)
    return [
        ev.TicketUnparked(resumed, window.id),
        _changed(window, "unpark", t, status=SERVING_WINDOW, ticket=ticket.id),
    ]


# --- ratings, notices ------------------------------------------------------------------------


def _rate(state: HallState, command: cmd.Rate, t: float) -> Events:
    if isinstance(command.score, bool) or command.score not in range(1, 6):
        raise errors.InvalidScore(f"score {command.score!r}: a rating is 1 to 5")
    pending = state.ratings.get(command.ticket)
    if pending is None:
        raise errors.NoRatingPending(f"ticket {command.ticket!r} awaits no rating")
    if command.window is not None and command.window != pending.window:
        raise errors.NotYourWindow("that ticket was served at another window")
    if len(command.comment) > 500 or any(len(r) > MAX_TEXT for r in command.reasons):
        raise errors.InvalidText("comment: at most 500 characters; reasons: 200 each")
    events: Events = [
        ev.RatingSubmitted(
            pending.ticket,
            pending.number,
            pending.window,
            pending.clerk,
            command.score,
            tuple(command.reasons),
            command.comment,
            pending.snapshot,
        )
    ]
    if command.score <= 2:
        events.append(follow_ups.for_rating(state, pending, command, t))
    return events


def _broadcast(state: HallState, command: cmd.Broadcast, t: float) -> Events:
    return [ev.HallBroadcast(_text(command.text, "text"))]


# --- appointments ----------------------------------------------------------------------------


def _book(state: HallState, command: cmd.Book, t: float) -> Events:
    service = state.config.service(command.service)
    if service is None:
        raise errors.UnknownService(f"no service {command.service!r} in hall {state.config.id!r}")
    if not service.bookable or service.slot_capacity == 0:
        raise errors.NotBookable(f"service {service.name} takes no appointments")
    if command.code in state.appointments:
        raise errors.DuplicateBooking(f"booking code {command.code!r} is in use")
    if command.slot_start <= t:
        raise errors.SlotPast("that slot has passed")
    _require_slot(state.config, command.slot_start, t)
    if state.citizen_no_shows.get(command.citizen, 0) >= state.config.rules.no_show_limit:
        raise errors.BookingRestricted(
            f"{state.config.rules.no_show_limit} missed appointments: booking is restricted"
        )
    if state.slot_use.get(slot_key(service.id, command.slot_start), 0) >= service.slot_capacity:
        raise errors.SlotFull(f"the slot is full ({service.slot_capacity} places)")
    appointment = Appointment(command.code, service.id, command.slot_start, command.citizen)
    return [ev.AppointmentBooked(appointment)]


def _require_slot(config: HallConfig, slot_start: float, t: float) -> None:
    if slot_start not in set(slot_starts(config, service_day(config, slot_start))):
        raise errors.SlotInvalid("no such slot in the hall's opening hours")
    if slot_start - t > (config.rules.booking_days_ahead + 1) * 86400:
        raise errors.SlotInvalid(
            f"slots open {config.rules.booking_days_ahead} days ahead at the most"
        )


def _cancel_booking(state: HallState, command: cmd.CancelBooking, t: float) -> Events:
    appointment = state.appointments.get(command.code)
    if appointment is None:
        raise errors.UnknownBooking(f"no appointment {command.code!r}")
    if appointment.state != BOOKED:
        raise errors.BookingClosed(f"appointment {command.code!r} is {appointment.state}")
    return [ev.AppointmentCancelled(command.code)]


# --- time passing, configuration -------------------------------------------------------------


def _tick(state: HallState, command: cmd.Tick, t: float) -> Events:
    rules = state.config.rules
    events: Events = [
        ev.RatingExpired(p.ticket, p.window)
        for p in state.ratings.values()
        if t - p.requested_at > rules.rating_timeout_seconds
    ]
    events += [
        ev.AppointmentMissed(a.code, a.citizen)
        for a in state.appointments.values()
        if a.state == BOOKED and t > a.slot_start + rules.check_in_late_minutes * 60
    ]
    events += [
        ev.TicketExpired(replace(tk, state=CANCELLED))
        for tk in state.tickets.values()
        if tk.state == MISSED
        and tk.missed_at is not None
        and t - tk.missed_at > rules.reactivate_minutes * 60
    ]
    events += follow_ups.overdue(state, t)
    return events


def _configure(state: HallState, command: cmd.Configure, t: float) -> Events:
    config = replace(command.config, id=state.config.id)
    queues = {q.id for q in config.queues}
    problems = [
        f"queue {tk.queue} has ticket {tk.number} in play"
        for tk in state.tickets.values()
        if tk.queue not in queues
    ]
    problems += [
        f"window {w.name} is open"
        for w in state.windows.values()
        if config.window(w.id) is None and w.status != CLOSED
    ]
    problems += [
        f"ticket {tk.number} waits for window {window}"
        for tk in state.tickets.values()
        for window in (tk.target_window, tk.parked_by)
        if window is not None and config.window(window) is None
    ]
    if problems:
        raise errors.InvalidConfig("; ".join(problems))
    return [ev.HallConfigured(config)]


_HANDLERS: dict[type[Any], Callable[[HallState, Any, float], Events]] = {
    cmd.IssueTicket: _issue_ticket,
    cmd.CheckIn: _check_in,
    cmd.Reactivate: _reactivate,
    cmd.CancelTicket: _cancel_ticket,
    cmd.MoveTicket: _move_ticket,
    cmd.PrioritiseTicket: _prioritise_ticket,
    cmd.SignIn: _sign_in,
    cmd.SignOut: _sign_out,
    cmd.OpenWindow: _open,
    cmd.CloseWindow: _close_window,
    cmd.Pause: _pause,
    cmd.Resume: _resume,
    cmd.SetWindowQueues: _set_window_queues,
    cmd.CallNext: _call_next,
    cmd.CallTicket: _call_ticket,
    cmd.Recall: _recall,
    cmd.Start: _start,
    cmd.Finish: _finish,
    cmd.NoShow: _no_show,
    cmd.Transfer: _transfer,
    cmd.Park: _park,
    cmd.Unpark: _unpark,
    cmd.Rate: _rate,
    cmd.Broadcast: _broadcast,
    cmd.Book: _book,
    cmd.CancelBooking: _cancel_booking,
    cmd.Tick: _tick,
    cmd.Configure: _configure,
    **follow_ups.COMMAND_HANDLERS,
    cmd.RequestHelp: helps.request_help,
    cmd.ClaimHelp: helps.claim_help,
    cmd.CloseHelp: helps.close_help,
    **cases.DECIDERS,
}
