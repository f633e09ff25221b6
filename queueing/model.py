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


@dataclass(frozen=True, slots=True)
class Call:
    """One line of a call screen's history."""

    ticket: str
    number: str
    queue: str
    window: str
    window_name: str
    at: float


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
