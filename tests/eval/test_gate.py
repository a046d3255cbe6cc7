"""The eval gate can fail: a deliberately broken retriever pushes metrics under thresholds."""

from __future__ import annotations

import numpy as np
import pytest

from studyrag.eval.harness import Runner, check_gate, thresholds_for
from studyrag.eval.suites import load_suites

THRESHOLDS = {"open": {"scenarios": {"accuracy": 1.0, "citation_validity": 1.0},
                       "out_of_scope": {"refusal_rate": 0.9}}}


class InvertedQueries:
    """Wraps the real embedder; queries come out pointing away from their meaning."""

    def __init__(self, real) -> None:
        self._real = real
        self.name, self.model_id, self.dim = real.name, real.model_id, real.dim

    def embed_passages(self, texts, batch_size=32):
        return self._real.embed_passages(texts, batch_size)

    def embed_queries(self, texts):
        return -np.asarray(self._real.embed_queries(texts))


def _run(index_settings, broken: bool):
    from studyrag.rag.engine import Tutor

    def factory(settings, closed):
        tutor = Tutor(settings, closed_book=closed)
        if broken:
            tutor.knowledge.embedder = InvertedQueries(tutor.knowledge.embedder)
            tutor.knowledge.retriever.embedder = tutor.knowledge.embedder
            tutor.knowledge.retriever._bm25 = _EmptyBM25()
        return tutor

    suites = load_suites(names=["scenarios", "out_of_scope"])
    runner = Runner(index_settings.with_overrides(backend="none"), suites, systems=["extractive"],
                    models=["default"], modes=["open"], progress=False, tutor_factory=factory)
    runner.run()
    return runner.results()


class _EmptyBM25:
    def retrieve(self, *a, **kw):
        return np.zeros((1, 0), dtype=int), np.zeros((1, 0))

    vocab_dict: dict = {}


@pytest.fixture(scope="module")
def healthy(index_settings):
    return _run(index_settings, broken=False)


def test_gate_passes_on_the_real_system(healthy):
    assert check_gate(healthy, THRESHOLDS, "extractive") == []
    assert healthy["systems"]["extractive"]["open"]["scenarios"]["accuracy"] == 1.0


def test_gate_fails_and_names_the_metric_with_a_broken_retriever(index_settings, healthy):
    broken = _run(index_settings, broken=True)
    failures = check_gate(broken, THRESHOLDS, "extractive")
    assert any(f.startswith("open/scenarios/accuracy") for f in failures), failures
    got = broken["systems"]["extractive"]["open"]["scenarios"]["accuracy"]
    assert got < healthy["systems"]["extractive"]["open"]["scenarios"]["accuracy"]


def test_gate_reports_unmeasured_suites(healthy):
    failures = check_gate(healthy, {"closed": {"scenarios": {"accuracy": 0.9}}}, "extractive")
    assert failures == ["closed/scenarios: not evaluated"]


def test_a_run_in_one_mode_is_held_to_that_modes_minimums_only(healthy):
    both = {**THRESHOLDS, "closed": {"scenarios": {"accuracy": 0.9}}}
    assert check_gate(healthy, thresholds_for(both, ["open"]), "extractive") == []
    assert check_gate(healthy, thresholds_for(both, ["open", "closed"]), "extractive") == [
        "closed/scenarios: not evaluated"]


def test_a_run_of_some_suites_is_held_to_those_suites_minimums_only(healthy):
    more = {"open": {**THRESHOLDS["open"], "mcq": {"accuracy": 0.9}}}
    assert check_gate(healthy, thresholds_for(more, ["open"], ["scenarios", "out_of_scope"]),
                      "extractive") == []
    assert check_gate(healthy, thresholds_for(more, ["open"]), "extractive") == ["open/mcq: not evaluated"]


def test_max_thresholds(healthy):
    fake = {"systems": {"s": {"open": {"faq": {"false_refusal_rate": 0.2}}}}}
    assert check_gate(fake, {"open": {"faq": {"false_refusal_rate_max": 0.0}}}, "s") == [
        "open/faq/false_refusal_rate = 0.2 > max 0.0"]
