"""`last_seen` kept cheaply: stamps are written together, never one write per frame, and a
device that stays connected is stamped again once a minute (against a real SQLite store)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from displays.interface import DeviceIdentity
from hall.server.device_seen import DeviceSeen
from hall.storage import SqlStore, open_store
from hall.storage.base import DeviceRecord

pytestmark = pytest.mark.anyio

START = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
SCREEN = DeviceIdentity("d1", "call_screen", "h")


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    store = open_store(f"sqlite:///{tmp_path / 'hall.db'}")
    store.upgrade()
    store.add_device(DeviceRecord("d1", "h", "call_screen", None, "screen", "hash-1", START))
    yield store
    store.close()


def last_seen(store: SqlStore) -> datetime | None:
    record = store.device("h", "d1")
    assert record is not None
    return record.last_seen


async def test_a_connection_is_written_at_the_next_flush_not_at_once(store: SqlStore) -> None:
    clock = Clock()
    seen = DeviceSeen(store, clock)

    seen.connected(SCREEN, +1)
    assert last_seen(store) is None
    assert seen.last_seen("d1") == START  # connected here: seen now

    await seen.flush()
    assert last_seen(store) == START
    clock.now = START + timedelta(seconds=30)
    seen.connected(SCREEN, -1)
    assert seen.last_seen("d1") == clock.now  # not written yet, still known
    await seen.flush()
    assert last_seen(store) == clock.now and seen.last_seen("d1") is None


async def test_a_device_that_stays_connected_is_stamped_once_a_minute(store: SqlStore) -> None:
    clock = Clock()
    seen = DeviceSeen(store, clock)
    seen.connected(SCREEN, +1)
    await seen.flush()
    clock.now = START + timedelta(seconds=90)
    await seen.flush()
    assert last_seen(store) == START  # within the minute: nothing written

    seen.refresh_s = 0.0  # the server restamps every quarter of its offline limit
    await seen.flush()
    assert last_seen(store) == clock.now


async def test_trackers_are_not_devices(store: SqlStore) -> None:
    seen = DeviceSeen(store, Clock())
    seen.connected(DeviceIdentity("tracker-x", "tracker", "h", ticket="x"), +1)
    assert seen.last_seen("tracker-x") is None
