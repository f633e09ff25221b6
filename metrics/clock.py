"""Times: the hall's service day (its local date, when it starts and ends) and the protocol's
time format."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


def day_bounds(timezone: str, day: str) -> tuple[float, float]:
    """Epoch seconds of local midnight starting `day` (YYYY-MM-DD) and of the next one."""
    zone = ZoneInfo(timezone)
    first = date.fromisoformat(day)
    after = first + timedelta(days=1)
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    end = datetime(after.year, after.month, after.day, tzinfo=zone)
    return start.timestamp(), end.timestamp()


def iso_utc(t: float) -> str:
    """Epoch seconds as the protocol writes times: UTC, milliseconds, `Z`."""
    at = datetime.fromtimestamp(t, UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def iso_or_none(t: float | None) -> str | None:
    return None if t is None else iso_utc(t)
