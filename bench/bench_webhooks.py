"""What webhooks cost the command path: durable commands per second through the engine (as
`bench_engine.py`) with no outbox writer at all, with the webhooks' writer but no webhook in the
hall, and with a webhook taking every event (an outbox row per event, written in the batch's
transaction; the delivery worker is not running, so only the command path is measured).

    python -m bench.bench_webhooks [--database URL] [--clients 64] [--commands 40] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime

from displays.results import render_result
from hall.bus import open_bus
from hall.engine import Engine
from hall.storage import open_store
from hall.webhooks import Webhook, Webhooks, WebhookStore
from queueing import commands as cmd
from queueing.config import parse_config
from tests.support.server import small_hall

MODES = ("none", "no-webhook", "every-event")


async def run(url: str, mode: str, clients: int, commands: int) -> float:
    store = open_store(url)
    store.upgrade()
    bus = open_bus("memory://")
    await bus.connect()
    engine = Engine(store, bus, render=render_result)
    await engine.start()
    config = parse_config(small_hall(f"b{uuid.uuid4().hex[:8]}", windows=10))
    await engine.configure(config)
    if mode != "none":
        webhooks = Webhooks(WebhookStore(store.engine), lambda: datetime.now(UTC))
        engine.outbox = webhooks.outbox
        if mode == "every-event":
            hook = Webhook(
                config.id, "all", "http://127.0.0.1:9/", ("*",), "x" * 16, datetime.now(UTC)
            )
            webhooks.store.put(hook)
            webhooks.subscriptions.replace(config.id, [hook])

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
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/bench.db"
        rates: dict[str, list[float]] = {mode: [] for mode in MODES}
        for _ in range(args.runs):  # interleaved: a busy machine weighs on every mode alike
            for mode in MODES:
                rates[mode].append(asyncio.run(run(url, mode, args.clients, args.commands)))
    name = url.split("://")[0]
    for mode in MODES:
        print(
            f"webhooks {name} {mode:>11}: {statistics.median(rates[mode]):.0f} durable "
            f"commands/s (median of {args.runs}; {args.clients} clients x {args.commands})"
        )


if __name__ == "__main__":
    main()
