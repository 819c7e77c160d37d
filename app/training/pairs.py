"""Training pairs: a /v1/sql request body, the SQL that answers it, and where the pair came from."""

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from app.errors import InvalidRequest
from app.schemas import SqlRequest


class Pair(BaseModel):
    """One verified (request, SQL) pair: a line of pairs.jsonl."""

    request: SqlRequest
    sql: list[str] = Field(min_length=1)
    source: str = "unknown"


def sql_answer(*, statements: list[str]) -> str:
    """The assistant turn: each statement ending in ';', one per line (as the service's history)."""
    return "\n".join(f"{sql.strip().rstrip(';').rstrip()};" for sql in statements)


def pair_key(*, pair: Pair) -> str:
    """What makes two pairs the same input: the request as the model sees it."""
    body = pair.request.model_dump(mode="json", exclude={"engine", "locale"})
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


def _errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'pair'}: {e['msg']}" for e in exc.errors())


def read_pairs(*, path: Path, help_lines: list[tuple[int, Any]] | None = None) -> list[Pair]:
    """Every pair of a JSONL file; InvalidRequest lists each bad line (number and problem).

    With `help_lines`, lines that are help pairs (a question, no request) are put there instead.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InvalidRequest(f"cannot read {path}: {exc}") from exc
    pairs: list[Pair] = []
    problems: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not JSON ({exc.msg})")
            continue
        if help_lines is not None and isinstance(raw, dict) and "question" in raw and "request" not in raw:
            help_lines.append((number, raw))
            continue
        try:
            pair = Pair.model_validate(raw)
        except ValidationError as exc:
            problems.append(f"line {number}: {_errors(exc)}")
            continue
        if any(not sql.strip() for sql in pair.sql):
            problems.append(f"line {number}: sql: an empty statement")
            continue
        pairs.append(pair)
    if problems:
        raise InvalidRequest(f"{path}: {len(problems)} bad line(s)", details=problems)
    return pairs


def pair_line(*, pair: Pair) -> str:
    """One JSONL line of a pair."""
    request = pair.request.model_dump(mode="json", exclude={"engine", "locale"})
    return json.dumps({"request": request, "sql": pair.sql, "source": pair.source}, ensure_ascii=False)


def write_lines(*, path: Path, lines: list[str], append: bool = False) -> None:
    """Write (or append) JSONL lines, creating the directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a" if append else "w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line + "\n")


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a JSONL file written by `write_lines` (none when it does not exist yet)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
