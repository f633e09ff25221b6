"""Holidays (法定节假日) and swapped workdays (调休上班日): the hall closes on a holiday that falls
on one of its weekdays and opens on a workday that does not, for tickets and appointment slots."""

from __future__ import annotations

from typing import Any

import pytest

from queueing import commands as cmd
from queueing.calendar import slot_starts
from queueing.config import config_document, parse_config
from queueing.errors import ConfigError
from tests.queueing.conftest import Hall, hall_config, hall_document, local

NATIONAL_DAY = "2024-10-01"
"""A Tuesday, a holiday."""
SWAPPED_SUNDAY = "2024-09-29"
"""A Sunday worked instead (调休)."""
WEEKDAYS = [1, 2, 3, 4, 5]
RULES: dict[str, Any] = {
    "weekdays": WEEKDAYS,
    "holidays": [NATIONAL_DAY],
    "workdays": [SWAPPED_SUNDAY],
}


def test_no_ticket_on_a_holiday_that_falls_on_a_weekday() -> None:
    hall = Hall(hall_config(RULES), local("10:00", NATIONAL_DAY))

    assert hall.refuse(cmd.IssueTicket("social")) == "hall_closed"


def test_tickets_on_a_swapped_workday_that_falls_on_a_weekend() -> None:
    hall = Hall(hall_config(RULES), local("10:00", SWAPPED_SUNDAY))

    assert hall.issue().number == "A001"


def test_other_days_follow_the_weekdays() -> None:
    hall = Hall(hall_config(RULES), local("10:00", "2024-10-06"))  # an ordinary Sunday
    assert hall.refuse(cmd.IssueTicket("social")) == "hall_closed"
    hall.now = local("10:00", "2024-10-08")  # an ordinary Tuesday
    assert hall.issue().number == "A001"


def test_slots_only_on_days_the_hall_opens() -> None:
    config = hall_config({**RULES, "open_time": "09:00", "close_time": "10:00"})

    assert slot_starts(config, NATIONAL_DAY) == []
    assert slot_starts(config, SWAPPED_SUNDAY) == [
        local(hhmm, SWAPPED_SUNDAY).timestamp() for hhmm in ("09:00", "09:30")
    ]


def test_dates_are_kept_sorted_and_distinct_and_round_trip() -> None:
    config = hall_config({"holidays": ["2024-10-02", NATIONAL_DAY, "2024-10-02"]})

    assert config.rules.holidays == (NATIONAL_DAY, "2024-10-02")
    assert config.rules.workdays == ()
    document = config_document(config)
    assert document["rules"]["holidays"] == [NATIONAL_DAY, "2024-10-02"]
    assert parse_config(document) == config


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        ({"holidays": "2024-10-01"}, "rules.holidays: must list at most 400 dates YYYY-MM-DD"),
        ({"holidays": ["2024-10-01", "10/02"]}, "rules.holidays[1]: must be a date YYYY-MM-DD"),
        ({"workdays": ["2024-02-30"]}, "rules.workdays[0]: no such date '2024-02-30'"),
        ({"holidays": [NATIONAL_DAY], "workdays": [NATIONAL_DAY]}, "rules.workdays: 2024-10-01"),
    ],
)
def test_a_bad_date_list_names_its_problem(rules: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(hall_document(rules=rules))

    assert any(p.startswith(problem) for p in info.value.problems), info.value.problems
