"""Benchmark: one whole day of a 60-window hall with about 5,000 tickets, through decide/apply.

    python -m bench.bench_simulate [--runs N]

Prints the median and the fastest of N runs (wall clock) of a busy day (windows about 90% busy,
queues at the peaks) and an ordinary one (about 75%), each without and with the expected-wait
sampling `hall simulate` does (at most 200 estimates a day). The quality bar
(docs/architecture.md): under 1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.big_hall import WINDOWS, big_demand, big_hall
from queueing.simulate import SimulationResult, simulate

BAR_SECONDS = 1.0


def _timed(eta_samples: int, seed: int, scale: float = 1.0) -> tuple[float, SimulationResult]:
    config, demand = big_hall(), big_demand(scale)
    started = time.perf_counter()
    result = simulate(config, demand, random.Random(seed), eta_samples_per_day=eta_samples)
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    _timed(0, 0)  # warm up imports and caches
    cases = (
        ("busy day, no eta sampling", 0, 1.0),
        ("busy day, as hall simulate", 200, 1.0),
        ("ordinary day, no eta sampling", 0, 0.8),
        ("ordinary day, as hall simulate", 200, 0.8),
    )
    for label, samples, scale in cases:
        times, result = [], None
        for run in range(args.runs):
            seconds, result = _timed(samples, seed=run, scale=scale)
            times.append(seconds)
        assert result is not None
        tickets = sum(q.tickets for q in result.queues.values())
        median = statistics.median(times)
        verdict = "meets" if median < BAR_SECONDS else "MISSES"
        print(
            f"{label:<34} {WINDOWS} windows, ~{tickets} tickets: median {median:.3f} s, "
            f"fastest {min(times):.3f} s over {args.runs} runs "
            f"({verdict} the {BAR_SECONDS:g} s bar)"
        )
        mean_wait = result.mean_wait_s or 0.0
        busy = sum(w.utilisation for w in result.windows.values()) / len(result.windows)
        print(
            f"{'':<34} mean wait {mean_wait:.0f} s, windows {busy:.0%} busy, "
            f"eta samples {result.eta_samples}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
