"""The hall's calendar: its local service day, local time and appointment slots, all in the
hall's own time zone. Pure functions of the configuration and an epoch time handed in."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from queueing.config import HallConfig, booking_hours


def service_day(config: HallConfig, t: float) -> str:
    """The hall's local date (YYYY-MM-DD) at epoch time `t`."""
    day = _minute_date(config.timezone, t // 60)
    return day if day is not None else _local_date(config.timezone, t)


def _local_date(timezone: str, t: float) -> str:
    return datetime.fromtimestamp(t, ZoneInfo(timezone)).date().isoformat()


@lru_cache(maxsize=256)
def _minute_date(timezone: str, minute: float) -> str | None:
    """The local date throughout a whole UTC minute, or None if it changes within the minute.

    Every command asks for its service day and a busy hall takes many commands a minute, so the
    date is worked out once a minute. The minute's end is included: a time just before it may
    round up to it (datetime keeps microseconds). Dates never go back and forth within a minute.
    """
    start = minute * 60
    day = _local_date(timezone, start)
    return day if _local_date(timezone, start + 60) == day else None


def local_time(config: HallConfig, t: float) -> datetime:
    return datetime.fromtimestamp(t, ZoneInfo(config.timezone))


def slot_starts(config: HallConfig, day: str) -> list[float]:
    """The start times (epoch seconds) of the appointment slots on a local date.

    Slots are laid out on the hall's wall clock within its booking hours (by default its opening
    hours): opening time, opening time + slot length, ..., each ending by the closing time. Each
    wall-clock time is converted to epoch seconds on its own. A time the clock skips when it goes
    forward has no slot; a time it shows twice when it goes back has a slot each time, so the
    slots are unique and in order on every day.
    """
    date = datetime.fromisoformat(day).date()
    if not config.rules.opens_on(date):
        return []
    zone = ZoneInfo(config.timezone)
    opens, closes = map(_minutes, booking_hours(config.rules))
    step = config.rules.slot_minutes
    midnight = datetime(date.year, date.month, date.day)
    starts: set[float] = set()
    for minute in range(opens, closes - step + 1, step):
        starts.update(_instants(midnight + timedelta(minutes=minute), zone))
    return sorted(starts)


def _minutes(hhmm: str) -> int:
    hours, minutes = map(int, hhmm.split(":"))
    return hours * 60 + minutes


def _instants(wall: datetime, zone: ZoneInfo) -> set[float]:
    """The epoch times at which the zone's clock shows the naive `wall` time: none in a gap,
    two in an overlap, otherwise one."""
    found = set()
    for fold in (0, 1):
        t = wall.replace(tzinfo=zone, fold=fold).timestamp()
        if datetime.fromtimestamp(t, zone).replace(tzinfo=None) == wall:
            found.add(t)
    return found


# --- working days ------------------------------------------------------------------------------

MAX_WORKING_DAYS = 366
"""The furthest `add_working_days` looks: a promise or deadline is at most a year of working
days away, and a calendar with no working day at all must still end."""


def is_working_day(config: HallConfig, day: str) -> bool:
    """The hall works on this local date (YYYY-MM-DD): one of its weekdays and no holiday, or a
    调休 workday."""
    return config.rules.opens_on(date.fromisoformat(day))


def add_working_days(config: HallConfig, day: str, days: int) -> str:
    """The local date `days` working days after `day` (which itself never counts); 0 gives `day`
    itself when it is a working day, else the next working day. Raises ValueError when the hall's
    calendar has no such day within `MAX_WORKING_DAYS` calendar days."""
    current = date.fromisoformat(day)
    left = days
    if left == 0 and config.rules.opens_on(current):
        return day
    for _ in range(MAX_WORKING_DAYS + days * 7):
        current += timedelta(days=1)
        if config.rules.opens_on(current):
            if left <= 1:
                return current.isoformat()
            left -= 1
    raise ValueError(f"no working day {days} days after {day}")


def working_days_between(config: HallConfig, start: str, end: str) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not later)."""
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    count = 0
    while first < last:
        first += timedelta(days=1)
        count += config.rules.opens_on(first)
    return count


def working_deadline(config: HallConfig, t: float, days: int) -> float:
    """The epoch time by which something opened at `t` is due `days` working days later: the
    hall's closing time on that local date."""
    due = add_working_days(config, service_day(config, t), days)
    return day_closes_at(config, due)


def day_closes_at(config: HallConfig, day: str) -> float:
    """The epoch time of the hall's closing time on a local date (the last instant when the
    clock shows it twice)."""
    closes = _minutes(config.rules.close_time)
    local = datetime.fromisoformat(day) + timedelta(minutes=closes)
    instants = _instants(local, ZoneInfo(config.timezone))
    if instants:
        return max(instants)
    return local.replace(tzinfo=ZoneInfo(config.timezone)).timestamp()  # inside a clock gap
