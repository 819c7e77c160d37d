"""The operational state built in the app's lifespan: database, log writer, key cache, limiter."""

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.connection import build_engine, database_url, display_url
from app.db.migrate import current_revision, head_revision, upgrade_database
from app.ops.keycache import KeyCache
from app.ops.logwriter import LogWriter
from app.ops.metrics import Metrics
from app.ops.ratelimit import MemoryRateLimiter, RateLimiter
from app.ops.ratelimit_db import DatabaseRateLimiter
from app.ops.retention import RetentionTask, RowSampler
from app.settings import Settings

logger = logging.getLogger("calendy.ops")


@dataclass
class Ops:
    """Everything the middleware and the ops routes share, per process."""

    settings: Settings
    engine: AsyncEngine
    writer: LogWriter
    keys: KeyCache
    limiter: RateLimiter
    metrics: Metrics
    retention: RetentionTask
    # Rows of requests refused 401 (a flood of bad keys must not become a flood of rows).
    unauthenticated: RowSampler

    async def aclose(self) -> None:
        """Drain the log writer, then close the database connections."""
        try:
            await self.retention.aclose()
            await self.keys.aclose()
            await self.limiter.aclose()
            await self.writer.close()
        finally:
            await self.engine.dispose()


async def migrate_if_needed(settings: Settings, engine: AsyncEngine) -> None:
    """Bring the database to the newest revision unless it already is (a cheap check first)."""
    if await current_revision(engine) == head_revision():
        return
    logger.info("applying database migrations", extra={"database": display_url(database_url(settings))})
    # Alembic is synchronous and runs its own event loop for the async driver: give it a thread.
    await asyncio.to_thread(upgrade_database, settings)


async def start_ops(settings: Settings, *, metrics: Metrics) -> Ops:
    """Open the database (migrating it when configured), start the log writer and retention."""
    engine = build_engine(settings)
    try:
        if settings.db_auto_migrate:
            await migrate_if_needed(settings, engine)
        limiter: RateLimiter = (
            DatabaseRateLimiter(engine, sync_s=settings.rate_limit_sync_s)
            if settings.rate_limit_backend == "database"
            else MemoryRateLimiter()
        )
        writer = LogWriter(
            engine,
            metrics=metrics,
            batch_size=settings.log_batch_size,
            flush_interval_s=settings.log_flush_interval_s,
            queue_max=settings.log_queue_max,
        )
    except BaseException:
        await engine.dispose()
        raise
    retention = RetentionTask(
        engine, retention_days=settings.log_retention_days, interval_s=settings.log_retention_interval_s
    )
    writer.start()
    limiter.start()
    retention.start()
    if settings.auth_disabled:
        logger.warning(
            "AUTHENTICATION IS DISABLED (CALENDY_AUTH_DISABLED=true): /v1 answers anyone without an API key, "
            "and no rate limit applies"
        )
    if settings.rate_limit_backend == "memory" and settings.rate_limit_per_minute:
        logger.warning("rate limits are counted per worker process (CALENDY_RATE_LIMIT_BACKEND=memory)")
    return Ops(
        settings=settings,
        engine=engine,
        writer=writer,
        keys=KeyCache(engine, ttl_s=settings.key_cache_s),
        limiter=limiter,
        metrics=metrics,
        retention=retention,
        unauthenticated=RowSampler(settings.log_unauthenticated_per_s),
    )
