"""Cloze flashcards with citations: an Anki package (a zip with the notes in SQLite) and a CSV."""

from __future__ import annotations

import csv
import sqlite3
import zipfile

import pytest

from studyrag.study.flashcards import cards, write


@pytest.fixture(scope="module")
def deck(tutor):
    return cards(tutor.knowledge)


def test_cards_are_clozes_of_the_material(tutor, deck):
    assert len(deck) >= 30
    for c in deck:
        assert c.text.count("{{c1::") == 1
        assert f"{{{{c1::{c.answer}}}}}" in c.text
        assert c.cited.text in tutor.knowledge.text_of(c.cited.source)
        assert c.text.replace(f"{{{{c1::{c.answer}}}}}", c.answer) in c.cited.text


def test_apkg_is_a_zip_with_the_notes(deck, tmp_path):
    out = write(deck, tmp_path / "deck.apkg", "test deck")
    with zipfile.ZipFile(out) as z:
        assert "collection.anki2" in z.namelist()
        (tmp_path / "x").mkdir()
        z.extract("collection.anki2", tmp_path / "x")
    db = sqlite3.connect(tmp_path / "x" / "collection.anki2")
    fields = [r[0].split("\x1f") for r in db.execute("SELECT flds FROM notes")]
    assert len(fields) == len(deck)
    assert {f[0] for f in fields} >= {deck[0].text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}
    assert all(f[1].endswith(")") and ".txt:" in f[1] for f in fields)  # the citation field
    assert db.execute("SELECT count(*) FROM cards").fetchone()[0] == len(deck)


def test_csv_and_bad_names(deck, tmp_path):
    out = write(deck, tmp_path / "cards.csv", "test deck")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == len(deck) and rows[0]["cloze"] == deck[0].text and rows[0]["section"]
    with pytest.raises(ValueError):
        write(deck, tmp_path / "cards.txt", "test deck")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards.csv"]  # nothing half-written
