"""The initial schema: event streams, snapshots, replies, devices, staff and the read models.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(), nullable=nullable)


def _time(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "halls",
        _text("id"),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "events",
        _text("hall"),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        _time("at"),
        _text("name"),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("hall", "seq"),
    )
    op.create_table(
        "snapshots",
        _text("hall"),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        _time("at"),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("hall", "seq"),
    )
    op.create_table(
        "replies",
        _text("scope"),
        _text("key"),
        sa.Column("reply", sa.JSON(), nullable=False),
        _time("at"),
        sa.PrimaryKeyConstraint("scope", "key"),
    )
    op.create_index("ix_replies_at", "replies", ["at"])
    op.create_table(
        "devices",
        _text("id"),
        _text("hall"),
        _text("kind"),
        _text("window", nullable=True),
        _text("name"),
        _text("token_hash"),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_devices_hall", "devices", ["hall"])
    op.create_table(
        "staff",
        _text("hall"),
        _text("number"),
        _text("display_name"),
        _text("role"),
        _text("password_hash"),
        sa.Column("photo", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("hall", "number"),
    )
    op.create_table(
        "tickets",
        _text("hall"),
        _text("id"),
        _text("day"),
        _text("number"),
        _text("queue"),
        _text("service"),
        _text("priority"),
        _text("state"),
        sa.Column("step", sa.Integer(), nullable=False),
        _text("track", nullable=True),
        _text("booking", nullable=True),
        _time("issued_at"),
        _time("called_at", nullable=True),
        _time("served_at", nullable=True),
        _time("finished_at", nullable=True),
        _text("window", nullable=True),
        _text("clerk", nullable=True),
        sa.Column("wait_seconds", sa.Float(), nullable=True),
        sa.Column("service_seconds", sa.Float(), nullable=True),
        sa.Column("recalls", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hall", "id"),
        sa.UniqueConstraint("track"),
    )
    op.create_index("ix_tickets_hall_day", "tickets", ["hall", "day"])
    op.create_index("ix_tickets_hall_state", "tickets", ["hall", "state"])
    op.create_table(
        "windows",
        _text("hall"),
        _text("id"),
        _text("name"),
        _text("status"),
        _text("clerk", nullable=True),
        _text("clerk_name", nullable=True),
        _text("ticket", nullable=True),
        _text("reason", nullable=True),
        _time("since"),
        sa.Column("queues", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("hall", "id"),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("hall"),
        _text("staff"),
        _text("staff_name", nullable=True),
        _text("window"),
        _time("signed_in_at"),
        _time("signed_out_at", nullable=True),
        _text("end_cause", nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staff_sessions_hall_window", "staff_sessions", ["hall", "window"])
    op.create_table(
        "appointments",
        _text("hall"),
        _text("code"),
        _text("service"),
        _time("slot_start"),
        _text("state"),
        _text("citizen"),
        _text("name"),
        _text("phone"),
        _text("ticket", nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        _time("booked_at"),
        _time("checked_in_at", nullable=True),
        sa.PrimaryKeyConstraint("hall", "code"),
    )
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("hall"),
        _text("ticket"),
        _text("number"),
        _text("window"),
        _text("clerk", nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        _time("at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ratings_hall_at", "ratings", ["hall", "at"])
    op.create_table(
        "follow_ups",
        _text("hall"),
        _text("case"),
        _text("ticket"),
        _text("number"),
        _text("window"),
        _text("clerk", nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        _text("status"),
        _time("opened_at"),
        _time("deadline"),
        sa.PrimaryKeyConstraint("hall", "case"),
    )


def downgrade() -> None:
    for table in (
        "follow_ups",
        "ratings",
        "appointments",
        "staff_sessions",
        "windows",
        "tickets",
        "staff",
        "devices",
        "replies",
        "snapshots",
        "events",
        "halls",
    ):
        op.drop_table(table)
