"""Scoring rows: a suite of any name may hold items that must be refused."""

from __future__ import annotations

from studyrag.eval.harness import score_item, summarize


def _row(item, refused, answer="Answer: Amazon SageMaker Ground Truth"):
    a = {"answer": answer, "refused": refused, "citations": [], "timings": {"total_ms": 10.0}}
    return score_item(item, a, "extractive", "open", "my_new_suite", lambda source: "")


def test_refuse_items_count_as_refusals_in_any_suite_not_as_accuracy():
    must_refuse = {"id": "x1", "question": "Which AWS service runs Kubernetes?", "services": [], "refuse": True}
    in_scope = {"id": "x2", "question": "Which service labels images?",
                "services": ["Amazon SageMaker Ground Truth"], "refuse": False}
    rows = [_row(must_refuse, True), _row(must_refuse, False), _row(in_scope, False), _row(in_scope, True)]
    summary = summarize(rows)
    assert summary["refusal_rate"] == 0.5  # of the two must-refuse answers, one refused
    assert summary["false_refusal_rate"] == 0.5  # of the two in-scope answers, one refused
    assert summary["accuracy"] == 0.5  # in-scope only: the refused in-scope answer is wrong
