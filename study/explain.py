"""Why each wrong option does not fit, from what the material itself says about it.

A wrong entity gets the material's statement of what that entity is for that comes closest
to the item's situation ("Amazon SageMaker Batch Transform: the material uses it for
“periodic offline scoring …”"), so the contrast is about this scenario, not an unrelated
fact. A wrong term gets its own definition; a wrong value the sentence that states it.
"""

from __future__ import annotations

import re

import numpy as np

from studyrag.study import entities as ent
from studyrag.study.glossary import glossary
from studyrag.study.items import Cited, Item
from studyrag.study.phrases import say


def add_why_not(knowledge, items: list[Item]) -> None:
    """Fill ``why_not`` and ``why_not_cited`` of every item (in place, once, before caching)."""
    ents = ent.build(knowledge)
    terms = {t.term: t for ts in glossary(knowledge).values() for t in ts}
    vecs = knowledge.embedder.embed_queries([it.stem for it in items]) if items else []
    for it, vec in zip(items, vecs):
        for letter, text in it.options.items():
            if letter == it.key:
                continue
            found = (_entity_role(knowledge, ents, text, vec) if it.kind in ("which", "compare")
                     else _term(knowledge, terms, text) if it.kind == "define" else _value(knowledge, text))
            if found:
                it.why_not[letter], it.why_not_cited[letter] = found


def _entity_role(knowledge, ents, name: str, vec) -> tuple[str, Cited] | None:
    roles = ents.roles.get(name) or []
    if not roles:
        return None
    sims = knowledge.signals.vectors[[r.vector_row for r in roles]] @ vec
    role = roles[int(np.argmax(sims))]
    return say("why_role", name=name, quote=role.signal.rstrip(".")), role.cited


def _term(knowledge, terms, term: str) -> tuple[str, Cited] | None:
    t = terms.get(term)
    if t is None:
        return None
    c = knowledge.chunks[knowledge.row_of[t.group.rsplit(":", 1)[0]]]
    cited = Cited(c.source, c.heading, t.start, t.end, knowledge.sources[c.source][t.start:t.end])
    return say("why_term", name=term, quote=t.definition.rstrip(".")), cited


def _value(knowledge, value: str) -> tuple[str, Cited] | None:
    pat = re.compile(rf"(?<![\w.,]){re.escape(value)}\b", re.I)
    for s in knowledge.sentences:
        if pat.search(s.text):
            c = knowledge.chunks[s.row]
            return say("why_value", name=value, quote=s.text), Cited(c.source, c.heading, s.start, s.end, s.text)
    return None
