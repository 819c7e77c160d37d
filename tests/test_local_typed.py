"""The local engine on commands as people type them (casual endings, end times, informal English): precision first."""

from pathlib import Path

from tests.test_local_devset import _check

TYPED_CASES = Path(__file__).parent / "data/typed_cases.jsonl"


def test_typed_cases_precision_and_coverage() -> None:
    # End-time edits and casual endings (…해놔, …할게) are declined for now: a decline, never a wrong answer.
    _check(TYPED_CASES, min_correct=11)  # the README's 11/16
