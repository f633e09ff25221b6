"""The hall's working-day calendar: promise dates (承诺时限) and deadlines count working days, which
skip weekends and holidays and include the 调休 Saturdays. Checked across the 2026 Spring Festival:
closed Sunday 15 February to Monday 23 February, with Saturdays 14 and 28 February worked."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from queueing.calendar import (
    add_working_days,
    day_closes_at,
    is_working_day,
    local_time,
    working_days_between,
    working_deadline,
)
from tests.queueing.conftest import hall_config, local

SPRING_FESTIVAL: dict[str, Any] = {
    "weekdays": [1, 2, 3, 4, 5],
    "holidays": [(date(2026, 2, 15) + timedelta(days=i)).isoformat() for i in range(9)],
    "workdays": ["2026-02-14", "2026-02-28"],
    "close_time": "17:30",
}
CONFIG = hall_config(SPRING_FESTIVAL)


def test_the_makeup_saturday_works_and_the_festival_does_not() -> None:
    assert is_working_day(CONFIG, "2026-02-14")
    assert not is_working_day(CONFIG, "2026-02-16")  # a Monday inside the festival
    assert not is_working_day(CONFIG, "2026-02-21")  # a Saturday, not swapped
    assert is_working_day(CONFIG, "2026-02-24")


def test_a_promise_made_before_the_festival_resumes_after_it() -> None:
    # Thursday 12th: Friday 13th, Saturday 14th (调休), then Tuesday 24th onwards.
    assert add_working_days(CONFIG, "2026-02-12", 1) == "2026-02-13"
    assert add_working_days(CONFIG, "2026-02-12", 2) == "2026-02-14"
    assert add_working_days(CONFIG, "2026-02-12", 3) == "2026-02-24"
    assert add_working_days(CONFIG, "2026-02-12", 7) == "2026-02-28"


def test_zero_days_is_today_or_the_next_working_day() -> None:
    assert add_working_days(CONFIG, "2026-02-13", 0) == "2026-02-13"
    assert add_working_days(CONFIG, "2026-02-15", 0) == "2026-02-24"


def test_a_deadline_is_the_closing_time_of_its_due_day() -> None:
    opened = local("16:00", "2026-02-13").timestamp()
    deadline = working_deadline(CONFIG, opened, 2)
    assert local_time(CONFIG, deadline).isoformat() == "2026-02-24T17:30:00+08:00"
    assert deadline == day_closes_at(CONFIG, "2026-02-24")


def test_working_days_between_counts_only_working_days() -> None:
    assert working_days_between(CONFIG, "2026-02-12", "2026-02-24") == 3
    assert working_days_between(CONFIG, "2026-02-24", "2026-02-12") == 0


days = st.dates(min_value=date(2025, 12, 1), max_value=date(2026, 4, 1))


@given(start=days, count=st.integers(min_value=0, max_value=40))
def test_a_due_date_is_always_a_working_day_and_exactly_that_many_working_days_on(
    start: date, count: int
) -> None:
    due = add_working_days(CONFIG, start.isoformat(), count)
    assert is_working_day(CONFIG, due)
    assert due >= start.isoformat()
    if count > 0:
        assert working_days_between(CONFIG, start.isoformat(), due) == count
    elif is_working_day(CONFIG, start.isoformat()):
        assert due == start.isoformat()
