"""Feedback storage (SQLite, WAL, scrubbed) and `studyrag feedback export`."""

from __future__ import annotations

import json
import sqlite3

import pytest

from studyrag.cli import main
from studyrag.ui.feedback import FeedbackStore, as_suite_item, scrub

ANSWER = {
    "question": "Which service labels 300,000 images before training?",
    "answer": "Answer: Amazon SageMaker Ground Truth [1]",
    "citations": [{"id": 1, "source": "guide.txt", "section": "Amazon SageMaker Ground Truth — Data Labeling",
                   "start": 10, "end": 40, "quote": "Ground Truth labels data."}],
    "backend": "local", "model": "qwen2.5-coder-0.5b", "kind": "which", "lang": "en",
    "refused": False, "fallback": False, "services": ["Amazon SageMaker Ground Truth"],
}


@pytest.mark.parametrize("secret", [
    "AKIAIOSFODNN7EXAMPLE",
    "ASIAY34FZKBOKMUTVV7A",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "aws_secret_access_key = abcdEFGH1234ijkl",
    "AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEPT//////////wEaCXVzLWVhc3QtMSJHMEUCIQD",
    "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abcdefghijkl",
    "sk-proj-abcdefghijklmnopqrstuvwx",
])
def test_scrub_removes_credentials(secret):
    out = scrub(f"my setup: {secret} thanks")
    assert "[REDACTED]" in out
    tail = secret.split("=")[-1].split()[-1]
    assert tail not in out


@pytest.mark.parametrize("text", [
    "Which service labels 300,000 images before training?",
    "token embeddings and the secret sauce of Serverless Inference",
    "index sha 5f570fe59846e87bd88a8224ec422bfc07b42128 is fine",
    "哪個服務可以在訓練前為圖片加上標籤？",
])
def test_scrub_leaves_ordinary_text(text):
    assert scrub(text) == text


def test_store_records_replaces_and_removes(tmp_path):
    db = tmp_path / "fb" / "feedback.sqlite3"
    store = FeedbackStore(db)
    leaky = {**ANSWER, "question": ANSWER["question"] + " (key AKIAIOSFODNN7EXAMPLE)"}
    rid = store.record(key="ui:1", rating=True, answer=leaky)
    assert rid == 1 and store.count() == 1
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    q, rating, cits = con.execute("SELECT question, rating, citations FROM feedback").fetchone()
    assert "AKIA" not in q and rating == 1
    assert json.loads(cits)[0]["quote"] == "Ground Truth labels data."
    # Rating the same answer again replaces it; taking the rating back removes it.
    assert store.record(key="ui:1", rating="down", answer=leaky) == rid
    assert con.execute("SELECT rating FROM feedback").fetchone()[0] == -1
    store.record(key="ui:1", rating=None, answer=leaky)
    assert store.count() == 0
    con.close()
    with pytest.raises(ValueError):
        store.record(key="ui:2", rating="maybe", answer=ANSWER)


def test_suite_item_shape():
    store_row = {"id": 3, "key": "ui:x", "created_at": "2026-01-01T00:00:00+00:00", "rating": -1,
                 "question": "q", "answer": "a [1]", "citations": json.dumps(ANSWER["citations"]),
                 "backend": "none", "model": "extractive", "kind": "which", "lang": "en", "refused": 0,
                 "fallback": 0, "services": json.dumps(ANSWER["services"]), "comment": "wrong service"}
    item = as_suite_item(store_row)
    assert item["id"] == "fb-0003" and item["rating"] == "down" and item["refuse"] is False
    assert item["sections"] == ["Amazon SageMaker Ground Truth — Data Labeling"]
    assert item["services"] == ["Amazon SageMaker Ground Truth"] and "wrong service" in item["note"]


def test_feedback_export_cli(tmp_path, capsys):
    db = tmp_path / "feedback.sqlite3"
    store = FeedbackStore(db)
    store.record(key="ui:a", rating=True, answer=ANSWER)
    store.record(key="ui:b", rating=False, answer={**ANSWER, "question": "Serverless vs Asynchronous?"})
    out = tmp_path / "out" / "feedback.jsonl"
    assert main(["feedback", "export", "--db", str(db), "--out", str(out)]) == 0
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["rating"] for x in lines] == ["up", "down"]
    for x in lines:
        assert {"id", "question", "answer", "citations", "rating", "services", "sections", "refuse",
                "backend", "model", "created_at"} <= set(x)
        assert x["citations"][0]["quote"] == "Ground Truth labels data."
    # stdout, and the default location under --work-dir
    assert main(["feedback", "export", "--db", str(db)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    work = tmp_path / "work"
    FeedbackStore(work / "feedback.sqlite3").record(key="k", rating=1, answer=ANSWER)
    assert main(["feedback", "export", "--work-dir", str(work)]) == 0
    assert json.loads(capsys.readouterr().out)["question"] == ANSWER["question"]


def test_feedback_export_without_a_database_fails_clearly(tmp_path, capsys):
    assert main(["feedback", "export", "--db", str(tmp_path / "missing.sqlite3")]) == 2
    assert "no feedback database" in capsys.readouterr().err
