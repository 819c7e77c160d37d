"""In-process micro-benchmark of the local engine, alone and with SQL validation, over ~30 commands."""

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.local import answer_locally
from app.schemas import SqlRequest
from app.sqlcheck import check_sql
from app.sqlcheck.schema import load_client_schema
from bench._common import ROOT, command_line, machine, percentile, sql_body

COMMANDS = [
    "내일 오후 3시 치과 추가",
    "내일 저녁 8시에 자바 과제 질문 메일 보내기",
    "4시에 우체국 가기",
    "이번주 일요일 11시부터 1시까지 가족 브런치",
    "이번달 매주 금요일 저녁 6시 배드민턴",
    "모레 오후 3시 반 세무사 상담",
    "다음주 목요일 2시부터 3시까지 인사팀 면담",
    "금요일까지 회사 워크숍 장소 알아보기",
    "'신영이랑 밥먹기'보다 1시간 뒤에 카페 가기",
    "90분 후에 핸드폰 충전하기",
    "'캡스톤 디자인 발표' 다음날 회고 작성",
    "컴퓨터 구조 과제 삭제",
    "줄넘기 전부 취소",
    "이번주 과제 모두 지워줘",
    "수진이랑 영화 토요일로 옮겨줘",
    "알고리즘 과제 하루 미뤄줘",
    "빨래 다 했어",
    "동아리 회비 입금 완료",
    "내일 할 일이랑 일정 보여줘",
    "운동 관련 일정 전부 보여줘",
    "내일 요약해줘",
    "동생 생일 케이크 주문 스케줄로 바꿔줘",
    "환율 좀 알려줘",
    "골프 약속 미뤄줘",
    'Add "Buy champagne" tomorrow at 3pm',
    "Add Board games night on Saturday from 7pm to 11pm",
    "Add Job fair prep tomorrow at 6pm",
    'Add "Call the landlord" in 3 hours',
    "Show me my todos for tomorrow",
    "Brief me on this week",
    "Write me a poem about snow",
]


def timed(fn: Any, iterations: int) -> tuple[list[float], float]:
    """Per-call µs of `fn()` and the total seconds of the loop."""
    samples = []
    clock = time.perf_counter
    start = clock()
    for _ in range(iterations):
        before = clock()
        fn()
        samples.append((clock() - before) * 1e6)
    return samples, clock() - start


def main(argv: list[str] | None = None) -> None:
    """Time each command, print a Markdown table and the totals."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=200, help="timed calls per command and mode")
    parser.add_argument("--warmup", type=int, default=20, help="untimed calls per command first")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    schema = load_client_schema(ROOT / "prompts" / "schema.sql")
    body = sql_body("x", "local")

    parse_samples, _ = timed(lambda: SqlRequest.model_validate(body), args.iterations)
    rows: list[dict[str, Any]] = []
    totals = {"engine": [0, 0.0], "engine+check": [0, 0.0]}
    for command in COMMANDS:
        request = SqlRequest.model_validate(sql_body(command, "local"))
        answer = answer_locally(request=request)

        def engine(request: SqlRequest = request) -> Any:
            return answer_locally(request=request)

        def engine_and_check(request: SqlRequest = request) -> Any:
            result = answer_locally(request=request)
            if result is not None and result.status == "ok":
                check_sql(sql=result.sql, request=request, schema=schema)
            return result

        row: dict[str, Any] = {
            "command": command,
            "status": answer.status if answer is not None else "declined",
            "statements": len(answer.sql) if answer is not None else 0,
        }
        for name, fn in (("engine", engine), ("engine+check", engine_and_check)):
            for _ in range(args.warmup):
                fn()
            samples, seconds = timed(fn, args.iterations)
            row[name] = {"p50_us": round(percentile(samples, 50), 1), "p99_us": round(percentile(samples, 99), 1)}
            totals[name][0] += args.iterations
            totals[name][1] += seconds
        rows.append(row)

    results = {
        "command": command_line(),
        "machine": machine(),
        "iterations": args.iterations,
        "warmup": args.warmup,
        "request_parse_us": {
            "p50": round(percentile(parse_samples, 50), 1),
            "p99": round(percentile(parse_samples, 99), 1),
        },
        "commands": rows,
        "commands_per_s": {name: round(count / seconds, 1) for name, (count, seconds) in totals.items()},
    }
    print(f"$ {results['command']}")
    print(f"machine: {json.dumps(results['machine'])}")
    print()
    print("| # | command | status | stmts | engine p50 µs | engine p99 µs | +check p50 µs | +check p99 µs |")
    print("|---:|---|---|---:|---:|---:|---:|---:|")
    for i, row in enumerate(rows, 1):
        print(
            f"| {i} | {row['command']} | {row['status']} | {row['statements']} "
            f"| {row['engine']['p50_us']:.0f} | {row['engine']['p99_us']:.0f} "
            f"| {row['engine+check']['p50_us']:.0f} | {row['engine+check']['p99_us']:.0f} |"
        )
    answered = sum(row["status"] != "declined" for row in rows)
    print()
    print(f"answered locally: {answered}/{len(rows)} commands")
    print(f"commands/s, engine alone: {results['commands_per_s']['engine']:.0f}")
    print(f"commands/s, engine + check_sql: {results['commands_per_s']['engine+check']:.0f}")
    parse = results["request_parse_us"]
    print(
        f"SqlRequest.model_validate of the context (18 records): p50 {parse['p50']:.0f} µs, p99 {parse['p99']:.0f} µs"
    )
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
