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
