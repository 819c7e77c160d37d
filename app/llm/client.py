"""The OpenAI-compatible chat client: one call, its budget, its errors and its log record."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import aiohttp
import httpx
import openai
from openai import AsyncOpenAI

from app.errors import AppError, LlmError, LlmTimeout, LlmUnavailable
from app.llm.body import StaticPrefix, encode_chat_body
from app.llm.circuit import CircuitBreaker
from app.llm.follow import ModelFollower
from app.llm.reply import parse_reply
from app.ops.llmcall import CallRecorder
from app.schemas import Usage
from app.settings import Settings

logger = logging.getLogger("calendy.llm")


@dataclass
class ChatResult:
    """The model's text and what it cost."""

    text: str
    model: str
    usage: Usage
    latency_ms: float


@dataclass
class LlmRuntime:
    """Everything an LLM call needs, built once in the app's lifespan."""

    client: AsyncOpenAI
    settings: Settings
    # Where the model chosen with `calendy models use` is read (None: always CALENDY_LLM_MODEL);
    # re-read at most every CALENDY_ACTIVE_MODEL_REFRESH_S seconds, on the next call.
    model_source: Callable[[], Awaitable[str | None]] | None = None
    # The static prefix (system prompt and exemplars), and the same without the exemplars: a
    # fine-tuned model gets the bare one when CALENDY_FINETUNED_EXEMPLARS=false.
    prefix: StaticPrefix = field(default_factory=lambda: StaticPrefix.of([]))
    bare_prefix: StaticPrefix = field(default_factory=lambda: StaticPrefix.of([]))
    active_model: str | None = None
    # The model chosen with `calendy models use --purpose help` (None: CALENDY_LLM_MODEL answers help).
    help_follower: ModelFollower | None = None
    circuit: CircuitBreaker = field(init=False)
    _next_refresh: float = field(default=0.0, init=False)
    _refreshing: "asyncio.Task[None] | None" = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.circuit = CircuitBreaker(
            failures=self.settings.llm_circuit_failures, reset_s=self.settings.llm_circuit_reset_s
        )

    @cached_property
    def chat_url(self) -> str:
        """The chat endpoint, absolute: the client then neither parses nor merges it with its base URL."""
        base = self.client.base_url
        return str(base.copy_with(raw_path=base.raw_path.rstrip(b"/") + b"/chat/completions"))

    @property
    def model(self) -> str:
        """The model calls go to: the active one, else CALENDY_LLM_MODEL."""
        return self.active_model or self.settings.llm_model

    async def help_model(self) -> str:
        """The model help questions go to: the active help model, else CALENDY_LLM_MODEL."""
        chosen = await self.help_follower.refresh() if self.help_follower is not None else None
        return chosen or self.settings.llm_model

    async def refresh_model(self) -> None:
        """Re-read the active model when the refresh interval has passed (one reader at a time).

        The first read is waited for; later ones run in the background while requests go on with
        the model read last (a read can wait behind the log writer for a second under load).
        """
        if self.model_source is None or time.monotonic() < self._next_refresh:
            return
        first = self._next_refresh == 0.0
        self._next_refresh = time.monotonic() + self.settings.active_model_refresh_s
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.create_task(self._reread_model(self.model_source))
        if first:
            await asyncio.shield(self._refreshing)

    async def _reread_model(self, source: Callable[[], Awaitable[str | None]]) -> None:
        try:
            self.active_model = await source()
        except Exception:  # keep serving the model read last
            logger.exception("could not re-read the active model")

    async def aclose(self) -> None:
        """Stop a re-read still running."""
        if self.help_follower is not None:
            await self.help_follower.aclose()
        if self._refreshing is not None and not self._refreshing.done():
            self._refreshing.cancel()
            await asyncio.gather(self._refreshing, return_exceptions=True)

    async def current_prefix(self) -> StaticPrefix:
        """The static prefix for the model that will answer (refreshing the active model first)."""
        await self.refresh_model()
        if self.active_model is not None and not self.settings.finetuned_exemplars:
            return self.bare_prefix
        return self.prefix


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Ignore the response's Set-Cookie headers."""


class ModelHttpClient(openai.DefaultAioHttpClient):
    """openai's own aiohttp client (`openai[aiohttp]`), without httpx's cookie jar.

    aiohttp, not httpx's own stack: at 100 concurrent model calls httpx cost 9.1–9.7 ms of CPU
    per request against 3.4–5.3 ms (docs/benchmarks.md, "The model client's HTTP stack"). Proxies
    come from the environment as httpx reads them (trust_env); ~/.netrc is not read. A model API
    sets no cookie the service needs, and one jar shared by every request would carry a cookie one
    call received into the next (another user's) call.
    """

    @property
    def cookies(self) -> httpx.Cookies:
        """Always empty."""
        return _NoCookies()

    @cookies.setter
    def cookies(self, _cookies: object) -> None:
        """Cookies given to the client are dropped."""


def build_llm_client(settings: Settings, *, http_client: httpx.AsyncClient | None = None) -> AsyncOpenAI | None:
    """An AsyncOpenAI client for the configured endpoint, or None when no LLM is configured."""
    if not settings.llm_configured:
        return None
    if http_client is None:
        http_client = ModelHttpClient()
    return AsyncOpenAI(
        # Keyless servers (Ollama, a local vLLM) still need some value in the header.
        api_key=settings.llm_api_key or "not-needed",
        base_url=settings.llm_base_url,
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        http_client=http_client,
    )


