"""LLM calls as request-log rows and as structured log lines, failures included."""

import json
import logging
from datetime import UTC, datetime
from typing import Any

from app.ops.llmcall import LlmCall

logger = logging.getLogger("calendy.llm.calls")


def _started_at(call: LlmCall) -> datetime:
    try:
        return datetime.fromisoformat(call.started_at)
    except ValueError:
        return datetime.now(UTC)


def llm_call_rows(*, request_id: str, calls: list[LlmCall], store_text: bool) -> list[dict[str, Any]]:
    """One `llm_call_log` row per call; the model's reply is kept only when prompts are stored."""
    return [
        {
            "request_id": request_id,
            "call_index": number,
            "purpose": call.purpose[:16],
            "model": call.model[:200],
            "started_at": _started_at(call),
            "latency_ms": round(call.latency_ms, 3),
            "status": call.status[:32],
            "error": call.error,
            "prompt_tokens": call.usage.prompt_tokens if call.usage else 0,
            "completion_tokens": call.usage.completion_tokens if call.usage else 0,
            "cached_tokens": call.usage.cached_tokens if call.usage else 0,
            "response_text": call.response_text if store_text else None,
        }
        for number, call in enumerate(calls, 1)
    ]


def log_llm_calls(*, request_id: str, route: str, calls: list[LlmCall]) -> None:
    """Write one structured line per call the request made, whatever its outcome."""
    if not logger.isEnabledFor(logging.INFO):
        return  # the JSON would be built for nothing
    # The message itself is a JSON object (what log pipelines and the tests parse).
    for number, call in enumerate(calls, 1):
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
                    "usage": call.usage.model_dump() if call.usage else None,
                },
                ensure_ascii=False,
            )
        )
