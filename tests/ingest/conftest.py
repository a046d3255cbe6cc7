"""Fixtures of the command-line ingest and library tests."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def isolated_cli(monkeypatch, tmp_path):
    """No STUDYRAG_* variables and no .env file from the developer's shell leak in; the
    command runs in the test's own folder (its default work dir, .studyrag, lands there)."""
    for k in list(os.environ):
        if k.startswith("STUDYRAG_"):
            monkeypatch.delenv(k)
    monkeypatch.chdir(tmp_path)
