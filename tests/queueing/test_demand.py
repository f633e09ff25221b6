"""The demand document of the day simulator: parsing, and every problem listed at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from queueing.config import parse_config
from queueing.demand import HOURS, DemandError, ServiceTime, parse_demand
from tests.queueing.simhalls import hall

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _document(**overrides: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "open": "09:00",
        "close": "17:00",
        "queues": {
            "A": {"arrivals_per_hour": 30, "service": {"dist": "exponential", "mean_minutes": 6}}
        },
        "green_share": 0.05,
        "no_show": 0.02,
    }
    document.update(overrides)
    return document


def _problems(document: Any) -> list[str]:
    with pytest.raises(DemandError) as raised:
        parse_demand(document)
    return raised.value.problems


def test_the_issue_example_parses() -> None:
    demand = parse_demand(_document())
    assert (demand.open_time, demand.close_time) == ("09:00", "17:00")
    assert demand.queues["A"].hourly_rates == (30.0,) * HOURS
    assert demand.queues["A"].service == ServiceTime("exponential", 6.0, 1.0)
    assert (demand.green_share, demand.no_show) == (0.05, 0.02)


def test_shares_default_to_zero() -> None:
    document = _document()
    del document["green_share"], document["no_show"]
    demand = parse_demand(document)
    assert (demand.green_share, demand.no_show) == (0.0, 0.0)


def test_hourly_rates_as_a_list_of_24() -> None:
    rates = [float(h) for h in range(HOURS)]
    queue = {"arrivals_per_hour": rates, "service": {"dist": "exponential", "mean_minutes": 6}}
    demand = parse_demand(_document(queues={"A": queue}))
    assert demand.queues["A"].hourly_rates == tuple(rates)


def test_hourly_rates_as_a_map_leave_other_hours_empty() -> None:
    queue = {
        "arrivals_per_hour": {"09": 40, "14": 25.5},
        "service": {"dist": "lognormal", "mean_minutes": 8, "cv": 0.5},
    }
    demand = parse_demand(_document(queues={"A": queue}))
    rates = demand.queues["A"].hourly_rates
    assert (rates[9], rates[14]) == (40.0, 25.5)
    assert sum(rates) == 65.5
    assert demand.queues["A"].service == ServiceTime("lognormal", 8.0, 0.5)


def test_every_problem_is_listed_at_once() -> None:
    document = {
        "open": "9:00",
        "close": "25:00",
        "queues": {
            "A": {"arrivals_per_hour": [1, 2, 3], "service": {"dist": "gamma", "mean_minutes": 0}},
            "B": {"arrivals_per_hour": {"9": 3, "10": -1}, "service": {"dist": "lognormal"}},
            "C": {
                "arrivals_per_hour": "lots",
                "service": {"dist": "exponential", "mean_minutes": 5, "cv": 2},
            },
            "D": "busy",
            "E": {"service": None, "speed": 1},
        },
        "green_share": 1.5,
        "no_show": True,
        "weather": "rain",
    }
    assert sorted(_problems(document)) == sorted(
        [
            "weather: unknown field",
            "open: must be HH:MM (00:00 to 23:59)",
            "close: must be HH:MM (00:00 to 23:59)",
            "queues.A.arrivals_per_hour: a list must give 24 hourly rates (hours 0-23)",
            "queues.A.service.dist: must be one of exponential, lognormal",
            "queues.A.service.mean_minutes: must be a number from 0.01 to 480",
            "queues.B.arrivals_per_hour.9: hours are two digits, 00 to 23",
            "queues.B.arrivals_per_hour.10: must be a number from 0 to 100000",
            "queues.B.service.mean_minutes: must be a number from 0.01 to 480",
            "queues.B.service.cv: must be a number from 0.01 to 10",
            "queues.C.arrivals_per_hour: must be a number from 0 to 100000",
            "queues.C.service.cv: only a lognormal service takes cv (exponential: 1)",
            "queues.D: must be an object",
            "queues.E.speed: unknown field",
            "queues.E.arrivals_per_hour: must be a number from 0 to 100000",
            "queues.E.service: must be an object with dist and mean_minutes",
            "green_share: must be a number from 0 to 1",
            "no_show: must be a number from 0 to 1",
        ]
    )


def test_closing_must_come_after_opening() -> None:
    assert _problems(_document(open="17:00", close="09:00")) == ["close: must be after open"]


@pytest.mark.parametrize("document", [None, [], "demand", 3])
def test_a_document_is_an_object(document: Any) -> None:
    assert _problems(document) == ["document: must be a JSON object"]


def test_queues_must_not_be_empty() -> None:
    assert _problems(_document(queues={})) == [
        "queues: must map at least one queue id to its demand"
    ]


def test_a_hall_adds_what_it_cannot_take() -> None:
    config = hall({"1": {"A": 1.0}}, {"A": 5.0})
    queue = {"arrivals_per_hour": 10, "service": {"dist": "exponential", "mean_minutes": 6}}
    with pytest.raises(DemandError) as raised:
        parse_demand(_document(queues={"A": queue, "Z": queue}, no_show=-1), config)
    assert raised.value.problems == [
        "no_show: must be a number from 0 to 1",
        "queues.Z: the hall has no queue 'Z'",
    ]


def test_the_documented_example_fits_the_example_hall() -> None:
    config = parse_config(json.loads((EXAMPLES / "hall-small.json").read_text("utf-8")))
    demand = parse_demand(json.loads((EXAMPLES / "demand.json").read_text("utf-8")), config)
    assert set(demand.queues) == {q.id for q in config.queues}
