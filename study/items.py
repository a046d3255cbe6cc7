"""A practice item and the sentence that makes its key right.

>>> it = Item("which-1a2b", "which", "Which option fits best?", {"A": "X", "B": "Y", "C": "Z"}, "B",
...           "Section", Cited("guide.txt", "Section", 10, 40, "Use Y for things."), {"A": "...", "C": "..."})
>>> it.key_text
'Y'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

LETTERS = "ABCDE"


@dataclass(frozen=True)
class Cited:
    """A sentence of the material: file (relative to the data dir), heading path, span, text."""

    source: str
    section: str
    start: int
    end: int
    text: str

    def label(self) -> str:
        return f"{self.section} ({self.source}:{self.start}-{self.end})"


@dataclass
class Item:
    id: str
    kind: str  # which | compare | define | fact
    stem: str
    options: dict[str, str]  # letter -> option text
    key: str  # the right letter
    topic: str  # the material's own section
    cited: Cited  # the sentence that makes the key right
    why_not: dict[str, str] = field(default_factory=dict)  # wrong letter -> why it does not fit
    why_not_cited: dict[str, Cited] = field(default_factory=dict)

    @property
    def key_text(self) -> str:
        return self.options[self.key]

    def public(self) -> dict:
        """What a candidate may see before answering (no key)."""
        return {"id": self.id, "kind": self.kind, "stem": self.stem, "options": dict(self.options),
                "topic": self.topic}

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> "Item":
        return cls(**{**d, "cited": Cited(**d["cited"]),
                      "why_not_cited": {k: Cited(**v) for k, v in (d.get("why_not_cited") or {}).items()}})
