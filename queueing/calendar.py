"""The hall's calendar: its local service day, local time and appointment slots, all in the
hall's own time zone. Pure functions of the configuration and an epoch time handed in."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from queueing.config import HallConfig


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
    """The start times (epoch seconds) of the appointment slots on a local date."""
    zone = ZoneInfo(config.timezone)
    date = datetime.fromisoformat(day).date()
    if date.isoweekday() not in config.rules.weekdays:
        return []
    open_h, open_m = map(int, config.rules.open_time.split(":"))
    close_h, close_m = map(int, config.rules.close_time.split(":"))
    midnight = datetime(date.year, date.month, date.day, tzinfo=zone)
    start = midnight + timedelta(hours=open_h, minutes=open_m)
    close = midnight + timedelta(hours=close_h, minutes=close_m)
    step = timedelta(minutes=config.rules.slot_minutes)
    slots: list[float] = []
    while start + step <= close:
        slots.append(start.timestamp())
        start += step
    return slots
