"""Repair success on scripted model outputs: a wrong first answer, then the model's reaction to the repair prompt.

The first answer is a gold answer made wrong in a known class (bench.validator_variants: an
always-true disjunct, `WHERE 1 = 1`, a title condition). The "model" is scripted: it changes its
answer only as the repair prompt tells it to (remove the part named always true, write the
`id IN (...)` named), and otherwise answers the same again. So the figure says how often the
repair prompt carries what it takes to fix the answer, not how well a real model follows it.
The second answer is validated and executed against the gold like any evaluation answer.
`--rule-only` cuts each reason after the rule it names, to show what the named fix adds.
"""

import argparse
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlglot import exp

from app.errors import SqlRejected
from app.evaluation.cases import CASE_COLUMNS, load_cases, request_from_case
from app.evaluation.scoring import match_execution
from app.llm.exemplars import Exemplar, load_exemplars
from app.llm.prompts import load_prompts, render
from app.schemas import SqlRequest
from app.sqlcheck import ClientSchema, check_sql, load_client_schema
from app.sqlcheck.dialect import parse_sql
from app.sqlcheck.dialect import render as render_sql
from bench._common import ROOT
from bench.validator_variants import SETS, unsafe_variants

_STATEMENT = re.compile(r"^- statement (\d+) \(")
_REMOVE = re.compile(r"does not ask for everything: (.+) is always true, so remove it$")
_TITLE_IDS = re.compile(r"a condition on (TODO|SCHEDULE)\.title: .* so write id IN \(([\d, ]+)\)")
_WHERE_IDS = re.compile(
    r"\((TODO|SCHEDULE) id [\d, ]+\)(?:, and '[^']+' picks id [\d, ]+)?: write WHERE id IN \(([\d, ]+)\)"
)
_WHERE_CATEGORY = re.compile(r"the command names the category '[^']+': write WHERE category_id = (\d+)")
_OTHER_TABLE = re.compile(r"writes (?:TODO|SCHEDULE) rows, but the command is about \w+ only \('[^']+'\); change only")
# Where each reason's rule ends and its fix begins (for --rule-only).
_FIX_START = re.compile(r"(but the command does not ask for everything|never by title|only \('[^']+'\))[:;].*$")


def scripted_reaction(answer: list[str], repair_prompt: str) -> list[str]:
    """The answer changed only where a line of the repair prompt names the fix."""
    fixed: list[str | None] = list(answer)
    for line in repair_prompt.splitlines():
        found = _STATEMENT.match(line)
        if found is None or not 0 < int(found[1]) <= len(fixed):
            continue
        number = int(found[1]) - 1
        text = fixed[number]
        node = parse_sql(text)[0] if text is not None else None
        if node is None:
            continue
        if _OTHER_TABLE.search(line):
            fixed[number] = None  # the statement on the table the command leaves out is dropped
            continue
        if remove := _REMOVE.search(line):
            _drop_disjunct(node, remove[1])
        elif ids := _TITLE_IDS.search(line):
            _replace_title_conditions(node, ids[2])
        elif ids := _WHERE_IDS.search(line):
            _replace_where(node, f"id IN ({ids[2]})")
        elif category := _WHERE_CATEGORY.search(line):
            _replace_where(node, f"category_id = {category[1]}")
        fixed[number] = render_sql(node)
    return [text for text in fixed if text is not None]


def _replace_where(node: exp.Expr, condition: str) -> None:
    where = node.args.get("where")
    if where is not None:
        where.set("this", exp.condition(condition))


def _drop_disjunct(node: exp.Expr, shown: str) -> None:
    for found in list(node.find_all(exp.Or)):
        for side, other in ((found.this, found.expression), (found.expression, found.this)):
            if render_sql(side) == shown:
                found.replace(other)
                return


def _replace_title_conditions(node: exp.Expr, ids: str) -> None:
    where = node.args.get("where")
    for column in list(where.find_all(exp.Column) if where is not None else []):
        comparison = column.parent
        if column.name.lower() == "title" and isinstance(comparison, exp.EQ | exp.Like):
            comparison.replace(exp.condition(f"id IN ({ids})"))


