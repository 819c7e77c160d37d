"""Injectables of the routes, as Annotated aliases.

All are `async def`: FastAPI runs a plain `def` dependency in its thread pool, a thread hop
per request for what is an attribute read.
"""

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from app.db.keys import KeyInfo
from app.errors import ServiceUnavailable
from app.ops.metrics import Metrics
from app.ops.requestlog import RequestRecord, record_of
from app.ops.state import Ops
from app.schemas import SqlRequest, SummaryRequest
from app.services.runtime import Runtime
from app.settings import Settings

BodyT = TypeVar("BodyT", bound=BaseModel)

# Documents the scheme in OpenAPI (and /docs' Authorize button); the key itself is checked
# earlier, by the guard middleware, before the body is read.
bearer_scheme = HTTPBearer(auto_error=False, description="An API key from `calendy keys create`.")
# Declared by the routes' dependencies so OpenAPI shows the scheme; never read (the guard was).
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)]


async def get_runtime(request: Request) -> Runtime:
    """The runtime built in the app's lifespan."""
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_ops(request: Request) -> Ops:
    """The database, log writer, key cache and limiter built in the app's lifespan."""
    ops = getattr(request.app.state, "ops", None)
    if not isinstance(ops, Ops):
        raise ServiceUnavailable("the service is not started")
    return ops


async def get_metrics(request: Request) -> Metrics:
    """The app's metrics (built with the app, so /metrics answers even before the database)."""
    metrics: Metrics = request.app.state.metrics
    return metrics


async def get_request_record(request: Request) -> RequestRecord:
    """This request's log record (a detached one when the middleware is not installed)."""
    record = record_of(request.scope)
    if record is None:
        request_id: str = request.scope["state"]["request_id"]
        record = RequestRecord(request_id=request_id, method=request.method, path=request.url.path)
    return record


async def get_api_key(request: Request, _credentials: BearerCredentials) -> KeyInfo | None:
    """The key the guard accepted, or None when authentication is disabled."""
    return _accepted_key(request)


def _accepted_key(request: Request) -> KeyInfo | None:
    key = request.scope["state"].get("api_key")
    return key if isinstance(key, KeyInfo) else None


@dataclass(frozen=True)
class CallContext(Generic[BodyT]):
    """What a /v1 route uses of its request, gathered by one dependency (each costs ~10 µs a request)."""

    body: BodyT
    runtime: Runtime
    settings: Settings
    request_id: str
    record: RequestRecord
    key: KeyInfo | None


async def _call_context(request: Request, body: BodyT) -> CallContext[BodyT]:
    state = request.app.state
    return CallContext(
        body=body,
        runtime=state.runtime,
        settings=state.settings,
        request_id=request.scope["state"]["request_id"],
        record=await get_request_record(request),
        key=_accepted_key(request),
    )


async def get_sql_call(request: Request, body: SqlRequest, _credentials: BearerCredentials) -> CallContext[SqlRequest]:
    """The /v1/sql body (read and validated by FastAPI) and the rest of the call context."""
    return await _call_context(request, body)


async def get_summary_call(
    request: Request, body: SummaryRequest, _credentials: BearerCredentials
) -> CallContext[SummaryRequest]:
    """The /v1/summary body (read and validated by FastAPI) and the rest of the call context."""
    return await _call_context(request, body)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
OpsDep = Annotated[Ops, Depends(get_ops)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
ApiKeyDep = Annotated[KeyInfo | None, Depends(get_api_key)]
RequestRecordDep = Annotated[RequestRecord, Depends(get_request_record)]
SqlCallDep = Annotated[CallContext[SqlRequest], Depends(get_sql_call)]
SummaryCallDep = Annotated[CallContext[SummaryRequest], Depends(get_summary_call)]
