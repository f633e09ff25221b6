"""Events: what happened in a hall. Frozen; each carries the snapshots `apply` needs.

`name` is the event's name in the device protocol (`ticket.called`, ...). Ticket snapshots are
the ticket *after* the change. Every event may carry `by`, the staff number of the floor manager
whose command made it (`queueing/attribution.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from queueing.attribution import Attributed
from queueing.config import HallConfig
from queueing.model import Appointment, Ticket, Window


@dataclass(frozen=True, slots=True)
class DayStarted(Attributed):
    """A new service day in the hall's time zone: numbers restart, windows close."""

    name: ClassVar[str] = "hall.day_started"
    day: str


@dataclass(frozen=True, slots=True)
class HallConfigured(Attributed):
    name: ClassVar[str] = "hall.configured"
    config: HallConfig


@dataclass(frozen=True, slots=True)
class TicketIssued(Attributed):
    name: ClassVar[str] = "ticket.issued"
    ticket: Ticket
    waiting: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class TicketCalled(Attributed):
    name: ClassVar[str] = "ticket.called"
    ticket: Ticket
    window: str
    window_name: str
    recall: bool


@dataclass(frozen=True, slots=True)
class TicketServing(Attributed):
    name: ClassVar[str] = "ticket.serving"
    ticket: Ticket
    window: str


@dataclass(frozen=True, slots=True)
class TicketFinished(Attributed):
    """A step is done. With `next_queue` the ticket (a bundle) waits again in that queue."""

    name: ClassVar[str] = "ticket.finished"
    ticket: Ticket
    window: str
    wait_seconds: float
    service_seconds: float
    next_queue: str | None = None


@dataclass(frozen=True, slots=True)
class TicketNoShow(Attributed):
    name: ClassVar[str] = "ticket.no_show"
    ticket: Ticket
    window: str


@dataclass(frozen=True, slots=True)
class TicketTransferred(Attributed):
    name: ClassVar[str] = "ticket.transferred"
    ticket: Ticket
    from_window: str
    to_queue: str | None
    to_window: str | None


@dataclass(frozen=True, slots=True)
class TicketParked(Attributed):
    name: ClassVar[str] = "ticket.parked"
    ticket: Ticket
    window: str


@dataclass(frozen=True, slots=True)
class TicketUnparked(Attributed):
    name: ClassVar[str] = "ticket.unparked"
    ticket: Ticket
    window: str


@dataclass(frozen=True, slots=True)
class TicketCancelled(Attributed):
    name: ClassVar[str] = "ticket.cancelled"
    ticket: Ticket
    reason: str


@dataclass(frozen=True, slots=True)
class TicketReactivated(Attributed):
    name: ClassVar[str] = "ticket.reactivated"
    ticket: Ticket
    position: int


@dataclass(frozen=True, slots=True)
class TicketMoved(Attributed):
    """A waiting ticket moved to another queue (`to_queue`) or directed to one window
    (`to_window`). It keeps its number, issue time and `waiting_since`. `from_window` is the
    window it was directed to before, if any."""

    name: ClassVar[str] = "ticket.moved"
    ticket: Ticket
    from_queue: str
    to_queue: str | None
    to_window: str | None
    from_window: str | None = None


@dataclass(frozen=True, slots=True)
class TicketPrioritised(Attributed):
    """A waiting walk-in ticket now has priority `green` (绿色通道)."""

    name: ClassVar[str] = "ticket.prioritised"
    ticket: Ticket


@dataclass(frozen=True, slots=True)
class TicketExpired(Attributed):
    """A missed ticket not reactivated in time leaves the hall for good."""

    name: ClassVar[str] = "ticket.expired"
    ticket: Ticket


@dataclass(frozen=True, slots=True)
class WindowChanged(Attributed):
    name: ClassVar[str] = "window.changed"
    window: Window
    cause: str


@dataclass(frozen=True, slots=True)
class RatingRequested(Attributed):
    name: ClassVar[str] = "rating.requested"
    ticket: Ticket
    window: str
    clerk: str | None
    requested_at: float


@dataclass(frozen=True, slots=True)
class RatingSubmitted(Attributed):
    name: ClassVar[str] = "rating.submitted"
    ticket: str
    number: str
    window: str
    clerk: str | None
    score: int
    reasons: tuple[str, ...]
    comment: str
    snapshot: Ticket | None = None


@dataclass(frozen=True, slots=True)
class RatingExpired(Attributed):
    """A pending rating ended without a score: the service counts as not rated. `reason`:
    `timeout` (none came within the hall's rating timeout) or `next_called` (the window called
    or served its next citizen, whom the pad now shows)."""

    name: ClassVar[str] = "rating.expired"
    ticket: str
    window: str
    reason: str = "timeout"


@dataclass(frozen=True, slots=True)
class FollowUpOpened(Attributed):
    """A low rating (1-2) opens a follow-up case (回访、整改) due by `deadline`."""

    name: ClassVar[str] = "follow_up.opened"
    case: str
    ticket: str
    number: str
    window: str
    clerk: str | None
    score: int
    deadline: float


@dataclass(frozen=True, slots=True)
class HallBroadcast(Attributed):
    name: ClassVar[str] = "hall.broadcast"
    text: str


@dataclass(frozen=True, slots=True)
class AppointmentBooked(Attributed):
    name: ClassVar[str] = "appointment.booked"
    appointment: Appointment


@dataclass(frozen=True, slots=True)
class AppointmentCancelled(Attributed):
    name: ClassVar[str] = "appointment.cancelled"
    code: str


@dataclass(frozen=True, slots=True)
class AppointmentCheckedIn(Attributed):
    name: ClassVar[str] = "appointment.checked_in"
    code: str
    ticket: str
    on_time: bool


@dataclass(frozen=True, slots=True)
class AppointmentMissed(Attributed):
    name: ClassVar[str] = "appointment.missed"
    code: str
    citizen: str


Event = (
    DayStarted
    | HallConfigured
    | TicketIssued
    | TicketCalled
    | TicketServing
    | TicketFinished
    | TicketNoShow
    | TicketTransferred
    | TicketParked
    | TicketUnparked
    | TicketCancelled
    | TicketReactivated
    | TicketMoved
    | TicketPrioritised
    | TicketExpired
    | WindowChanged
    | RatingRequested
    | RatingSubmitted
    | RatingExpired
    | FollowUpOpened
    | HallBroadcast
    | AppointmentBooked
    | AppointmentCancelled
    | AppointmentCheckedIn
    | AppointmentMissed
)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.name: cls
    for cls in (
        DayStarted,
        HallConfigured,
        TicketIssued,
        TicketCalled,
        TicketServing,
        TicketFinished,
        TicketNoShow,
        TicketTransferred,
        TicketParked,
        TicketUnparked,
        TicketCancelled,
        TicketReactivated,
        TicketMoved,
        TicketPrioritised,
        TicketExpired,
        WindowChanged,
        RatingRequested,
        RatingSubmitted,
        RatingExpired,
        FollowUpOpened,
        HallBroadcast,
        AppointmentBooked,
        AppointmentCancelled,
        AppointmentCheckedIn,
        AppointmentMissed,
    )
}
