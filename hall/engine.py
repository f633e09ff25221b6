"""The engine: decides each hall's commands in order, commits, then replies and publishes.

One `HallRunner` per hall owns the hall's state. Commands queue up and are taken in batches
(group commit): each is decided against the state left by the one before, then the batch's events,
read models and replies are written in ONE transaction in a worker thread (the event loop never
waits on the database). Only after the commit are the replies sent and the events published. If
another process appended first (the unique key on (hall, seq) says so), the runner catches up from
the database and decides the whole batch again.

Every command gets exactly one reply. When a batch's transaction fails for another reason, its
halves are committed apart, down to the command that cannot be stored, which alone gets
`internal_error`. While the database cannot be reached, commands get `unavailable`: no command
waits longer than `REPLY_DEADLINE` for its reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

from displays.command_edge import log_command
from displays.errors import IdempotencyMismatch, InternalError, Unavailable
from displays.interface import HallView, RenderResult
from hall.auth import new_booking_code, new_token
from hall.bus.base import Bus, BusError, SubscriberLagged
from hall.bus.notices import (
    HALLS_CHANNEL,
    MalformedNotice,
    Notice,
    SeqNotice,
    Topic,
    hall_channel,
    parse_notice,
    parse_seq,
)
from hall.storage.base import (
    Batch,
    ConcurrencyConflict,
    EngineStore,
    IdempotentReply,
    OutboxEntry,
    StoreUnavailable,
)
from queueing import commands as cmd
from queueing.apply import apply
from queueing.config import HallConfig
from queueing.decide import decide
from queueing.errors import DomainError
from queueing.estimate import Estimate, estimate_waits, estimate_work
from queueing.events import Event, HallConfigured, TicketIssued, TicketReactivated
from queueing.model import HallState, initial_state
from queueing.stream import Actor, Reply, SequencedEvent

log = logging.getLogger("hall.engine")
_T = TypeVar("_T")

REPLY_TTL = timedelta(hours=24)
RING_SIZE = 50_000
SNAPSHOT_EVERY = 1_000
BATCH_MAX = 256
ESTIMATE_MAX_AGE = 1.0
ESTIMATE_FRESH_WORK = 400
"""Up to this `estimate_work` (a few hundred microseconds), every view and every new ticket's
reply gets an estimate of the hall as it is; above it, views share one up to `ESTIMATE_MAX_AGE`
seconds old, and a new ticket's wait comes from the estimate made before its batch."""
REPLY_DEADLINE = 4.5
"""Seconds from a command's arrival to its reply at the latest: a command still unanswered then
gets `unavailable` (the protocol promises a reply within 5 s)."""
WRITE_TIMEOUT = 4.0
"""Seconds one round trip of a batch to the database (its decision and commit, or a catch-up)
may take; longer, and the database counts as unreachable."""
SERVER = Actor("-", "server")
TIMER = Actor("timer", "server")
HEARTBEAT_SECONDS = 1.0
"""How often each process says on the bus that it is alive (and polls, while the bus is quiet)."""
QUIET_SECONDS = 3.0
"""Nothing heard on the bus for this long: the bus may be down, poll the database."""
BUS_RETRY_FIRST, BUS_RETRY_MAX = 0.5, 10.0
"""Seconds before subscribing again after the bus failed: doubling from the first to the max."""


def utc_now() -> datetime:
    return datetime.now(UTC)


Accept = Callable[[SequencedEvent], bool]


class Monitor(Protocol):
    """Sees every committed event (local: committed by this process) and every reply, each
    hall the engine starts running after it started, and each malformed bus message."""

    def event(self, event: SequencedEvent, local: bool) -> None: ...

    def command(self, hall: str, name: str, outcome: str, seconds: float) -> None: ...

    def delivered(self, hall: str, seconds: float) -> None:
        """An event committed here was handed to every local listener `seconds` after its
        commit (a device session writes it to its socket as it is handed over)."""

    def hall_loaded(self, hall: str) -> None: ...

    def malformed_notice(self, channel: str) -> None: ...


class _NoMonitor:
    def event(self, event: SequencedEvent, local: bool) -> None:
        pass

    def command(self, hall: str, name: str, outcome: str, seconds: float) -> None:
        pass

    def delivered(self, hall: str, seconds: float) -> None:
        pass

    def hall_loaded(self, hall: str) -> None:
        pass

    def malformed_notice(self, channel: str) -> None:
        pass


