"""API keys and the per-key rate limit on /v1, checked before the body is read."""

import logging

from sqlalchemy.exc import DBAPIError
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.error_handlers import app_error_response
from app.db.keys import KeyInfo
from app.errors import AppError, RateLimited, ServiceUnavailable, Unauthorized
from app.ops.metrics import Metrics
from app.ops.requestlog import record_of
from app.ops.state import Ops
from app.settings import Settings

logger = logging.getLogger("calendy.auth")
PROTECTED_PREFIX = "/v1/"
# Set only by internal_asgi (never by a server from a request): the app's own clients, e.g. the
# Slack bot mounted in it, which Slack's signature already authenticated.
INTERNAL_SCOPE_KEY = "calendy.internal"


def internal_asgi(app: ASGIApp) -> ASGIApp:
    """`app` as the service's in-process clients reach it: past the API key and the per-key limit."""

    async def call(scope: Scope, receive: Receive, send: Send) -> None:
        await app({**scope, INTERNAL_SCOPE_KEY: True}, receive, send)

    return call


def _bearer_token(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None


class GuardMiddleware:
    """401 without a valid `Authorization: Bearer` key, 429 over the key's rate limit.

    As middleware rather than a route dependency, so an unauthenticated or rate-limited client
    never makes the service read (up to max_body_bytes of) its body.
    """

    def __init__(self, app: ASGIApp, *, settings: Settings, metrics: Metrics):
        self.app = app
        self.settings = settings
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or self.settings.auth_disabled
            or scope.get(INTERNAL_SCOPE_KEY) is True
            or not scope["path"].startswith(PROTECTED_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        try:
            ops = self._ops(scope)
            key = await self._authenticate(scope, ops)
            await self._limit(key, ops)
        except AppError as exc:
            if (record := record_of(scope)) is not None:
                record.note_error(code=exc.code, message=exc.message)
            await app_error_response(exc)(scope, receive, send)
            return
        scope["state"]["api_key"] = key
        await self.app(scope, receive, send)

    def _ops(self, scope: Scope) -> Ops:
        ops = getattr(scope["app"].state, "ops", None)
        if not isinstance(ops, Ops):
            raise ServiceUnavailable("the service is not started")
        return ops

    async def _authenticate(self, scope: Scope, ops: Ops) -> KeyInfo:
        token = _bearer_token(scope)
        if token is None:
            self.metrics.auth_failures.labels(reason="missing").inc()
            raise Unauthorized(
                "an API key is required: send 'Authorization: Bearer <key>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        try:
            key = await ops.keys.authenticate(token)
        except (DBAPIError, OSError) as exc:
            logger.exception("cannot check API keys")
            raise ServiceUnavailable("API keys cannot be checked right now; try again") from exc
        if key is None:
            self.metrics.auth_failures.labels(reason="invalid").inc()
            raise Unauthorized("the API key is unknown or revoked", headers={"WWW-Authenticate": "Bearer"})
        if (record := record_of(scope)) is not None:
            record.key_id = key.id
        return key

    async def _limit(self, key: KeyInfo, ops: Ops) -> None:
        limit = self.settings.rate_limit_per_minute
        if key.rate_limit_per_minute is not None:
            limit = key.rate_limit_per_minute
        if limit <= 0:
            return
        decision = await ops.limiter.hit(key_id=key.id, limit=limit)
        if not decision.allowed:
            self.metrics.rate_limited.inc()
            raise RateLimited(
                f"rate limit of {limit} requests per minute reached; retry in {decision.retry_after_s} s",
                details={"limit_per_minute": limit, "retry_after_s": decision.retry_after_s},
                headers={"Retry-After": str(decision.retry_after_s), "X-RateLimit-Limit": str(limit)},
            )
