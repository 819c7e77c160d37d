"""Hosted plans (one document per Slack person), Slack events taken, and changes waiting for Confirm.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create hosted_plans, slack_events and slack_pending."""
    op.create_table(
        "hosted_plans",
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", name="pk_hosted_plans"),
    )
    op.create_table(
        "slack_events",
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("received_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_slack_events"),
    )
    op.create_index("ix_slack_events_received_at", "slack_events", ["received_at"])
    op.create_table(
        "slack_pending",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("thread_ts", sa.String(32), nullable=True),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("answer", JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("expires_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_slack_pending"),
    )
    op.create_index("ix_slack_pending_expires_at", "slack_pending", ["expires_at"])


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_index("ix_slack_pending_expires_at", table_name="slack_pending")
    op.drop_table("slack_pending")
    op.drop_index("ix_slack_events_received_at", table_name="slack_events")
    op.drop_table("slack_events")
    op.drop_table("hosted_plans")
