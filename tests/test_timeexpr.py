"""The public API of app.local.time: spans, Duration, anchors, robustness and the devset's times."""

import json
import re
from datetime import datetime, time
from typing import Any

import pytest

from app.local.time import Duration, TimeParse, parse_time, remove_spans
from tests.shared_data import DEVSET, require_shared
from tests.time_tables import NOW

CASES: list[dict[str, Any]] = (
    [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line.strip()]
    if DEVSET.exists()
    else []
)
STAMP = "%Y-%m-%d %H:%M:%S"
_VALUES = re.compile(r"INSERT INTO (TODO|SCHEDULE) \(([^)]*)\) VALUES \((.*)\)$")
_LITERAL = re.compile(r"'((?:[^']|'')*)'|(\d+)")
_SET = re.compile(r"UPDATE (TODO|SCHEDULE) SET (.*) WHERE id = (\d+)$")
_ASSIGN = re.compile(r"(\w+) = '([^']*)'")
_LIKE = re.compile(r"LIKE '(\d{4}-\d\d-\d\d)%'")
_BETWEEN = re.compile(r"BETWEEN '([^']+)' AND '([^']+)'")


def at(text: str) -> datetime:
    return datetime.strptime(text, STAMP)


# ---- spans and titles --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "text", "title"),
    [
        ("A", "내일 8시 알골 과제 추가", "알골 과제 추가"),
        ("C", 'Add "Buy champagne" tomorrow at 3pm', 'Add "Buy champagne"'),
        ("A", "이번주 일요일 11시부터 1시까지 가족 브런치", "가족 브런치"),
        ("A", "다음달 매주 화요일 밤 9시 온라인 강의 듣기", "온라인 강의 듣기"),
        ("C", "Add Board games night on Saturday from 7pm to 11pm", "Add Board games night"),
        ("C", "Add Farmers market every Saturday this month at 9am", "Add Farmers market"),
        ("A", "금요일까지 회사 워크숍 장소 알아보기", "회사 워크숍 장소 알아보기"),
        ("A", "수요일 거 취소", "취소"),
    ],
)
def test_removing_spans_leaves_the_title(now: str, text: str, title: str) -> None:
    parsed = parse_time(text, NOW[now])
    assert remove_spans(text, parsed.spans) == title
    assert list(parsed.spans) == sorted(parsed.spans)
    assert all(0 <= start < end <= len(text) for start, end in parsed.spans)
    assert all(first[1] < second[0] for first, second in zip(parsed.spans, parsed.spans[1:], strict=False))


def test_anchor_span_covers_the_quoted_title() -> None:
    text = "'동창 모임'보다 1시간 뒤에 대리운전 부르기"
    parsed = parse_time(text, NOW["E"])
    assert parsed.anchor_span is not None
    assert text[slice(*parsed.anchor_span)] == "'동창 모임'"
    assert remove_spans(text, (*parsed.spans, parsed.anchor_span)) == "대리운전 부르기"


def test_nothing_found_is_empty() -> None:
    parsed = parse_time("자바 과제 삭제", NOW["B"])
    assert parsed == TimeParse()
    assert parsed.understood


# ---- Duration and anchors ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "start", "sign", "result"),
    [
        (Duration(months=1), "2024-01-31 10:00:00", 1, "2024-02-29 10:00:00"),
        (Duration(months=1), "2023-01-31 10:00:00", 1, "2023-02-28 10:00:00"),
        (Duration(months=1), "2024-03-31 10:00:00", -1, "2024-02-29 10:00:00"),
        (Duration(months=13), "2023-12-15 00:00:00", 1, "2025-01-15 00:00:00"),
        (Duration(days=1), "2023-12-31 23:59:59", 1, "2024-01-01 23:59:59"),
        (Duration(days=1), "2024-03-01 09:00:00", -1, "2024-02-29 09:00:00"),
        (Duration(minutes=90), "2024-08-31 22:10:00", 1, "2024-08-31 23:40:00"),
        (Duration(minutes=30), "2024-11-06 14:00:00", 1, "2024-11-06 14:30:00"),
        (Duration(minutes=-60), "2025-01-01 00:30:00", 1, "2024-12-31 23:30:00"),
        (Duration(days=1, minutes=30), "2024-02-28 23:45:00", 1, "2024-03-01 00:15:00"),
    ],
)
def test_duration_apply(duration: Duration, start: str, sign: int, result: str) -> None:
    assert duration.apply(at(start), sign) == at(result)


def test_duration_helpers() -> None:
    assert Duration(days=2).is_date_shift and Duration(months=1).is_date_shift
    assert not Duration(minutes=60).is_date_shift and not Duration().is_date_shift
    assert Duration(1, 2, 3).negated() == Duration(-1, -2, -3)
    assert Duration(days=1).plus(Duration(minutes=5)) == Duration(days=1, minutes=5)


@pytest.mark.parametrize(
    ("text", "anchor", "result"),
    [
        ("'동창 모임'보다 1시간 뒤에 대리운전 부르기", "2025-01-10 19:00:00", "2025-01-10 20:00:00"),
        ("'코딩 스터디' 다음날 회고 작성", "2024-09-01 14:00:00", "2024-09-02 23:59:59"),
        ("'코딩 스터디' 다음날 3시 회고", "2024-09-01 14:00:00", "2024-09-02 15:00:00"),
        ("'회의' 30분 전에 자료 준비", "2024-09-01 14:00:00", "2024-09-01 13:30:00"),
        ("'회의' 전날 자료 준비", "2024-09-01 14:00:00", "2024-08-31 23:59:59"),
    ],
)
def test_resolve_anchor(text: str, anchor: str, result: str) -> None:
    parsed = parse_time(text, NOW["E"])
    assert parsed.moment is None
    assert parsed.resolve_anchor(at(anchor)) == at(result)


