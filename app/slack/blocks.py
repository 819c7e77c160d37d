"""Block Kit replies a person reads at a glance: what changed, rows, a briefing, a message, buttons."""

import re
from datetime import datetime
from typing import Any

from app.client.session import Outcome

CONFIRM, CANCEL, UNDO = "calendy_confirm", "calendy_cancel", "calendy_undo"
_WEEKDAYS = "월화수목금토일"
_HANGUL = re.compile(r"[가-힣]")
_MAX_ROWS = 20
# A Markdown link in a help answer ([Undo](/docs/guide/en#undo)); Slack's mrkdwn spells links <url|title>.
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
Blocks = list[dict[str, Any]]
# What a Korean speaker reads when the service's message for these statuses is English (the local
# engine's are; a model's own reply is kept as it wrote it).
_KO_STATUS = {
    "not_understood": "이해하지 못했어요. 예: '내일 8시 알골 과제 추가', '이번 주 일정 보여줘'. "
    "사용법은 '실행 취소는 어떻게 해?'처럼 물어보세요.",
    "no_such_plan": "말씀하신 일정을 찾지 못했어요. 제목을 확인해 주세요.",
}


def korean(text: str) -> bool:
    """Answer in Korean when the person wrote Korean."""
    return _HANGUL.search(text) is not None


def when(value: object) -> str:
    """'2023-11-24 08:00:00' as 11/24(금) 08:00."""
    try:
        moment = datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return str(value)
    return f"{moment.month}/{moment.day}({_WEEKDAYS[moment.weekday()]}) {moment:%H:%M}"


def describe_row(row: dict[str, Any]) -> str:
    """A plan in one line: title — when (a todo's due time, a schedule's span)."""
    title = str(row.get("title", "?"))
    if row.get("start_time"):
        return f"{title} — {when(row['start_time'])}–{when(row.get('end_time', ''))[-5:]}"
    if row.get("due_time"):
        done = " ✔" if row.get("complete") else ""
        return f"{title} — {when(row['due_time'])}{done}"
    return title


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _rows_text(rows: list[dict[str, Any]]) -> str:
    lines = [f"• {describe_row(row)}" for row in rows[:_MAX_ROWS]]
    if len(rows) > _MAX_ROWS:
        lines.append(f"… +{len(rows) - _MAX_ROWS}")
    return "\n".join(lines)


def _key(row: dict[str, Any]) -> tuple[str, object]:
    kind = "todo" if "due_time" in row else "schedule" if "start_time" in row else "category"
    return kind, row.get("id")


def change_lines(outcome: Outcome, ko: bool) -> list[str]:
    """✅ added / ✏️ changed / 🗑 deleted, one line per row."""
    added, changed, deleted = ("추가", "변경", "삭제") if ko else ("added", "changed", "deleted")
    before = {_key(row) for row in outcome.rows}
    after = {_key(row) for row in outcome.after}
    lines = [
        f"✏️ {changed}: {describe_row(row)}" if _key(row) in before else f"✅ {added}: {describe_row(row)}"
        for row in outcome.after
    ]
    lines += [f"🗑 {deleted}: {describe_row(row)}" for row in outcome.rows if _key(row) not in after]
    return lines or [("✅ 완료" if ko else "✅ done")]


def link_markup(link: dict[str, str], *, public_url: str | None) -> str:
    """A guide section as a Slack link; a relative one made absolute, or shown as its path with no base."""
    url, title = link["url"], link["title"]
    if url.startswith(("http://", "https://")):
        return f"<{url}|{title}>"
    if public_url:
        return f"<{public_url.rstrip('/')}{url}|{title}>"
    return f"{title} (`{url}`)"


def outcome_blocks(outcome: Outcome, *, ko: bool, user_id: str, public_url: str | None = None) -> tuple[str, Blocks]:
    """The reply to one outcome: a plain-text fallback and its blocks (with Undo after a change)."""
    if outcome.kind == "changed":
        text = "\n".join(change_lines(outcome, ko))
        # Named as the user guide names it ("답변의 실행 취소 버튼"), so a help answer matches the screen.
        undo = _button("실행 취소" if ko else "Undo", UNDO, f"{user_id}|{outcome.request_id or ''}")
        return text, [_section(text), {"type": "actions", "elements": [undo]}]
    if outcome.kind == "rows":
        text = _rows_text(outcome.rows) if outcome.rows else ("해당하는 일정이 없어요." if ko else "No plans found.")
        return text, [_section(text)]
    if outcome.kind == "summary":
        return outcome.text, [_section(f"📋 {outcome.text}")]
    if outcome.kind == "help":
        links = "\n".join(link_markup(link, public_url=public_url) for link in outcome.links)
        answer = _MD_LINK.sub(lambda m: link_markup({"title": m[1], "url": m[2]}, public_url=public_url), outcome.text)
        text = f"💡 {answer}" + (f"\n{links}" if links else "")
        return text, [_section(text)]
    if outcome.kind == "undone":
        text = f"↩ {'되돌렸어요' if ko else 'Undone'}: {outcome.text}"
        return text, [_section(text)]
    if outcome.kind == "cancelled":
        text = "취소했어요. 아무것도 바뀌지 않았어요." if ko else "Cancelled. Nothing was changed."
        return text, [_section(text)]
    if outcome.kind == "error":
        text = f"⚠️ {outcome.text}"
        return text, [_section(text)]
    text = outcome.text
    if ko and outcome.status in _KO_STATUS and not korean(text):
        text = _KO_STATUS[outcome.status]
    return text, [_section(text or "…")]


def pending_blocks(outcome: Outcome, *, ko: bool, pending_id: str, minutes: int) -> tuple[str, Blocks]:
    """A held change: the rows it touches and Confirm / Cancel."""
    head = (
        f"⚠️ {len(outcome.rows)}개의 일정이 바뀝니다. {minutes}분 안에 확인해 주세요:"
        if ko
        else f"⚠️ This changes {len(outcome.rows)} plan(s). Confirm within {minutes} min:"
    )
    text = f"{head}\n{_rows_text(outcome.rows)}"
    buttons = [
        _button("확인" if ko else "Confirm", CONFIRM, pending_id, "danger"),
        _button("취소" if ko else "Cancel", CANCEL, pending_id),
    ]
    return text, [_section(text), {"type": "actions", "elements": buttons}]


def expired_blocks(prompt: str, *, ko: bool) -> tuple[str, Blocks]:
    """A held change whose time ran out: said so, with no buttons left."""
    text = (
        f"⌛ 확인 시간이 지나 실행하지 않았어요: {prompt}\n다시 보내 주세요."
        if ko
        else f"⌛ Not confirmed in time, so nothing ran: {prompt}\nSend it again to retry."
    )
    return text, [_section(text)]


def service_error_text(code: str, ko: bool) -> str:
    """A short polite reply for a service error (never silence)."""
    busy = code in ("rate_limited",)
    if ko:
        why = "요청이 많아" if busy else "지금 명령을 처리할 수 없어"
        return f"죄송해요, {why} 답하지 못했어요. 잠시 후 다시 시도해 주세요. ({code})"
    why = "too many requests right now" if busy else "the service cannot handle commands right now"
    return f"Sorry, {why}. Please try again in a moment. ({code})"
