"""Candidate practice items from the material's own statements, lists and numbers.

Four kinds, one generator each:
  which    "X → Y", "use Y for X", scenarios with their answer: which entity fits X?
  compare  "Y vs Z — a vs b": which of the two is for a?
  define   a list of "Term — definition" bullets: which term is this definition?
  fact     a sentence with one number and unit: which value completes it?

Distractors are other answer entities (confusable ones first, then those whose roles are
closest to the item's situation, never one the material also points to for it), other
terms of the same list, or other values with the same unit. Candidates are not yet checked:
see check.py.
"""

from __future__ import annotations

import hashlib
import random
import re

import numpy as np

from studyrag.study import entities as ent
from studyrag.study.glossary import glossary
from studyrag.study.items import LETTERS, Cited, Item
from studyrag.study.phrases import say

# A distractor whose own role is this close to the item's situation could be right too.
TOO_CLOSE = 0.82
NUM_RE = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)*)\s?(%|percent\b|[KMGT]B\b|ms\b|milliseconds?\b|seconds?\b|minutes?\b|hours?\b|"
    r"days?\b|weeks?\b|months?\b|years?\b)", re.I)


def item_id(kind: str, cited: Cited, key: str) -> str:
    h = hashlib.sha256(f"{kind}\x1e{cited.source}:{cited.start}\x1e{key}".encode()).hexdigest()[:10]
    return f"{kind}-{h}"


def _options(key: str, distractors: list[str], rng: random.Random) -> tuple[dict[str, str], str]:
    texts = [key, *distractors]
    rng.shuffle(texts)
    return {LETTERS[i]: t for i, t in enumerate(texts)}, LETTERS[texts.index(key)]


def _rivals(knowledge, ents: ent.Entities, key: str, signal_row: int, exclude: set[str],
            rng: random.Random, first: list[str] = ()) -> list[str]:
    """Up to three distractors for ``key``: ``first``, confusable ones, then the closest roles."""
    vec = knowledge.signals.vectors[signal_row]
    best: dict[str, float] = {}
    for name in ents.names:
        if name == key or name in exclude or ents.overlapping(name, key):
            continue
        rows = [r.vector_row for r in ents.roles[name]]
        best[name] = float(np.max(knowledge.signals.vectors[rows] @ vec))
    fit = {n: s for n, s in best.items() if s < TOO_CLOSE}
    confusable = sorted(n for n in ents.confusable.get(key, ()) if n in fit and n not in first)
    rng.shuffle(confusable)
    rest = sorted((n for n in fit if n not in confusable and n not in first), key=lambda n: -fit[n])
    return [n for n in first if n in fit] + (confusable + rest)[: 3 - len([n for n in first if n in fit])]


def which_items(knowledge, ents: ent.Entities, seed: int = 0) -> list[Item]:
    """Items from the statements that point to exactly one answer entity."""
    out, seen = [], set()
    for row, st in enumerate(knowledge.signals.statements):
        if st.kind not in ent.ANSWER_KINDS or len(st.targets) != 1 or st.targets[0] not in ents.roles:
            continue
        key = st.targets[0]
        cited = ent.cited_of(knowledge, st.chunk_id, st.start, st.end)
        named = ent.names_in(knowledge, st.signal)
        if key not in ent.names_in(knowledge, cited.text) or key in named or len(st.signal) < 12:
            continue
        core = knowledge.catalog.get(key).core if knowledge.catalog.get(key) else key.lower()
        if core in st.signal.lower():
            continue  # "... or Bedrock Guardrails" would give the key away
        sides = _sides(knowledge, cited.text, key, ents)
        kind = "compare" if sides else "which"
        if (kind, st.signal.lower()) in seen:
            continue
        seen.add((kind, st.signal.lower()))
        rng = random.Random(f"{seed}:{cited.start}:{key}")
        rivals = _rivals(knowledge, ents, key, row, named, rng, first=sides)
        if len(rivals) < 2:
            continue
        options, letter = _options(key, rivals, rng)
        out.append(Item(item_id(kind, cited, key), kind, _stem(st, sides, key), options, letter,
                        ents.topic.get(key) or _section(cited), cited))
    return out


