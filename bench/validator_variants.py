"""The validator on scripted model outputs: each gold answer rewritten the ways GPT-4 class models write it.

Correct rewrites (a time as a concatenation, a move keeping each time of day, date-only and
exclusive bounds) must pass and, with the validator's corrections, do what the gold does; unsafe
ones (a WHERE made true for every row, a title condition instead of ids, a todos-only command
writing schedules) must be refused, and a title condition's reason must name the gold's ids, the
fix the repair prompt hands the model. The gold and the local engine's answers are judged too.
"""

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.errors import SqlRejected
from app.evaluation.cases import CASE_COLUMNS, load_cases, request_from_case
from app.evaluation.scoring import match_execution
from app.local import answer_locally
from app.schemas import SqlRequest
from app.sqlcheck import ClientSchema, check_sql, load_client_schema
from bench._common import ROOT

# Every evaluation set in the repo and the shared ones (dataset-format.md), whatever engine they were made for.
SETS = sorted((ROOT / "tests/data").glob("*.jsonl")) + sorted((ROOT.parent / "shared/devset").glob("*.jsonl"))
_TIME = re.compile(r"'(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})'")
_WRITE = re.compile(r"\s*(UPDATE|DELETE)\b", re.IGNORECASE)
_EVERYTHING = re.compile(r"모두|전부|전체|싹|(?:^|\s)다(?=\s|$)|\ball\b|\bevery", re.IGNORECASE)
Variant = tuple[str, list[str]]


def _rewrite(statements: list[str], kind: str, change: Callable[[str], str]) -> list[Variant]:
    changed = [change(text) for text in statements]
    return [(kind, changed)] if changed != statements else []


def correct_variants(statements: list[str], case: dict[str, Any]) -> list[Variant]:
    """Rewrites that keep the answer's effect (a date-only inclusive bound once the validator corrects it)."""
    return [
        *_rewrite(statements, "time as a concatenation", lambda s: _TIME.sub(r"'\1 ' || '\2'", s)),
        *_rewrite(
            statements,
            "BETWEEN two dates",
            lambda s: re.sub(r"BETWEEN '(\S{10}) 00:00:00' AND '(\S{10}) 23:59:59'", r"BETWEEN '\1' AND '\2'", s),
        ),
        *_rewrite(statements, "BETWEEN as >= date AND <= date", lambda s: _BETWEEN.sub(_inclusive_dates, s)),
        *_rewrite(statements, "BETWEEN as >= date AND < next day", lambda s: _BETWEEN.sub(_next_day, s)),
        *_rewrite(
            statements,
            "BETWEEN ... AND 'D 23:59'",
            lambda s: re.sub(r"(BETWEEN '[^']+' AND '\S{10} 23:59):59'", r"\1'", s),
        ),
        *_rewrite(statements, "a day's move keeping the time", lambda s: _keep_time_of_day(s, case)),
    ]


_BETWEEN = re.compile(r"(\w+) BETWEEN '(\S{10}) 00:00:00' AND '(\S{10}) 23:59:59'")
_SET_ONE = re.compile(r"(UPDATE (TODO|SCHEDULE) SET )(.*) WHERE id = (\d+)$", re.S)


def _inclusive_dates(match: re.Match[str]) -> str:
    return f"{match[1]} >= '{match[2]}' AND {match[1]} <= '{match[3]}'"


def _next_day(match: re.Match[str]) -> str:
    following = (date.fromisoformat(match[3]) + timedelta(days=1)).isoformat()
    return f"({match[1]} >= '{match[2]}' AND {match[1]} < '{following}')"


def _keep_time_of_day(statement: str, case: dict[str, Any]) -> str:
    """SET col = 'D T' where the row's col already has time T: written as 'D ' || substr(col, 12)."""
    match = _SET_ONE.match(statement.strip())
    if match is None:
        return statement
    columns = CASE_COLUMNS[match[2]]
    row = next((r for r in case["db"].get(match[2], []) if r[0] == int(match[4])), None)
    if row is None:
        return statement
    values = dict(zip(columns, row, strict=True))

    def keep(found: re.Match[str]) -> str:
        column, day, clock = found[1], found[2], found[3]
        old = values.get(column)
        if isinstance(old, str) and old[11:] == clock and old[:10] != day:
            return f"{column} = '{day} ' || substr({column}, 12)"
        return found[0]

    changed = re.sub(r"(\w+_time) = '(\S{10}) (\d{2}:\d{2}:\d{2})'", keep, match[3])
    return f"{match[1]}{changed} WHERE id = {match[4]}"


