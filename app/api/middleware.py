"""Pure-ASGI middleware: the request context (id, log row, metrics, access line) and the body limits."""

import asyncio
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from ulid import ULID

from app.api.error_handlers import app_error_response
from app.errors import PayloadTooLarge, RequestTimeout
from app.ops.call_log import llm_call_rows, log_llm_calls
from app.ops.metrics import Metrics
from app.ops.requestlog import UNLOGGED_ROUTES, RequestRecord, record_of
from app.ops.retention import RowSampler
from app.ops.structured_logs import request_id_var

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

    def __init__(
        self, app: ASGIApp, *, metrics: Metrics, route_paths: frozenset[str], max_body_chars: int | None = None
    ):
        self.app = app
        self.metrics = metrics
        self.route_paths = route_paths
        self.max_body_chars = max_body_chars

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = str(ULID())
        record = RequestRecord(
            request_id=request_id, method=scope["method"], path=scope["path"], max_body_chars=self.max_body_chars
        )
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
        ops = getattr(scope["app"].state, "ops", None) if "app" in scope else None
        if status == 401 and ops is not None and not self._sampled(ops.unauthenticated, record):
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
        if ops is not None:
            store = ops.settings.log_prompts == "store"
            ops.writer.submit(
                record.to_row(store_prompts=store),
                llm_call_rows(request_id=record.request_id, calls=record.calls, store_text=store),
            )

    def _sampled(self, sampler: RowSampler, record: RequestRecord) -> bool:
        """Whether this 401 gets a row (and an access line); the others are only counted."""
        skipped = sampler.admit()
        if skipped is None:
            self.metrics.log_rows.labels(result="sampled_out").inc()
            return False
        if skipped:
            record.error_message = f"{record.error_message} (and {skipped} more 401s not logged since the last row)"
        return True


def _too_large(scope: Scope, limit: int) -> PayloadTooLarge:
    error = PayloadTooLarge(f"the body is over {limit} bytes", details={"limit": limit})
    if (record := record_of(scope)) is not None:
        record.note_error(code=error.code, message=error.message)
    return error


def _timed_out(scope: Scope, timeout_s: float) -> RequestTimeout:
    error = RequestTimeout(
        f"the request body did not arrive within {timeout_s:g} s",
        details={"timeout_s": timeout_s},
        headers={"Connection": "close"},
    )
    if (record := record_of(scope)) is not None:
        record.note_error(code=error.code, message=error.message)
    return error


class BodyLimitMiddleware:
    """Refuses bodies over `max_body_bytes` (413) or not complete `body_timeout_s` after the headers (408).

    The size is checked on the declared length first, else as the body arrives. uvicorn waits
    for a body as long as the client keeps the connection open: a byte a minute would hold a
    connection and its memory forever, so the body is read here against one deadline, then
    replayed to the app; the 408 closes the connection.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, body_timeout_s: float = 30.0):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout_s = body_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await app_error_response(_too_large(scope, limit))(scope, receive, send)
            return
        # One deadline for the whole body; asyncio.timeout_at, unlike wait_for, starts no task per message.
        deadline = asyncio.get_running_loop().time() + self.body_timeout_s
        messages: list[Message] = []
        size = 0
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                await app_error_response(_timed_out(scope, self.body_timeout_s))(scope, receive, send)
                return
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