def exemplar_case(exemplar: Exemplar) -> dict[str, Any]:
    """An ok exemplar as an evaluation case: its records as the case database, its answer as the gold."""
    data = exemplar.user_data
    rows: dict[str, list[list[Any]]] = {"CATEGORY": [], "TODO": [], "SCHEDULE": []}
    for table, records in (("CATEGORY", data.categories), ("TODO", data.todos), ("SCHEDULE", data.schedules)):
        for record in records:
            values = record.model_dump()
            row = [values.get(column) for column in CASE_COLUMNS[table]]
            rows[table].append([int(v) if isinstance(v, bool) else v for v in row])
    gold = [part.strip() for part in exemplar.answer.split(";") if part.strip()]
    return {"prompt": exemplar.prompt, "now": data.now, "db": rows, "expect": {"status": "ok", "gold": gold}}


def repair_outcome(
    *, case: dict[str, Any], first: list[str], schema: ClientSchema, repair: Any, attempts: int, rule_only: bool
) -> str:
    """'accepted' (not refused at all), 'repaired', 'accepted but wrong' or 'refused again'."""
    request = SqlRequest.model_validate(request_from_case(case))
    answer = first
    for attempt in range(1 + attempts):
        try:
            checked = check_sql(sql=answer, request=request, schema=schema)
        except SqlRejected as exc:
            reasons = [_FIX_START.sub(r"\1", reason) if rule_only else reason for reason in exc.reasons]
            prompt = render(repair, errors="\n".join(f"- {reason}" for reason in reasons))
            answer = scripted_reaction(answer, prompt)
            continue
        if attempt == 0:
            return "accepted"
        verdict = match_execution(
            schema_sql=schema.ddl,
            db=case["db"],
            gold=case["expect"]["gold"],
            answer=[item.statement.sql for item in checked],
        )
        return "repaired" if verdict.correct else "accepted but wrong"
    return "refused again"


def main() -> None:
    """Print, per wrong-answer class, what one repair turned the refusals into."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sets", nargs="*", type=Path, default=[path for path in SETS if path.exists()])
    parser.add_argument("--attempts", type=int, default=1, help="repair attempts (the service's default is 1)")
    parser.add_argument("--rule-only", action="store_true", help="reasons name the rule but not the fix")
    args = parser.parse_args()
    schema = load_client_schema(ROOT / "prompts" / "schema.sql")
    repair = load_prompts(ROOT / "prompts").repair
    sources: list[tuple[str, list[dict[str, Any]]]] = [
        ("exemplars", [exemplar_case(e) for e in load_exemplars(ROOT / "exemplars") if e.expect.status == "ok"])
    ]
    sources += [(path.name, load_cases(path)) for path in args.sets]
    outcomes: Counter[tuple[str, str]] = Counter()
    for _name, cases in sources:
        for case in cases:
            gold = case["expect"].get("gold")
            if not gold:
                continue
            statements = [gold] if isinstance(gold, str) else list(gold)
            case = {**case, "expect": {**case["expect"], "gold": statements}}
            for kind, first, ids in unsafe_variants(statements, case):
                if kind == "title condition":
                    # A title several rows share names more rows than the gold's id: no repair recovers which.
                    kind += " (one row)" if len(ids) <= 1 else " (shared title)"
                outcome = repair_outcome(
                    case=case,
                    first=first,
                    schema=schema,
                    repair=repair,
                    attempts=args.attempts,
                    rule_only=args.rule_only,
                )
                outcomes[(kind, outcome)] += 1
    kinds = sorted({kind for kind, _ in outcomes})
    columns = ["repaired", "accepted but wrong", "refused again", "accepted"]
    print(f"{'first answer':28}" + "".join(f"{column:>20}" for column in columns))
    for kind in kinds:
        print(f"{kind:28}" + "".join(f"{outcomes[(kind, column)]:>20}" for column in columns))
    total = {column: sum(outcomes[(kind, column)] for kind in kinds) for column in columns}
    print(f"{'all':28}" + "".join(f"{total[column]:>20}" for column in columns))
    print("sets: " + ", ".join(name for name, _ in sources))


if __name__ == "__main__":
    main()
