"""Prompt templates load strictly, and messages are assembled in a cacheable order."""

from pathlib import Path
from string import Template

import pytest

from app.llm.exemplars import load_exemplars
from app.llm.messages import build_messages, build_static_prefix
from app.llm.prompt_records import select_records
from app.llm.prompts import PromptError, load_prompts, render
from app.schemas import SqlRequest
from app.settings import PROJECT_ROOT

PROMPTS = PROJECT_ROOT / "prompts"


def test_missing_variable_is_an_error() -> None:
    with pytest.raises(PromptError, match="schema"):
        render(Template("Schema: $schema"))


def test_template_with_unknown_variable_is_refused(tmp_path: Path) -> None:
    for path in PROMPTS.iterdir():
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "repair.txt").write_text("Fix: $errors and $mystery", encoding="utf-8")
    with pytest.raises(PromptError, match="mystery"):
        load_prompts(tmp_path)


def test_prefix_is_system_then_exemplars() -> None:
    templates = load_prompts(PROMPTS)
    exemplars = load_exemplars(PROJECT_ROOT / "exemplars")
    prefix = build_static_prefix(templates=templates, exemplars=exemplars)
    assert prefix[0]["role"] == "system" and "$" not in prefix[0]["content"]
    assert len(prefix) == 1 + 3 * len(exemplars)
    assert [m["role"] for m in prefix[1:4]] == ["user", "user", "assistant"]
    assert build_static_prefix(templates=templates, exemplars=exemplars) == prefix


def big_request(plans: int) -> SqlRequest:
    todos = [{"id": i, "title": f"할 일 {i}번", "due_time": "2024-01-01 09:00:00"} for i in range(1, plans + 1)]
    todos.append({"id": plans + 1, "title": "알고리즘 과제", "due_time": "2024-01-02 23:59:59"})
    todos.append({"id": plans + 2, "title": "알고리즘 과제", "due_time": "2024-01-09 23:59:59"})
    return SqlRequest.model_validate(
        {"prompt": "알고리즘 과제 전부 삭제", "now": "2024-01-01 08:00:00", "todos": todos,
         "categories": [{"id": 1, "title": "과제"}]}
    )  # fmt: skip


@pytest.mark.parametrize("plans", [10, 1000, 10_000])
def test_prompt_carries_relevant_titles_within_budget(plans: int) -> None:
    records = select_records(request=big_request(plans), budget=40)
    titles = [todo.title for todo in records.todos]
    assert len(titles) <= 40
    assert titles.count("알고리즘 과제") == 2  # both rows of the repeated plan come along
    assert [c.title for c in records.categories] == ["과제"]
    messages = build_messages(
        prefix=[], templates=load_prompts(PROMPTS), now="2024-01-01 08:00:00", records=records,
        history=[], prompt="알고리즘 과제 전부 삭제",
    )  # fmt: skip
    assert len(messages[0]["content"]) < 4000
