"""Shared fixtures: the real guide, the real embedder, a real index built once per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from studyrag.cli import derive_for_answering
from studyrag.index.hooks import on_new_build

on_new_build(derive_for_answering)  # as every studyrag command does: ingest derives for answering

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "data" / "sagemaker-platform-aif-c01-study-guide.txt"
ARTIFACTS = REPO / "test-artifacts"


def make_settings(tmp: Path, **kw):
    from studyrag.settings import Settings

    defaults = dict(data_dir=tmp / "data", work_dir=tmp / "work")
    defaults.update(kw)
    return Settings(**defaults)


@pytest.fixture(scope="session")
def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def index_settings(tmp_path_factory):
    """Settings pointing at a real FAISS index of the real guide (MiniLM), built once."""
    from studyrag.ingest.pipeline import ingest

    tmp = tmp_path_factory.mktemp("index")
    (tmp / "data").mkdir()
    shutil.copy(GUIDE, tmp / "data" / GUIDE.name)
    settings = make_settings(tmp)
    ingest(settings, progress=False)
    return settings


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
