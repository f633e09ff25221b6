"""A 60-window hall and a 5,000-ticket day, the size docs/architecture.md's quality bars name."""

from __future__ import annotations

from typing import Any

from queueing.config import HallConfig, parse_config
from queueing.demand import Demand, parse_demand

QUEUES = "ABCDEFGH"
WINDOWS = 60
TICKETS_PER_DAY = 5000
OPEN_HOURS = 8
SHARES = (0.25, 0.2, 0.15, 0.1, 0.1, 0.08, 0.07, 0.05)
MEAN_MINUTES = (4.6, 5.8, 5.2, 6.9, 4.0, 6.3, 4.6, 8.0)
HOURLY = (1.2, 1.35, 1.1, 0.6, 0.8, 1.2, 1.1, 0.65)
"""Each opening hour's share of an average hour: a morning peak, a lunch dip, an afternoon peak."""


def hall_document() -> dict[str, Any]:
    """Every window serves its main queue (weight 1) and the next two queues (weight 0.5)."""
    n = len(QUEUES)
    return {
        "id": "big",
        "name": "60-window hall",
        "timezone": "Asia/Shanghai",
        # The benchmarks drive windows directly; a clerk's sign-in adds nothing they measure.
        "rules": {"require_sign_in": False},
        "queues": [
            {"id": q, "name": f"queue {q}", "prefix": q, "service_minutes": m}
            for q, m in zip(QUEUES, MEAN_MINUTES, strict=True)
        ],
        "services": [{"id": f"s{q}", "name": f"service {q}", "queue": q} for q in QUEUES],
        "windows": [
            {
                "id": str(i + 1),
                "name": f"{i + 1}号窗口",
                "queues": {QUEUES[i % n]: 1.0, QUEUES[(i + 1) % n]: 0.5, QUEUES[(i + 2) % n]: 0.5},
            }
            for i in range(WINDOWS)
        ],
    }


def demand_document(service_scale: float = 1.0) -> dict[str, Any]:
    """About 5,000 tickets from 09:00 to 17:00; windows about 90% busy, queues at the peaks.

    `service_scale` multiplies every service time: 0.8 makes an ordinary day (75% busy, short
    queues)."""
    per_hour = TICKETS_PER_DAY / OPEN_HOURS
    return {
        "open": "09:00",
        "close": f"{9 + OPEN_HOURS}:00",
        "queues": {
            q: {
                "arrivals_per_hour": {
                    f"{9 + h:02d}": round(per_hour * share * factor, 2)
                    for h, factor in enumerate(HOURLY)
                },
                "service": {"dist": "lognormal", "mean_minutes": m * service_scale, "cv": 0.8},
            }
            for q, share, m in zip(QUEUES, SHARES, MEAN_MINUTES, strict=True)
        },
        "green_share": 0.05,
        "no_show": 0.02,
    }


def big_hall() -> HallConfig:
    return parse_config(hall_document())


def big_demand(service_scale: float = 1.0) -> Demand:
    return parse_demand(demand_document(service_scale))
