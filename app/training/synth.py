"""Synthetic pairs: the model writes commands for a user context, the production path answers them.

Only answers that pass the validator and the dry run (answer_with_repair never returns others) are
kept. Progress lives in three files next to the output, so a re-run continues where it stopped:
OUT (the pairs), OUT.commands.jsonl (the commands generated per context) and OUT.rejected.jsonl.
"""

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from app.errors import AppError, InvalidRequest
from app.llm.client import complete_chat
from app.llm.messages import render_user_data
from app.llm.prompts import load_template, render
from app.ops.llmcall import CallRecorder, LlmCall
from app.schemas import Category, Schedule, SqlRequest, Timestamp, Todo
from app.services.commands import answer_with_repair
from app.services.runtime import Runtime
from app.training.pairs import Pair, read_rows

_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")


class SynthContext(BaseModel):
    """One user context: a time and records, as a /v1/sql body without the prompt."""

    id: str | None = None
    now: Timestamp
    categories: list[Category] = []
    todos: list[Todo] = []
    schedules: list[Schedule] = []

    def key(self) -> str:
        """The given id, else a hash of the context."""
        if self.id:
            return self.id
        body = json.dumps(self.model_dump(mode="json", exclude={"id"}), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()[:12]


@dataclass
class SynthFiles:
    """The output and its two progress files."""

    out: Path
    commands: Path = field(init=False)
    rejected: Path = field(init=False)

    def __post_init__(self) -> None:
        self.commands = self.out.with_name(self.out.name + ".commands.jsonl")
        self.rejected = self.out.with_name(self.out.name + ".rejected.jsonl")


@dataclass
class SynthState:
    """What earlier runs did: commands per context, and the (context, prompt) pairs already settled."""

    commands: dict[str, list[str]] = field(default_factory=dict)
    settled: set[tuple[str, str]] = field(default_factory=set)
    kept: int = 0


def read_contexts(*, path: Path) -> list[SynthContext]:
    """The contexts file (JSONL); InvalidRequest lists each bad line."""
    contexts, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                contexts.append(SynthContext.model_validate_json(line))
            except ValidationError as exc:
                problems.append(f"line {number}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}")
    if problems:
        raise InvalidRequest(f"{path}: {len(problems)} bad line(s)", details=problems)
    return contexts


def load_state(*, files: SynthFiles) -> SynthState:
    """Read the progress files of an earlier run (nothing when starting fresh)."""
    state = SynthState()
    for row in read_rows(files.commands):
        state.commands[str(row["context"])] = [str(p) for p in row["prompts"]]
    for row in read_rows(files.out):
        source = str(row.get("source", ""))
        prompt = str(row["request"]["prompt"])
        state.settled.add((source.removeprefix("synth:"), prompt))
        state.kept += 1
    for row in read_rows(files.rejected):
        state.settled.add((str(row["context"]), str(row["prompt"])))
    return state


def parse_commands(*, text: str, n: int) -> list[str]:
    """One command per line, bullets and numbering removed, duplicates dropped, at most n."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        command = _BULLET.sub("", line).strip().strip('"').strip()
        if command and len(command) <= 1000:
            seen.setdefault(command, None)
    return list(seen)[:n]


def _request(context: SynthContext, prompt: str) -> SqlRequest:
    body = context.model_dump(mode="json", exclude={"id"})
    return SqlRequest.model_validate({**body, "prompt": prompt, "engine": "llm"})


async def generate_commands(*, runtime: Runtime, context: SynthContext, n: int, calls: list[LlmCall]) -> list[str]:
    """Ask the model for n varied commands a user with this context could type."""
    if runtime.llm is None:
        raise AppError("no LLM configured: set CALENDY_LLM_API_KEY")
    directory = runtime.settings.prompts_dir
    data = render_user_data(
        templates=runtime.templates, now=context.now, categories=context.categories, todos=context.todos,
        schedules=context.schedules,
    )  # fmt: skip
    messages = [
        {"role": "system", "content": render(load_template(directory=directory, name="synth_system"), n=n)},
        {"role": "user", "content": render(load_template(directory=directory, name="synth_user"), data=data, n=n)},
    ]
    deadline = time.monotonic() + runtime.settings.llm_request_budget_s
    result = await complete_chat(
        runtime=runtime.llm, messages=messages, deadline=deadline, purpose="synth", recorder=CallRecorder(calls)
    )
    return parse_commands(text=result.text, n=n)


async def answer_command(
    *, runtime: Runtime, context: SynthContext, prompt: str, calls: list[LlmCall]
) -> tuple[Pair | None, str]:
    """The production path's answer as a pair, or None with the reason it was not kept."""
    if runtime.llm is None:
        raise AppError("no LLM configured: set CALENDY_LLM_API_KEY")
    try:
        request = _request(context, prompt)
    except ValidationError as exc:
        return None, f"invalid request: {exc.errors()[0]['msg']}"
    deadline = time.monotonic() + runtime.settings.llm_request_budget_s
    try:
        answer = await answer_with_repair(
            runtime=runtime, request=request, deadline=deadline, recorder=CallRecorder(calls)
        )
    except AppError as exc:
        return None, f"{exc.code}: {exc.message}"
    if answer.answer.status != "ok" or not answer.answer.sql:
        return None, f"status {answer.answer.status}"
    request = request.model_copy(update={"engine": "auto"})
    return Pair(request=request, sql=list(answer.answer.sql), source=f"synth:{context.key()}"), "ok"
