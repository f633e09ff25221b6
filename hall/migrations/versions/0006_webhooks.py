"""Outbound webhooks: their configuration, the transactional outbox and delivery attempts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(), nullable=nullable)


def _time(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "webhooks",
        _text("hall"),
        _text("id"),
        _text("url"),
        sa.Column("events", sa.JSON(), nullable=False),
        _text("secret"),
        _time("updated_at"),
        sa.PrimaryKeyConstraint("hall", "id"),
    )
    op.create_table(
        "webhook_outbox",
        _text("hall"),
        _text("webhook"),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        _text("event"),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _time("next_at"),
        _text("lease", nullable=True),
        _time("leased_until", nullable=True),
        sa.PrimaryKeyConstraint("hall", "webhook", "seq"),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _text("hall"),
        _text("webhook"),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        _text("event"),
        sa.Column("attempt", sa.Integer(), nullable=False),
        _time("at"),
        sa.Column("status", sa.Integer(), nullable=True),
        _text("error"),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_webhook_deliveries_hall_webhook", "webhook_deliveries", ["hall", "webhook", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_hall_webhook", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_outbox")
    op.drop_table("webhooks")