class Outbox(Protocol):
    """Where a batch's events meet the hall's webhooks (`hall.webhooks`, set by the server)."""

    def entries(
        self, hall: str, events: Sequence[SequencedEvent], state: HallState
    ) -> Sequence[OutboxEntry]:
        """In the batch's transaction (a worker thread): the outbox rows of the events that
        match a webhook of the hall; `state` is the hall after them."""

    def written(self, hall: str) -> None:
        """On the loop, after a commit that wrote outbox rows."""


class _NoOutbox:
    def entries(
        self, hall: str, events: Sequence[SequencedEvent], state: HallState
    ) -> Sequence[OutboxEntry]:
        return ()

    def written(self, hall: str) -> None:
        pass


class UnknownHall(KeyError):
    """No hall with that id on this server."""


class _Listener:
    """A listener handed each event as it is committed, on the loop, with no queue between
    (a device session writes it straight to its socket and bounds itself). A listener that
    raises is logged and removed: the commit and the other listeners go on."""

    def __init__(
        self, runner: HallRunner, audience: _Audience, deliver: Callable[[SequencedEvent], None]
    ) -> None:
        self._runner = runner
        self._audience = audience
        self._deliver = deliver

    def push(self, event: SequencedEvent) -> None:
        try:
            self._deliver(event)
        except Exception:
            log.exception("hall=%s a listener failed at seq %d: removed", event.hall, event.seq)
            self.close()

    def close(self) -> None:
        self._runner.unsubscribe(self, self._audience)


class _Audience:
    """Listeners that receive the same events: `accept` runs once per event for all."""

    def __init__(self, key: Hashable, accept: Accept | None) -> None:
        self.key = key
        self.accept = accept
        self.members: set[_Listener] = set()


@dataclass
class _Pending:
    command: cmd.Command
    scope: str
    key: str
    actor: Actor
    personal: Mapping[str, Mapping[str, str]]
    future: asyncio.Future[Reply]
    received: float = field(default_factory=time.perf_counter)
    fingerprint: str = ""

    @property
    def answered(self) -> bool:
        """Its reply is out already (its deadline passed); a cancelled caller still counts as
        unanswered: its command is decided as usual."""
        return self.future.done() and not self.future.cancelled()


@dataclass
class _Written:
    """What a batch came to: each command answered so far with its reply, and the number of
    events this process committed."""

    replies: list[tuple[_Pending, Reply]] = field(default_factory=list)
    events: int = 0


def _issues_a_ticket(events: Sequence[Event]) -> bool:
    """Whether a reply tells a wait: a ticket issued, checked in or reactivated."""
    return any(isinstance(e, (TicketIssued, TicketReactivated)) for e in events)


