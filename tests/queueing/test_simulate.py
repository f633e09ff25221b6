"""The day simulator: whole days of a hall through decide/apply, as citizens and clerks would."""

from __future__ import annotations

import math
import random
import statistics
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from queueing.config import HallConfig, QueueConfig, ServiceConfig, WindowConfig
from queueing.demand import Demand, DemandError, QueueDemand, ServiceTime
from queueing.simulate import (
    FIRST_DAY,
    day_arrivals,
    percentile,
    sample_service_seconds,
    simulate,
)
from tests.queueing.simhalls import THEORY_RULES, flat_demand, hall, identical_windows

TWO_QUEUES = {"A": 6.0, "B": 6.0}


def _small_hall() -> HallConfig:
    return hall({"1": {"A": 1.0}, "2": {"A": 1.0, "B": 0.5}, "3": {"B": 1.0}}, TWO_QUEUES)


def _busy_demand(green_share: float = 0.0, no_show: float = 0.0) -> Demand:
    return flat_demand({"A": 18.0, "B": 9.0}, TWO_QUEUES, green_share=green_share, no_show=no_show)


# --- what the simulator reports --------------------------------------------------------------


def test_the_same_seed_gives_the_same_days() -> None:
    config, demand = _small_hall(), _busy_demand(green_share=0.1, no_show=0.05)
    first = simulate(config, demand, random.Random(7), days=2)
    again = simulate(config, demand, random.Random(7), days=2)
    other = simulate(config, demand, random.Random(8), days=2)
    assert first == again
    assert first != other


def test_every_ticket_is_called_and_counted_per_queue() -> None:
    config, demand = _small_hall(), _busy_demand()
    result = simulate(config, demand, random.Random(1), days=2)
    rng = random.Random(1)
    issued = [a for d in range(2) for a in day_arrivals(config, demand, rng, FIRST_DAY + _days(d))]
    for queue in ("A", "B"):
        counted = result.queues[queue]
        assert counted.tickets == sum(1 for a in issued if a.queue == queue)
        assert counted.unserved == 0 and counted.no_shows == 0
    served = sum(w.served for w in result.windows.values())
    assert served == len(issued)


def test_waits_percentiles_and_service_level_describe_the_same_waits() -> None:
    result = simulate(_small_hall(), _busy_demand(), random.Random(3), days=3)
    for queue in result.queues.values():
        assert queue.mean_wait_s is not None and queue.p50_wait_s is not None
        assert queue.p90_wait_s is not None and queue.service_level is not None
        assert 0 <= queue.p50_wait_s <= queue.p90_wait_s
        assert queue.p50_wait_s <= queue.mean_wait_s * 3
        assert 0 < queue.service_level <= 1


def test_service_level_counts_calls_within_the_halls_target() -> None:
    config = _small_hall()
    strict = replace(config, rules=replace(config.rules, service_target_minutes=1))
    lenient = replace(config, rules=replace(config.rules, service_target_minutes=120))
    tight = simulate(strict, _busy_demand(), random.Random(5))
    loose = simulate(lenient, _busy_demand(), random.Random(5))
    for queue in ("A", "B"):
        tight_level, loose_level = (
            tight.queues[queue].service_level,
            loose.queues[queue].service_level,
        )
        assert tight_level is not None and loose_level is not None
        assert tight_level < loose_level == 1.0
        assert tight.queues[queue].mean_wait_s == loose.queues[queue].mean_wait_s


def test_utilisation_is_the_offered_load_of_each_window() -> None:
    # One queue, 4 windows, 30 an hour at 6 minutes: 3 erlangs, 75% of each window.
    config = hall(identical_windows(4), {"A": 6.0})
    demand = flat_demand({"A": 30.0}, {"A": 6.0}, open_time="06:00", close_time="20:00")
    result = simulate(config, demand, random.Random(9), days=3, eta_samples_per_day=0)
    loads = [w.utilisation for w in result.windows.values()]
    assert statistics.mean(loads) == pytest.approx(0.75, rel=0.06)
    assert all(0.6 < load < 0.9 for load in loads)


