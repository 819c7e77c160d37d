"""The request log of a command-line run (synth, eval-help): its record and its rows, as the service writes them."""

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine
from ulid import ULID

from app.db.models import LlmCallLog, RequestLog
from app.ops.call_log import llm_call_rows, log_llm_calls
from app.ops.llmcall import LlmCall
from app.ops.requestlog import RequestRecord
from app.settings import Settings


async def write_run_log(
    *, engine: AsyncEngine, settings: Settings, record: RequestRecord, calls: list[LlmCall], route: str
) -> None:
    """Write the run's request row and its LLM-call rows, as the service's request log does."""
    record.calls = calls
    record.finish()
    store = settings.log_prompts == "store"
    log_llm_calls(request_id=record.request_id, route=route, calls=calls)
    async with engine.begin() as connection:
        await connection.execute(insert(RequestLog), [record.to_row(store_prompts=store)])
        if calls:
            rows = llm_call_rows(request_id=record.request_id, calls=calls, store_text=store)
            await connection.execute(insert(LlmCallLog), rows)


def run_record(route: str) -> RequestRecord:
    """A request record for one unit of a run (method CLI, the route names the command)."""
    return RequestRecord(request_id=str(ULID()), method="CLI", path=route, route=route, http_status=200)
