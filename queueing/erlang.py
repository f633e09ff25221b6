"""Erlang C: waits in a queue with Poisson arrivals, exponential service and identical windows.

The M/M/c model: citizens arrive at `arrival_rate`, each window serves at `service_rate`, and
`windows` windows take the one line first come, first served. Rates are per any one time unit
(per hour, per second); waits come back in that same unit. The day simulator is checked against
these formulas, and the tablet uses `windows_needed` to say how many windows a target needs.
"""

from __future__ import annotations

import math


def _check(arrival_rate: float, service_rate: float, windows: int) -> None:
    if arrival_rate < 0 or not math.isfinite(arrival_rate):
        raise ValueError(f"arrival_rate must be a finite number >= 0, not {arrival_rate!r}")
    if service_rate <= 0 or not math.isfinite(service_rate):
        raise ValueError(f"service_rate must be a finite number > 0, not {service_rate!r}")
    if windows < 1:
        raise ValueError(f"windows must be at least 1, not {windows!r}")


def utilisation(arrival_rate: float, service_rate: float, windows: int) -> float:
    """The share of time each window is busy, λ / (c μ); 1 or more means the line grows."""
    _check(arrival_rate, service_rate, windows)
    return arrival_rate / (windows * service_rate)


def erlang_c(arrival_rate: float, service_rate: float, windows: int) -> float:
    """The probability that a citizen has to wait (all windows busy); 1.0 when overloaded."""
    _check(arrival_rate, service_rate, windows)
    load = arrival_rate / service_rate  # offered load in erlangs
    if load >= windows:
        return 1.0
    blocking = 1.0  # Erlang B by its stable recursion: B(0) = 1
    for k in range(1, windows + 1):
        blocking = load * blocking / (k + load * blocking)
    return windows * blocking / (windows - load * (1.0 - blocking))


def mean_wait(arrival_rate: float, service_rate: float, windows: int) -> float:
    """Mean wait before a window calls (time units of the rates); infinite when overloaded."""
    if arrival_rate == 0:
        _check(arrival_rate, service_rate, windows)
        return 0.0
    waiting = erlang_c(arrival_rate, service_rate, windows)
    spare = windows * service_rate - arrival_rate
    return waiting / spare if spare > 0 else math.inf


def wait_within(arrival_rate: float, service_rate: float, windows: int, target: float) -> float:
    """The share of citizens called within `target` (the service level); 0 when overloaded."""
    if target < 0:
        raise ValueError(f"target must be >= 0, not {target!r}")
    waiting = erlang_c(arrival_rate, service_rate, windows)
    spare = windows * service_rate - arrival_rate
    if spare <= 0:
        return 0.0
    return 1.0 - waiting * math.exp(-spare * target)


def windows_needed(
    arrival_rate: float,
    service_rate: float,
    target_wait: float,
    *,
    service_level: float | None = None,
    max_windows: int = 1000,
) -> int:
    """The fewest windows that meet a target.

    Without `service_level`: the mean wait is at most `target_wait`. With it (e.g. 0.8): at
    least that share of citizens is called within `target_wait`. Raises `ValueError` when
    `max_windows` windows are not enough.
    """
    if target_wait < 0:
        raise ValueError(f"target_wait must be >= 0, not {target_wait!r}")
    if service_level is not None and not 0 <= service_level < 1:
        raise ValueError(f"service_level must be in [0, 1), not {service_level!r}")
    _check(arrival_rate, service_rate, 1)
    if arrival_rate == 0:
        return 0
    for windows in range(max(1, math.floor(arrival_rate / service_rate)), max_windows + 1):
        if service_level is None:
            met = mean_wait(arrival_rate, service_rate, windows) <= target_wait
        else:
            met = wait_within(arrival_rate, service_rate, windows, target_wait) >= service_level
        if met:
            return windows
    raise ValueError(f"more than {max_windows} windows are needed")
