"""The hall's day in two figures, for the tablet's chart: how many wait and the expected wait of
a new ticket, one sample per minute, per queue and for the whole hall.

Feed it the figures as they are computed (`record`, e.g. with `samples_of(body)` of each
`metrics` body); read the day so far with `as_dict()`. A minute keeps the last figures recorded
in it, stamped with the minute's start. The series restart at midnight in the hall's time zone
(the service day), so memory is bounded: a series holds at most one point per minute of the day.
Pure: no clock reads, no I/O; times are epoch seconds handed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from metrics.clock import day_bounds, iso_utc

STEP_S = 60
HALL = "hall"
"""The series of the whole hall (the others are named by queue id)."""

Sample = tuple[int, int | None]
"""(waiting, eta_new_s) at one moment; eta_new_s is None where no estimate exists."""

_Point = tuple[int, int, int | None]  # (minute of the day, waiting, eta_new_s)


class DayHistory:
    """One hall's samples of the current service day."""

    def __init__(self, timezone: str, *, step_s: int = STEP_S) -> None:
        if step_s <= 0:
            raise ValueError(f"step_s must be > 0, not {step_s!r}")
        self.timezone = timezone
        self.step_s = step_s
        self.day = ""
        self._start = float("-inf")
        self._end = float("-inf")
        self._series: dict[str, list[_Point]] = {}

    def record(self, at: float, samples: Mapping[str, Sample]) -> float | None:
        """Take the figures at `at` (epoch seconds); the start of their minute (None when they
        are ignored). A later day starts the series afresh; samples from before the current
        day are ignored. A server stores each minute and records it again after a restart."""
        if at < self._start:
            return None
        if at >= self._end:
            self._new_day(at)
        slot = int((at - self._start) // self.step_s)
        for name, (waiting, eta) in samples.items():
            points = self._series.setdefault(name, [])
            if points and points[-1][0] == slot:
                points[-1] = (slot, waiting, eta)
            elif not points or points[-1][0] < slot:
                points.append((slot, waiting, eta))
        return self._start + slot * self.step_s

    def series(self, name: str) -> list[tuple[float, int, int | None]]:
        """(minute start in epoch seconds, waiting, eta_new_s) of one series, oldest first."""
        return [
            (self._start + slot * self.step_s, waiting, eta)
            for slot, waiting, eta in self._series.get(name, ())
        ]

    def as_dict(self) -> dict[str, Any]:
        """`{"day", "step_s", "series": {name: [[iso time, waiting, eta_new_s], ...]}}`."""
        return {
            "day": self.day,
            "step_s": self.step_s,
            "series": {
                name: [[iso_utc(at), waiting, eta] for at, waiting, eta in self.series(name)]
                for name in self._series
            },
        }

    def _new_day(self, at: float) -> None:
        self.day = datetime.fromtimestamp(at, ZoneInfo(self.timezone)).date().isoformat()
        self._start, self._end = day_bounds(self.timezone, self.day)
        self._series = {}


def samples_of(body: Mapping[str, Any]) -> dict[str, Sample]:
    """The samples in a `metrics` body: each queue's `waiting` and `eta_new_s`, and the hall's
    `waiting` with the longest expected wait of any queue (None when no queue has one)."""
    samples: dict[str, Sample] = {
        queue: (int(figures["waiting"]), _seconds(figures.get("eta_new_s")))
        for queue, figures in body.get("queues", {}).items()
    }
    etas = [eta for _, eta in samples.values() if eta is not None]
    hall = body.get("hall", {})
    waiting = hall.get("waiting", sum(waiting for waiting, _ in samples.values()))
    samples[HALL] = (int(waiting), max(etas) if etas else None)
    return samples


def _seconds(value: Any) -> int | None:
    return None if value is None else int(value)
