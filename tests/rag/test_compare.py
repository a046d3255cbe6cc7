"""Compare questions: each of the guide's trap pairs gets a side-by-side citing both sides."""

from __future__ import annotations

import pytest

from studyrag.rag.catalog import core_of

PAIRS = [
    ("What is the difference between SageMaker Studio and SageMaker Canvas?", ["Studio", "Canvas"]),
    ("Ground Truth vs Rekognition: when do I use which?", ["Ground Truth", "Rekognition"]),
    ("Compare real-time endpoints, serverless inference, asynchronous inference and batch transform.",
     ["Real-time endpoints", "Serverless Inference", "Asynchronous Inference", "Batch Transform"]),
    ("How does SageMaker JumpStart differ from Amazon Bedrock?", ["JumpStart", "Bedrock"]),
    ("Model Monitor versus Clarify — what is the difference?", ["Model Monitor", "Clarify"]),
    ("SageMaker Pipelines vs AWS CodePipeline: what's the difference?", ["SageMaker Pipelines", "CodePipeline"]),
]


@pytest.fixture(scope="module")
def tutor(index_settings):
    from studyrag.rag.engine import Tutor

    return Tutor(index_settings.with_overrides(backend="none"))


@pytest.mark.parametrize("question,sides", PAIRS, ids=[p[1][0] for p in PAIRS])
def test_trap_pair_answer_cites_both_sides(tutor, question, sides):
    k = tutor.knowledge
    a = tutor.ask(question)
    assert a.kind == "compare" and not a.refused
    lines = [l for l in a.answer.splitlines() if l.startswith("- **")]
    assert len(lines) == len(sides), a.answer
    for side in sides:
        svc = next(s for s in k.catalog.find(side) if not s.generic)
        # the bullet for this side exists and cites at least one passage about this side
        line = next(l for l in lines if core_of(svc.name) in core_of(l.split("**")[1]))
        ids = [int(x) for x in __import__("re").findall(r"\[(\d+)\]", line)]
        assert ids, line
        cited = [a.citations[i - 1] for i in ids]
        assert any(svc.core in core_of(c.quote) or side.lower() in c.quote.lower()
                   or side.lower() in c.section.lower() for c in cited), (side, [c.quote for c in cited])
    for c in a.citations:
        assert k.text_of(c.source)[c.start:c.end] == c.quote
