"""What the report reads about one day, as plain values (`queries.py` fills them in).

Only what the figures need: no citizen names, phones, booking codes, tracker tokens or rating
comments ever get here. Times are epoch seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from hall.report.applications import Application
from hall.report.day import ReportDay
from queueing.config import HallConfig
from queueing.events import Event


@dataclass(frozen=True, slots=True)
class Rating:
    window: str
    clerk: str | None
    score: int
    at: float


@dataclass(frozen=True, slots=True)
class Booking:
    """An appointment whose slot starts that day; `state` is booked, checked_in, no_show or
    cancelled, `on_time` whether a check-in came by the late limit."""

    service: str
    slot_start: float
    state: str
    on_time: bool | None


@dataclass(frozen=True, slots=True)
class Case:
    """A follow-up case (回访、整改) opened by a low rating that day."""

    case: str
    number: str
    window: str
    clerk: str | None
    score: int
    status: str
    opened_at: float
    deadline: float
    type: str = "rating"
    outcome: str | None = None
    closed_at: float | None = None
    satisfied: bool | None = None


@dataclass(frozen=True, slots=True)
class Session:
    """A clerk's time at a window (上岗 to 离岗) that overlaps the day; open when
    `signed_out_at` is None."""

    staff: str
    name: str | None
    window: str
    signed_in_at: float
    signed_out_at: float | None


@dataclass(frozen=True, slots=True)
class DayRows:
    """Everything the report of one hall's day is computed from."""

    config: HallConfig
    day: ReportDay
    events: tuple[tuple[float, Event], ...]
    """The day's ticket, window and configuration events with their commit times, in order."""
    ratings: tuple[Rating, ...]
    bookings: tuple[Booking, ...]
    cases: tuple[Case, ...]
    sessions: tuple[Session, ...]
    applications: tuple[Application, ...] = ()
    """Cases (办件) opened, decided or closed that day, or still open (`applications.py`)."""
