"""API keys over HTTP and from the CLI: required on /v1, shown once, stored hashed, revocable."""

import logging
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.db.connection import build_engine
from app.db.keys import NewKey, create_api_key, hash_key, revoke_api_key
from app.settings import Settings
from tests.conftest import fetch_rows, make_settings, open_client, sql_request

pytestmark = pytest.mark.anyio
LOCAL = sql_request("내일 8시 알골 과제 추가", engine="local")


def auth_settings(**overrides: Any) -> Settings:
    return make_settings(auth_disabled=False, llm_api_key=None, llm_base_url=None, **overrides)


async def new_key(settings: Settings, **kwargs: Any) -> NewKey:
    engine = build_engine(settings)
    try:
        return await create_api_key(engine=engine, name="test", **kwargs)
    finally:
        await engine.dispose()


def bearer(key: NewKey | str) -> dict[str, str]:
    return {"authorization": f"Bearer {key.secret if isinstance(key, NewKey) else key}"}


async def test_key_required_on_v1_only() -> None:
    settings = auth_settings()
    async for client in open_client(settings):
        key = await new_key(settings)
        missing = await client.post("/v1/sql", json=LOCAL)
        assert missing.status_code == 401
        assert missing.json()["error"]["code"] == "unauthorized"
        assert missing.headers["www-authenticate"] == "Bearer"
        for bad in ("cal_00000000_nope", "sk-something", key.secret + "x"):
            wrong = await client.post("/v1/sql", json=LOCAL, headers=bearer(bad))
            assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "unauthorized"
        basic = await client.post("/v1/sql", json=LOCAL, headers={"authorization": "Basic " + key.secret})
        assert basic.status_code == 401
        ok = await client.post("/v1/sql", json=LOCAL, headers=bearer(key))
        assert ok.status_code == 200, ok.text
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/readyz")).status_code == 200
        metrics = await client.get("/metrics")
        assert 'calendy_http_requests_total{engine="none",method="POST",route="/v1/sql",status="401"}' in metrics.text
    [row] = await fetch_rows("request_log", settings=settings, request_id=ok.headers["x-request-id"])
    assert row["key_id"] == key.info.id
    [refused] = await fetch_rows("request_log", settings=settings, request_id=missing.headers["x-request-id"])
    assert (refused["http_status"], refused["error_code"], refused["route"]) == (401, "unauthorized", "/v1/sql")


async def test_unauthenticated_body_is_never_read() -> None:
    """401 comes before the body: neither its size nor its JSON matters."""
    async for client in open_client(auth_settings(max_body_bytes=2048)):
        bad_json = await client.post("/v1/sql", content=b"{", headers={"content-type": "application/json"})
        huge = await client.post("/v1/sql", content=b" " * 10_000, headers={"content-type": "application/json"})
        assert bad_json.status_code == huge.status_code == 401


async def test_keys_are_stored_hashed() -> None:
    settings = auth_settings()
    key = await new_key(settings)
    assert key.secret.startswith(f"cal_{key.info.id}_") and len(key.secret) > 40
    [row] = await fetch_rows("api_keys", settings=settings, id=key.info.id)
    assert row["key_hash"] == hash_key(key.secret)
    assert key.secret not in str(row)


async def test_revoked_key_is_refused_after_the_cache() -> None:
    settings = auth_settings(key_cache_s=0)
    key = await new_key(settings)
    async for client in open_client(settings):
        assert (await client.post("/v1/sql", json=LOCAL, headers=bearer(key))).status_code == 200
        engine = build_engine(settings)
        try:
            assert await revoke_api_key(engine=engine, key_id=key.info.id)
            assert not await revoke_api_key(engine=engine, key_id=key.info.id)
        finally:
            await engine.dispose()
        refused = await client.post("/v1/sql", json=LOCAL, headers=bearer(key))
        assert refused.status_code == 401


async def test_cached_key_survives_revocation_until_ttl() -> None:
    """The documented revocation delay: a worker that cached the key accepts it until the TTL ends."""
    settings = auth_settings(key_cache_s=60)
    key = await new_key(settings)
    async for client in open_client(settings):
        assert (await client.post("/v1/sql", json=LOCAL, headers=bearer(key))).status_code == 200
        engine = build_engine(settings)
        try:
            await revoke_api_key(engine=engine, key_id=key.info.id)
        finally:
            await engine.dispose()
        assert (await client.post("/v1/sql", json=LOCAL, headers=bearer(key))).status_code == 200


async def test_disabled_auth_is_announced(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="calendy.ops"):
        async for client in open_client(make_settings(llm_api_key=None, llm_base_url=None)):
            assert (await client.post("/v1/sql", json=LOCAL)).status_code == 200
    assert any("AUTHENTICATION IS DISABLED" in record.getMessage() for record in caplog.records)


async def test_openapi_documents_bearer_auth(offline_client: httpx.AsyncClient) -> None:
    spec = (await offline_client.get("/openapi.json")).json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert spec["paths"]["/v1/sql"]["post"]["security"] == [{"HTTPBearer": []}]


def test_cli_keys_create_list_revoke(cli_env: Settings) -> None:
    runner = CliRunner()
    created = runner.invoke(cli, ["keys", "create", "--name", "cli-test", "--rate-limit", "7"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[0]
    assert secret.startswith("cal_")
    key_id = secret.split("_")[1]
    listed = runner.invoke(cli, ["keys", "list"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0 and key_id in listed.stdout and "cli-test" in listed.stdout
    assert secret not in listed.stdout
    revoked = runner.invoke(cli, ["keys", "revoke", key_id])
    assert revoked.exit_code == 0, revoked.output
    again = runner.invoke(cli, ["keys", "revoke", key_id])
    assert again.exit_code == 1
