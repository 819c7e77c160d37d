"""The user guide's Markdown split into anchored sections, and rendered as HTML."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt

# `## Title {#slug}`: explicit ids, so links stay the same across languages and edits of titles.
_HEADING = re.compile(r"^##\s+(?P<title>.+?)\s*\{#(?P<slug>[a-z0-9-]+)\}[ \t]*$", re.MULTILINE)
LOCALES = ("ko", "en")


@dataclass(frozen=True)
class Section:
    """One `##` section of the guide: its anchor, title and Markdown body."""

    locale: str
    slug: str
    title: str
    body: str

    @property
    def url(self) -> str:
        """The section's link in the served guide."""
        return f"/docs/guide/{self.locale}#{self.slug}"


def split_sections(*, text: str, locale: str) -> list[Section]:
    """The `## … {#slug}` sections of a guide, in order."""
    sections: list[Section] = []
    current: tuple[str, str] | None = None
    lines: list[str] = []
    for line in [*text.splitlines(), "## end {#end}"]:
        match = _HEADING.match(line)
        if match is None:
            lines.append(line)
            continue
        if current is not None:
            sections.append(Section(locale, current[0], current[1], "\n".join(lines).strip()))
        current, lines = (match["slug"], match["title"]), []
    return sections


def render_html(*, text: str, locale: str) -> str:
    """The guide as one HTML page with an `id` on each section heading."""
    md = MarkdownIt("commonmark")
    tokens = md.parse(_HEADING.sub(lambda m: f"## {m['title']}", text).replace("\r", ""))
    slugs = iter(section.slug for section in split_sections(text=text, locale=locale))
    for token in tokens:
        if token.type == "heading_open" and token.tag == "h2":
            token.attrSet("id", next(slugs))
    body = md.renderer.render(tokens, md.options, {})
    return (
        f'<!doctype html><html lang="{locale}"><meta charset="utf-8"><title>Calendy</title><body>{body}</body></html>'
    )


@cache
def load_guide(directory: Path) -> dict[str, tuple[str, list[Section]]]:
    """Each locale's guide text and sections, read once per process."""
    guides: dict[str, tuple[str, list[Section]]] = {}
    for locale in LOCALES:
        text = (directory / f"user-guide.{locale}.md").read_text(encoding="utf-8")
        guides[locale] = (text, split_sections(text=text, locale=locale))
    return guides


@cache
def guide_page(directory: Path, locale: str) -> str:
    """One locale's guide as its HTML page, rendered once per process from `load_guide`'s text."""
    return render_html(text=load_guide(directory)[locale][0], locale=locale)
