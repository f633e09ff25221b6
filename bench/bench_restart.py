"""How long a server restart takes to rebuild a hall with 100,000 events.

The quality bar: within 2 s. The engine saves a snapshot every `SNAPSHOT_EVERY` events, so a
restart decodes the newest snapshot and replays at most that many events; the figure without
any snapshot (a full replay) is printed too, for comparison.

    python -m bench.bench_restart                        # SQLite file in a temporary folder
    python -m bench.bench_restart --database postgresql://postgres@127.0.0.1:5432/bench

The stream is made by the real core: busy days of the 60-window hall in `bench/big_hall.py`
(tickets issued, called, served, finished and rated), written in batches like the engine's.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bench.big_hall import big_hall
from hall.engine import SNAPSHOT_EVERY
from hall.storage import SqlStore, open_store
from hall.storage import tables as t
from hall.storage.base import Batch
from queueing import commands as cmd
from queueing.apply import apply
from queueing.config import HallConfig
from queueing.decide import decide
from queueing.errors import DomainError
from queueing.events import HallConfigured
from queueing.model import CALLING, IDLE, SERVING_WINDOW, HallState, initial_state
from queueing.stream import SequencedEvent

HALL = "big"
BATCH_EVENTS = 200
TICK_SECONDS = 20


def stream(config: HallConfig, count: int, seed: int = 1) -> Iterator[list[SequencedEvent]]:
    """Batches of a busy hall's events, `count` in all, from seq 1 (its configuration)."""
    rng = random.Random(seed)
    zone = ZoneInfo(config.timezone)
    now = datetime(2026, 11, 23, 9, 0, tzinfo=zone)
    state: HallState = initial_state(config)
    seq = 0
    pending: list[SequencedEvent] = []
    busy_until: dict[str, datetime] = {}

    def run(command: cmd.Command) -> None:
        nonlocal state, seq
        try:
            events = decide(state, command, now)
        except DomainError:
            return
        for event in events:
            state = apply(state, event)
            seq += 1
            pending.append(SequencedEvent(config.id, seq, now, event))

    first = HallConfigured(config)
    state = apply(state, first)
    seq = 1
    pending.append(SequencedEvent(config.id, 1, now, first))
    for window in config.windows:
        run(cmd.SignIn(window.id, f"staff-{window.id}", f"Clerk {window.id}"))
    services = [s.id for s in config.services]
    while seq < count:
        now += timedelta(seconds=TICK_SECONDS)
        if now.hour >= 17:  # the next morning
            now = (now + timedelta(days=1)).replace(hour=9, minute=0)
            for window in config.windows:
                run(cmd.SignIn(window.id, f"staff-{window.id}", f"Clerk {window.id}"))
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            run(cmd.IssueTicket(rng.choice(services), track=f"t{seq}-{rng.random():.12f}"))
        for window in config.windows:
            _work(window.id, state, now, busy_until, rng, run)
        if len(pending) >= BATCH_EVENTS or seq >= count:
            yield pending
            pending = []
    if pending:
        yield pending


def _work(
    window: str,
    state: HallState,
    now: datetime,
    busy_until: dict[str, datetime],
    rng: random.Random,
    run: Callable[[cmd.Command], None],
) -> None:
    """One step of a clerk's routine: call when idle, start when called, finish when done."""
    status = state.windows[window].status
    if status == IDLE:
        run(cmd.CallNext(window))
    elif status == CALLING:
        run(cmd.Start(window))
        busy_until[window] = now + timedelta(minutes=rng.expovariate(1 / 5.0))
    elif status == SERVING_WINDOW and now >= busy_until.get(window, now):
        ticket = state.windows[window].ticket
        run(cmd.Finish(window))
        if ticket is not None and rng.random() < 0.4:
            run(cmd.Rate(ticket, rng.choice((5, 5, 5, 4, 3, 2, 1))))


def fill(store: SqlStore, config: HallConfig, count: int) -> tuple[int, float]:
    """Write the stream with a snapshot every SNAPSHOT_EVERY events; (events, seconds)."""
    state, seq, snapshot_seq = initial_state(config), 0, 0
    started = time.perf_counter()
    for events in stream(config, count):
        store.append(Batch(config.id, seq, events))
        for stored in events:
            state = apply(state, stored.event)
        seq = events[-1].seq
        if seq - snapshot_seq >= SNAPSHOT_EVERY:
            store.save_snapshot(config.id, seq, state)
            snapshot_seq = seq
    return seq, time.perf_counter() - started


def time_load(store: SqlStore, repeats: int) -> tuple[float, int]:
    """The median seconds of `load_hall`, and the seq it reached."""
    timings, seq = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        loaded = store.load_hall(HALL)
        timings.append(time.perf_counter() - started)
        assert loaded is not None
        seq = loaded.seq
    return statistics.median(timings), seq


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="database URL (default: an SQLite file in /tmp)")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'bench.db'}"
        store = open_store(url)
        try:
            store.upgrade()
            _run(store, args.events, args.repeats)
        finally:
            store.close()


def _run(store: SqlStore, count: int, repeats: int) -> None:
    if HALL in store.hall_ids():
        raise SystemExit(f"hall {HALL!r} exists in {store.url}: use an empty database")
    config = big_hall()
    written, seconds = fill(store, config, count)
    print(f"database: {store.dialect}; {written} events written in {seconds:.1f} s")
    with_snapshot, seq = time_load(store, repeats)
    with store.engine.connect() as conn:
        snapshot_seq = conn.scalar(sa.select(sa.func.max(t.snapshots.c.seq)))
    print(
        f"restart with a snapshot at seq {snapshot_seq} (+{seq - int(snapshot_seq or 0)} "
        f"events): {with_snapshot * 1000:.0f} ms"
    )
    with store.engine.begin() as conn:
        conn.execute(sa.delete(t.snapshots).where(t.snapshots.c.hall == HALL))
    without, seq = time_load(store, 1)
    print(f"restart without a snapshot (replay all {seq} events): {without * 1000:.0f} ms")
    verdict = "meets" if with_snapshot < 2.0 else "MISSES"
    print(f"{verdict} the 2 s restart bar")


if __name__ == "__main__":
    main()
