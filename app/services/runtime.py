"""Everything built once per process: schema, prompts, exemplars, clients; closed at shutdown."""

from dataclasses import dataclass
from typing import Any

import httpx
from openai import AsyncOpenAI
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.active_model import ActiveModelSource
from app.engine_answer import LocalEngine
from app.llm.body import StaticPrefix
from app.llm.client import LlmRuntime, build_llm_client
from app.llm.exemplars import Exemplar, load_exemplars
from app.llm.follow import ModelFollower
from app.llm.messages import build_static_prefix
from app.llm.prompts import PromptTemplates, load_prompts
from app.local import answer_locally
from app.settings import Settings
from app.sqlcheck.schema import ClientSchema, load_client_schema


@dataclass
class Runtime:
    """The process-wide, request-independent state of the service."""

    settings: Settings
    schema: ClientSchema
    templates: PromptTemplates
    exemplars: list[Exemplar]
    prefix: list[dict[str, Any]]
    llm: LlmRuntime | None
    local_engine: LocalEngine

    async def aclose(self) -> None:
        """Release the LLM client's connections (and the active-model reader's)."""
        if self.llm is not None:
            await self.llm.aclose()
            await self.llm.client.close()
            if isinstance(self.llm.model_source, ActiveModelSource):
                await self.llm.model_source.aclose()
            if self.llm.help_follower is not None and isinstance(self.llm.help_follower.source, ActiveModelSource):
                await self.llm.help_follower.source.aclose()


def _llm_runtime(
    settings: Settings, client: AsyncOpenAI, *, prefix: list[dict[str, Any]], db_engine: AsyncEngine | None
) -> LlmRuntime:
    source = ActiveModelSource(settings, engine=db_engine) if settings.llm_follow_active_model else None
    help_follower = None
    if settings.llm_follow_active_model:
        help_source = ActiveModelSource(settings, engine=db_engine, purpose="help")
        help_follower = ModelFollower(source=help_source, refresh_s=settings.active_model_refresh_s)
    # The bare prefix is the system prompt alone: what a fine-tuned model needs without exemplars.
    return LlmRuntime(
        client=client,
        settings=settings,
        model_source=source,
        prefix=StaticPrefix.of(prefix),
        bare_prefix=StaticPrefix.of(prefix[:1]),
        help_follower=help_follower,
    )


def build_runtime(
    settings: Settings,
    *,
    http_client: httpx.AsyncClient | None = None,
    local_engine: LocalEngine | None = None,
    db_engine: AsyncEngine | None = None,
) -> Runtime:
    """Load prompts, exemplars and schema, and build the LLM client (if one is configured)."""
    templates = load_prompts(settings.prompts_dir)
    exemplars = load_exemplars(settings.exemplars_dir)
    prefix = build_static_prefix(templates=templates, exemplars=exemplars if settings.llm_include_exemplars else [])
    client = build_llm_client(settings, http_client=http_client)
    return Runtime(
        settings=settings,
        schema=load_client_schema(settings.prompts_dir / "schema.sql"),
        templates=templates,
        exemplars=exemplars,
        prefix=prefix,
        llm=_llm_runtime(settings, client, prefix=prefix, db_engine=db_engine) if client is not None else None,
        local_engine=local_engine or answer_locally,
    )
