"""Model purpose: what a fine-tuning job and its model are for (`sql` or `help`).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("finetune_jobs", "finetuned_models")


def upgrade() -> None:
    """Add `purpose` to finetune_jobs and finetuned_models; existing rows were SQL models."""
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("purpose", sa.String(16), nullable=False, server_default="sql"))


def downgrade() -> None:
    """Drop the two columns (a help model then looks like a SQL one: choose the SQL model again)."""
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("purpose")
