"""The database tables, as SQLModel classes. The schema itself is created by the Alembic
migrations in `hall/migrations/`; a test checks that they and these classes agree.

Event streams (`events`, `snapshots`, `halls`), idempotency (`replies`), identities (`devices`,
`staff`) and the read models written in the same transaction as the events (`tickets`,
`windows`, `staff_sessions`, `appointments`, `ratings`, `follow_ups`); what floor managers rely on
across restarts and processes (`alerts` with their acknowledgements, `chart_samples`: the day's
chart). Times are stored in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timestamp that goes in and comes out as an aware UTC datetime, on every backend
    (SQLite keeps no zone: it stores naive UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _time(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=sa.Column(UtcDateTime(), nullable=nullable, index=index))


def _json(*, nullable: bool = False) -> Any:
    return Field(sa_column=sa.Column(sa.JSON(), nullable=nullable))


# --- event streams ------------------------------------------------------------------------


class HallRow(SQLModel, table=True):
    """One row per hall, written with its first event: the list of halls to load at start."""

    __tablename__ = "halls"

    id: str = Field(primary_key=True)
    created_at: datetime = _time()


class EventRow(SQLModel, table=True):
    """A hall's append-only event stream. The primary key (hall, seq) is the arbiter of
    optimistic concurrency: two writers can never both commit the same seq."""

    __tablename__ = "events"

    hall: str = Field(primary_key=True)
    seq: int = Field(sa_column=sa.Column(sa.BigInteger(), primary_key=True, autoincrement=False))
    at: datetime = _time()
    name: str
    data: dict[str, Any] = _json()


class SnapshotRow(SQLModel, table=True):
    """A hall's whole state at `seq` (`queueing.codec.state_to_dict`), to restart quickly."""

    __tablename__ = "snapshots"

    hall: str = Field(primary_key=True)
    seq: int = Field(sa_column=sa.Column(sa.BigInteger(), primary_key=True, autoincrement=False))
    at: datetime = _time()
    data: dict[str, Any] = _json()


class ReplyRow(SQLModel, table=True):
    """The first reply to a command id (scope = hall + device, key = the command id)."""

    __tablename__ = "replies"

    scope: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    reply: dict[str, Any] = _json()
    at: datetime = _time(index=True)


# --- identities ---------------------------------------------------------------------------


class DeviceRow(SQLModel, table=True):
    __tablename__ = "devices"

    id: str = Field(primary_key=True)
    hall: str = Field(index=True)
    kind: str
    window: str | None = None
    name: str
    token_hash: str = Field(unique=True)
    created_at: datetime = _time()
    last_seen: datetime | None = _time(nullable=True)


class StaffRow(SQLModel, table=True):
    __tablename__ = "staff"

    hall: str = Field(primary_key=True)
    number: str = Field(primary_key=True)
    display_name: str
    role: str
    password_hash: str
    photo: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    active: bool = Field(
        default=True, sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.true())
    )


# --- read models --------------------------------------------------------------------------


class TicketRow(SQLModel, table=True):
    """Every ticket with every timing. `wait_seconds` and `service_seconds` add up the steps
    finished so far; `called_at` and `served_at` are those of the latest call."""

    __tablename__ = "tickets"
    __table_args__ = (
        sa.Index("ix_tickets_hall_day", "hall", "day"),
        sa.Index("ix_tickets_hall_state", "hall", "state"),
    )

    hall: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    day: str
    number: str
    queue: str
    service: str
    priority: str
    state: str
    step: int
    track: str | None = Field(default=None, unique=True)
    booking: str | None = None
    issued_at: datetime = _time()
    called_at: datetime | None = _time(nullable=True)
    served_at: datetime | None = _time(nullable=True)
    finished_at: datetime | None = _time(nullable=True)
    window: str | None = None
    clerk: str | None = None
    wait_seconds: float | None = None
    service_seconds: float | None = None
    recalls: int


