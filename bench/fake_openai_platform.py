"""A fake OpenAI platform on loopback for walking through `calendy synth` and `calendy finetune` offline.

Chat completions: the help prompts (`calendy synth docs`, /v1/help) get answers from bench/fake_help.py;
the synth prompt gets N commands (one per line) built from the context's records;
the production SQL prompt gets SQL for a few command shapes, NO_SUCH_PLAN or NOT_UNDERSTOOD. Files,
fine-tuning jobs (validating_files → queued → running → succeeded, one step per poll), their list,
cancel, checkpoints and events. Every request is printed to stderr (chat: kind and model);
GET /_fake/log returns the chat requests, POST /_fake/fail_next makes the next created job fail.

    python -m bench.fake_openai_platform --port 8911 [--fail-jobs 1] [--first 10] [--latency-ms 300]
"""

import argparse
import asyncio
import hashlib
import json
import re
import sys
import time
from datetime import datetime, timedelta
from typing import Any

import uvicorn

from bench.fake_help import help_answer

Scope = dict[str, Any]
STEPS = ["validating_files", "queued", "running", "succeeded"]


def _data_block(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """now and the rows of the last user-data block ("Current time: ...")."""
    text = next((m["content"] for m in reversed(messages) if str(m["content"]).startswith("Current time:")), "")
    data: dict[str, Any] = {"now": datetime(2023, 11, 23, 20, 25, 39), "CATEGORY": [], "TODO": [], "SCHEDULE": []}
    section = None
    for line in text.splitlines():
        if line.startswith("Current time:"):
            data["now"] = datetime.strptime(line.split(": ", 1)[1][:19], "%Y-%m-%d %H:%M:%S")
        elif line.split(" (")[0] in ("CATEGORY", "TODO", "SCHEDULE"):
            section = line.split(" (")[0]
        elif section and " | " in line:
            data[section].append(line.split(" | "))
    return data


def synth_commands(messages: list[dict[str, Any]], n: int) -> str:
    """N varied commands for the context; a few refer to nothing or are off-topic."""
    data = _data_block(messages)
    todos = [row[1] for row in data["TODO"]] or ["보고서"]
    pool = [f"{t} 완료" for t in todos] + [f"{t} 삭제해줘" for t in todos] + [f"mark {t} as done" for t in todos]
    pool += [f"내일 {h}시 {w} 추가" for h, w in [(8, "알골 과제"), (9, "헬스"), (10, "빨래"), (7, "장보기")]]
    pool += [f"add {w} tomorrow at {h}pm" for h, w in [(3, "dentist"), (5, "call mom"), (2, "gym")]]
    pool += [
        "오늘 할 일 보여줘",
        "show my schedules for tomorrow",
        "독서 카테고리 추가",
        "없는약속 삭제해줘",
        "날씨 어때?",
    ]
    start = int(hashlib.sha256(str(data["now"]).encode()).hexdigest(), 16) % len(pool)
    return "\n".join((pool[start:] + pool[:start])[:n])


def _find(rows: list[list[str]], words: str) -> str | None:
    key = words.replace(" ", "").lower()
    return next((row[0] for row in rows if key and key in row[1].replace(" ", "").lower()), None)


def _insert(data: dict[str, Any], title: str, hour: int) -> str:
    due = (data["now"] + timedelta(days=1)).replace(hour=hour, minute=0, second=0)
    category = next((row[0] for row in data["CATEGORY"] if row[1] in title), None)
    columns, values = "title, due_time", f"'{title.replace(chr(39), chr(39) * 2)}', '{due:%Y-%m-%d %H:%M:%S}'"
    if category:
        columns, values = columns + ", category_id", values + f", {category}"
    return f"INSERT INTO TODO ({columns}) VALUES ({values});"


def sql_answer(messages: list[dict[str, Any]]) -> str:
    """Plausible SQL for a few command shapes of the last data block; a marker otherwise."""
    data, command = _data_block(messages), str(messages[-1]["content"]).strip()
    day, tomorrow = f"{data['now']:%Y-%m-%d}", f"{data['now'] + timedelta(days=1):%Y-%m-%d}"
    if match := re.fullmatch(r"내일 (\d+)시 (.+) 추가", command):
        return _insert(data, match[2], int(match[1]))
    if match := re.fullmatch(r"add (.+) tomorrow at (\d+)pm", command):
        return _insert(data, match[1], int(match[2]) + 12)
    if match := re.fullmatch(r"(.+) (완료|삭제해줘)|mark (.+) as done", command):
        words = match[1] or match[3]
        todo = _find(data["TODO"], words)
        if todo and match[2] == "삭제해줘":
            return f"DELETE FROM TODO WHERE id = {todo};"
        if todo:
            return f"UPDATE TODO SET complete = 1 WHERE id = {todo};"
        schedule = _find(data["SCHEDULE"], words) if match[2] == "삭제해줘" else None
        return f"DELETE FROM SCHEDULE WHERE id = {schedule};" if schedule else "NO_SUCH_PLAN"
    if command == "오늘 할 일 보여줘":
        return f"SELECT * FROM TODO WHERE due_time LIKE '{day}%';"
    if command == "show my schedules for tomorrow":
        return f"SELECT * FROM SCHEDULE WHERE start_time LIKE '{tomorrow}%';"
    if match := re.fullmatch(r"(\S+) 카테고리 추가", command):
        return f"INSERT INTO CATEGORY (title) VALUES ('{match[1]}');"
    return "NOT_UNDERSTOOD: 일정이나 할 일에 대한 요청이 아니에요"


class Platform:
    """Files, jobs and the chat log, in memory."""

    def __init__(self, fail_jobs: int, first: int = 1, latency_s: float = 0.0) -> None:
        self.fail_jobs, self.first, self.latency_s = fail_jobs, first, latency_s
        self.files: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.chat_log: list[dict[str, Any]] = []

    def chat(self, body: dict[str, Any]) -> dict[str, Any]:
        messages, model = body["messages"], body["model"]
        system = str(messages[0]["content"]) if messages else ""
        helped = help_answer(messages) if messages else None
        if helped is not None:
            kind, text = helped
        elif system.startswith("You write test commands"):
            count = re.search(r"Write (\d+) commands", str(messages[-1]["content"]))
            kind, text = "synth", synth_commands(messages, int(count[1]) if count else 5)
        elif str(messages[-1]["content"]).startswith("Your answer was rejected"):
            kind, text = "repair", "NOT_UNDERSTOOD: 다시 말씀해 주세요"
        else:
            kind, text = "sql", sql_answer(messages)
        entry = {
            "kind": kind,
            "model": model,
            "messages": len(messages),
            "command": str(messages[-1]["content"])[:80],
            "answer": text[:200],
        }
        self.chat_log.append(entry)
        print(
            f"  chat {kind} model={model} messages={len(messages)} command={entry['command']!r} -> {text[:80]!r}",
            file=sys.stderr,
        )
        usage = {"prompt_tokens": 900, "completion_tokens": 20, "total_tokens": 920}
        choice = {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}
        return {"id": f"chatcmpl-{len(self.chat_log)}", "object": "chat.completion", "created": int(time.time()),
                "model": model, "choices": [choice], "usage": usage}  # fmt: skip

    def upload(self, body: bytes) -> dict[str, Any]:
        name = re.search(rb'filename="([^"]*)"', body)
        purpose = re.search(rb'name="purpose"\r\n\r\n([^\r]*)', body)
        file_id = f"file-fake{self.first}-{len(self.files) + 1}"
        self.files[file_id] = {
            "id": file_id, "object": "file", "bytes": len(body), "created_at": int(time.time()),
            "filename": name[1].decode() if name else "upload.jsonl", "status": "processed",
            "purpose": purpose[1].decode() if purpose else "fine-tune",
        }  # fmt: skip
        return self.files[file_id]

    def create_job(self, body: dict[str, Any]) -> dict[str, Any]:
        number = len(self.jobs) + self.first
        job_id, fail = f"ftjob-fake{number}", self.fail_jobs > 0
        self.fail_jobs -= int(fail)
        self.jobs[job_id] = {
            "id": job_id, "object": "fine_tuning.job", "created_at": int(time.time()), "model": body["model"],
            "training_file": body["training_file"], "validation_file": body.get("validation_file"),
            "status": STEPS[0], "fine_tuned_model": None, "finished_at": None, "trained_tokens": None,
            "error": None, "hyperparameters": {"n_epochs": 3}, "organization_id": "org-fake", "result_files": [],
            "seed": 0, "_fail": fail, "_model": f"ft:gpt-4o-mini:calendy:{body.get('suffix') or ''}:fake{number}",
        }  # fmt: skip
        return self.public(job_id)

    def advance(self, job_id: str) -> None:
        job = self.jobs[job_id]
        if job["status"] not in STEPS[:-1]:
            return
        job["status"] = STEPS[STEPS.index(job["status"]) + 1]
        if job["status"] == "succeeded" and job["_fail"]:
            job["status"] = "failed"
            job["error"] = {"code": "invalid_training_file", "param": "training_file",
                            "message": "The job failed due to an invalid training file (fake)."}  # fmt: skip
        elif job["status"] == "succeeded":
            job["fine_tuned_model"], job["trained_tokens"] = job["_model"], 12345
        if job["status"] in ("succeeded", "failed"):
            job["finished_at"] = int(time.time())

    def public(self, job_id: str) -> dict[str, Any]:
        return {k: v for k, v in self.jobs[job_id].items() if not k.startswith("_")}

    def route(self, method: str, path: str, body: bytes) -> tuple[int, Any]:
        parts = path.removeprefix("/v1/").strip("/").split("/")
        if method == "POST" and path.endswith("/chat/completions"):
            return 200, self.chat(json.loads(body))
        if method == "GET" and path == "/_fake/log":
            return 200, self.chat_log
        if method == "POST" and path == "/_fake/fail_next":
            self.fail_jobs += 1
            return 200, {"fail_jobs": self.fail_jobs}
        if parts[0] == "files" and method == "POST" and len(parts) == 1:
            return 200, self.upload(body)
        if parts[0] == "files" and method == "GET" and len(parts) == 2 and parts[1] in self.files:
            return 200, self.files[parts[1]]
        if parts[:2] != ["fine_tuning", "jobs"]:
            return 404, {"error": {"message": f"no route {method} {path}", "type": "invalid_request_error"}}
        if len(parts) == 2:
            if method == "POST":
                return 200, self.create_job(json.loads(body))
            data = [self.public(job_id) for job_id in reversed(self.jobs)]
            return 200, {"object": "list", "data": data, "has_more": False}
        job_id = parts[2]
        if job_id not in self.jobs:
            return 404, {"error": {"message": f"no job {job_id}", "type": "invalid_request_error"}}
        job = self.jobs[job_id]
        if len(parts) == 3 and method == "GET":
            self.advance(job_id)
            return 200, self.public(job_id)
        if parts[3:] == ["cancel"] and method == "POST":
            if job["status"] not in ("succeeded", "failed"):
                job["status"] = "cancelled"
            return 200, self.public(job_id)
        if parts[3:] == ["checkpoints"]:
            metrics = {"step": 30, "train_loss": 0.12, "train_mean_token_accuracy": 0.97, "valid_loss": 0.15}
            done = job["status"] == "succeeded"
            data = [{"id": "ftckpt-fake1", "object": "fine_tuning.job.checkpoint", "created_at": int(time.time()),
                     "fine_tuned_model_checkpoint": f"{job['_model']}:ckpt-step-30", "fine_tuning_job_id": job_id,
                     "metrics": metrics, "step_number": 30}] if done else []  # fmt: skip
            return 200, {"object": "list", "data": data, "has_more": False}
        if parts[3:] == ["events"]:
            event = {"id": "ftevent-1", "object": "fine_tuning.job.event", "created_at": int(time.time()),
                     "level": "info", "message": f"Job is {job['status']}", "type": "message"}  # fmt: skip
            return 200, {"object": "list", "data": [event], "has_more": False}
        return 404, {"error": {"message": f"no route {method} {path}", "type": "invalid_request_error"}}


def build_app(platform: Platform) -> Any:
    """A bare ASGI app around Platform.route."""

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        print(f"{scope['method']} {scope['path']}", file=sys.stderr, flush=True)
        if scope["path"].endswith("/chat/completions"):
            await asyncio.sleep(platform.latency_s)
        try:
            status, answer = platform.route(scope["method"], scope["path"], body)
        except (KeyError, ValueError, IndexError) as exc:
            status, answer = 400, {"error": {"message": f"bad request: {exc!r}", "type": "invalid_request_error"}}
        payload = json.dumps(answer, ensure_ascii=False).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    return app


def main(argv: list[str] | None = None) -> None:
    """Parse options and serve on loopback."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8911)
    parser.add_argument("--fail-jobs", type=int, default=0, help="the first N jobs created end in failed")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay of every chat answer")
    parser.add_argument(
        "--first", type=int, default=1, help="number of the first job (ids stay unique after a restart)"
    )
    args = parser.parse_args(argv)
    print(f"fake OpenAI platform on http://127.0.0.1:{args.port}/v1", file=sys.stderr, flush=True)
    app = build_app(Platform(args.fail_jobs, args.first, args.latency_ms / 1000))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
