"""Prometheus metrics: requests, latencies, LLM calls and tokens, validation, limits, the log writer.

Each app owns a registry (tests build many apps in one process). With several uvicorn workers
the counters are per process unless PROMETHEUS_MULTIPROC_DIR names a shared, empty directory:
prometheus-client then writes every worker's values there and /metrics sums them.
"""

import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from app.ops.llmcall import LlmCall

# From a local-engine answer (~1 ms) to a slow model with a repair (tens of seconds).
REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 45)
LLM_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60)


class Metrics:
    """Every metric the service exports, registered in one registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "calendy_http_requests", "HTTP requests answered.", ["route", "method", "status", "engine"], registry=r
        )
        self.request_seconds = Histogram(
            "calendy_http_request_duration_seconds",
            "Time from request start to response end.",
            ["route", "engine"],
            buckets=REQUEST_BUCKETS,
            registry=r,
        )
        self.llm_calls = Counter("calendy_llm_calls", "LLM calls made.", ["purpose", "status"], registry=r)
        self.llm_seconds = Histogram(
            "calendy_llm_call_duration_seconds",
            "Latency of one LLM call.",
            ["purpose"],
            buckets=LLM_BUCKETS,
            registry=r,
        )
        self.llm_tokens = Counter("calendy_llm_tokens", "LLM tokens used.", ["kind"], registry=r)
        self.validation_rejections = Counter(
            "calendy_validation_rejections", "Model answers whose SQL the validator rejected.", ["purpose"], registry=r
        )
        self.repairs = Counter("calendy_repairs", "Repair calls, by what became of them.", ["result"], registry=r)
        self.auth_failures = Counter("calendy_auth_failures", "Requests refused for their key.", ["reason"], registry=r)
        self.rate_limited = Counter("calendy_rate_limited", "Requests refused by the rate limit.", registry=r)
        self.feedback = Counter("calendy_feedback", "Feedback received.", ["outcome"], registry=r)
        # Labelled children of the per-request metrics, looked up once per label set: `labels()`
        # validates and locks on every call, several times a request. The label sets are bounded
        # (route templates, statuses, engines, call purposes).
        self._children: dict[tuple[object, ...], Any] = {}
        self.log_rows = Counter(
            "calendy_request_log_rows", "Request-log rows, by what became of them.", ["result"], registry=r
        )
        self.log_queue = Gauge(
            "calendy_request_log_queue_rows",
            "Rows waiting for the log writer.",
            registry=r,
            multiprocess_mode="livesum",
        )
        # Pre-create the zero series so dashboards see them before the first event.
        for result in ("written", "dropped"):
            self.log_rows.labels(result=result)
        for reason in ("missing", "invalid"):
            self.auth_failures.labels(reason=reason)

    def _child(self, metric: Counter | Histogram, *values: str) -> Any:
        key = (id(metric), *values)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*values)
        return child

    def observe_request(self, *, route: str, method: str, status: int, engine: str | None, seconds: float) -> None:
        """Count one answered request and its latency."""
        engine_label = engine or "none"
        self._child(self.requests, route, method, str(status), engine_label).inc()
        self._child(self.request_seconds, route, engine_label).observe(seconds)

    def observe_llm_calls(self, calls: list[LlmCall]) -> None:
        """Count a request's LLM calls, their tokens, rejections and repairs."""
        for call in calls:
            self._child(self.llm_calls, call.purpose, call.status).inc()
            self._child(self.llm_seconds, call.purpose).observe(call.latency_ms / 1000)
            if call.usage is not None:
                self._child(self.llm_tokens, "prompt").inc(call.usage.prompt_tokens)
                self._child(self.llm_tokens, "completion").inc(call.usage.completion_tokens)
                self._child(self.llm_tokens, "cached").inc(call.usage.cached_tokens)
            if call.status == "rejected":
                self._child(self.validation_rejections, call.purpose).inc()
            if call.purpose == "repair":
                self._child(self.repairs, "succeeded" if call.status == "ok" else "failed").inc()

    def render(self) -> tuple[bytes, str]:
        """The exposition text and its content type (summed over workers in multiprocess mode)."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
