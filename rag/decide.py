"""Deciding which service a scenario question points to, from the guide's own statements.

Each service collects evidence from the signal statements that name it: the best three
similarities, decayed (one strong statement helps; several agreeing ones help more), plus a
small bonus when retrieval ranks the service's own section high. When the single best
statement names two services together ("Pipelines plus Model Registry") and its winner is
one of them, the answer is the pair.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from studyrag.rag.catalog import core_of
from studyrag.rag.signals import Statement

DECAY = (1.0, 0.35, 0.15)
SECTION_BONUS = 0.06


@dataclass
class Decision:
    services: tuple[str, ...]
    score: float
    margin: float  # over the runner-up service
    statement: Statement | None  # the best statement naming the answer
    ranking: list[tuple[str, float]] = field(default_factory=list)

    def score_of(self, name: str) -> float:
        key = core_of(name)
        return next((s for n, s in self.ranking if core_of(n) == key), 0.0)


def decide(knowledge, qvec: np.ndarray, hits, top: int = 80, query: str | None = None) -> Decision | None:
    scored = knowledge.signals.score(qvec, knowledge.allowed_kinds, query)[:top]
    if not scored:
        return None
    per_service: dict[str, list[tuple[float, Statement]]] = {}
    for score, st in scored:
        for t in st.targets:
            per_service.setdefault(t, []).append((score, st))
    agg = {
        svc: sum(w * s for w, (s, _st) in zip(DECAY, lst)) for svc, lst in per_service.items()
    }
    for hit in hits:
        svc = knowledge.section_service.get(hit.row)
        if svc is not None and svc.name in agg:
            agg[svc.name] += SECTION_BONUS / (1 + hit.rank)
    ranking = sorted(agg.items(), key=lambda kv: kv[1], reverse=True)
    best, best_score = ranking[0]
    runner = ranking[1][1] if len(ranking) > 1 else 0.0
    best_stmt = per_service[best][0][1]
    services: tuple[str, ...] = (best,)
    top_stmt = scored[0][1]
    if len(top_stmt.targets) > 1 and best in top_stmt.targets and top_stmt.kind in ("explicit", "scenario"):
        services = tuple(top_stmt.targets)
        best_stmt = top_stmt
    return Decision(services, best_score, best_score - runner, best_stmt, ranking)
