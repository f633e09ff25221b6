"""Engines of several server processes sharing one database, told of each other's changes by the
bus, and catching up from the database when the bus says nothing (in process: two engines on one
SQLite file; tests/hall/test_scale_out.py runs real processes on PostgreSQL and Redis)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Protocol

import pytest

from displays.results import render_result
from displays.views import render_event
from hall.bus import Bus, MemoryBus
from hall.bus.notices import HALLS_CHANNEL, Notice, hall_channel
from hall.engine import Engine
from hall.storage import open_store
from queueing import commands as cmd
from queueing.config import HallConfig, parse_config
from queueing.stream import SequencedEvent
from tests.support.server import small_hall
from tests.support.waiting import eventually

pytestmark = pytest.mark.anyio

WITHIN = 2.0
"""Seconds within which another process must learn of a change (PROTOCOL 1.1, scale-out)."""


class EngineMaker(Protocol):
    def __call__(self, bus: Bus, *, listening: bool = True) -> Awaitable[Engine]: ...


def hall_config() -> HallConfig:
    return parse_config(small_hall(f"b{uuid.uuid4().hex[:8]}"))


@pytest.fixture
async def make_engine(tmp_path: Path) -> AsyncIterator[EngineMaker]:
    """Started engines on one SQLite file (as server processes on one database), each on the
    bus it is given; stopped at the end."""
    url = f"sqlite:///{tmp_path / 'hall.db'}"
    started: list[Engine] = []

    async def make(bus: Bus, *, listening: bool = True) -> Engine:
        store = open_store(url)
        store.upgrade()
        engine = Engine(store, bus, render=render_result)
        engine.heartbeat, engine.quiet_after = 0.2, 0.6
        await engine.start()
        started.append(engine)
        if listening:
            await asyncio.wait_for(engine.listening.wait(), WITHIN)
        return engine

    yield make
    for engine in started:
        await engine.stop()
        engine.store.close()


@pytest.fixture
async def bus() -> AsyncIterator[MemoryBus]:
    shared = MemoryBus()
    await shared.connect()
    yield shared
    await shared.disconnect()


async def issue(engine: Engine, hall: str, count: int) -> int:
    """Issue `count` tickets; the hall's seq after them."""
    for _ in range(count):
        reply = await engine.submit(
            hall, cmd.IssueTicket("social"), scope="t", key=uuid.uuid4().hex
        )
        assert reply.ok, reply
    return engine.view(hall).seq


def listening(engine: Engine, hall: str) -> asyncio.Queue[SequencedEvent]:
    """The events `engine` hands its listeners of `hall` from now on, as a device sees them."""
    events: asyncio.Queue[SequencedEvent] = asyncio.Queue()
    engine.listen(hall, events.put_nowait)
    return events


async def received(
    events: asyncio.Queue[SequencedEvent], upto: int, timeout: float = WITHIN
) -> list[int]:
    """The seqs a listener gets, up to `upto`, within `timeout` seconds."""
    seqs: list[int] = []

    async def read() -> None:
        while True:
            seqs.append((await events.get()).seq)
            if seqs[-1] >= upto:
                return

    await asyncio.wait_for(read(), timeout)
    return seqs


async def test_a_hall_created_by_one_process_runs_on_the_others_at_once(
    make_engine: EngineMaker, bus: MemoryBus
) -> None:
    first, second = await make_engine(bus), await make_engine(bus)
    config = hall_config()

    created, _ = await first.configure(config)

    assert created
    await eventually(lambda: config.id in second.halls(), timeout=WITHIN)
    events = listening(second, config.id)
    before = first.view(config.id).seq
    seq = await issue(first, config.id, 3)
    assert await received(events, seq) == list(range(before + 1, seq + 1))


async def test_another_process_hands_its_listeners_events_with_the_state_they_left(
    make_engine: EngineMaker, bus: MemoryBus
) -> None:
    """A listener renders each event as it is handed over, with the hall's state then (as a
    device session does). Events caught up from another process's commits are handed over
    once the state holds all of them, never between two events of one command: a finished
    ticket is gone from the tickets while its window still points at it until the next one."""
    first, second = await make_engine(bus), await make_engine(bus)
    config = hall_config()
    await first.configure(config)
    await eventually(lambda: config.id in second.halls(), timeout=WITHIN)
    seen: list[int] = []

    def render(event: SequencedEvent) -> None:
        render_event(event, second.view(config.id).state)
        second.runner(config.id).estimate(fresh=True)  # reads every open window's ticket
        seen.append(event.seq)

    second.listen(config.id, render)
    await issue(first, config.id, 2)
    for command in (cmd.OpenWindow("1"), cmd.CallNext("1"), cmd.Finish("1"), cmd.CallNext("1")):
        reply = await first.submit(config.id, command, scope="t", key=uuid.uuid4().hex)
        assert reply.ok, reply
    last = first.view(config.id).seq
    await eventually(lambda: seen[-1:] == [last], timeout=WITHIN)
    assert seen == list(range(seen[0], last + 1))


async def test_a_malformed_bus_message_is_skipped_and_counted_and_later_events_arrive(
    make_engine: EngineMaker, bus: MemoryBus
) -> None:
    first, second = await make_engine(bus), await make_engine(bus)
    config = hall_config()
    await first.configure(config)
    await eventually(lambda: config.id in second.halls(), timeout=WITHIN)
    events = listening(second, config.id)

    await bus.publish(hall_channel(config.id), "not-a-number:abc")
    await bus.publish(HALLS_CHANNEL, "nobody:device")
    before = first.view(config.id).seq
    seq = await issue(first, config.id, 5)

    assert await received(events, seq) == list(range(before + 1, seq + 1))
    assert second.malformed_notices == 2
    # a notice still works after the bad ones: a new hall is found
    other = hall_config()
    await first.configure(other)
    await eventually(lambda: other.id in second.halls(), timeout=WITHIN)


async def test_a_process_that_hears_nothing_from_the_bus_polls_the_database(
    make_engine: EngineMaker, bus: MemoryBus
) -> None:
    first = await make_engine(bus)
    cut_off = MemoryBus()  # never connected: this process's bus is down from the start
    second = await make_engine(cut_off, listening=False)
    config = hall_config()
    await first.configure(config)
    await eventually(lambda: config.id in second.halls(), timeout=3.0)
    events = listening(second, config.id)
    before = first.view(config.id).seq

    seq = await issue(first, config.id, 2)

    assert await received(events, seq, timeout=3.0) == list(range(before + 1, seq + 1))


async def test_device_and_staff_notices_go_to_the_other_processes_only(
    make_engine: EngineMaker, bus: MemoryBus
) -> None:
    sender, other = await make_engine(bus), await make_engine(bus)
    heard: dict[str, list[Notice]] = {"sender": [], "other": []}

    def recorder(name: str) -> Callable[[Notice], Awaitable[None]]:
        async def record(notice: Notice) -> None:
            heard[name].append(notice)

        return record

    sender.on_notice, other.on_notice = recorder("sender"), recorder("other")

    await sender.notify("device", "h1", "d1")
    await sender.notify("staff", "h1", "1001")

    await eventually(lambda: len(heard["other"]) == 2, timeout=WITHIN)
    assert [(n.topic, n.hall, n.subject) for n in heard["other"]] == [
        ("device", "h1", "d1"),
        ("staff", "h1", "1001"),
    ]
    await other.notify("device", "h1", "d2")  # the sender hears the other's, so it got here
    await eventually(lambda: len(heard["sender"]) == 1, timeout=WITHIN)
    assert heard["sender"][0].subject == "d2"
