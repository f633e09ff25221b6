"""The feedback loop: follow-ups of every type with their lifecycle.

The `follow_ups` read model (migration 0001: low ratings' cases) gains a follow-up's type
(`rating`, `complaint`, `callback`), the service, the complaint's channel and case, who it is
assigned to, its two working-day deadlines, the callback (outcome, attempts, when), when it
was rectified (and what changed) and closed (satisfied or not), and whether it ran overdue.
Rows written before keep their values and read as ratings' follow-ups.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = ("service", "channel", "about_case", "assignee", "outcome")
_TIMES = ("callback_due", "called_back_at", "rectified_at", "closed_at")


def upgrade() -> None:
    with op.batch_alter_table("follow_ups") as table:
        table.add_column(sa.Column("type", sa.String(), nullable=False, server_default="rating"))
        for name in _TEXT:
            table.add_column(sa.Column(name, sa.String(), nullable=True))
        for name in _TIMES:
            table.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("satisfied", sa.Boolean(), nullable=True))
        table.add_column(sa.Column("rectification", sa.Text(), nullable=False, server_default=""))
        table.add_column(
            sa.Column("overdue", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index("ix_follow_ups_hall_opened_at", "follow_ups", ["hall", "opened_at"])


def downgrade() -> None:
    op.drop_index("ix_follow_ups_hall_opened_at", table_name="follow_ups")
    with op.batch_alter_table("follow_ups") as table:
        for name in ("overdue", "rectification", "satisfied", "attempts", *_TIMES, *_TEXT):
            table.drop_column(name)
        table.drop_column("type")
