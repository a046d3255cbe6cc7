"""The index holds everything answering needs: ingest derives the sentence, statement and FAQ
vectors and the refusal anchors into the build, so answering embeds only the question and
reads no source file (index/stores/derived.py)."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import GUIDE, make_settings

from .conftest import fresh_schema

QUESTION = "A business analyst with no Python wants churn predictions from a CSV. Which service?"


@pytest.fixture
def counted_embedders(monkeypatch):
    """Every text embedded, by kind, whichever embedder does it (MiniLM and the decision's e5)."""
    from studyrag.index.embedders import get_embedder

    seen = {"passages": [], "queries": []}
    for name in ("minilm", "e5"):
        cls = type(get_embedder(name))
        for kind, method in (("passages", "embed_passages"), ("queries", "embed_queries")):
            original = getattr(cls, method)

            def counting(self, texts, *a, _original=original, _kind=kind, **kw):
                seen[_kind].extend(texts)
                return _original(self, texts, *a, **kw)
            monkeypatch.setattr(cls, method, counting)
    return seen


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def test_the_first_answer_of_a_new_tutor_embeds_only_the_question(tmp_path, counted_embedders):
    from studyrag.ingest.pipeline import ingest
    from studyrag.rag.engine import Tutor

    (tmp_path / "data").mkdir()
    shutil.copy(GUIDE, tmp_path / "data" / GUIDE.name)
    settings = make_settings(tmp_path, backend="none")
    ingest(settings, progress=False)
    counted_embedders["passages"].clear(), counted_embedders["queries"].clear()

    ans = Tutor(settings).ask(QUESTION)
    assert ans.services == ["Amazon SageMaker Canvas"], ans.answer
    assert counted_embedders["passages"] == []  # nothing of the material is embedded again
    asked = _words(QUESTION)
    for text in counted_embedders["queries"]:  # the question, its situation and its clauses
        assert _words(text) <= asked, text
    assert not (settings.work_dir / "cache").exists()  # the derived data lives in the index


def test_pgvector_answers_the_same_with_data_moved_away(pg_target, tmp_path):
    from studyrag.ingest.pipeline import ingest
    from studyrag.rag.engine import Tutor

    (tmp_path / "data").mkdir()
    shutil.copy(GUIDE, tmp_path / "data" / GUIDE.name)
    settings = pg_target.settings(tmp_path, schema=fresh_schema("moved"), backend="none")
    ingest(settings, progress=False)
    before = Tutor(settings).ask(QUESTION)

    (tmp_path / "data").rename(tmp_path / "elsewhere")
    after = Tutor(settings).ask(QUESTION)
    assert after.answer == before.answer and after.services == before.services
    assert [(c.source, c.start, c.end) for c in after.citations] == [
        (c.source, c.start, c.end) for c in before.citations]
    assert not (settings.work_dir / "cache").exists()  # derived data came from PostgreSQL
