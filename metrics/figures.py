"""The running figures of one subject (a queue, a service, a window, a clerk, the hall).

Waits and service times go into a day histogram and (for the hall, queues and services) a
last-hour window; counters are for the day. `figures(minute)` turns them into the JSON-ready
fields every subject shares (see docs/metrics.md for each definition): seconds as whole
numbers, rates as fractions in [0, 1], `None` where nothing was measured yet.
"""

from __future__ import annotations

from typing import Any

from metrics.histogram import Histogram
from metrics.windows import RollingHistogram

GOOD_SCORE = 4
"""Ratings at or above this (满意, 非常满意) are good ratings."""


def seconds(value: float | None) -> int | None:
    return None if value is None else round(value)


def rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


class Stats:
    __slots__ = (
        "called",
        "cancelled",
        "good_ratings",
        "issued",
        "no_shows",
        "ratings",
        "recalled",
        "served",
        "services_day",
        "services_hour",
        "transferred",
        "waits_day",
        "waits_hour",
    )

    def __init__(self, hourly: bool = True) -> None:
        """`hourly=False`: day figures only (windows and clerks, which see few events a minute:
        a last-hour window would cost a bucket per sample)."""
        self.waits_hour = RollingHistogram() if hourly else None
        self.services_hour = RollingHistogram() if hourly else None
        self.new_day()

    def new_day(self) -> None:
        """Day figures restart; the last-hour windows carry on across midnight."""
        self.waits_day = Histogram()
        self.services_day = Histogram()
        self.issued = 0
        self.called = 0
        self.served = 0
        self.no_shows = 0
        self.recalled = 0
        self.cancelled = 0
        self.transferred = 0
        self.ratings = 0
        self.good_ratings = 0

    def record_wait(self, minute: int, bin_: int, wait: float, within_target: bool) -> None:
        self.called += 1
        if self.waits_hour is not None:
            self.waits_hour.add(minute, bin_, wait, within_target)
        self.waits_day.add(bin_, wait, within_target)

    def record_service(self, minute: int, bin_: int, service: float) -> None:
        self.served += 1
        if self.services_hour is not None:
            self.services_hour.add(minute, bin_, service)
        self.services_day.add(bin_, service)

    def record_rating(self, score: int) -> None:
        self.ratings += 1
        self.good_ratings += score >= GOOD_SCORE

    def figures(self, minute: int) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if self.waits_hour is not None and self.services_hour is not None:
            waits, services = self.waits_hour.at(minute), self.services_hour.at(minute)
            fields.update(_durations("", "wait", waits))
            fields["service_level"] = rate(waits.flagged, waits.count)
            fields.update(_durations("", "service", services))
        fields.update(_durations("day_", "wait", self.waits_day))
        fields["day_service_level"] = rate(self.waits_day.flagged, self.waits_day.count)
        fields.update(_durations("day_", "service", self.services_day))
        return {
            **fields,
            "issued": self.issued,
            "called": self.called,
            "served": self.served,
            "no_shows": self.no_shows,
            "recalled": self.recalled,
            "cancelled": self.cancelled,
            "transferred": self.transferred,
            "no_show_rate": rate(self.no_shows, self.called),
            "recall_rate": rate(self.recalled, self.called),
            "ratings": self.ratings,
            "good_rate": rate(self.good_ratings, self.ratings),
            "active_rate": rate(self.ratings, self.served),
        }


def _durations(prefix: str, what: str, histogram: Histogram) -> dict[str, int | None]:
    p50, p90 = histogram.percentiles(0.5, 0.9)
    return {
        f"{prefix}avg_{what}_s": seconds(histogram.mean()),
        f"{prefix}p50_{what}_s": seconds(p50),
        f"{prefix}p90_{what}_s": seconds(p90),
    }
