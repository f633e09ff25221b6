"""The day's events folded into what the figures count: every wait (at its call), every
service step (at its finish), every no-show, and every stay in a waiting line.

The same definitions as the live figures (docs/metrics.md, `metrics/live.py`): a wait is
`called_at - waiting_since` of a first call (recalls are not new waits); a ticket waits again
after a transfer, a bundle's next step and a reactivation; a service step counts for the queue
it was served in, the window, and the clerk signed in there at the time. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from queueing import events as ev
from queueing.config import HallConfig
from queueing.model import WAITING, Ticket


@dataclass(frozen=True, slots=True)
class Subject:
    """Where a call, a service step or a no-show counts."""

    queue: str
    service: str
    window: str
    clerk: str | None


@dataclass(frozen=True, slots=True)
class Issued:
    """A ticket issued (kiosk, tablet or appointment check-in), in the queue it joined."""

    at: float
    queue: str
    service: str


@dataclass(frozen=True, slots=True)
class Wait:
    at: float
    subject: Subject
    seconds: float
    within_target: bool


@dataclass(frozen=True, slots=True)
class Served:
    at: float
    subject: Subject
    seconds: float


@dataclass(frozen=True, slots=True)
class NoShow:
    at: float
    subject: Subject


@dataclass(frozen=True, slots=True)
class Stay:
    """A ticket in a waiting line from `since`; `until` None while it still waits."""

    since: float
    until: float | None


@dataclass(frozen=True, slots=True)
class Help:
    """A help request (导办/帮办) raised at `at`; when a guide claimed and closed it, if so."""

    at: float
    claimed_at: float | None = None
    closed_at: float | None = None


@dataclass(frozen=True, slots=True)
class Steps:
    issued: tuple[Issued, ...]
    waits: tuple[Wait, ...]
    served: tuple[Served, ...]
    no_shows: tuple[NoShow, ...]
    stays: tuple[Stay, ...]
    clerk_names: Mapping[str, str]
    helps: tuple[Help, ...] = ()
    assisted: int = 0
    """帮办 tickets: issued by a guide for a citizen."""


def fold(config: HallConfig, events: Iterable[tuple[float, ev.Event]]) -> Steps:
    """The steps of one day's events (with their commit times), in order."""
    folder = _Folder(config)
    for at, event in events:
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(folder, event, at)
    return folder.steps()


@dataclass(slots=True)
class _InHand:
    ticket: str
    queue: str
    service: str


