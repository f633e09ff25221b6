"""`Webhooks`: what the server runs for outbound webhooks. It keeps each hall's webhooks in
memory for the engine's outbox writer, changes them for the API (other processes hear of it on
the bus and reload), and runs this process's delivery worker."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge

from hall.webhooks.config import UnknownWebhook, Webhook, check_id, parse_webhook
from hall.webhooks.outbox import OutboxWriter, Subscriptions
from hall.webhooks.store import Attempt, WebhookStore
from hall.webhooks.worker import DeliveryMonitor, DeliverySettings, DeliveryWorker

RECENT_ATTEMPTS = 50


class Webhooks:
    """The webhooks of every hall in one database, from one server process."""

    def __init__(
        self,
        store: WebhookStore,
        clock: Callable[[], datetime],
        settings: DeliverySettings | None = None,
        monitor: DeliveryMonitor | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.subscriptions = Subscriptions()
        self.worker = DeliveryWorker(store, clock, settings or DeliverySettings(), monitor)
        self.outbox = OutboxWriter(self.subscriptions, self.worker.wake)
        """The engine's `Outbox`."""
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.reload_all()
        self._task = asyncio.create_task(self.worker.run(), name="webhook-worker")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.worker.stop()

    async def reload_all(self) -> None:
        """Every hall's webhooks from the database (at start, and after a gap in the bus)."""
        self.subscriptions.replace_all(await asyncio.to_thread(self.store.webhooks))

    async def reload(self, hall: str) -> None:
        """The hall's webhooks from the database (another process changed them)."""
        self.subscriptions.replace(hall, await asyncio.to_thread(self.store.webhooks, hall))

    # --- the API ----------------------------------------------------------------------------

    async def put(
        self, hall: str, webhook_id: str, body: Mapping[str, Any]
    ) -> tuple[bool, Webhook]:
        """Create or replace a webhook; True if it is new. Events committed from now on that it
        takes are delivered to it (by this process at once, by others once they heard)."""
        webhook = parse_webhook(hall, webhook_id, body, self.clock())
        created = await asyncio.to_thread(self.store.put, webhook)
        await self.reload(hall)
        return created, webhook

    def listed(self, hall: str) -> list[Webhook]:
        return list(self.subscriptions.of(hall))

    def get(self, hall: str, webhook_id: str) -> Webhook:
        for webhook in self.subscriptions.of(hall):
            if webhook.id == check_id(webhook_id):
                return webhook
        raise UnknownWebhook(f"no webhook {webhook_id!r} in hall {hall!r}")

    async def delete(self, hall: str, webhook_id: str) -> None:
        """Forget a webhook with its undelivered rows and its log."""
        if not await asyncio.to_thread(self.store.delete, hall, check_id(webhook_id)):
            raise UnknownWebhook(f"no webhook {webhook_id!r} in hall {hall!r}")
        await self.reload(hall)

    async def recent(self, hall: str, webhook_id: str) -> tuple[list[Attempt], int]:
        """The webhook's latest attempts (newest first) and its undelivered rows."""
        webhook = self.get(hall, webhook_id)
        attempts = await asyncio.to_thread(self.store.attempts, hall, webhook.id, RECENT_ATTEMPTS)
        return attempts, await asyncio.to_thread(self.store.backlog, hall, webhook.id)


class PrometheusDeliveries(DeliveryMonitor):
    """`hall_webhook_attempts_total{hall,outcome}`, `hall_webhook_attempt_seconds` and
    `hall_webhook_backlog` (rows not delivered yet, all halls, as this process last saw them)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.attempts = Counter(
            "hall_webhook_attempts",
            "Webhook delivery attempts by this process (outcome: delivered or failed)",
            ["hall", "outcome"],
            registry=registry,
        )
        self.seconds = Counter(
            "hall_webhook_attempt_seconds",
            "Seconds spent in webhook delivery attempts by this process",
            ["hall"],
            registry=registry,
        )
        self.rows = Gauge(
            "hall_webhook_backlog",
            "Webhook outbox rows not delivered yet (every hall of the database)",
            registry=registry,
            multiprocess_mode="max",
        )

    def attempt(self, hall: str, delivered: bool, seconds: float) -> None:
        self.attempts.labels(hall, "delivered" if delivered else "failed").inc()
        self.seconds.labels(hall).inc(seconds)

    def backlog(self, rows: int) -> None:
        self.rows.set(rows)
