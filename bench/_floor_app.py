"""The smallest FastAPI app doing what every /v1/sql request needs: `bench.floor` serves it with uvicorn."""

from fastapi import FastAPI

from app.schemas import SqlRequest, SqlResponse

app = FastAPI()

# The benchmark's answer, as the service sends it (one validated DELETE).
_ANSWER = {
    "request_id": "01JBENCH0000000000000000000",
    "status": "ok",
    "intent": "delete",
    "statements": [{"sql": "DELETE FROM TODO WHERE id = 12", "kind": "delete", "table": "TODO", "ids": [12]}],
    "engine": "llm",
    "model": "fake-model",
    "timings_ms": {"total": 50.0, "llm": 50.0, "service": 0.0},
}


@app.post("/v1/sql")
async def post_sql(body: SqlRequest) -> SqlResponse:
    """Validate the body with the service's own schema, answer a fixed response."""
    return SqlResponse.model_validate(_ANSWER)
