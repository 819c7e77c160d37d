"""The web playground: its page, static modules (sql.js vendored), the client schema, and the home page."""

import mimetypes
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles

from app.api.deps import RuntimeDep

STATIC_DIR = Path(__file__).resolve().parents[1] / "playground" / "static"
# Browsers compile WebAssembly while streaming only when it is served as application/wasm.
mimetypes.add_type("application/wasm", ".wasm")
mimetypes.add_type("text/javascript", ".js")

router = APIRouter(include_in_schema=False)
# Starlette's file serving (path checks, ETag, 304) behind a route rather than a mount, so metrics
# and logs name the route template, not "unmatched" or one label per file.
_files = StaticFiles(directory=STATIC_DIR)
STATIC_ROUTE = "/playground/static/{path:path}"

_HOME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Calendy Manager</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Calendy Manager</h1>
<p>Plain-language Korean and English calendar commands turned into SQLite SQL.</p>
<ul>
<li><a href="/playground">Playground</a>: your plans in the browser, changed by commands</li>
<li><a href="/docs/guide/ko">사용 설명서</a> · <a href="/docs/guide/en">User guide</a></li>
<li><a href="/docs">API reference</a></li>
</ul></body></html>
"""


@router.get("/", response_class=HTMLResponse)
async def home() -> HTMLResponse:
    """A landing page linking the playground and the documentation."""
    return HTMLResponse(_HOME)


@router.get("/playground", response_class=FileResponse)
async def playground() -> FileResponse:
    """The playground page (plain JavaScript modules, no build step)."""
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html")


@router.get("/playground/schema.sql", response_class=PlainTextResponse)
async def client_schema(runtime: RuntimeDep) -> PlainTextResponse:
    """The client schema the service validates against, so the browser builds the same tables."""
    return PlainTextResponse(runtime.schema.ddl, media_type="application/sql")


@router.get(STATIC_ROUTE)
async def static_file(path: str, request: Request) -> Response:
    """The page's modules, stylesheet and the vendored sql.js; a 404 error body for anything else."""
    return await _files.get_response(path, request.scope)
