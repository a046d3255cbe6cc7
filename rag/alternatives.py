"""A question that offers its own alternatives is answered with one of them.

"Should fiscal or monetary policy do the heavy lifting?", "Is a bowline or a clove hitch
better for the bollard?": the asking sentence names two things joined by "or", and what it
asks is which of the two; a third thing, however well the situation matches it, is not an
answer. A shared head word may be said once ("fiscal or monetary policy" names Fiscal policy
and Monetary policy).
"""

from __future__ import annotations

import re

OR_RE = re.compile(r"\s*,?\s+or\s+(?:(?:a|an|the)\s+)?", re.I)


def offered(asking: str, catalog) -> list[str]:
    """The names of the things an asking sentence offers as "A or B".

    >>> from studyrag.rag.catalog import Catalog
    >>> cat = Catalog.from_texts(["Fiscal policy and Monetary policy. Fiscal policy, Monetary policy."], [],
    ...                          [("Fiscal policy", "bold", frozenset()), ("Monetary policy", "bold", frozenset())])
    >>> offered("Should fiscal or monetary policy lead?", cat)
    ['Fiscal policy', 'Monetary policy']
    >>> offered("Does monetary policy work at zero?", cat)
    []
    """
    spans = [sp for sp in catalog.spans(asking) if not sp[2].generic]
    out: list[str] = []
    for m in OR_RE.finditer(asking):
        after = next((sp for sp in spans if sp[0] == m.end()), None)
        if after is None:
            continue
        before = next((sp for sp in spans if sp[1] == m.start()), None) or _elided(asking[: m.start()], after, catalog)
        if before is not None and before[2] is not after[2]:
            out += [x[2].name for x in (before, after) if x[2].name not in out]
    return out


def _elided(head: str, after, catalog):
    """"fiscal" before "or Monetary policy": the word(s) before "or" with the head word the
    second name ends with ("fiscal policy"), when that is a thing too."""
    words = re.findall(r"[\w\-]+", after[2].name)
    said = re.findall(r"[\w\-]+$", head)
    if len(words) < 2 or not said:
        return None
    found = catalog.find(f"{said[0]} {words[-1]}")
    return (0, 0, found[0]) if found and not found[0].generic else None


def among(decision, names: list[str]):
    """The decision's ranking narrowed to the offered names; None when it scores none of them."""
    ranking = [(n, s) for n, s in decision.ranking if n in names]
    return decision.led_by(ranking) if ranking else None