def test_resolve_anchor_without_offset() -> None:
    assert parse_time("내일 회의", NOW["A"]).resolve_anchor(NOW["A"]) is None


# ---- robustness ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "", " ", "   \n\t", "🎉🎉", "'", '"', "''", "'미완성 인용", "~", "-", "99999999999시", "0시 0분",
        "3시부터", "까지", "부터 까지", "from to", "at", "in", "every", "매주", "다음주로 미뤄", "1/2",
        "2024-13-45", "2024-02-30 회의", "Ｔｏｍｏｒｒｏｗ", "İstanbul trip tomorrow at 3pm", "내일" * 200,
        "a " * 500 + "tomorrow", "3시~", "~5시", "Nov", "Nov 99", "0000-00-00", "12:99", "24:00", "오후 0시",
    ],
)  # fmt: skip
def test_never_raises(text: str) -> None:
    for now in NOW.values():
        parsed = parse_time(text, now)
        assert isinstance(parsed, TimeParse)


def test_caseless_fallback_keeps_positions() -> None:
    text = "İstanbul trip tomorrow at 3pm"
    parsed = parse_time(text, NOW["C"])
    assert parsed.moment == at("2023-12-30 15:00:00")
    assert remove_spans(text, parsed.spans) == "İstanbul trip"


def test_seconds_are_kept_for_now_relative_moments() -> None:
    assert parse_time("30분 후 출발", NOW["A"]).moment == at("2023-11-23 20:55:39")


def test_clock_with_date_and_moment_without_date_agree_with_spec() -> None:
    parsed = parse_time("10시 회의", NOW["A"])  # 20:25: the no-date rule gives 22:00 today
    assert parsed.moment == at("2023-11-23 22:00:00")
    assert parsed.clock == time(10, 0)  # a move to '10시' reads it as with a date


# ---- the devset ---------------------------------------------------------------------------


def _literals(values: str) -> list[str]:
    return [quoted if quoted or not number else number for quoted, number in _LITERAL.findall(values)]


def _db_time(case: dict[str, Any], title: str) -> datetime:
    for table, column in (("SCHEDULE", 2), ("TODO", 2)):
        for row in case["db"].get(table, []):
            if row[1] == title:
                return at(row[column])
    raise AssertionError(f"no plan titled {title!r}")


def _row(case: dict[str, Any], table: str, row_id: int) -> list[Any]:
    return next(row for row in case["db"][table] if row[0] == row_id)


def test_devset_is_there_for_the_times() -> None:
    """The devset's times below run only with ../shared; in CI its absence fails here."""
    require_shared(DEVSET)
    assert CASES


@pytest.mark.skipif(not CASES, reason="shared devset not present")
@pytest.mark.parametrize("case", CASES, ids=lambda case: case["id"])
def test_devset_times(case: dict[str, Any]) -> None:
    parsed = parse_time(case["prompt"], at(case["now"]))
    gold: list[str] = case["expect"].get("gold") or []
    inserts = [match for sql in gold if (match := _VALUES.match(sql))]
    if inserts and case["expect"]["intent"] == "insert":
        _check_inserts(case, parsed, inserts)
    for sql in gold:
        if like := _LIKE.search(sql):
            assert parsed.period == (at(f"{like[1]} 00:00:00"), at(f"{like[1]} 23:59:59"))
        if between := _BETWEEN.search(sql):
            assert parsed.period == (at(between[1]), at(between[2]))
        if (update := _SET.match(sql)) and "complete" not in sql and "title" not in sql:
            _check_update(case, parsed, update)


def _check_inserts(case: dict[str, Any], parsed: TimeParse, inserts: list[re.Match[str]]) -> None:
    assert not parsed.unknown
    rows = [dict(zip(match[2].split(", "), _literals(match[3]), strict=True)) for match in inserts]
    title = rows[0]["title"]
    kept = remove_spans(case["prompt"], (*parsed.spans, *([parsed.anchor_span] if parsed.anchor_span else [])))
    assert title in kept
    if parsed.anchor_offset is not None:
        assert parsed.anchor_title is not None
        assert parsed.resolve_anchor(_db_time(case, parsed.anchor_title)) == at(rows[0]["due_time"])
    elif len(rows) > 1:
        assert [start for start, _ in parsed.occurrences] == [at(row["due_time"]) for row in rows]
    elif "start_time" in rows[0]:
        assert (parsed.moment, parsed.end_moment) == (at(rows[0]["start_time"]), at(rows[0]["end_time"]))
    else:
        assert parsed.moment == at(rows[0]["due_time"])


def _check_update(case: dict[str, Any], parsed: TimeParse, update: re.Match[str]) -> None:
    table, row = update[1], _row(case, update[1], int(update[3]))
    columns = {"due_time": 2} if table == "TODO" else {"start_time": 2, "end_time": 3}
    for column, value in _ASSIGN.findall(update[2]):
        old, new = at(row[columns[column]]), at(value)
        if parsed.duration is not None:  # a shift: every time column moves by the amount
            assert parsed.duration.apply(old, parsed.duration_sign) == new
        elif parsed.clock is not None and column != "end_time":
            assert parsed.moment == new
        else:  # a move to another day keeps the time of day
            assert parsed.destination and parsed.day is not None
            assert new.time() == old.time()
            if column != "end_time":
                assert new.date() == parsed.day
