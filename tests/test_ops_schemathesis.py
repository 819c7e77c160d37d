"""Schemathesis against the served OpenAPI document over real HTTP: no request may get a 5xx.

Generated from the app's own OpenAPI document; sent to a real uvicorn server on loopback with a
valid API key, the model mocked to answer in words (so no 502/503/504 is legitimate either).
Bounded: at most MAX_EXAMPLES cases per operation; about 10-20 s on the CI machine.
"""

import asyncio
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.db.connection import build_engine
from app.db.keys import create_api_key
from app.main import create_app
from tests.conftest import LLM_BASE_URL, completion, make_settings
from tests.model_mock import mock_model
from tests.servers import serve_in_thread

MAX_EXAMPLES = 60
SETTINGS = make_settings(auth_disabled=False, rate_limit_per_minute=0)
schema = schemathesis.openapi.from_dict(create_app(settings=SETTINGS).openapi())


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, str]]:
    """The base URL of a real server and a valid key for it."""

    async def make_key() -> str:
        engine = build_engine(SETTINGS)
        try:
            return (await create_api_key(engine=engine, name="schemathesis")).secret
        finally:
            await engine.dispose()

    key = asyncio.run(make_key())
    with mock_model(assert_all_called=False) as mock:
        mock.route(host="127.0.0.1").pass_through()
        mock.post(f"{LLM_BASE_URL}/chat/completions").respond(json=completion("I can only help with plans."))
        with serve_in_thread(create_app(settings=SETTINGS)) as base:
            yield base, key


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
def test_no_server_errors(case: schemathesis.Case, served: tuple[str, str]) -> None:
    base_url, key = served
    case.call_and_validate(
        base_url=base_url,
        headers={"Authorization": f"Bearer {key}"},
        # No 5xx, every status documented, bodies and content types as documented. (Schema-valid
        # bodies may still be refused, by the duplicate-id rule or a tighter configured limit, so
        # positive-data acceptance is not a property of this API.)
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