def unsafe_variants(statements: list[str], case: dict[str, Any]) -> list[tuple[str, list[str], list[int]]]:
    """Rewrites that reach rows the command does not mean, with the ids a repair should name."""
    found: list[tuple[str, list[str], list[int]]] = []
    if any(_WRITE.match(s) for s in statements) and not _EVERYTHING.search(case["prompt"]):
        for disjunct in ("'a' = 'a'", "1 = 1", "complete IN (0, 1)", "<time> IS NOT NULL"):
            rewritten = [_or_always(s, disjunct) for s in statements]
            if rewritten != statements:
                found.append((f"OR {disjunct}", rewritten, []))
        found.append(
            (
                "WHERE 1 = 1",
                [re.sub(r"WHERE .*", "WHERE 1 = 1", s, flags=re.S) if _WRITE.match(s) else s for s in statements],
                [],
            )
        )
    if _TODOS_ONLY.search(case["prompt"]) and not _SCHEDULES_TOO.search(case["prompt"]):
        # The local engine's bug on unseen cases: a bulk move of 할 일 moving schedules too.
        extra = [_on_schedules(s) for s in statements if _BULK_TODO_WRITE.match(s)]
        if extra:
            found.append(("a todos-only command writing SCHEDULE", [*statements, *extra], []))
    for number, text in enumerate(statements):
        match = re.match(r"\s*(?:UPDATE|DELETE FROM) (TODO|SCHEDULE)\b.*WHERE id = (\d+)$", text, re.S)
        rows = {row[0]: row for row in case["db"].get(match[1], [])} if match else {}
        row = rows.get(int(match[2])) if match else None
        if match and row:
            title = str(row[1])
            ids = sorted(key for key, other in rows.items() if title.lower() in str(other[1]).lower())
            quoted = title.replace("'", "''")
            changed = [*statements[:number], text.replace(f"WHERE id = {match[2]}", f"WHERE title = '{quoted}'")]
            found.append(("title condition", [*changed, *statements[number + 1 :]], ids))
            break
    return found


_TODOS_ONLY = re.compile(r"할\s*일|투두|\btodos?\b", re.IGNORECASE)
_SCHEDULES_TOO = re.compile(r"일정|스케줄|계획|\b(?:schedules?|events?|plans?)\b", re.IGNORECASE)
_BULK_TODO_WRITE = re.compile(r"\s*(?:UPDATE TODO|DELETE FROM TODO)\b(?!.*\bid\b)", re.S)


def _on_schedules(statement: str) -> str:
    """The same bulk write on SCHEDULE (a TODO's due_time read as a schedule's start_time)."""
    return statement.replace("TODO", "SCHEDULE", 1).replace("due_time", "start_time")


def _or_always(statement: str, disjunct: str) -> str:
    """An UPDATE/DELETE's WHERE with an always-true disjunct appended (one that fits its table)."""
    match = re.match(r"\s*(?:UPDATE|DELETE FROM) (TODO|SCHEDULE)\b.*\bWHERE\b", statement, re.S)
    if match is None:
        return statement
    if disjunct.startswith("complete") and match[1] != "TODO":
        return statement
    time_column = "due_time" if match[1] == "TODO" else "start_time"
    return f"{statement} OR {disjunct.replace('<time>', time_column)}"


def _names_gold_id(reasons: list[str], gold: list[str], title_ids: list[int]) -> bool:
    """The fix a title condition's reason names holds the id the gold names, and only ids of that title."""
    wanted = {int(found) for text in gold for found in re.findall(r"WHERE id = (\d+)$", text.strip())}
    for reason in reasons:
        named = re.search(r"so write id IN \(([\d, ]+)\)", reason)
        if named:
            ids = {int(part) for part in named[1].split(",")}
            return bool(wanted & ids) and ids <= set(title_ids)
    return False


def _judge(sql: list[str], request: SqlRequest, schema: ClientSchema) -> list[str] | None:
    """The statements the validator returns (corrections made), or None when it refuses."""
    try:
        return [item.statement.sql for item in check_sql(sql=sql, request=request, schema=schema)]
    except SqlRejected:
        return None


def main() -> None:
    """Print, per variant kind, how many were judged wrongly."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sets", nargs="*", type=Path, default=SETS)
    args = parser.parse_args()
    schema = load_client_schema(ROOT / "prompts" / "schema.sql")
    totals: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    hinted = 0
    for path in args.sets:
        for case in load_cases(path):
            request = SqlRequest.model_validate(request_from_case(case))
            local = answer_locally(request=request)
            if local is not None and local.status == "ok":
                totals["local engine answers (status ok)"] += 1
                wrong["local engine answers (status ok)"] += _judge(local.sql, request, schema) is None
            gold = case["expect"].get("gold")
            if not gold:
                continue
            statements = [gold] if isinstance(gold, str) else list(gold)
            for kind, sql in [("gold as written", statements), *correct_variants(statements, case)]:
                totals[f"correct: {kind}"] += 1
                returned = _judge(sql, request, schema)
                if returned is None:
                    wrong[f"correct: {kind}"] += 1
                    continue
                verdict = match_execution(schema_sql=schema.ddl, db=case["db"], gold=statements, answer=returned)
                changed[f"correct: {kind}"] += not verdict.correct
            for kind, sql, ids in unsafe_variants(statements, case):
                totals[f"unsafe: {kind}"] += 1
                try:
                    check_sql(sql=sql, request=request, schema=schema)
                except SqlRejected as exc:
                    if kind == "title condition":
                        hinted += _names_gold_id(exc.reasons, statements, ids)
                    continue
                wrong[f"unsafe: {kind}"] += 1
    print(f"sets: {', '.join(path.name for path in args.sets)}")
    for kind, total in sorted(totals.items()):
        if kind.startswith("local"):
            print(f"{kind:42} {wrong[kind]:4} of {total:4} refused")
        elif kind.startswith("unsafe"):
            print(f"{kind:42} {wrong[kind]:4} of {total:4} accepted")
        else:
            print(f"{kind:42} {wrong[kind]:4} of {total:4} refused, {changed[kind]:3} returned with another effect")
    titles = totals["unsafe: title condition"]
    print(f"title refusals whose fix (id IN ...) holds the gold's id, no other title's: {hinted} of {titles}")


if __name__ == "__main__":
    main()
