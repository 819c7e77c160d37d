"""Evaluation cases (dataset-format.md): loading them and turning one into an API request."""

import json
from pathlib import Path
from typing import Any

CASE_COLUMNS = {
    "CATEGORY": ["id", "title", "priority"],
    "TODO": ["id", "title", "due_time", "complete", "memo", "category_id", "priority"],
    "SCHEDULE": ["id", "title", "start_time", "end_time", "memo", "category_id", "priority"],
}
_REQUEST_LISTS = {"CATEGORY": "categories", "TODO": "todos", "SCHEDULE": "schedules"}


_STATUSES = {"ok", "no_such_plan", "not_understood"}


def case_problem(case: Any) -> str | None:
    """What makes a line not a case of dataset-format.md, or None."""
    if not isinstance(case, dict):
        return "not a JSON object"
    missing = [key for key in ("id", "prompt", "now", "expect") if key not in case]
    if missing:
        return f"missing {', '.join(missing)}"
    status = case["expect"].get("status") if isinstance(case["expect"], dict) else None
    if status not in _STATUSES:
        return f"expect.status must be one of {', '.join(sorted(_STATUSES))}"
    if status == "ok" and not case["expect"].get("gold"):
        return "expect.gold is required when expect.status is ok"
    return None


def load_cases(path: Path, *, tags: list[str] | None = None) -> list[dict[str, Any]]:
    """Read a JSONL dataset, keeping only cases carrying every tag given; ValueError names a bad line."""
    cases = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON: {exc}") from exc
            problem = case_problem(case)
            if problem is None and case["id"] in seen:
                # Reports and --compare match cases by id.
                problem = f"duplicate id {case['id']}"
            if problem is not None:
                raise ValueError(f"{path}:{number}: {problem}")
            seen.add(case["id"])
            if tags and not set(tags) <= set(case.get("tags", [])):
                continue
            cases.append(case)
    return cases


def request_from_case(case: dict[str, Any], *, engine: str = "auto") -> dict[str, Any]:
    """The /v1/sql request body a client with the case's database would send."""
    body: dict[str, Any] = {"prompt": case["prompt"], "now": case["now"], "engine": engine}
    for table, key in _REQUEST_LISTS.items():
        records = []
        for row in case.get("db", {}).get(table, []):
            record = dict(zip(CASE_COLUMNS[table], row, strict=True))
            if table == "TODO":
                record["complete"] = bool(record["complete"])
            records.append(record)
        body[key] = records
    return body
