"""The FastAPI application: lifespan-built runtime, routes, middleware and error handlers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from app.api.errors import install_error_handlers
from app.api.middleware import RequestContextMiddleware
from app.api.routes import router
from app.runtime import LocalEngine, build_runtime
from app.settings import Settings, get_settings


def create_app(
    *,
    settings: Settings | None = None,
    http_client: httpx.AsyncClient | None = None,
    local_engine: LocalEngine | None = None,
) -> FastAPI:
    """Build the app; tests pass settings, an HTTP client (its transport) or a local engine."""
    resolved = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = build_runtime(resolved, http_client=http_client, local_engine=local_engine)
        app.state.runtime = runtime
        try:
            yield
        finally:
            await runtime.aclose()

    app = FastAPI(
        title="Calendy Manager",
        version="1.0.0",
        description="Natural-language calendar and todo commands to validated SQLite SQL.",
        lifespan=lifespan,
    )
    app.dependency_overrides[get_settings] = lambda: resolved
    app.add_middleware(RequestContextMiddleware, max_body_bytes=resolved.max_body_bytes)
    install_error_handlers(app)
    app.include_router(router)
    return app
