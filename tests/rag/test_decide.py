"""The decision's figure rule, on the real guide's sections."""

from __future__ import annotations

import pytest

from studyrag.rag.decide import _services_with_figures, figures
from studyrag.rag.engine import Tutor


@pytest.fixture(scope="module")
def tutor(index_settings):
    return Tutor(index_settings.with_overrides(backend="none"))


def test_figures_normalise_units_and_ignore_bare_numbers():
    assert figures("cuts cost by up to 90 percent, 90% or 90 per cent") == {"90%"}
    assert figures("payloads up to 1 GB, 400MB scans, 2 hours, 20 minutes") == {"1gb", "400mb", "2hour", "20minute"}
    assert figures("5,000 per-customer models in 3 regions") == set()
    assert figures("1.5x faster, 3 times cheaper") == {"1.5x", "3x"}


def test_a_figure_counts_for_the_one_service_whose_section_states_it(tutor):
    k = tutor.knowledge
    assert _services_with_figures(k, {"50%"}) == ["Amazon SageMaker Training Compiler"]
    assert _services_with_figures(k, {"1gb"}) == ["Amazon SageMaker Asynchronous Inference"]
    assert _services_with_figures(k, {"123%"}) == []


# -- the situation a question describes -----------------------------------------------------
from studyrag.rag.question import parse  # noqa: E402
from studyrag.rag.signals import blend, scenario_text  # noqa: E402


@pytest.mark.parametrize("question, kept, dropped", [
    # The tail only asks: it goes.
    ("A clinic tags 9,000 scans with its own staff. Which SageMaker capability should they use?",
     "tags 9,000 scans", "capability"),
    ("A bank scores loans overnight. Which option meets these requirements MOST cost-effectively?",
     "scores loans overnight", "requirements"),
    # The tail states the need: its content stays, its asking words go.
    ("We trained a model and do not know what size of instance to host it on. Which SageMaker "
     "capability benchmarks our model across instance types and reports the cheapest one that is fast enough?",
     "benchmarks our model across instance types", "capability"),
    # One sentence that only asks: the asking noun is no part of the need.
    ("Which SageMaker feature keeps a shared catalog of model inputs for many teams?",
     "keeps a shared catalog", "feature"),
])
def test_the_situation_keeps_the_need_and_drops_the_asking_words(question, kept, dropped):
    situation = scenario_text(question, ("amazon", "aws", "sagemaker"))
    assert kept in situation
    assert dropped not in situation.lower()
    assert "sagemaker" not in situation.lower()


def test_vs_code_is_an_editor_not_a_comparison():
    q = parse("Data scientists want JupyterLab and a VS Code-style editor in the browser, and to launch "
              "training jobs and browse experiments from there. Which SageMaker offering is that?")
    assert q.kind(2) == "which"
    assert parse("Amazon SageMaker Canvas vs Amazon SageMaker Autopilot").kind(2) == "compare"


def test_blend_puts_the_second_opinion_on_the_first_ones_scale():
    import numpy as np

    first = np.array([0.2, 0.4, 0.6, 0.3])
    second = np.array([0.80, 0.82, 0.84, 0.81])  # e5-like: compressed near 0.8, same order
    mixed = blend(first, second)
    assert np.argsort(mixed).tolist() == np.argsort(first).tolist()
    assert abs(mixed.mean() - first.mean()) < 1e-9  # no shift of the decision's floors
    # Where the two disagree, the second opinion moves the ranking only part of the way.
    flipped = blend(first, second[::-1])
    assert flipped.argmax() == 2


def test_the_decision_has_a_second_embedder_unless_it_is_turned_off(tutor, index_settings):
    k = tutor.knowledge
    assert k.second_embedder is not None and k.second_embedder.name == "e5"
    assert k.signals.second.shape == (len(k.signals.statements), k.second_embedder.dim)
    off = Tutor(index_settings.with_overrides(backend="none", decision_embedder="none")).knowledge
    assert off.second_embedder is None and off.signals.second is None
    assert off.second_query("anything") is None


@pytest.mark.parametrize("question, service", [
    ("An insurer has a trained model and no idea which instance family or size to host it on. Which "
     "SageMaker capability load-tests the model on many instance types and returns the best price/performance?",
     "Inference Recommender"),
    ("A media company runs one small model per newspaper title, 2,000 titles in all, and at any moment "
     "only a few dozen are being called. Paying for 2,000 endpoints is out of the question. Which deployment "
     "option fits?", "Multi-Model"),
])
def test_questions_whose_tail_states_the_need_are_decided_by_it(tutor, question, service):
    ans = tutor.ask(question)
    assert not ans.refused and service in ans.answer.splitlines()[0]


@pytest.mark.parametrize("question, expected", [
    ("A bank must retrain its credit model every week, evaluate it, and let a risk officer "
     "approve each new version before it is deployed. Which SageMaker capabilities should it combine?",
     {"Amazon SageMaker Pipelines", "Amazon SageMaker Model Registry"}),
    ("Which SageMaker feature tracks model versions and their approval status (Approved, Rejected) "
     "for auditors?", {"Amazon SageMaker Model Registry"}),
])
def test_a_pair_is_answered_only_when_the_question_points_to_both(tutor, question, expected):
    ans = tutor.ask(question)
    assert set(ans.services) == expected, ans.answer.splitlines()[0]
