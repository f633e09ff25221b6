"""The report's day: the hall's local service day, [local midnight, next local midnight), and
its hour slots.

Hour slots are 3,600 s apart from local midnight, so a day with a daylight-saving change has 23
or 25 of them; each is labelled with the local time it starts at.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from metrics.clock import day_bounds

HOUR_S = 3600.0
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BadDate(ValueError):
    """Not a calendar date written YYYY-MM-DD."""


def parse_date(text: str) -> str:
    """`text` if it is a date YYYY-MM-DD, else `BadDate`."""
    if not _DATE.match(text):
        raise BadDate(f"date {text!r}: write it YYYY-MM-DD")
    try:
        date.fromisoformat(text)
    except ValueError:
        raise BadDate(f"date {text!r}: no such day") from None
    return text


@dataclass(frozen=True, slots=True)
class ReportDay:
    """One service day of a hall, seen at `now`: figures run up to `until`, the earlier of the
    day's end and `now` (today's report stops at the present)."""

    day: str
    timezone: str
    start: float
    end: float
    now: float

    @classmethod
    def of(cls, day: str, timezone: str, now: float) -> ReportDay:
        start, end = day_bounds(timezone, parse_date(day))
        return cls(day, timezone, start, end, now)

    @property
    def until(self) -> float:
        return max(self.start, min(self.end, self.now))

    @property
    def partial(self) -> bool:
        """Today: the day is still running."""
        return self.start <= self.now < self.end

    @property
    def begun(self) -> bool:
        return self.now >= self.start

    @property
    def slots(self) -> int:
        return math.ceil((self.end - self.start) / HOUR_S)

    def slot_of(self, t: float) -> int:
        """The hour slot holding time `t` (clamped to the day)."""
        return min(self.slots - 1, max(0, int((t - self.start) // HOUR_S)))

    def slot_start(self, slot: int) -> float:
        return self.start + slot * HOUR_S

    def slot_end(self, slot: int) -> float:
        return min(self.end, self.start + (slot + 1) * HOUR_S)

    def label(self, slot: int) -> str:
        """The slot's local start time, HH:MM."""
        return self.local(self.slot_start(slot)).strftime("%H:%M")

    def contains(self, t: float) -> bool:
        return self.start <= t < self.end

    def local(self, t: float) -> datetime:
        return datetime.fromtimestamp(t, ZoneInfo(self.timezone))
