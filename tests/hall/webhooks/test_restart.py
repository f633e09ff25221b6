"""Nothing committed is lost to a crash: the outbox rows are in the events' transaction, so a
server killed with `kill -9` while its deliveries were still under way delivers every event
after a restart (at least once: receivers deduplicate on the delivery id)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from hall.storage import open_store
from hall.storage import tables as t
from tests.hall.webhooks.conftest import QUICK, command, put_webhook
from tests.hall.webhooks.receiver import Receiver
from tests.support.server import ServerProcess, new_hall
from tests.support.waiting import eventually

pytestmark = pytest.mark.anyio

TICKETS = 10
AFTER_RESTART = 40.0
"""Seconds for every delivery after the restart: the row the dead process held is free again
once its lease ran out (11 s with a 3 s attempt timeout)."""


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[list[ServerProcess]]:
    """Server processes a test starts on one SQLite file, stopped after it."""
    started: list[ServerProcess] = []
    yield started
    for process in started:
        process.stop()


def start(processes: list[ServerProcess], database: str, workdir: Path) -> ServerProcess:
    process = ServerProcess(database, workdir, env=QUICK)
    processes.append(process)
    process.start()
    return process


async def test_kill_9_between_commit_and_delivery_loses_no_event(
    processes: list[ServerProcess], tmp_path: Path, receiver: Receiver
) -> None:
    database = f"sqlite:///{tmp_path / 'hall.db'}"
    first = start(processes, database, tmp_path)
    hall = new_hall(first)
    receiver.hold()  # the first delivery hangs: every other one waits behind it
    put_webhook(first, hall, receiver.url, ["ticket.issued"])
    numbers = [
        command(first, hall, "issue_ticket", service="social")["ticket"]["number"]
        for _ in range(TICKETS)
    ]
    await eventually(lambda: receiver.held == 1)

    first.kill()
    receiver.release.set()  # the answer to the dead process goes nowhere
    start(processes, database, tmp_path)

    def all_numbers() -> bool:
        return {p["data"]["ticket"]["number"] for p in receiver.delivered()} >= set(numbers)

    await eventually(all_numbers, timeout=AFTER_RESTART)
    ids = list(dict.fromkeys(p["id"] for p in receiver.delivered()))
    seqs = [int(i.split(":")[1]) for i in ids]
    assert len(ids) == TICKETS and seqs == sorted(seqs)
    assert len(receiver.delivered()) <= TICKETS + 1  # only the one in flight came twice


async def test_a_server_stopping_gives_back_the_rows_it_was_delivering(
    processes: list[ServerProcess], tmp_path: Path, receiver: Receiver
) -> None:
    database = f"sqlite:///{tmp_path / 'hall.db'}"
    first = start(processes, database, tmp_path)
    hall = new_hall(first)
    receiver.hold()
    put_webhook(first, hall, receiver.url, ["ticket.issued"])
    command(first, hall, "issue_ticket", service="social")
    await eventually(lambda: receiver.held == 1)

    first.stop()  # SIGTERM: a graceful stop, with a delivery hanging
    store = open_store(database)
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(sa.select(t.webhook_outbox.c.lease)).all()
    finally:
        store.close()
    assert rows == [(None,)]  # still to deliver, and free for the next process at once
