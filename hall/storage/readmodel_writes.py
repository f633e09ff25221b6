"""Write projected read-model rows (`readmodels.Segment`) in the caller's transaction.

Rows that may already exist are upserted (`INSERT ... ON CONFLICT`, which SQLite and PostgreSQL
both speak), so a hall reconfigured or a booking code used again never makes an append fail.
Updates of many rows with the same columns go out as one executemany, and each statement shape
is built once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from hall.storage import tables as t
from hall.storage.readmodels import (
    DAY_CLOSE,
    STALE_TICKET_STATES,
    DayStart,
    Row,
    Segment,
    SessionChange,
    Update,
)
from queueing.model import CANCELLED, CLOSED


def write_segments(conn: Connection, hall: str, segments: Iterable[Segment]) -> None:
    for segment in segments:
        _write_segment(conn, hall, segment)


def _write_segment(conn: Connection, hall: str, segment: Segment) -> None:
    if segment.day_start is not None:
        _start_day(conn, hall, segment.day_start)
    if segment.configured_windows is not None:
        _configure_windows(conn, hall, list(segment.configured_windows.values()))
    upsert(conn, t.windows, _with_hall(hall, segment.windows.values()))
    upsert(conn, t.tickets, _with_hall(hall, segment.new_tickets.values()))
    _update_tickets(conn, hall, segment.ticket_updates)
    for change in segment.sessions:
        _session(conn, hall, change)
    upsert(conn, t.appointments, _with_hall(hall, segment.new_appointments.values()))
    _update_rows(conn, t.appointments, "code", hall, segment.appointment_updates)
    if segment.ratings:
        conn.execute(sa.insert(t.ratings), _with_hall(hall, segment.ratings))
    upsert(conn, t.follow_ups, _with_hall(hall, segment.follow_ups.values()))
    for rows in _by_columns(segment.cases.values()):  # a case's phone and decision: when known
        upsert(conn, t.cases, _with_hall(hall, rows))


def _by_columns(rows: Iterable[Row]) -> list[list[Row]]:
    """Rows grouped by the columns they set (one upsert statement per shape)."""
    groups: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return list(groups.values())


def _with_hall(hall: str, rows: Iterable[Row]) -> list[Row]:
    return [{"hall": hall, **row} for row in rows]


def upsert(
    conn: Connection,
    table: sa.Table,
    rows: Sequence[Row],
    update_columns: Sequence[str] | None = None,
) -> None:
    """Insert rows, or update `update_columns` (default: every column but the key) where a
    row with the same primary key exists. An empty `update_columns` means "keep the old row"."""
    if not rows:
        return
    key = [c.name for c in table.primary_key.columns]
    columns = [c for c in rows[0] if c not in key] if update_columns is None else update_columns
    statement = _upsert_statement(conn.dialect.name, table, tuple(columns))
    conn.execute(statement, list(rows))


@cache
def _upsert_statement(dialect_name: str, table: sa.Table, columns: tuple[str, ...]) -> Any:
    """Statements are built once per shape: building one costs more than running it."""
    key = [c.name for c in table.primary_key.columns]
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement: Any = dialect.insert(table)
    if not columns:
        return statement.on_conflict_do_nothing(index_elements=key)
    return statement.on_conflict_do_update(
        index_elements=key, set_={c: statement.excluded[c] for c in columns}
    )


def _update_tickets(conn: Connection, hall: str, updates: dict[str, Update]) -> None:
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Row]] = {}
    for ticket_id, update in updates.items():
        shape = (tuple(sorted(update.set)), tuple(sorted(update.add)))
        params = {"b_hall": hall, "b_key": ticket_id}
        params.update({f"b_{c}": v for c, v in update.set.items()})
        params.update({f"b_add_{c}": v for c, v in update.add.items()})
        groups.setdefault(shape, []).append(params)
    for (sets, adds), params_list in groups.items():
        conn.execute(_update_statement(t.tickets, "id", sets, adds), params_list)


def _update_rows(
    conn: Connection, table: sa.Table, key: str, hall: str, updates: dict[str, Row]
) -> None:
    groups: dict[tuple[str, ...], list[Row]] = {}
    for key_value, columns in updates.items():
        params = {"b_hall": hall, "b_key": key_value}
        params.update({f"b_{c}": v for c, v in columns.items()})
        groups.setdefault(tuple(sorted(columns)), []).append(params)
    for shape, params_list in groups.items():
        conn.execute(_update_statement(table, key, shape, ()), params_list)


@cache
def _update_statement(
    table: sa.Table, key: str, sets: tuple[str, ...], adds: tuple[str, ...]
) -> sa.Update:
    """UPDATE one row by (hall, key): set `sets` to `b_<column>`, add `b_add_<column>` to
    `adds` (a NULL counts as 0)."""
    values: dict[str, Any] = {c: sa.bindparam(f"b_{c}") for c in sets}
    for column in adds:
        values[column] = sa.func.coalesce(table.c[column], 0.0) + sa.bindparam(
            f"b_add_{column}", type_=sa.Float()
        )
    return (
        sa.update(table)
        .where(table.c.hall == sa.bindparam("b_hall"), table.c[key] == sa.bindparam("b_key"))
        .values(values)
    )


def _session(conn: Connection, hall: str, change: SessionChange) -> None:
    sessions = t.staff_sessions
    if change.staff is not None:
        conn.execute(
            sa.insert(sessions).values(
                hall=hall,
                staff=change.staff,
                staff_name=change.staff_name,
                window=change.window,
                signed_in_at=change.at,
            )
        )
        return
    conn.execute(
        sa.update(sessions)
        .where(
            sessions.c.hall == hall,
            sessions.c.window == change.window,
            sessions.c.signed_out_at.is_(None),
        )
        .values(signed_out_at=change.at, end_cause=change.cause)
    )


def _start_day(conn: Connection, hall: str, start: DayStart) -> None:
    windows, tickets, sessions = t.windows, t.tickets, t.staff_sessions
    conn.execute(
        sa.update(windows)
        .where(windows.c.hall == hall)
        .values(status=CLOSED, clerk=None, clerk_name=None, ticket=None, reason=None)
    )
    conn.execute(
        sa.update(tickets)
        .where(tickets.c.hall == hall, tickets.c.state.in_(STALE_TICKET_STATES))
        .values(state=CANCELLED)
    )
    conn.execute(
        sa.update(sessions)
        .where(sessions.c.hall == hall, sessions.c.signed_out_at.is_(None))
        .values(signed_out_at=start.at, end_cause=DAY_CLOSE)
    )


def _configure_windows(conn: Connection, hall: str, rows: list[Row]) -> None:
    windows = t.windows
    conn.execute(
        sa.delete(windows).where(
            windows.c.hall == hall, windows.c.id.not_in([row["id"] for row in rows])
        )
    )
    upsert(conn, windows, _with_hall(hall, rows), update_columns=("name", "queues"))