@dataclass(slots=True)
class _Folder:
    config: HallConfig
    issued: list[Issued] = field(default_factory=list)
    waits: list[Wait] = field(default_factory=list)
    served: list[Served] = field(default_factory=list)
    no_shows: list[NoShow] = field(default_factory=list)
    stays: list[Stay] = field(default_factory=list)
    waiting: dict[str, float] = field(default_factory=dict)  # ticket -> waiting since
    in_hand: dict[str, _InHand] = field(default_factory=dict)  # window -> ticket
    clerks: dict[str, str | None] = field(default_factory=dict)  # window -> staff number
    clerk_names: dict[str, str] = field(default_factory=dict)
    helps: dict[str, Help] = field(default_factory=dict)  # help request id -> its steps
    assisted: int = 0

    def steps(self) -> Steps:
        still = [Stay(since, None) for since in self.waiting.values()]
        return Steps(
            tuple(self.issued),
            tuple(self.waits),
            tuple(self.served),
            tuple(self.no_shows),
            tuple(self.stays + still),
            dict(self.clerk_names),
            tuple(self.helps.values()),
            self.assisted,
        )

    # --- waiting lines ---------------------------------------------------------------------

    def join(self, ticket: Ticket) -> None:
        self.waiting[ticket.id] = ticket.waiting_since

    def leave(self, ticket: str, at: float) -> None:
        since = self.waiting.pop(ticket, None)
        if since is not None and at > since:
            self.stays.append(Stay(since, at))

    # --- windows ---------------------------------------------------------------------------

    def release(self, window: str, ticket: Ticket) -> Subject:
        """The window's ticket leaves its hand: where its step counts."""
        hand = self.in_hand.pop(window, None)
        if hand is not None and hand.ticket == ticket.id:
            return Subject(hand.queue, hand.service, window, self.clerks.get(window))
        return Subject(ticket.queue, ticket.service, window, self.clerks.get(window))

    # --- events ----------------------------------------------------------------------------

    def day_started(self, event: ev.DayStarted, at: float) -> None:
        for ticket in list(self.waiting):
            self.leave(ticket, at)
        self.in_hand.clear()
        self.clerks.clear()

    def configured(self, event: ev.HallConfigured, at: float) -> None:
        self.config = event.config

    def issue(self, event: ev.TicketIssued, at: float) -> None:
        ticket = event.ticket
        self.issued.append(Issued(at, ticket.queue, ticket.service))
        self.assisted += ticket.assisted
        self.join(ticket)

    def called(self, event: ev.TicketCalled, at: float) -> None:
        if event.recall:
            return
        ticket, window = event.ticket, event.window
        self.leave(ticket.id, at)
        wait = max(0.0, (ticket.called_at or at) - ticket.waiting_since)
        target = self.config.rules.service_target_minutes * 60.0
        subject = Subject(ticket.queue, ticket.service, window, self.clerks.get(window))
        self.waits.append(Wait(at, subject, wait, wait <= target))
        self.in_hand[window] = _InHand(ticket.id, ticket.queue, ticket.service)

    def finished(self, event: ev.TicketFinished, at: float) -> None:
        subject = self.release(event.window, event.ticket)
        self.served.append(Served(at, subject, event.service_seconds))
        if event.next_queue is not None and event.ticket.state == WAITING:
            self.join(event.ticket)

    def no_show(self, event: ev.TicketNoShow, at: float) -> None:
        self.no_shows.append(NoShow(at, self.release(event.window, event.ticket)))

    def transferred(self, event: ev.TicketTransferred, at: float) -> None:
        self.release(event.from_window, event.ticket)
        self.join(event.ticket)

    def parked(self, event: ev.TicketParked, at: float) -> None:
        self.release(event.window, event.ticket)

    def unparked(self, event: ev.TicketUnparked, at: float) -> None:
        ticket = event.ticket
        self.in_hand[event.window] = _InHand(ticket.id, ticket.queue, ticket.service)

    def cancelled(self, event: ev.TicketCancelled, at: float) -> None:
        self.leave(event.ticket.id, at)

    def reactivated(self, event: ev.TicketReactivated, at: float) -> None:
        self.join(event.ticket)

    def window_changed(self, event: ev.WindowChanged, at: float) -> None:
        window = event.window
        self.clerks[window.id] = window.clerk
        if window.clerk is not None:
            self.clerk_names[window.clerk] = window.clerk_name or window.clerk
        if window.ticket is None:
            self.in_hand.pop(window.id, None)

    def help_requested(self, event: ev.HelpRequested, at: float) -> None:
        self.helps[event.help.id] = Help(at)

    def help_claimed(self, event: ev.HelpClaimed, at: float) -> None:
        raised = self.helps.get(event.help.id)
        if raised is not None:
            self.helps[event.help.id] = Help(raised.at, claimed_at=at)

    def help_closed(self, event: ev.HelpClosed, at: float) -> None:
        raised = self.helps.get(event.help.id)
        if raised is not None:
            self.helps[event.help.id] = Help(raised.at, raised.claimed_at, at)


_HANDLERS: dict[type[Any], Callable[[_Folder, Any, float], None]] = {
    ev.DayStarted: _Folder.day_started,
    ev.HallConfigured: _Folder.configured,
    ev.TicketIssued: _Folder.issue,
    ev.TicketCalled: _Folder.called,
    ev.TicketFinished: _Folder.finished,
    ev.TicketNoShow: _Folder.no_show,
    ev.TicketTransferred: _Folder.transferred,
    ev.TicketParked: _Folder.parked,
    ev.TicketUnparked: _Folder.unparked,
    ev.TicketCancelled: _Folder.cancelled,
    ev.TicketReactivated: _Folder.reactivated,
    ev.WindowChanged: _Folder.window_changed,
    ev.HelpRequested: _Folder.help_requested,
    ev.HelpClaimed: _Folder.help_claimed,
    ev.HelpClosed: _Folder.help_closed,
}

IGNORED: frozenset[type[ev.Event]] = frozenset(
    {
        ev.TicketServing,
        ev.TicketMoved,
        ev.TicketPrioritised,
        ev.TicketExpired,
        ev.RatingRequested,
        ev.RatingSubmitted,
        ev.RatingExpired,
        ev.FollowUpOpened,
        ev.FollowUpAssigned,  # follow-ups: the report reads their read model
        ev.FollowUpCalledBack,
        ev.FollowUpRectified,
        ev.FollowUpClosed,
        ev.FollowUpOverdue,
        ev.HallBroadcast,
        ev.AppointmentBooked,
        ev.AppointmentCancelled,
        ev.AppointmentCheckedIn,
        ev.AppointmentMissed,
        *ev.CASE_EVENTS,  # cases (办件): the report reads their read model
    }
)
"""The events with no handler (every other event has one: tests/test_event_tables.py). A moved
ticket (`ticket.moved`) keeps its `waiting_since` and its place in the hall's waiting count;
serving, expiry and prioritising change nothing the report counts; ratings, appointments and
follow-up cases come from their read models; broadcasts count for nothing."""

EVENT_NAMES = tuple(sorted(cls.name for cls in _HANDLERS))
"""The events the report reads (ratings, appointments, follow-up cases and staff sessions come
from their read models)."""
