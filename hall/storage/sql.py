"""`SqlStore`: the `Store` on SQLite or PostgreSQL, through SQLAlchemy Core.

Synchronous and thread-safe: one engine with a pool, a connection per call, no shared session.
An append is one transaction: the events (whose primary key (hall, seq) decides who wins a
race), the hall's read models and the remembered replies commit together or not at all.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from hall.storage import schema
from hall.storage import tables as t
from hall.storage.base import (
    AlertRecord,
    AppointmentRecord,
    Batch,
    ChartSample,
    ConcurrencyConflict,
    DeviceRecord,
    DuplicateRecord,
    IdempotentReply,
    LoadedHall,
    OutboxEntry,
    SequenceGap,
    StaffRecord,
    StorageError,
    StoreUnavailable,
    TicketRecord,
)
from hall.storage.connect import WRITE, create_engine
from hall.storage.payloads import (
    event_from_payload,
    event_to_payload,
    state_from_payload,
    state_to_payload,
)
from hall.storage.readmodel_writes import upsert, write_segments
from hall.storage.readmodels import project
from queueing.apply import apply
from queueing.errors import ConfigError
from queueing.events import HallConfigured
from queueing.model import HallState, initial_state
from queueing.stream import Reply, SequencedEvent

log = logging.getLogger("hall.storage")

SNAPSHOTS_KEPT = 2
LOAD_CHUNK = 2_000
SNAPSHOT_AFTER_REPLAY = 5_000
"""A load that replayed this many events saves a snapshot (the engine saves one every 1,000)."""


class SqlStore:
    """The hall store on one database URL (see `hall.storage.connect` for the URL forms)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self._writer = self.engine.execution_options(**{WRITE: True})

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def upgrade(self) -> None:
        schema.upgrade(self._writer)

    def close(self) -> None:
        self.engine.dispose()

    # --- event streams ----------------------------------------------------------------------

    def hall_ids(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.scalars(sa.select(t.halls.c.id).order_by(t.halls.c.id)))

    def append(self, batch: Batch) -> None:
        _check_batch(batch)
        if not batch.events and not batch.replies:
            return
        with _reachable(), self._writer.begin() as conn:
            _write_batch(conn, batch)

    def decide_and_append(
        self,
        keys: Sequence[tuple[str, str]],
        since: datetime,
        decide: Callable[[dict[tuple[str, str], Reply]], Batch],
    ) -> Batch:
        with _reachable(), self._writer.begin() as conn:
            batch = decide(_find_replies(conn, keys, since))
            _check_batch(batch)
            if batch.events or batch.replies:
                _write_batch(conn, batch)
        return batch

    def read_events(self, hall: str, after_seq: int, limit: int = 10_000) -> list[SequencedEvent]:
        events = t.events
        query = (
            sa.select(events.c.seq, events.c.at, events.c.data)
            .where(events.c.hall == hall, events.c.seq > after_seq)
            .order_by(events.c.seq)
            .limit(limit)
        )
        with _reachable(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [SequencedEvent(hall, seq, at, event_from_payload(data)) for seq, at, data in rows]

    def load_hall(self, hall: str) -> LoadedHall | None:
        with self.engine.connect() as conn:
            state, seq = self._newest_snapshot(conn, hall)
            query = (
                sa.select(t.events.c.seq, t.events.c.data)
                .where(t.events.c.hall == hall, t.events.c.seq > seq)
                .order_by(t.events.c.seq)
                .execution_options(yield_per=LOAD_CHUNK)
            )
            replayed = 0
            for row_seq, data in conn.execute(query):
                if row_seq != seq + 1:
                    raise StorageError(f"hall {hall!r}: event {seq + 1} is missing")
                event = event_from_payload(data)
                if state is None:
                    state = _first_state(hall, event)
                state = apply(state, event)
                seq, replayed = row_seq, replayed + 1
        if state is None:
            return None
        if replayed >= SNAPSHOT_AFTER_REPLAY:
            self._snapshot_quietly(hall, seq, state)
        return LoadedHall(state, seq)

    def _snapshot_quietly(self, hall: str, seq: int, state: HallState) -> None:
        """After a long replay (no snapshot yet, or an unreadable one), save one so that the
        next restart is quick. A failure here costs only that: the load itself succeeded."""
        try:
            self.save_snapshot(hall, seq, state)
        except sa.exc.SQLAlchemyError as error:
            log.warning("hall=%s could not save a snapshot at seq %d: %s", hall, seq, error)

    def _newest_snapshot(self, conn: Connection, hall: str) -> tuple[HallState | None, int]:
        snapshots = t.snapshots
        row = conn.execute(
            sa.select(snapshots.c.seq, snapshots.c.data)
            .where(snapshots.c.hall == hall)
            .order_by(snapshots.c.seq.desc())
            .limit(1)
        ).first()
        if row is None:
            return None, 0
        try:
            return state_from_payload(row.data), int(row.seq)
        except (KeyError, TypeError, ValueError, ConfigError) as error:
            log.warning("hall=%s snapshot %d unreadable (%s): replaying", hall, row.seq, error)
            return None, 0

    def save_snapshot(self, hall: str, seq: int, state: HallState) -> None:
        row = {"hall": hall, "seq": seq, "at": datetime.now(UTC), "data": state_to_payload(state)}
        snapshots = t.snapshots
        with self._writer.begin() as conn:
            upsert(conn, snapshots, [row])
            older = (
                sa.select(snapshots.c.seq)
                .where(snapshots.c.hall == hall)
                .order_by(snapshots.c.seq.desc())
                .offset(SNAPSHOTS_KEPT)
            )
            stale = list(conn.scalars(older))
            if stale:
                conn.execute(
                    sa.delete(snapshots).where(snapshots.c.hall == hall, snapshots.c.seq.in_(stale))
                )

    # --- replies ----------------------------------------------------------------------------

    def find_replies(
        self, keys: Sequence[tuple[str, str]], since: datetime
    ) -> dict[tuple[str, str], Reply]:
        if not keys:
            return {}
        with _reachable(), self.engine.connect() as conn:
            return _find_replies(conn, keys, since)

    def prune(self, before: datetime) -> None:
        with self._writer.begin() as conn:
            conn.execute(sa.delete(t.replies).where(t.replies.c.at < before))

    # --- devices and staff ------------------------------------------------------------------

    def add_device(self, record: DeviceRecord) -> None:
        row = {
            "id": record.id,
            "hall": record.hall,
            "kind": record.kind,
            "window": record.window,
            "name": record.name,
            "token_hash": record.token_hash,
            "created_at": record.created_at,
            "last_seen": record.last_seen,
        }
        try:
            with self._writer.begin() as conn:
                conn.execute(sa.insert(t.devices), [row])
        except sa.exc.IntegrityError as error:
            raise DuplicateRecord(f"device {record.id!r} or its token exists already") from error

    def device_by_token_hash(self, token_hash: str) -> DeviceRecord | None:
        rows = self._devices(t.devices.c.token_hash == token_hash)
        return rows[0] if rows else None

    def devices(self, hall: str) -> list[DeviceRecord]:
        return self._devices(t.devices.c.hall == hall)

    def _devices(self, where: sa.ColumnElement[bool]) -> list[DeviceRecord]:
        devices = t.devices
        query = sa.select(devices).where(where).order_by(devices.c.created_at, devices.c.id)
        with _reachable(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [DeviceRecord(**row._mapping) for row in rows]

    def device(self, hall: str, device_id: str) -> DeviceRecord | None:
        rows = self._devices((t.devices.c.hall == hall) & (t.devices.c.id == device_id))
        return rows[0] if rows else None

    def rename_device(self, hall: str, device_id: str, name: str) -> bool:
        devices = t.devices
        with self._writer.begin() as conn:
            result = conn.execute(
                sa.update(devices)
                .where(devices.c.hall == hall, devices.c.id == device_id)
                .values(name=name)
            )
        return bool(result.rowcount)

    def replace_device_token(self, hall: str, device_id: str, token_hash: str) -> bool:
        devices = t.devices
        try:
            with self._writer.begin() as conn:
                result = conn.execute(
                    sa.update(devices)
                    .where(devices.c.hall == hall, devices.c.id == device_id)
                    .values(token_hash=token_hash)
                )
        except sa.exc.IntegrityError as error:
            raise DuplicateRecord(f"the token of device {device_id!r} is taken") from error
        return bool(result.rowcount)

    def remove_device(self, device_id: str) -> bool:
        with self._writer.begin() as conn:
            result = conn.execute(sa.delete(t.devices).where(t.devices.c.id == device_id))
        return bool(result.rowcount)

    def device_ids(self, hall: str) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.scalars(sa.select(t.devices.c.id).where(t.devices.c.hall == hall)))

    def touch_devices(self, seen: Mapping[str, datetime]) -> None:
        if not seen:
            return
        rows = [{"device_id": device, "seen": at} for device, at in sorted(seen.items())]
        with self._writer.begin() as conn:
            conn.execute(_TOUCH_DEVICE, rows)

    def add_staff(self, record: StaffRecord) -> None:
        row = {
            "hall": record.hall,
            "number": record.number,
            "display_name": record.display_name,
            "role": record.role,
            "password_hash": record.password_hash,
            "photo": record.photo,
            "active": record.active,
        }
        with self._writer.begin() as conn:
            upsert(conn, t.staff, [row])

    def staff(self, hall: str, number: str) -> StaffRecord | None:
        rows = self._staff(hall, number)
        return rows[0] if rows else None

    def staff_members(self, hall: str) -> list[StaffRecord]:
        return self._staff(hall, None)

    def _staff(self, hall: str, number: str | None) -> list[StaffRecord]:
        staff = t.staff
        query = sa.select(staff).where(staff.c.hall == hall).order_by(staff.c.number)
        if number is not None:
            query = query.where(staff.c.number == number)
        with _reachable(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [StaffRecord(**row._mapping) for row in rows]

    def remove_staff(self, hall: str, number: str) -> bool:
        staff = t.staff
        with self._writer.begin() as conn:
            result = conn.execute(
                sa.delete(staff).where(staff.c.hall == hall, staff.c.number == number)
            )
        return bool(result.rowcount)

    # --- read models ------------------------------------------------------------------------

    def ticket(self, hall: str, ticket_id: str) -> TicketRecord | None:
        tickets = t.tickets
        return self._ticket((tickets.c.hall == hall) & (tickets.c.id == ticket_id))

    def ticket_by_track(self, track: str) -> TicketRecord | None:
        if not track:
            return None
        return self._ticket(t.tickets.c.track == track)

    def _ticket(self, where: sa.ColumnElement[bool]) -> TicketRecord | None:
        query = sa.select(*(t.tickets.c[name] for name in _TICKET_FIELDS)).where(where)
        with _reachable(), self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        values = dict(row._mapping)
        values["track"] = values["track"] or ""
        return TicketRecord(**values)

    def appointment(self, hall: str, code: str) -> AppointmentRecord | None:
        appointments = t.appointments
        query = sa.select(*(appointments.c[name] for name in _APPOINTMENT_FIELDS)).where(
            appointments.c.hall == hall, appointments.c.code == code
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else AppointmentRecord(**row._mapping)

    def case_phone(self, hall: str, case_id: str) -> str:
        cases = t.cases
        query = sa.select(cases.c.phone).where(cases.c.hall == hall, cases.c.id == case_id)
        with self.engine.connect() as conn:
            phone = conn.execute(query).scalar()
        return str(phone or "")

    # --- alerts and the chart -------------------------------------------------------------------

    def save_alerts(self, records: Sequence[AlertRecord]) -> None:
        if not records:
            return
        cleared = [
            {"a_hall": r.hall, "a_id": r.id, "a_cleared": r.cleared_at}
            for r in records
            if r.cleared_at is not None
        ]
        with _reachable(), self._writer.begin() as conn:
            upsert(conn, t.alerts, [_alert_row(r) for r in records], update_columns=())
            if cleared:
                conn.execute(_CLEAR_ALERT, cleared)

    def acknowledge_alert(self, record: AlertRecord, at: datetime, by: str | None) -> None:
        values = {"a_hall": record.hall, "a_id": record.id, "a_at": at, "a_by": by}
        with _reachable(), self._writer.begin() as conn:
            upsert(conn, t.alerts, [_alert_row(record)], update_columns=())
            conn.execute(_ACKNOWLEDGE_ALERT, values)

    def alerts(self, hall: str, acknowledged_since: datetime) -> list[AlertRecord]:
        alerts = t.alerts
        query = (
            sa.select(alerts)
            .where(
                alerts.c.hall == hall,
                sa.or_(
                    alerts.c.acknowledged_at.is_(None),
                    alerts.c.cleared_at.is_(None),
                    alerts.c.acknowledged_at >= acknowledged_since,
                ),
            )
            .order_by(alerts.c.raised_at, alerts.c.id)
        )
        with _reachable(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [AlertRecord(**row._mapping) for row in rows]

    def alert(self, hall: str, alert_id: str) -> AlertRecord | None:
        alerts = t.alerts
        query = sa.select(alerts).where(alerts.c.hall == hall, alerts.c.id == alert_id)
        with _reachable(), self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else AlertRecord(**row._mapping)

    def save_chart(self, samples: Sequence[ChartSample]) -> None:
        rows = [
            {
                "hall": sample.hall,
                "at": sample.at,
                "samples": {name: list(pair) for name, pair in sample.samples.items()},
            }
            for sample in samples
        ]
        with _reachable(), self._writer.begin() as conn:
            upsert(conn, t.chart_samples, rows)

    def chart(self, hall: str, since: datetime) -> list[ChartSample]:
        chart = t.chart_samples
        query = (
            sa.select(chart.c.at, chart.c.samples)
            .where(chart.c.hall == hall, chart.c.at >= since)
            .order_by(chart.c.at)
        )
        with _reachable(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            ChartSample(hall, at, {name: (int(w), _int_or_none(e)) for name, (w, e) in s.items()})
            for at, s in rows
        ]


# Hot statements, built once.
_HEAD = sa.select(sa.func.max(t.events.c.seq)).where(t.events.c.hall == sa.bindparam("hall"))
_INSERT_EVENTS = sa.insert(t.events)
_TOUCH_DEVICE = (
    sa.update(t.devices)
    .where(
        t.devices.c.id == sa.bindparam("device_id"),
        sa.or_(t.devices.c.last_seen.is_(None), t.devices.c.last_seen < sa.bindparam("seen")),
    )
    .values(last_seen=sa.bindparam("seen"))
)
_ALERT = (t.alerts.c.hall == sa.bindparam("a_hall")) & (t.alerts.c.id == sa.bindparam("a_id"))
_CLEAR_ALERT = (
    sa.update(t.alerts)
    .where(_ALERT, t.alerts.c.cleared_at.is_(None))
    .values(cleared_at=sa.bindparam("a_cleared"))
)
_ACKNOWLEDGE_ALERT = (
    sa.update(t.alerts)
    .where(_ALERT, t.alerts.c.acknowledged_at.is_(None))
    .values(acknowledged_at=sa.bindparam("a_at"), acknowledged_by=sa.bindparam("a_by"))
)
_TICKET_FIELDS = tuple(TicketRecord.__dataclass_fields__)
_APPOINTMENT_FIELDS = tuple(AppointmentRecord.__dataclass_fields__)


def unreachable(error: BaseException) -> bool:
    """True for a failure that says the database cannot be reached, or did not answer in time
    (a refused or lost connection, a statement, pool or lock timeout), not that the call was
    wrong."""
    if isinstance(error, StoreUnavailable | sa.exc.TimeoutError):
        return True
    if isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError):
        return True
    return isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated


@contextlib.contextmanager
def _reachable() -> Iterator[None]:
    """Failures that say the database cannot be reached become `StoreUnavailable`; any other
    failure stays itself."""
    try:
        yield
    except sa.exc.SQLAlchemyError as error:
        if unreachable(error):
            reason = type(error).__name__
            raise StoreUnavailable(f"the database cannot be reached ({reason})") from error
        raise


def _check_batch(batch: Batch) -> None:
    for offset, stored in enumerate(batch.events, start=1):
        if stored.hall != batch.hall or stored.seq != batch.expected_seq + offset:
            raise ValueError(
                f"batch for hall {batch.hall!r} after seq {batch.expected_seq}: event "
                f"{offset} is ({stored.hall!r}, {stored.seq}), not consecutive"
            )


def _claim(
    conn: Connection, hall: str, expected_seq: int, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert the events at expected_seq + 1...; the unique (hall, seq) key makes this fail
    for every writer but one. The head check first turns the common case into a cheap refusal
    (and catches a caller that is ahead of the database)."""
    head = conn.scalar(_HEAD, {"hall": hall}) or 0
    if head > expected_seq:
        raise ConcurrencyConflict(f"hall {hall!r} is at seq {head}, not {expected_seq}")
    if head < expected_seq:
        raise SequenceGap(f"hall {hall!r} is at seq {head}: cannot append after {expected_seq}")
    try:
        conn.execute(_INSERT_EVENTS, list(rows))
    except sa.exc.IntegrityError as error:
        raise ConcurrencyConflict(f"hall {hall!r}: seq {expected_seq + 1} is taken") from error
    if expected_seq == 0:
        upsert(conn, t.halls, [{"id": hall, "created_at": rows[0]["at"]}], update_columns=())


def _write_batch(conn: Connection, batch: Batch) -> None:
    """Events (claiming their seqs), their read models and the replies, in `conn`'s transaction."""
    if batch.events:
        event_rows = [
            {
                "hall": e.hall,
                "seq": e.seq,
                "at": e.at,
                "name": e.event.name,
                "data": event_to_payload(e.event),
            }
            for e in batch.events
        ]
        _claim(conn, batch.hall, batch.expected_seq, event_rows)
        write_segments(conn, batch.hall, project(batch.events, batch.personal))
        if batch.outbox:  # webhooks: the outbox rows commit with their events or not at all
            conn.execute(sa.insert(t.webhook_outbox), [_outbox_row(o) for o in batch.outbox])
    upsert(conn, t.replies, [_reply_row(r) for r in batch.replies], update_columns=())


def _outbox_row(entry: OutboxEntry) -> dict[str, Any]:
    return {
        "hall": entry.hall,
        "webhook": entry.webhook,
        "seq": entry.seq,
        "event": entry.event,
        "body": entry.body,
        "attempts": 0,
        "next_at": entry.at,
    }


_FIND_REPLIES = sa.select(
    t.replies.c.scope, t.replies.c.key, t.replies.c.reply, t.replies.c.at
).where(sa.tuple_(t.replies.c.scope, t.replies.c.key).in_(sa.bindparam("keys", expanding=True)))


def _find_replies(
    conn: Connection, keys: Sequence[tuple[str, str]], since: datetime
) -> dict[tuple[str, str], Reply]:
    """The replies remembered for `keys`, each found by its primary key. SQLite answers a
    row-value IN by ranging over the table (every reply of the day), so it is asked once per
    key (in-process, microseconds each); PostgreSQL answers the one IN by the key, in one round
    trip. `at` is compared here, not in SQL: a condition on it made SQLite use its index."""
    wanted = set(keys)
    if not wanted:
        return {}
    if conn.dialect.name == "sqlite":
        return _find_replies_sqlite(conn, wanted, since)
    rows = conn.execute(_FIND_REPLIES, {"keys": list(wanted)})
    return {(s, k): Reply(bool(r["ok"]), r["body"]) for s, k, r, at in rows if at >= since}


_FIND_REPLY_SQLITE = 'SELECT reply, at FROM replies WHERE scope = ? AND "key" = ?'


def _find_replies_sqlite(
    conn: Connection, wanted: set[tuple[str, str]], since: datetime
) -> dict[tuple[str, str], Reply]:
    """On the driver's own cursor, in `conn`'s transaction: a primary-key search costs the
    driver microseconds, and SQLAlchemy's statement machinery several times that; this runs
    for every batch of commands. `at` is stored as naive UTC text (`tables.UtcDateTime`)."""
    driver = conn.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        found = {}
        for scope, key in wanted:
            row = cursor.execute(_FIND_REPLY_SQLITE, (scope, key)).fetchone()
            if row is None or datetime.fromisoformat(row[1]).replace(tzinfo=UTC) < since:
                continue
            reply = json.loads(row[0])
            found[(scope, key)] = Reply(bool(reply["ok"]), reply["body"])
        return found
    finally:
        cursor.close()


def _first_state(hall: str, event: Any) -> HallState:
    if not isinstance(event, HallConfigured):
        raise StorageError(f"hall {hall!r}: the first event is {event.name}, not hall.configured")
    return initial_state(event.config)


def _reply_row(remembered: IdempotentReply) -> dict[str, Any]:
    return {
        "scope": remembered.scope,
        "key": remembered.key,
        "reply": {"ok": remembered.reply.ok, "body": dict(remembered.reply.body)},
        "at": remembered.at,
    }


def _alert_row(record: AlertRecord) -> dict[str, Any]:
    return {
        "hall": record.hall,
        "id": record.id,
        "kind": record.kind,
        "severity": record.severity,
        "key": record.key,
        "params": dict(record.params),
        "subject": record.subject,
        "raised_at": record.raised_at,
        "cleared_at": record.cleared_at,
        "acknowledged_at": None,
        "acknowledged_by": None,
    }


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)
