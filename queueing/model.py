"""The state of one hall: tickets in play, waiting lines, windows, appointments, pending ratings.

Everything is a frozen dataclass. Times are seconds since the epoch (floats), handed in by the
shell; the core never reads a clock. Only tickets still in play are kept: a finished or
cancelled ticket leaves the state (its history lives in the shell's read models).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from queueing.config import HallConfig

# Ticket states.
WAITING = "waiting"
CALLED = "called"
SERVING = "serving"
PARKED = "parked"
MISSED = "missed"
FINISHED = "finished"
CANCELLED = "cancelled"

# Ticket priorities.
NORMAL = "normal"
GREEN = "green"
APPOINTMENT = "appointment"
PRIORITIES = (NORMAL, GREEN, APPOINTMENT)

# Window states.
CLOSED = "closed"
IDLE = "idle"
CALLING = "calling"
SERVING_WINDOW = "serving"
PAUSED = "paused"

# Appointment states.
BOOKED = "booked"
CHECKED_IN = "checked_in"
NO_SHOW = "no_show"

EMPTY: Mapping[str, object] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Ticket:
    id: str
    number: str
    queue: str
    service: str
    priority: str
    state: str
    issued_at: float
    waiting_since: float
    track: str = ""
    step: int = 0
    window: str | None = None
    target_window: str | None = None
    called_at: float | None = None
    served_at: float | None = None
    recalls: int = 0
    missed_at: float | None = None
    parked_by: str | None = None
    booking: str | None = None
    assisted: bool = False
    """A 帮办 ticket: a guide issued it for the citizen (`assisted_by`: the guide's number)."""
    assisted_by: str | None = None


@dataclass(frozen=True, slots=True)
class Window:
    id: str
    name: str
    status: str = CLOSED
    clerk: str | None = None
    clerk_name: str | None = None
    ticket: str | None = None
    reason: str | None = None
    since: float = 0.0
    priority_streak: int = 0
    queues: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Appointment:
    code: str
    service: str
    slot_start: float
    citizen: str
    state: str = BOOKED
    ticket: str | None = None


@dataclass(frozen=True, slots=True)
class PendingRating:
    ticket: str
    number: str
    window: str
    clerk: str | None
    requested_at: float
    snapshot: Ticket | None = None


# Help request states (导办/帮办, queueing/help.py).
HELP_OPEN = "open"
HELP_CLAIMED = "claimed"
HELP_CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class HelpRequest:
    """A citizen asked for help at a kiosk (需要帮助); a guide claims it, then closes it."""

    id: str
    kiosk: str
    kiosk_name: str
    reason: str
    requested_at: float
    state: str = HELP_OPEN
    staff: str | None = None
    claimed_at: float | None = None


# Case (办件) states, queueing/cases.py: accepted -> (documents_requested <-> reviewing) ->
# approved -> ready -> delivered; rejected ends a case under review.
CASE_ACCEPTED = "accepted"
CASE_DOCUMENTS = "documents_requested"
CASE_REVIEWING = "reviewing"
CASE_APPROVED = "approved"
CASE_REJECTED = "rejected"
CASE_READY = "ready"
CASE_DELIVERED = "delivered"
CASE_STATES = (
    CASE_ACCEPTED,
    CASE_DOCUMENTS,
    CASE_REVIEWING,
    CASE_APPROVED,
    CASE_REJECTED,
    CASE_READY,
    CASE_DELIVERED,
)
CASE_CLOSED = frozenset({CASE_REJECTED, CASE_DELIVERED})


@dataclass(frozen=True, slots=True)
class CaseStep:
    """One line of a case's history: what was done (`action`, the command's name), when, by
    whom (a clerk's staff number, an office id, a floor manager), and a note (items, reason)."""

    action: str
    at: float
    by: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Case:
    """An application (办件) accepted at a window and followed to the certificate. `due` is a
    local date (a working day of the hall). No personal data: the contact phone stays with the
    shell, keyed by `code`. `track` is the citizen's tracker token, `code` the pickup code."""

    id: str
    code: str
    service: str
    office: str
    status: str
    due: str
    opened_at: float
    ticket: str
    number: str
    track: str = ""
    window: str | None = None
    items: tuple[str, ...] = ()
    paused_on: str | None = None
    pickup: str | None = None
    reason: str = ""
    pickup_ticket: str | None = None
    closed_at: float | None = None
    history: tuple[CaseStep, ...] = ()
    has_contact: bool = False
    """The citizen left a contact phone (kept by the shell): the case may get a 回访 callback."""


@dataclass(frozen=True, slots=True)
class Call:
    """One line of a call screen's history."""

    ticket: str
    number: str
    queue: str
    window: str
    window_name: str
    at: float


# Follow-up states (差评整改, 投诉, 回访: queueing/follow_ups.py).
FOLLOW_UP_OPEN = "open"
FOLLOW_UP_ASSIGNED = "assigned"
FOLLOW_UP_CALLED_BACK = "called_back"
FOLLOW_UP_RECTIFIED = "rectified"
FOLLOW_UP_CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A follow-up (queueing/follow_ups.py): a low rating's 整改, a complaint (投诉) or a
    回访 callback task. `callback_due` is when the citizen must have been called back, `due`
    when it must be closed (rectified and answered); both working-day deadlines. `comment` is
    the rating's comment or the complaint's text (staff only, never on a public screen)."""

    id: str
    type: str
    opened_at: float
    callback_due: float
    due: float
    status: str = FOLLOW_UP_OPEN
    ticket: str | None = None
    number: str = ""
    window: str | None = None
    clerk: str | None = None
    service: str | None = None
    score: int | None = None
    reasons: tuple[str, ...] = ()
    comment: str = ""
    channel: str = ""
    booking: str | None = None
    case: str | None = None
    assignee: str | None = None
    attempts: int = 0
    outcome: str | None = None
    called_back_at: float | None = None
    callback_note: str = ""
    rectified_at: float | None = None
    rectification: str = ""
    closed_at: float | None = None
    satisfied: bool | None = None
    close_note: str = ""
    overdue: tuple[str, ...] = ()
    """The steps (`callback`, `close`) whose deadline passed while open: each alerts once."""


@dataclass(frozen=True, slots=True)
class HallState:
    config: HallConfig
    day: str = ""
    counters: Mapping[str, int] = field(default_factory=dict)
    tickets: Mapping[str, Ticket] = field(default_factory=dict)
    lines: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    priority_lines: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    window_lines: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    windows: Mapping[str, Window] = field(default_factory=dict)
    appointments: Mapping[str, Appointment] = field(default_factory=dict)
    slot_use: Mapping[str, int] = field(default_factory=dict)
    citizen_no_shows: Mapping[str, int] = field(default_factory=dict)
    ratings: Mapping[str, PendingRating] = field(default_factory=dict)
    service_stats: Mapping[str, tuple[int, float]] = field(default_factory=dict)
    calls: tuple[Call, ...] = ()
    notice: str = ""
    help_requests: Mapping[str, HelpRequest] = field(default_factory=dict)
    """Open and claimed help requests of the day (closed ones leave; none outlives the day)."""
    help_count: int = 0
    """Help requests raised today (their ids count up from 1)."""
    cases: Mapping[str, Case] = field(default_factory=dict)
    """Cases (办件): every open one, whatever day it was opened on, and those closed today."""
    follow_ups: Mapping[str, FollowUp] = field(default_factory=dict)
    """Follow-ups still open (kept across days) and those closed today."""

    def waiting_tickets(self, queue: str) -> tuple[str, ...]:
        """Ticket ids waiting in a queue (priority line first), not counting window lines."""
        return self.priority_lines.get(queue, ()) + self.lines.get(queue, ())

    def waiting_counts(self) -> dict[str, int]:
        """Tickets waiting per queue, including tickets transferred to one window."""
        priority, normal = self.priority_lines, self.lines
        counts = {
            q.id: len(priority.get(q.id, ())) + len(normal.get(q.id, ()))
            for q in self.config.queues
        }
        for line in self.window_lines.values():
            for ticket_id in line:
                counts[self.tickets[ticket_id].queue] += 1
        return counts

    def expected_service_seconds(self, queue: str) -> float:
        """Mean service time learned from finished tickets, else the configured minutes."""
        count, total = self.service_stats.get(queue, (0, 0.0))
        if count >= 5:
            return total / count
        configured = self.config.queue(queue)
        return configured.service_minutes * 60.0 if configured else 300.0


def slot_key(service: str, slot_start: float) -> str:
    return f"{service}@{slot_start:.0f}"


def initial_state(config: HallConfig) -> HallState:
    """A hall as configured, before its first day: every window closed, nothing waiting."""
    windows = {w.id: Window(w.id, w.name, queues=dict(w.queues)) for w in config.windows}
    return HallState(config=config, windows=windows)
