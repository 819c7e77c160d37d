"""`calendy synth docs`: chunks, questions and answers from the mocked model, checks, negatives, export."""

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from typer.testing import CliRunner

from app.cli import cli
from app.settings import Settings
from app.training.docs_chunks import chunk_markdown
from app.training.docs_synth import is_near_duplicate, lexical_overlap
from app.training.export import text_tokens
from tests.conftest import LLM_BASE_URL, cli_environment, completion, fetch_rows, make_settings

runner = CliRunner()
GUIDE = Path(__file__).resolve().parents[1] / "docs" / "user-guide.en.md"
UNDO_SENTENCE = "Undo restores the plans as they were before the command."


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The CLI against the mocked API and a fresh database."""
    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'docs.db'}", data_dir=tmp_path)
    with cli_environment(
        monkeypatch, settings, LLM_BASE_URL=LLM_BASE_URL, LLM_API_KEY="sk-test", LLM_MAX_RETRIES=0, LLM_MODEL="gpt-test"
    ) as configured:
        yield configured


def _field(prompt: str, name: str) -> str:
    match = re.search(rf"^{name}: (.*)$", prompt, re.MULTILINE)
    assert match is not None, prompt
    return match[1]


def _reply(request: httpx.Request) -> httpx.Response:
    """The mocked model: questions per chunk, answers copied from the chunk, grounding verdicts, negatives."""
    prompt = json.loads(request.content)["messages"][-1]["content"]
    chunk = prompt.split("Part of the guide:\n", 1)[-1]
    if prompt.startswith("You help build") and "questions in English" in prompt:  # negatives
        text = "What is the price of gold today?\nHow do I undo a change right after a move or delete?"
    elif "Write 3 different questions" in prompt:
        title = chunk.splitlines()[0]
        text = f"What does Calendy say about {title}?\nwhat does calendy say about {title}??"
        if title == "Confirmation and undo":
            text = f"What is {title}?\nDoes undo bring deleted plans back?\nIs undo free on the Premium plan?"
    elif prompt.startswith("You are Calendy's support assistant"):
        question, link = _field(prompt, "Question"), re.search(r"exactly: (\[.*\]\(.*\))", prompt)
        assert link is not None
        body = chunk.split("\n\nQuestion:")[0]
        if "Premium" in question:  # invented words: the lexical check drops it
            text = f"Yes, Premium subscribers get unlimited undo history forever. {link[1]}"
        elif "deleted plans" in question:  # the chunk's words, its sense reversed: the grounding check drops it
            text = f"No. Undo never restores the plans as they were before the command. {link[1]}"
        else:
            text = f"{body.splitlines()[2]} {link[1]}"
    elif prompt.startswith("You check answers"):
        text = "UNGROUNDED" if "never restores" in prompt else "GROUNDED"
    else:
        raise AssertionError(prompt)
    return httpx.Response(200, json=completion(text))


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_chunks_follow_headings_and_the_token_budget() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    chunks = chunk_markdown(text=text, locale="en")
    assert [c.url for c in chunks][:3] == ["/docs/guide/en#commands", "/docs/guide/en#times", "/docs/guide/en#undo"]
    assert chunks[2].text.startswith("Confirmation and undo\n\n") and UNDO_SENTENCE in chunks[2].text
    small = chunk_markdown(text=text, locale="en", budget=100)
    assert len(small) > len(chunks) and all(text_tokens(c.text) <= 100 for c in small)
    assert {c.url for c in small} == {c.url for c in chunks}  # split chunks keep their section's link


def test_checks_lexical_overlap_and_near_duplicates() -> None:
    chunk = f"Confirmation and undo\n\n{UNDO_SENTENCE}"
    assert lexical_overlap(answer=f"{UNDO_SENTENCE} [Undo](/docs/guide/en#undo)", chunk=chunk) == 1.0
    assert lexical_overlap(answer="Premium subscribers get unlimited history forever.", chunk=chunk) < 0.3
    assert is_near_duplicate(question="How do I undo?", kept=["how do i undo"])
    assert not is_near_duplicate(question="How do I undo?", kept=["What does the service store?"])


def test_synth_docs_keeps_grounded_pairs_negatives_resumes_and_exports(
    env: Settings, tmp_path: Path, llm_mock: respx.MockRouter
) -> None:
    route = llm_mock.post("/chat/completions").mock(side_effect=_reply)
    out = tmp_path / "qa.jsonl"
    args = ["synth", "docs", str(GUIDE), "--out", str(out), "--negatives", "5"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = _read(out)
    positives = [row for row in rows if not row["abstain"]]
    assert len(positives) == 8  # one question per chunk (8 sections) kept; the near-duplicates dropped
    undo = next(row for row in positives if row["url"] == "/docs/guide/en#undo")
    assert "[Confirmation and undo](/docs/guide/en#undo)" in undo["answer"] and UNDO_SENTENCE in undo["chunk"]
    dropped = {d["question"]: d["reason"] for row in _read(Path(f"{out}.progress.jsonl")) for d in row["dropped"]}
    assert dropped["Does undo bring deleted plans back?"] == "ungrounded (grounding check)"
    assert dropped["Is undo free on the Premium plan?"].startswith("lexical overlap")
    assert dropped["what does calendy say about Limits??"] == "near-duplicate question"
    assert dropped["How do I undo a change right after a move or delete?"].startswith("the docs may answer it")
    negatives = {row["question"]: row for row in rows if row["abstain"]}
    assert negatives["What is the price of gold today?"]["source"] == "negative:generated:en"
    assert negatives["비트코인 시세 알려줘"]["source"] == "negative:list"
    assert all("cannot answer" in r["answer"] or "답할 수 없습니다" in r["answer"] for r in negatives.values())
    calls = route.call_count
    logged = asyncio.run(fetch_rows("llm_call_log", settings=env, min_rows=calls, timeout_s=0.5))
    assert len(logged) == calls
    assert {row["purpose"] for row in logged} == {"help_questions", "help_answer", "help_grounding", "help_negatives"}

    again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert route.call_count == calls and len(_read(out)) == len(rows)  # resumed: nothing asked twice

    train = tmp_path / "train.jsonl"
    exported = runner.invoke(cli, ["dataset", "export", str(out), "--out", str(train)])
    assert exported.exit_code == 0, exported.output
    examples = _read(train)
    assert len(examples) == len(rows)
    assert all(e["messages"][0]["content"].startswith("You are Calendy's support assistant") for e in examples)
    answers = [e["messages"][-1]["content"] for e in examples]
    assert answers.count("NOT_COVERED") == len(negatives)
    undo_example = next(e for e in examples if e["messages"][-1]["content"] == undo["answer"])
    assert "Link: /docs/guide/en#undo" in undo_example["messages"][1]["content"]
