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
from datetime import UTC, datetime

from bench import bench_engine
from bench.bench_engine import Prepare
from hall.engine import Engine
from hall.storage import SqlStore
from hall.webhooks import Webhook, Webhooks, WebhookStore
from queueing.config import HallConfig

MODES = ("none", "no-webhook", "every-event")


def outbox_for(mode: str) -> Prepare:
    """The engine's outbox in `mode`: none, a writer with no webhook, a webhook taking all."""

    def prepare(engine: Engine, config: HallConfig) -> None:
        if mode == "none":
            return
        assert isinstance(engine.store, SqlStore)
        webhooks = Webhooks(WebhookStore(engine.store.engine), lambda: datetime.now(UTC))
        engine.outbox = webhooks.outbox
        if mode == "every-event":
            hook = Webhook(
                config.id, "all", "http://127.0.0.1:9/", ("*",), "x" * 16, datetime.now(UTC)
            )
            webhooks.store.put(hook)
            webhooks.subscriptions.replace(config.id, [hook])

    return prepare


async def run(url: str, mode: str, clients: int, commands: int) -> float:
    return await bench_engine.run(url, clients, commands, outbox_for(mode))


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
