"""Items generated from the material itself, each key confirmed by its sentence and the engine."""

from __future__ import annotations

import dataclasses
import shutil

from studyrag.study import check as ck
from studyrag.study.bank import cache_path, load_or_build
from studyrag.study.generate import candidates
from tests.conftest import REPO, make_settings


def test_every_item_is_keyed_by_its_cited_sentence(tutor, bank):
    k = tutor.knowledge
    assert len(bank) >= 30
    assert {"which", "compare"} <= {it.kind for it in bank.items}
    sections = {c.section[0] for c in k.chunks}
    for it in bank.items:
        assert ck.key_in_sentence(k, it), it.id
        assert it.cited.text == k.text_of(it.cited.source)[it.cited.start:it.cited.end].strip()
        assert 3 <= len(it.options) <= 5 and len(set(it.options.values())) == len(it.options)
        assert it.topic in sections  # topics are the material's own sections
        assert it.stem.rstrip().endswith("?")  # every stem asks a question
        for letter, why in it.why_not.items():  # "why not X" is about X, from the material
            assert letter != it.key and it.options[letter] in why
            assert it.why_not_cited[letter].text in k.text_of(it.why_not_cited[letter].source)


def test_distractors_are_entities_of_the_same_kind(tutor, bank):
    from studyrag.study.entities import build

    ents = build(tutor.knowledge)
    for it in bank.items:
        if it.kind in ("which", "compare"):
            assert set(it.options.values()) <= set(ents.names), it.options
            assert all(not ents.overlapping(t, it.key_text) for L, t in it.options.items() if L != it.key)


def test_an_item_the_engine_answers_otherwise_is_dropped(tutor, bank):
    """A compare item keyed to the wrong side: its sentence names both sides (so the sentence
    check passes), but the engine, asked the item, picks the other side: dropped."""
    good = next(it for it in bank.items if it.kind == "compare")
    other = next(L for L, t in good.options.items() if L != good.key and t in good.stem)
    wrong = dataclasses.replace(good, id="miskeyed", key=other)
    assert ck.key_in_sentence(tutor.knowledge, wrong)
    kept, report = ck.check(tutor, [good, wrong])
    assert [it.id for it in kept] == [good.id]
    assert report.dropped_engine == ["miskeyed"] and report.tried == 2 and report.kept == 1


def test_the_bank_is_cached_per_index(tutor, bank, monkeypatch):
    assert cache_path(tutor.settings, tutor.knowledge).is_file()
    monkeypatch.setattr("studyrag.study.bank.build", lambda *a, **k: (_ for _ in ()).throw(AssertionError("rebuilt")))
    again = load_or_build(tutor)
    assert [it.to_json() for it in again.items] == [it.to_json() for it in bank.items]


def test_generation_on_material_without_any_vendor_names(tmp_path):
    """Course notes about databases: no 'Amazon X' names, no arrows; items come from its lists."""
    from studyrag.ingest.pipeline import ingest
    from studyrag.rag.engine import Tutor

    (tmp_path / "data").mkdir()
    shutil.copy(REPO / "eval" / "corpora" / "relational-databases-notes.md", tmp_path / "data")
    settings = make_settings(tmp_path, backend="none")
    ingest(settings, progress=False)
    t = Tutor(settings)
    cands = candidates(t.knowledge)
    assert len(cands) >= 20 and {it.kind for it in cands} >= {"define"}
    bank = load_or_build(t)
    assert len(bank) >= 5
    assert all(ck.key_in_sentence(t.knowledge, it) for it in bank.items)
    assert {it.topic for it in bank.items} <= {c.section[0] for c in t.knowledge.chunks}
