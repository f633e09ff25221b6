"""The webhook tables on SQLite and PostgreSQL: outbox rows commit with their events or not at
all; a claim takes each webhook's oldest row only, and one claimant at a time; a dead claimant's
lease runs out; failures wait for their retry; the log keeps the latest attempts."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hall.storage import SqlStore, open_store
from hall.storage.base import Batch, ConcurrencyConflict, OutboxEntry
from hall.webhooks import Webhook, WebhookStore
from hall.webhooks.store import Attempt, Claimed
from queueing import commands as cmd
from queueing.stream import SequencedEvent
from tests.hall.storage_scenarios import Driver

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
LEASE = NOW + timedelta(seconds=30)
Stores = Callable[[], SqlStore]


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        made: str = request.getfixturevalue("postgres_url")
        return made
    return f"sqlite:///{tmp_path / 'hall.db'}"


@pytest.fixture
def stores(url: str) -> Iterator[Stores]:
    """Stores on the test's one database, as separate processes would open it."""
    opened: list[SqlStore] = []

    def make() -> SqlStore:
        store = open_store(url)
        store.upgrade()
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


def hall_with_events(store: SqlStore, hall: str, broadcasts: int) -> list[SequencedEvent]:
    """A hall's stream committed: `hall.configured` then `broadcasts` broadcasts."""
    driver = Driver(hall)
    for n in range(broadcasts):
        driver.do(cmd.Broadcast(f"广播{n}"))
    events = driver.events()
    store.append(Batch(hall, 0, events[:1]))
    return events


def entry(event: SequencedEvent, webhook: str = "w") -> OutboxEntry:
    return OutboxEntry(
        event.hall, webhook, event.seq, event.event.name, f'{{"seq":{event.seq}}}', NOW
    )


def webhooks_of(store: SqlStore, hall: str, *ids: str) -> WebhookStore:
    hooks = WebhookStore(store.engine)
    for webhook in ids:
        hooks.put(Webhook(hall, webhook, "http://127.0.0.1:9/x", ("*",), "0123456789abcdef", NOW))
    return hooks


def attempt(claimed: Claimed, ok: bool, at: datetime = NOW) -> Attempt:
    status = 200 if ok else 503
    return Attempt(
        claimed.hall,
        claimed.webhook,
        claimed.seq,
        claimed.event,
        claimed.attempts + 1,
        at,
        status,
        "" if ok else "HTTP 503",
        1.5,
        ok,
    )


def test_outbox_rows_commit_with_their_events_or_not_at_all(stores: Stores) -> None:
    store = stores()
    events = hall_with_events(store, "h1", 2)
    hooks = webhooks_of(store, "h1", "w")
    store.append(Batch("h1", 1, events[1:2], outbox=[entry(events[1])]))
    with pytest.raises(ConcurrencyConflict):  # seq 2 is taken: its outbox row is not written
        store.append(Batch("h1", 1, events[1:2], outbox=[entry(events[1], "x")]))
    claims = hooks.claim(NOW, LEASE, 10)
    assert [(c.webhook, c.seq, c.body) for c in claims.rows] == [("w", 2, '{"seq":2}')]
    assert hooks.backlog_total() == 1


def test_only_a_webhooks_oldest_row_is_claimed_until_it_is_delivered(stores: Stores) -> None:
    store = stores()
    events = hall_with_events(store, "h1", 3)
    hooks = webhooks_of(store, "h1", "a", "b")
    rows = [entry(e, w) for e in events[1:] for w in ("a", "b")]
    store.append(Batch("h1", 1, events[1:], outbox=rows))

    first = hooks.claim(NOW, LEASE, 10)
    assert sorted((c.webhook, c.seq) for c in first.rows) == [("a", 2), ("b", 2)]
    assert hooks.claim(NOW, LEASE, 10).rows == []  # leased, and the next ones wait behind them
    a = next(c for c in first.rows if c.webhook == "a")
    hooks.delivered(a, attempt(a, ok=True))
    assert [(c.webhook, c.seq) for c in hooks.claim(NOW, LEASE, 10).rows] == [("a", 3)]
    written = len(events) - 1
    assert hooks.backlog("h1", "a") == written - 1 and hooks.backlog("h1", "b") == written


