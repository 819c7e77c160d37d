"""JSON request bodies validated by pydantic straight from their bytes, and documented in OpenAPI.

FastAPI decodes a body with `json.loads` and then validates the dict; pydantic's own JSON parser
does both in one pass (a fiftieth of an LLM-path request's CPU). The /v1 routes read their body
here; `openapi_extra` and `document_bodies` put the same schema in the OpenAPI document.
"""

from typing import Any, TypeVar

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect

BodyT = TypeVar("BodyT", bound=BaseModel)
_REF = "#/components/schemas/{model}"
_UTF8_BOM = b"\xef\xbb\xbf"


def _is_json(content_type: str | None) -> bool:
    # What FastAPI accepts: application/json or application/<anything>+json, any parameters.
    if not content_type:
        return False
    main, _, sub = content_type.partition(";")[0].strip().lower().partition("/")
    return main == "application" and (sub == "json" or sub.endswith("+json"))


def _body_error(kind: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"type": kind, "loc": ("body",), "msg": message, "input": None}])


async def read_json_body(request: Request, model: type[BodyT]) -> BodyT:
    """The body as `model`; RequestValidationError (the 400/422 of api.md) when it is not one."""
    try:
        raw = await request.body()
    except ClientDisconnect as exc:
        # As FastAPI answered a body it could not read (nobody is left to read the answer).
        raise HTTPException(400, "the body could not be read: the client disconnected") from exc
    # FastAPI's order: an empty body is missing whatever its type; then the type must be JSON.
    if not raw:
        raise _body_error("missing", "Field required")
    if not _is_json(request.headers.get("content-type")):
        raise _body_error(
            "model_attributes_type", "Input should be a valid dictionary or object to extract fields from"
        )
    # json.loads skipped a UTF-8 byte-order mark, which some clients send; pydantic's parser does not.
    raw = raw.removeprefix(_UTF8_BOM)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        # Located under "body" as FastAPI's own errors are; malformed JSON is `json_invalid`.
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


def json_body(model: type[BaseModel]) -> dict[str, Any]:
    """The route's `openapi_extra`: a required JSON body of `model` (see `document_bodies`)."""
    schema = {"$ref": _REF.format(model=model.__name__)}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def document_bodies(app: FastAPI, models: list[type[BaseModel]]) -> None:
    """Add the body models' schemas to the app's OpenAPI components (routes refer to them)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for model in models:
                schema = model.model_json_schema(ref_template=_REF)
                for name, definition in [*schema.pop("$defs", {}).items(), (model.__name__, schema)]:
                    if schemas.setdefault(name, definition) != definition:
                        raise ValueError(f"two different OpenAPI schemas are named {name}")
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]
