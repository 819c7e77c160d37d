"""The playground's routes without a browser: the page, its modules, sql.js, the schema, the home page."""

import re
from pathlib import Path

import httpx
import pytest

from app.api.playground_routes import STATIC_DIR
from tests.conftest import make_settings, open_client

pytestmark = pytest.mark.anyio
PROMPTS = Path(__file__).resolve().parents[1] / "prompts"


async def test_page_modules_and_sqljs_are_served_without_a_key() -> None:
    async for client in open_client(make_settings(auth_disabled=False, llm_api_key=None, llm_base_url=None)):
        page = await client.get("/playground")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        # Every script and stylesheet the page names is served from the package, nothing from elsewhere.
        assets = re.findall(r'(?:src|href)="(/playground/static/[^"]+)"', page.text)
        assert {"/playground/static/app.js", "/playground/static/vendor/sql-wasm.js"} <= set(assets)
        assert not re.search(r'(?:src|href)="https?://', page.text)
        for asset in assets:
            response = await client.get(asset)
            assert response.status_code == 200, asset
        modules = {path.name for path in STATIC_DIR.glob("*.js")}
        assert {"app.js", "db.js", "views.js", "commands.js", "api.js"} <= modules
        for name in modules:
            response = await client.get(f"/playground/static/{name}")
            assert response.headers["content-type"].startswith("text/javascript"), name
            for imported in re.findall(r'from "\./([^"]+)"', response.text):
                assert imported in modules, f"{name} imports a missing {imported}"
        wasm = await client.get("/playground/static/vendor/sql-wasm.wasm")
        assert wasm.headers["content-type"] == "application/wasm"
        assert wasm.content[:4] == b"\0asm"
        # Outside /v1 no key is needed; /v1 still wants one.
        assert (await client.post("/v1/sql", json={})).status_code == 401


async def test_unknown_or_outside_files_are_404_error_bodies(offline_client: httpx.AsyncClient) -> None:
    for path in (
        "/playground/static/missing.js",
        "/playground/static/../../settings.py",
        "/playground/static/%2e%2e/__init__.py",
    ):
        response = await offline_client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    cached = await offline_client.get("/playground/static/app.js")
    again = await offline_client.get("/playground/static/app.js", headers={"if-none-match": cached.headers["etag"]})
    assert again.status_code == 304


async def test_schema_route_serves_the_client_schema(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.get("/playground/schema.sql")
    assert response.status_code == 200
    assert response.text == (PROMPTS / "schema.sql").read_text(encoding="utf-8")
    assert "CREATE TABLE TODO" in response.text


async def test_home_links_the_playground_and_stays_out_of_openapi(offline_client: httpx.AsyncClient) -> None:
    home = await offline_client.get("/")
    assert home.status_code == 200 and 'href="/playground"' in home.text
    paths = (await offline_client.get("/openapi.json")).json()["paths"]
    assert not [path for path in paths if path == "/" or path.startswith("/playground")]


async def test_vendored_sqljs_has_its_licence_and_version() -> None:
    vendor = STATIC_DIR / "vendor"
    assert "MIT license" in (vendor / "sql.js.LICENSE").read_text(encoding="utf-8")
    assert (vendor / "VERSION").read_text(encoding="utf-8").startswith("sql.js 1.13.0 ")
