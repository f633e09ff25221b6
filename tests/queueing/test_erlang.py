"""Erlang C, and the day simulator checked against it.

The simulator runs the real hall (decide/apply and the routing policy); with one queue, c
identical windows, Poisson arrivals and exponential service that hall is an M/M/c queue, so
its waits must be those of the textbook FCFS queue (checked ticket for ticket) and its mean
wait must match Erlang C (checked within 10% on long runs, see THEORY_POINTS).
"""

from __future__ import annotations

import heapq
import math
import random
from datetime import timedelta

import pytest

from queueing.erlang import erlang_c, mean_wait, utilisation, wait_within, windows_needed
from queueing.simulate import FIRST_DAY, day_arrivals, simulate
from tests.queueing.simhalls import flat_demand, hall, identical_windows


def _erlang_c_by_sum(load: float, windows: int) -> float:
    """The textbook formula, summed term by term: an independent oracle."""
    top = load**windows / math.factorial(windows) * windows / (windows - load)
    return top / (sum(load**k / math.factorial(k) for k in range(windows)) + top)


# --- the formulas ----------------------------------------------------------------------------


def test_erlang_c_matches_the_textbook_sum() -> None:
    for windows in (1, 2, 3, 5, 8, 13, 20):
        for rho in (0.1, 0.5, 0.7, 0.9, 0.99):
            load = rho * windows
            expected = _erlang_c_by_sum(load, windows)
            assert erlang_c(load, 1.0, windows) == pytest.approx(expected, rel=1e-9)


def test_one_window_waits_with_probability_rho_and_mean_wait_rho_over_mu_minus_lambda() -> None:
    assert erlang_c(0.6, 1.0, 1) == pytest.approx(0.6)
    assert mean_wait(0.6, 1.0, 1) == pytest.approx(0.6 / (1.0 - 0.6))


def test_two_windows_at_half_load() -> None:
    # M/M/2 with rho = 0.5: P(wait) = 2 rho^2 / (1 + rho) = 1/3; Wq = P / (2 mu - lambda)
    assert erlang_c(1.0, 1.0, 2) == pytest.approx(1 / 3)
    assert mean_wait(1.0, 1.0, 2) == pytest.approx(1 / 3)


def test_rates_in_any_unit_give_waits_in_that_unit() -> None:
    per_hour = mean_wait(50.0, 6.0, 10)  # hours
    per_second = mean_wait(50.0 / 3600, 6.0 / 3600, 10)  # seconds
    assert per_second == pytest.approx(per_hour * 3600)


def test_an_overloaded_hall_waits_forever() -> None:
    assert erlang_c(3.0, 1.0, 3) == 1.0
    assert mean_wait(3.5, 1.0, 3) == math.inf
    assert wait_within(3.5, 1.0, 3, 100.0) == 0.0
    assert utilisation(3.5, 1.0, 3) == pytest.approx(3.5 / 3)


def test_no_arrivals_no_wait() -> None:
    assert mean_wait(0.0, 1.0, 1) == 0.0
    assert windows_needed(0.0, 1.0, 10.0) == 0


def test_service_level_grows_with_the_target_and_starts_at_not_waiting() -> None:
    start = wait_within(4.0, 1.0, 5, 0.0)
    assert start == pytest.approx(1.0 - erlang_c(4.0, 1.0, 5))
    levels = [wait_within(4.0, 1.0, 5, t) for t in (0.0, 0.1, 0.5, 1.0, 5.0)]
    assert levels == sorted(levels)
    assert levels[-1] > 0.99


@pytest.mark.parametrize("target", [0.01, 0.05, 0.2, 1.0])
def test_windows_needed_is_the_fewest_that_meet_the_mean_wait(target: float) -> None:
    arrivals, service = 120.0, 10.0  # per hour: 12 erlangs
    needed = windows_needed(arrivals, service, target)
    assert mean_wait(arrivals, service, needed) <= target
    assert mean_wait(arrivals, service, needed - 1) > target


