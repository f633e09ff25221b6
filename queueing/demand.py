"""A hall's demand for the day simulator: arrivals per queue, service times, shares.

`parse_demand(document)` turns the JSON demand document (see docs/simulate.md) into a `Demand`,
listing every problem it finds at once (`DemandError.problems`), like `parse_config` does.
`demand_problems(demand, config)` lists what does not fit a given hall: queues it lacks, or
queues no service of the hall starts in (the simulator issues tickets for services).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from queueing.config import HallConfig

DISTRIBUTIONS = ("exponential", "lognormal")
HOURS = 24
MAX_ARRIVALS_PER_HOUR = 100_000.0
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_HH = re.compile(r"^([01]\d|2[0-3])$")


class DemandError(ValueError):
    """A demand document with problems; `problems` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class ServiceTime:
    """How long a clerk takes for one ticket: `mean_minutes`, and `cv` (std / mean)."""

    dist: str
    mean_minutes: float
    cv: float = 1.0


@dataclass(frozen=True, slots=True)
class QueueDemand:
    """Arrival rate for each local hour 0-23 (tickets per hour), and the service time."""

    hourly_rates: tuple[float, ...]
    service: ServiceTime


@dataclass(frozen=True, slots=True)
class Demand:
    open_time: str
    close_time: str
    queues: Mapping[str, QueueDemand]
    green_share: float = 0.0
    no_show: float = 0.0


def parse_demand(document: Any, config: HallConfig | None = None) -> Demand:
    """Validate a demand document; raise `DemandError` listing every problem.

    With `config`, also what the hall cannot take (see `demand_problems`).
    """
    if not isinstance(document, Mapping):
        raise DemandError(["document: must be a JSON object"])
    problems: list[str] = []
    known = {"open", "close", "queues", "green_share", "no_show"}
    problems += [f"{key}: unknown field" for key in document if key not in known]
    open_time = _hhmm(document.get("open"), "open", problems)
    close_time = _hhmm(document.get("close"), "close", problems)
    if open_time and close_time and open_time >= close_time:
        problems.append("close: must be after open")
    queues = _queues(document.get("queues"), problems)
    green = _share(document.get("green_share", 0.0), "green_share", problems)
    no_show = _share(document.get("no_show", 0.0), "no_show", problems)
    demand = Demand(open_time, close_time, queues, green, no_show)
    if config is not None:
        problems += demand_problems(demand, config)
    if problems:
        raise DemandError(problems)
    return demand


def demand_problems(demand: Demand, config: HallConfig) -> list[str]:
    """What in `demand` the hall `config` cannot take: unknown queues, queues without a service."""
    problems: list[str] = []
    for queue in demand.queues:
        if config.queue(queue) is None:
            problems.append(f"queues.{queue}: the hall has no queue {queue!r}")
        elif not any(s.queue == queue for s in config.services):
            problems.append(f"queues.{queue}: no service of the hall starts in queue {queue!r}")
    return problems


def _hhmm(value: Any, where: str, problems: list[str]) -> str:
    if not isinstance(value, str) or not _HHMM.match(value):
        problems.append(f"{where}: must be HH:MM (00:00 to 23:59)")
        return ""
    return value


def _number(value: Any, where: str, problems: list[str], low: float, high: float) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or not low <= value <= high:
        problems.append(f"{where}: must be a number from {low:g} to {high:g}")
        return low
    return float(value)


def _share(value: Any, where: str, problems: list[str]) -> float:
    return _number(value, where, problems, 0.0, 1.0)


def _queues(value: Any, problems: list[str]) -> dict[str, QueueDemand]:
    if not isinstance(value, Mapping) or not value:
        problems.append("queues: must map at least one queue id to its demand")
        return {}
    queues: dict[str, QueueDemand] = {}
    for queue, item in value.items():
        where = f"queues.{queue}"
        if not isinstance(item, Mapping):
            problems.append(f"{where}: must be an object")
            continue
        problems += [f"{where}.{key}: unknown field" for key in item if key not in _QUEUE_FIELDS]
        rates = _rates(item.get("arrivals_per_hour"), f"{where}.arrivals_per_hour", problems)
        service = _service(item.get("service"), f"{where}.service", problems)
        queues[queue] = QueueDemand(rates, service)
    return queues


_QUEUE_FIELDS = ("arrivals_per_hour", "service")


def _rates(value: Any, where: str, problems: list[str]) -> tuple[float, ...]:
    """A flat rate, a list of 24 hourly rates, or a map "HH" -> rate (hours left out: 0)."""
    high = MAX_ARRIVALS_PER_HOUR
    if isinstance(value, list):
        if len(value) != HOURS:
            problems.append(f"{where}: a list must give {HOURS} hourly rates (hours 0-23)")
            return (0.0,) * HOURS
        return tuple(_number(v, f"{where}[{h}]", problems, 0.0, high) for h, v in enumerate(value))
    if isinstance(value, Mapping):
        rates = [0.0] * HOURS
        for hour, rate in value.items():
            if not isinstance(hour, str) or not _HH.match(hour):
                problems.append(f"{where}.{hour}: hours are two digits, 00 to 23")
                continue
            rates[int(hour)] = _number(rate, f"{where}.{hour}", problems, 0.0, high)
        return tuple(rates)
    rate = _number(value, where, problems, 0.0, high)
    return (rate,) * HOURS


def _service(value: Any, where: str, problems: list[str]) -> ServiceTime:
    if not isinstance(value, Mapping):
        problems.append(f"{where}: must be an object with dist and mean_minutes")
        return ServiceTime("exponential", 1.0)
    known = {"dist", "mean_minutes", "cv"}
    problems += [f"{where}.{key}: unknown field" for key in value if key not in known]
    dist = value.get("dist")
    if dist not in DISTRIBUTIONS:
        problems.append(f"{where}.dist: must be one of {', '.join(DISTRIBUTIONS)}")
        dist = "exponential"
    mean = _number(value.get("mean_minutes"), f"{where}.mean_minutes", problems, 0.01, 480.0)
    if dist == "lognormal":
        cv = _number(value.get("cv"), f"{where}.cv", problems, 0.01, 10.0)
    else:
        if "cv" in value:
            problems.append(f"{where}.cv: only a lognormal service takes cv (exponential: 1)")
        cv = 1.0
    return ServiceTime(str(dist), mean, cv)
