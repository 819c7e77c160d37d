"""Documentation split by headings into chunks within a token budget, each with its section link."""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from app.training.export import text_tokens

_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<title>.+?)(?:\s*\{#(?P<slug>[a-z0-9-]+)\})?\s*$")
_LOCALE = re.compile(r"\.(?P<locale>ko|en)\.md$")
_HANGUL = re.compile(r"[가-힣]")
DEFAULT_BUDGET = 400


@dataclass(frozen=True)
class Chunk:
    """A piece of one section: its text (headings included), locale and the served section's link."""

    id: str
    locale: str
    title: str
    url: str | None
    text: str

    @property
    def key(self) -> str:
        """What makes a chunk the same across runs: its text (an edited chunk is asked again)."""
        return hashlib.sha256(f"{self.url}\n{self.text}".encode()).hexdigest()[:16]


def file_locale(path: Path, text: str) -> str:
    """`ko` or `en`: from the file name (user-guide.ko.md), else from the text."""
    match = _LOCALE.search(path.name)
    if match:
        return match["locale"]
    return "ko" if _HANGUL.search(text) else "en"


def _pieces(body: str, budget: int) -> list[str]:
    """Paragraphs packed greedily up to the budget; a paragraph over it is cut at line ends."""
    pieces: list[str] = []
    current = ""
    for paragraph in [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]:
        units = [paragraph] if text_tokens(paragraph) <= budget else paragraph.splitlines()
        for unit in units:
            joined = f"{current}\n\n{unit}" if current else unit
            if current and text_tokens(joined) > budget:
                pieces.append(current)
                joined = unit
            current = joined
    if current:
        pieces.append(current)
    return pieces


def chunk_markdown(*, text: str, locale: str, budget: int = DEFAULT_BUDGET, served: bool = True) -> list[Chunk]:
    """Chunks of a Markdown file: one per heading block, split further when over `budget` tokens.

    A `## Title {#slug}` heading names the section; with `served`, chunks link to
    /docs/guide/{locale}#{slug} (the file is the served user guide).
    """
    blocks: list[tuple[str, str | None, list[str]]] = []  # (heading path, section slug, lines)
    path: dict[int, str] = {}
    slug: str | None = None
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match is None:
            if blocks:
                blocks[-1][2].append(line)
            continue
        level = len(match["level"])
        path = {lvl: title for lvl, title in path.items() if lvl < level} | {level: match["title"]}
        if level <= 2:
            slug = match["slug"]
        blocks.append((" > ".join(path[lvl] for lvl in sorted(path) if lvl > 1) or match["title"], slug, []))
    chunks: list[Chunk] = []
    for heading, section, lines in blocks:
        body = "\n".join(lines).strip()
        if not body or section is None:
            continue  # the title block, or text outside any section, links nowhere
        url = f"/docs/guide/{locale}#{section}" if served else None
        for piece in _pieces(body, max(budget - text_tokens(heading) - 2, 50)):
            chunk_id = f"{locale}:{section}:{len(chunks)}"
            chunks.append(Chunk(id=chunk_id, locale=locale, title=heading, url=url, text=f"{heading}\n\n{piece}"))
    return chunks


def chunk_files(*, paths: list[Path], budget: int = DEFAULT_BUDGET, served_dir: Path | None = None) -> list[Chunk]:
    """Chunks of every file, in order; files in `served_dir` (the served guide) get section links."""
    chunks: list[Chunk] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        served = served_dir is not None and path.resolve().parent == served_dir.resolve()
        chunks.extend(chunk_markdown(text=text, locale=file_locale(path, text), budget=budget, served=served))
    return chunks
