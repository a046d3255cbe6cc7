"""The material's answer entities, what the material says each is for, and which are confusable.

An answer entity is one that some statement of the material points to outright ("X → Y",
"use Y for X", "Scenario …: Correct choice: Y", "X vs Y — a vs b") in a sentence that names
it. Two entities are confusable when the material sets them side by side ("X vs Y").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studyrag.study.items import Cited

VS_RE = re.compile(r"\s(?:vs\.?|versus)\s", re.I)
ANSWER_KINDS = ("explicit", "scenario")
ROLE_KINDS = ("explicit", "scenario", "section")


@dataclass
class Role:
    """One thing the material says an entity is for, with its sentence."""

    signal: str
    cited: Cited
    kind: str
    vector_row: int  # row in knowledge.signals.vectors


@dataclass
class Entities:
    names: list[str]  # answer entities, in order of first statement
    roles: dict[str, list[Role]] = field(default_factory=dict)
    confusable: dict[str, set[str]] = field(default_factory=dict)
    topic: dict[str, str] = field(default_factory=dict)  # entity -> the section that teaches it

    def overlapping(self, a: str, b: str) -> bool:
        """'Amazon Bedrock' and 'Guardrails for Amazon Bedrock' are not rivals: one contains the other."""
        a, b = a.lower(), b.lower()
        return a in b or b in a


def cited_of(knowledge, chunk_id: str, start: int, end: int) -> Cited:
    c = knowledge.chunks[knowledge.row_of[chunk_id]]
    return Cited(c.source, c.heading, start, end, knowledge.sources[c.source][start:end].strip())


def names_in(knowledge, text: str) -> set[str]:
    return {s.name for s in knowledge.catalog.find(text) if not s.generic}


def build(knowledge) -> Entities:
    """Answer entities with their roles, confusable pairs and home sections."""
    sig = knowledge.signals
    names: list[str] = []
    roles: dict[str, list[Role]] = {}
    for row, st in enumerate(sig.statements):
        if st.kind not in ROLE_KINDS or len(st.targets) != 1:
            continue
        cited = cited_of(knowledge, st.chunk_id, st.start, st.end)
        target = st.targets[0]
        if target not in names_in(knowledge, cited.text):
            continue  # the sentence must name what it points to
        roles.setdefault(target, []).append(Role(st.signal, cited, st.kind, row))
        if st.kind in ANSWER_KINDS and target not in names:
            names.append(target)
    ents = Entities(names, {n: roles[n] for n in names})
    for c in knowledge.chunks:  # "X vs Y" in headings and sentences
        for line in [c.heading, *c.text.splitlines()]:
            if VS_RE.search(line):
                found = [n for n in names_in(knowledge, re.split(r"\s[—–]\s", line)[0]) if n in ents.roles]
                for a in found:
                    ents.confusable.setdefault(a, set()).update(b for b in found if b != a)
    for row, svc in knowledge.section_service.items():
        if svc is not None and svc.name in ents.roles and svc.name not in ents.topic:
            ents.topic[svc.name] = knowledge.chunks[row].section[0]
    return ents
