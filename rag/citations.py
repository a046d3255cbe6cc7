"""Numbered citations: every quote is the source text at [start:end], one number per span.

>>> from types import SimpleNamespace as NS
>>> k = NS(chunks=[NS(source="g.txt", heading="Intro")], text_of=lambda s: "Hello world. Bye.",
...        page_of=lambda source, start: None)
>>> c = Citations(k); c.add(0, 0, 12), c.add(0, 0, 12), c.list[0].quote
(1, 1, 'Hello world.')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from studyrag.rag.verify import MARKER_RE

if TYPE_CHECKING:
    from studyrag.rag.knowledge import Knowledge, Sentence


@dataclass
class Citation:
    id: int
    source: str
    section: str
    start: int
    end: int
    quote: str
    page: int | None = None  # page of the source where the quote starts (PDF), else None



class Citations:
    """Numbered citations; the same span cited twice keeps one number."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.k = knowledge
        self.list: list[Citation] = []
        self._by_span: dict[tuple[str, int, int], int] = {}

    def add(self, row: int, start: int, end: int) -> int:
        c = self.k.chunks[row]
        key = (c.source, start, end)
        if key not in self._by_span:
            n = len(self.list) + 1
            quote = self.k.text_of(c.source)[start:end]
            self.list.append(Citation(n, c.source, c.heading, start, end, quote, self.k.page_of(c.source, start)))
            self._by_span[key] = n
        return self._by_span[key]

    def add_sentence(self, s: Sentence) -> int:
        return self.add(s.row, s.start, s.end)

    def add_statement(self, st) -> int:
        return self.add(self.k.row_of[st.chunk_id], st.start, st.end)


def quoted(k: Knowledge, cites: "Citations", picked: list[int]) -> str:
    """The picked sentences, each with its citation marker: the passage of the first picked
    (the best) first, each passage's sentences in source order."""
    first = {}
    for j, i in enumerate(picked):
        first.setdefault(k.sentences[i].row, j)
    order = sorted(picked, key=lambda i: (first[k.sentences[i].row], k.sentences[i].start))
    return " ".join(f"{literal(k.sentences[i].text)} [{cites.add_sentence(k.sentences[i])}]" for i in order) + "\n"


LITERAL_MARK_RE = re.compile(r"\[(\d+)\]")


def literal(text: str) -> str:
    """Quoted text whose own "[3]" (code, a list's index) must not read as citation 3: a word
    joiner (U+2060, invisible) after the bracket keeps it from being taken for a marker.

    >>> literal("print(f([])) # [3]") == "print(f([])) # [\u20603]"
    True
    """
    return LITERAL_MARK_RE.sub("[\u2060\\1]", text)


def with_mark(sentence: str, mark: int) -> str:
    s = MARKER_RE.sub("", sentence).strip()
    return f"{s} [{mark}]"
