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
from queueing.model import Appointment, Case, FollowUp, HelpRequest, Ticket, Window


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
    """A follow-up opens (queueing/follow_ups.py): a low rating's (1-2), a complaint or a 回访
    callback task. `follow_up` is the whole follow-up; events stored before it existed lack
    it and read as a rating's follow-up from the other fields (`case` is the follow-up's id,
    `deadline` its callback deadline). Complaints and callbacks fill those with "" and 0."""

    name: ClassVar[str] = "follow_up.opened"
    case: str
    ticket: str
    number: str
    window: str
    clerk: str | None
    score: int
    deadline: float
    follow_up: FollowUp | None = None


@dataclass(frozen=True, slots=True)
class FollowUpAssigned(Attributed):
    """A floor manager gave the follow-up to a staff member (`follow_up.assignee`)."""

    name: ClassVar[str] = "follow_up.assigned"
    follow_up: FollowUp


@dataclass(frozen=True, slots=True)
class FollowUpCalledBack(Attributed):
    """The citizen was called back: `follow_up.outcome` `reached` or `unreachable`."""

    name: ClassVar[str] = "follow_up.called_back"
    follow_up: FollowUp


@dataclass(frozen=True, slots=True)
class FollowUpRectified(Attributed):
    """What the hall changed is recorded (`follow_up.rectification`)."""

    name: ClassVar[str] = "follow_up.rectified"
    follow_up: FollowUp


@dataclass(frozen=True, slots=True)
class FollowUpClosed(Attributed):
    """The follow-up is done (`follow_up.satisfied`)."""

    name: ClassVar[str] = "follow_up.closed"
    follow_up: FollowUp


@dataclass(frozen=True, slots=True)
class FollowUpOverdue(Attributed):
    """A follow-up's deadline passed while it was open: `step` `callback` (nobody reached the
    citizen by `follow_up.callback_due`) or `close` (not closed by `follow_up.due`). Once per
    step."""

    name: ClassVar[str] = "follow_up.overdue"
    follow_up: FollowUp
    step: str


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


@dataclass(frozen=True, slots=True)
class HelpRequested(Attributed):
    """A kiosk asked for a guide (需要帮助): `help` names the kiosk and the reason."""

    name: ClassVar[str] = "help.requested"
    help: HelpRequest


@dataclass(frozen=True, slots=True)
class HelpClaimed(Attributed):
    """A guide (staff number `staff`) took the help request."""

    name: ClassVar[str] = "help.claimed"
    help: HelpRequest
    staff: str


@dataclass(frozen=True, slots=True)
class HelpClosed(Attributed):
    """The guide who claimed the request is done. `note` is free text: kept in the stream,
    never shown on a device but the guide's own reply."""

    name: ClassVar[str] = "help.closed"
    help: HelpRequest
    staff: str
    note: str = ""


# --- cases (办件), queueing/cases.py: each carries the case as it is after the change --------


@dataclass(frozen=True, slots=True)
class CaseOpened(Attributed):
    name: ClassVar[str] = "case.opened"
    case: Case


@dataclass(frozen=True, slots=True)
class CaseDocumentsRequested(Attributed):
    name: ClassVar[str] = "case.documents_requested"
    case: Case


@dataclass(frozen=True, slots=True)
class CaseDocumentsReceived(Attributed):
    name: ClassVar[str] = "case.documents_received"
    case: Case


@dataclass(frozen=True, slots=True)
class CaseApproved(Attributed):
    name: ClassVar[str] = "case.approved"
    case: Case


@dataclass(frozen=True, slots=True)
class CaseRejected(Attributed):
    name: ClassVar[str] = "case.rejected"
    case: Case


@dataclass(frozen=True, slots=True)
class CaseReady(Attributed):
    name: ClassVar[str] = "case.ready"
    case: Case


@dataclass(frozen=True, slots=True)
class CaseCheckedIn(Attributed):
    """A ready case's pickup code was checked in at a kiosk: `case.pickup_ticket` waits in the
    pickup queue."""

    name: ClassVar[str] = "case.checked_in"
    case: Case


@dataclass(frozen=True, slots=True)
class CaseDelivered(Attributed):
    name: ClassVar[str] = "case.delivered"
    case: Case


CASE_EVENTS = (
    CaseOpened,
    CaseDocumentsRequested,
    CaseDocumentsReceived,
    CaseApproved,
    CaseRejected,
    CaseReady,
    CaseCheckedIn,
    CaseDelivered,
)


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
    | FollowUpAssigned
    | FollowUpCalledBack
    | FollowUpRectified
    | FollowUpClosed
    | FollowUpOverdue
    | HallBroadcast
    | AppointmentBooked
    | AppointmentCancelled
    | AppointmentCheckedIn
    | AppointmentMissed
    | HelpRequested
    | HelpClaimed
    | HelpClosed
    | CaseOpened
    | CaseDocumentsRequested
    | CaseDocumentsReceived
    | CaseApproved
    | CaseRejected
    | CaseReady
    | CaseCheckedIn
    | CaseDelivered
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
        FollowUpAssigned,
        FollowUpCalledBack,
        FollowUpRectified,
        FollowUpClosed,
        FollowUpOverdue,
        HallBroadcast,
        AppointmentBooked,
        AppointmentCancelled,
        AppointmentCheckedIn,
        AppointmentMissed,
        HelpRequested,
        HelpClaimed,
        HelpClosed,
        *CASE_EVENTS,
    )
}
