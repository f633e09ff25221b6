"""The store on SQLite and on the real PostgreSQL: streams, snapshots, read models, optimistic
concurrency, replies, devices and staff, migrations."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hall.storage import SqlStore, open_store, sql
from hall.storage import tables as t
from hall.storage.base import (
    Batch,
    ConcurrencyConflict,
    DeviceRecord,
    DuplicateRecord,
    IdempotentReply,
    SequenceGap,
    StaffRecord,
)
from hall.storage.connect import SQLITE_BUSY_TIMEOUT_MS, UnsupportedDatabase
from hall.storage.readmodels import window_row
from hall.storage.schema import alembic_config, current_revision, head_revision
from queueing import commands as cmd
from queueing.apply import apply
from queueing.config import parse_config
from queueing.events import DayStarted, HallBroadcast, TicketIssued
from queueing.model import CALLED, FINISHED, WAITING, HallState, initial_state
from queueing.stream import Reply
from tests.hall.storage_scenarios import Driver, busy_days
from tests.queueing.conftest import hall_document, local

StoreFactory = Callable[[], SqlStore]
READ_MODELS = (
    t.tickets,
    t.windows,
    t.staff_sessions,
    t.appointments,
    t.ratings,
    t.follow_ups,
)


@pytest.fixture(params=["sqlite", "postgres"])
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Makes stores on fresh, upgraded databases of the backend under test."""
    made: list[SqlStore] = []
    if request.param == "postgres":
        create_database: Callable[[], str] = request.getfixturevalue("postgres_database")
    counter = iter(range(1_000))

    def make() -> SqlStore:
        if request.param == "postgres":
            url = create_database()
        else:
            url = f"sqlite:///{tmp_path / f'hall-{next(counter)}.db'}"
        store = open_store(url)
        store.upgrade()
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


@pytest.fixture
def store(new_store: StoreFactory) -> SqlStore:
    return new_store()


def commit_all(store: SqlStore, driver: Driver, sizes: list[int] | None = None) -> None:
    for batch in driver.batches(sizes):
        store.append(batch)


def rows(store: SqlStore, table: sa.Table, hall: str) -> list[dict[str, Any]]:
    """A read model's rows for a hall, without generated ids, in a stable order."""
    with store.engine.connect() as conn:
        found = conn.execute(sa.select(table).where(table.c.hall == hall)).mappings().all()
    generated = table in (t.staff_sessions, t.ratings)
    cleaned = [{k: v for k, v in row.items() if k != "id" or not generated} for row in found]
    return sorted(cleaned, key=lambda row: json.dumps(row, default=str, sort_keys=True))


def read_models(store: SqlStore, hall: str) -> dict[str, list[dict[str, Any]]]:
    return {table.name: rows(store, table, hall) for table in READ_MODELS}


def one(store: SqlStore, table: sa.Table, hall: str, **where: Any) -> dict[str, Any]:
    found = [r for r in rows(store, table, hall) if all(r[k] == v for k, v in where.items())]
    assert len(found) == 1, found
    return found[0]


# --- streams and snapshots ----------------------------------------------------------------


def test_append_then_read_and_load_give_back_the_hall(store: SqlStore) -> None:
    driver = busy_days("round")
    commit_all(store, driver, sizes=[1, 3, 7])

    assert store.hall_ids() == ["round"]
    assert store.read_events("round", 0, limit=1_000_000) == driver.events()
    assert store.read_events("round", 10, limit=5) == driver.events()[10:15]
    loaded = store.load_hall("round")
    assert loaded is not None
    assert (loaded.seq, loaded.state) == (driver.seq, driver.state)
    assert store.load_hall("elsewhere") is None


def test_event_times_come_back_in_utc(store: SqlStore) -> None:
    driver = Driver("times")
    commit_all(store, driver)
    (stored,) = store.read_events("times", 0)
    assert stored.at == driver.now
    assert stored.at.utcoffset() == timedelta(0)


