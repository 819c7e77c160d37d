"""The local engine on named days: the public namedays devset and our own cases, by execution match."""

from datetime import datetime
from pathlib import Path

import pytest

from app.local.time import parse_time
from tests.local_scores import check_local_scores
from tests.shared_data import SHARED, require_shared

NAMEDAYS_DEVSET = SHARED / "devset/namedays.jsonl"
OWN_NAMEDAYS = Path(__file__).parent / "data/namedays_cases.jsonl"


def test_public_namedays_devset() -> None:
    require_shared(NAMEDAYS_DEVSET)
    check_local_scores(NAMEDAYS_DEVSET, min_correct=10)  # the README's 10/10


def test_own_namedays_cases() -> None:
    check_local_scores(OWN_NAMEDAYS, min_correct=23)  # the README's 23/23


# The "done" examples, as the time resolver sees them.
@pytest.mark.parametrize(
    ("text", "now", "moment", "period"),
    [
        ("추석 전날까지 선물 사기", "2025-09-01 10:00:00", "2025-10-05 23:59:59", None),
        ("설 연휴 일정 보여줘", "2026-01-10 10:00:00", None, ("2026-02-16 00:00:00", "2026-02-18 23:59:59")),
        ("음력 8월 15일 성묘", "2024-01-01 10:00:00", "2024-09-17 23:59:59", None),
        ("주말 오후 5시 장보기", "2025-11-23 10:30:00", "2025-11-23 17:00:00", None),  # Sunday, still ahead
        ("2027년 음력 1월 1일 세배", "2025-03-01 10:00:00", "2027-02-07 23:59:59", None),
        ("내년 추석에 여행", "2025-03-01 10:00:00", "2026-09-25 23:59:59", None),
    ],
)
def test_named_day_resolution(text: str, now: str, moment: str | None, period: tuple[str, str] | None) -> None:

    parsed = parse_time(text, datetime.fromisoformat(now))
    assert parsed.understood, parsed.unknown
    if moment is not None:
        assert parsed.moment == datetime.fromisoformat(moment)
    if period is not None:
        assert parsed.period == (datetime.fromisoformat(period[0]), datetime.fromisoformat(period[1]))


@pytest.mark.parametrize("text", ["주말 오전 9시 등산", "월말 정산", "추석 무렵 벌초", "around Christmas buy gifts"])
def test_named_days_not_sure_decline(text: str) -> None:

    assert not parse_time(text, datetime(2025, 11, 23, 10, 30)).understood
