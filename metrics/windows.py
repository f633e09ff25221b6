"""Rolling "last hour" windows made of per-minute buckets.

A sample lands in the bucket of its epoch minute. The window holds the `span` most recent clock
minutes, the current one included: between `span - 1` and `span` minutes of history. Each sample
is added once and taken away once when its minute leaves the window, so keeping the window is
O(1) amortised per sample; reading it costs nothing extra. Samples whose time runs behind the
newest bucket (a clock a little behind another server's) go into the newest bucket.
"""

from __future__ import annotations

from collections import deque

from metrics.histogram import Histogram

HOUR_MINUTES = 60


def minute_of(t: float) -> int:
    return int(t // 60.0)


class RollingHistogram:
    """A `Histogram` of the samples of the last `span` minutes."""

    __slots__ = ("_buckets", "span", "total")

    def __init__(self, span: int = HOUR_MINUTES) -> None:
        self.span = span
        self.total = Histogram()
        self._buckets: deque[tuple[int, list[tuple[int, float, bool]]]] = deque()

    def add(self, minute: int, bin_: int, seconds: float, flagged: bool = False) -> None:
        buckets = self._buckets
        if buckets and buckets[0][0] <= minute - self.span:
            self._expire(minute)
        if not buckets or buckets[-1][0] < minute:
            buckets.append((minute, []))
        buckets[-1][1].append((bin_, seconds, flagged))
        self.total.add(bin_, seconds, flagged)

    def at(self, minute: int) -> Histogram:
        """The samples of the window ending with `minute`."""
        self._expire(minute)
        return self.total

    def _expire(self, minute: int) -> None:
        buckets, total = self._buckets, self.total
        oldest = minute - self.span
        while buckets and buckets[0][0] <= oldest:
            for bin_, seconds, flagged in buckets.popleft()[1]:
                total.discard(bin_, seconds, flagged)


class RollingCount:
    """How many things happened in the last `span` minutes."""

    __slots__ = ("_buckets", "span", "total")

    def __init__(self, span: int = HOUR_MINUTES) -> None:
        self.span = span
        self.total = 0
        self._buckets: deque[list[int]] = deque()  # [minute, count]

    def add(self, minute: int) -> None:
        self._expire(minute)
        buckets = self._buckets
        if buckets and buckets[-1][0] >= minute:
            buckets[-1][1] += 1
        else:
            buckets.append([minute, 1])
        self.total += 1

    def at(self, minute: int) -> int:
        self._expire(minute)
        return self.total

    def _expire(self, minute: int) -> None:
        buckets = self._buckets
        oldest = minute - self.span
        while buckets and buckets[0][0] <= oldest:
            self.total -= buckets.popleft()[1]
