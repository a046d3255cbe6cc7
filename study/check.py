"""Checking a candidate's key twice before it is shown.

1. By its cited sentence: the sentence must contain the key (a name the catalog finds in it,
   or the exact term / value) — a key the material does not state is never right.
2. By the engine: ``Tutor.ask(stem, options)`` is asked the item as a user would ask it; the
   item is kept only when the engine picks the same letter (and, for term and figure items,
   cites the item's sentence: measured on two guides, a right pick without that citation is
   mostly chance). An item the engine reads
   differently is ambiguous or wrongly keyed, and is dropped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from studyrag.study.items import Item


@dataclass
class CheckReport:
    tried: int = 0
    kept: int = 0
    dropped_sentence: list[str] = field(default_factory=list)  # ids whose sentence lacks the key
    dropped_engine: list[str] = field(default_factory=list)  # ids the engine answered otherwise
    seconds: float = 0.0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [tried, kept]

    def line(self) -> str:
        return (f"{self.kept}/{self.tried} items kept ({len(self.dropped_sentence)} without their key in the "
                f"cited sentence, {len(self.dropped_engine)} the engine answered otherwise) in {self.seconds:.1f} s")


def key_in_sentence(knowledge, item: Item) -> bool:
    key = item.key_text
    text = item.cited.text
    if key.lower() in text.lower():
        return True
    return key in {s.name for s in knowledge.catalog.find(text)}


def engine_agrees(tutor, item: Item) -> bool:
    """The engine picks the key; for a term or a figure it must also cite the item's sentence,
    because names it cannot tell apart by their roles would otherwise be picked by chance."""
    ans = tutor.ask(item.stem, options=dict(item.options))
    if ans.refused or (ans.choice or []) != [item.key]:
        return False
    return item.kind in ("which", "compare") or any(
        c.source == item.cited.source and c.start < item.cited.end and item.cited.start < c.end for c in ans.citations)


def check(tutor, items: list[Item], *, progress=None) -> tuple[list[Item], CheckReport]:
    """The items whose key both checks confirm, in order, and what happened."""
    t0 = time.perf_counter()
    rep = CheckReport(tried=len(items))
    kept = []
    for it in items:
        counts = rep.by_kind.setdefault(it.kind, [0, 0])
        counts[0] += 1
        if not key_in_sentence(tutor.knowledge, it):
            rep.dropped_sentence.append(it.id)
        elif not engine_agrees(tutor, it):
            rep.dropped_engine.append(it.id)
        else:
            kept.append(it)
            counts[1] += 1
        if progress is not None:
            progress.update(1)
    rep.kept = len(kept)
    rep.seconds = time.perf_counter() - t0
    return kept, rep
