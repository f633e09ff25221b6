"""Appointment slots on days the clocks change: laid out on the hall's wall clock, each slot once,
in order, and every wall-clock slot time the day shows (twice where the clock shows it twice).

The oracle walks the day minute by minute in UTC and keeps every instant whose local time is a
slot time: it does not share the implementation's arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from queueing.calendar import service_day, slot_starts
from queueing.config import HallConfig
from tests.queueing.conftest import hall_config

NEW_YORK = "America/New_York"

DST_ZONES = (
    NEW_YORK,
    "Europe/London",
    "Europe/Berlin",
    "America/Santiago",  # changes at midnight: the local day itself starts at 01:00
    "Australia/Sydney",
    "Australia/Lord_Howe",  # a 30-minute change
    "America/Havana",  # changes at midnight too
    "Asia/Shanghai",  # no change, for comparison
)


def new_york(open_time: str = "00:00", close_time: str = "24:00") -> HallConfig:
    return hall_config(
        {"open_time": open_time, "close_time": close_time, "slot_minutes": 30},
        timezone=NEW_YORK,
    )


def local_labels(starts: list[float], zone: str) -> list[str]:
    return [datetime.fromtimestamp(t, ZoneInfo(zone)).strftime("%H:%M%z") for t in starts]


def test_the_spring_forward_day_in_new_york_has_each_slot_once() -> None:
    starts = slot_starts(new_york(), "2026-03-08")  # 02:00 EST -> 03:00 EDT

    assert len(starts) == len(set(starts)) == 46  # 48 wall-clock slots, 02:00 and 02:30 skipped
    assert starts == sorted(starts)
    labels = local_labels(starts, NEW_YORK)
    assert labels[2:6] == ["01:00-0500", "01:30-0500", "03:00-0400", "03:30-0400"]
    assert {b - a for a, b in zip(starts, starts[1:], strict=False)} == {1800.0}


def test_the_fall_back_day_in_new_york_has_no_gap() -> None:
    starts = slot_starts(new_york(), "2026-11-01")  # 02:00 EDT -> 01:00 EST

    assert len(starts) == len(set(starts)) == 50  # 01:00 and 01:30 come twice
    labels = local_labels(starts, NEW_YORK)
    assert labels[2:7] == ["01:00-0400", "01:30-0400", "01:00-0500", "01:30-0500", "02:00-0500"]
    assert {b - a for a, b in zip(starts, starts[1:], strict=False)} == {1800.0}


def test_a_day_without_a_clock_change_is_unchanged() -> None:
    starts = slot_starts(new_york("08:30", "17:30"), "2026-11-02")

    assert local_labels(starts, NEW_YORK)[:2] == ["08:30-0500", "09:00-0500"]
    assert len(starts) == 18


def expected_slots(config: HallConfig, day: str) -> list[float]:
    """Every UTC minute around the day whose local wall-clock time is a slot time of `day`."""
    zone = ZoneInfo(config.timezone)
    rules = config.rules
    opens = _minutes(rules.open_time)
    closes = _minutes(rules.close_time)
    wanted = date.fromisoformat(day)
    t = datetime(wanted.year, wanted.month, wanted.day, tzinfo=UTC) - timedelta(hours=16)
    found = []
    for _ in range(56 * 60):  # the local day lies within these 56 hours in every zone
        wall = t.astimezone(zone)
        minute = wall.hour * 60 + wall.minute
        if (
            wall.date() == wanted
            and opens <= minute
            and minute + rules.slot_minutes <= closes
            and (minute - opens) % rules.slot_minutes == 0
        ):
            found.append(t.timestamp())
        t += timedelta(minutes=1)
    return found


def _minutes(hhmm: str) -> int:
    hours, minutes = map(int, hhmm.split(":"))
    return hours * 60 + minutes


TRANSITION_DAYS = st.sampled_from(
    [
        "2026-03-08",
        "2026-11-01",  # New York, Havana
        "2026-03-29",
        "2026-10-25",  # London, Berlin
        "2026-04-05",
        "2026-10-04",  # Sydney, Lord Howe; Santiago's 2026-04-05 and 2026-09-06
        "2026-09-06",
        "2026-03-07",
        "2026-06-15",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(DST_ZONES),
    day=TRANSITION_DAYS,
    open_minute=st.integers(0, 23 * 60),
    length=st.integers(5, 24 * 60),
    slot_minutes=st.sampled_from([5, 15, 20, 30, 45, 60, 90, 240]),
)
def test_slots_are_the_wall_clock_slot_times_the_day_shows(
    zone: str, day: str, open_minute: int, length: int, slot_minutes: int
) -> None:
    close_minute = min(open_minute + length, 24 * 60)
    config = hall_config(
        {
            "open_time": f"{open_minute // 60:02d}:{open_minute % 60:02d}",
            "close_time": f"{close_minute // 60:02d}:{close_minute % 60:02d}",
            "slot_minutes": slot_minutes,
        },
        timezone=zone,
    )

    starts = slot_starts(config, day)

    assert starts == expected_slots(config, day)
    assert all(service_day(config, t) == day for t in starts)
    assert len(set(starts)) == len(starts)