class HallRunner:
    """Owns one hall: its state, its recent events, its listeners, its command queue."""

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
            fresh
            or clock - self._estimate_clock > ESTIMATE_MAX_AGE
            or estimate_work(self.state) <= ESTIMATE_FRESH_WORK
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
            for listener in list(audience.members):
                listener.close()

    def enqueue(self, item: _Pending) -> None:
        """Queue a command. Unanswered after `REPLY_DEADLINE` seconds, it gets `unavailable`
        (and, still queued then, is not decided at all)."""
        timer = asyncio.get_running_loop().call_later(REPLY_DEADLINE, self._expire, item)
        item.future.add_done_callback(lambda _: timer.cancel())
        self.queue.put_nowait(item)

    def _expire(self, item: _Pending) -> None:
        error = Unavailable(f"no reply within {REPLY_DEADLINE:g} s: the database did not answer")
        self._answer(item, Reply.refused(error))

    def _answer(self, item: _Pending, reply: Reply) -> None:
        """Reply to a command and write its log line, once: the first reply is the one its
        device gets, whether from the batch or from the deadline."""
        if item.answered:
            return
        if not item.future.done():
            item.future.set_result(reply)
        self._log(item, reply)

    async def _run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while not self.queue.empty() and len(batch) < BATCH_MAX:
                batch.append(self.queue.get_nowait())
            batch = [item for item in batch if not item.answered]
            if not batch:
                continue
            try:
                await self._process(batch)
            except Exception:  # the runner survives anything; each command still gets a reply
                log.exception("hall=%s batch of %d failed", self.hall, len(batch))
                for item in batch:
                    self._answer(item, Reply.refused(InternalError("internal error")))

    async def _process(self, batch: list[_Pending]) -> None:
        written = _Written()
        async with self._lock:
            try:
                await self._write_apart(batch, written)
            except StoreUnavailable as error:
                unanswered = len(batch) - len(written.replies)
                log.warning("hall=%s %s: %d commands unavailable", self.hall, error, unanswered)
        for item, reply in written.replies:
            self._answer(item, reply)
        for item in batch:  # what the database did not take while it could not be reached
            self._answer(item, Reply.refused(Unavailable("the database cannot be reached")))
        if written.events:
            await self.engine.announce(self.hall, self.seq)
        if self.seq - self.snapshot_seq >= self.engine.snapshot_every:
            await self._save_snapshot()

    async def _write_apart(self, batch: list[_Pending], written: _Written) -> None:
        """Commit `batch`. When its transaction fails (for anything but a conflict or an
        unreachable database, which raises `StoreUnavailable`), commit each half apart, down to
        the one command that cannot be stored: it alone gets `internal_error`, not remembered,
        so a retry with its id is decided afresh."""
        try:
            outcome = await self._write(batch)
        except StoreUnavailable:
            raise
        except Exception as error:
            if len(batch) == 1:
                log.exception(
                    "hall=%s command=%s could not be stored", self.hall, batch[0].command.name
                )
                refused = Reply.refused(InternalError("the command could not be stored"))
                written.replies.append((batch[0], refused))
                return
            log.warning(
                "hall=%s batch of %d failed (%s); committing its halves apart",
                self.hall,
                len(batch),
                type(error).__name__,
            )
            middle = len(batch) // 2
            await self._write_apart(batch[:middle], written)
            await self._write_apart(batch[middle:], written)
            return
        self._commit(outcome)
        written.replies.extend(zip(batch, outcome.replies, strict=True))
        written.events += len(outcome.events)

    async def _write(self, batch: list[_Pending]) -> _Outcome:
        """Decide and commit in a worker thread; after a conflict, catch up and decide again."""
        while True:
            loop = asyncio.get_running_loop()
            outcome = await _in_time(loop.run_in_executor(None, self._write_batch, batch))
            if outcome is not None:
                return outcome
            await _in_time(self._catch_up())

    async def _save_snapshot(self) -> None:
        """A snapshot only speeds up the next start: a failure is logged and tried again later."""
        try:
            await _in_time(
                asyncio.to_thread(self.engine.store.save_snapshot, self.hall, self.seq, self.state)
            )
        except Exception as error:
            log.warning("hall=%s snapshot at seq %d failed: %s", self.hall, self.seq, error)
        else:
            self.snapshot_seq = self.seq

    def _write_batch(self, batch: list[_Pending]) -> _Outcome | None:
        """In a worker thread, in one transaction: look up earlier replies, decide, commit.
        None on a conflict. The state read here is immutable and changes only on the loop,
        under `_lock`."""
        since = self.engine.clock() - REPLY_TTL
        keys = [(item.scope, item.key) for item in batch if item.scope]
        decided: list[_Outcome] = []

        def decide(known: dict[tuple[str, str], Reply]) -> Batch:
            decided.append(self._decide_batch(batch, known))
            return decided[-1].batch

        try:
            self.engine.store.decide_and_append(keys, since, decide)
        except ConcurrencyConflict:
            return None
        return replace(decided[-1], committed_at=time.perf_counter())

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
                replies.append(replayed(previous, item.fingerprint))
                continue
            try:
                state, decided, reply = self._decide_one(item, state, seq, now, estimate)
            except Exception:  # a bug deciding this one command: it alone fails, unremembered
                log.exception("hall=%s command=%s failed", self.hall, item.command.name)
                reply = Reply.refused(InternalError("internal error"))
                replies.append(reply)
                seen[(item.scope, item.key)] = fingerprinted(reply, item.fingerprint)
                continue
            seq += len(decided)
            events.extend(decided)
            if decided:
                personal.update(item.personal)
            replies.append(reply)
            stored = seen[(item.scope, item.key)] = fingerprinted(reply, item.fingerprint)
            if item.scope:
                remembered.append(IdempotentReply(item.scope, item.key, stored, now))
        outbox = self.engine.outbox.entries(self.hall, events, state) if events else ()
        batch_record = Batch(self.hall, self.seq, events, remembered, personal, outbox)
        return _Outcome(batch_record, state, seq, now, events, replies)

    def _decide_one(
        self, item: _Pending, state: HallState, seq: int, now: datetime, estimate: Estimate
    ) -> tuple[HallState, list[SequencedEvent], Reply]:
        """One command against `state`: the state after it, its events numbered after `seq`,
        and its reply (a refusal changes nothing)."""
        try:
            new = decide(state, item.command, now)
        except DomainError as error:
            return state, [], Reply.refused(error)
        decided: list[SequencedEvent] = []
        for event in new:
            state = apply(state, event)
            decided.append(SequencedEvent(self.hall, seq + len(decided) + 1, now, event))
        if _issues_a_ticket(new) and estimate_work(state) <= ESTIMATE_FRESH_WORK:
            estimate = estimate_waits(state, now.timestamp())
        return state, decided, Reply(True, self.engine.render(item.command, new, state, estimate))

    def _commit(self, outcome: _Outcome) -> None:
        self.state, self.seq, self.last_at = outcome.state, outcome.seq, outcome.now
        monitor = self.engine.monitor
        for event in outcome.events:
            self._publish(event, local=True)
            monitor.delivered(self.hall, time.perf_counter() - outcome.committed_at)
        if outcome.batch.outbox:
            self.engine.outbox.written(self.hall)

    def _publish(self, event: SequencedEvent, *, local: bool) -> None:
        self.recent.append(event)
        for audience in list(self.audiences.values()):
            if audience.accept is None or audience.accept(event):
                for listener in list(audience.members):
                    listener.push(event)
        self.engine.monitor.event(event, local)

    async def catch_up(self) -> None:
        """Apply what other processes committed after our seq."""
        async with self._lock:
            await self._catch_up()

    async def _catch_up(self) -> None:
        """Apply the events after our seq, then hand them to the listeners: like a batch
        committed here, they see the state after all of them, never one between two events
        of one command (a finished ticket is gone while its window still points at it)."""
        newer = await asyncio.to_thread(self.engine.store.read_events, self.hall, self.seq)
        caught: list[SequencedEvent] = []
        for stored in newer:
            if stored.seq != self.seq + 1:
                break
            self.state = apply(self.state, stored.event)
            self.seq = stored.seq
            self.last_at = max(self.last_at, stored.at)
            caught.append(stored)
        for stored in caught:
            self._publish(stored, local=False)

    def _log(self, item: _Pending, reply: Reply) -> None:
        outcome = "ok" if reply.ok else str(reply.body.get("code"))
        seconds = time.perf_counter() - item.received
        self.engine.monitor.command(self.hall, item.command.name, outcome, seconds)
        log_command(self.hall, item.actor, item.command.name, reply, item.received)

    def listen(
        self,
        deliver: Callable[[SequencedEvent], None],
        accept: Accept | None = None,
        group: Hashable = None,
    ) -> _Listener:
        """`deliver` is called with each accepted event as it is committed (see `_Listener`).
        Listeners naming the same `group` share one `accept` (called once per event)."""
        audience = self._audience(accept, group)
        listener = _Listener(self, audience, deliver)
        audience.members.add(listener)
        return listener

    def _audience(self, accept: Accept | None, group: Hashable) -> _Audience:
        key = group if group is not None else object()
        audience = self.audiences.get(key)
        if audience is None:
            audience = self.audiences[key] = _Audience(key, accept)
        return audience

    def unsubscribe(self, listener: _Listener, audience: _Audience) -> None:
        audience.members.discard(listener)
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
    committed_at: float = 0.0
    """`time.perf_counter()` right after the commit."""


