"""Benchmark: decide + apply per clerk and kiosk command, on a busy 60-window hall.

    python -m bench.bench_core [--runs N]

The hall is bench_estimate.py's (every window serving, 500 tickets waiting). Each figure is
the median over N repetitions of one command decided and its events applied, in microseconds.
A simulated ticket costs about one of each (plus a second call_next when a window frees up).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_estimate import busy_hall
from queueing import commands as cmd
from queueing.apply import apply
from queueing.decide import decide
from queueing.model import HallState
from queueing.simulate import service_for_queue


def _step(state: HallState, command: cmd.Command, now: datetime) -> HallState:
    for event in decide(state, command, now):
        state = apply(state, event)
    return state


def _median_us(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    serving, t = busy_hall()
    now = datetime.fromtimestamp(t + 30, UTC)
    window = next(iter(serving.windows))
    finished = _step(serving, cmd.Finish(window), now)
    called = _step(finished, cmd.CallNext(window), now)
    issue = cmd.IssueTicket(service_for_queue(serving.config, serving.config.queues[0].id))
    steps: list[tuple[str, HallState, cmd.Command]] = [
        ("issue_ticket", serving, issue),
        ("finish", serving, cmd.Finish(window)),
        ("call_next", finished, cmd.CallNext(window)),
        ("start", called, cmd.Start(window)),
        ("tick", serving, cmd.Tick()),
    ]
    print(f"decide + apply, {sum(serving.waiting_counts().values())} tickets waiting:")
    total = 0.0
    for name, state, command in steps:
        cost = _median_us(partial(_step, state, command, now), args.runs)
        total += cost if name != "tick" else 0.0
        print(f"  {name:<13} {cost:8.1f} us")
    print(f"  one ticket    {total:8.1f} us (issue, call_next, start, finish)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
