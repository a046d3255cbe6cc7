"""One candidate's practice run: the next item from the schedule, grading, progress saved.

Shared by the terminal quiz and the web app, so both grade and record the same way.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass

from studyrag.study.bank import Bank
from studyrag.study.items import Item
from studyrag.study.progress import ProgressStore
from studyrag.study.schedule import pick_next

RECENT = 8  # items not repeated within this many questions


@dataclass
class Grade:
    item_id: str
    pick: str
    key: str
    correct: bool
    topic: str
    key_text: str
    cited: dict
    why_not: str | None  # why the pick does not fit (wrong picks only)
    why_not_cited: dict | None

    def to_json(self) -> dict:
        return asdict(self)


def grade(item: Item, pick: str) -> Grade:
    """``pick`` is one letter of the item's options ('b' is fine)."""
    letter = (pick or "").strip().upper()[:1]
    if letter not in item.options:
        raise ValueError(f"pick one of {', '.join(item.options)}")
    wrong = letter != item.key
    why_cited = item.why_not_cited.get(letter) if wrong else None
    return Grade(item.id, letter, item.key, not wrong, item.topic, item.key_text, asdict(item.cited),
                 item.why_not.get(letter) if wrong else None, asdict(why_cited) if why_cited else None)


class Session:
    def __init__(self, bank: Bank, store: ProgressStore, user: str, rng: random.Random,
                 topic: str | None = None) -> None:
        self.bank, self.store, self.user, self.rng, self.topic = bank, store, user, rng, topic
        self.recent: list[str] = []
        self.asked = 0

    def next(self) -> Item:
        item = pick_next(self.bank, self.store.rows(self.user), self.rng, topic=self.topic, recent=self.recent)
        self.recent = (self.recent + [item.id])[-RECENT:]
        self.asked += 1
        return item

    def answer(self, item: Item, pick: str) -> Grade:
        g = grade(item, pick)
        self.store.record(self.user, item.topic, g.correct)
        return g
