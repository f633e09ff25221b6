"""The engine: decides each hall's commands in order, commits, then replies and publishes.

One `HallRunner` per hall owns the hall's state. Commands queue up and are taken in batches
(group commit): each is decided against the state left by the one before, then the batch's events,
read models and replies are written in ONE transaction in a worker thread (the event loop never
waits on the database). Only after the commit are the replies sent and the events published. If
another process appended first (the unique key on (hall, seq) says so), the runner catches up from
the database and decides the whole batch again.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from displays.command_edge import log_command
from displays.interface import HallView, RenderResult
from hall.auth import new_token
from hall.bus.base import Bus, BusError, SubscriberLagged
from hall.storage.base import Batch, ConcurrencyConflict, EngineStore, IdempotentReply
from queueing import commands as cmd
from queueing.apply import apply
from queueing.config import HallConfig
from queueing.decide import decide
from queueing.errors import DomainError
from queueing.estimate import Estimate, estimate_waits
from queueing.events import HallConfigured
from queueing.model import HallState, initial_state
from queueing.stream import Actor, Reply, SequencedEvent

log = logging.getLogger("hall.engine")

REPLY_TTL = timedelta(hours=24)
RING_SIZE = 50_000
SNAPSHOT_EVERY = 1_000
BATCH_MAX = 256
SUBSCRIBER_QUEUE = 2_000
ESTIMATE_MAX_AGE = 1.0
SERVER = Actor("-", "server")
TIMER = Actor("timer", "server")


def utc_now() -> datetime:
    return datetime.now(UTC)


Accept = Callable[[SequencedEvent], bool]


class Monitor(Protocol):
    """Sees every committed event (local: committed by this process) and every reply."""

    def event(self, event: SequencedEvent, local: bool) -> None: ...

    def command(self, hall: str, name: str, outcome: str, seconds: float) -> None: ...


class _NoMonitor:
    def event(self, event: SequencedEvent, local: bool) -> None:
        pass

    def command(self, hall: str, name: str, outcome: str, seconds: float) -> None:
        pass


class UnknownHall(KeyError):
    """No hall with that id on this server."""


class _Subscription:
    """One subscriber's bounded queue. Overflow ends it: the subscriber gets every event queued
    before the overflow, in order and without a gap, then the end, and must resume from there."""

    def __init__(self, runner: HallRunner, audience: _Audience) -> None:
        self._runner = runner
        self._audience = audience
        self._capacity = runner.engine.subscriber_queue
        # one place more than the capacity, kept for the end marker
        self._queue: asyncio.Queue[SequencedEvent | None] = asyncio.Queue(self._capacity + 1)
        self.lagged = False

    def push(self, event: SequencedEvent) -> None:
        if self.lagged:
            return
        if self._queue.qsize() < self._capacity:
            self._queue.put_nowait(event)
            return
        self.lagged = True
        self._runner.engine.dropped_subscribers += 1
        self._runner.unsubscribe(self, self._audience)
        self._queue.put_nowait(None)

    def __aiter__(self) -> AsyncIterator[SequencedEvent]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[SequencedEvent]:
        while True:
            item = await self._queue.get()
            if item is None:
                return
            yield item

    def close(self) -> None:
        self._runner.unsubscribe(self, self._audience)
        if not self.lagged:
            self.lagged = True
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(None)


class _Audience:
    """Subscribers that receive the same events: `accept` runs once per event for all."""

    def __init__(self, key: Hashable, accept: Accept | None) -> None:
        self.key = key
        self.accept = accept
        self.members: set[_Subscription] = set()


@dataclass
class _Pending:
    command: cmd.Command
    scope: str
    key: str
    actor: Actor
    personal: Mapping[str, Mapping[str, str]]
    future: asyncio.Future[Reply]
    received: float = field(default_factory=time.perf_counter)


class HallRunner:
    """Owns one hall: its state, its recent events, its subscribers, its command queue."""

    def __init__(self, engine: Engine, hall: str, state: HallState, seq: int) -> None:
        self.engine = engine
        self.hall = hall
        self.state = state
        self.seq = seq
        self.recent: deque[SequencedEvent] = deque(maxlen=RING_SIZE)
        self.audiences: dict[Hashable, _Audience] = {}
        self.queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self.last_at = datetime.fromtimestamp(0, UTC)
        self.snapshot_seq = seq
        self._estimate: Estimate | None = None
        self._estimate_seq = -1
        self._estimate_clock = 0.0
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    # --- reading --------------------------------------------------------------------------

    def view(self) -> HallView:
        return HallView(self.state, self.seq, self.estimate())

    def estimate(self, fresh: bool = False) -> Estimate:
        clock = time.monotonic()
        stale = self._estimate_seq != self.seq and (
            fresh or clock - self._estimate_clock > ESTIMATE_MAX_AGE
        )
        if self._estimate is None or stale:
            self._estimate = estimate_waits(self.state, self.engine.clock().timestamp())
            self._estimate_seq, self._estimate_clock = self.seq, clock
        return self._estimate

    # --- writing --------------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"hall-runner-{self.hall}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        for audience in list(self.audiences.values()):
            for subscriber in list(audience.members):
                subscriber.close()

    async def _run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while not self.queue.empty() and len(batch) < BATCH_MAX:
                batch.append(self.queue.get_nowait())
            try:
                await self._process(batch)
            except Exception as error:  # the runner must survive a failed batch
                log.exception("hall=%s batch of %d failed", self.hall, len(batch))
                for item in batch:
                    if not item.future.done():
                        item.future.set_exception(error)

    async def _process(self, batch: list[_Pending]) -> None:
        async with self._lock:
            while True:
                outcome = await asyncio.to_thread(self._write_batch, batch)
                if outcome is not None:
                    break
                await self._catch_up()
            self._commit(outcome)
        for item, reply in zip(batch, outcome.replies, strict=True):
            if not item.future.done():
                item.future.set_result(reply)
            self._log(item, reply)
        if outcome.events:
            await self.engine.announce(self.hall, self.seq)
        if self.seq - self.snapshot_seq >= self.engine.snapshot_every:
            await asyncio.to_thread(
                self.engine.store.save_snapshot, self.hall, self.seq, self.state
            )
            self.snapshot_seq = self.seq

    def _write_batch(self, batch: list[_Pending]) -> _Outcome | None:
        """In a worker thread: look up earlier replies, decide, commit. None on a conflict.
        The state read here is immutable and changes only on the loop, under `_lock`."""
        since = self.engine.clock() - REPLY_TTL
        outcome = self._decide_batch(batch, self._known_replies(batch, since))
        try:
            self.engine.store.append(outcome.batch)
        except ConcurrencyConflict:
            return None
        return outcome

    def _known_replies(
        self, batch: list[_Pending], since: datetime
    ) -> dict[tuple[str, str], Reply]:
        keys = [(item.scope, item.key) for item in batch if item.scope]
        return self.engine.store.find_replies(keys, since)

    def _decide_batch(self, batch: list[_Pending], known: dict[tuple[str, str], Reply]) -> _Outcome:
        now = max(self.engine.clock(), self.last_at)
        state, seq = self.state, self.seq
        events: list[SequencedEvent] = []
        replies: list[Reply] = []
        remembered: list[IdempotentReply] = []
        personal: dict[str, Mapping[str, str]] = {}
        seen = dict(known)
        estimate = self.estimate()
        for item in batch:
            previous = seen.get((item.scope, item.key))
            if previous is not None:
                replies.append(previous)
                continue
            try:
                new = decide(state, item.command, now)
            except DomainError as error:
                reply = Reply.refused(error)
            else:
                for event in new:
                    state = apply(state, event)
                    seq += 1
                    events.append(SequencedEvent(self.hall, seq, now, event))
                reply = Reply(True, self.engine.render(item.command, new, state, estimate))
                personal.update(item.personal)
            replies.append(reply)
            seen[(item.scope, item.key)] = reply
            if item.scope:
                remembered.append(IdempotentReply(item.scope, item.key, reply, now))
        batch_record = Batch(self.hall, self.seq, events, remembered, personal)
        return _Outcome(batch_record, state, seq, now, events, replies)

    def _commit(self, outcome: _Outcome) -> None:
        self.state, self.seq, self.last_at = outcome.state, outcome.seq, outcome.now
        for event in outcome.events:
            self._publish(event, local=True)

    def _publish(self, event: SequencedEvent, *, local: bool) -> None:
        self.recent.append(event)
        for audience in list(self.audiences.values()):
            if audience.accept is None or audience.accept(event):
                for subscriber in list(audience.members):
                    subscriber.push(event)
        self.engine.monitor.event(event, local)

    async def catch_up(self) -> None:
        """Apply what other processes committed after our seq."""
        async with self._lock:
            await self._catch_up()

    async def _catch_up(self) -> None:
        newer = await asyncio.to_thread(self.engine.store.read_events, self.hall, self.seq)
        for stored in newer:
            if stored.seq != self.seq + 1:
                break
            self.state = apply(self.state, stored.event)
            self.seq = stored.seq
            self.last_at = max(self.last_at, stored.at)
            self._publish(stored, local=False)

    def _log(self, item: _Pending, reply: Reply) -> None:
        outcome = "ok" if reply.ok else str(reply.body.get("code"))
        seconds = time.perf_counter() - item.received
        self.engine.monitor.command(self.hall, item.command.name, outcome, seconds)
        log_command(self.hall, item.actor, item.command.name, reply, item.received)

    def subscribe(self, accept: Accept | None = None, group: Hashable = None) -> _Subscription:
        """Subscribers naming the same `group` share one `accept` (called once per event)."""
        key = group if group is not None else object()
        audience = self.audiences.get(key)
        if audience is None:
            audience = self.audiences[key] = _Audience(key, accept)
        subscription = _Subscription(self, audience)
        audience.members.add(subscription)
        return subscription

    def unsubscribe(self, subscription: _Subscription, audience: _Audience) -> None:
        audience.members.discard(subscription)
        if not audience.members and self.audiences.get(audience.key) is audience:
            del self.audiences[audience.key]

    async def events_after(self, seq: int) -> list[SequencedEvent] | None:
        if seq > self.seq or seq < 0:
            return None
        if seq == self.seq:
            return []
        if self.recent and self.recent[0].seq <= seq + 1:
            start = seq + 1 - self.recent[0].seq
            return list(self.recent)[start:]
        if self.seq - seq > 5 * RING_SIZE:
            return None
        return await asyncio.to_thread(
            self.engine.store.read_events, self.hall, seq, self.seq - seq
        )


@dataclass(frozen=True)
class _Outcome:
    batch: Batch
    state: HallState
    seq: int
    now: datetime
    events: list[SequencedEvent]
    replies: list[Reply]


class Engine:
    """All halls of this server process. Implements `displays.interface.HallService`."""

    def __init__(
        self,
        store: EngineStore,
        bus: Bus,
        *,
        render: RenderResult,
        clock: Callable[[], datetime] = utc_now,
        snapshot_every: int = SNAPSHOT_EVERY,
        subscriber_queue: int = SUBSCRIBER_QUEUE,
    ) -> None:
        self.store = store
        self.bus = bus
        self.render = render
        self.clock = clock
        self.snapshot_every = snapshot_every
        self.subscriber_queue = subscriber_queue
        self.process_id = uuid.uuid4().hex
        self.runners: dict[str, HallRunner] = {}
        self.dropped_subscribers = 0
        self.monitor: Monitor = _NoMonitor()
        self._listeners: dict[str, asyncio.Task[None]] = {}

    async def start(self) -> None:
        for hall in await asyncio.to_thread(self.store.hall_ids):
            await self._load(hall)

    async def stop(self) -> None:
        for task in self._listeners.values():
            task.cancel()
        await asyncio.gather(*self._listeners.values(), return_exceptions=True)
        for runner in self.runners.values():
            await runner.stop()

    async def _load(self, hall: str) -> HallRunner | None:
        loaded = await asyncio.to_thread(self.store.load_hall, hall)
        if loaded is None:
            return None
        runner = HallRunner(self, hall, loaded.state, loaded.seq)
        self.runners[hall] = runner
        runner.start()
        self._listeners[hall] = asyncio.create_task(self._listen(runner), name=f"bus-{hall}")
        return runner

    async def _listen(self, runner: HallRunner) -> None:
        """Catch up whenever another process says it committed to this hall. A broken bus is
        logged and subscribed again; the database stays the truth, so nothing is lost."""
        delay = 0.5
        while True:
            try:
                async with self.bus.subscribe(f"hall:{runner.hall}") as messages:
                    await runner.catch_up()
                    delay = 0.5
                    async for message in messages:
                        origin, _, seq = message.partition(":")
                        if origin != self.process_id and int(seq) > runner.seq:
                            await runner.catch_up()
            except (BusError, SubscriberLagged, ConnectionError) as error:
                log.warning("hall=%s bus listener failed (%s); retrying", runner.hall, error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def announce(self, hall: str, seq: int) -> None:
        try:
            await self.bus.publish(f"hall:{hall}", f"{self.process_id}:{seq}")
        except BusError as error:  # committed already; other processes catch up on next write
            log.warning("hall=%s bus publish failed: %s", hall, error)

    # --- HallService ----------------------------------------------------------------------

    def halls(self) -> list[str]:
        return sorted(self.runners)

    def runner(self, hall: str) -> HallRunner:
        try:
            return self.runners[hall]
        except KeyError:
            raise UnknownHall(hall) from None

    def view(self, hall: str) -> HallView:
        return self.runner(hall).view()

    async def submit(
        self,
        hall: str,
        command: cmd.Command,
        *,
        scope: str,
        key: str,
        actor: Actor | None = None,
        personal: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Reply:
        runner = self.runner(hall)
        command = _with_tokens(command)
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        pending = _Pending(command, scope, key, actor or SERVER, personal or {}, future)
        runner.queue.put_nowait(pending)
        return await future

    async def events_after(self, hall: str, seq: int) -> list[SequencedEvent] | None:
        return await self.runner(hall).events_after(seq)

    def subscribe(
        self, hall: str, accept: Accept | None = None, group: Hashable = None
    ) -> _Subscription:
        return self.runner(hall).subscribe(accept, group)

    # --- halls ----------------------------------------------------------------------------

    async def configure(self, config: HallConfig) -> tuple[bool, Reply]:
        """Create the hall, or update its configuration keeping its tickets. True if created."""
        if config.id in self.runners:
            if self.runners[config.id].state.config == config:
                return False, Reply(True, {"hall": config.id})
            reply = await self.submit(
                config.id, cmd.Configure(config), scope="admin", key=uuid.uuid4().hex
            )
            return False, reply
        now = self.clock()
        first = SequencedEvent(config.id, 1, now, HallConfigured(config))
        try:
            await asyncio.to_thread(self.store.append, Batch(config.id, 0, [first]))
        except ConcurrencyConflict:
            await self._load(config.id)
            return await self.configure(config)
        state = apply(initial_state(config), first.event)
        runner = HallRunner(self, config.id, state, 1)
        runner.recent.append(first)
        self.runners[config.id] = runner
        runner.start()
        self._listeners[config.id] = asyncio.create_task(self._listen(runner))
        return True, Reply(True, {"hall": config.id})

    async def tick(self) -> None:
        """Let time pass in every hall (expire ratings, missed appointments, stale tickets)."""
        for hall in self.halls():
            await self.submit(hall, cmd.Tick(), scope="", key=uuid.uuid4().hex, actor=TIMER)


def _with_tokens(command: cmd.Command) -> cmd.Command:
    """Give a new ticket its unguessable tracker token (the core makes no randomness)."""
    if isinstance(command, cmd.IssueTicket | cmd.CheckIn) and not command.track:
        return replace(command, track=new_token())
    return command
