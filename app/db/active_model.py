"""The served model chosen with `calendy models use`: where it is stored, and its reader for running services."""

import asyncio
import logging
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.connection import build_engine, database_url, is_sqlite
from app.db.models import ServiceSetting
from app.settings import Settings

logger = logging.getLogger("calendy.llm")
# The service_settings row naming the active model.
ACTIVE_MODEL = "active_model"
PURPOSES = ("sql", "help")
# A slow database must not eat the request's LLM budget: the configured model answers instead.
READ_TIMEOUT_S = 1.0


def setting_name(purpose: str) -> str:
    """The service_settings row naming the active model for `purpose`."""
    # The SQL model keeps the name it had before help models existed.
    return ACTIVE_MODEL if purpose == "sql" else f"{ACTIVE_MODEL}:{purpose}"


async def get_active_model(*, engine: AsyncEngine, purpose: str = "sql") -> str | None:
    """The model chosen with `calendy models use` for `purpose`, or None (CALENDY_LLM_MODEL)."""
    async with engine.connect() as connection:
        query = select(ServiceSetting.value).where(ServiceSetting.name == setting_name(purpose))
        return (await connection.execute(query)).scalar_one_or_none()


class ActiveModelSource:
    """Reads the active model on demand; the caller (LlmRuntime) decides how often."""

    def __init__(self, settings: Settings, *, engine: AsyncEngine | None = None, purpose: str = "sql") -> None:
        self.settings = settings
        self.purpose = purpose
        # The server lends its own engine; CLI runs build one on first use (and dispose of it).
        self.engine = engine
        self._owns_engine = engine is None
        self.last: str | None = None

    def _missing_file(self) -> bool:
        # A SQLite file nobody created yet holds no choice: do not create it just to look.
        url = database_url(self.settings)
        return is_sqlite(url) and bool(url.database) and not Path(url.database or "").exists()

    async def __call__(self) -> str | None:
        """The active model, or None for CALENDY_LLM_MODEL; the last one read when the database fails."""
        try:
            if self.engine is None:
                if self._missing_file():
                    return None
                self.engine = build_engine(self.settings)
            async with asyncio.timeout(READ_TIMEOUT_S):
                self.last = await get_active_model(engine=self.engine, purpose=self.purpose)
        except Exception as exc:  # an unmigrated or unreachable database: keep serving what we served
            logger.info("active model not read: %s", exc.__class__.__name__)
        return self.last

    async def aclose(self) -> None:
        """Dispose of the engine, if one was built."""
        if self.engine is not None and self._owns_engine:
            await self.engine.dispose()