def test_load_starts_from_the_newest_snapshot(store: SqlStore) -> None:
    driver = busy_days("snap", commands=200)
    batches = driver.batches()
    half = len(batches) * 3 // 4  # after the second day started (that resets the notice)
    for batch in batches[:half]:
        store.append(batch)
    at_half = batches[half - 1].events[-1].seq
    # Mark the snapshot so that loading from it can be told from replaying every event.
    marked = replace(_state_at(driver, at_half), notice="from the snapshot")
    store.save_snapshot("snap", at_half, marked)
    for batch in batches[half:]:
        store.append(batch)

    loaded = store.load_hall("snap")
    assert loaded is not None and loaded.seq == driver.seq
    resets = (HallBroadcast, DayStarted)
    assert not any(isinstance(e.event, resets) for e in driver.events() if e.seq > at_half)
    assert loaded.state == replace(driver.state, notice="from the snapshot")


def test_an_unreadable_snapshot_falls_back_to_replaying_the_events(store: SqlStore) -> None:
    driver = busy_days("bad-snap", commands=100)
    commit_all(store, driver)
    with store.engine.begin() as conn:
        conn.execute(
            sa.insert(t.snapshots),
            [{"hall": "bad-snap", "seq": driver.seq, "at": driver.now, "data": {"bogus": 1}}],
        )
    loaded = store.load_hall("bad-snap")
    assert loaded is not None
    assert (loaded.seq, loaded.state) == (driver.seq, driver.state)


