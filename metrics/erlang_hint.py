"""How many windows a queue needs now, by Erlang C (`queueing.erlang`), as a hint for managers.

Arrivals are the queue's tickets issued over the last hour; the service rate is the inverse of
its mean service time. The hint is the fewest windows that would call `TARGET_SHARE` of the
citizens within the hall's service target if they served this queue alone. Halls share windows
between queues and arrivals are not steady, so it is a hint, not a plan.
"""

from __future__ import annotations

from queueing import erlang

TARGET_SHARE = 0.8
MAX_WINDOWS = 1000


def windows_needed(arrivals_per_hour: int, mean_service_s: float, target_s: float) -> int | None:
    """The fewest windows for the target, 0 with no arrivals, None when no number would do."""
    if mean_service_s <= 0:
        return None
    try:
        return erlang.windows_needed(
            arrivals_per_hour / 3600.0,
            1.0 / mean_service_s,
            target_s,
            service_level=TARGET_SHARE,
            max_windows=MAX_WINDOWS,
        )
    except ValueError:
        return None


def windows_short(needed: int | None, open_now: int, waiting: int) -> int:
    """How many more windows a queue needs than it has open now: none while nobody waits in
    it; else the hint `needed` (at least one window for the people waiting: a ticket moved
    into a queue is no arrival there; an unknown hint counts as that one) minus `open_now`."""
    if waiting <= 0:
        return 0
    return max(0, max(needed or 0, 1) - open_now)
