"""Pure-ASGI middleware: the request context (id, log row, metrics, access line) and the body limit."""

import asyncio
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from ulid import ULID

from app.api.errors import app_error_response
from app.errors import PayloadTooLarge
from app.ops.call_log import llm_call_rows, log_llm_calls
from app.ops.logs import request_id_var
from app.ops.metrics import Metrics
from app.ops.requestlog import UNLOGGED_ROUTES, RequestRecord, record_of

logger = logging.getLogger("calendy.access")
UNMATCHED = "unmatched"


def _route_of(scope: Scope, known: frozenset[str]) -> str:
    """The route template (/v1/sql), never the raw path: a label per URL would explode the metrics."""
    path = getattr(scope.get("route"), "path", None)
    if isinstance(path, str):
        return path
    # Refused before routing (401, 429, 413): the API's paths have no parameters, so the path is
    # its route when it is one of them.
    return scope["path"] if scope["path"] in known else UNMATCHED


class RequestContextMiddleware:
    """Outermost: gives each request a ULID (X-Request-ID) and, however it ends, a log row.

    The row is queued in a `finally`, so requests refused by the limits, failed, timed out or
    cancelled (client gone, shutdown deadline) are logged like the rest; queueing never awaits.
    """

    def __init__(self, app: ASGIApp, *, metrics: Metrics, route_paths: frozenset[str]):
        self.app = app
        self.metrics = metrics
        self.route_paths = route_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = str(ULID())
        record = RequestRecord(request_id=request_id, method=scope["method"], path=scope["path"])
        state = scope.setdefault("state", {})
        state["request_id"], state["log"] = request_id, record
        token = request_id_var.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.http_status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except asyncio.CancelledError:
            if record.http_status is None:
                record.note_cancelled()
            raise
        except Exception as exc:
            if record.http_status is None:
                record.http_status = 500
                record.note_error(code="internal_error", message=f"{exc.__class__.__name__}: {exc}")
            raise
        finally:
            try:
                self._finish(scope, record)
            except Exception:
                logger.exception("could not record the request")
            request_id_var.reset(token)

    def _finish(self, scope: Scope, record: RequestRecord) -> None:
        record.finish()
        route = _route_of(scope, self.route_paths)
        record.route = route if route != UNMATCHED else record.path
        status = record.http_status or 0
        self.metrics.observe_request(
            route=route, method=record.method, status=status, engine=record.engine, seconds=record.latency_ms / 1000
        )
        self.metrics.observe_llm_calls(record.calls)
        if route in UNLOGGED_ROUTES:
            return
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "request",
                extra={
                    "event": "request",
                    "request_id": record.request_id,
                    "method": record.method,
                    "path": record.path,
                    "status": status,
                    "latency_ms": round(record.latency_ms, 3),
                    "key_id": record.key_id,
                    "engine": record.engine,
                    "error_code": record.error_code,
                },
            )
        log_llm_calls(request_id=record.request_id, route=record.route, calls=record.calls)
        ops = getattr(scope["app"].state, "ops", None) if "app" in scope else None
        if ops is not None:
            store = ops.settings.log_prompts == "store"
            ops.writer.submit(
                record.to_row(store_prompts=store),
                llm_call_rows(request_id=record.request_id, calls=record.calls, store_text=store),
            )


def _too_large(scope: Scope, limit: int) -> PayloadTooLarge:
    error = PayloadTooLarge(f"the body is over {limit} bytes", details={"limit": limit})
    if (record := record_of(scope)) is not None:
        record.note_error(code=error.code, message=error.message)
    return error


class BodyLimitMiddleware:
    """Refuses bodies over `max_body_bytes` (declared or, when chunked, as they arrive)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int):
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if declared.isdigit() and int(declared) > limit:
                await app_error_response(_too_large(scope, limit))(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        # A chunked body carries no length up front: read it up to the limit, then replay it.
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > limit:
                await app_error_response(_too_large(scope, limit))(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)
