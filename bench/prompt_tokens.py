"""Prompt tokens per request, counted offline, and the share that is a byte-identical prefix."""

import argparse
import json
import random
from typing import Any

from bpe_openai import get_encoding

from app.llm.exemplars import load_exemplars
from app.llm.messages import build_messages, build_static_prefix
from app.llm.prompt_records import select_records
from app.llm.prompts import load_prompts
from app.schemas import SqlRequest
from app.settings import PROJECT_ROOT
from bench._common import command_line, machine

SIZES = (10, 100, 1000, 10_000)
WORDS = [
    "과제",
    "회의",
    "운동",
    "장보기",
    "독서",
    "세미나",
    "스터디",
    "빨래",
    "병원",
    "면접",
    "Report",
    "Gym",
    "Call mom",
]
# Chat formatting adds a few tokens per message (role and separators), as OpenAI's cookbook counts them.
PER_MESSAGE, PER_REPLY = 3, 3


def make_request(records: int, *, seed: int, prompt: str, now: str) -> SqlRequest:
    """A user with `records` plans (two thirds todos) and four categories."""
    rng = random.Random(seed)
    todos, schedules = [], []
    for i in range(1, records + 1):
        title = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i % 97}"
        day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if i % 3:
            todos.append({"id": i, "title": title, "due_time": f"{day} 23:59:59", "category_id": rng.randint(1, 4)})
        else:
            schedules.append({"id": i, "title": title, "start_time": f"{day} 10:00:00", "end_time": f"{day} 11:00:00"})
    categories = [{"id": n, "title": t} for n, t in enumerate(["과제", "운동", "회사", "Personal"], 1)]
    return SqlRequest.model_validate(
        {"prompt": prompt, "now": now, "categories": categories, "todos": todos, "schedules": schedules}
    )


def count_tokens(messages: list[dict[str, Any]], encoding: Any) -> int:
    """Prompt tokens of a chat request."""
    return sum(PER_MESSAGE + len(encoding.encode(m["content"])) for m in messages) + PER_REPLY


def common_prefix_bytes(a: bytes, b: bytes) -> int:
    """Length of the longest common byte prefix."""
    limit = min(len(a), len(b))
    index = 0
    while index < limit and a[index] == b[index]:
        index += 1
    return index


def measure(*, records: int, budget: int, exemplars: bool, encoding: Any) -> dict[str, Any]:
    """Tokens of two different requests of one size, and the byte-identical prefix they share."""
    templates = load_prompts(PROJECT_ROOT / "prompts")
    prefix = build_static_prefix(
        templates=templates, exemplars=load_exemplars(PROJECT_ROOT / "exemplars") if exemplars else []
    )
    bodies, tokens = [], []
    for seed, prompt, now in (
        (1, "회의 과제 12 삭제해줘", "2024-03-04 09:00:00"),
        (2, "Move Gym 40 to Friday", "2024-05-06 18:30:00"),
    ):
        request = make_request(records, seed=seed, prompt=prompt, now=now)
        chosen = select_records(request=request, budget=budget)
        messages = build_messages(
            prefix=prefix, templates=templates, now=request.now, records=chosen, history=[], prompt=request.prompt
        )
        tokens.append(count_tokens(messages, encoding))
        bodies.append(
            json.dumps({"model": "gpt-4o", "messages": messages, "temperature": 0}, ensure_ascii=False).encode()
        )
    shared = common_prefix_bytes(*bodies)
    return {
        "records": records,
        "exemplars": exemplars,
        "prompt_tokens": tokens,
        "static_prefix_tokens": count_tokens(prefix, encoding) - PER_REPLY,
        "body_bytes": [len(b) for b in bodies],
        "identical_prefix_share": round(shared / max(len(b) for b in bodies), 4),
    }


def main() -> None:
    """Print the table for 10 / 100 / 1,000 / 10,000 records, with and without exemplars."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--budget", type=int, default=40, help="CALENDY_PROMPT_TITLE_BUDGET")
    parser.add_argument("--encoding", default="o200k_base", help="o200k_base (GPT-4o) or cl100k_base (GPT-4)")
    parser.add_argument("--json", dest="json_out", help="write the figures here")
    args = parser.parse_args()
    encoding = get_encoding(args.encoding)
    rows = [
        measure(records=n, budget=args.budget, exemplars=ex, encoding=encoding) for ex in (True, False) for n in SIZES
    ]
    print(f"$ {command_line()}")
    print(f"encoding {args.encoding}, title budget {args.budget}\n")
    print("| exemplars | records | prompt tokens (2 requests) | static prefix tokens | identical byte prefix |")
    print("|---|---:|---|---:|---:|")
    for r in rows:
        tokens = " / ".join(str(t) for t in r["prompt_tokens"])
        print(f"| {'yes' if r['exemplars'] else 'no'} | {r['records']:,} | {tokens} | {r['static_prefix_tokens']} | "
              f"{r['identical_prefix_share']:.1%} |")  # fmt: skip
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as handle:
            json.dump(
                {"machine": machine(), "budget": args.budget, "encoding": args.encoding, "rows": rows}, handle, indent=2
            )


if __name__ == "__main__":
    main()