class Engine:
    """All halls of this server process. Implements `displays.interface.HallService`.

    It tells the other processes on the bus what it committed and which halls it created, and
    hears theirs: a new hall is loaded, another process's device and staff notices go to
    `on_notice`. When the bus says nothing at all for `quiet_after` seconds, it catches up from
    the database every `heartbeat` seconds instead (`resync`)."""

    def __init__(
        self,
        store: EngineStore,
        bus: Bus,
        *,
        render: RenderResult,
        clock: Callable[[], datetime] = utc_now,
        snapshot_every: int = SNAPSHOT_EVERY,
    ) -> None:
        self.store = store
        self.bus = bus
        self.render = render
        self.clock = clock
        self.snapshot_every = snapshot_every
        self.process_id = uuid.uuid4().hex
        self.runners: dict[str, HallRunner] = {}
        self.malformed_notices = 0
        self.monitor: Monitor = _NoMonitor()
        self.outbox: Outbox = _NoOutbox()
        """Writes the outbox rows of the hall's webhooks with each batch (set by the server)."""
        self.on_notice: Callable[[Notice], Awaitable[None]] | None = None
        """Handles another process's `device` and `staff` notices (set by the server)."""
        self.on_resync: Callable[[], Awaitable[None]] | None = None
        """Checks the server's own caches against the database after a gap in the bus."""
        self.heartbeat = HEARTBEAT_SECONDS
        self.quiet_after = QUIET_SECONDS
        self._listeners: dict[str, asyncio.Task[None]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._halls_lock = asyncio.Lock()
        self._db_calls: set[asyncio.Future[Any]] = set()
        self._heard = time.monotonic()
        self._quiet = False
        self.listening = asyncio.Event()
        """Set while this process hears the other processes' notices (the bus is subscribed)."""

    async def start(self) -> None:
        async with self._halls_lock:
            for hall in await asyncio.to_thread(self.store.hall_ids):
                await self._load(hall)
        self._heard = time.monotonic()
        self._tasks = [
            asyncio.create_task(self._listen_notices(), name="bus-halls"),
            asyncio.create_task(self._watch_bus(), name="bus-watch"),
        ]

    async def stop(self) -> None:
        tasks = [*self._tasks, *self._listeners.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, *self._db_calls, return_exceptions=True)
        for runner in self.runners.values():
            await runner.stop()

    async def _load(self, hall: str) -> HallRunner | None:
        """Load a hall from the database and run it (under `_halls_lock`)."""
        loaded = await self._db(self.store.load_hall, hall)
        if loaded is None:
            return None
        runner = HallRunner(self, hall, loaded.state, loaded.seq)
        self._run(runner)
        return runner

    def _run(self, runner: HallRunner) -> None:
        self.runners[runner.hall] = runner
        runner.start()
        self._listeners[runner.hall] = asyncio.create_task(
            self._listen(runner), name=f"bus-{runner.hall}"
        )
        self.monitor.hall_loaded(runner.hall)

    async def _discover(self, hall: str) -> None:
        """Run a hall another process created, unless this process runs it already."""
        async with self._halls_lock:
            if hall not in self.runners and await self._load(hall) is not None:
                log.info("hall=%s discovered (created by another process)", hall)

    # --- the bus --------------------------------------------------------------------------

    async def _listen(self, runner: HallRunner) -> None:
        """Catch up whenever another process says it committed to this hall."""

        async def heard(message: str) -> None:
            try:
                notice = parse_seq(message)
            except MalformedNotice as error:
                self._malformed(hall_channel(runner.hall), error)
                return
            if notice.origin != self.process_id and notice.seq > runner.seq:
                await runner.catch_up()

        await self._follow(hall_channel(runner.hall), runner.catch_up, heard)

    async def _listen_notices(self) -> None:
        """The process-wide channel: halls created, devices revoked, staff changed elsewhere."""

        async def heard(message: str) -> None:
            try:
                notice = parse_notice(message)
            except MalformedNotice as error:
                self._malformed(HALLS_CHANNEL, error)
                return
            if notice.origin == self.process_id or notice.topic == "alive":
                return
            if notice.topic == "hall":
                await self._discover(notice.hall)
            elif self.on_notice is not None:
                await self.on_notice(notice)

        async def subscribed() -> None:  # each hall's listener catches its own hall up
            self.listening.set()
            await self.resync(events=False)

        try:
            await self._follow(HALLS_CHANNEL, subscribed, heard, self.listening.clear)
        finally:
            self.listening.clear()

    async def _follow(
        self,
        channel: str,
        subscribed: Callable[[], Awaitable[None]],
        heard: Callable[[str], Awaitable[None]],
        failed: Callable[[], None] = lambda: None,
    ) -> None:
        """Subscribe to `channel` for good: once subscribed (again), `subscribed()` catches up
        from the database; then `heard(message)` for each message. A broken bus, a listener that
        fell behind or a failed catch-up is logged and subscribed again with a backoff (0.5 s
        doubling to 10 s); the database stays the truth, so nothing is lost."""
        delay = BUS_RETRY_FIRST
        while True:
            try:
                async with self.bus.subscribe(channel) as messages:
                    await subscribed()
                    delay = BUS_RETRY_FIRST
                    async for message in messages:
                        self._heard = time.monotonic()
                        await heard(message)
            except (BusError, SubscriberLagged, ConnectionError) as error:
                log.warning("bus channel %s failed (%s); subscribing again", channel, error)
            except Exception:  # a failed catch-up (the database) must not end the listener
                log.exception("bus channel %s: catching up failed; subscribing again", channel)
            failed()
            await asyncio.sleep(delay)
            delay = min(delay * 2, BUS_RETRY_MAX)

    def _malformed(self, channel: str, error: MalformedNotice) -> None:
        """A message no process of ours sent: logged, counted, skipped."""
        self.malformed_notices += 1
        self.monitor.malformed_notice(channel)
        log.warning("bus channel %s: skipped a malformed message (%s)", channel, error)

    async def _watch_bus(self) -> None:
        """Say on the bus that this process is alive, every `heartbeat` seconds (every process
        hears every heartbeat, its own too, while the bus carries messages). When nothing at all
        came over the bus for `quiet_after` seconds, the bus may be down or cut off: poll the
        database every `heartbeat` seconds (`resync`) until messages come again."""
        alive = Notice(self.process_id, "alive").text()
        while True:
            await asyncio.sleep(self.heartbeat)
            with contextlib.suppress(BusError, TimeoutError):
                await asyncio.wait_for(self.bus.publish(HALLS_CHANNEL, alive), self.heartbeat)
            quiet = time.monotonic() - self._heard >= self.quiet_after
            if quiet != self._quiet:
                self._quiet = quiet
                if quiet:
                    log.warning("nothing heard on the bus: polling the database until it is back")
                else:
                    log.info("the bus carries messages again")
            if quiet:
                try:
                    await self.resync()
                except Exception as error:  # the database may be gone too: try again later
                    log.warning("polling the database failed: %s", error)

    async def resync(self, *, events: bool = True) -> None:
        """Catch up from the database, the source of truth: halls created elsewhere, the newer
        events of every hall (unless `events` is false), and (`on_resync`) revocations."""
        for hall in await self._db(self.store.hall_ids):
            if hall not in self.runners:
                await self._discover(hall)
        if events:
            for runner in list(self.runners.values()):
                await runner.catch_up()
        if self.on_resync is not None:
            await self.on_resync()

    async def _db(self, call: Callable[..., _T], *args: object) -> _T:
        """`call(*args)` in a worker thread, which `stop` waits for: a listener cancelled
        meanwhile leaves no query running against a store about to close."""
        work = asyncio.ensure_future(asyncio.to_thread(call, *args))
        self._db_calls.add(work)
        work.add_done_callback(self._db_calls.discard)
        return await asyncio.shield(work)

    async def announce(self, hall: str, seq: int) -> None:
        try:
            await self.bus.publish(hall_channel(hall), SeqNotice(self.process_id, seq).text())
        except BusError as error:  # committed already; other processes catch up on next write
            log.warning("hall=%s bus publish failed: %s", hall, error)

    async def notify(self, topic: Topic, hall: str, subject: str = "") -> None:
        """Tell the other processes that a hall was created (`hall`), a device revoked
        (`device`) or a staff account changed (`staff`). A failed publish is logged: they
        catch up from the database while they hear nothing from the bus."""
        try:
            await self.bus.publish(
                HALLS_CHANNEL, Notice(self.process_id, topic, hall, subject).text()
            )
        except BusError as error:
            log.warning("hall=%s bus notice %s failed: %s", hall, topic, error)

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
        fingerprint: str = "",
    ) -> Reply:
        """Decide `command` in its hall; its reply once durable. A known (scope, key) within
        `REPLY_TTL` gets its first reply again, or `idempotency_mismatch` when `fingerprint` (a
        hash of the request, remembered with the reply) differs from the first one's."""
        runner = self.runner(hall)
        command = _with_tokens(command)
        command, personal = _personal_of(command, personal)
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        pending = _Pending(
            command, scope, key, actor or SERVER, personal or {}, future, fingerprint=fingerprint
        )
        runner.enqueue(pending)
        return await future

    async def events_after(self, hall: str, seq: int) -> list[SequencedEvent] | None:
        return await self.runner(hall).events_after(seq)

    def listen(
        self,
        hall: str,
        deliver: Callable[[SequencedEvent], None],
        accept: Accept | None = None,
        group: Hashable = None,
    ) -> _Listener:
        return self.runner(hall).listen(deliver, accept, group)

    # --- halls ----------------------------------------------------------------------------

    async def configure(self, config: HallConfig) -> tuple[bool, Reply]:
        """Create the hall, or update its configuration keeping its tickets. True if created.
        Other processes hear of a new hall on the bus; of a new configuration, as of any event."""
        if config.id not in self.runners and await self._create(config):
            await self.notify("hall", config.id)
            return True, Reply(True, {"hall": config.id})
        if self.runners[config.id].state.config == config:
            return False, Reply(True, {"hall": config.id})
        reply = await self.submit(
            config.id, cmd.Configure(config), scope="admin", key=uuid.uuid4().hex
        )
        return False, reply

    async def _create(self, config: HallConfig) -> bool:
        """Write a new hall's first event and run it; False when it exists already (created
        by another process meanwhile: then it is loaded from the database)."""
        async with self._halls_lock:
            if config.id in self.runners:
                return False
            first = SequencedEvent(config.id, 1, self.clock(), HallConfigured(config))
            try:
                await asyncio.to_thread(self.store.append, Batch(config.id, 0, [first]))
            except ConcurrencyConflict:
                if await self._load(config.id) is None:
                    raise
                return False
            runner = HallRunner(self, config.id, apply(initial_state(config), first.event), 1)
            runner.recent.append(first)
            self._run(runner)
            return True

    async def tick(self) -> None:
        """Let time pass in every hall (expire ratings, missed appointments, stale tickets)."""
        for hall in self.halls():
            await self.submit(hall, cmd.Tick(), scope="", key=uuid.uuid4().hex, actor=TIMER)


