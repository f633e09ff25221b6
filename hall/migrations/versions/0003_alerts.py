"""Floor managers' state shared by every process and kept across restarts: the alerts with their
acknowledgements (`alerts`) and the day's chart, a row per hall per minute (`chart_samples`).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(), nullable=nullable)


def _time(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "alerts",
        _text("hall"),
        _text("id"),
        _text("kind"),
        _text("severity"),
        _text("key"),
        sa.Column("params", sa.JSON(), nullable=False),
        _text("subject"),
        _time("raised_at"),
        _time("cleared_at", nullable=True),
        _time("acknowledged_at", nullable=True),
        _text("acknowledged_by", nullable=True),
        sa.PrimaryKeyConstraint("hall", "id"),
    )
    op.create_table(
        "chart_samples",
        _text("hall"),
        _time("at"),
        sa.Column("samples", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("hall", "at"),
    )


def downgrade() -> None:
    op.drop_table("chart_samples")
    op.drop_table("alerts")