def _sides(knowledge, sentence: str, key: str, ents: ent.Entities) -> list[str]:
    """The other side(s) of an "X vs Y" sentence about ``key``, else []."""
    head = re.split(r"\s[—–]\s", sentence)[0]
    if not ent.VS_RE.search(head):
        return []
    return [n for n in ent.names_in(knowledge, head) if n != key and n in ents.roles]


# "For an exam question about X": the framing is no part of the situation.
FRAMING_RE = re.compile(r"^(?:for|on|in)\s+(?:an?\s+|the\s+)?(?:\w+\s+)?questions?\s+(?:about|on|that|where)\s+", re.I)


def _stem(st, sides: list[str], key: str) -> str:
    signal = FRAMING_RE.sub("", st.signal.strip().rstrip("."))
    if sides:
        pair = " vs ".join(sorted([key, *sides]))
        return say("compare", pair=pair, quote=signal)
    if st.kind == "scenario":
        return say("scenario", quote=signal)
    return say("asks" if signal.endswith("?") else "which", quote=signal)


def _section(cited: Cited) -> str:
    return cited.section.split(" > ")[0]


def define_items(knowledge, seed: int = 0) -> list[Item]:
    """Items from the material's lists of terms: which term does this definition describe?"""
    out = []
    for group, terms in glossary(knowledge).items():
        chunk = knowledge.chunks[knowledge.row_of[group.rsplit(":", 1)[0]]]
        for t in terms:
            definition = _first_sentence(re.sub(re.escape(t.term), "…", t.definition, flags=re.I))
            if len(definition) < 20:
                continue
            others = list(dict.fromkeys(x.term for x in terms if x.term.lower() != t.term.lower()))
            rng = random.Random(f"{seed}:{t.start}")
            rng.shuffle(others)
            cited = Cited(chunk.source, chunk.heading, t.start, t.end, knowledge.sources[chunk.source][t.start:t.end])
            options, letter = _options(t.term, others[:3], rng)
            where = chunk.section[-1]
            stem = say("define_in", where=where, quote=definition) if len(where) <= 80 else say("define", quote=definition)
            out.append(Item(item_id("define", cited, t.term), "define", stem, options, letter,
                            chunk.section[0], cited))
    return out


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", text.strip(), maxsplit=1)[0].rstrip(".")


def _unit(u: str) -> str:
    u = u.lower()
    return "%" if u in ("%", "percent") else u.rstrip("s") if len(u) > 3 else u


def fact_items(knowledge, seed: int = 0) -> list[Item]:
    """Items from sentences that state one number with a unit: which value completes it?"""
    values: dict[str, set[str]] = {}
    found = []
    for s in knowledge.sentences:
        hits = list(NUM_RE.finditer(s.text))
        for m in hits:
            values.setdefault(_unit(m.group(2)), set()).add(m.group(0))
        if len(hits) == 1 and 40 <= len(s.text) <= 260 and not re.search(r"\d", s.text[: hits[0].start()][-3:]):
            found.append((s, hits[0]))
    out = []
    for s, m in found:
        pool = sorted(v for v in values[_unit(m.group(2))] if v.lower() != m.group(0).lower() and v not in s.text)
        rng = random.Random(f"{seed}:{s.start}")
        rng.shuffle(pool)
        if len(pool) < 2:
            continue
        c = knowledge.chunks[s.row]
        cited = Cited(c.source, c.heading, s.start, s.end, s.text)
        blank = s.text[: m.start()] + "___" + s.text[m.end():]
        options, letter = _options(m.group(0), pool[:3], rng)
        where = c.section[-1]
        stem = say("fact_in", where=where, quote=blank) if len(where) <= 80 else say("fact", quote=blank)
        out.append(Item(item_id("fact", cited, m.group(0)), "fact", stem, options, letter, c.section[0], cited))
    return out


def candidates(knowledge, seed: int = 0) -> list[Item]:
    """All candidate items, kinds interleaved so any prefix is a mix."""
    ents = ent.build(knowledge)
    kinds = [which_items(knowledge, ents, seed), define_items(knowledge, seed), fact_items(knowledge, seed)]
    out = []
    for i in range(max(map(len, kinds), default=0)):
        out.extend(k[i] for k in kinds if i < len(k))
    return out
