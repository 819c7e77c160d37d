"""The fine-tuning tables: jobs and their last known state, the models they produced, the active model."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from app.db.active_model import setting_name
from app.db.models import FinetunedModel, FinetuneJob, ServiceSetting

TERMINAL = frozenset({"succeeded", "failed", "cancelled"})


async def insert_job(
    *, engine: AsyncEngine, job_id: str, base_model: str, training_file_id: str, validation_file_id: str | None,
    status: str, purpose: str = "sql",
) -> None:  # fmt: skip
    """Remember a job right after it is created (before any polling)."""
    now = datetime.now(UTC)
    row = FinetuneJob(
        job_id=job_id, base_model=base_model, training_file_id=training_file_id,
        validation_file_id=validation_file_id, status=status, created_at=now, updated_at=now,
        purpose=purpose,
    )  # fmt: skip
    async with async_sessionmaker(engine)() as session, session.begin():
        session.add(row)


async def update_job(
    *, engine: AsyncEngine, job_id: str, status: str, fine_tuned_model: str | None, error: str | None
) -> FinetuneJob | None:
    """Store a polled state; a terminal state also stamps finished_at."""
    async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
        row = await session.get(FinetuneJob, job_id)
        if row is None:
            return None
        row.status, row.fine_tuned_model, row.error = status, fine_tuned_model, error
        row.updated_at = datetime.now(UTC)
        if status in TERMINAL and row.finished_at is None:
            row.finished_at = row.updated_at
        return row


async def get_job(*, engine: AsyncEngine, job_id: str) -> FinetuneJob | None:
    """One job row, or None."""
    async with async_sessionmaker(engine)() as session:
        return await session.get(FinetuneJob, job_id)


async def list_jobs(*, engine: AsyncEngine) -> list[FinetuneJob]:
    """Every job, newest first."""
    query = select(FinetuneJob).order_by(FinetuneJob.created_at.desc())
    async with async_sessionmaker(engine)() as session:
        return list((await session.scalars(query)).all())


async def record_model(*, engine: AsyncEngine, job: FinetuneJob, model: str, metrics: dict[str, Any] | None) -> None:
    """Add (or refresh) the model a job produced."""
    async with async_sessionmaker(engine)() as session, session.begin():
        row = await session.get(FinetunedModel, model) or FinetunedModel(model=model)
        row.base_model, row.job_id = job.base_model, job.job_id
        row.training_file_id, row.validation_file_id = job.training_file_id, job.validation_file_id
        row.created_at, row.finished_at, row.metrics = job.created_at, job.finished_at, metrics
        row.purpose = job.purpose
        session.add(row)


async def list_models(*, engine: AsyncEngine) -> list[FinetunedModel]:
    """Every fine-tuned model, newest first."""
    query = select(FinetunedModel).order_by(FinetunedModel.created_at.desc())
    async with async_sessionmaker(engine)() as session:
        return list((await session.scalars(query)).all())


async def set_active_model(*, engine: AsyncEngine, model: str | None, purpose: str = "sql") -> None:
    """Serve `model` for `purpose` from now on; None goes back to the base model (CALENDY_LLM_MODEL)."""
    name = setting_name(purpose)
    async with async_sessionmaker(engine)() as session, session.begin():
        await session.execute(delete(ServiceSetting).where(ServiceSetting.name == name))
        if model is not None:
            session.add(ServiceSetting(name=name, value=model, updated_at=datetime.now(UTC)))
