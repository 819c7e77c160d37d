"""Every failure answered with the error body of api.md; nothing escapes as a bare 500."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import AppError
from app.ops.requestlog import record_of

logger = logging.getLogger("calendy.errors")


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The `{"error": {...}}` body with its status."""
    body = {"error": {"code": code, "message": message, "details": details}}
    return JSONResponse(body, status_code=status, headers=headers)


def app_error_response(exc: AppError) -> JSONResponse:
    """The response of an AppError (also used by the middleware, outside the handlers)."""
    return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers or None)


def _noted(request: Request, code: str, message: str) -> None:
    # The request-log row says which error the request got, not only its status.
    if (record := record_of(request.scope)) is not None:
        record.note_error(code=code, message=message)


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    _noted(request, exc.code, exc.message)
    return app_error_response(exc)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(error.get("type") == "json_invalid" for error in errors):
        _noted(request, "invalid_request", "the body is not valid JSON")
        return error_response(400, "invalid_request", "the body is not valid JSON")
    details = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())[1:]) or "body",
            "message": error.get("msg", ""),
            "type": error.get("type", ""),
        }
        for error in errors
    ]
    fields = ", ".join(sorted({d["field"] for d in details}))
    _noted(request, "invalid_request", f"invalid request: {fields}")
    return error_response(422, "invalid_request", f"invalid request: {fields}", details)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    # A 400 from the framework is a body it could not parse (e.g. a broken multipart or form).
    code = {400: "invalid_request", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    headers = dict(exc.headers) if exc.headers else None
    _noted(request, code, str(exc.detail))
    return error_response(exc.status_code, code, str(exc.detail), headers=headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "an internal error occurred")


def install_error_handlers(app: FastAPI) -> None:
    """Map AppError, validation errors, HTTP errors and anything unexpected to the error body."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
