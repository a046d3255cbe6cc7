"""The real guide's index (tests/conftest.py), its extractive tutor, and its checked bank,
built once; the PostgreSQL fixtures of tests/rag are shared for the progress store."""

from __future__ import annotations

import pytest

from tests.rag.conftest import pg_target  # noqa: F401  (a fixture, used by test_progress.py)


@pytest.fixture(scope="session")
def tutor(index_settings):
    from studyrag.rag.engine import Tutor

    return Tutor(index_settings.with_overrides(backend="none"))


@pytest.fixture(scope="session")
def bank(tutor):
    from studyrag.study.bank import load_or_build

    return load_or_build(tutor)
