"""The local engine on the public devset and on our own held-out-style cases, scored by execution match.

Run with `-s` to see a per-tag table and every miss.
"""

from pathlib import Path

import pytest

from app.evaluation.cases import load_cases, request_from_case
from app.local import answer_locally
from app.schemas import SqlRequest
from app.sqlcheck import check_sql
from app.sqlcheck.schema import load_client_schema
from tests.local_scores import check_local_scores
from tests.shared_data import DEVSET, require_shared

REPO = Path(__file__).parents[1]
LOCAL_CASES = Path(__file__).parent / "data/local_cases.jsonl"
# Written independently of the engine (its author never read app/local), as a stand-in for hidden sets.
HELDOUT_CASES = Path(__file__).parent / "data/heldout.jsonl"
HELDOUT2_CASES = Path(__file__).parent / "data/heldout2.jsonl"


def test_devset_precision_and_coverage() -> None:
    # The README's figure: 47/47 of the devset's cases expecting SQL.
    require_shared(DEVSET)
    check_local_scores(DEVSET, min_correct=47)


def test_own_cases_precision_and_coverage() -> None:
    check_local_scores(LOCAL_CASES, min_correct=95)  # 95/95 today


# The README's figures for the held-out sets: 145/152 and 102/104.
@pytest.mark.parametrize(
    ("path", "min_correct"), [(HELDOUT_CASES, 145), (HELDOUT2_CASES, 102)], ids=["heldout", "heldout2"]
)
def test_independent_heldout_precision_and_coverage(path: Path, min_correct: int) -> None:
    check_local_scores(path, min_correct=min_correct)


def test_answers_pass_the_sql_validator() -> None:
    """Every statement the local engine gives must pass app.sqlcheck (static checks and the dry run)."""
    require_shared(DEVSET)
    schema = load_client_schema(REPO / "prompts/schema.sql")
    for path in (DEVSET, LOCAL_CASES, Path(__file__).parent / "data/typed2.jsonl"):
        for case in load_cases(path):
            request = SqlRequest.model_validate(request_from_case(case, engine="local"))
            answer = answer_locally(request=request)
            if answer is not None and answer.status == "ok":
                check_sql(sql=answer.sql, request=request, schema=schema)
