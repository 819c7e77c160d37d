"""The local engine on commands as people type them (casual endings, end times, informal English): precision first."""

from pathlib import Path

import pytest

from app.evaluation.cases import load_cases, request_from_case
from app.evaluation.scoring import score_answer
from app.local.engine import explain
from app.local.typed import reshape
from app.schemas import SqlRequest
from tests.local_scores import check_local_scores

DATA = Path(__file__).parent / "data"
TYPED_CASES = DATA / "typed_cases.jsonl"
# 145 cases of typed2.jsonl: one class each (tags), Korean and English, some that must be declined.
TYPED2_CASES = DATA / "typed2.jsonl"


def test_typed_cases_precision_and_coverage() -> None:
    check_local_scores(TYPED_CASES, min_correct=16)  # the README's 16/16


def test_typed2_cases_precision_and_coverage() -> None:
    check_local_scores(TYPED2_CASES, min_correct=123)  # the README's 123/127


RESHAPED: list[tuple[str, str, str | None]] = [
    # verb first, object after: the verb put last
    ("추가해줘 내일 3시 치과", "내일 3시 치과 추가해줘", None),
    ("등록 좀 해줘 금요일 미용실", "금요일 미용실 등록 좀 해줘", None),
    ("옮겨줘 팀 회의 금요일로", "팀 회의 금요일로 옮겨줘", None),
    ("추가 회의 내일 3시", "추가 회의 내일 3시", None),  # no auxiliary: "추가" may be part of the title
    ("삭제해줘 팀 회의 취소해줘", "삭제해줘 팀 회의 취소해줘", None),  # the rest ends with a verb too
    # casual endings
    ("내일 세탁소 들르기 해놔", "내일 세탁소 들르기 추가", None),
    ("토요일 장보기 할게", "토요일 장보기 추가", None),
    ("내일 3시 치과 예약해놔", "내일 3시 치과 예약 추가", None),
    ("팀 회의 취소 해놔", "팀 회의 취소", None),  # the word before is the operation itself
    ("헬스장 가기 했음", "헬스장 가기 완료", None),
    ("AWS 요금 확인했어", "AWS 요금 확인 완료", None),
    ("팀 회의 취소했음", "팀 회의 취소 했음", None),  # a cancellation said in the past is no completion
    ("헬스장 가기 안 했음", "헬스장 가기 안 했음", None),  # negated: left as said
    # doubled punctuation
    ("내일 뭐 있어??", "내일 뭐 있어?", None),
    ("팀 회의 취소!!", "팀 회의 취소!", None),
    # English framing and contractions
    ("i need to pay the phone bill by friday", "add pay the phone bill by friday", None),
    ("don't forget to buy flowers tomorrow", "add buy flowers tomorrow", None),
    ("I'll need to pick up the dry cleaning", "add pick up the dry cleaning", None),
    ("i need to cancel the dentist appointment", "i need to cancel the dentist appointment", None),  # not sure
    ("i'm done with Send slides", "done with Send slides", None),
    ("i have a meeting tomorrow", "i have a meeting tomorrow", None),  # "have" without "to" frames nothing
    # a memo in the same command
    ("내일 3시 치과 추가, 메모: 스케일링", "내일 3시 치과 추가", "스케일링"),
    ("add call plumber friday note: ask about the sink", "add call plumber friday", "ask about the sink"),
    ('Add "Book car service" on Monday with memo "brake pads"', 'Add "Book car service" on Monday', "brake pads"),
    ("내일 '약국 가기' 추가해줘, 메모는 처방전", "내일 '약국 가기' 추가해줘", "처방전"),
    ("내일 3시 치과 메모: 스케일링 추가", "내일 3시 치과 메모: 스케일링 추가", None),  # memo or verb: unsure
    # fillers after the verb: urgency and politeness, no part of a title
    ("내일 3시 치과 예약 잡아줘 꼭", "내일 3시 치과 예약 잡아줘", None),
    ("내일 3시 치과 추가 꼭", "내일 3시 치과 추가", None),
    ("내일 3시 치과 추가해줘 제발요", "내일 3시 치과 추가해줘", None),
    ("내일 3시 치과 추가해 줘 꼭 좀 부탁해", "내일 3시 치과 추가해 줘", None),
    ("내일 3시 치과 추가해줘 빨리!!", "내일 3시 치과 추가해줘", None),
    ("헬스장 가기 삭제해줘 얼른", "헬스장 가기 삭제해줘", None),
    ("추가해줘 내일 3시 치과 꼭", "내일 3시 치과 추가해줘", None),  # verb first: the filler after the title
    ("내일 약 꼭 챙기기 추가", "내일 약 꼭 챙기기 추가", None),  # inside the title: kept as written
    ("내일 3시 치과 꼭", "내일 3시 치과 꼭", None),  # no verb before it: left as said
    ("내일 3시 치과 추가해줘 당장", "내일 3시 치과 추가해줘 당장", None),  # 당장 (now) says when
    ("add please dentist tomorrow at 3pm", "add dentist tomorrow at 3pm", None),
    ("delete pls Pay rent", "delete Pay rent", None),
    ("add dentist tomorrow 3pm pretty please", "add dentist tomorrow 3pm", None),
    ("add call mom friday ty", "add call mom friday", None),
    ("move Project review to friday please thank you so much", "move Project review to friday", None),
]


@pytest.mark.parametrize(("prompt", "expected", "memo"), RESHAPED, ids=[p for p, _, _ in RESHAPED])
def test_reshape(prompt: str, expected: str, memo: str | None) -> None:
    typed = reshape(prompt)
    assert (typed.prompt, typed.memo) == (expected, memo)