def test_a_long_replay_leaves_a_snapshot_for_the_next_restart(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    driver = busy_days("long", commands=100)
    commit_all(store, driver)
    monkeypatch.setattr(sql, "SNAPSHOT_AFTER_REPLAY", driver.seq // 2)
    assert _snapshot_seqs(store) == []
    first = store.load_hall("long")
    assert _snapshot_seqs(store) == [driver.seq]
    assert first == store.load_hall("long")
    assert first is not None and first.state == driver.state


def _snapshot_seqs(store: SqlStore) -> list[int]:
    with store.engine.connect() as conn:
        return list(conn.scalars(sa.select(t.snapshots.c.seq).order_by(t.snapshots.c.seq)))


def test_only_the_newest_snapshots_are_kept(store: SqlStore) -> None:
    driver = Driver("few")
    commit_all(store, driver)
    for seq in (1, 2, 3, 4):
        store.save_snapshot("few", seq, driver.state)
    assert _snapshot_seqs(store) == [3, 4]


def _state_at(driver: Driver, seq: int) -> HallState:
    """The hall's state after event `seq`, replayed from its configuration."""
    state = initial_state(driver.config)
    for stored in driver.events()[:seq]:
        state = apply(state, stored.event)
    return state


# --- read models --------------------------------------------------------------------------


def test_read_models_follow_a_citizens_visit(store: SqlStore) -> None:
    hall = Driver("visit")
    hall.do(cmd.SignIn("1", "s1", "王芳"))
    hall.do(cmd.IssueTicket("social", track="track-visit-1"))
    slot = local("10:00").timestamp()
    personal = {"BK1": {"name": "张三", "phone": "13800000000"}}
    hall.do(cmd.Book("social", slot, "citizen-hash", "BK1"), personal)
    hall.advance(minutes=5)
    hall.do(cmd.CallNext("1"))
    hall.advance(minutes=1)
    hall.do(cmd.Start("1"))
    hall.advance(minutes=10)
    hall.do(cmd.Finish("1"))
    hall.advance(minutes=1)
    first = f"{hall.state.day.replace('-', '')}-A001"
    hall.do(cmd.Rate(first, 1, ("slow",), "waited too long"))
    rated_at = hall.now
    hall.advance(minutes=28)  # 09:45, within check-in time for the 10:00 slot
    hall.do(cmd.CheckIn("BK1", track="track-visit-2"))
    hall.advance(minutes=1)
    hall.do(cmd.CallNext("1"))
    hall.do(cmd.Recall("1"))
    commit_all(store, hall)

    record = store.ticket("visit", first)
    assert record is not None and store.ticket_by_track("track-visit-1") == record
    assert (record.state, record.window, record.clerk, record.track) == (
        FINISHED,
        "1",
        "s1",
        "track-visit-1",
    )
    assert record.issued_at == local("09:00")
    assert record.called_at == local("09:05")
    assert record.served_at == local("09:06")
    assert record.finished_at == local("09:16")
    assert (record.wait_seconds, record.service_seconds) == (300.0, 600.0)

    second = store.ticket_by_track("track-visit-2")
    assert second is not None
    assert (second.number, second.priority, second.state, second.recalls) == (
        "A002",
        "appointment",
        CALLED,
        1,
    )
    assert second.called_at == local("09:46") and second.finished_at is None

    appointment = store.appointment("visit", "BK1")
    assert appointment is not None
    assert (appointment.name, appointment.phone) == ("张三", "13800000000")
    assert (appointment.state, appointment.ticket) == ("checked_in", second.id)
    assert appointment.slot_start == local("10:00")

    rating = one(store, t.ratings, "visit")
    assert (rating["ticket"], rating["window"], rating["clerk"], rating["score"]) == (
        first,
        "1",
        "s1",
        1,
    )
    assert (rating["reasons"], rating["comment"], rating["at"]) == (
        ["slow"],
        "waited too long",
        rated_at,
    )
    case = one(store, t.follow_ups, "visit")
    assert (case["ticket"], case["score"], case["status"], case["clerk"]) == (
        first,
        1,
        "open",
        "s1",
    )
    # working-day deadlines (every day works in this hall): closing time, 17:30 (09:30 UTC)
    assert case["type"] == "rating" and case["opened_at"] == rated_at
    assert case["callback_due"] == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)  # 1 working day
    assert case["deadline"] == datetime(2024, 3, 19, 9, 30, tzinfo=UTC)  # 15 to rectify

    window = one(store, t.windows, "visit", id="1")
    assert window == {"hall": "visit", **window_row(hall.state.windows["1"])}
    assert (window["status"], window["clerk"], window["ticket"]) == ("calling", "s1", second.id)
    session = one(store, t.staff_sessions, "visit")
    assert (session["staff"], session["staff_name"], session["window"]) == ("s1", "王芳", "1")
    assert session["signed_in_at"] == local("09:00") and session["signed_out_at"] is None


def test_staff_sessions_end_at_sign_out_and_at_the_day_close(store: SqlStore) -> None:
    hall = Driver("shifts")
    hall.do(cmd.SignIn("1", "s1", "One"))
    hall.do(cmd.SignIn("2", "s2", "Two"))
    hall.do(cmd.IssueTicket("social", track="shift-t1"))
    hall.advance(minutes=30)
    hall.do(cmd.SignOut("1"))
    hall.now = local("09:00") + timedelta(days=1)
    hall.do(cmd.IssueTicket("tax", track="shift-t2"))
    commit_all(store, hall)

    sessions = {s["staff"]: s for s in rows(store, t.staff_sessions, "shifts")}
    assert (sessions["s1"]["signed_out_at"], sessions["s1"]["end_cause"]) == (
        local("09:30"),
        "sign_out",
    )
    assert (sessions["s2"]["signed_out_at"], sessions["s2"]["end_cause"]) == (
        hall.now,
        "day_close",
    )
    assert {w["id"]: w["status"] for w in rows(store, t.windows, "shifts")} == {
        "1": "closed",
        "2": "closed",
        "3": "closed",
        "4": "closed",
    }
    # Yesterday's waiting ticket left the hall with the day; today's waits.
    yesterday, today = store.ticket_by_track("shift-t1"), store.ticket_by_track("shift-t2")
    assert yesterday is not None and yesterday.state == "cancelled"
    assert today is not None and today.state == WAITING and today.day == hall.state.day


def test_reconfiguring_a_hall_renames_adds_and_removes_windows(store: SqlStore) -> None:
    hall = Driver("reconf")
    hall.do(cmd.SignIn("1", "s1", "One"))
    document = hall_document(id="reconf")
    document["windows"] = [
        {"id": "1", "name": "综合窗口一", "queues": {"A": 1.0, "C": 0.5}},
        {"id": "2", "name": "2号窗口", "queues": {"A": 1.0}},
        {"id": "9", "name": "9号窗口", "queues": {"B": 1.0}},
    ]
    hall.do(cmd.Configure(parse_config(document)))
    commit_all(store, hall, sizes=[3])

    assert {w["id"]: w for w in rows(store, t.windows, "reconf")} == {
        wid: {"hall": "reconf", **window_row(w)} for wid, w in hall.state.windows.items()
    }
    assert one(store, t.windows, "reconf", id="1")["clerk"] == "s1"  # still signed in


def test_read_models_match_the_hall_however_the_events_were_batched(
    new_store: StoreFactory,
) -> None:
    driver = busy_days("busy", commands=400)
    one_by_one, grouped = new_store(), new_store()
    commit_all(one_by_one, driver)
    commit_all(grouped, driver, sizes=[5, 1, 17, 2, 60])

    models = read_models(one_by_one, "busy")
    assert read_models(grouped, "busy") == models
    assert {w["id"]: w for w in models["windows"]} == {
        wid: {"hall": "busy", **window_row(w)} for wid, w in driver.state.windows.items()
    }
    in_play = {r["id"]: r for r in models["tickets"] if r["id"] in driver.state.tickets}
    assert len(in_play) == len(driver.state.tickets)
    for ticket in driver.state.tickets.values():
        row = in_play[ticket.id]
        assert (row["state"], row["queue"], row["recalls"]) == (
            ticket.state,
            ticket.queue,
            ticket.recalls,
        )
    issued = [e.event.ticket for e in driver.events() if isinstance(e.event, TicketIssued)]
    assert len(models["tickets"]) == len(issued)
    ratings = [e for e in driver.events() if e.event.name == "rating.submitted"]
    assert len(models["ratings"]) == len(ratings) > 0
    assert len(models["follow_ups"]) > 0 and models["appointments"]


# --- optimistic concurrency ---------------------------------------------------------------


def test_a_taken_seq_is_a_conflict_and_writes_nothing(store: SqlStore) -> None:
    winner = busy_days("race", commands=60)
    commit_all(store, winner)
    before = (store.read_events("race", 0), read_models(store, "race"))

    loser = Driver("race")  # the same hall, decided without knowing the winner's events
    loser.steps = []
    slot = local("10:00").timestamp()
    loser.do(cmd.SignIn("3", "late", "Late"))
    loser.do(cmd.IssueTicket("tax", track="race-loser"))
    loser.do(cmd.Book("tax", slot, "someone", "BK-LOSER"), {"BK-LOSER": {"name": "李四"}})
    events = loser.events()
    assert events[0].seq == 2  # seq 2.. are taken: only the hall's first event is shared
    reply = IdempotentReply("race/kiosk", "req-1", Reply(True, {"n": 1}), loser.now)
    batch = Batch("race", 1, events, [reply], {"BK-LOSER": {"name": "李四"}})

    with pytest.raises(ConcurrencyConflict):
        store.append(batch)
    assert (store.read_events("race", 0), read_models(store, "race")) == before
    assert store.find_replies([("race/kiosk", "req-1")], loser.now - timedelta(days=1)) == {}
    assert store.ticket_by_track("race-loser") is None


def test_a_batch_ahead_of_the_stream_is_refused(store: SqlStore) -> None:
    driver = busy_days("ahead", commands=30)
    batches = driver.batches()
    store.append(batches[0])
    with pytest.raises(SequenceGap):
        store.append(batches[2])
    assert store.read_events("ahead", 0) == batches[0].events


def test_a_batch_must_be_consecutive(store: SqlStore) -> None:
    driver = busy_days("holes", commands=30)
    events = driver.events()
    with pytest.raises(ValueError, match="consecutive"):
        store.append(Batch("holes", 0, [events[0], events[2]]))
    assert store.load_hall("holes") is None


def test_two_stores_racing_on_one_seq_exactly_one_wins(new_store: StoreFactory) -> None:
    first = new_store()
    second = open_store(first.url)  # another engine (another server) on the same database
    try:
        _race(first, second, rounds=25)
    finally:
        second.close()


def _race(first: SqlStore, second: SqlStore, rounds: int) -> None:
    hall = Driver("contended")
    hall.do(cmd.SignIn("1", "s1", "One"))
    commit_all(first, hall)
    winners: list[str] = []
    for n in range(rounds):
        contenders = [_contender(hall, f"r{n}-{side}") for side in "ab"]
        winner = _race_round(first, second, contenders)
        hall = contenders[winner]
        winners.append(f"r{n}-{'ab'[winner]}")
    assert first.read_events("contended", 0, limit=100_000) == hall.events()
    assert sorted(r["track"] for r in rows(first, t.tickets, "contended")) == sorted(winners)
    loaded = second.load_hall("contended")
    assert loaded is not None and loaded.state == hall.state


def _race_round(first: SqlStore, second: SqlStore, contenders: list[Driver]) -> int:
    """Both stores append their contender's newest batch at once; the winner's index."""
    barrier = threading.Barrier(2)
    outcomes = ["", ""]

    def append(i: int, store: SqlStore) -> None:
        barrier.wait()
        try:
            store.append(contenders[i].batches()[-1])
            outcomes[i] = "won"
        except ConcurrencyConflict:
            outcomes[i] = "conflict"

    threads = [threading.Thread(target=append, args=(i, s)) for i, s in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "won"], outcomes
    return outcomes.index("won")


def _contender(hall: Driver, track: str) -> Driver:
    """A copy of the hall that issues one ticket: its newest step is the contested batch."""
    copy = Driver(hall.hall, hall.config)
    copy.state, copy.seq, copy.steps, copy.now = hall.state, hall.seq, list(hall.steps), hall.now
    copy.do(cmd.IssueTicket("social", track=track))
    return copy


def test_many_threads_write_one_store_at_once(store: SqlStore) -> None:
    drivers = [busy_days(f"thread-{i}", seed=i, commands=120) for i in range(4)]
    failures: list[BaseException] = []

    def write(driver: Driver) -> None:
        try:
            commit_all(store, driver)
        except BaseException as error:  # collected and reported by the test thread
            failures.append(error)

    threads = [threading.Thread(target=write, args=(d,)) for d in drivers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert store.hall_ids() == sorted(d.hall for d in drivers)
    for driver in drivers:
        loaded = store.load_hall(driver.hall)
        assert loaded is not None and loaded.state == driver.state


# --- replies, devices, staff --------------------------------------------------------------


def test_replies_are_remembered_found_and_pruned(store: SqlStore) -> None:
    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    first = Reply(True, {"ticket": {"number": "A001"}, "print": ["高新区", "A001"]})
    refused = Reply(False, {"code": "unknown_service", "message": "no service 'x'"})
    store.append(
        Batch(
            "h",
            0,
            [],
            [
                IdempotentReply("h/kiosk-1", "cmd-1", first, now),
                IdempotentReply("h/kiosk-1", "cmd-2", refused, now + timedelta(hours=2)),
            ],
        )
    )
    # The same key again keeps the first reply.
    again = Reply(True, {"ticket": {"number": "A002"}})
    store.append(Batch("h", 0, [], [IdempotentReply("h/kiosk-1", "cmd-1", again, now)]))

    day_ago = now - timedelta(hours=24)
    cmd1, cmd2, other = ("h/kiosk-1", "cmd-1"), ("h/kiosk-1", "cmd-2"), ("h/kiosk-2", "cmd-1")
    keys = [cmd1, cmd2, other]
    assert store.find_replies(keys, day_ago) == {cmd1: first, cmd2: refused}
    assert store.find_replies([cmd1, cmd1], day_ago) == {cmd1: first}
    assert store.find_replies([other], day_ago) == {}
    assert store.find_replies([], day_ago) == {}
    assert store.find_replies(keys, now + timedelta(minutes=1)) == {cmd2: refused}

    store.prune(now + timedelta(hours=1))
    assert store.find_replies(keys, day_ago) == {cmd2: refused}


def test_finding_replies_searches_the_primary_key_however_many_replies_the_day_has(
    tmp_path: Path,
) -> None:
    """Every command looks up its earlier reply by (scope, key). The lookup must be an index
    search on that key: a range over the day's replies (all of them, by `at`) made every
    command slower as the day went on."""
    executed: list[str] = []
    store = SqlStore(f"sqlite:///{tmp_path / 'replies.db'}")

    def trace(dbapi_connection: Any, _record: Any) -> None:  # every statement, as run
        dbapi_connection.set_trace_callback(executed.append)

    sa.event.listen(store.engine, "connect", trace)
    store.upgrade()
    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    ok = Reply(True, {})
    store.append(
        Batch("h", 0, [], [IdempotentReply(f"h/k{i % 7}", f"c{i}", ok, now) for i in range(50)])
    )
    executed.clear()
    keys = [("h/k1", "c1"), ("h/k1", "c8"), ("h/k2", "c2"), ("h/k9", "c9")]
    found = store.find_replies(keys, now - timedelta(hours=24))
    assert set(found) == {("h/k1", "c1"), ("h/k1", "c8"), ("h/k2", "c2")}
    lookups = [sql for sql in executed if sql.lstrip().upper().startswith("SELECT")]
    assert lookups and all("FROM replies" in sql for sql in lookups)
    with store.engine.connect() as conn:
        for sql in lookups:
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
            details = " | ".join(str(row[-1]) for row in plan)
            assert "sqlite_autoindex_replies_1 (scope=? AND key=?)" in details, details
            assert "ix_replies_at" not in details, details
    store.close()


def test_replies_commit_with_their_events(store: SqlStore) -> None:
    driver = Driver("with-reply")
    driver.do(cmd.IssueTicket("social", track="wr-1"))
    reply = IdempotentReply("with-reply/kiosk", "k1", Reply(True, {"ok": 1}), driver.now)
    events = driver.events()
    store.append(Batch("with-reply", 0, events, [reply]))
    key = ("with-reply/kiosk", "k1")
    assert store.find_replies([key], driver.now) == {key: reply.reply}
    assert store.read_events("with-reply", 0) == events


def test_devices_are_added_found_listed_and_removed(store: SqlStore) -> None:
    now = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    kiosk = DeviceRecord("d1", "h", "kiosk", None, "大厅取号机", "hash-1", now)
    clerk = DeviceRecord("d2", "h", "clerk", "5", "clerk 5", "hash-2", now + timedelta(seconds=1))
    other = DeviceRecord("d3", "other", "tablet", None, "tablet", "hash-3", now)
    for record in (kiosk, clerk, other):
        store.add_device(record)

    assert store.device_by_token_hash("hash-2") == clerk
    assert store.device_by_token_hash("nope") is None
    assert store.devices("h") == [kiosk, clerk]
    with pytest.raises(DuplicateRecord):
        store.add_device(replace(kiosk, token_hash="hash-9"))
    with pytest.raises(DuplicateRecord):
        store.add_device(replace(kiosk, id="d9"))

    assert store.remove_device("d1") is True
    assert store.remove_device("d1") is False
    assert store.device_by_token_hash("hash-1") is None
    assert store.devices("h") == [clerk]


def test_devices_are_found_by_hall_renamed_and_stamped_when_seen(store: SqlStore) -> None:
    now = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    kiosk = DeviceRecord("d1", "h", "kiosk", None, "大厅取号机", "hash-1", now)
    tablet = DeviceRecord("d2", "other", "tablet", None, "tablet", "hash-2", now)
    for record in (kiosk, tablet):
        store.add_device(record)

    assert store.device("h", "d1") == kiosk and kiosk.last_seen is None
    assert store.device("other", "d1") is None
    assert store.rename_device("h", "d1", "东门取号机") is True
    assert store.rename_device("other", "d1", "nope") is False
    assert store.device_ids("h") == {"d1"} and store.device_ids("none") == set()

    later = now + timedelta(minutes=5)
    store.touch_devices({"d1": later, "d2": now, "gone": now})
    store.touch_devices({"d1": now})  # older: last_seen never moves back
    assert store.device("h", "d1") == replace(kiosk, name="东门取号机", last_seen=later)
    assert store.device("other", "d2") == replace(tablet, last_seen=now)


def test_a_device_token_is_replaced_in_its_hall_only(store: SqlStore) -> None:
    now = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    kiosk = DeviceRecord("d1", "h", "kiosk", None, "大厅取号机", "hash-1", now)
    tablet = DeviceRecord("d2", "h", "tablet", None, "tablet", "hash-2", now)
    for record in (kiosk, tablet):
        store.add_device(record)

    assert store.replace_device_token("h", "d1", "hash-new") is True
    assert store.device_by_token_hash("hash-1") is None
    assert store.device_by_token_hash("hash-new") == replace(kiosk, token_hash="hash-new")
    assert store.replace_device_token("other", "d1", "hash-x") is False
    assert store.replace_device_token("h", "gone", "hash-x") is False
    with pytest.raises(DuplicateRecord):
        store.replace_device_token("h", "d1", "hash-2")
    assert store.device("h", "d1") == replace(kiosk, token_hash="hash-new")


def test_staff_accounts_are_active_until_deactivated(store: SqlStore) -> None:
    clerk = StaffRecord("h", "1001", "王芳", "clerk", "hash-a")
    assert clerk.active is True
    store.add_staff(clerk)
    store.add_staff(replace(clerk, active=False))

    stored = store.staff("h", "1001")
    assert stored is not None and stored.active is False
    store.add_staff(clerk)
    assert store.staff("h", "1001") == clerk


def test_staff_are_added_replaced_listed_and_removed(store: SqlStore) -> None:
    clerk = StaffRecord("h", "1001", "王芳", "clerk", "hash-a", "data:image/png;base64,AAAA")
    manager = StaffRecord("h", "0001", "李主任", "manager", "hash-b")
    store.add_staff(clerk)
    store.add_staff(manager)
    store.add_staff(StaffRecord("other", "1001", "Someone", "clerk", "hash-c"))

    assert store.staff("h", "1001") == clerk
    assert store.staff("h", "9999") is None
    renamed = replace(clerk, display_name="王芳芳", password_hash="hash-new")
    store.add_staff(renamed)
    assert store.staff("h", "1001") == renamed
    assert store.staff_members("h") == [manager, renamed]

    assert store.remove_staff("h", "1001") is True
    assert store.remove_staff("h", "1001") is False
    assert store.staff_members("h") == [manager]


# --- schema -------------------------------------------------------------------------------


def test_upgrade_is_idempotent_and_keeps_data(store: SqlStore) -> None:
    driver = busy_days("kept", commands=40)
    commit_all(store, driver)
    assert current_revision(store.engine) == head_revision() is not None
    store.upgrade()
    store.upgrade()
    assert current_revision(store.engine) == head_revision()
    loaded = store.load_hall("kept")
    assert loaded is not None and loaded.state == driver.state


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_accounts_made_before_0002_stay_active_and_unseen(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    if backend == "postgres":
        url = request.getfixturevalue("postgres_url")
    store = open_store(url)
    try:
        with store.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0001")
            conn.execute(
                sa.text(
                    "INSERT INTO staff (hall, number, display_name, role, password_hash, photo) "
                    "VALUES ('h', '1001', '王芳', 'clerk', 'hash', '')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO devices (id, hall, kind, name, token_hash, created_at) "
                    "VALUES ('d1', 'h', 'kiosk', 'kiosk', 'hash-1', '2026-11-22 08:00:00')"
                )
            )
        store.upgrade()
        staff = store.staff("h", "1001")
        device = store.device("h", "d1")
    finally:
        store.close()
    assert staff is not None and staff.active is True
    assert device is not None and device.last_seen is None


def test_the_migrations_create_exactly_the_declared_tables(store: SqlStore) -> None:
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), t.metadata)
    assert differences == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    try:
        with store.engine.connect() as conn:
            pragmas = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
    finally:
        store.close()
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["synchronous"] == 1  # NORMAL
    assert pragmas["foreign_keys"] == 1
    assert pragmas["busy_timeout"] == SQLITE_BUSY_TIMEOUT_MS


@pytest.mark.parametrize(
    "url", ["mysql://root@localhost/hall", "sqlite://", "sqlite:///:memory:", "not a url"]
)
def test_unsupported_database_urls_are_refused_clearly(url: str) -> None:
    with pytest.raises(UnsupportedDatabase, match="sqlite|postgresql|URL"):
        open_store(url)


def test_event_ordering_helper_sanity() -> None:
    """The scenario generator gives what the storage tests rely on: every kind of change."""
    names = {e.event.name for e in busy_days("mix").events()}
    expected = {
        "hall.configured",
        "hall.day_started",
        "ticket.issued",
        "ticket.called",
        "ticket.serving",
        "ticket.finished",
        "ticket.no_show",
        "ticket.transferred",
        "ticket.parked",
        "ticket.unparked",
        "window.changed",
        "rating.submitted",
        "follow_up.opened",
        "appointment.booked",
        "appointment.checked_in",
    }
    assert expected <= names
