"""What the hall document tells citizens beyond the queue itself: where a queue's windows are
(`area`, printed on its tickets), a service's English name (`name_en`), and the hours
appointments may be booked in (`booking_open_time`, `booking_close_time`), which may be
narrower than the hall's opening hours (a hall that issues tickets around the clock books
appointments in office hours only)."""

from __future__ import annotations

from typing import Any

import pytest

from queueing import commands as cmd
from queueing.calendar import slot_starts
from queueing.config import booking_hours, config_document, parse_config
from queueing.errors import ConfigError
from tests.queueing.conftest import MONDAY, Hall, hall_config, hall_document, local

ALL_DAY = {"open_time": "00:00", "close_time": "24:00"}


def problems_of(document: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as refused:
        parse_config(document)
    return refused.value.problems


def test_a_queue_area_and_an_english_service_name_are_parsed_and_round_trip() -> None:
    document = hall_document()
    document["queues"][0]["area"] = " 二楼B区 "
    document["services"][0]["name_en"] = "Social insurance"

    config = parse_config(document)

    assert config.queues[0].area == "二楼B区"
    assert config.services[0].name_en == "Social insurance"
    assert parse_config(config_document(config)) == config


def test_without_area_or_english_name_the_document_stays_as_it_was() -> None:
    config = hall_config()

    assert [q.area for q in config.queues] == ["", "", ""]
    assert {s.name_en for s in config.services} == {""}
    document = config_document(config)
    assert all("area" not in q for q in document["queues"])
    assert all("name_en" not in s for s in document["services"])


def test_a_bad_area_or_english_name_is_listed_with_every_other_problem() -> None:
    document = hall_document()
    document["queues"][0]["area"] = 3
    document["queues"][1]["area"] = "楼" * 51
    document["services"][0]["name_en"] = ["Social"]

    problems = problems_of(document)

    assert "queues[0].area: must be a string of at most 50 characters" in problems
    assert "queues[1].area: must be a string of at most 50 characters" in problems
    assert "services[0].name_en: must be a string of at most 50 characters" in problems


def test_slots_lie_within_the_booking_hours_where_the_hall_sets_them() -> None:
    config = hall_config({**ALL_DAY, "booking_open_time": "08:30", "booking_close_time": "10:00"})

    starts = slot_starts(config, MONDAY)

    assert starts == [local(hhmm).timestamp() for hhmm in ("08:30", "09:00", "09:30")]
    assert booking_hours(config.rules) == ("08:30", "10:00")


def test_without_booking_hours_slots_fill_the_opening_hours() -> None:
    config = hall_config({"open_time": "09:00", "close_time": "10:00", "booking_open_time": ""})

    assert booking_hours(config.rules) == ("09:00", "10:00")
    assert slot_starts(config, MONDAY) == [local("09:00").timestamp(), local("09:30").timestamp()]


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        (
            {"booking_open_time": "07:00"},
            "rules.booking_open_time: must be within open_time-close_time",
        ),
        (
            {"booking_close_time": "18:00"},
            "rules.booking_close_time: must be within open_time-close_time",
        ),
        (
            {"booking_open_time": "12:00", "booking_close_time": "11:00"},
            "rules.booking_close_time: must be after booking_open_time",
        ),
        (
            {"booking_open_time": "9am"},
            "rules.booking_open_time: must be HH:MM (close_time may be 24:00)",
        ),
    ],
)
def test_booking_hours_outside_the_opening_hours_are_refused(
    rules: dict[str, str], problem: str
) -> None:
    document = hall_document(rules={"open_time": "08:30", "close_time": "17:30", **rules})

    assert problem in problems_of(document)


def test_a_booking_outside_the_booking_hours_is_refused_with_slot_invalid() -> None:
    hall = Hall(
        hall_config({**ALL_DAY, "booking_open_time": "09:00", "booking_close_time": "17:00"})
    )

    tuesday = "2024-03-05"
    for hhmm in ("00:00", "07:30", "17:00", "23:30"):  # open, but not for appointments
        slot = local(hhmm, tuesday).timestamp()
        assert hall.refuse(cmd.Book("social", slot, "c1", "X")) == "slot_invalid"
    hall.do(cmd.Book("social", local("16:30", tuesday).timestamp(), "c1", "X"))