# Prompts near the new classes that the engine must decline (no answer, or not_understood) rather than guess.
DECLINED = [
    "팀 회의 끝나는 시간 8시로 바꿔",  # 08:00 is before the start: the bare hour is not sure
    "push the end of Project review back 30 minutes",  # an amount on the end: not a shift of both
    "영어 에세이 제출 끝나는 시간 6시로 바꿔",  # a TODO has no end
    "change the end of team 회의 to 5pm",  # two scripts, no title matches: not no_such_plan
    "내일 3시 치과 메모: 스케일링 추가",
    "오늘 너무 피곤함",
    "금요일 휴가임",
    "모레 장 볼게",
    "오늘 헬스장 갔다 왔음",
    "i have a meeting tomorrow at 3pm",
    "add meeting 2 hours after lunch",  # unquoted anchor that is no plan's title
    "팀 회의 메모: 회의록 준비",
    "팀 회의 끝나는 시간 5시",  # no verb: not a new plan titled "팀 회의 끝나는 시간"
    "헬스장 가기 안 했음",  # not done: no completion
    "헬스장 가기 못 했어",
    "스트레칭 아직 안했어",
    "헬스장 가기 안 끝냈어",
    "Pay rent isn't done",
    "헬스장 가기 했어?",  # a question, not a completion
    "헬스장 가기 끝냈어?",
    "오늘 할 일 다 끝냄",  # only a table word: which rows is not said
    "don't forget to cancel Pay rent",  # cancel now, or a task to cancel later?
    "hey whats up",  # small talk, not a list of everything
    "팀 회의 삭제 ㄴㄴ",  # ㄴㄴ: "no no"
    "내일 비 오면 팀 회의 취소",  # under a condition the engine cannot check
    "cancel Project review if it rains",
    "내일 3시 치과 추가해줘 당장",  # 당장 (right now) is no filler: not dropped, not guessed
    "add dentist tomorrow 3pm asap",
]


@pytest.mark.parametrize("prompt", DECLINED)
def test_declined(prompt: str) -> None:
    case = load_cases(TYPED2_CASES)[0]
    request = SqlRequest.model_validate(request_from_case({**case, "prompt": prompt}, engine="local"))
    answer, why = explain(request)
    assert answer is None or (answer.status == "not_understood" and not answer.sql), (answer, why)


SCHEMA_SQL = (Path(__file__).parents[1] / "prompts/schema.sql").read_text(encoding="utf-8")
# Answered by execution match on typed2's database (now 2026-05-06, a Wednesday).
ANSWERED: list[tuple[str, list[str]]] = [
    ("내일 3시 치과 ㄱㄱ", ["INSERT INTO TODO (title, due_time) VALUES ('치과', '2026-05-07 15:00:00')"]),
    ("내일 3시 치과 추가해주세용", ["INSERT INTO TODO (title, due_time) VALUES ('치과', '2026-05-07 15:00:00')"]),
    # fillers after the verb (the review's case: once titled "치과 예약 잡아줘 꼭")
    (
        "내일 3시 치과 예약 잡아줘 꼭",
        ["INSERT INTO TODO (title, due_time) VALUES ('치과 예약', '2026-05-07 15:00:00')"],
    ),
    ("내일 3시 치과 추가 꼭", ["INSERT INTO TODO (title, due_time) VALUES ('치과', '2026-05-07 15:00:00')"]),
    (
        "add please dentist tomorrow at 3pm",
        ["INSERT INTO TODO (title, due_time) VALUES ('dentist', '2026-05-07 15:00:00')"],
    ),
    ("todo: buy milk tomorrow", ["INSERT INTO TODO (title, due_time) VALUES ('buy milk', '2026-05-07 23:59:59')"]),
    # issue 11: a bulk category move with 할 일 touches TODO only, with or without its verb
    (
        "운동 카테고리 할 일 전부 금요일로",
        [
            "UPDATE TODO SET due_time = '2026-05-08 19:00:00' WHERE id = 2",
            "UPDATE TODO SET due_time = '2026-05-08 07:00:00' WHERE id = 4",
        ],
    ),
    (
        "운동 카테고리 스케줄 다 토요일로",
        ["UPDATE SCHEDULE SET start_time = '2026-05-09 19:00:00', end_time = '2026-05-09 20:00:00' WHERE id = 2"],
    ),
    ("Work 카테고리 할 일 다 삭제해줘", ["DELETE FROM TODO WHERE id = 5"]),
    ("팀 회의 종료 시간 5시 반으로 바꿔", ["UPDATE SCHEDULE SET end_time = '2026-05-07 17:30:00' WHERE id = 1"]),
    ("make Project review end at 4pm", ["UPDATE SCHEDULE SET end_time = '2026-05-12 16:00:00' WHERE id = 4"]),
    (
        "whats on friday",
        [
            "SELECT * FROM TODO WHERE due_time BETWEEN '2026-05-08 00:00:00' AND '2026-05-08 23:59:59'",
            "SELECT * FROM SCHEDULE WHERE start_time BETWEEN '2026-05-08 00:00:00' AND '2026-05-08 23:59:59'",
        ],
    ),
]


@pytest.mark.parametrize(("prompt", "gold"), ANSWERED, ids=[p for p, _ in ANSWERED])
def test_answered(prompt: str, gold: list[str]) -> None:
    case = {**load_cases(TYPED2_CASES)[0], "prompt": prompt, "expect": {"status": "ok", "gold": gold}}
    request = SqlRequest.model_validate(request_from_case(case, engine="local"))
    answer, why = explain(request)
    assert answer is not None, why
    verdict = score_answer(case=case, schema_sql=SCHEMA_SQL, status=answer.status, statements=answer.sql)
    assert verdict.correct, (answer.sql, verdict.reason)
