"""Injectables of the routes, as Annotated aliases."""

from typing import Annotated

from fastapi import Depends, Request

from app.runtime import Runtime
from app.settings import Settings, get_settings


def get_runtime(request: Request) -> Runtime:
    """The runtime built in the app's lifespan."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_request_id(request: Request) -> str:
    """The id the request-context middleware gave this request."""
    request_id: str = request.scope["state"]["request_id"]
    return request_id


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RequestIdDep = Annotated[str, Depends(get_request_id)]
