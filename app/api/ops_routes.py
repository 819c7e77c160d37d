"""Operations routes: /healthz (alive), /readyz (ready to serve), /metrics (Prometheus)."""

import asyncio
import logging

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.api.deps import MetricsDep, OpsDep, RuntimeDep
from app.api.error_handlers import error_response
from app.db.migrate import current_revision, head_revision
from app.schemas import ErrorBody, ReadyResponse

logger = logging.getLogger("calendy.ops")
# A readiness probe must answer fast even when the database hangs.
READY_TIMEOUT_S = 2.0

router = APIRouter(tags=["ops"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Alive (the process answers; nothing else is checked)."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=ReadyResponse,
    responses={503: {"model": ErrorBody, "description": "not_ready: the database or its migrations"}},
)
async def readyz(ops: OpsDep, runtime: RuntimeDep) -> ReadyResponse | JSONResponse:
    """Ready: the database answers and is at the newest migration; says whether an LLM is configured."""
    llm = "configured" if runtime.llm is not None else "not_configured"
    checks: dict[str, str] = {"llm": llm}
    head = head_revision()
    try:
        async with asyncio.timeout(READY_TIMEOUT_S):
            async with ops.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            revision = await current_revision(ops.engine)
    except Exception as exc:
        logger.warning("not ready: database unreachable", exc_info=True)
        checks["database"] = f"unreachable: {exc.__class__.__name__}"
        return error_response(503, "not_ready", "the database is unreachable", checks)
    checks["database"] = "ok"
    if revision != head:
        checks["migrations"] = f"at {revision or 'none'}, newest is {head} (run `calendy db upgrade`)"
        return error_response(503, "not_ready", "the database is not at the newest migration", checks)
    return ReadyResponse(status="ready", database="ok", migrations=f"current ({head})", llm=llm)


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
async def metrics(metrics: MetricsDep) -> Response:
    """Prometheus metrics (text exposition format)."""
    # In multiprocess mode this reads every worker's files: off the event loop.
    body, content_type = await asyncio.to_thread(metrics.render)
    return Response(content=body, media_type=content_type)