class WindowRow(SQLModel, table=True):
    """Each window as it is now: status, clerk, the ticket in hand, since when."""

    __tablename__ = "windows"

    hall: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    name: str
    status: str
    clerk: str | None = None
    clerk_name: str | None = None
    ticket: str | None = None
    reason: str | None = None
    since: datetime = _time()
    queues: dict[str, float] = _json()


class StaffSessionRow(SQLModel, table=True):
    """A clerk's time at a window (上岗 to 离岗): from sign-in to sign-out, window close or
    the day's end (`end_cause`: sign_out, close, staff_revoked, day_close)."""

    __tablename__ = "staff_sessions"
    __table_args__ = (sa.Index("ix_staff_sessions_hall_window", "hall", "window"),)

    id: int | None = Field(default=None, primary_key=True)
    hall: str
    staff: str
    staff_name: str | None = None
    window: str
    signed_in_at: datetime = _time()
    signed_out_at: datetime | None = _time(nullable=True)
    end_cause: str | None = None


class AppointmentRow(SQLModel, table=True):
    """A booking, with the citizen's name and phone. Personal data: server-side only."""

    __tablename__ = "appointments"

    hall: str = Field(primary_key=True)
    code: str = Field(primary_key=True)
    service: str
    slot_start: datetime = _time()
    state: str
    citizen: str
    name: str
    phone: str
    ticket: str | None = None
    on_time: bool | None = None
    booked_at: datetime = _time()
    checked_in_at: datetime | None = _time(nullable=True)


class RatingRow(SQLModel, table=True):
    __tablename__ = "ratings"
    __table_args__ = (sa.Index("ix_ratings_hall_at", "hall", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    hall: str
    ticket: str
    number: str
    window: str
    clerk: str | None = None
    score: int
    reasons: list[str] = _json()
    comment: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    at: datetime = _time()


class FollowUpRow(SQLModel, table=True):
    """A follow-up (差评整改, 投诉, 回访: queueing/follow_ups.py) as it is now: `case` is its id,
    `deadline` when it must be closed, `callback_due` when the citizen must have been called
    back. `ticket`, `number`, `window` are "" and `score` 0 where none applies (complaints,
    callbacks); `about_case` is the case (办件) a complaint or callback is about. No citizen's
    words and no phone: those stay in the event stream and the bookings."""

    __tablename__ = "follow_ups"
    __table_args__ = (sa.Index("ix_follow_ups_hall_opened_at", "hall", "opened_at"),)

    hall: str = Field(primary_key=True)
    case: str = Field(primary_key=True)
    ticket: str
    number: str
    window: str
    clerk: str | None = None
    score: int
    status: str
    opened_at: datetime = _time()
    deadline: datetime = _time()
    type: str = Field(
        default="rating",
        sa_column=sa.Column(sa.String(), nullable=False, server_default="rating"),
    )
    service: str | None = None
    channel: str | None = None
    about_case: str | None = None
    assignee: str | None = None
    outcome: str | None = None
    callback_due: datetime | None = _time(nullable=True)
    called_back_at: datetime | None = _time(nullable=True)
    rectified_at: datetime | None = _time(nullable=True)
    closed_at: datetime | None = _time(nullable=True)
    attempts: int = Field(
        default=0, sa_column=sa.Column(sa.Integer(), nullable=False, server_default="0")
    )
    satisfied: bool | None = None
    rectification: str = Field(
        default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default="")
    )
    overdue: bool = Field(
        default=False,
        sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false()),
    )


class CaseRow(SQLModel, table=True):
    """A case (办件, queueing/cases.py) as it is now: `due` its promised local date, the times it
    was decided and closed, and the citizen's contact phone (personal data: server-side only,
    never sent to a device; "" when none was given)."""

    __tablename__ = "cases"
    __table_args__ = (sa.Index("ix_cases_hall_opened_at", "hall", "opened_at"),)

    hall: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    code: str
    service: str
    office: str
    status: str
    due: str
    immediate: bool
    ticket: str
    number: str
    window: str | None = None
    pickup: str | None = None
    phone: str = ""
    opened_at: datetime = _time()
    decided_at: datetime | None = _time(nullable=True)
    closed_at: datetime | None = _time(nullable=True)


