"""Small halls and demands for the day simulator's tests."""

from __future__ import annotations

from collections.abc import Mapping

from queueing.config import HallConfig, QueueConfig, Rules, ServiceConfig, WindowConfig
from queueing.demand import HOURS, Demand, QueueDemand, ServiceTime

THEORY_RULES = Rules(max_wait_minutes=1440.0)
"""No "longest wait first" jump within a day, so windows call first come, first served."""


def hall(
    windows: Mapping[str, Mapping[str, float]],
    service_minutes: Mapping[str, float],
    rules: Rules = THEORY_RULES,
) -> HallConfig:
    """A hall with one single-step service per queue; `windows` maps window ids to profiles."""
    return HallConfig(
        id="sim",
        name="simulated hall",
        timezone="Asia/Shanghai",
        queues=tuple(QueueConfig(q, f"queue {q}", q, m) for q, m in service_minutes.items()),
        services=tuple(ServiceConfig(f"s{q}", f"service {q}", (q,)) for q in service_minutes),
        windows=tuple(WindowConfig(w, f"{w}号窗口", dict(p)) for w, p in windows.items()),
        rules=rules,
    )


def identical_windows(count: int, queue: str = "A") -> dict[str, dict[str, float]]:
    return {str(i + 1): {queue: 1.0} for i in range(count)}


def flat_demand(
    arrivals_per_hour: Mapping[str, float],
    mean_minutes: Mapping[str, float],
    *,
    open_time: str = "09:00",
    close_time: str = "17:00",
    green_share: float = 0.0,
    no_show: float = 0.0,
) -> Demand:
    """Poisson arrivals at a flat rate and exponential service, per queue."""
    queues = {
        q: QueueDemand((rate,) * HOURS, ServiceTime("exponential", mean_minutes[q]))
        for q, rate in arrivals_per_hour.items()
    }
    return Demand(open_time, close_time, queues, green_share, no_show)
