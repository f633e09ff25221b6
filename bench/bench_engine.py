"""Durable commands per second through the engine (decide, one transaction per batch, reply).

    python bench/bench_engine.py [--database URL] [--clients 64] [--commands 40]

Every command is acknowledged only after its transaction committed, as over the wire; this
measures the engine and storage without the websocket layer (see bench_realtime.py for that).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from displays.results import render_result
from hall.bus import open_bus
from hall.engine import Engine
from hall.storage import open_store
from queueing import commands as cmd
from queueing.config import HallConfig, parse_config
from tests.support.server import small_hall

Prepare = Callable[[Engine, HallConfig], None]
"""Sets the engine up further once its hall is configured (`bench_webhooks` adds an outbox)."""


def _as_is(engine: Engine, config: HallConfig) -> None:
    pass


async def run(url: str, clients: int, commands: int, prepare: Prepare = _as_is) -> float:
    store = open_store(url)
    store.upgrade()
    bus = open_bus("memory://")
    await bus.connect()
    engine = Engine(store, bus, render=render_result)
    await engine.start()
    config = parse_config(small_hall(f"b{uuid.uuid4().hex[:8]}", windows=10))
    await engine.configure(config)
    prepare(engine, config)

    async def client(number: int) -> None:
        for i in range(commands):
            reply = await engine.submit(
                config.id, cmd.IssueTicket("social"), scope=f"kiosk-{number}", key=str(i)
            )
            assert reply.ok

    started = time.perf_counter()
    await asyncio.gather(*(client(c) for c in range(clients)))
    rate = clients * commands / (time.perf_counter() - started)
    await engine.stop()
    await bus.disconnect()
    store.close()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--commands", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/bench.db"
        rates = [asyncio.run(run(url, args.clients, args.commands)) for _ in range(args.runs)]
    name = url.split("://")[0]
    print(
        f"engine {name}: {statistics.median(rates):.0f} durable commands/s (median of "
        f"{args.runs}; {args.clients} concurrent clients x {args.commands} issue_ticket)"
    )


if __name__ == "__main__":
    main()
