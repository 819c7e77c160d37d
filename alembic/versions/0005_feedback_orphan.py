"""Feedback kept for a request whose log row is missing (lost in a crash): feedback.orphaned.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add feedback.orphaned (false for every existing row)."""
    # A plain ADD COLUMN with a constant default works on SQLite too, and in --sql mode.
    op.add_column("feedback", sa.Column("orphaned", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Drop feedback.orphaned (a table copy on SQLite)."""
    with op.batch_alter_table("feedback") as batch:
        batch.drop_column("orphaned")