# --- floor managers' alerts and chart -------------------------------------------------------


class AlertRow(SQLModel, table=True):
    """An alert raised in a hall (`metrics.alerts.Alert`), when it cleared, and who acknowledged
    it when. Every process raising the same alert writes the same row (its id is made from the
    hall's data); the first clear and the first acknowledgement stand."""

    __tablename__ = "alerts"

    hall: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    kind: str
    severity: str
    key: str
    params: dict[str, Any] = _json()
    subject: str
    raised_at: datetime = _time()
    cleared_at: datetime | None = _time(nullable=True)
    acknowledged_at: datetime | None = _time(nullable=True)
    acknowledged_by: str | None = None


class ChartSampleRow(SQLModel, table=True):
    """One minute of a hall's chart (`metrics.history.DayHistory`): per series (each queue and
    `hall`), `[waiting, eta_new_s]`, the last figures of the minute."""

    __tablename__ = "chart_samples"

    hall: str = Field(primary_key=True)
    at: datetime = Field(sa_column=sa.Column(UtcDateTime(), primary_key=True))
    samples: dict[str, Any] = _json()


# --- outbound webhooks (docs/webhooks.md) -------------------------------------------------


class WebhookRow(SQLModel, table=True):
    """A hall's outbound webhook: where matching events are POSTed (`url`), which ones
    (`events`: names or prefixes) and the secret their signature is made with."""

    __tablename__ = "webhooks"

    hall: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    url: str
    events: list[str] = _json()
    secret: str
    updated_at: datetime = _time()


class OutboxRow(SQLModel, table=True):
    """An event still to deliver to a webhook: written in the event's transaction, deleted once a
    receiver took it. Only the row of a webhook with the lowest seq is ever claimed (order per
    webhook); a claim is a `lease` held until `leased_until`."""

    __tablename__ = "webhook_outbox"

    hall: str = Field(primary_key=True)
    webhook: str = Field(primary_key=True)
    seq: int = Field(sa_column=sa.Column(sa.BigInteger(), primary_key=True, autoincrement=False))
    event: str
    body: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    attempts: int = 0
    next_at: datetime = _time()
    lease: str | None = None
    leased_until: datetime | None = _time(nullable=True)


class DeliveryRow(SQLModel, table=True):
    """One delivery attempt (the recent ones of each webhook are kept): the HTTP status, or the
    error when there was none, and how long it took."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (sa.Index("ix_webhook_deliveries_hall_webhook", "hall", "webhook", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    hall: str
    webhook: str
    seq: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False))
    event: str
    attempt: int
    at: datetime = _time()
    status: int | None = None
    error: str
    duration_ms: float
    delivered: bool


metadata = SQLModel.metadata


def table(model: type[SQLModel]) -> sa.Table:
    """The Core table of a model (the store reads and writes through Core for speed)."""
    found = metadata.tables[str(model.__tablename__)]
    return found


events = table(EventRow)
halls = table(HallRow)
snapshots = table(SnapshotRow)
replies = table(ReplyRow)
devices = table(DeviceRow)
staff = table(StaffRow)
tickets = table(TicketRow)
windows = table(WindowRow)
staff_sessions = table(StaffSessionRow)
appointments = table(AppointmentRow)
ratings = table(RatingRow)
follow_ups = table(FollowUpRow)
cases = table(CaseRow)
alerts = table(AlertRow)
chart_samples = table(ChartSampleRow)
webhooks = table(WebhookRow)
webhook_outbox = table(OutboxRow)
webhook_deliveries = table(DeliveryRow)
