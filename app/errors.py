"""The one exception hierarchy of the service; each maps to the error body of api.md."""

from typing import Any


class AppError(Exception):
    """Root of every error the service answers with; never raised as a bare 500."""

    code = "internal_error"
    status_code = 500

    def __init__(self, message: str, *, details: Any = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers or {}


class InvalidRequest(AppError):
    """Malformed JSON, a missing or wrong field, or a limit exceeded."""

    code = "invalid_request"
    status_code = 422


class Unauthorized(AppError):
    """A missing or wrong API key."""

    code = "unauthorized"
    status_code = 401


class PayloadTooLarge(AppError):
    """A body over the configured limit."""

    code = "payload_too_large"
    status_code = 413


class RequestTimeout(AppError):
    """The request body did not arrive within the configured time."""

    code = "request_timeout"
    status_code = 408


class RateLimited(AppError):
    """The key's rate limit was reached."""

    code = "rate_limited"
    status_code = 429


class LlmInvalidOutput(AppError):
    """The model's output could not be made into valid SQL, repair included."""

    code = "llm_invalid_output"
    status_code = 502


class LlmError(AppError):
    """The model's API answered with an error after retries."""

    code = "llm_error"
    status_code = 502


class LlmUnavailable(AppError):
    """No LLM is configured, or the LLM keeps failing."""

    code = "llm_unavailable"
    status_code = 503


class LlmTimeout(AppError):
    """The model did not answer within the request's budget."""

    code = "llm_timeout"
    status_code = 504


class SqlRejected(Exception):
    """SQL that failed validation; `reasons` says why. Never reaches the client as SQL."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class ServiceUnavailable(AppError):
    """The service's own database cannot be reached (keys cannot be checked)."""

    code = "service_unavailable"
    status_code = 503