async def _in_time(work: Awaitable[_T]) -> _T:
    """`work`, or `StoreUnavailable` when it takes longer than `WRITE_TIMEOUT` (a worker thread
    then runs on unobserved: what it commits late is caught up like another process's events)."""
    try:
        async with asyncio.timeout(WRITE_TIMEOUT):  # no task around `work`, unlike wait_for
            return await work
    except TimeoutError:
        raise StoreUnavailable(f"the database did not answer within {WRITE_TIMEOUT:g} s") from None


def _with_tokens(command: cmd.Command) -> cmd.Command:
    """Give a new ticket its unguessable tracker token (the core makes no randomness)."""
    if isinstance(command, cmd.IssueTicket | cmd.CheckIn) and not command.track:
        return replace(command, track=new_token())
    if isinstance(command, cmd.OpenCase) and not command.code:  # a case's pickup code, tracker
        return replace(command, code=new_booking_code(), track=command.track or new_token())
    return command


def _personal_of(
    command: cmd.Command, personal: Mapping[str, Mapping[str, str]] | None
) -> tuple[cmd.Command, Mapping[str, Mapping[str, str]] | None]:
    """A case's contact phone leaves the command before the core (and its log) sees it: it is
    kept server-side with the batch, keyed by the case's pickup code."""
    if isinstance(command, cmd.OpenCase) and command.contact_phone:
        phone = {command.code: {"phone": command.contact_phone}}
        kept = replace(command, contact_phone="", has_contact=True)
        return kept, {**(personal or {}), **phone}
    return command, personal


FINGERPRINT = "request_hash"
"""Where a remembered reply keeps its request's fingerprint (never sent: `replayed` drops it)."""


def fingerprinted(reply: Reply, fingerprint: str) -> Reply:
    """The reply as remembered: with the request's fingerprint, when it has one."""
    if not fingerprint:
        return reply
    return Reply(reply.ok, {**reply.body, FINGERPRINT: fingerprint})


def replayed(remembered: Reply, fingerprint: str) -> Reply:
    """A remembered reply for a request with the same (scope, key): the same reply when the
    fingerprints agree (both absent for devices' commands), else `idempotency_mismatch`."""
    if remembered.body.get(FINGERPRINT, "") != fingerprint:
        return Reply.refused(
            IdempotencyMismatch("Idempotency-Key: used before with a different request body")
        )
    return Reply(remembered.ok, {k: v for k, v in remembered.body.items() if k != FINGERPRINT})
