"""Staff passwords in the directory: an unknown staff number costs what a wrong password costs
(no timing oracle), and every password is hashed in the directory's own small thread pool, never
in the default pool that the database work of tickets and calls uses."""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from collections.abc import Iterator
from typing import Any, cast

import pytest

import hall.server.directory as directory_module
from hall.accounts import staff_record
from hall.auth import check_password
from hall.engine import Engine
from hall.server.directory import PASSWORD_WORKERS, StoreDirectory
from hall.storage import open_store

pytestmark = pytest.mark.anyio

HALL = "h"
ROUNDS = 7


@pytest.fixture
def directory(sqlite_url: str) -> Iterator[StoreDirectory]:
    store = open_store(sqlite_url)
    store.upgrade()
    store.add_staff(staff_record(HALL, {"number": "1001", "name": "王晓丽", "password": "secret1"}))
    directory = StoreDirectory(store, cast(Engine, None))  # the engine is for trackers only
    yield directory
    directory.close()
    store.close()


async def seconds_to_refuse(directory: StoreDirectory, number: str, password: str) -> float:
    started = time.perf_counter()
    assert await directory.check_staff(HALL, number, password) is None
    return time.perf_counter() - started


async def test_an_unknown_number_takes_about_as_long_as_a_wrong_password(
    directory: StoreDirectory,
) -> None:
    assert await directory.check_staff(HALL, "1001", "secret1") is not None
    unknown, wrong = [], []
    for _ in range(ROUNDS):  # interleaved, so that a busy moment of the machine hits both
        unknown.append(await seconds_to_refuse(directory, "9999", "secret1"))
        wrong.append(await seconds_to_refuse(directory, "1001", "wrong-one"))

    ratio = statistics.median(unknown) / statistics.median(wrong)

    assert 0.5 < ratio < 2.0, (unknown, wrong)


class Recorder:
    """Wraps `check_password`: where each check ran, and how many ran at once."""

    def __init__(self, check: Any) -> None:
        self.check = check
        self.threads: list[str] = []
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()
        self._loop = asyncio.get_running_loop()
        self._started = asyncio.Event()

    async def hashing(self) -> None:
        """Return once a check has started (in another thread, which says so on the loop)."""
        await self._started.wait()

    def __call__(self, password: str, stored: str) -> bool:
        with self.lock:
            self.threads.append(threading.current_thread().name)
            self.running += 1
            self.most = max(self.most, self.running)
        self._loop.call_soon_threadsafe(self._started.set)
        try:
            result: bool = self.check(password, stored)
            return result
        finally:
            with self.lock:
                self.running -= 1


async def test_passwords_are_hashed_in_a_small_pool_of_their_own(
    directory: StoreDirectory, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(check_password)
    monkeypatch.setattr(directory_module, "check_password", recorder)
    burst = [
        asyncio.create_task(directory.check_staff(HALL, number, "wrong-one"))
        for number in ("1001", "9999") * 8
    ]
    await asyncio.wait_for(recorder.hashing(), 10)  # the burst is being hashed now ...
    started = time.perf_counter()
    await asyncio.to_thread(lambda: None)  # ... and the default pool still answers at once
    waited = time.perf_counter() - started

    assert await asyncio.gather(*burst) == [None] * len(burst)
    assert all(name.startswith("hall-password") for name in recorder.threads), recorder.threads
    assert recorder.most <= PASSWORD_WORKERS
    assert waited < 0.25, f"the default thread pool waited {waited:.2f} s behind password checks"