def test_no_shows_are_called_and_then_marked_absent() -> None:
    result = simulate(_small_hall(), _busy_demand(no_show=0.2), random.Random(4), days=3)
    tickets = sum(q.tickets for q in result.queues.values())
    no_shows = sum(q.no_shows for q in result.queues.values())
    expected, spread = 0.2 * tickets, math.sqrt(0.2 * 0.8 * tickets)
    assert abs(no_shows - expected) < 4 * spread
    served = sum(w.served for w in result.windows.values())
    assert served == tickets - no_shows


def test_green_tickets_jump_the_line() -> None:
    config = hall(identical_windows(2), {"A": 6.0})
    demand = flat_demand({"A": 17.0}, {"A": 6.0}, green_share=0.2)
    queue = simulate(config, demand, random.Random(2), days=4).queues["A"]
    assert queue.green_mean_wait_s is not None and queue.mean_wait_s is not None
    assert abs(queue.green_tickets - 0.2 * queue.tickets) < 4 * math.sqrt(0.16 * queue.tickets)
    assert queue.green_mean_wait_s < 0.5 * queue.mean_wait_s


def test_without_green_share_no_ticket_is_green() -> None:
    queue = simulate(_small_hall(), _busy_demand(), random.Random(2)).queues["A"]
    assert (queue.green_tickets, queue.green_mean_wait_s) == (0, None)


def test_an_overloaded_day_ends_at_midnight_with_tickets_unserved() -> None:
    config = hall(identical_windows(1), {"A": 10.0})
    demand = flat_demand({"A": 12.0}, {"A": 10.0}, open_time="08:00", close_time="20:00")
    result = simulate(config, demand, random.Random(6), days=2)
    queue = result.queues["A"]
    assert queue.unserved > 0
    assert queue.service_level is not None and queue.service_level < 0.5
    assert result.windows["1"].utilisation == pytest.approx(1.0, abs=0.02)


def test_integrated_windows_wait_less_than_specialised_ones() -> None:
    """Six windows that all serve both queues beat three per queue, for the very same citizens."""
    minutes = {"A": 8.0, "B": 8.0}
    demand = flat_demand({"A": 19.0, "B": 17.0}, minutes)
    specialised = hall({str(i): {"A" if i <= 3 else "B": 1.0} for i in range(1, 7)}, minutes)
    integrated = hall({str(i): {"A": 1.0, "B": 1.0} for i in range(1, 7)}, minutes)
    apart = simulate(specialised, demand, random.Random(12), days=4, eta_samples_per_day=0)
    pooled = simulate(integrated, demand, random.Random(12), days=4, eta_samples_per_day=0)
    assert apart.mean_wait_s is not None and pooled.mean_wait_s is not None
    assert pooled.mean_wait_s < 0.7 * apart.mean_wait_s
    for queue in ("A", "B"):
        assert pooled.queues[queue].tickets == apart.queues[queue].tickets


def test_estimated_waits_are_sampled_and_close_to_the_real_ones() -> None:
    result = simulate(_small_hall(), _busy_demand(), random.Random(10), days=2)
    tickets = sum(q.tickets for q in result.queues.values())
    assert 0 < result.eta_samples <= min(2 * 200, tickets)
    assert result.eta_mae_s is not None
    assert result.mean_wait_s is not None
    assert result.eta_mae_s < 2 * result.mean_wait_s  # informative, not noise
    few = simulate(_small_hall(), _busy_demand(), random.Random(10), days=2, eta_samples_per_day=5)
    assert 0 < few.eta_samples <= 10
    none = simulate(_small_hall(), _busy_demand(), random.Random(10), days=2, eta_samples_per_day=0)
    assert (none.eta_samples, none.eta_mae_s) == (0, None)
    assert none.queues == result.queues  # estimating changes nothing in the hall


def test_warmup_leaves_the_first_minutes_out_of_the_figures() -> None:
    config, demand = _small_hall(), _busy_demand()
    whole = simulate(config, demand, random.Random(11))
    later = simulate(config, demand, random.Random(11), warmup_minutes=120)
    for queue in ("A", "B"):
        assert 0 < later.queues[queue].tickets < whole.queues[queue].tickets


