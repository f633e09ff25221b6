"""Cases (办件): the read model of cases for the report and the office worklist.

One row per case (queueing/cases.py) as it is now: service, office, status, promised date,
whether it was an immediate one (即办件), the ticket it was accepted from, the pickup way, the
times it was opened, decided and closed, and the citizen's contact phone (server-side only).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("hall", sa.String(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("service", sa.String(), nullable=False),
        sa.Column("office", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("due", sa.String(), nullable=False),
        sa.Column("immediate", sa.Boolean(), nullable=False),
        sa.Column("ticket", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("window", sa.String(), nullable=True),
        sa.Column("pickup", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("hall", "id"),
    )
    op.create_index("ix_cases_hall_opened_at", "cases", ["hall", "opened_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_hall_opened_at", table_name="cases")
    op.drop_table("cases")
