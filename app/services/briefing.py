"""A deterministic briefing of plans, for when no LLM is configured (or it fails in auto mode)."""

from dataclasses import dataclass
from datetime import date, datetime

from app.schemas import TIME_FORMAT, SummaryPlan

_KO_DAYS = "월화수목금토일"
_EN_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_LABELS = {
    "ko": {"overdue": "지난 마감", "today": "오늘", "tomorrow": "내일", "later": "이후", "earlier": "지난 일정"},
    "en": {"overdue": "Overdue", "today": "Today", "tomorrow": "Tomorrow", "later": "Later", "earlier": "Past"},
}


@dataclass(frozen=True)
class _Item:
    when: datetime
    text: str
    bucket: str


def _parse(value: str | None) -> datetime | None:
    return datetime.strptime(value, TIME_FORMAT) if value else None


def _day_label(day: date, locale: str) -> str:
    if locale == "ko":
        return f"{day.month}/{day.day}({_KO_DAYS[day.weekday()]})"
    return f"{_EN_DAYS[day.weekday()]} {day.month}/{day.day}"


def _describe(plan: SummaryPlan, when: datetime, end: datetime | None, locale: str, with_day: bool) -> str:
    parts = [_day_label(when.date(), locale)] if with_day else []
    end_of_day = when.strftime("%H:%M:%S") == "23:59:59"
    if not end_of_day:
        parts.append(when.strftime("%H:%M") + (f"-{end.strftime('%H:%M')}" if end and end != when else ""))
    text = " ".join([*parts, plan.title])
    if plan.kind == "todo" and plan.complete:
        text += " (완료)" if locale == "ko" else " (done)"
    return text


def _bucket(plan: SummaryPlan, when: datetime, now: datetime) -> str:
    if plan.kind == "todo" and not plan.complete and when < now:
        return "overdue"
    delta = (when.date() - now.date()).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    return "later" if delta > 1 else "earlier"


def brief_plans(*, plans: list[SummaryPlan], now: str, locale: str, max_chars: int) -> str:
    """Plans grouped as overdue / today / tomorrow / later, sorted by time, within max_chars."""
    moment = datetime.strptime(now, TIME_FORMAT)
    todos = sum(1 for p in plans if p.kind == "todo")
    schedules = len(plans) - todos
    if locale == "ko":
        head = f"{_day_label(moment.date(), 'ko')} 기준 할 일 {todos}개, 일정 {schedules}개."
    else:
        head = (
            f"As of {_day_label(moment.date(), 'en')}: {todos} todo{'s' * (todos != 1)}, "
            f"{schedules} event{'s' * (schedules != 1)}."
        )
    if not plans:
        return head + (" 해당하는 계획이 없습니다." if locale == "ko" else " Nothing planned.")
    items: list[_Item] = []
    for plan in plans:
        when = _parse(plan.due_time if plan.kind == "todo" else plan.start_time)
        if when is None:
            continue
        bucket = _bucket(plan, when, moment)
        end = _parse(plan.end_time) if plan.kind == "schedule" else None
        with_day = bucket in ("overdue", "later", "earlier")
        items.append(_Item(when, _describe(plan, when, end, locale, with_day), bucket))
    lines = [head]
    for bucket in ("overdue", "today", "tomorrow", "later", "earlier"):
        chosen = sorted((i for i in items if i.bucket == bucket), key=lambda i: i.when)
        if chosen:
            lines.append(f"{_LABELS[locale][bucket]}: " + ", ".join(i.text for i in chosen))
    text = "\n".join(lines)
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"
