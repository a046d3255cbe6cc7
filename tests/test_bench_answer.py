"""`studyrag bench answer` end to end on a tiny sample: it reads the eval suites it times
(it once looked for them in a folder that no longer exists) and prints its figures."""

from __future__ import annotations

import pytest

from studyrag.rag.llms.models import DEFAULT_MODEL, MODELS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not MODELS[DEFAULT_MODEL].installed(), reason="the default local model is not installed"),
]


def test_bench_answer_times_a_sample_and_scores_every_scenario(index_settings):
    from studyrag.bench.runs import answer

    grid = answer(index_settings, models="default", questions=1, mcq=0, zh=1, runs=0)
    column = grid.detail[DEFAULT_MODEL]
    rows = {r.key: r.values[DEFAULT_MODEL] for r in grid.rows}
    assert rows["first_p50_ms"] > 0 and rows["zh_p50_ms"] >= rows["zh_first_p50_ms"] > 0
    assert rows["acc_all_scn"] and rows["zh_correct"]
    assert column["lead_vs_full_disagree"] == []
