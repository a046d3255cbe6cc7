"""Running the suites through the systems and scoring them deterministically.

Systems, side by side in one run: ``system:<model>`` (the full pipeline with a local model,
or with the configured backend), ``extractive`` (the same pipeline, no LLM) and
``baseline:<model>`` (naive LangChain RAG, same embedder, same LLM). Modes: ``open`` and
``closed`` (the index without scenario/FAQ/summary chunks).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from studyrag.eval import metrics as M

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

METRICS = ["accuracy", "fact_recall", "hit@1", "hit@3", "refusal_rate", "false_refusal_rate",
           "citation_validity", "fallback_rate", "p50_ms", "p95_ms", "first_token_p50_ms"]


@dataclass
class Row:
    suite: str
    id: str
    system: str
    mode: str
    question: str
    answer: str
    refused: bool
    fallback: bool
    correct: bool | None
    fact_recall: float | None
    hit1: bool | None
    hit3: bool | None
    cite_ok: bool | None
    total_ms: float
    first_token_ms: float
    choice: list[str] | None = None
    citations: list[dict] = field(default_factory=list)
    error: str | None = None
    should_refuse: bool = False  # the item's gold label: any suite may hold such items


def score_item(item: dict, answer, system: str, mode: str, suite: str, text_of, material: str = "") -> Row:
    a = answer.to_json() if hasattr(answer, "to_json") else answer
    text = a.get("answer", "")
    refused = bool(a.get("refused"))
    correct: bool | None = None
    if "choice" in item:
        got = a.get("choice") or M.choice_of(text, item.get("options", {}))
        correct = sorted(got) == sorted(item["choice"]) and not refused
    elif item.get("refuse"):
        correct = refused
    elif item.get("services") and not item.get("facts"):
        correct = M.service_correct(text, item["services"], any_of=item.get("services_match") == "any",
                                    material=material) \
            and not refused
    facts = M.fact_recall(text, item["facts"]) if item.get("facts") and not refused else (
        0.0 if item.get("facts") else None)
    retrieved = [r["section"] for r in a.get("retrieved", [])]
    has_gold = bool(item.get("sections")) and bool(retrieved)
    cites = a.get("citations", [])
    cite_ok = M.citations_valid(text, cites, text_of) if (cites or "[" in text) else (None if not text else None)
    if system.startswith("baseline"):
        cite_ok = None
    return Row(
        suite, item["id"], system, mode, item["question"], text, refused, bool(a.get("fallback")),
        correct, facts,
        M.section_hit(retrieved, item.get("sections", []), 1) if has_gold else None,
        M.section_hit(retrieved, item.get("sections", []), 3) if has_gold else None,
        cite_ok, float(a.get("timings", {}).get("total_ms", 0.0)),
        float(a.get("timings", {}).get("first_token_ms", 0.0)), a.get("choice"), cites, a.get("error"),
        bool(item.get("refuse")),
    )


def summarize(rows: list[Row]) -> dict:
    def rate(vals):
        vals = [v for v in vals if v is not None]
        return round(sum(map(float, vals)) / len(vals), 4) if vals else None

    in_scope = [r for r in rows if not r.should_refuse]
    oos = [r for r in rows if r.should_refuse]
    answered = [r for r in rows if not r.refused]
    lat = [r.total_ms for r in rows]
    return {
        "n": len(rows),
        "accuracy": rate([r.correct for r in in_scope]),
        "fact_recall": rate([r.fact_recall for r in rows]),
        "hit@1": rate([r.hit1 for r in rows]),
        "hit@3": rate([r.hit3 for r in rows]),
        "refusal_rate": rate([r.refused for r in oos]) if oos else None,
        "false_refusal_rate": rate([r.refused for r in in_scope]) if in_scope else None,
        "citation_validity": rate([r.cite_ok for r in answered]),
        "fallback_rate": rate([r.fallback for r in answered]),
        "p50_ms": round(M.percentile(lat, 0.5), 1),
        "p95_ms": round(M.percentile(lat, 0.95), 1),
        "first_token_p50_ms": round(M.percentile([r.first_token_ms for r in rows], 0.5), 1),
    }


class Runner:
    """Builds each system once per mode and runs every suite item through it."""

    def __init__(self, settings: Settings, suites: dict[str, list[dict]], *, systems: list[str], models: list[str],
                 modes: list[str], progress: bool = True, tutor_factory=None) -> None:
        self.settings = settings
        self.suites = suites
        self.systems = systems
        self.models = models
        self.modes = modes
        self.progress = progress
        self.tutor_factory = tutor_factory  # tests inject a broken retriever through this
        self.rows: list[Row] = []
        self.wall_s = 0.0

    def plan(self) -> list[tuple[str, str]]:
        """(system label, mode) pairs in run order."""
        labels = []
        for s in self.systems:
            if s == "system":
                labels += [f"system:{m}" for m in self.models]
            elif s == "baseline":
                labels.append(f"baseline:{self.models[0]}")
            else:
                labels.append(s)
        return [(label, mode) for mode in self.modes for label in labels]

    def run(self) -> list[Row]:
        from tqdm import tqdm

        t0 = time.perf_counter()
        total = sum(len(v) for v in self.suites.values()) * len(self.plan())
        with tqdm(total=total, desc="Evaluating", unit="q", disable=not self.progress) as bar:
            for label, mode in self.plan():
                answerer = self._answerer(label, mode)
                text_of = answerer.text_of
                material = answerer.material
                for suite, items in self.suites.items():
                    for item in items:
                        bar.set_postfix_str(f"{label} {mode} {suite}", refresh=False)
                        answer = answerer.ask(item)
                        self.rows.append(score_item(item, answer, label, mode, suite, text_of, material))
                        bar.update(1)
        self.wall_s = time.perf_counter() - t0
        return self.rows

    def _answerer(self, label: str, mode: str):
        closed = mode == "closed"
        kind, _, model = label.partition(":")
        if kind == "system":
            s = self._settings_for(model)
            tutor = self.tutor_factory(s, closed) if self.tutor_factory else _tutor(s, closed)
            return _TutorAnswerer(tutor)
        if kind == "extractive":
            s = self.settings.with_overrides(backend="none")
            return _TutorAnswerer(self.tutor_factory(s, closed) if self.tutor_factory else _tutor(s, closed))
        if kind == "baseline":
            from studyrag.eval.baseline import NaiveRAG

            s = self._settings_for(model)
            tutor = _tutor(s, closed)
            llm = tutor.chat_model()
            return _BaselineAnswerer(NaiveRAG(tutor.knowledge, llm, tutor.model_name, tutor.backend_name), tutor)
        raise ValueError(f"unknown system {label!r}")

    def _settings_for(self, model: str):
        if self.settings.backend == "local" and model not in ("", "default"):
            return self.settings.with_overrides(model=model)
        return self.settings

    def results(self) -> dict:
        out: dict = {"wall_s": round(self.wall_s, 1), "systems": {}}
        for label, mode in self.plan():
            rows = [r for r in self.rows if r.system == label and r.mode == mode]
            per_suite = {s: summarize([r for r in rows if r.suite == s]) for s in self.suites}
            per_suite["all"] = summarize(rows)
            out["systems"].setdefault(label, {})[mode] = per_suite
        return out


_TUTORS: dict = {}


def _tutor(settings: Settings, closed: bool):
    from studyrag.rag.engine import Tutor

    key = (settings.model_dump_json(), closed)
    if key not in _TUTORS:
        _TUTORS[key] = Tutor(settings, closed_book=closed)
    return _TUTORS[key]


def release_tutors() -> None:
    """Forget the tutors built so far (each holds its index in memory): a run over many
    materials (scripts/gate_materials.py) keeps one at a time. Model workers are per process
    and stay."""
    _TUTORS.clear()


def material_of(tutor) -> str:
    """The whole study text, for the scorer: its lower-case words are not service names."""
    return "\n".join(tutor.knowledge.sources.values())


class _TutorAnswerer:
    def __init__(self, tutor) -> None:
        self.tutor = tutor
        self.text_of = tutor.knowledge.text_of
        self.material = material_of(tutor)

    def ask(self, item: dict):
        """A follow-up item's earlier user turns are asked first, as in a chat: the tutor
        sees the conversation (questions and its own answers) as a user would have it."""
        history: list[dict] = []
        for turn in item.get("history") or []:
            if turn.get("role", "user") != "user":
                continue
            earlier = self.tutor.ask(turn["content"], history=list(history))
            history += [{"role": "user", "content": turn["content"]},
                        {"role": "assistant", "content": earlier.answer}]
        return self.tutor.ask(item["question"], options=item.get("options"), history=history or None)


class _BaselineAnswerer:
    def __init__(self, naive, tutor) -> None:
        self.naive = naive
        self.text_of = tutor.knowledge.text_of
        self.material = material_of(tutor)

    def ask(self, item: dict):
        """The naive chain has no memory: a follow-up gets the earlier user turns prepended
        (the usual "condense by concatenation")."""
        earlier = [t["content"] for t in item.get("history") or [] if t.get("role", "user") == "user"]
        return self.naive.ask(" ".join(earlier + [item["question"]]), options=item.get("options"))


def thresholds_for(thresholds: dict, modes: list[str], suites: list[str] | None = None) -> dict:
    """The minimums of the modes and suites a run answered (`all` holds for any run): CI gates
    every suite extractively and a few with the local model, in separate runs (scripts/test.sh).

    >>> both = {"open": {"mcq": {"accuracy": 0.9}, "faq": {"fact_recall": 0.8}, "all": {"fallback_rate_max": 0.25}},
    ...         "closed": {"mcq": {"accuracy": 0.8}}}
    >>> thresholds_for(both, ["closed"])
    {'closed': {'mcq': {'accuracy': 0.8}}}
    >>> thresholds_for(both, ["open"], ["mcq"])
    {'open': {'mcq': {'accuracy': 0.9}, 'all': {'fallback_rate_max': 0.25}}}
    """
    def wanted(suite: str) -> bool:
        return suites is None or suite == "all" or suite in suites
    return {mode: {suite: limits for suite, limits in (by_suite or {}).items() if wanted(suite)}
            for mode, by_suite in thresholds.items() if mode in modes}


def check_gate(results: dict, thresholds: dict, system_label: str) -> list[str]:
    """Every metric below its minimum (or above its *_max) for the gated system, named."""
    failures = []
    per_mode = results["systems"].get(system_label, {})
    for mode, suites in thresholds.items():
        for suite, limits in (suites or {}).items():
            got = per_mode.get(mode, {}).get(suite)
            if got is None:
                failures.append(f"{mode}/{suite}: not evaluated")
                continue
            for metric, limit in limits.items():
                name = metric[:-4] if metric.endswith("_max") else metric
                value = got.get(name)
                if value is None:
                    failures.append(f"{mode}/{suite}/{name}: not measured")
                elif metric.endswith("_max") and value > limit:
                    failures.append(f"{mode}/{suite}/{name} = {value} > max {limit}")
                elif not metric.endswith("_max") and value < limit:
                    failures.append(f"{mode}/{suite}/{name} = {value} < min {limit}")
    return failures
