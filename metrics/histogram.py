"""A binned histogram of durations: exact count, sum and mean; percentiles to a known precision.

Samples (seconds) fall into bins 1 s wide below 64 s and 1/32 of an octave wide above (each
bin spans at most 3.1 % of its values). A bin keeps the count and the sum of its samples, and a
percentile reports the mean of the samples in the bin that holds the nearest-rank sample. So a
percentile is exact when no two different samples share a bin, and otherwise off by less than
the bin's width: under 1 s below 64 s, under 3.1 % above. Adding and removing a sample is O(1);
a percentile walks the occupied bins (a few hundred at the most, whatever the number of samples).
"""

from __future__ import annotations

import math

_LINEAR = 64
_SUBBINS = 32
_FIRST_OCTAVE = 7  # frexp exponent of 64: 64 = 0.5 * 2**7


def bin_of(seconds: float) -> int:
    """The bin a duration falls into (negative durations count as 0)."""
    if seconds < _LINEAR:
        return max(0, int(seconds))
    mantissa, exponent = math.frexp(seconds)
    sub = int((mantissa * 2.0 - 1.0) * _SUBBINS)
    return _LINEAR + (exponent - _FIRST_OCTAVE) * _SUBBINS + sub


class Histogram:
    """Counts of durations by bin, with an extra count of samples flagged (e.g. within target)."""

    __slots__ = ("bins", "count", "flagged", "total")

    def __init__(self) -> None:
        self.bins: dict[int, list[float]] = {}  # bin -> [count, sum]
        self.count = 0
        self.flagged = 0
        self.total = 0.0

    def add(self, bin_: int, seconds: float, flagged: bool = False) -> None:
        entry = self.bins.get(bin_)
        if entry is None:
            self.bins[bin_] = [1.0, seconds]
        else:
            entry[0] += 1.0
            entry[1] += seconds
        self.count += 1
        self.flagged += flagged
        self.total += seconds

    def discard(self, bin_: int, seconds: float, flagged: bool = False) -> None:
        """Take away a sample added before."""
        entry = self.bins[bin_]
        if entry[0] <= 1.0:
            del self.bins[bin_]
        else:
            entry[0] -= 1.0
            entry[1] -= seconds
        self.count -= 1
        self.flagged -= flagged
        self.total = self.total - seconds if self.count else 0.0

    def mean(self) -> float | None:
        return self.total / self.count if self.count else None

    def share_flagged(self) -> float | None:
        return self.flagged / self.count if self.count else None

    def percentiles(self, *shares: float) -> list[float | None]:
        """Nearest-rank percentiles (`shares` in (0, 1], ascending): the smallest sample with at
        least that share of the samples at or below it, to the precision of its bin."""
        if not self.count:
            return [None] * len(shares)
        ranks: list[float] = [max(1, math.ceil(share * self.count - 1e-9)) for share in shares]
        ranks.append(math.inf)  # a sentinel: the walk ends before reaching it
        found: list[float | None] = []
        wanted = ranks[0]
        seen = 0.0
        bins = self.bins
        for bin_ in sorted(bins):
            count, total = bins[bin_]
            seen += count
            while seen >= wanted:
                found.append(total / count)
                wanted = ranks[len(found)]
            if wanted == math.inf:
                break
        return found
