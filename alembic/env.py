"""Alembic environment: the service's models, its database URL, async drivers, offline SQL."""

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy import pool, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import create_async_engine

from app.db.connection import database_url
from app.db.models import Base
from app.settings import get_settings

# Any number of workers may start at once; on PostgreSQL they queue on this lock and the
# later ones find the schema current (SQLite files are locked by app.db.migrate instead).
MIGRATION_LOCK_ID = 7_201_904_411

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _url() -> URL:
    given = config.attributes.get("database_url")
    return given if isinstance(given, URL) else database_url(get_settings())


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        # Batch mode lets later migrations ALTER tables on SQLite (it copies the table).
        render_as_batch=True,
        compare_type=True,
        **kwargs,  # type: ignore[arg-type]
    )


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (`calendy db upgrade --sql`)."""
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        context.run_migrations()


async def run_migrations_online() -> None:
    """Run the migrations over the async driver the service uses."""
    engine = create_async_engine(_url(), poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_on)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
