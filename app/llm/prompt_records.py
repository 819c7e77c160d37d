"""Choosing which of a user's records go into the prompt, within a fixed title budget."""

import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from app.schemas import Category, Schedule, SqlRequest, Todo

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class PromptRecords:
    """The records one prompt carries: every category, and the most relevant plans."""

    categories: list[Category]
    todos: list[Todo]
    schedules: list[Schedule]
    omitted: int


def _squash(text: str) -> str:
    # Korean users space words freely ("컴퓨터구조" / "컴퓨터 구조"): compare without spaces.
    return _SPACES.sub("", text).lower()


def select_records(*, request: SqlRequest, budget: int) -> PromptRecords:
    """All records when they fit the budget; otherwise the titles closest to the command.

    Titles are ranked by fuzzy similarity to the prompt; every row of a chosen title comes
    along (a repeated plan is meant as a whole), so a user with 10,000 plans costs about what
    one with `budget` plans does.
    """
    total = len(request.todos) + len(request.schedules)
    if total <= budget:
        return PromptRecords(list(request.categories), list(request.todos), list(request.schedules), 0)
    counts = Counter(plan.title for plan in [*request.todos, *request.schedules])
    titles = sorted(counts)
    query = _squash(request.prompt)
    ranked = process.extract(query, [_squash(title) for title in titles], scorer=fuzz.partial_ratio, limit=budget)
    chosen: set[str] = set()
    rows = 0
    for _, _, index in ranked:
        title = titles[index]
        count = counts[title]
        if rows and rows + count > budget:
            break
        chosen.add(title)
        rows += count
    todos = [todo for todo in request.todos if todo.title in chosen]
    schedules = [schedule for schedule in request.schedules if schedule.title in chosen]
    return PromptRecords(list(request.categories), todos, schedules, total - len(todos) - len(schedules))
