"""Slack event state: `done_at` marks an event whose work finished, so a crashed worker's claim can be retried.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add slack_events.done_at; events taken before it existed count as done (never re-run)."""
    with op.batch_alter_table("slack_events") as batch:
        batch.add_column(sa.Column("done_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE slack_events SET done_at = received_at")


def downgrade() -> None:
    """Drop the column (every taken event is then final again, as in 0003)."""
    with op.batch_alter_table("slack_events") as batch:
        batch.drop_column("done_at")
