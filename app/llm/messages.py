"""Assembling chat messages: a byte-identical static prefix first, the request's data last."""

from datetime import datetime
from typing import Any

from app.llm.exemplars import Exemplar
from app.llm.prompt_records import PromptRecords
from app.llm.prompts import PromptTemplates, render
from app.namedays import mentioned_named_days
from app.schemas import Category, HistoryTurn, Schedule, Todo

Message = dict[str, Any]
_WEEKDAYS = ["Monday 월요일", "Tuesday 화요일", "Wednesday 수요일", "Thursday 목요일",
             "Friday 금요일", "Saturday 토요일", "Sunday 일요일"]  # fmt: skip


def _cell(value: object) -> str:
    if value is None:
        return "NULL"
    if value is True or value is False:
        return "1" if value else "0"
    text = str(value)
    # A title with '|' or a newline must not break the table the model reads.
    if "|" in text or "\n" in text:
        return text.replace("\n", " ").replace("|", "/")
    return text


def _rows(rows: list[list[object]]) -> str:
    return "\n".join(" | ".join([_cell(value) for value in row]) for row in rows) or "(none)"


def _named_days(prompt: str, now: datetime) -> str:
    """The named days the command may need, as dates: the model never works out a holiday itself."""
    lines = []
    for label, first, last in mentioned_named_days(prompt, now.date()):
        span = f"{first} ({_WEEKDAYS[first.weekday()]})"
        if last != first:
            span += f" to {last} ({_WEEKDAYS[last.weekday()]})"
        lines.append(f"- {label}: {span}")
    return "\n".join(lines)


def render_user_data(
    *,
    templates: PromptTemplates,
    now: str,
    categories: list[Category],
    todos: list[Todo],
    schedules: list[Schedule],
    prompt: str = "",
) -> str:
    """The user-data block: current time with its weekday, named days, then ids and titles of the records."""
    moment = datetime.fromisoformat(now)  # `now` is a validated timestamp
    return render(
        templates.user_data,
        now=now,
        weekday=_WEEKDAYS[moment.weekday()],
        named_days=_named_days(prompt, moment),
        categories=_rows([[c.id, c.title] for c in categories]),
        todos=_rows([[t.id, t.title, t.due_time, t.category_id, t.complete] for t in todos]),
        schedules=_rows([[s.id, s.title, s.start_time, s.end_time, s.category_id] for s in schedules]),
    )


def build_static_prefix(*, templates: PromptTemplates, exemplars: list[Exemplar]) -> list[Message]:
    """System prompt then exemplars: identical for every request, so providers can cache it."""
    messages: list[Message] = [
        {"role": "system", "content": render(templates.system, schema=templates.schema_sql.strip())}
    ]
    for exemplar in exemplars:
        data = exemplar.user_data
        block = render_user_data(
            templates=templates,
            now=data.now,
            categories=data.categories,
            todos=data.todos,
            schedules=data.schedules,
            prompt=exemplar.prompt,
        )
        messages.append({"role": "user", "content": block})
        messages.append({"role": "user", "content": exemplar.prompt})
        messages.append({"role": "assistant", "content": exemplar.answer})
    return messages


def _history_answer(turn: HistoryTurn) -> str:
    return "\n".join(f"{sql.rstrip().rstrip(';')};" for sql in turn.statements) or "NOT_UNDERSTOOD"


def build_messages(
    *,
    prefix: list[Message],
    templates: PromptTemplates,
    now: str,
    records: PromptRecords,
    history: list[HistoryTurn],
    prompt: str,
) -> list[Message]:
    """The full conversation for one command: prefix, user data, history, then the prompt."""
    block = render_user_data(
        templates=templates,
        now=now,
        categories=records.categories,
        todos=records.todos,
        schedules=records.schedules,
        prompt=prompt,
    )
    messages = [*prefix, {"role": "user", "content": block}]
    for turn in history:
        messages.append({"role": "user", "content": turn.prompt})
        messages.append({"role": "assistant", "content": _history_answer(turn)})
    messages.append({"role": "user", "content": prompt})
    return messages
