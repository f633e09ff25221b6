"""The engine on SQLite and on the real PostgreSQL: ordering, durability, concurrency."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable

import pytest

from displays.results import render_result
from hall.bus import open_bus
from hall.engine import Engine
from hall.storage import open_store
from queueing import commands as cmd
from queueing.config import HallConfig, parse_config
from queueing.stream import Reply
from tests.support.server import small_hall

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


def hall_config(windows: int = 10) -> HallConfig:
    return parse_config(small_hall(f"e{uuid.uuid4().hex[:8]}", windows=windows))


async def started_engine(url: str) -> Engine:
    store = open_store(url)
    store.upgrade()
    bus = open_bus("memory://")
    await bus.connect()
    engine = Engine(store, bus, render=render_result)
    await engine.start()
    return engine


async def stop_engine(engine: Engine) -> None:
    await engine.stop()
    await engine.bus.disconnect()
    engine.store.close()


async def test_acknowledged_commands_are_in_the_database(database_url: str) -> None:
    engine = await started_engine(database_url)
    config = hall_config()
    await engine.configure(config)
    replies = await asyncio.gather(
        *[
            engine.submit(config.id, cmd.IssueTicket("social"), scope="k", key=str(i))
            for i in range(50)
        ]
    )
    assert all(r.ok for r in replies)
    await stop_engine(engine)

    store = open_store(database_url)
    loaded = store.load_hall(config.id)
    store.close()
    assert loaded is not None
    assert len(loaded.state.lines["A"]) == 50
    assert loaded.state.counters["A"] == 50


async def test_same_key_twice_changes_nothing(database_url: str) -> None:
    engine = await started_engine(database_url)
    config = hall_config()
    await engine.configure(config)
    first, second = await asyncio.gather(
        engine.submit(config.id, cmd.IssueTicket("social"), scope="kiosk-1", key="same"),
        engine.submit(config.id, cmd.IssueTicket("social"), scope="kiosk-1", key="same"),
    )
    third = await engine.submit(config.id, cmd.IssueTicket("social"), scope="kiosk-1", key="same")
    assert first == second == third
    assert engine.view(config.id).state.counters["A"] == 1
    await stop_engine(engine)


async def test_restart_rebuilds_state_from_snapshot_and_events(database_url: str) -> None:
    store = open_store(database_url)
    store.upgrade()
    bus = open_bus("memory://")
    await bus.connect()
    engine = Engine(store, bus, render=render_result, snapshot_every=7)
    await engine.start()
    config = hall_config()
    await engine.configure(config)
    await engine.submit(config.id, cmd.OpenWindow("1"), scope="t", key="open")
    for i in range(30):
        await engine.submit(config.id, cmd.IssueTicket("tax"), scope="t", key=f"i{i}")
    await engine.submit(config.id, cmd.CallNext("1"), scope="t", key="call")
    before = engine.view(config.id)
    await stop_engine(engine)

    again = await started_engine(database_url)
    after = again.view(config.id)
    assert after.seq == before.seq
    assert after.state == before.state
    await stop_engine(again)


async def test_two_engines_on_one_postgres_never_call_a_ticket_twice(postgres_url: str) -> None:
    first = await started_engine(postgres_url)
    config = hall_config(windows=10)
    await first.configure(config)
    for window in range(1, 11):
        await first.submit(config.id, cmd.OpenWindow(str(window)), scope="t", key=f"o{window}")
    for i in range(6):
        await first.submit(config.id, cmd.IssueTicket("social"), scope="t", key=f"i{i}")
    second = await started_engine(postgres_url)  # loads the hall as it is now
    engines = [first, second]
    replies = await asyncio.gather(
        *[
            engines[w % 2].submit(config.id, cmd.CallNext(str(w)), scope="t", key=f"c{w}")
            for w in range(1, 11)
        ]
    )
    called = [r.body["ticket"]["id"] for r in replies if r.ok and r.body["ticket"] is not None]
    assert len(called) == 6 and len(set(called)) == 6
    # Both engines end up with the same history.
    await first.runner(config.id).catch_up()
    await second.runner(config.id).catch_up()
    assert first.view(config.id).state == second.view(config.id).state
    for engine in engines:
        await stop_engine(engine)


async def test_each_new_tickets_wait_counts_every_ticket_issued_before_it(sqlite_url: str) -> None:
    """Kiosks issuing together (one batch) or one after another within a second: each printed
    wait includes the tickets just ahead, however the engine grouped or cached its work."""
    engine = await started_engine(sqlite_url)
    config = hall_config(windows=1)
    await engine.configure(config)
    await engine.submit(config.id, cmd.OpenWindow("1"), scope="t", key="open")
    await stop_engine(engine)
    engine = await started_engine(sqlite_url)  # its first estimate sees the window open

    def issue(key: int) -> Awaitable[Reply]:
        return engine.submit(config.id, cmd.IssueTicket("social"), scope="k", key=str(key))

    together = await asyncio.gather(*[issue(i) for i in range(3)])
    one_by_one = [await issue(i) for i in (3, 4, 5)]
    await stop_engine(engine)

    six_minutes = 360
    replies = together + one_by_one
    assert sorted(r.body["eta_seconds"] for r in replies) == [i * six_minutes for i in range(6)]
    assert [r.body["eta_seconds"] for r in one_by_one] == [i * six_minutes for i in (3, 4, 5)]