def test_windows_needed_for_a_service_level() -> None:
    # 80% called within 15 minutes, 100 citizens an hour, 6 minutes each.
    needed = windows_needed(100 / 60, 1 / 6, 15.0, service_level=0.8)
    assert wait_within(100 / 60, 1 / 6, needed, 15.0) >= 0.8
    assert wait_within(100 / 60, 1 / 6, needed - 1, 15.0) < 0.8


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="windows"):
        erlang_c(1.0, 1.0, 0)
    with pytest.raises(ValueError, match="service_rate"):
        mean_wait(1.0, 0.0, 2)
    with pytest.raises(ValueError, match="arrival_rate"):
        erlang_c(-1.0, 1.0, 2)
    with pytest.raises(ValueError, match="service_level"):
        windows_needed(1.0, 1.0, 1.0, service_level=1.0)
    with pytest.raises(ValueError, match="more than 3 windows"):
        windows_needed(10.0, 1.0, 0.1, max_windows=3)


# --- the simulator against the theory ----------------------------------------------------------


def _fcfs_waits(arrivals: list[tuple[float, float]], windows: int) -> list[float]:
    """Waits in an FCFS queue with identical windows: each citizen takes the first free one."""
    free = [-math.inf] * windows
    waits = []
    for at, service in arrivals:
        start = max(at, heapq.heappop(free))
        waits.append(start - at)
        heapq.heappush(free, start + service)
    return waits


def test_the_simulated_hall_is_exactly_an_fcfs_queue_given_the_same_citizens() -> None:
    """Ticket for ticket the hall waits as the textbook queue: no model of its own in between."""
    windows, days, seed = 3, 2, 11
    config = hall(identical_windows(windows), {"A": 3.0})
    demand = flat_demand({"A": 0.8 * windows * 20}, {"A": 3.0}, open_time="08:00")
    result = simulate(config, demand, random.Random(seed), days=days, eta_samples_per_day=0)

    rng, waits = random.Random(seed), []
    for index in range(days):
        citizens = day_arrivals(config, demand, rng, FIRST_DAY + timedelta(days=index))
        waits += _fcfs_waits([(c.at, c.service_seconds) for c in citizens], windows)
    queue = result.queues["A"]
    assert queue.tickets == len(waits)
    assert queue.mean_wait_s == pytest.approx(sum(waits) / len(waits), rel=1e-9)
    assert max(waits) > 600  # the windows were busy: people did wait


# (windows, utilisation, mean service minutes, simulated days, seed): 28,000-32,000 tickets
# each. Only utilisation and the window count shape an M/M/c queue's waits (the time scale
# does not), so short service times give many tickets per simulated day. Over 40 seeds the
# relative error of such runs is centred on zero with a spread (sigma) of 5-6%: 10% is a check
# at about two sigma, kept affordable (about 25 s for the three); the ticket-for-ticket test
# above is the sharp one.
THEORY_POINTS = [(1, 0.75, 0.1, 3, 1), (2, 0.72, 0.18, 3, 2), (3, 0.70, 0.25, 3, 3)]


@pytest.mark.slow
@pytest.mark.parametrize(("windows", "rho", "minutes", "days", "seed"), THEORY_POINTS)
def test_mean_wait_matches_erlang_c(
    windows: int, rho: float, minutes: float, days: int, seed: int
) -> None:
    arrivals_per_hour = rho * windows * 60.0 / minutes
    config = hall(identical_windows(windows), {"A": minutes})
    demand = flat_demand(
        {"A": arrivals_per_hour}, {"A": minutes}, open_time="00:00", close_time="22:00"
    )
    result = simulate(
        config, demand, random.Random(seed), days=days, eta_samples_per_day=0, warmup_minutes=60
    )

    theory = mean_wait(arrivals_per_hour / 3600, 1 / (minutes * 60), windows)
    simulated = result.queues["A"].mean_wait_s
    assert simulated is not None
    assert result.queues["A"].tickets > 25_000
    assert simulated == pytest.approx(theory, rel=0.10)
    busy = sum(w.utilisation for w in result.windows.values()) / windows
    assert busy == pytest.approx(rho, rel=0.03)
