"""One log record per LLM call, failures included (the database log builds on this seam)."""

import json
import logging

from app.llm.client import LlmCall

logger = logging.getLogger("calendy.llm.calls")


def record_llm_calls(*, request_id: str, route: str, calls: list[LlmCall]) -> None:
    """Write one structured line per call the request made, whatever its outcome."""
    for number, call in enumerate(calls, 1):
        usage = call.usage.model_dump() if call.usage else None
        logger.info(
            json.dumps(
                {
                    "event": "llm_call",
                    "request_id": request_id,
                    "route": route,
                    "call": number,
                    "purpose": call.purpose,
                    "model": call.model,
                    "started_at": call.started_at,
                    "latency_ms": round(call.latency_ms, 3),
                    "status": call.status,
                    "error": call.error,
                    "usage": usage,
                },
                ensure_ascii=False,
            )
        )
