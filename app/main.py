"""The FastAPI application: lifespan-built runtime and ops state, routes, middleware, error handlers."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.api.access import GuardMiddleware, internal_asgi
from app.api.error_handlers import install_error_handlers
from app.api.help_routes import router as help_router
from app.api.middleware import BodyLimitMiddleware, RequestContextMiddleware
from app.api.ops_routes import router as ops_router
from app.api.overload import ConcurrencyLimitMiddleware
from app.api.playground_routes import router as playground_router
from app.api.routes import router
from app.api.slack_routes import router as slack_router
from app.engine_answer import LocalEngine
from app.ops.metrics import Metrics
from app.ops.state import start_ops
from app.services.runtime import build_runtime
from app.settings import Settings, get_settings

logger = logging.getLogger("calendy")


def create_app(
    *,
    settings: Settings | None = None,
    http_client: httpx.AsyncClient | None = None,
    local_engine: LocalEngine | None = None,
) -> FastAPI:
    """Build the app; tests pass settings, an HTTP client (its transport) or a local engine."""
    resolved = settings or get_settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ops = await start_ops(resolved, metrics=metrics)
        try:
            runtime = build_runtime(resolved, http_client=http_client, local_engine=local_engine, db_engine=ops.engine)
        except BaseException:
            await ops.aclose()
            raise
        app.state.ops, app.state.runtime = ops, runtime
        internal: httpx.AsyncClient | None = None
        if resolved.slack_configured:
            from app.slack.bot import SlackBot

            # The bot calls this app in-process: the same routes, request log and feedback as any client.
            internal = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=internal_asgi(app)),
                base_url="http://calendy.internal",
                timeout=resolved.llm_request_budget_s + 15,
            )
            app.state.slack = SlackBot(
                settings=resolved, engine=ops.engine, http=internal, schema_sql=runtime.templates.schema_sql
            )
        if resolved.gc_freeze:
            # Startup leaves ~200k long-lived objects (sqlglot, openai, pydantic models); moving
            # them out of the collector's view ends the ~100 ms full collections seen under load.
            gc.collect()
            gc.freeze()
        if resolved.gc_thresholds is not None:
            # A request's objects live for a model round trip; at Python's defaults (700, 10, 10)
            # those in flight reach the oldest generation and force a full collection every
            # ~0.7 s under load (~100 ms each). Rarer young collections let them die first.
            gc.set_threshold(*resolved.gc_thresholds)
        logger.info("calendy ready", extra={"llm": runtime.llm is not None, "auth": not resolved.auth_disabled})
        try:
            yield
        finally:
            # uvicorn gets here after in-flight requests finished (or its grace period ran out):
            # the log writer drains their rows before the database closes.
            try:
                if internal is not None:
                    await internal.aclose()
                await runtime.aclose()
            finally:
                await ops.aclose()

    app = FastAPI(
        title="Calendy Manager",
        version="1.0.0",
        description="Natural-language calendar and todo commands to validated SQLite SQL.",
        lifespan=lifespan,
    )
    app.state.metrics, app.state.settings = metrics, resolved
    # Added innermost first: the request context wraps the concurrency cap, which wraps the guard,
    # which wraps the body limit (an overloaded worker refuses before any key lookup or body read).
    app.add_middleware(
        BodyLimitMiddleware, max_body_bytes=resolved.max_body_bytes, body_timeout_s=resolved.http_body_timeout_s
    )
    app.add_middleware(GuardMiddleware, settings=resolved, metrics=metrics)
    app.add_middleware(ConcurrencyLimitMiddleware, limit=resolved.http_limit_concurrency)
    routers = [router, ops_router, help_router, playground_router]
    routers += [slack_router] if resolved.slack_configured else []
    paths = frozenset(route.path for r in routers for route in r.routes if isinstance(route, APIRoute))
    app.add_middleware(
        RequestContextMiddleware, metrics=metrics, route_paths=paths, max_body_chars=resolved.log_max_body_chars
    )
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(ops_router)
    app.include_router(help_router)
    app.include_router(playground_router)
    if resolved.slack_configured:
        app.include_router(slack_router)
    return app
