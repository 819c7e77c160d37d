"""`calendy ask`: one command answered in-process, printed as the API would answer it."""

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from ulid import ULID

from app.errors import AppError
from app.ops.llmcall import CallRecorder
from app.schemas import TIME_FORMAT, SqlRequest
from app.services.commands import convert_command
from app.services.runtime import build_runtime
from app.settings import get_settings


def _print(body: dict[str, Any]) -> None:
    typer.echo(json.dumps(body, ensure_ascii=False, indent=2))


async def _ask(body: dict[str, Any]) -> dict[str, Any]:
    runtime = build_runtime(get_settings())
    try:
        request = SqlRequest.model_validate(body)
        response = await convert_command(
            runtime=runtime, request=request, request_id=str(ULID()), recorder=CallRecorder()
        )
        return response.model_dump(mode="json")
    finally:
        await runtime.aclose()


def ask(
    prompt: Annotated[str, typer.Argument(help="The command, e.g. '내일 8시 알골 과제 추가'.")],
    now: Annotated[str | None, typer.Option(help="Client time 'YYYY-MM-DD HH:MM:SS' (default: now).")] = None,
    context: Annotated[
        Path | None, typer.Option(help="JSON file with categories/todos/schedules/history, as in a request.")
    ] = None,
    engine: Annotated[str, typer.Option(help="auto, local or llm.")] = "auto",
) -> None:
    """Answer one command in-process and print the response as the API would."""
    body: dict[str, Any] = {}
    if context is not None:
        try:
            body = json.loads(context.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            typer.echo(f"calendy: cannot read {context}: {exc}", err=True)
            raise typer.Exit(2) from exc
    body.update(prompt=prompt, now=now or datetime.now().strftime(TIME_FORMAT), engine=engine)
    try:
        _print(asyncio.run(_ask(body)))
    except ValidationError as exc:
        fields = [{"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()]
        _print({"error": {"code": "invalid_request", "message": "invalid request", "details": fields}})
        raise typer.Exit(1) from exc
    except AppError as exc:
        _print({"error": {"code": exc.code, "message": exc.message, "details": exc.details}})
        raise typer.Exit(1) from exc
