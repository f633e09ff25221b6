"""The documented precision of the binned percentiles, and the rolling hour."""

from __future__ import annotations

import math
import random

import pytest

from metrics.histogram import Histogram, bin_of
from metrics.waiting import WaitingLine
from metrics.windows import RollingCount, RollingHistogram


def filled(values: list[float]) -> Histogram:
    histogram = Histogram()
    for value in values:
        histogram.add(bin_of(value), value, value <= 900)
    return histogram


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


@pytest.mark.parametrize("seed", range(5))
def test_percentiles_are_within_a_bin_of_the_exact_nearest_rank(seed: int) -> None:
    rng = random.Random(seed)
    values = [rng.expovariate(1 / 400) for _ in range(rng.randint(1, 3000))]

    p50, p90 = filled(values).percentiles(0.5, 0.9)

    for share, reported in ((0.5, p50), (0.9, p90)):
        exact = nearest_rank(values, share)
        assert reported is not None
        assert abs(reported - exact) < (1.0 if exact < 64 else exact / 32)


def test_percentiles_are_exact_when_no_two_values_share_a_bin() -> None:
    values = [5.0, 61.0, 65.0, 130.0, 700.0, 3600.0, 40000.0]

    histogram = filled(values)

    assert len({bin_of(v) for v in values}) == len(values)
    assert histogram.percentiles(0.5, 0.9, 1.0) == [130.0, 40000.0, 40000.0]
    assert histogram.mean() == sum(values) / len(values)
    assert histogram.share_flagged() == 5 / 7


def test_an_empty_histogram_has_no_figures() -> None:
    assert Histogram().percentiles(0.5, 0.9) == [None, None]
    assert (Histogram().mean(), Histogram().share_flagged()) == (None, None)


def test_the_rolling_window_forgets_minutes_older_than_its_span() -> None:
    window = RollingHistogram(span=60)
    window.add(100, bin_of(30), 30.0)
    window.add(130, bin_of(90), 90.0)

    assert window.at(159).count == 2  # minutes 100-159
    assert (window.at(160).count, window.at(160).mean()) == (1, 90.0)
    assert window.at(190).count == 0
    assert window.total.bins == {}


def test_the_rolling_count_forgets_minutes_older_than_its_span() -> None:
    count = RollingCount(span=60)
    for minute in (10, 10, 40, 69):
        count.add(minute)

    assert (count.at(69), count.at(70), count.at(100), count.at(129)) == (4, 2, 1, 0)


def test_the_waiting_line_finds_the_oldest_whatever_order_tickets_leave_in() -> None:
    rng = random.Random(7)
    line = WaitingLine()
    members: dict[str, float] = {}
    for step in range(2000):
        if members and rng.random() < 0.45:
            gone = rng.choice(sorted(members))
            line.leave(gone)
            del members[gone]
        else:
            ticket = f"T{step}"
            members[ticket] = rng.uniform(0, 1000)
            line.join(ticket, members[ticket])
        oldest = line.oldest()
        expected = min(((s, t) for t, s in members.items()), default=None)
        assert oldest == expected
        assert len(line) == len(members)