# Statuses that say the upstream itself is failing or refusing everyone (its key, its model, its
# load): these count towards opening the circuit. Any other 4xx (context_length_exceeded, a bad
# parameter) is about the one request that caused it and fails that request alone.
_UPSTREAM_4XX = frozenset({401, 403, 404, 408, 409, 429})


def _is_upstream_failure(exc: BaseException) -> bool:
    """True when the error says the upstream is down, not that one request was unacceptable."""
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code >= 500 or exc.status_code in _UPSTREAM_4XX
    return True


def _refused_or_dropped(exc: openai.APITimeoutError) -> bool:
    """True when the "timeout" was a refused or dropped connection.

    httpx-aiohttp (0.2) maps every aiohttp connection error to httpx.ConnectTimeout; what aiohttp
    raised, two causes down, says whether time ran out.
    """
    raised = exc.__cause__.__cause__ if exc.__cause__ is not None else None
    return isinstance(raised, aiohttp.ClientConnectionError) and not isinstance(raised, TimeoutError)


def _map_error(exc: BaseException) -> AppError:
    """Translate the openai library's exceptions into the service's error table.

    Clients get the code, the upstream status and a generic message: the provider's own text
    can speak about the service's key or account, so it goes to the service's log only.
    """
    if isinstance(exc, openai.APITimeoutError) and _refused_or_dropped(exc):
        return LlmUnavailable("the model's API could not be reached")
    if isinstance(exc, TimeoutError | openai.APITimeoutError):
        return LlmTimeout("the model did not answer in time")
    if isinstance(exc, openai.APIConnectionError):
        return LlmUnavailable("the model's API could not be reached")
    if isinstance(exc, openai.APIStatusError):
        return LlmError(f"the model's API answered {exc.status_code}", details={"status": exc.status_code})
    return LlmError("the model's API call failed")


def _provider_text(exc: BaseException) -> str:
    """What the provider or the library said, for the service's log (never for clients)."""
    if isinstance(exc, LlmError):
        return str(exc.details.get("cause", exc.message)) if exc.details else exc.message
    return f"{exc.__class__.__name__}: {exc}"


async def complete_chat(
    *,
    runtime: LlmRuntime,
    messages: list[dict[str, Any]],
    deadline: float,
    purpose: str,
    recorder: CallRecorder,
    max_tokens: int | None = None,
    prefix: StaticPrefix | None = None,
    model: str | None = None,
) -> ChatResult:
    """Call the chat API at temperature 0 within the request's deadline (a monotonic time).

    When `messages` start with `prefix`'s own messages, their JSON is taken from it; `model`
    overrides the runtime's (the SQL) model, e.g. for help.
    """
    probe = runtime.circuit.admit()
    try:
        return await _call_chat(
            runtime=runtime, messages=messages, deadline=deadline, purpose=purpose, recorder=recorder,
            max_tokens=max_tokens, prefix=prefix, model=model,
        )  # fmt: skip
    finally:
        if probe:  # a probe cancelled or refused on its own merits: the next call probes
            runtime.circuit.release_probe()


async def _call_chat(
    *,
    runtime: LlmRuntime,
    messages: list[dict[str, Any]],
    deadline: float,
    purpose: str,
    recorder: CallRecorder,
    max_tokens: int | None,
    prefix: StaticPrefix | None,
    model: str | None,
) -> ChatResult:
    """One call through the circuit: its verdict on the upstream recorded, its errors mapped."""
    settings = runtime.settings
    if model is None:
        await runtime.refresh_model()
        model = runtime.model
    call = recorder.start(purpose=purpose, model=model, started_at=datetime.now(UTC).isoformat())
    started = time.perf_counter()
    remaining = deadline - time.monotonic()
    try:
        if remaining <= 0:
            raise TimeoutError
        body = encode_chat_body(model=model, messages=messages, prefix=prefix, max_tokens=max_tokens)
        async with asyncio.timeout(remaining):
            # The client's low-level post keeps its auth, retries and typed errors, but skips
            # chat.completions.create's per-message type transform (about 9 ms of CPU for a
            # 50-message prompt), and, given bytes and asked for the raw response, its JSON
            # encoding and its model construction (a quarter of its remaining cost).
            response = await runtime.client.post(
                runtime.chat_url,
                cast_to=httpx.Response,
                content=body,
                options={"timeout": min(settings.llm_timeout_s, remaining)},
            )
            reply = parse_reply(response.content)
    except (TimeoutError, openai.OpenAIError, LlmError) as exc:
        error = exc if isinstance(exc, LlmError) else _map_error(exc)
        call.latency_ms = (time.perf_counter() - started) * 1000
        call.status, call.error = error.code, error.message
        if _is_upstream_failure(exc):
            runtime.circuit.record_failure()
        logger.warning(
            "llm call failed",
            extra={"purpose": purpose, "code": error.code, "cause": _provider_text(exc)},
        )
        if error is exc:
            raise  # already ours (an unreadable reply), with its own cause
        raise error from exc
    runtime.circuit.record_success()
    call.latency_ms = (time.perf_counter() - started) * 1000
    text = reply.text
    call.usage = reply.token_usage()
    call.response_text = text
    call.model = reply.model or model
    return ChatResult(text=text, model=call.model, usage=call.usage, latency_ms=call.latency_ms)