def test_two_claimants_never_hold_the_same_row(stores: Stores) -> None:
    store, other = stores(), stores()
    events = hall_with_events(store, "h1", 1)
    webhook_ids = [f"w{n}" for n in range(20)]
    webhooks_of(store, "h1", *webhook_ids)
    store.append(Batch("h1", 1, events[1:], outbox=[entry(events[1], w) for w in webhook_ids]))
    claimants = [WebhookStore(store.engine), WebhookStore(other.engine)]
    start = threading.Barrier(2)
    claimed: list[list[Claimed]] = [[], []]

    def claim(index: int) -> None:
        start.wait()
        for _ in range(20):  # 3 at a time: the two race for the same rows
            claimed[index].extend(claimants[index].claim(NOW, LEASE, 3).rows)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    held = [c.webhook for c in claimed[0] + claimed[1]]
    assert sorted(held) == sorted(webhook_ids)  # every row once, by one claimant or the other


def test_a_lease_that_ran_out_is_taken_over(stores: Stores) -> None:
    store = stores()
    events = hall_with_events(store, "h1", 1)
    hooks = webhooks_of(store, "h1", "w")
    store.append(Batch("h1", 1, events[1:], outbox=[entry(events[1])]))
    [dead] = hooks.claim(NOW, LEASE, 10).rows
    assert hooks.claim(LEASE - timedelta(seconds=1), LEASE, 10).rows == []
    [taken] = hooks.claim(LEASE, LEASE + timedelta(seconds=30), 10).rows
    assert taken.seq == dead.seq and taken.lease != dead.lease
    hooks.delivered(dead, attempt(dead, ok=True))  # too late: the row is not its own any more
    assert hooks.backlog("h1", "w") == 1
    hooks.delivered(taken, attempt(taken, ok=True))
    assert hooks.backlog("h1", "w") == 0


def test_a_failed_row_waits_for_its_retry_and_counts_its_attempts(stores: Stores) -> None:
    store = stores()
    events = hall_with_events(store, "h1", 1)
    hooks = webhooks_of(store, "h1", "w")
    store.append(Batch("h1", 1, events[1:], outbox=[entry(events[1])]))
    [first] = hooks.claim(NOW, LEASE, 10).rows
    retry_at = NOW + timedelta(seconds=2)
    hooks.failed(first, attempt(first, ok=False), retry_at)
    waiting = hooks.claim(NOW + timedelta(seconds=1), LEASE, 10)
    assert waiting.rows == [] and waiting.due == retry_at
    [again] = hooks.claim(retry_at, LEASE, 10).rows
    assert again.attempts == 1
    [logged] = hooks.attempts("h1", "w", 10)
    assert (logged.attempt, logged.status, logged.error, logged.delivered) == (
        1,
        503,
        "HTTP 503",
        False,
    )


def test_the_log_keeps_the_latest_attempts_and_a_deleted_webhook_leaves_nothing(
    stores: Stores,
) -> None:
    store = stores()
    events = hall_with_events(store, "h1", 1)
    hooks = webhooks_of(store, "h1", "w")
    store.append(Batch("h1", 1, events[1:], outbox=[entry(events[1])]))
    for n in range(6):
        [claimed] = hooks.claim(NOW + timedelta(seconds=n), LEASE + timedelta(seconds=n), 1).rows
        hooks.failed(claimed, attempt(claimed, ok=False), NOW + timedelta(seconds=n + 1))
    hooks.prune_attempts(keep=4)
    assert [a.attempt for a in hooks.attempts("h1", "w", 10)] == [6, 5, 4, 3]
    [in_flight] = hooks.claim(NOW + timedelta(minutes=1), LEASE + timedelta(minutes=1), 1).rows
    assert hooks.delete("h1", "w") and not hooks.delete("h1", "w")
    hooks.delivered(in_flight, attempt(in_flight, ok=True))  # answered after the delete
    assert hooks.webhooks("h1") == [] and hooks.attempts("h1", "w", 10) == []
    assert hooks.backlog_total() == 0
