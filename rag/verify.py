"""Checking what a model wrote against the cited passages before the user sees it.

A sentence passes when every service it names appears in the cited passages (or is the
decided answer), it does not recommend a service other than the decided one, its content
words are mostly found in the passages (English), and it is not a repeat.
"""

from __future__ import annotations

import re

from studyrag.rag.catalog import Catalog
from studyrag.rag.english import ordinary

STOP = set(
    "the a an and or of to in on for with by from at as is are was were be been being it its this that these those "
    "you your they their them we our can could should would will may might must not no yes than then so such "
    "which what when where who whom why how also only just more most very into over under about because while "
    "does do did has have had use used using uses one two each any all both either other".split()
)
RECOMMEND_RE = re.compile(r"\b(?:use|choose|pick|select|best|answer|correct|should|recommend(?:ed)?|ideal|right)\b|應|選|最適合|答案", re.I)
NEGATION_RE = re.compile(r"\b(?:not|never|unlike|instead of|rather than|isn't|doesn't|wrong|trap|distractor)\b|不|而非", re.I)
# A sentence ends at . ! ? followed by whitespace, citation markers or the end of the text,
# but a "." right after a digit ends one only once whitespace follows, so a streamed
# "1.5 GB" or "Qwen2.5" is not cut at "1."; CJK full stops end one wherever they are.
# A closing quote or bracket after the stop belongs to the sentence ('… is called a "sere."').
CLOSE = "[\"'”’»)」』]*"
SENT_END_RE = re.compile(
    rf"[.!?]{CLOSE}(?:\s*\[\d+\])+(?=\s*$)|[.!?]{CLOSE}(?:\s*\[\d+\])*(?=\s)|(?:(?<!\d)\.|[!?]){CLOSE}$"
    rf"|[。！？]{CLOSE}(?:\s*\[\d+\])*")
# A draft that ends a sentence (the stream ended without more text).
ENDS_RE = re.compile(rf"[.!?。！？]{CLOSE}\s*$")
MARKER_RE = re.compile(r"\s*\[\d+\]")
PASSAGE_SHARE = 1 / 3


def content_words(text: str) -> list[str]:
    return [w[:6] for w in re.findall(r"[a-z][a-z0-9\-]{3,}", text.lower()) if w not in STOP]


def check_sentence(
    sentence: str, passages: str, answer_services: tuple[str, ...], catalog: Catalog,
    seen: list[str], forbidden: list[str] = (), question: str = "",
) -> str | None:
    """None when the sentence may be shown, else the reason it may not.

    The question's own words and services count as supported: an explanation that ties the
    user's situation ("300,000 product images", "stored in Amazon S3") to the passage is not
    inventing anything, and it may still not recommend a service other than the answer."""
    s = MARKER_RE.sub("", sentence).strip()
    if not s:
        return "empty"
    if len(s) > 450:
        return "too long"
    if s.endswith(("?", "？")):
        return "a question, not an explanation"
    norm = re.sub(r"\W+", " ", s.lower()).strip()
    if any(norm == re.sub(r"\W+", " ", x.lower()).strip() for x in seen):
        return "repetition"
    if re.search(r"\b(\w+(?:\W+\w+){0,2})(?:\W+\1\b){3,}", s, re.I):  # a word or short phrase looping
        return "repetition"
    for f in forbidden:
        if f and (f.lower() in s.lower() or len(norm) >= 20 and norm in re.sub(r"\W+", " ", f.lower())):
            return "echoes the instructions"
    answer = {catalog.core(a) for a in answer_services}
    in_passages = {x.core for x in catalog.find(passages + "\n" + question)}
    for svc in _named(s, catalog):
        if svc.generic or svc.core in answer:
            continue
        if svc.core not in in_passages:
            return f"names {svc.name}, which the cited passages do not"
        if RECOMMEND_RE.search(s) and not _negated(s, svc, catalog):
            return f"recommends {svc.name}, not the answer"
    words = content_words(s)
    if len(words) >= 3:  # CJK sentences have few such words; the service check above still ran
        named = {w for a in answer_services for w in content_words(a)}
        cited = set(content_words(passages)) | named
        asked = set(content_words(question))
        support = sum(w in cited or w in asked for w in words) / len(words)
        from_passages = sum(w in cited for w in words) / len(words)
        # Half its words from the passages or the question, and a third from the passages
        # alone: restating the question is not an explanation.
        if support < 0.5 or from_passages < PASSAGE_SHARE:
            return f"only {from_passages:.0%} of its words are in the cited passages"
    return None


def _named(sentence: str, catalog: Catalog) -> list:
    """The things a sentence names. A one-word name written in lower case that is an everyday
    English word is that word, not the thing: "efficient batch processing" does not name a
    thing called "Processing".

    >>> from studyrag.rag.catalog import Service
    >>> c = Catalog([Service("Processing", "processing", True, {"Processing"})], text="Processing runs jobs.")
    >>> [x.name for x in _named("batch processing of data", c)], [x.name for x in _named("Processing runs", c)]
    ([], ['Processing'])
    """
    out = []
    for start, end, svc in catalog.spans(sentence):
        said = sentence[start:end]
        if said.islower() and " " not in said.strip() and ordinary(said):
            continue
        if svc not in out:
            out.append(svc)
    return out


def split_sentences(text: str) -> tuple[list[str], str]:
    """Complete sentences and the unfinished rest.

    >>> split_sentences("One. Two! Thr")
    (['One.', 'Two!'], 'Thr')
    """
    done, pos = [], 0
    for m in SENT_END_RE.finditer(text):
        if text[pos:m.end()].strip():
            done.append(text[pos:m.end()].strip())
        pos = m.end()
    return done, text[pos:].lstrip()


# "not X", "unlike X", "X rather than"... : the negation must be about the service itself;
# "Use Canvas, not Ground Truth" still recommends Canvas.
NEG_BEFORE_RE = re.compile(
    r"\b(?:not|never|unlike|instead of|rather than|than|over|nor|versus|vs\.?|(?:is|does)n[’']t|wrong)\s+(?:\w+\s+){0,2}$", re.I)
NEG_AFTER_RE = re.compile(
    r"^\W*(?:\([^)]*\)\s*)?(?:(?:is|are|was|would be|does|do|will|would|should)\s+(?:not|never)\b|"
    r"(?:is|are|was|does|do|wo|would|should)n[’']t\b|(?:is|are|would be)\s+(?:a |the )?(?:wrong|trap|distractor))", re.I)
CJK_RE = re.compile(r"[\u3400-\u9fff]")


def _negated(s: str, svc, catalog: Catalog) -> bool:
    """Whether every mention of ``svc`` in ``s`` is negated ("not X", "X is not ...")."""
    if CJK_RE.search(s):
        return bool(NEGATION_RE.search(s))  # Chinese word order: keep the sentence-level check
    spans = [(a, b) for a, b, x in catalog.spans(s) if x is svc]
    return bool(spans) and all(NEG_BEFORE_RE.search(s[:a]) or NEG_AFTER_RE.search(s[b:]) for a, b in spans)
