"""`apply(state, event) -> state`: the one way a hall's state changes. Never mutates its input."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from queueing import cases, follow_ups
from queueing import events as ev
from queueing import help as helps
from queueing.frozen import replace
from queueing.model import (
    BOOKED,
    CALLED,
    CHECKED_IN,
    CLOSED,
    MISSED,
    NO_SHOW,
    NORMAL,
    PARKED,
    SERVING,
    WAITING,
    Call,
    HallState,
    PendingRating,
    Ticket,
    Window,
    initial_state,
    slot_key,
)

K = TypeVar("K")
V = TypeVar("V")

CALL_HISTORY = 20


def apply(state: HallState, event: ev.Event) -> HallState:
    handler = _HANDLERS[type(event)]
    return handler(state, event)


def replay(state: HallState, events: list[ev.Event]) -> HallState:
    for event in events:
        state = apply(state, event)
    return state


def _copy(mapping: Mapping[K, V]) -> dict[K, V]:
    # dict.copy() clones the table at once even after a few deletions, where dict(d) re-inserts
    # every key; the tickets in play are copied on every ticket event.
    return mapping.copy() if type(mapping) is dict else dict(mapping)


def _set(mapping: Mapping[K, V], key: K, value: V) -> dict[K, V]:
    copy = _copy(mapping)
    copy[key] = value
    return copy


def _drop(mapping: Mapping[K, V], key: K) -> dict[K, V]:
    copy = _copy(mapping)
    copy.pop(key, None)
    return copy


def _line_of(ticket: Ticket) -> tuple[str, str]:
    """The line a waiting ticket stands in: the `HallState` field and the key within it."""
    if ticket.target_window is not None:
        return "window_lines", ticket.target_window
    if ticket.priority != NORMAL:
        return "priority_lines", ticket.queue
    return "lines", ticket.queue


def _without(line: tuple[str, ...], ticket_id: str) -> tuple[str, ...]:
    if line and line[0] == ticket_id:
        return line[1:]
    return tuple(t for t in line if t != ticket_id)


_IN_PLAY = (WAITING, CALLED, SERVING, PARKED, MISSED)


def _put(
    state: HallState, ticket: Ticket, position: int | None = None, **changes: Any
) -> HallState:
    """Record a ticket's new snapshot, moving it between lines as its state says.

    The old snapshot leaves the line it waited in; a waiting ticket joins its line at the end,
    or `position` places from the front. `changes` are further fields of the state to set.
    """
    lines: dict[str, dict[str, tuple[str, ...]]] = {}
    old = state.tickets.get(ticket.id)
    if old is not None and old.state == WAITING:
        name, key = _line_of(old)
        lines[name] = dict(getattr(state, name))
        lines[name][key] = _without(lines[name].get(key, ()), old.id)
    if ticket.state in _IN_PLAY:
        changes["tickets"] = _set(state.tickets, ticket.id, ticket)
    else:
        changes["tickets"] = _drop(state.tickets, ticket.id)
    if ticket.state == WAITING:
        name, key = _line_of(ticket)
        if name not in lines:
            lines[name] = dict(getattr(state, name))
        line = lines[name].get(key, ())
        if position is None or position >= len(line):
            lines[name][key] = (*line, ticket.id)
        else:
            lines[name][key] = line[:position] + (ticket.id,) + line[position:]
    return replace(state, **lines, **changes)


def _day_started(state: HallState, event: ev.DayStarted) -> HallState:
    fresh = initial_state(state.config)
    windows = {
        wid: replace(w, status=CLOSED, clerk=None, clerk_name=None, ticket=None, reason=None)
        for wid, w in state.windows.items()
    }
    parked = {tid: t for tid, t in state.tickets.items() if t.state == PARKED}
    return replace(
        fresh,
        day=event.day,
        windows=windows,
        tickets=parked,
        appointments={c: a for c, a in state.appointments.items() if a.state == BOOKED},
        slot_use=state.slot_use,
        citizen_no_shows=state.citizen_no_shows,
        service_stats=state.service_stats,
        follow_ups=follow_ups.carried_over(state.follow_ups),
        cases=cases.carried_over(state.cases),
    )


def _configured(state: HallState, event: ev.HallConfigured) -> HallState:
    windows: dict[str, Window] = {}
    for config in event.config.windows:
        old = state.windows.get(config.id)
        windows[config.id] = (
            replace(old, name=config.name, queues=dict(config.queues))
            if old is not None
            else Window(config.id, config.name, queues=dict(config.queues))
        )
    return replace(state, config=event.config, windows=windows)


def _issued(state: HallState, event: ev.TicketIssued) -> HallState:
    ticket = event.ticket
    counters = _set(state.counters, ticket.queue, state.counters.get(ticket.queue, 0) + 1)
    return _put(state, ticket, counters=counters)


def _called(state: HallState, event: ev.TicketCalled) -> HallState:
    ticket = event.ticket
    call = Call(
        ticket.id,
        ticket.number,
        ticket.queue,
        event.window,
        event.window_name,
        ticket.called_at or 0.0,
    )
    calls = (call, *state.calls[: CALL_HISTORY - 1])
    return _put(state, ticket, calls=calls)


def _ticket_only(state: HallState, event: Any) -> HallState:
    return _put(state, event.ticket)


def _finished(state: HallState, event: ev.TicketFinished) -> HallState:
    queue = event.ticket.queue if event.next_queue is None else _finished_queue(state, event)
    count, total = state.service_stats.get(queue, (0, 0.0))
    stats = _set(state.service_stats, queue, (count + 1, total + event.service_seconds))
    return _put(state, event.ticket, service_stats=stats)


def _finished_queue(state: HallState, event: ev.TicketFinished) -> str:
    old = state.tickets.get(event.ticket.id)
    return old.queue if old is not None else event.ticket.queue


def _reactivated(state: HallState, event: ev.TicketReactivated) -> HallState:
    return _put(state, event.ticket, event.position)


def _moved(state: HallState, event: ev.TicketMoved) -> HallState:
    return _put(state, event.ticket, _place_by_wait(state, event.ticket))


def _prioritised(state: HallState, event: ev.TicketPrioritised) -> HallState:
    """A walk-in joins its queue's priority line by the time it waited. A ticket directed to one
    window keeps its place in that window's line."""
    ticket = event.ticket
    if ticket.target_window is not None:
        line = state.window_lines.get(ticket.target_window, ())
        return _put(state, ticket, line.index(ticket.id) if ticket.id in line else None)
    return _put(state, ticket, _place_by_wait(state, ticket))


