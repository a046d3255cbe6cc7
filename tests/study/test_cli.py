"""`studyrag quiz` and `studyrag flashcards` as a user runs them (a real process, the real index)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from studyrag.study.progress import SqliteProgress


@pytest.fixture(scope="module")
def env(index_settings, bank):  # the bank fixture leaves the generated items cached in the work dir
    out = {k: v for k, v in os.environ.items() if not k.startswith("STUDYRAG_")}
    out.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               STUDYRAG_DATA_DIR=str(index_settings.data_dir), STUDYRAG_WORK_DIR=str(index_settings.work_dir))
    return out


def studyrag(env, *args, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studyrag.cli", *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=600)


def test_quiz_json_grades_and_records(env, index_settings, bank):
    r = studyrag(env, "quiz", "--n", "2", "--json", "--user", "cli-user", "--seed", "5", stdin="A\nB\n")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(lines) == 4
    for question, grade, pick in ((lines[0], lines[1], "A"), (lines[2], lines[3], "B")):
        assert "key" not in question and question["id"] in bank.by_id
        item = bank.by_id[question["id"]]
        assert grade["pick"] == pick and grade["key"] == item.key and grade["correct"] == (pick == item.key)
        assert grade["cited"]["text"] == item.cited.text
    rows = SqliteProgress(index_settings.work_dir / "progress.sqlite3").rows("cli-user")
    assert sum(r.seen for r in rows) == 2


def test_quiz_text_shows_the_citation_and_score(env, bank):
    topic = bank.topics()[0]
    r = studyrag(env, "quiz", "--n", "1", "--topic", topic[:12].lower(), "--user", "cli-text", stdin="A\n")
    assert r.returncode == 0, r.stderr
    assert f"· {topic}" in r.stdout and "Source:" in r.stdout and "Score: " in r.stdout


def test_quiz_bad_topic_is_one_line(env):
    r = studyrag(env, "quiz", "--topic", "no such section anywhere")
    assert r.returncode != 0 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "no topic matches" in r.stderr


def test_flashcards_apkg_and_bad_name(env, tmp_path):
    r = studyrag(env, "flashcards", "--out", str(tmp_path / "deck.apkg"))
    assert r.returncode == 0, r.stderr
    assert "collection.anki2" in zipfile.ZipFile(tmp_path / "deck.apkg").namelist()
    bad = studyrag(env, "flashcards", "--out", str(tmp_path / "deck.txt"))
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.apkg"]
