"""Is a question about the material? The floors, calibrated for this material and embedder.

How close a question must come to the material depends on the embedder (MiniLM's cosines
spread from 0 to 1, e5's crowd near 0.8) and on the material (short precise headings sit
closer to questions than long prose). So the floors are not constants: each is a point
between two anchors measured on this corpus with this embedder when it is loaded —
``off``: the median best cosine of everyday off-topic questions (rag/calibration/off_topic.txt),
``on``: the median best cosine of "What is <heading>?" for the material's own headings. A floor
is ``off + f * (on - off)``, and the "which thing" floor is the same between the two sets'
relevance + decision scores (relevance adds a little BM25, so f > 1 is usual). A follow-up in
a conversation about the material, or an item with options, is held to a lower floor
(``conversation_floor``): what it asks was set by the turn before or by its options. The fractions
``f`` place the floors where they separated in-scope from out-of-scope questions on the study
materials of the gate (docs/any-material.md, "Refusal floors").

>>> Calibration(off=0.145, on=0.601).relevance_floor
0.6398
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

OFF_TOPIC_FILE = Path(__file__).parent / "calibration" / "off_topic.txt"
LEXICAL_WEIGHT = 0.06  # BM25's share of relevance: off-topic questions share few rare words
RELEVANCE_F = 1.085  # any question
WHICH_RELEVANCE_F = 0.8  # a "which thing?" question, whose decision must also be strong:
# A "which thing?" question's relevance + decision score must reach this fraction of the way
# from off-topic questions' median to the material's heading questions' median (both measured
# the same way, with the material's own decisions): short notes with few statements decide
# with smaller sums than a long guide.
WHICH_DECIDED_F = 0.65
# A decision below the firm fraction is weak: a described comparison side must pass it, and a
# "which thing?" question nearer another product's task than the material must too.
DESCRIBED_RELEVANCE_F, FIRM_DECIDED_F = 0.888, 0.752
# Everyday off-topic questions came no nearer than 0.6 of the way to the headings' median.
CONVERSATION_F = 0.7
OUTSIDE_F = 0.11  # closer to another product's task than to the material by this much: refused
PROBES = 60


@dataclass(frozen=True)
class Calibration:
    off: float
    on: float
    decided_off: float = 0.0  # median relevance + decision score of the off-topic questions
    decided_on: float = 0.0  # ... and of the heading questions

    def at(self, f: float) -> float:
        return round(self.off + f * (self.on - self.off), 4)

    @property
    def relevance_floor(self) -> float:
        return self.at(RELEVANCE_F)

    @property
    def which_relevance_floor(self) -> float:
        return self.at(WHICH_RELEVANCE_F)

    @property
    def description_floors(self) -> tuple[float, float]:
        """Relevance, and relevance + decision, a described side of a comparison must reach
        ("the service that reads text aloud"): a description names no thing, so it is held
        to a firmer bar than a scenario, which brings its own situation."""
        return self.at(DESCRIBED_RELEVANCE_F), self.firm_which_floor

    @property
    def firm_which_floor(self) -> float:
        return round(self.decided_off + FIRM_DECIDED_F * (self.decided_on - self.decided_off), 4)

    @property
    def conversation_floor(self) -> float:
        return self.at(CONVERSATION_F)

    @property
    def which_floor(self) -> float:
        return round(self.decided_off + WHICH_DECIDED_F * (self.decided_on - self.decided_off), 4)

    @property
    def outside_margin(self) -> float:
        return round(OUTSIDE_F * (self.on - self.off), 4)


def relevance(hits) -> float:
    """Closeness of a question to the material: best dense cosine plus a little BM25."""
    if not hits:
        return 0.0
    return max(h.dense for h in hits) + LEXICAL_WEIGHT * max(h.lexical for h in hits)


def calibrate(retriever, decided, derived=None, scoring: str = "") -> Calibration:
    """The anchors for this corpus and embedder, kept in the index build's derived data.
    ``decided(question)``: relevance + the score of the material's decision for it;
    ``scoring`` names how that score is weighed, so anchors measured under other weights
    are never read back."""
    on_questions = _heading_questions(retriever.chunks)
    key = f"calibration3-{retriever.embedder.name}-{scoring}-{_digest(on_questions)}.json"
    stored = derived.get(key) if derived is not None else None
    if stored is not None:
        try:
            return Calibration(**json.loads(stored))
        except (ValueError, TypeError):
            pass
    off_questions = [x.strip() for x in OFF_TOPIC_FILE.read_text(encoding="utf-8").splitlines()
                     if x.strip() and not x.startswith("#")]
    cal = Calibration(off=_mean_relevance(retriever, off_questions), on=_mean_relevance(retriever, on_questions),
                      decided_off=float(np.median([decided(q) for q in off_questions])),
                      decided_on=float(np.median([decided(q) for q in on_questions])))
    if derived is not None:
        derived.put(key, json.dumps(asdict(cal)).encode())
    return cal


def _heading_questions(chunks) -> list[str]:
    heads = sorted({re.split(r"\s+[—–-]\s+", h)[0] for c in chunks for h in c.section if 1 <= len(h.split()) <= 8})
    step = max(1, len(heads) // PROBES)
    return [f"What is {h}?" for h in heads[::step][:PROBES]] or ["What is this about?"]


def _mean_relevance(retriever, questions: list[str]) -> float:
    """Median best cosine (BM25 left out: its scale moves with the corpus's size and words)."""
    return float(np.median([max((h.dense for h in retriever.search(q, k=6)), default=0.0) for q in questions]))


def _digest(items: list[str]) -> str:
    import hashlib

    return hashlib.sha256("\x1e".join(items).encode()).hexdigest()[:16]
