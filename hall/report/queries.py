"""Read one hall's day from the database: the read models of ratings, appointments, follow-up
cases and staff sessions, and the day's ticket and window events.

Tickets, waits and service times come from the events: the tickets read model keeps each
ticket's current queue, its latest call and the sum of its waits, while the figures count a
ticket in the queue it joined, and a ticket that is transferred, moves on to a bundle's next
step or is reactivated waits again, each wait counting where it was called (docs/metrics.md).

Commit times never go back along a hall's stream (the engine stamps a batch no earlier than the
one before), so the day's events are one run of sequence numbers, found by bisection on the
primary key instead of a scan.

Only the columns the report shows are selected: never names, phones, booking codes, tracker
tokens or rating comments.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from hall.report.applications import read_applications
from hall.report.day import ReportDay
from hall.report.rows import Booking, Case, DayRows, Rating, Session
from hall.report.steps import EVENT_NAMES
from hall.storage import tables as t
from hall.storage.payloads import event_from_payload
from queueing.config import HallConfig
from queueing.events import Event

CHUNK = 2_000


def read_day(engine: Engine, config: HallConfig, day: ReportDay) -> DayRows:
    """Everything the report of `config`'s hall on `day` needs, up to `day.until`."""
    start, until = _utc(day.start), _utc(day.until)
    with engine.connect() as conn:
        return DayRows(
            config=config,
            day=day,
            events=_events(conn, config.id, start, until),
            ratings=_ratings(conn, config.id, start, until),
            bookings=_bookings(conn, config.id, start, _utc(day.end)),
            cases=_cases(conn, config.id, start, until),
            sessions=_sessions(conn, config.id, start, until),
            applications=read_applications(conn, config.id, start, until),
        )


def _utc(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def _epoch(value: datetime) -> float:
    return value.timestamp()


def _ratings(conn: Connection, hall: str, start: datetime, until: datetime) -> tuple[Rating, ...]:
    ratings = t.ratings
    query = (
        sa.select(ratings.c.window, ratings.c.clerk, ratings.c.score, ratings.c.at)
        .where(ratings.c.hall == hall, ratings.c.at >= start, ratings.c.at < until)
        .order_by(ratings.c.at, ratings.c.id)
    )
    return tuple(Rating(w, c, int(s), _epoch(at)) for w, c, s, at in conn.execute(query))


def _bookings(conn: Connection, hall: str, start: datetime, end: datetime) -> tuple[Booking, ...]:
    appointments = t.appointments
    query = (
        sa.select(
            appointments.c.service,
            appointments.c.slot_start,
            appointments.c.state,
            appointments.c.on_time,
        )
        .where(
            appointments.c.hall == hall,
            appointments.c.slot_start >= start,
            appointments.c.slot_start < end,
        )
        .order_by(appointments.c.slot_start)
    )
    return tuple(Booking(s, _epoch(at), st, ot) for s, at, st, ot in conn.execute(query))


def _cases(conn: Connection, hall: str, start: datetime, until: datetime) -> tuple[Case, ...]:
    cases = t.follow_ups
    query = (
        sa.select(
            cases.c.case,
            cases.c.number,
            cases.c.window,
            cases.c.clerk,
            cases.c.score,
            cases.c.status,
            cases.c.opened_at,
            cases.c.deadline,
            cases.c.type,
            cases.c.outcome,
            cases.c.closed_at,
            cases.c.satisfied,
        )
        .where(cases.c.hall == hall, cases.c.opened_at >= start, cases.c.opened_at < until)
        .order_by(cases.c.opened_at, cases.c.case)
    )
    return tuple(_case(row) for row in conn.execute(query))


def _case(row: Any) -> Case:
    """A follow-up's row (差评整改, 投诉, 回访): never the citizen's words."""
    case, number, window, clerk, score, status, opened, deadline, *rest = row
    kind, outcome, closed, satisfied = rest
    closed_at = _epoch(closed) if closed is not None else None
    return Case(
        case,
        number,
        window,
        clerk,
        int(score),
        status,
        _epoch(opened),
        _epoch(deadline),
        kind,
        outcome,
        closed_at,
        satisfied,
    )


def _sessions(conn: Connection, hall: str, start: datetime, until: datetime) -> tuple[Session, ...]:
    sessions = t.staff_sessions
    query = (
        sa.select(
            sessions.c.staff,
            sessions.c.staff_name,
            sessions.c.window,
            sessions.c.signed_in_at,
            sessions.c.signed_out_at,
        )
        .where(
            sessions.c.hall == hall,
            sessions.c.signed_in_at < until,
            sa.or_(sessions.c.signed_out_at.is_(None), sessions.c.signed_out_at > start),
        )
        .order_by(sessions.c.signed_in_at, sessions.c.id)
    )
    return tuple(
        Session(staff, name, window, _epoch(signed_in), None if out is None else _epoch(out))
        for staff, name, window, signed_in, out in conn.execute(query)
    )


# --- events ----------------------------------------------------------------------------------


def _events(
    conn: Connection, hall: str, start: datetime, until: datetime
) -> tuple[tuple[float, Event], ...]:
    head = conn.scalar(sa.select(sa.func.max(t.events.c.seq)).where(t.events.c.hall == hall))
    if not head:
        return ()
    first = _first_seq_at(conn, hall, start, int(head))
    after = _first_seq_at(conn, hall, until, int(head))
    found: list[tuple[float, Event]] = []
    for low in range(first, after, CHUNK):
        found += _event_chunk(conn, hall, low, min(after, low + CHUNK))
    return tuple(found)


_AT_OF_SEQ = sa.select(t.events.c.at).where(
    t.events.c.hall == sa.bindparam("hall"), t.events.c.seq == sa.bindparam("seq")
)


def _first_seq_at(conn: Connection, hall: str, moment: datetime, head: int) -> int:
    """The first seq committed at or after `moment` (head + 1 when none is)."""
    low, high = 1, head + 1
    while low < high:
        middle = (low + high) // 2
        at = conn.scalar(_AT_OF_SEQ, {"hall": hall, "seq": middle})
        if at is not None and at < moment:
            low = middle + 1
        else:
            high = middle
    return low


def _event_chunk(conn: Connection, hall: str, low: int, high: int) -> list[tuple[float, Event]]:
    events = t.events
    query = (
        sa.select(events.c.at, events.c.data)
        .where(
            events.c.hall == hall,
            events.c.seq >= low,
            events.c.seq < high,
            events.c.name.in_(EVENT_NAMES),
        )
        .order_by(events.c.seq)
    )
    rows: Sequence[Any] = conn.execute(query).all()
    return [(_epoch(at), event_from_payload(data)) for at, data in rows]
