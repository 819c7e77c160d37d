"""The served OpenAPI document matches the field names and codes of api.md."""

import json
import re

from app.main import create_app
from tests.conftest import make_settings


def test_openapi_matches_api_md() -> None:
    spec = create_app(settings=make_settings()).openapi()
    schemas = spec["components"]["schemas"]
    assert set(schemas["SqlRequest"]["properties"]) == {
        "prompt", "now", "categories", "todos", "schedules", "history", "engine", "locale"
    }  # fmt: skip
    assert set(schemas["SqlRequest"]["required"]) == {"prompt", "now"}
    assert set(schemas["SqlResponse"]["properties"]) == {
        "request_id", "status", "intent", "message", "statements", "needs_confirmation",
        "engine", "model", "usage", "timings_ms",
    }  # fmt: skip
    assert set(schemas["Statement"]["properties"]) == {"sql", "kind", "table", "ids", "destructive", "preview_sql"}
    assert set(schemas["SummaryResponse"]["properties"]) == {"request_id", "summary", "engine", "model", "usage"}
    assert set(schemas["Usage"]["properties"]) == {"prompt_tokens", "completion_tokens", "cached_tokens"}
    sql_responses = spec["paths"]["/v1/sql"]["post"]["responses"]
    assert {"200", "400", "401", "413", "422", "429", "502", "503", "504"} <= set(sql_responses)
    assert sql_responses["502"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")


def test_bodies_read_by_the_routes_are_documented() -> None:
    spec = create_app(settings=make_settings()).openapi()
    schemas = spec["components"]["schemas"]
    for path, model in (("/v1/sql", "SqlRequest"), ("/v1/summary", "SummaryRequest")):
        operation = spec["paths"][path]["post"]
        body = operation["requestBody"]
        assert body["required"] is True
        assert body["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{model}"}
        assert operation["security"] == [{"HTTPBearer": []}]
    # Every reference in the document resolves (nested models hoisted out of the body schemas).
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(spec)))
    assert {"SqlRequest", "SummaryRequest", "Todo", "Schedule", "Category", "HistoryTurn"} <= refs
    assert refs <= set(schemas)
    assert "$defs" not in json.dumps(spec)
