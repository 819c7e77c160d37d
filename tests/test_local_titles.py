"""Title matching of the local engine: spacing, particles, abbreviations, repeated and ambiguous titles."""

import pytest

from app.local.records import CategoryRef, Plan
from app.local.titles import categories_mentioned, category_named, match_plans, squash


def _plan(plan_id: int, title: str, table: str = "TODO") -> Plan:
    return Plan(table, plan_id, title, None, None, None, None)  # type: ignore[arg-type]


PLANS = [
    _plan(1, "컴퓨터 구조 과제"),
    _plan(2, "알고리즘 과제2"),
    _plan(3, "민석이랑 밥", "SCHEDULE"),
    _plan(4, "출장비 정산"),
    _plan(5, "정보처리기사 필기 공부"),
    _plan(6, "정보처리기사 필기 공부"),
    _plan(7, "Swim"),
    _plan(8, "Interview with Acme", "SCHEDULE"),
    _plan(9, "Dad's retirement dinner reservation"),
    _plan(10, "Year-end review draft"),
    _plan(11, "운영체제 과제"),
    _plan(12, "자바 프로그래밍 과제"),
    _plan(13, "주간 회의", "SCHEDULE"),
    _plan(14, "주간 회의 자료 준비"),
    _plan(15, "팀 회의", "SCHEDULE"),
    _plan(16, "수진이랑 영화", "SCHEDULE"),
]


@pytest.mark.parametrize(
    ("phrase", "ids"),
    [
        ("컴구 과제", [1]),
        ("컴퓨터구조 과제를", [1]),
        ("알골 과제", [2]),
        ("알고리즘 과제 2", [2]),
        ("민석이랑 밥먹기", [3]),
        ("출장비정산", [4]),
        ("정보처리기사 공부", [5, 6]),
        ("Swim sessions", [7]),
        ("swim", [7]),
        ("the interview with acme", [8]),
        ("dad's retirement dinner", [9]),
        ("year-end review draft", [10]),
        ("yearend review draft", [10]),
        ("운체 과제", [11]),
        ("자바 과제", [12]),
        ("주간 회의", [13]),
        ("주간 회의 자료", [14]),
    ],
)
def test_matches(phrase: str, ids: list[int]) -> None:
    found = match_plans(phrase, PLANS)
    assert found.kind == "match", found
    assert sorted(p.id for p in found.plans) == ids


@pytest.mark.parametrize(
    ("phrase", "kind"),
    [
        ("과제", "ambiguous"),
        ("회의", "ambiguous"),
        ("골프 약속", "none"),
        ("ski trip", "none"),
        ("swimming", "weak"),
        ("수영", "weak"),  # initials of 수진이랑 영화, but a word of its own: never a match, never "none"
        ("컴구", "weak"),  # a lone abbreviation: not sure enough to act, too close to say no_such_plan
        ("자바 과제랑 운영체제 과제", "ambiguous"),  # two plans named
        ("정보 과제", "weak"),
        ("그거", "none"),
        ("", "empty"),
    ],
)
def test_declines(phrase: str, kind: str) -> None:
    assert match_plans(phrase, PLANS).kind == kind


def test_squash_ignores_spacing_case_particles() -> None:
    assert squash("출장비 정산을") == squash("출장비정산")
    assert squash("Interview with ACME") == squash("interview  with acme")


CATEGORIES = [CategoryRef(1, "과제"), CategoryRef(2, "Work"), CategoryRef(3, "운동")]


def test_category_named() -> None:
    assert category_named("과제", CATEGORIES) == CATEGORIES[0]
    assert category_named("work", CATEGORIES) == CATEGORIES[1]
    assert category_named("과제 제출", CATEGORIES) is None


def test_categories_mentioned() -> None:
    assert categories_mentioned("알골 과제", CATEGORIES) == [CATEGORIES[0]]
    assert categories_mentioned("Work lunch", CATEGORIES) == [CATEGORIES[1]]
    assert categories_mentioned("Homework", CATEGORIES) == []
    assert categories_mentioned("배드민턴", CATEGORIES) == []
