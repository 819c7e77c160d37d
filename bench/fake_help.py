"""The fake platform's answers to the help prompts: `calendy synth docs` and POST /v1/help.

Questions are built from the chunk's heading, answers copy the chunk's (or the first retrieved
section's) first sentence and link, every grounding check passes, negatives come from a pool.
"""

import re
from typing import Any

_NEGATIVES = {
    "Korean": ["주식 시세 알려줘", "내일 날씨 어때?", "맛집 추천해줘", "환율이 얼마야?", "영화 추천해줘"],
    "English": ["What is the gold price?", "Will it rain tomorrow?", "Recommend a restaurant", "Tell me a joke"],
}


# The first retrieved section of a /v1/help prompt: heading, link, body up to the next one.
_SECTION = re.compile(r"^### (?P<title>.+)\nLink: (?P<url>\S+)\n(?P<body>(?:.|\n)*?)(?=\n### |\n\nQuestion:)", re.M)


def _first_sentence(text: str) -> str:
    body = " ".join(line.strip() for line in text.splitlines() if line.strip() and not line.startswith(("#", "-")))
    return re.split(r"(?<=[.다])\s", body, maxsplit=1)[0].strip()


def help_answer(messages: list[dict[str, Any]]) -> tuple[str, str] | None:
    """(kind, text) for a help prompt, or None when the messages are not one."""
    system, last = str(messages[0]["content"]), str(messages[-1]["content"])
    # /v1/help sends a system prompt; synth's answer prompt (one user message) starts the same way.
    if messages[0].get("role") == "system" and system.startswith("You are Calendy's support assistant"):
        match = _SECTION.search(last)
        if match is None:
            return "help", "NOT_COVERED"
        return "help", f"{_first_sentence(match['body'])} [{match['title']}]({match['url']})"
    chunk = last.split("Part of the guide:\n", 1)[-1].split("\n\nQuestion:")[0]
    if last.startswith("You help build") and "questions in" in last and "does NOT answer" in last:
        language = "Korean" if "questions in Korean" in last else "English"
        count = int(re.search(r"Write (\d+) questions", last)[1])  # type: ignore[index]
        return "help_negatives", "\n".join(_NEGATIVES[language][:count])
    if "different questions" in last:
        title = chunk.splitlines()[0]
        if "in Korean" in last:
            return "help_questions", f"{title}은 어떻게 돼?\n{title}에 대해 알려줘\n{title} 설명해줘"
        return "help_questions", f"How does {title} work?\nTell me about {title}\nWhat should I know about {title}?"
    if last.startswith("You are Calendy's support assistant"):  # the answer from one chunk
        link = re.search(r"exactly: (\[.*\]\(.*\))", last)
        body = chunk.split("\n\n", 1)[-1]
        return "help_answer", f"{_first_sentence(body)} {link[1] if link else ''}".strip()
    if last.startswith("You check answers"):
        return "help_grounding", "GROUNDED"
    return None
