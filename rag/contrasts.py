"""The comparisons the material draws itself: "X vs Y" lines and "X vs Y" sections.

A comparison question that does not name its sides ("what separates the two lock modes?",
"how do the two kinds of mistake a test can make differ?") is answered from the material's
own comparison that comes closest to it in meaning, quoted.

>>> vs_line("- **Pooled t vs Welch t**: equal variances assumed vs not assumed.")
'Pooled t vs Welch t'
>>> vs_line("Hot site versus cold site — how fast you are back.")
'Hot site versus cold site'
>>> vs_line("Both serve Linux clients.") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

VS_RE = re.compile(r"\bvs\.?(?=\s)|\bversus\b", re.I)
_SIDE = r"(?:\*\*)?([^\s*:|][^:|]{0,58}?)(?:\*\*)?"
VS_LINE_RE = re.compile(
    rf"^[\s\-*•>#]*{_SIDE}\s+(?:vs\.?|versus)\s+{_SIDE}(?:\s*[:(]|\s+[-–—]\s|\s*$)", re.I)
SECTION_SENTENCES = 5  # a comparison section's opening sentences say what separates the sides


@dataclass(frozen=True)
class Contrast:
    label: str  # the material's own words for it: "Pooled t vs Welch t"
    sentences: tuple[int, ...]  # indexes into Knowledge.sentences, in source order
    context: str = ""  # the heading it stands under or follows: what the two sides are of
    body: tuple[int, ...] = ()  # a section's every sentence (``sentences`` are its opening ones)

    def text(self, sentence_texts: list[str]) -> str:
        """What is embedded: where it stands, the label and the sentences that draw it."""
        body = " ".join(sentence_texts[i] for i in self.sentences)
        said = body if self.label in body[:80] else f"{self.label}. {body}"
        return f"{self.context}: {said}" if self.context else said


def vs_line(text: str) -> str | None:
    """'A vs B' when the text opens by setting two sides against each other, else None."""
    m = VS_LINE_RE.match(text)
    if not m:
        return None
    sides = [re.sub(r"\*+", "", m.group(g)).strip() for g in (1, 2)]
    return f"{sides[0]} {VS_RE.search(text[m.start(1):]).group(0)} {sides[1]}"


def collect(sentences, chunks) -> list[Contrast]:
    """Every "X vs Y" line (a sentence of its own) and every "X vs Y" section (its opening
    sentences that are not such lines themselves: a summary section of "X vs Y" lines is
    those lines, not one comparison)."""
    out: list[Contrast] = []
    by_section: dict[tuple, list[int]] = {}
    for i, s in enumerate(sentences):
        label = vs_line(s.text)
        if label:
            out.append(Contrast(label, (i,), _context(chunks, s.row)))
            continue
        chunk = chunks[s.row]
        if chunk.section and VS_RE.search(chunk.section[-1]):
            by_section.setdefault((chunk.source, chunk.section), []).append(i)
    for (_source, section), idx in by_section.items():
        row = sentences[idx[0]].row
        out.append(Contrast(section[-1].strip(), tuple(idx[:SECTION_SENTENCES]), _context(chunks, row), tuple(idx)))
    return out


def side_runs(body: tuple[int, ...], leads, sides: int) -> list[list[int]]:
    """Each side's run of a comparison section's sentences: from the sentence that opens with
    that side to the one that opens with the next ("Green tea is heated soon after picking …
    It is brewed cooler …", then "Black tea is rolled … It is brewed with boiling water …").
    ``leads(i)``: the side sentence ``i`` opens with, as an index into the sides, or None.

    >>> side_runs((10, 11, 12, 13, 14), {10: 0, 13: 1}.get, 2)
    [[10, 11, 12], [13, 14]]
    >>> side_runs((10, 11), {10: 0}.get, 2)
    [[10, 11], []]
    """
    runs: dict[int, list[int]] = {}
    current = None
    for i in body:
        side = leads(i)
        if side is not None and side not in runs:
            current = side
            runs[current] = []
        elif side is not None and side != current:
            current = None  # a later mention of a side already described: not its run
        if current is not None:
            runs[current].append(i)
    return [runs.get(s, []) for s in range(sides)]


def _context(chunks, row: int) -> str:
    """The heading above a comparison: its parent heading, or, in a text whose headings are
    not nested, the nearest earlier section's that is not a comparison itself."""
    section = chunks[row].section
    if len(section) > 1:
        return section[-2]
    for prev in range(row - 1, -1, -1):
        c = chunks[prev]
        if c.source != chunks[row].source:
            break
        if c.section and c.section != section and not VS_RE.search(c.section[-1]):
            return c.section[-1]
    return ""


def closest(contrasts: list[Contrast], vecs: np.ndarray, qvec: np.ndarray, best_sentence: float,
            ratio: float) -> Contrast | None:
    """The contrast nearest the question, when it comes within ``ratio`` of the closest single
    sentence of the material (the question is about that comparison, not merely near it)."""
    if not contrasts:
        return None
    sims = vecs @ qvec
    top = int(np.argmax(sims))
    return contrasts[top] if sims[top] >= ratio * best_sentence else None
