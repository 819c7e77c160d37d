"""The validator on scripted model outputs: each gold answer rewritten the ways GPT-4 class models write it.

Correct rewrites (a time as a concatenation, date-only bounds) must pass; unsafe ones (a WHERE made
true for every row, a title condition instead of ids) must be refused, and a title condition's
reason must name the gold's ids, the fix the repair prompt hands the model.
"""

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.errors import SqlRejected
from app.evaluation.cases import load_cases, request_from_case
from app.schemas import SqlRequest
from app.sqlcheck import check_sql, load_client_schema
from bench._common import ROOT

SETS = [
    ROOT / "tests/data/heldout.jsonl",
    ROOT / "tests/data/heldout2.jsonl",
    ROOT / "tests/data/eval_small.jsonl",
    ROOT.parent / "shared/devset/devset.jsonl",
    ROOT.parent / "shared/devset/namedays.jsonl",
]
_TIME = re.compile(r"'(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})'")
_WRITE = re.compile(r"\s*(UPDATE|DELETE)\b", re.IGNORECASE)
_EVERYTHING = re.compile(r"모두|전부|전체|싹|(?:^|\s)다(?=\s|$)|\ball\b|\bevery", re.IGNORECASE)
Variant = tuple[str, list[str]]


def _rewrite(statements: list[str], kind: str, change: Callable[[str], str]) -> list[Variant]:
    changed = [change(text) for text in statements]
    return [(kind, changed)] if changed != statements else []


def correct_variants(statements: list[str]) -> list[Variant]:
    """Rewrites that keep the answer's effect."""
    return [
        *_rewrite(statements, "time as a concatenation", lambda s: _TIME.sub(r"'\1 ' || '\2'", s)),
        *_rewrite(statements, "date-only lower bound", lambda s: re.sub(r">= '(\S{10}) 00:00:00'", r">= '\1'", s)),
        *_rewrite(statements, "date-only <= bound", lambda s: re.sub(r"<= '(\S{10}) 23:59:59'", r"<= '\1'", s)),
        *_rewrite(
            statements,
            "BETWEEN two dates",
            lambda s: re.sub(r"BETWEEN '(\S{10}) 00:00:00' AND '(\S{10}) 23:59:59'", r"BETWEEN '\1' AND '\2'", s),
        ),
    ]


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


def _or_always(statement: str, disjunct: str) -> str:
    """An UPDATE/DELETE's WHERE with an always-true disjunct appended (one that fits its table)."""
    match = re.match(r"\s*(?:UPDATE|DELETE FROM) (TODO|SCHEDULE)\b.*\bWHERE\b", statement, re.S)
    if match is None:
        return statement
    if disjunct.startswith("complete") and match[1] != "TODO":
        return statement
    time_column = "due_time" if match[1] == "TODO" else "start_time"
    return f"{statement} OR {disjunct.replace('<time>', time_column)}"


def main() -> None:
    """Print, per variant kind, how many were judged wrongly."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sets", nargs="*", type=Path, default=[path for path in SETS if path.exists()])
    args = parser.parse_args()
    schema = load_client_schema(ROOT / "prompts" / "schema.sql")
    totals: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    hinted = 0
    for path in args.sets:
        for case in load_cases(path):
            gold = case["expect"].get("gold")
            if not gold:
                continue
            statements = [gold] if isinstance(gold, str) else list(gold)
            request = SqlRequest.model_validate(request_from_case(case))
            for kind, sql in correct_variants(statements):
                totals[f"correct: {kind}"] += 1
                try:
                    check_sql(sql=sql, request=request, schema=schema)
                except SqlRejected:
                    wrong[f"correct: {kind}"] += 1
            for kind, sql, ids in unsafe_variants(statements, case):
                totals[f"unsafe: {kind}"] += 1
                try:
                    check_sql(sql=sql, request=request, schema=schema)
                except SqlRejected as exc:
                    named = f"id IN ({', '.join(map(str, ids))})"
                    hinted += bool(ids) and any(named in reason for reason in exc.reasons)
                    continue
                wrong[f"unsafe: {kind}"] += 1
    for kind, total in sorted(totals.items()):
        verdict = "refused" if kind.startswith("correct") else "accepted"
        print(f"{kind:40} {wrong[kind]:4} of {total:4} {verdict}")
    print(f"title conditions whose reason names the ids of that title: {hinted} of {totals['unsafe: title condition']}")


if __name__ == "__main__":
    main()
