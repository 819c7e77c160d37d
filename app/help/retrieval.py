"""BM25 (bm25s) over the guide's sections, with tokens that work for Korean and English."""

import re
from dataclasses import dataclass

import bm25s
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from app.help.guide import Section

_WORD = re.compile(r"[0-9a-z]+|[가-힣]+")
_HANGUL = re.compile(r"[가-힣]")
_STOPWORDS = frozenset(STOPWORDS_EN) | {"does", "do", "how", "what", "can", "about", "me"}
# English words by their Snowball stem, so "briefings" finds "briefing" and "deleted" finds "delete".
_STEMMER = Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lowercased words; English ones stemmed, Korean ones as character bigrams (particles glue onto stems)."""
    tokens: list[str] = []
    for word in _WORD.findall(text.lower()):
        if _HANGUL.match(word) and len(word) > 1:
            tokens.extend(word[i : i + 2] for i in range(len(word) - 1))
        elif word not in _STOPWORDS:
            tokens.append(_STEMMER.stemWord(word))
    return tokens


@dataclass
class SectionIndex:
    """A BM25 index of sections; `search` gives the best ones with their scores."""

    sections: list[Section]
    retriever: bm25s.BM25

    @classmethod
    def build(cls, sections: list[Section]) -> "SectionIndex":
        """Index each section's title and body."""
        retriever = bm25s.BM25()
        retriever.index([tokenize(f"{s.title}\n{s.body}") for s in sections], show_progress=False)
        return cls(sections=sections, retriever=retriever)

    def search(self, query: str, *, k: int = 3) -> list[tuple[Section, float]]:
        """The k best sections with a positive score, best first."""
        tokens = tokenize(query)
        if not tokens:
            return []
        scores = self.retriever.get_scores(tokens)
        ranked = sorted(zip(self.sections, (float(s) for s in scores), strict=True), key=lambda p: -p[1])
        return [(section, score) for section, score in ranked[:k] if score > 0]
