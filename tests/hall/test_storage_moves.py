"""The tickets read model follows a floor manager's `move_ticket` and `prioritise_ticket`, on
SQLite and on the real PostgreSQL, whether each event is written alone or folded into the row
of a ticket issued in the same batch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hall.storage import SqlStore, open_store
from queueing import commands as cmd
from queueing import events as ev
from tests.hall.storage_scenarios import Driver
from tests.queueing.conftest import local


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_database")()
    else:
        url = f"sqlite:///{tmp_path / 'hall.db'}"
    opened = open_store(url)
    opened.upgrade()
    yield opened
    opened.close()


def _issued(driver: Driver, command: cmd.IssueTicket) -> str:
    events = driver.do(command)
    return next(e.ticket.id for e in events if isinstance(e, ev.TicketIssued))


@pytest.mark.parametrize("batch", [1, 100])
def test_ticket_rows_follow_moves_and_prioritisations(store: SqlStore, batch: int) -> None:
    hall = Driver(f"moves-{batch}")
    first = _issued(hall, cmd.IssueTicket("social", track=f"mv-{batch}-1"))
    second = _issued(hall, cmd.IssueTicket("tax", track=f"mv-{batch}-2"))
    hall.advance(minutes=2)
    hall.do(cmd.MoveTicket(first, to_queue="B"))
    hall.do(cmd.PrioritiseTicket(first))
    hall.do(cmd.MoveTicket(second, to_window="1"))
    hall.do(cmd.SignIn("1", "s1", "王芳"))
    hall.advance(minutes=1)
    hall.do(cmd.CallNext("1"))  # the ticket directed to window 1 comes first
    for appended in hall.batches([batch]):
        store.append(appended)

    moved = store.ticket(hall.hall, first)
    assert moved is not None
    assert (moved.number, moved.queue, moved.priority) == ("A001", "B", "green")
    assert moved.state == "waiting"
    assert moved.issued_at == local("09:00")
    directed = store.ticket(hall.hall, second)
    assert directed is not None
    assert (directed.queue, directed.priority, directed.state) == ("B", "normal", "called")
    assert (directed.window, directed.clerk, directed.called_at) == ("1", "s1", local("09:03"))
