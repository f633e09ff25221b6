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
    """The start times (epoch seconds) of the appointment slots on a local date.

    Slots are laid out on the hall's wall clock (opening time, opening time + slot length, ...,
    each ending by the closing time) and each wall-clock time is converted to epoch seconds on
    its own. A time the clock skips when it goes forward has no slot; a time it shows twice when
    it goes back has a slot each time, so the slots are unique and in order on every day.
    """
    date = datetime.fromisoformat(day).date()
    if not config.rules.opens_on(date):
        return []
    zone = ZoneInfo(config.timezone)
    opens, closes = _minutes(config.rules.open_time), _minutes(config.rules.close_time)
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
