"""A chunk: a span of one source's extracted text, with its heading path and kind. What
ingest writes into an index and answering reads and cites (``text == source[start:end]``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

Kind = str  # "body" | "scenario" | "faq" | "summary" | "table"


@dataclass(frozen=True)
class Chunk:
    id: str
    source: str  # path relative to the data dir, '/'-separated
    section: tuple[str, ...]  # heading path
    kind: Kind
    start: int
    end: int
    text: str

    @property
    def heading(self) -> str:
        return " > ".join(self.section)

    def to_json(self) -> dict:
        d = asdict(self)
        d["section"] = list(self.section)
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Chunk":
        return cls(**{**d, "section": tuple(d["section"])})
