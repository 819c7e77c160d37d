"""Shared pieces of the benchmarks: the request context, machine facts and statistics."""

import os
import platform
import socket
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOW = "2023-11-23 20:25:39"
LLM_PROMPT = "줄넘기 11월 25일 거 삭제해줘"
LOCAL_PROMPT = "내일 오후 3시 치과 추가"

CONTEXT: dict[str, Any] = {
    "categories": [{"id": 1, "title": "과제"}, {"id": 2, "title": "운동"}, {"id": 3, "title": "동아리"}],
    "todos": [
        {"id": 11, "title": "컴퓨터 구조 과제", "due_time": "2023-11-24 23:59:59", "category_id": 1, "complete": False},
        {"id": 12, "title": "줄넘기", "due_time": "2023-11-25 19:00:00", "category_id": 2, "complete": False},
        {"id": 13, "title": "줄넘기", "due_time": "2023-11-27 19:00:00", "category_id": 2, "complete": False},
        {"id": 14, "title": "알고리즘 과제", "due_time": "2023-11-28 23:59:59", "category_id": 1, "complete": False},
        {"id": 15, "title": "동생 생일 케이크 주문", "due_time": "2023-11-26 23:59:59", "category_id": None,
         "complete": False, "memo": "초코 케이크"},
        {"id": 16, "title": "중간고사 범위 정리", "due_time": "2023-11-23 23:59:59", "category_id": None,
         "complete": True},
        {"id": 17, "title": "웹개발 과제", "due_time": "2023-11-22 23:59:59", "category_id": 1, "complete": True},
        {"id": 18, "title": "빨래", "due_time": "2023-11-24 10:00:00", "category_id": None, "complete": False},
        {"id": 19, "title": "동아리 회비 입금", "due_time": "2023-11-30 18:00:00", "category_id": 3, "complete": False},
        {"id": 20, "title": "헬스장 등록", "due_time": "2023-12-01 12:00:00", "category_id": 2, "complete": False},
    ],
    "schedules": [
        {"id": 1, "title": "신영이랑 밥먹기", "start_time": "2023-11-25 12:00:00",
         "end_time": "2023-11-25 13:00:00", "category_id": None},
        {"id": 2, "title": "밴드 동아리 합주", "start_time": "2023-11-24 18:00:00",
         "end_time": "2023-11-24 20:00:00", "category_id": 3},
        {"id": 3, "title": "캡스톤 디자인 발표", "start_time": "2023-11-29 13:00:00",
         "end_time": "2023-11-29 15:00:00", "category_id": 1},
        {"id": 4, "title": "수진이랑 영화", "start_time": "2023-11-26 19:00:00",
         "end_time": "2023-11-26 21:30:00", "category_id": None},
        {"id": 5, "title": "치과 검진", "start_time": "2023-11-30 10:00:00",
         "end_time": "2023-11-30 11:00:00", "category_id": None},
    ],
}  # fmt: skip


def sql_body(prompt: str, engine: str) -> dict[str, Any]:
    """A realistic POST /v1/sql body: 3 categories, 10 todos, 5 schedules."""
    return {"prompt": prompt, "now": NOW, **CONTEXT, "engine": engine, "locale": "ko"}


def cpu_busy_pct(seconds: float = 1.0) -> float:
    """How busy all CPUs are over `seconds` (100 = every core), from /proc/stat."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return round(100 * (1 - (idle1 - idle0) / max(total1 - total0, 1)), 1)


def machine() -> dict[str, Any]:
    """The machine the figures come from."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        # Other work on the machine skews every figure: check this is near 0 before trusting a run.
        "loadavg_1m_at_start": os.getloadavg()[0],
        "cpu_busy_pct_before": cpu_busy_pct(),
    }


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def command_line() -> str:
    """The command line this benchmark was started with."""
    return " ".join([Path(sys.executable).relative_to(ROOT).as_posix() if _under_root() else "python", *_argv()])


def _under_root() -> bool:
    try:
        Path(sys.executable).relative_to(ROOT)
    except ValueError:
        return False
    return True


def _argv() -> list[str]:
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name:
        return ["-m", spec.name, *sys.argv[1:]]
    return sys.argv


class GcPauses:
    """Durations of the garbage collector's runs, per generation, via gc.callbacks."""

    def __init__(self) -> None:
        self.ms: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.ms[info["generation"]].append((time.perf_counter() - self._started) * 1000)

    def summary(self) -> dict[str, Any]:
        """Count and longest pause per generation."""
        return {f"gen{g}": {"count": len(v), "max_ms": round(max(v, default=0.0), 2)} for g, v in self.ms.items()}


# --- subprocesses ---------------------------------------------------------------------------------
