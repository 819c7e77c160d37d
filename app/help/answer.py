"""The help model's prompt from retrieved sections, and its reply checked: abstention, links."""

import re
from collections.abc import Container
from dataclasses import dataclass, field
from string import Template
from urllib.parse import urlsplit

from app.help.guide import Section
from app.llm.prompts import render

# What the help prompt tells the model to answer when the sections do not cover the question.
NOT_COVERED = "NOT_COVERED"
_MARKDOWN_LINK = re.compile(r"\[(?P<text>[^\]\n]*)\]\((?P<url>[^)\s]*)\)")
# Bare links: absolute URLs, and paths into the served docs; trailing punctuation is not the link's.
_BARE_LINK = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]]+|/docs/[^\s<>()\[\]]+")
_TRAILING = ".,;:!?'\"。、"
_LINK = re.compile(f"{_MARKDOWN_LINK.pattern}|{_BARE_LINK.pattern}")


@dataclass
class CheckedReply:
    """The model's answer with every link checked: the served ones cited, the others stripped."""

    text: str
    abstained: bool
    cited: list[str] = field(default_factory=list)
    stripped: list[str] = field(default_factory=list)


def help_messages(*, system: Template, user: Template, sections: list[Section], question: str) -> list[dict[str, str]]:
    """The chat messages: the help instructions, then the retrieved sections and the question."""
    blocks = "\n\n".join(f"### {s.title}\nLink: {s.url}\n{s.body}" for s in sections)
    return [
        {"role": "system", "content": render(system)},
        {"role": "user", "content": render(user, sections=blocks, question=question)},
    ]


def _served(url: str, served: Container[str]) -> str | None:
    """The served section `url` points at (as its relative link), or None."""
    parts = urlsplit(url if "://" in url or url.startswith("/") else f"//{url}")
    relative = f"{parts.path}#{parts.fragment}" if parts.fragment else parts.path
    return relative if relative in served else None


def check_reply(*, text: str, served: Container[str]) -> CheckedReply:
    """Abstain on NOT_COVERED or an empty answer; keep links to served sections, strip every other."""
    if NOT_COVERED in text or not text.strip():
        return CheckedReply(text="", abstained=True)
    reply = CheckedReply(text="", abstained=False)

    def keep(url: str) -> str | None:
        target = _served(url, served)
        if target is None:
            reply.stripped.append(url)
        elif target not in reply.cited:
            reply.cited.append(target)
        return target

    def replace(match: re.Match[str]) -> str:
        if match["url"] is not None:  # a Markdown link: an invented one keeps its text only
            target = keep(match["url"])
            return f"[{match['text']}]({target})" if target else match["text"]
        url = match[0].rstrip(_TRAILING)
        return (keep(url) or "") + match[0][len(url) :]

    reply.text = re.sub(r"[ \t]+\n", "\n", _LINK.sub(replace, text)).strip()
    if not reply.text:
        reply.abstained = True
    return reply