def _place_by_wait(state: HallState, ticket: Ticket) -> int:
    """Where a waiting ticket that keeps its time waited joins its (new) line: ahead of the
    first ticket there that has waited less (the line as it is without this ticket)."""
    name, key = _line_of(ticket)
    line: tuple[str, ...] = getattr(state, name).get(key, ())
    tickets, since = state.tickets, ticket.waiting_since
    others = [other for other in line if other != ticket.id]
    for index, other in enumerate(others):
        if tickets[other].waiting_since > since:
            return index
    return len(others)


def _window_changed(state: HallState, event: ev.WindowChanged) -> HallState:
    return replace(state, windows=_set(state.windows, event.window.id, event.window))


def _rating_requested(state: HallState, event: ev.RatingRequested) -> HallState:
    pending = PendingRating(
        event.ticket.id,
        event.ticket.number,
        event.window,
        event.clerk,
        event.requested_at,
        event.ticket,
    )
    return replace(state, ratings=_set(state.ratings, event.ticket.id, pending))


def _rating_closed(state: HallState, event: ev.RatingSubmitted | ev.RatingExpired) -> HallState:
    return replace(state, ratings=_drop(state.ratings, event.ticket))


def _unchanged(state: HallState, event: Any) -> HallState:
    return state


def _broadcast(state: HallState, event: ev.HallBroadcast) -> HallState:
    return replace(state, notice=event.text)


def _booked(state: HallState, event: ev.AppointmentBooked) -> HallState:
    appointment = event.appointment
    key = slot_key(appointment.service, appointment.slot_start)
    return replace(
        state,
        appointments=_set(state.appointments, appointment.code, appointment),
        slot_use=_set(state.slot_use, key, state.slot_use.get(key, 0) + 1),
    )


def _booking_cancelled(state: HallState, event: ev.AppointmentCancelled) -> HallState:
    appointment = state.appointments[event.code]
    key = slot_key(appointment.service, appointment.slot_start)
    return replace(
        state,
        appointments=_drop(state.appointments, event.code),
        slot_use=_set(state.slot_use, key, max(0, state.slot_use.get(key, 0) - 1)),
    )


def _checked_in(state: HallState, event: ev.AppointmentCheckedIn) -> HallState:
    """A checked-in appointment stays (closed) until the day ends: its code is not reused."""
    appointment = replace(state.appointments[event.code], state=CHECKED_IN, ticket=event.ticket)
    return replace(state, appointments=_set(state.appointments, event.code, appointment))


def _missed(state: HallState, event: ev.AppointmentMissed) -> HallState:
    no_shows = _set(
        state.citizen_no_shows, event.citizen, state.citizen_no_shows.get(event.citizen, 0) + 1
    )
    appointment = replace(state.appointments[event.code], state=NO_SHOW)
    return replace(
        state,
        appointments=_set(state.appointments, event.code, appointment),
        citizen_no_shows=no_shows,
    )


_HANDLERS: dict[type[Any], Callable[[HallState, Any], HallState]] = {
    ev.DayStarted: _day_started,
    ev.HallConfigured: _configured,
    ev.TicketIssued: _issued,
    ev.TicketCalled: _called,
    ev.TicketServing: _ticket_only,
    ev.TicketFinished: _finished,
    ev.TicketNoShow: _ticket_only,
    ev.TicketTransferred: _ticket_only,
    ev.TicketParked: _ticket_only,
    ev.TicketUnparked: _ticket_only,
    ev.TicketCancelled: _ticket_only,
    ev.TicketReactivated: _reactivated,
    ev.TicketMoved: _moved,
    ev.TicketPrioritised: _prioritised,
    ev.TicketExpired: _ticket_only,
    ev.WindowChanged: _window_changed,
    ev.RatingRequested: _rating_requested,
    ev.RatingSubmitted: _rating_closed,
    ev.RatingExpired: _rating_closed,
    **dict.fromkeys(follow_ups.EVENTS, follow_ups.apply_follow_up),
    ev.HallBroadcast: _broadcast,
    ev.AppointmentBooked: _booked,
    ev.AppointmentCancelled: _booking_cancelled,
    ev.AppointmentCheckedIn: _checked_in,
    ev.AppointmentMissed: _missed,
    ev.HelpRequested: helps.requested,
    ev.HelpClaimed: helps.claimed,
    ev.HelpClosed: helps.closed,
    **cases.APPLIERS,
}