def test_a_bundle_is_served_step_by_step() -> None:
    """A queue whose only service is a bundle sends every citizen on to its next queue."""
    config = HallConfig(
        "bundle",
        "bundle hall",
        "Asia/Shanghai",
        (QueueConfig("A", "accept", "A", 5.0), QueueConfig("B", "issue", "B", 3.0)),
        (ServiceConfig("startup", "start a company", ("A", "B")),),
        (WindowConfig("1", "1", {"A": 1.0}), WindowConfig("2", "2", {"B": 1.0})),
        THEORY_RULES,
    )
    demand = Demand(
        "09:00", "16:00", {"A": QueueDemand((8.0,) * 24, ServiceTime("exponential", 5))}
    )
    result = simulate(config, demand, random.Random(13), days=2)
    assert result.queues["B"].tickets == result.queues["A"].tickets > 0
    assert result.windows["2"].served == result.windows["1"].served


def test_a_demand_for_a_queue_the_hall_lacks_is_refused() -> None:
    demand = flat_demand({"Z": 5.0}, {"Z": 5.0})
    with pytest.raises(DemandError) as raised:
        simulate(_small_hall(), demand, random.Random(1))
    assert raised.value.problems == ["queues.Z: the hall has no queue 'Z'"]


def test_days_must_be_positive() -> None:
    with pytest.raises(DemandError, match="days"):
        simulate(_small_hall(), _busy_demand(), random.Random(1), days=0)


def test_the_simulator_follows_the_demands_hours_not_the_halls() -> None:
    config = _small_hall()
    assert (config.rules.open_time, config.rules.close_time) == ("08:30", "17:30")
    demand = flat_demand({"A": 20.0}, TWO_QUEUES, open_time="06:00", close_time="22:00")
    result = simulate(config, demand, random.Random(14))
    assert result.queues["A"].tickets > 20 * 15  # 16 open hours, far more than the hall's 9


# --- arrivals and service times ------------------------------------------------------------


def test_arrivals_follow_the_hourly_rates_within_opening_hours() -> None:
    config = _small_hall()
    rates = [0.0] * 24
    rates[8], rates[10] = 600.0, 300.0  # 08:00 is before opening: nobody comes then
    demand = Demand(
        "09:00", "12:00", {"A": QueueDemand(tuple(rates), ServiceTime("exponential", 5))}
    )
    arrivals = day_arrivals(config, demand, random.Random(15), FIRST_DAY)
    hours = [datetime.fromtimestamp(a.at, ZoneInfo(config.timezone)).hour for a in arrivals]
    assert set(hours) == {10}
    assert abs(len(arrivals) - 300) < 4 * math.sqrt(300)
    assert [a.at for a in arrivals] == sorted(a.at for a in arrivals)
    assert {a.service for a in arrivals} == {"sA"}


def test_green_and_no_show_shares_are_drawn_per_citizen() -> None:
    demand = flat_demand({"A": 400.0}, {"A": 5.0}, green_share=0.25, no_show=0.1)
    arrivals = day_arrivals(_small_hall(), demand, random.Random(16), FIRST_DAY)
    n = len(arrivals)
    green = sum(1 for a in arrivals if a.priority == "green")
    absent = sum(1 for a in arrivals if a.no_show)
    assert abs(green - 0.25 * n) < 4 * math.sqrt(0.25 * 0.75 * n)
    assert abs(absent - 0.1 * n) < 4 * math.sqrt(0.1 * 0.9 * n)


@pytest.mark.parametrize(
    ("service", "cv"),
    [(ServiceTime("exponential", 6.0), 1.0), (ServiceTime("lognormal", 6.0, 0.5), 0.5)],
)
def test_service_times_have_the_asked_mean_and_spread(service: ServiceTime, cv: float) -> None:
    rng = random.Random(17)
    samples = [sample_service_seconds(rng, service) for _ in range(40_000)]
    mean = statistics.fmean(samples)
    assert mean == pytest.approx(360.0, rel=0.03)
    assert statistics.pstdev(samples) / mean == pytest.approx(cv, rel=0.06)
    assert min(samples) > 0


def test_percentile_is_nearest_rank() -> None:
    ordered = [float(i) for i in range(1, 11)]
    assert percentile(ordered, 0.5) == 5.0
    assert percentile(ordered, 0.9) == 9.0
    assert percentile(ordered, 0.91) == 10.0
    assert percentile([3.0], 0.9) == 3.0


def _days(count: int) -> timedelta:
    return timedelta(days=count)
