"""Which topic next: Leitner boxes with a due time, so weak and long-unseen topics come first.

A topic's weight is (6 - box)² × (1 + how overdue it is, capped at 3): a topic just answered
wrong (box 1) outweighs one answered right (box 2+), and any topic grows heavier the longer
it goes unseen. A topic never seen counts as box 1, fully overdue.

>>> weight(None, now=0.0) > weight(TopicProgress("t", 0, 1, 1, 0.0), now=0.0) > weight(TopicProgress("t", 1, 0, 2, 0.0), now=0.0)
True
"""

from __future__ import annotations

import random
import time

from studyrag.study.bank import Bank
from studyrag.study.items import Item
from studyrag.study.progress import TopicProgress

# Seconds before a topic in each box is due again.
INTERVAL = {1: 60.0, 2: 600.0, 3: 3600.0, 4: 86400.0, 5: 3 * 86400.0}
MAX_OVERDUE = 3.0


def weight(p: TopicProgress | None, now: float) -> float:
    if p is None:
        return 25.0 * (1 + MAX_OVERDUE)
    overdue = min(max(now - p.last_seen, 0.0) / INTERVAL[p.box], MAX_OVERDUE)
    return (6 - p.box) ** 2 * (1 + overdue)


def pick_next(bank: Bank, rows: list[TopicProgress], rng: random.Random, *, topic: str | None = None,
              recent: list[str] = (), now: float | None = None) -> Item:
    """A weighted draw of a topic, then an item of it not among the ``recent`` ids."""
    now = time.time() if now is None else now
    by_topic = {r.topic: r for r in rows}
    topics = [topic] if topic else bank.topics()
    if not bank.in_topic(topic):
        raise KeyError(f"no practice items in topic {topic!r}")
    chosen = rng.choices(topics, weights=[weight(by_topic.get(t), now) for t in topics], k=1)[0]
    pool = bank.in_topic(chosen)
    seen = [bank.by_id[i] for i in recent if i in bank.by_id]
    fresh = [it for it in pool if not _repeats(it, seen)] or \
        [it for it in pool if it.id not in set(recent)] or pool
    return rng.choice(fresh)


def _repeats(item: Item, seen: list[Item]) -> bool:
    """``item`` asks again what a recently ``seen`` item asked: the same id, the same cited
    sentence, or the same key for the same kind of question (a "which" item and its mirror
    from another statement of the same advice)."""
    return any(item.id == it.id or item.cited.text == it.cited.text
               or (item.kind, item.key_text) == (it.kind, it.key_text) for it in seen)
