"""The two sides a comparison question asks about, read from its words when the material
has no name for them ("Incremental or differential backups — which restores faster?").

>>> sides_asked("Incremental or differential backups — which one restores faster, and why?")
['Incremental', 'differential backups']
>>> sides_asked("RPO vs RTO — what's the actual difference between them?")
['RPO', 'RTO']
>>> sides_asked("What is the difference between a hot site and a cold site?")
['hot site', 'cold site']
>>> sides_asked("Symmetric or asymmetric encryption for encrypting a big batch of data?")
['Symmetric', 'asymmetric encryption']
>>> sides_asked("How do the roles of hot and cold sites differ?")
['hot', 'cold sites']
>>> sides_asked("green tea and oolong differ?")
['green tea', 'oolong']
>>> sides_asked("In a café or at home, beans go stale. What is this called?")  # a scene, not sides
[]
>>> sides_asked("Which port does SSH use?")
[]
>>> sides_asked("For a bulk job, how big is the discount versus on-demand?")  # a fact, not a comparison
[]

A side may be described instead of named ("the service that reads text aloud"): then each
description is answered like a which-question (``described_sides``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

_PREPOSITION = r"(?:in|on|at|during|after|before|when|if|while|with|without|under|from|by|for)\b"
_SIDE = r"(?:(?:a|an|the)\s+)?([\w][\w\-/.+]*(?:\s+[\w][\w\-/.+]*){0,3}?)"
_PATTERNS = [
    re.compile(rf"\bdifferences?\s+between\s+{_SIDE}\s+and\s+{_SIDE}\s*(?:[?.,;:—–]|\s+(?:in|when|for)\b|$)", re.I),
    re.compile(rf"\bhow\s+(?:do|does)\s+(?:the\s+\w+\s+of\s+)?{_SIDE}\s+and\s+{_SIDE}\s+differ\b", re.I),
    re.compile(rf"^\s*{_SIDE}\s+(?:vs\.?|versus)\s+{_SIDE}\s*(?:[?.,;:—–]|\s+(?:in|when|for)\b|$)", re.I),
    # "Lists and tuples differ how?", and a Chinese "串列跟元組差在哪？" read word by word
    re.compile(rf"^\s*{_SIDE}\s+and\s+{_SIDE}\s+(?:really\s+|actually\s+)?differ\b", re.I),
    # "In a café or at home, how long do beans keep …" sets a scene: a side is never
    # a phrase that opens with a preposition.
    re.compile(rf"^\s*(?:should\s+(?:i|we)\s+(?:use|pick|choose)\s+)?(?!{_PREPOSITION})"
               rf"{_SIDE}\s+or\s+{_SIDE}\s*(?:[?,;:—–]|\s+(?:for|when|if|to)\b)", re.I),
]
_STOP = {"a", "an", "the", "which", "what", "is", "are", "should", "i", "we", "use", "one"}


def sides_asked(text: str) -> list[str]:
    """The two compared phrases, as written, or [] when the question compares nothing."""
    for pattern in _PATTERNS:
        m = pattern.search(text)
        if m:
            sides = [m.group(1).strip(), m.group(2).strip()]
            if all(s and s.lower() not in _STOP for s in sides) and sides[0].lower() != sides[1].lower():
                return sides
    return []


@dataclass(frozen=True)
class TextSide:
    """A compared side the material names no thing for, found by the words that tell it
    from the other side ("differential" in "differential backups")."""

    name: str
    words: tuple[str, ...]

    @cached_property  # searched once per sentence of the material
    def pattern(self) -> re.Pattern:
        return re.compile(r"(?<![\w\-])" + r"\W+".join(map(re.escape, self.words)) + r"\w{0,3}(?![\w\-])", re.I)

    def leads(self, text: str) -> bool:
        """The text is about this side: a line, cell or definition that opens with its words."""
        return bool(self.pattern.match(re.sub(r"^[\s|*•\-#>⚠]+", "", text)))


def compare_sides(catalog, texts: list[str], question: str) -> list:
    """The two sides of a comparison question: things of the catalog where it names them,
    else TextSides whose words the material uses; [] when the question compares nothing the
    material teaches."""
    from studyrag.rag.signals import resolve_loose

    asked = sides_asked(question)
    out: list = []
    for side, other in zip(asked, asked[::-1]):
        found = [s for s in catalog.find(side) if not s.generic] or resolve_loose(side, catalog)
        if found:
            out.append(found[0])
            continue
        text_side = TextSide(side, key_words(side, other))
        if not text_side.words or not any(text_side.pattern.search(t) for t in texts):
            return []
        out.append(text_side)
    return out if len(out) == 2 and out[0] != out[1] else []


def key_words(side: str, other: str) -> tuple[str, ...]:
    """The words that tell one side from the other: 'hot site' vs 'cold site' -> ('hot',);
    'Incremental' vs 'differential backups' -> ('incremental',) and ('differential',).

    >>> key_words("differential backups", "Incremental"), key_words("hot site", "cold site")
    (('differential',), ('hot',))
    """
    mine = [w.lower() for w in re.findall(r"[\w\-]+", side) if w.lower() not in _STOP]
    theirs = {w.lower() for w in re.findall(r"[\w\-]+", other)}
    if len(theirs) <= 1 or mine[-1:] and mine[-1] in theirs:
        return tuple(mine[:1])  # the shared noun ("backups", "site") does not tell them apart
    return tuple(w for w in mine if w not in theirs) or tuple(mine)


# Where described sides stand: "between <A> and <B>", "how do <A> and <B> differ", "two
# things I mix up: <A>, and <B>", "should we use <A> or <B>?".
_DESCRIBED = [
    (re.compile(r"\bbetween\s+(.{6,200}?)\s*(?:[?;]|[.!]\s|\s[—–]\s|$)", re.I), "and"),
    (re.compile(r"\bhow\s+(?:do|does|are|is)\s+(.{6,200}?)\s+(?:differ|different)\b", re.I), "and"),
    (re.compile(r"(?:confus\w*|mix\w*\s+up|tell\s+apart)\b[^:?]{0,80}:\s*(.{6,200}?)\s*(?:[?.]\s|[?.]$|$)", re.I), "and"),
    (re.compile(r"^\s*(?:should|do|would|can)\s+(?:we|i|they)\s+(?:use|pick|choose|go\s+with)\s+(.{6,200}?)\s*\?", re.I), "or"),
]
MAX_SPLITS = 3


def described_pairs(text: str) -> list[tuple[str, str]]:
    """Ways to cut a comparison's described sides in two, at each "and"/"or" in turn.

    >>> described_pairs("How do the service that reads text aloud and the one that transcribes calls differ?")
    [('the service that reads text aloud', 'the one that transcribes calls')]
    >>> described_pairs("Which service reads text aloud?")
    []
    """
    for pattern, joiner in _DESCRIBED:
        m = pattern.search(text)
        if not m:
            continue
        rest = m.group(1)
        cuts = [c for c in re.finditer(rf",?\s+{joiner}\s+", rest)][:MAX_SPLITS]
        pairs = [(rest[:c.start()].strip(" ,"), rest[c.end():].strip(" ,")) for c in cuts]
        pairs = [(a, b) for a, b in pairs if len(a.split()) >= 2 and len(b.split()) >= 2]
        if pairs:
            return pairs
    return []


def described_sides(knowledge, question: str) -> list:
    """The two things a comparison describes without naming them, each decided from its own
    words as a which-question would be; [] unless both are things the material teaches, and
    differ, and each description is close enough to the material to answer it."""
    best, best_score = [], 0.0
    for pair in described_pairs(question):
        sides = [_decided(knowledge, text) for text in pair]
        if all(sides) and sides[0][0] != sides[1][0] and min(x[1] for x in sides) > best_score:
            best, best_score = [x[0] for x in sides], min(x[1] for x in sides)
    return best


def _decided(knowledge, text: str):
    """(the thing a description decides, how confidently), or None."""
    from studyrag.rag.decide import decide_question
    from studyrag.rag.scope import relevance

    named = [s for s in knowledge.catalog.find(text) if not s.generic]
    if len(named) == 1:
        return named[0], float("inf")
    hits = knowledge.retriever.search(text, k=6)
    _situation, _vec, decision = decide_question(knowledge, text, hits)
    if decision is None or len(decision.services) != 1:
        return None
    score = relevance(hits) + decision.score
    # A short description scores under a whole scenario: closeness alone, or the decision with it.
    least_relevance, least_score = knowledge.calibration.description_floors
    if relevance(hits) < least_relevance and score < least_score:
        return None
    thing = knowledge.catalog.get(decision.services[0])
    return (thing, score) if thing is not None else None


def owned(catalog, text: str) -> set[str]:
    """Things the text names only as the owner of the next one ("kiln" in "the kiln's damper setting"):
    what is asked about is the owned thing, not the two side by side.

    >>> from studyrag.rag.catalog import Catalog, Service
    >>> cat = Catalog([Service("Kiln", "kiln", True, {"Kiln"}), Service("Damper", "damper", True, {"Damper"})])
    >>> sorted(owned(cat, "In the kiln's damper setting, what changes?")), sorted(owned(cat, "kiln vs damper"))
    (['Kiln'], [])
    """
    spans = [sp for sp in catalog.spans(text) if not sp[2].generic]
    return {a[2].name for a, b in zip(spans, spans[1:])
            if re.fullmatch(r"['’]s\s+", text[a[1]:b[0]]) and a[2] is not b[2]}

