"""The delivery worker of one server process: claims due outbox rows, POSTs them signed, logs
each attempt and retries failures with exponential backoff.

It runs beside the hall, never in its way: a commit only wakes it (`wake`), each delivery runs
in a task of its own with a deadline, and one webhook's slow receiver holds up no other webhook
(only its own next rows: order per webhook). With nothing to wake it, it polls every
`poll_s` seconds (rows committed by a process that died before delivering them, retries due).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from hall.webhooks.client import Answer, post
from hall.webhooks.outbox import delivery_id
from hall.webhooks.signing import HEADER, signature
from hall.webhooks.store import Attempt, Claimed, WebhookStore

log = logging.getLogger("hall.webhooks")


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    timeout_s: float = 10.0
    """The longest one attempt may take (connecting, sending, the status line)."""
    retry_first_s: float = 1.0
    retry_max_s: float = 300.0
    """Backoff after a failure: `retry_first_s`, doubling, at most `retry_max_s`."""
    poll_s: float = 5.0
    """How often the worker looks for due rows when nothing woke it."""
    in_flight: int = 32
    """Deliveries at the same time, at most (each to another webhook)."""
    keep_attempts: int = 200
    """Attempts kept in the log per webhook."""
    prune_s: float = 60.0

    @property
    def lease_s(self) -> float:
        """How long a claim holds its row: longer than any attempt, so that no other process
        takes it while this one may still be sending; after a crash, the row is free again."""
        return 2 * self.timeout_s + 5.0

    def retry_after(self, attempts: int) -> float:
        """Seconds before the next attempt, after `attempts` failed ones (1, 2, ...)."""
        return float(min(self.retry_first_s * 2 ** min(attempts - 1, 30), self.retry_max_s))


class DeliveryMonitor:
    """What the worker reports (Prometheus, set by the server)."""

    def attempt(self, hall: str, delivered: bool, seconds: float) -> None:
        pass

    def backlog(self, rows: int) -> None:
        pass


class DeliveryWorker:
    """Delivers the outbox of every hall in the database, from this process."""

    def __init__(
        self,
        store: WebhookStore,
        clock: Callable[[], datetime],
        settings: DeliverySettings,
        monitor: DeliveryMonitor | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.monitor = monitor or DeliveryMonitor()
        self._wake = asyncio.Event()
        self._flights: dict[asyncio.Task[None], Claimed] = {}
        self._pruned = self._counted = -math.inf

    def wake(self) -> None:
        """Look for due rows now (after a commit that wrote some)."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            self._wake.clear()
            wait = await self._round()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    async def stop(self) -> None:
        """Cancel the deliveries under way and give their rows back (due again at once)."""
        flights = dict(self._flights)
        for task in flights:
            task.cancel()
        await asyncio.gather(*flights, return_exceptions=True)
        try:
            await asyncio.to_thread(self.store.release, [c.lease for c in flights.values()])
        except Exception as error:  # the leases expire by themselves
            log.warning("could not release %d webhook leases: %s", len(flights), error)

    async def _round(self) -> float:
        """Claim and start what is due; the seconds until the next look."""
        free = self.settings.in_flight - len(self._flights)
        now = self.clock()
        until = now + timedelta(seconds=self.settings.lease_s)
        try:
            claims = await asyncio.to_thread(self.store.claim, now, until, free)
            await self._housekeeping()
        except Exception as error:  # the database may be away: look again later
            log.warning("webhook outbox: claiming failed: %s", error)
            return self.settings.poll_s
        for claimed in claims.rows:
            task = asyncio.create_task(self._deliver(claimed), name=f"webhook-{claimed.webhook}")
            self._flights[task] = claimed
            task.add_done_callback(self._landed)
        if claims.due is None:
            return self.settings.poll_s
        return min(max((claims.due - self.clock()).total_seconds(), 0.0), self.settings.poll_s)

    def _landed(self, task: asyncio.Task[None]) -> None:
        self._flights.pop(task, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("webhook delivery failed", exc_info=task.exception())
        self.wake()  # the webhook's next row may be due now

    async def _deliver(self, claimed: Claimed) -> None:
        body = claimed.body.encode("utf-8")
        headers = {
            HEADER: signature(claimed.secret, body),
            "X-Hall-Delivery": delivery_id(claimed.hall, claimed.seq, claimed.webhook),
        }
        started, at = time.perf_counter(), self.clock()
        answer = await post(claimed.url, body, headers, self.settings.timeout_s)
        seconds = time.perf_counter() - started
        attempt = _attempt(claimed, at, answer, seconds)
        self.monitor.attempt(claimed.hall, answer.ok, seconds)
        try:
            await asyncio.to_thread(self._record, claimed, attempt)
        except Exception as error:  # the lease expires: delivered again (at least once)
            log.warning(
                "hall=%s webhook=%s seq=%d: could not record the attempt: %s",
                claimed.hall,
                claimed.webhook,
                claimed.seq,
                error,
            )

    def _record(self, claimed: Claimed, attempt: Attempt) -> None:
        if attempt.delivered:
            self.store.delivered(claimed, attempt)
            return
        delay = self.settings.retry_after(attempt.attempt)
        self.store.failed(claimed, attempt, attempt.at + timedelta(seconds=delay))
        log.info(
            "hall=%s webhook=%s seq=%d attempt %d failed (%s); again in %.1f s",
            claimed.hall,
            claimed.webhook,
            claimed.seq,
            attempt.attempt,
            attempt.error or attempt.status,
            delay,
        )

    async def _housekeeping(self) -> None:
        """Every `poll_s`, count the backlog; every `prune_s`, prune the log."""
        clock = time.monotonic()
        if clock - self._counted >= self.settings.poll_s:
            self._counted = clock
            self.monitor.backlog(await asyncio.to_thread(self.store.backlog_total))
        if clock - self._pruned >= self.settings.prune_s:
            self._pruned = clock
            await asyncio.to_thread(self.store.prune_attempts, self.settings.keep_attempts)


def _attempt(claimed: Claimed, at: datetime, answer: Answer, seconds: float) -> Attempt:
    error = (
        answer.error if answer.status is None else ("" if answer.ok else f"HTTP {answer.status}")
    )
    return Attempt(
        claimed.hall,
        claimed.webhook,
        claimed.seq,
        claimed.event,
        claimed.attempts + 1,
        at,
        answer.status,
        error,
        seconds * 1000,
        answer.ok,
    )


def settings_from_env(environ: Mapping[str, str]) -> DeliverySettings:
    """`HALL_WEBHOOK_TIMEOUT_S` (seconds per attempt), `HALL_WEBHOOK_RETRY_S` (`<first>/<max>`
    seconds of backoff) and `HALL_WEBHOOK_POLL_S`, where set; `ValueError` naming a bad one."""
    settings = DeliverySettings()
    timeout = _seconds(environ, "HALL_WEBHOOK_TIMEOUT_S", settings.timeout_s)
    poll = _seconds(environ, "HALL_WEBHOOK_POLL_S", settings.poll_s)
    retry = environ.get("HALL_WEBHOOK_RETRY_S", "").strip()
    first, most = settings.retry_first_s, settings.retry_max_s
    if retry:
        try:
            first, most = (float(part) for part in retry.split("/"))
        except ValueError:
            message = f"HALL_WEBHOOK_RETRY_S must be '<first>/<max>' seconds: {retry!r}"
            raise ValueError(message) from None
        if not 0 < first <= most <= 86_400:
            raise ValueError(f"HALL_WEBHOOK_RETRY_S: need 0 < first <= max <= 86400: {retry!r}")
    return replace(settings, timeout_s=timeout, poll_s=poll, retry_first_s=first, retry_max_s=most)


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3_600:
        raise ValueError(f"{name} must be a number of seconds from 0 to 3600: {text!r}")
    return seconds
