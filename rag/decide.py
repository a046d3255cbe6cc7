"""Deciding which service a scenario question points to, from the guide's own statements.

Each service collects evidence from the signal statements that name it: the best three
similarities, decayed (one strong statement helps; several agreeing ones help more), plus a
small bonus when retrieval ranks the service's own section high. When the single best
statement names two services together ("Pipelines plus Model Registry") and its winner is
one of them, the answer is the pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from studyrag.rag.catalog import core_of
from studyrag.rag.entities import stem
from studyrag.rag.signals import Statement

DECAY = (1.0, 0.35, 0.15)
# Measured (extractive, 2026-12-01): 0.06 -> 0.10 took paraphrases 25 -> 26/27 open and
# 22 -> 23/27 closed, held-out paraphrases 21 -> 22/30; 0.15 cost a closed-book scenario.
SECTION_BONUS = 0.10
CLAUSE_WEIGHT = 0.6
HOSTED_RATIO = 0.6
BACKDROP_SHARE = 0.25  # named in this share of passages: the material's backdrop, not a host
# A statement naming a pair ("Pipelines plus Model Registry") answers with the pair only when
# the question also points to each member on its own (its evidence >= this share of the
# winner's): "keep a versioned catalog of approved models" is the Registry alone.
# Measured 2026-12-01 (extractive, open / closed): blind B 24 -> 25/30 / 24 -> 26/30, blind A
# 25 -> 25 / 25 -> 27/30, our suites unchanged; 0.9 cost a closed-book paraphrase.
PAIR_RATIO = 0.85
# A figure the question shares with one service's own section ("about 50 percent faster"
# = Training Compiler's "up to 50 percent"; "payloads up to 1 GB" = Asynchronous Inference)
# is a fact of that service, not of the one whose signal sentence merely sounds alike.
FIGURE_BONUS = 0.12
# When the winner is the asked-for kind itself, the best of that kind among the KIND_DEPTH
# best answers; "of the kind" means at least KIND_FIT of the asked kind's words are in its
# name, headings or list lead-in. KIND_RATIO decides how far behind a rival may be; the depth
# only bounds the work.
KIND_DEPTH = 20
KIND_FIT = 0.5
KIND_RATIO = 0.66  # a rival under two thirds of the winner's score is too weak to overrule it
NAMED_FACTOR = 0.75
FIGURE_RE = re.compile(
    r"(?<![\d.,])(\d+(?:[.,]\d+)?)\s*(%|percent\b|per cent\b|[KMGT]B\b|hours?\b|minutes?\b|seconds?\b|ms\b|x\b|times\b)",
    re.I)
CLAUSE_SPLIT_RE = re.compile(r",\s+|;\s+|\.\s+|\s+(?:and|but|while|without|so that|because|before|after)\s+|\s+(?=wants? to\b|needs? to\b|must\b)", re.I)


def clauses(text: str) -> list[str]:
    """The parts of a scenario that may each carry a signal (3+ words each).

    >>> clauses("A marketing analyst with no Python experience wants to predict churn from a CSV.")
    ['A marketing analyst with no Python experience', 'wants to predict churn from a CSV.']
    """
    parts = [p.strip() for p in CLAUSE_SPLIT_RE.split(text) if p and p.strip()]
    parts = [p for p in parts if len(p.split()) >= 3]
    return parts if len(parts) >= 2 else []


@dataclass
class Decision:
    services: tuple[str, ...]
    score: float
    margin: float  # over the runner-up service
    statement: Statement | None  # the best statement naming the answer
    ranking: list[tuple[str, float]] = field(default_factory=list)
    best_statement: dict[str, Statement] = field(default_factory=dict)  # per ranked service

    def led_by(self, ranking: list[tuple[str, float]], score: float | None = None) -> "Decision":
        """This decision re-ranked: the first of ``ranking`` is the answer (``score``: the
        decision's score to keep, when the new ranking's scale is not the question's)."""
        name, top = ranking[0]
        runner = ranking[1][1] if len(ranking) > 1 else 0.0
        return Decision((name,), top if score is None else score, top - runner, self.best_statement.get(name),
                        ranking, self.best_statement)

    def score_of(self, name: str) -> float:
        key = core_of(name)
        return next((s for n, s in self.ranking if core_of(n) == key), 0.0)


def decide(knowledge, qvec: np.ndarray, hits, top: int = 80, query: str | None = None,
           clause_vecs: np.ndarray | None = None, second_qvec: np.ndarray | None = None,
           second_share: float = 0.0) -> Decision | None:
    """``second_qvec``: the situation through Knowledge's second embedder, if it has one,
    weighed at ``second_share`` (0: the usual share)."""
    scored = knowledge.signals.score(qvec, knowledge.allowed_kinds, query, second_qvec, second_share)[:top]
    if not scored:
        return None
    per_service: dict[str, list[tuple[float, Statement]]] = {}
    for score, st in scored:
        for t in st.targets:
            per_service.setdefault(t, []).append((score, st))
    agg = {
        svc: sum(w * s for w, (s, _st) in zip(DECAY, lst)) for svc, lst in per_service.items()
    }
    # A scenario carries several signals ("an analyst with no Python" + "predict churn from a
    # CSV"): each clause votes for the service whose statements it matches best.
    n_clauses = len(clause_vecs) if clause_vecs is not None else 0
    for cvec in clause_vecs if clause_vecs is not None else []:
        best_per: dict[str, float] = {}
        for score, st in knowledge.signals.score(cvec, knowledge.allowed_kinds)[:top]:
            for t in st.targets:
                best_per[t] = max(best_per.get(t, 0.0), score)
        for svc, sc in best_per.items():
            if svc in agg:  # averaged, so a long scenario's many clauses do not outweigh it
                agg[svc] += CLAUSE_WEIGHT * sc / n_clauses
    for hit in hits:
        svc = knowledge.section_service.get(hit.row)
        if svc is not None and svc.name in agg:
            agg[svc.name] += SECTION_BONUS / (1 + hit.rank)
    for svc in _services_with_figures(knowledge, figures(query or "")):
        if svc in agg:
            agg[svc] += FIGURE_BONUS
    # The material's subject (rag/subject.py) is where every answer lies, not one of them.
    agg = {n: s for n, s in agg.items() if n not in knowledge.subjects} or agg
    ranking = sorted(agg.items(), key=lambda kv: kv[1], reverse=True)
    best, best_score = ranking[0]
    runner = ranking[1][1] if len(ranking) > 1 else 0.0
    best_stmt = per_service[best][0][1]
    services: tuple[str, ...] = (best,)
    top_stmt = scored[0][1]
    if len(top_stmt.targets) > 1 and best in top_stmt.targets and top_stmt.kind in ("explicit", "scenario", "pair") \
            and all(agg.get(t, 0.0) >= PAIR_RATIO * best_score for t in top_stmt.targets):
        services = tuple(top_stmt.targets)
        best_stmt = top_stmt
    services = _with_hosted_product(knowledge, services, agg, best_score)
    best_of = {svc: lst[0][1] for svc, lst in per_service.items()}
    return Decision(services, best_score, best_score - runner, best_stmt, ranking, best_of)


def decide_question(knowledge, query: str, hits, asked: str | None = None) -> tuple[str, np.ndarray, Decision | None]:
    """(situation, its vector, decision) for a question as asked: its situation, split into
    clauses that vote on their own, through both embedders when there are two. ``asked``: the
    question in the user's own words when ``query`` is its English reading (rag/gloss); the
    second embedder, which reads many languages, reads those words rather than the reading."""
    from studyrag.rag.signals import SECOND_WEIGHT_OTHER_LANGUAGE, scenario_text

    situation = scenario_text(query, knowledge.catalog.prefixes)
    parts = clauses(situation)[:12]  # bounded work for very long questions
    vecs = knowledge.embedder.embed_queries([situation] + parts)
    decision = decide(knowledge, vecs[0], hits, query=situation, clause_vecs=vecs[1:] if parts else None,
                      second_qvec=knowledge.second_query(asked or situation),
                      second_share=SECOND_WEIGHT_OTHER_LANGUAGE if asked else 0.0)
    return situation, vecs[0], decision


def not_named(decision: Decision, named: set[str]) -> Decision:
    """A scenario rarely names its own answer: things the question names in its situation
    ("we must switch *branches*") count NAMED_FACTOR of their score."""
    if not named or not decision.ranking or decision.ranking[0][0] not in named or len(decision.services) > 1:
        return decision
    ranking = sorted(((n, s * NAMED_FACTOR if n in named else s) for n, s in decision.ranking),
                     key=lambda kv: kv[1], reverse=True)
    if ranking[0][0] == decision.ranking[0][0]:
        return decision
    return decision.led_by(ranking)


def to_part(decision: Decision, parent_of: dict[str, str], whose: list | None) -> Decision:
    """A question asking for a part ("what do I configure so a heavy week costs no more than a weekly pass?")
    answered with the best part of the thing that won; one naming whose part it asks for
    ("which Metro Card feature …") with the best part of that thing. ``whose``: None
    when no part is asked for, else the things the asking phrase names ([] for none). A part
    well behind (under KIND_RATIO of the winner's score) is too weak to stand, and "which
    <umbrella> feature" asks for any of the umbrella's things: the winner stands.
    """
    if whose is None or not decision.ranking or len(decision.services) > 1:
        return decision
    if any(s.generic for s in whose):
        return decision
    best_name = decision.ranking[0][0]
    wholes = {s.name for s in whose} or {best_name}
    if parent_of.get(best_name) in wholes:
        return decision  # already a part of the thing asked about
    # "Which Shelfwise Guard rule …?" won by the Guard: the thing named is never its own part,
    # so its best part answers however far behind.
    named_won = bool(whose) and best_name in wholes
    return _near_best(decision, lambda name: parent_of.get(name) in wholes, 0.0 if named_won else KIND_RATIO)


def beside_named(decision: Decision, parent_of: dict[str, str], named: set[str]) -> Decision:
    """A question that names a part of the winner ("the port has PortFast on; how do I make it
    shut itself down when spanning-tree frames arrive?") asks at the level of the parts: the
    best other part of the winner ("BPDU Guard") stands for the whole ("STP"), unless it is too
    weak (under KIND_RATIO of the winner's score)."""
    if not decision.ranking or len(decision.services) > 1:
        return decision
    best_name = decision.ranking[0][0]
    if not any(parent_of.get(n) == best_name for n in named):
        return decision
    return _near_best(decision, lambda name: parent_of.get(name) == best_name and name not in named)


def to_person(decision: Decision, is_person) -> Decision:
    """A question asking who, decided for a thing that is no person ("Baroque" for "which
    architect designed the colonnade?"): the best-ranked person near the winner, if any."""
    if not decision.ranking or len(decision.services) > 1 or is_person(decision.ranking[0][0]):
        return decision
    return _near_best(decision, is_person)


def _near_best(decision: Decision, fits, ratio: float = KIND_RATIO) -> Decision:
    """The best-ranked thing that ``fits`` among those within ``ratio`` of the winner's
    score (at most KIND_DEPTH deep), as the decision; the decision itself when none does."""
    best_score = decision.ranking[0][1]
    for name, score in decision.ranking[1:KIND_DEPTH]:
        if score < ratio * best_score:
            break
        if fits(name):
            return Decision((name,), score, score - best_score, decision.best_statement.get(name),
                            decision.ranking, decision.best_statement)
    return decision


def without(decision: Decision, names: tuple[str, ...]) -> Decision:
    """The decision with ``names`` ruled out ("what should I use instead?"): the best other."""
    if not names or not set(decision.services) & set(names):
        return decision
    rest = [(n, s) for n, s in decision.ranking if n not in names]
    return decision.led_by(rest) if rest else decision


def shifted(decision: Decision, own: Decision | None) -> Decision:
    """A follow-up that changes the last question's situation ("what if it had been the same
    people, before and after?") asks for what the change points to: each thing scores its
    share of the best score for the whole situation plus its share of the best for the
    follow-up's own words.

    >>> whole = Decision(("Two-group test",), 0.9, 0.1, None, [("Two-group test", 0.9), ("Paired test", 0.8)])
    >>> own = Decision(("Paired test",), 0.5, 0.3, None, [("Paired test", 0.5), ("Two-group test", 0.2)])
    >>> shifted(whole, own).services
    ('Paired test',)
    """
    if own is None or not own.ranking or not decision.ranking:
        return decision
    top, own_top = decision.ranking[0][1], own.ranking[0][1]
    said = dict(own.ranking)
    ranking = sorted(((n, s / top + said.get(n, 0.0) / own_top) for n, s in decision.ranking),
                     key=lambda kv: kv[1], reverse=True)
    return decision.led_by(ranking, score=decision.score)


def of_kind(decision: Decision, knowledge, wanted: frozenset[str]) -> Decision:
    """The decision moved from the asked-for kind itself ("Joins" for "which kind of join")
    to the best thing of that kind ("LEFT JOIN"). ``wanted``: stems of the asked-for kind."""
    if not wanted or not decision.ranking:
        return decision

    def fit(name: str) -> float:
        if _is_the_kind(name, wanted):
            return 0.0  # "Joins" for "which kind of join": the kind itself, not one of it
        return _kind_fit(knowledge, name, wanted)

    best_name, best_score = decision.ranking[0]
    # A winner that is the asked kind itself ("Replication" for "which replication mode") is
    # replaced by the best thing of that kind, however far behind it scores. So is a winner
    # whose kind the material states and which is not the asked one, by a rival that is
    # wholly of the asked kind, by its name or where it is defined ("which probe?": "Pod", a
    # workload object, gives way to "readinessProbe"; "which index type?" gets "GIN", listed
    # under "Index types"; "which IEEE standard?" keeps "802.1X"), unless the rival is far behind
    # ("Job" for a one-off migration stays, though "limits" sits under "Resource requests and
    # limits" and the question asks "which resource?"). A winner of unknown kind gives way only
    # to a rival level with it: headings and list lead-ins are too incomplete to overrule the
    # evidence, but "which support plans …?" between a dashboard and a plan is the plan.
    if not _is_the_kind(best_name, wanted):
        best = knowledge.catalog.get(best_name)
        if fit(best_name) > 0 or _statement_says(decision, best_name, knowledge, wanted):
            return decision
        ratio = PAIR_RATIO if best is None or not best.kinds else KIND_RATIO
        for name, score in decision.ranking[1:KIND_DEPTH]:
            if score < ratio * best_score:
                break
            if _siblings(name, best_name):
                continue  # "git rebase" is the same kind of thing as "git revert", wherever each is defined
            if fit(name) >= 1.0 and not _is_the_kind(name, wanted):  # wholly of the asked kind
                return Decision((name,), score, score - best_score, decision.best_statement.get(name),
                                decision.ranking, decision.best_statement)
        return decision
    for name, score in decision.ranking[1:KIND_DEPTH]:
        if fit(name) >= KIND_FIT:
            return Decision((name,), score, score - best_score, decision.best_statement.get(name),
                            decision.ranking, decision.best_statement)
    return decision


def _statement_says(decision: Decision, name: str, knowledge, wanted: frozenset[str]) -> bool:
    """Does ``name``'s own section, where the decision found its best sentence, call it a
    thing of the asked kind by a sentence that opens "The <kind>"? Under the heading "HSTS",
    "The header is ignored over plain HTTP" makes HSTS a header, though that heading sits under
    "TLS basics"."""
    from studyrag.rag.entities import stem

    st = decision.best_statement.get(name)
    row = knowledge.row_of.get(st.chunk_id) if st is not None else None
    if row is None or not knowledge.chunks[row].section:
        return False
    chunk = knowledge.chunks[row]
    if name not in {s.name for s in knowledge.catalog.find(chunk.section[-1])}:
        return False
    openers = re.finditer(r"(?:^|[.!?]\s+)(?:the|this|that|its)\s+([\w\-]+)(?:\s+([\w\-]+))?", chunk.text, re.I | re.M)
    return any(w and stem(w) in wanted for m in openers for w in m.groups())


def part_of_kind(decision: Decision, knowledge, wanted: frozenset[str]) -> Decision:
    """"What kind of load balancer …?" won by the umbrella ("Load Balancing") whose table
    rows are load balancers ("Gateway Balancer", "Network Balancer"): the question asks for one
    of them, so the best-ranked part of the winner that is at least as much of the asked kind
    answers, unless it is too weak (under KIND_RATIO of the winner's score).

    >>> from types import SimpleNamespace
    >>> k = SimpleNamespace(parent_of={"Gateway Balancer": "Load Balancing", "Sticky sessions": "Load Balancing"},
    ...                     catalog=SimpleNamespace(get=lambda name: None))
    >>> ranked = [("Load Balancing", 0.8), ("Sticky sessions", 0.75), ("Gateway Balancer", 0.7)]
    >>> part_of_kind(Decision(("Load Balancing",), 0.8, 0.05, None, ranked), k, frozenset({"balancer"})).services
    ('Gateway Balancer',)
    >>> part_of_kind(Decision(("Load Balancing",), 0.8, 0.05, None, ranked), k, frozenset({"cooki"})).services
    ('Load Balancing',)
    >>> k.parent_of["Network Balancer"] = "Load Balancing"
    >>> tied = ranked + [("Network Balancer", 0.69)]
    >>> part_of_kind(Decision(("Load Balancing",), 0.8, 0.05, None, tied), k, frozenset({"balancer"})).services
    ('Load Balancing',)
    """
    if not wanted or not decision.ranking or len(decision.services) > 1:
        return decision
    best_name = decision.ranking[0][0]
    floor = max(_kind_fit(knowledge, best_name, wanted), KIND_FIT)

    def is_part(name: str) -> bool:
        return knowledge.parent_of.get(name) == best_name and _kind_fit(knowledge, name, wanted) >= floor

    parts = [score for name, score in decision.ranking[1:KIND_DEPTH] if is_part(name)]
    # Two parts the evidence cannot tell apart (the runner-up within PAIR_RATIO of the best:
    # "route by URL path" found the Network and Application Balancer rows alike) leave the umbrella to answer.
    if len(parts) > 1 and parts[1] >= PAIR_RATIO * parts[0]:
        return decision
    return _near_best(decision, is_part)


def kind_known(decision: Decision, knowledge, wanted: frozenset[str]) -> bool:
    """Is any of the decision's best-ranked things of the asked-for kind (by its name, headings
    or list lead-in)? "Which PPI do we prefer?" over notes whose things are drug classes and
    drugs, none under a PPI heading: no; the answer is a word of a sentence, not a thing."""
    return not wanted or any(_kind_fit(knowledge, name, wanted) >= KIND_FIT for name, _s in decision.ranking[:KIND_DEPTH])


def _kind_fit(knowledge, name: str, wanted: frozenset[str]) -> float:
    """The share of the asked-for kind's words in a thing's name, headings or list lead-in."""
    svc = knowledge.catalog.get(name)
    return len(wanted & ((svc.kinds if svc else frozenset()) | _own_stems(name))) / len(wanted)


def _siblings(a: str, b: str) -> bool:
    """Two names of several words that open with the same word: one family's members.

    >>> _siblings("git rebase", "git revert"), _siblings("M checkpoint", "Prometaphase")
    (True, False)
    """
    wa, wb = a.lower().split(), b.lower().split()
    return len(wa) > 1 and len(wb) > 1 and wa[0] == wb[0]


def _own_stems(name: str) -> frozenset[str]:
    """'readinessProbe' -> {'readinessprobe', 'readiness', 'probe'}; 'Hash join' -> {'hash', 'join'}."""
    words = re.findall(r"[\w\-]+", name)
    parts = [p for w in words for p in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", w)]
    return frozenset(stem(w.lower()) for w in words + (parts if len(parts) > len(words) else []))


def _is_the_kind(name: str, wanted: frozenset[str]) -> bool:
    return _own_stems(name) <= wanted


def figures(text: str) -> set[str]:
    """Numbers with their unit, normalised: "50 percent" and "50%" are both "50%".

    >>> sorted(figures("up to 1 GB, 90 percent cheaper, 1.5x, 15 containers"))
    ['1.5x', '1gb', '90%']
    """
    out = set()
    for num, unit in FIGURE_RE.findall(text):
        unit = unit.lower()
        unit = "%" if unit in ("%", "percent", "per cent") else "x" if unit in ("x", "times") else unit.rstrip("s")
        out.add(num.replace(",", "") + unit)
    return out


def _services_with_figures(knowledge, wanted: set[str]) -> list[str]:
    """Services whose own section states one of ``wanted``; only a figure one service owns counts."""
    if not wanted:
        return []
    table = knowledge.figures_of_service
    out = []
    for fig in wanted:
        owners = [name for name, figs in table.items() if fig in figs]
        if len(owners) == 1:
            out.append(owners[0])
    return out


def _with_hosted_product(knowledge, services, agg, best_score):
    """A concept answer ('Distributed Training') names the product its section presents
    without giving it a section of its own ('... on Amazon SageMaker HyperPod'), when the
    question also points to that product. A product the whole material keeps naming is its
    backdrop: "Cold brew", not "Cold brew + Kettlehub", over notes that name Kettlehub throughout."""
    prefixes = knowledge.profile.name_prefixes
    if len(services) != 1 or not prefixes or any(services[0].startswith(p + " ") for p in prefixes):
        return services  # without a profile nothing tells a product from a concept
    concept = services[0]
    own_sections = {s.name for s in knowledge.section_service.values() if s is not None}
    rows = [r for r, s in knowledge.section_service.items() if s is not None and s.name == concept]
    hosted = {x.name for r in rows for x in knowledge.catalog.find(knowledge.chunks[r].text)
              if not x.generic and x.name not in own_sections and x.name in knowledge.topics_hint
              and any(x.name.startswith(p + " ") for p in prefixes)
              and knowledge.passage_share.get(x.name, 0.0) < BACKDROP_SHARE}
    hosted = [h for h in hosted if agg.get(h, 0.0) >= HOSTED_RATIO * best_score]
    return (concept, max(hosted, key=lambda h: agg[h])) if hosted else services
