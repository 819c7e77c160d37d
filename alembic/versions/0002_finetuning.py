"""Fine-tuning: jobs, the models they produced, and run-time service settings (the active model).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create finetune_jobs, finetuned_models and service_settings."""
    op.create_table(
        "finetune_jobs",
        sa.Column("job_id", sa.String(100), nullable=False),
        sa.Column("base_model", sa.String(200), nullable=False),
        sa.Column("training_file_id", sa.String(100), nullable=False),
        sa.Column("validation_file_id", sa.String(100), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("fine_tuned_model", sa.String(200), nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.Column("finished_at", STAMP, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("job_id", name="pk_finetune_jobs"),
    )
    op.create_index("ix_finetune_jobs_created_at", "finetune_jobs", ["created_at"])
    op.create_table(
        "finetuned_models",
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("base_model", sa.String(200), nullable=False),
        sa.Column("job_id", sa.String(100), nullable=False),
        sa.Column("training_file_id", sa.String(100), nullable=False),
        sa.Column("validation_file_id", sa.String(100), nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("finished_at", STAMP, nullable=True),
        sa.Column("metrics", JSON, nullable=True),
        sa.PrimaryKeyConstraint("model", name="pk_finetuned_models"),
    )
    op.create_table(
        "service_settings",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_service_settings"),
    )


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("service_settings")
    op.drop_table("finetuned_models")
    op.drop_index("ix_finetune_jobs_created_at", table_name="finetune_jobs")
    op.drop_table("finetune_jobs")
