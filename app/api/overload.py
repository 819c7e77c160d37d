"""The cap on requests in flight per worker, answered with api.md's error body (503 + Retry-After).

uvicorn's own `limit_concurrency` answers a plain-text 503 that clients cannot parse as an
api.md error; it stays configured as a higher backstop for connections (`uvicorn_limits`).
"""

from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.error_handlers import app_error_response
from app.errors import ServiceUnavailable
from app.ops.requestlog import record_of

# What a client waits before retrying: requests in flight here last milliseconds to a model call.
RETRY_AFTER_S = 1
# Probes are cheap and must keep answering while the worker is busy (an orchestrator would
# otherwise restart a worker that is only loaded); uvicorn's backstop still bounds them.
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class ConcurrencyLimitMiddleware:
    """Answers 503 `service_unavailable` when `limit` requests are already in flight on this worker.

    One event loop per worker runs every request, so a plain counter is exact; 0 turns it off.
    """

    def __init__(self, app: ASGIApp, *, limit: int):
        self.app = app
        self.limit = limit
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limit or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            error = ServiceUnavailable(
                f"the server has {self.limit} requests in flight; retry in {RETRY_AFTER_S} s",
                details={"limit": self.limit, "retry_after_s": RETRY_AFTER_S},
                headers={"Retry-After": str(RETRY_AFTER_S)},
            )
            if (record := record_of(scope)) is not None:
                record.note_error(code=error.code, message=error.message)
            await app_error_response(error)(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
