"""What `calendy eval` shows: the console table and summary, the JSON and HTML reports, `--compare`."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from app.engine_answer import EngineAnswer
from app.evaluation.cases import load_cases
from app.evaluation.html_report import render_html
from app.evaluation.report import report_json
from app.evaluation.runner import Answer, CaseResult, evaluate_cases, in_process_answerer
from app.evaluation.scoring import Verdict
from app.schemas import SqlRequest, Usage
from app.services.runtime import build_runtime
from tests.conftest import make_settings
from tests.test_eval_cassette import DATASET, run_eval

META = {"dataset": "cases.jsonl", "engine": "llm", "url": None, "model": "gpt-test", "replay": None,
        "started_at": "2024-04-17T05:00:00+00:00", "duration_s": 1.5}  # fmt: skip


def make_result(case_id: str, outcome: str, *, tags: list[str], reason: str = "") -> CaseResult:
    case = {"id": case_id, "tags": tags, "prompt": f"prompt of {case_id}", "now": "2024-04-17 14:00:00",
            "expect": {"status": "ok", "gold": ["DELETE FROM TODO WHERE id = 5"]}}  # fmt: skip
    answer = Answer(status="ok", statements=["DELETE FROM TODO WHERE id = 4"], usage=Usage(prompt_tokens=10))
    return CaseResult(case=case, answer=answer, verdict=Verdict(outcome, reason), latency_ms=2.0)  # type: ignore[arg-type]


def make_report(outcomes: dict[str, str]) -> dict[str, Any]:
    results = [
        make_result(case_id, outcome, tags=["ko" if "ko" in case_id else "en", "delete"], reason=f"why {case_id}")
        for case_id, outcome in outcomes.items()
    ]
    return report_json(results, meta=META)


_VOID = frozenset({"meta", "br", "img", "hr", "input", "link"})


class _Checker(HTMLParser):
    """Tracks open elements: every non-void element must be closed, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href")]
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


def test_html_report_is_self_contained_with_a_chart() -> None:
    report = make_report({"ko-1": "correct", "ko-2": "wrong", "en-<b>3</b>": "declined", "en-4": "correct"})
    page = render_html(report)
    assert page.startswith("<!DOCTYPE html>")
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == []
    assert checker.urls == [] and "http://" not in page and "https://" not in page  # no external asset
    assert {"html", "head", "style", "body", "svg", "rect", "table"} <= set(checker.tags)
    assert "<script" not in page
    chart = page[page.index("<svg") : page.index("</svg>")]
    # One bar per tag and one for all cases; a segment per non-empty outcome, with its count in a tooltip.
    for name in ("all cases", "ko", "en", "delete"):
        assert f">{name}</text>" in chart
    assert "<title>ko: wrong 1 of 2</title>" in chart
    assert "<title>en: declined 1 of 2</title>" in chart
    assert "2/4 correct" in chart
    assert "en-&lt;b&gt;3&lt;/b&gt;" in page and "en-<b>3" not in page
    assert "why ko-2" in page and "DELETE FROM TODO WHERE id = 4" in page


def test_console_output_is_readable_in_a_pipe_and_ends_with_the_summary(tmp_path: Path) -> None:
    result = run_eval(DATASET, "--engine", "local", "--json", tmp_path / "r.json", "--html", tmp_path / "r.html")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    row = next(line for line in lines if line.strip().startswith("no_such_plan"))
    assert len(row.split()) == 11  # tag and every figure, none cut
    assert re.fullmatch(r"eval local \(in-process\) on .*eval_small\.jsonl: 7 cases in .* tokens 0", lines[-4])
    assert re.fullmatch(r"correct \d+, declined \d+, wrong \d+", lines[-3])
    assert re.fullmatch(r"precision \d\.\d{3}  coverage \d\.\d{3}", lines[-2])
    assert re.fullmatch(r"cases expecting SQL: \d/6 correct, coverage \d\.\d{3}", lines[-1])
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["overall"]["cases"] == 7 and report["ok_cases"]["cases"] == 6
    assert {c["outcome"] for c in report["cases"]} <= {"correct", "declined", "wrong"}
    wrong = [c for c in report["cases"] if c["outcome"] == "wrong"]
    assert all(f"  {c['id']} [" in result.stdout and c["reason"] in result.stdout for c in wrong)
    assert (tmp_path / "r.html").read_text(encoding="utf-8").count("<svg") == 1


