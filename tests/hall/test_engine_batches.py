"""Every command of a group-commit batch gets exactly one reply, whatever happens to the others:
a command the database will not store (or one the engine fails on) gets `internal_error` alone
and every other command of its batch commits and gets its normal reply. On SQLite and on the
real PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import pytest

from displays.results import render_result
from hall.bus import open_bus
from hall.engine import Engine
from hall.storage import SqlStore
from hall.storage.base import Batch
from queueing import commands as cmd
from queueing.config import HallConfig, parse_config
from queueing.estimate import Estimate
from queueing.events import Event
from queueing.model import HallState
from queueing.stream import Reply
from tests.support.server import small_hall

pytestmark = pytest.mark.anyio

POISON = "poison"
"""The command id whose batch the store refuses (as a database refuses text it cannot store)."""


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


class PoisonedStore(SqlStore):
    """The real store, refusing every transaction that remembers the reply to `POISON`; it
    notes the size of every batch it was asked to append."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.appended: list[int] = []

    def decide_and_append(
        self,
        keys: Sequence[tuple[str, str]],
        since: datetime,
        decide: Callable[[dict[tuple[str, str], Reply]], Batch],
    ) -> Batch:
        def poisoned(known: dict[tuple[str, str], Reply]) -> Batch:
            batch = decide(known)
            self.appended.append(len(batch.replies))
            if any(remembered.key == POISON for remembered in batch.replies):
                raise ValueError("this transaction cannot be stored")
            return batch

        return super().decide_and_append(keys, since, poisoned)


def broken_render(
    command: cmd.Command, events: Sequence[Event], state: HallState, estimate: Estimate | None
) -> Mapping[str, Any]:
    """The real result renderer, failing (a bug) for tickets of the service `tax`."""
    if isinstance(command, cmd.IssueTicket) and command.service == "tax":
        raise RuntimeError("a bug rendering this one result")
    return render_result(command, events, state, estimate)


async def started(store: SqlStore, render: Any = render_result) -> tuple[Engine, HallConfig]:
    store.upgrade()
    bus = open_bus("memory://")
    await bus.connect()
    engine = Engine(store, bus, render=render)
    await engine.start()
    config = parse_config(small_hall(f"b{uuid.uuid4().hex[:8]}"))
    await engine.configure(config)
    return engine, config


async def stopped(engine: Engine) -> None:
    await engine.stop()
    await engine.bus.disconnect()
    engine.store.close()


async def issue_all(engine: Engine, hall: str, keys: list[str], service: str) -> list[Reply]:
    """Submitted together, so that the runner takes them as one batch."""
    return await asyncio.gather(
        *[engine.submit(hall, cmd.IssueTicket(service), scope="kiosk-1", key=key) for key in keys]
    )


async def test_a_command_the_database_refuses_fails_alone_and_its_batch_commits(
    database_url: str,
) -> None:
    store = PoisonedStore(database_url)
    engine, config = await started(store)
    keys = [f"k{i}" for i in range(10)] + [POISON] + [f"k{i}" for i in range(10, 20)]
    replies = await issue_all(engine, config.id, keys, "social")

    assert len(keys) in store.appended, "the poisoned command shared its batch"
    by_key = dict(zip(keys, replies, strict=True))
    assert by_key.pop(POISON).body["code"] == "internal_error"
    assert all(reply.ok for reply in by_key.values())
    numbers = sorted(reply.body["ticket"]["number"] for reply in by_key.values())
    assert numbers == [f"A{n:03d}" for n in range(1, 21)]
    retried = await engine.submit(config.id, cmd.IssueTicket("social"), scope="kiosk-1", key=POISON)
    assert retried.body["code"] == "internal_error", "a failure is not remembered"
    await stopped(engine)

    again = SqlStore(database_url)
    loaded = again.load_hall(config.id)
    assert loaded is not None and loaded.state.counters["A"] == 20
    for key, reply in by_key.items():
        ticket = again.ticket(config.id, reply.body["ticket"]["id"])
        assert ticket is not None, key
    again.close()


async def test_a_command_the_engine_fails_on_fails_alone_and_its_batch_commits(
    database_url: str,
) -> None:
    store = SqlStore(database_url)
    engine, config = await started(store, broken_render)
    social = [f"s{i}" for i in range(8)]
    results = await asyncio.gather(
        issue_all(engine, config.id, social[:4], "social"),
        issue_all(engine, config.id, ["bug"], "tax"),
        issue_all(engine, config.id, social[4:], "social"),
    )
    first, (failed,), second = results
    assert failed.body["code"] == "internal_error"
    assert all(reply.ok for reply in first + second)
    state = engine.view(config.id).state
    assert state.counters.get("A") == 8 and not state.counters.get("B")
    await stopped(engine)
