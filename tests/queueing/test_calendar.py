"""The service day of a moment (worked out once a minute) is the hall's local date at it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from queueing.calendar import service_day
from tests.queueing.simhalls import hall

# Around local midnight, including times that round (to the microsecond) onto midnight.
OFFSETS = (-61.0, -60.0, -1e-6, -6e-7, -4e-7, 0.0, 4e-7, 1e-6, 59.9999996, 60.0, 43200.0)


@pytest.mark.parametrize(
    "zone", ["Asia/Shanghai", "America/Santiago", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]
)
def test_the_service_day_is_the_local_date_around_midnight(zone: str) -> None:
    config = replace(hall({"1": {"A": 1.0}}, {"A": 5.0}), timezone=zone)
    tz = ZoneInfo(zone)
    for month in range(1, 13):
        midnight = datetime(2024, month, 7, tzinfo=tz).timestamp()
        for offset in OFFSETS:
            t = midnight + offset
            assert service_day(config, t) == datetime.fromtimestamp(t, tz).date().isoformat()


def test_the_day_changes_across_a_daylight_saving_change_at_midnight() -> None:
    # Chile turns its clocks back from 24:00 to 23:00: the date must not jump ahead early.
    config = replace(hall({"1": {"A": 1.0}}, {"A": 5.0}), timezone="America/Santiago")
    tz = ZoneInfo("America/Santiago")
    change = datetime(2024, 4, 7, 3, 0, tzinfo=ZoneInfo("UTC")).timestamp()
    for step in range(-7200, 7200, 7):
        t = change + step
        assert service_day(config, t) == datetime.fromtimestamp(t, tz).date().isoformat()