def test_tag_filter(tmp_path: Path) -> None:
    result = run_eval(DATASET, "--engine", "local", "--tag", "en", "--json", tmp_path / "en.json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "en.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in report["cases"]] == ["small-en-delete", "small-en-select", "small-en-insert-noon"]
    assert run_eval(DATASET, "--tag", "en", "--tag", "ko").exit_code == 2  # no case has both


def test_compare_lists_fixed_and_broken_cases_and_the_deltas(tmp_path: Path) -> None:
    before = make_report({"ko-1": "correct", "ko-2": "wrong", "en-3": "declined", "en-4": "correct", "en-5": "wrong"})
    after = make_report({"ko-1": "wrong", "ko-2": "correct", "en-3": "correct", "en-4": "correct", "en-5": "declined"})
    (tmp_path / "a.json").write_text(json.dumps(before), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(after), encoding="utf-8")
    result = run_eval("--compare", tmp_path / "a.json", tmp_path / "b.json")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "fixed (2)\n  ko-2: wrong → correct (why ko-2)\n  en-3: declined → correct (why en-3)\n" in out
    assert "broken (1)\n  ko-1: correct → wrong (why ko-1)\n" in out
    assert "changed (1)\n  en-5: wrong → declined (why en-5)\n" in out
    assert "  en: correct 1/3 → 2/3" in out
    lines = out.splitlines()
    assert lines[-4] == "fixed 2, broken 1, changed 1"
    assert lines[-3] == "correct 2 → 3 (+1), declined 1 → 1 (+0), wrong 2 → 1 (-1), missed 0 → 0 (+0)"
    assert lines[-2] == "precision 0.500 → 0.750 (+0.250)  coverage 0.400 → 0.600 (+0.200)"
    assert lines[-1] == "cases expecting SQL: coverage 0.400 → 0.600 (+0.200)"


def test_compare_refuses_a_dataset_or_a_file_that_is_not_a_report(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(make_report({"x": "correct"})), encoding="utf-8")
    (tmp_path / "bad.json").write_text("[1, 2]", encoding="utf-8")
    assert run_eval(DATASET, "--compare", tmp_path / "a.json", tmp_path / "a.json").exit_code == 2
    bad = run_eval("--compare", tmp_path / "a.json", tmp_path / "bad.json")
    assert bad.exit_code == 2 and "not an evaluation report" in bad.output
    assert run_eval().exit_code == 2


def test_a_malformed_dataset_line_is_named(tmp_path: Path) -> None:
    good = DATASET.read_text(encoding="utf-8").splitlines()[0]
    bad_lines = {
        '{"id": "x"}': "missing prompt, now, expect",
        good.replace('"status": "ok"', '"status": "maybe"'): "expect.status must be one of",
        good: "duplicate id small-ko-insert",
    }
    for line, message in bad_lines.items():
        (tmp_path / "cases.jsonl").write_text(good + "\n" + line + "\n", encoding="utf-8")
        result = run_eval(tmp_path / "cases.jsonl")
        assert result.exit_code == 2 and f"cases.jsonl:2: {message}" in result.output, result.output


@pytest.mark.anyio
async def test_an_engine_crash_is_one_wrong_case_not_the_end_of_the_run() -> None:
    def crash(*, request: SqlRequest) -> EngineAnswer | None:
        if "치과" in request.prompt:
            raise KeyError("boom")
        return None

    runtime = build_runtime(make_settings(llm_api_key=None, llm_base_url=None), local_engine=crash)
    cases = load_cases(DATASET)
    answer = in_process_answerer(runtime=runtime, engine="local")
    results = await evaluate_cases(cases=cases, answer_case=answer, schema_sql=runtime.schema.ddl)
    verdicts = {r.case_id: r.verdict for r in results}
    assert verdicts["small-ko-insert-time"].reason == "error internal_error (KeyError: 'boom')"
    assert verdicts["small-ko-insert"].outcome == "declined"
