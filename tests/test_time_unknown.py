"""What the resolver declines (unknown) and the numbers/words in titles it must leave alone."""

import pytest

from app.local.time import parse_time
from tests.time_tables import NOW, Case, check

# Time words that are not understood, or readings that conflict: `unknown` must be non-empty.
DECLINED: list[tuple[str, str]] = [
    ("A", "다다음달 출장"),
    ("A", "3시쯤 전화"),
    ("A", "3시경 전화"),
    ("A", "내일쯤 전화"),
    ("A", "저번달 말 정산"),
    ("A", "이번달 말까지 제출"),
    ("A", "다음달 초 여행"),
    ("A", "이번주 말까지 제출"),
    ("A", "오후 13시 회의"),
    ("A", "오전 15시 회의"),
    ("A", "25시 회의"),
    ("A", "3시 75분 회의"),
    ("A", "2월 30일 제출"),
    ("A", "13월 1일 제출"),
    ("A", "12월 3일 (월) 공연"),  # 2023-12-03 is a Sunday
    ("A", "내일 저녁에 운동"),
    ("A", "오후에 은행 가기"),
    ("A", "밤 12시 라면"),
    ("A", "밤 1시 야식"),
    ("A", "저녁 2시 회의"),
    ("A", "나중에 전화"),
    ("A", "곧 마감"),
    ("A", "월말 정산"),
    ("A", "평일 9시 출근"),
    ("A", "격주 월요일 회의"),
    ("A", "매달 1일 월세"),
    ("A", "매주 회의"),
    ("A", "매일 운동"),
    ("A", "며칠 뒤 연락"),
    ("A", "2시간 운동"),
    ("A", "10분 스트레칭"),
    ("A", "1시간 전에 알림"),
    ("A", "3일 전 일정"),
    ("A", "3시 이후 회의"),
    ("A", "금요일 전에 제출"),
    ("A", "다음 금요일 회식"),
    ("A", "지난 금요일 회식"),
    ("A", "이번 화요일 회식"),  # already past this week
    ("A", "모레 금요일 회의"),  # 모레 is a Saturday
    ("A", "다음주 회의 금요일로 옮겨"),  # this Friday or next week's?
    ("A", "20일에 정산"),  # the 20th has passed: this month's or next?
    ("A", "이번주 3시 회의"),  # which day?
    ("A", "2시간 동안 공부"),  # a length with no start
    ("A", "내일 3시간 후 회의"),
    ("A", "회의 끝나고 정리"),
    ("A", "회의 하루 미루고 이틀 당겨"),
    ("D", "이번달 매주 금요일 회의"),  # no Friday left in August
    ("A", "12/25 크리스마스 파티"),  # a slash date with nothing around it: maybe part of a title
    ("A", "과제 3/4 완료"),
    ("A", "25일 (일) 치과"),  # the 25th is a Saturday
    ("A", "15일 3시 치과"),  # the 15th has passed
    ("A", "2.5시간 공부"),
    ("A", "다음달 둘째 주 월요일 회의"),
    ("A", "매주 월요일부터 금요일까지 9시 출근"),
    ("C", "Meeting on the 30th"),
    ("C", "Brunch first Sunday of next month"),
    ("C", "Call half past 3"),
    ("C", "Call in a bit"),
    ("C", "Call mom soon"),
    ("C", "Run tomorrow morning"),
    ("C", "Movie tonight"),
    ("C", "Call around 3pm"),
    ("C", "Submit before Friday"),
    ("C", "Dinner last Friday"),
    ("C", "Dinner this Tuesday"),  # already past this week
    ("C", "Trip next March"),
    ("C", "Call at 13pm"),
    ("C", "Call at 3:75pm"),
    ("C", "Review Feb 30"),
    ("C", "Review every other Monday"),
    ("C", "Weekly sync"),
    ("C", "Standup weekdays at 9"),
    ("C", "Report end of the month"),
    ("C", "Push it back 1.5 hours"),
    ("C", "Trip Nov 18-20"),
    ("C", "Daily standup"),
    ("C", "Workout 3 days"),
    ("C", "Party tomorrow on Monday"),
    ("C", "Call 3ish"),
]

# Numbers and words inside titles: nothing is read as a time and nothing is declined.
UNTOUCHED: list[Case] = [
    ("A", "알고리즘 과제2 제출", {}),
    ("A", "3번 문제 풀기", {}),
    ("A", "7월호 잡지 구매", {}),
    ("A", "시간표 정리", {}),
    ("A", "아침 조깅 완료", {}),
    ("A", "주간 회의 취소", {}),
    ("A", "연말정산 서류 준비", {}),
    ("A", "내일배움카드 신청", {}),
    ("A", "월세 내기", {}),
    ("A", "세 번 반복하기", {}),
    ("A", "한시적 할인 확인", {}),
    ("A", "시즌2 정주행", {}),
    ("A", "오늘의집 주문", {}),
    ("A", "점심 약속 잡기", {}),
    ("A", "저녁 약속 취소", {}),
    ("A", "3학년 2학기 수강신청", {}),
    ("A", "일기 쓰기", {}),
    ("A", "매주간 보고서 정리", {}),
    ("A", "전화 돌리기", {}),
    ("A", "후배 밥 사주기", {}),
    ("A", "'내일 할 일' 목록 삭제", {}),  # inside a quoted title
    ("C", "Sync on Monday.com board", {}),
    ("C", "Sat down with Bob", {}),
    ("C", "Sun salutation practice", {}),
    ("C", "May I add a task", {}),
    ("C", "Plan a day trip to Busan", {}),
    ("C", "Vitamins twice a day", {}),
    ("C", "Employee of the month award", {}),
    ("C", "Board games night", {}),
    ("C", "Rename Vote to Vote at the library", {}),
    ("C", "Read chapter 3", {}),
    ("C", "Call Mom's friend", {}),
    ("C", 'Add "Meeting tomorrow at 3pm" notes', {}),
]


@pytest.mark.parametrize(("now", "text"), DECLINED, ids=lambda value: value)
def test_declines(now: str, text: str) -> None:
    parsed = parse_time(text, NOW[now])
    assert parsed.unknown, f"{text!r} should be declined, got {parsed}"


@pytest.mark.parametrize(
    ("now", "text", "expected"), UNTOUCHED, ids=lambda value: value if isinstance(value, str) else ""
)
def test_titles_untouched(now: str, text: str, expected: dict[str, object]) -> None:
    check(now, text, {"title": text, "moment": None, "period": None, "shift": None, **expected})


# Conflicts found after a pass has resolved part of the command (a date range, then a clock after
# it; a day, then a second clock): the parse keeps its spans and reasons, nothing half-resolved.
@pytest.mark.parametrize(
    ("now", "text"),
    [("A", "금요일부터 일요일까지 3시에 회의"), ("A", "tonight at 7 and 9am"), ("A", "내일 3시 5시 회의")],
)
def test_a_conflict_keeps_no_half_resolved_time(now: str, text: str) -> None:
    parsed = parse_time(text, NOW[now])
    assert parsed.unknown and parsed.spans, parsed
    resolved = (parsed.day, parsed.end_day, parsed.clock, parsed.moment, parsed.period, parsed.condition_period)
    assert resolved == (None,) * 6, parsed
