"""Faults: processes killed mid-work, indexes from elsewhere, sources gone, backends down.

Real parts throughout: the real guide and MiniLM, the real ``studyrag ingest`` command in a
subprocess, the real SQLite feedback store, real boto3/langchain-aws against a loopback port
nothing listens on. Already covered elsewhere and not repeated here: a crash inside the
index write and Ctrl-C during embedding, truncated/corrupt index files
(tests/ingest/test_index.py); missing or tampered model files (tests/rag/test_models_registry.py).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from studyrag.ingest.sources import SourceError
from studyrag.rag.engine import Tutor
from studyrag.index.stores import IndexLoadError
from studyrag.index.stores.faiss_store import FaissStore
from tests.support.tutors import fake_aws_env, variant
from tests.conftest import GUIDE, REPO, make_settings

GT = "Amazon SageMaker Ground Truth"
BATCH = "Amazon SageMaker Batch Transform"
LABEL_Q = ("A museum wants volunteers to tag 20,000 scanned paintings by art style before it trains its "
           "own classifier. Which SageMaker service should manage the tagging?")
BATCH_Q = ("A fraud team scores the full monthly transaction table in one nightly run. "
           "Which AWS service should they use?")
REBUILD = "studyrag ingest --rebuild"


def child_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYRAG_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def clone_index(index_settings, dst: Path):
    """A private copy of the session's data folder and work folder (index link, builds,
    embedding cache) whose index can be damaged or replaced without touching the session's."""
    shutil.copytree(index_settings.data_dir, dst / "data")
    shutil.copytree(index_settings.work_dir, dst / "work", symlinks=True,
                    ignore=shutil.ignore_patterns("*.sqlite3*"))
    settings = make_settings(dst)
    link = settings.resolved_index_dir
    assert link.is_symlink() and not os.path.isabs(os.readlink(link)), "the clone must not point at the session index"
    assert link.resolve().is_relative_to(dst)
    return settings


def one_line(msg: str) -> str:
    assert msg and "\n" not in msg and "Traceback" not in msg, msg
    return msg


def assert_cited(ans, tutor) -> None:
    import re

    ids = [c.id for c in ans.citations]
    assert ids == list(range(1, len(ids) + 1)) and ids
    for c in ans.citations:
        assert c.quote == tutor.knowledge.text_of(c.source)[c.start:c.end]
    used = {int(n) for n in re.findall(r"\[(\d+)\]", ans.answer)}
    assert used and used <= set(ids)


# == ingest SIGKILLed while it embeds =================================================================
def read_until(proc, needle: bytes, timeout: float) -> bytes:
    """stderr bytes up to ``needle`` (tqdm writes '\\r', not lines), or fail after ``timeout``."""
    fd = proc.stderr.fileno()
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        left = deadline - time.monotonic()
        if left <= 0 or proc.poll() is not None:
            raise AssertionError(f"never saw {needle!r} (rc={proc.poll()}): {seen[-2000:]!r}")
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if ready:
            seen += os.read(fd, 65536)
    return seen


def test_ingest_sigkilled_during_embedding_leaves_the_previous_index_serving(index_settings, tmp_path):
    settings = clone_index(index_settings, tmp_path)
    link = settings.resolved_index_dir
    builds = link.parent / f".{link.name}-builds"
    target_before, builds_before = os.readlink(link), sorted(os.listdir(builds))
    old = FaissStore(settings).open()
    old_count, old_sources = old.manifest.chunk_count, [s.path for s in old.manifest.sources]

    # A second guide: the next ingest has to embed everything again (twice the chunks).
    shutil.copy(GUIDE, settings.data_dir / "second-copy.txt")
    proc = subprocess.Popen(
        [sys.executable, "-m", "studyrag.cli", "ingest", "--source", str(settings.data_dir),
         "--index-dir", str(link)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=child_env())
    try:
        read_until(proc, b"Embedding", timeout=300)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    assert os.readlink(link) == target_before, "the index link moved to a build that never finished"
    new = [b for b in sorted(os.listdir(builds)) if b not in builds_before]
    assert all(b.endswith(".partial") for b in new), new  # at most a half-written build, set aside
    opened = FaissStore(settings).open()
    assert opened.manifest.chunk_count == old_count == len(opened.chunks)
    assert [s.path for s in opened.manifest.sources] == old_sources
    # Not just loadable: the old index still answers, with exact citations.
    tutor = Tutor(settings.with_overrides(backend="none"))
    ans = tutor.ask(LABEL_Q)
    assert ans.services == [GT]
    assert_cited(ans, tutor)


# == an index from another embedder / a source that is gone ================================================
def test_an_index_whose_manifest_names_another_embedder_is_refused_with_the_rebuild_command(
        index_settings, tmp_path, monkeypatch):
    from studyrag.cli import main
    from studyrag.rag.retrieve import Retriever

    settings = clone_index(index_settings, tmp_path)
    manifest = settings.resolved_index_dir / "manifest.json"
    m = json.loads(manifest.read_text(encoding="utf-8"))
    assert m["embedder"] == "minilm"
    m["embedder"] = "e5"
    manifest.write_text(json.dumps(m, indent=2), encoding="utf-8")
    minilm = settings.with_overrides(backend="none", embedder="minilm")

    for build in (lambda: Retriever(minilm), lambda: Tutor(minilm)):
        with pytest.raises(IndexLoadError) as e:
            build()
        msg = one_line(str(e.value))
        assert REBUILD in msg and "'e5'" in msg and "'minilm'" in msg

    # The command line says the same in one line, and exits non-zero without a traceback.
    for k in [k for k in os.environ if k.startswith("STUDYRAG_")]:
        monkeypatch.delenv(k)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as e:
        main(["ask", "--backend", "none", "--source", str(settings.data_dir),
              "--index-dir", str(settings.resolved_index_dir), LABEL_Q])
    msg = one_line(str(e.value.code))
    assert msg.startswith("studyrag: error: ") and REBUILD in msg


def test_a_source_deleted_after_ingest_does_not_matter_the_index_holds_its_text(index_settings, tmp_path):
    """The index is self-contained (issue #15): answers quote the text stored at ingest."""
    settings = clone_index(index_settings, tmp_path)
    (settings.data_dir / GUIDE.name).unlink()
    tutor = Tutor(settings.with_overrides(backend="none"))
    ans = tutor.ask(LABEL_Q)
    assert "Ground Truth" in ans.answer and ans.citations
    for c in ans.citations:
        assert c.quote == tutor.knowledge.text_of(c.source)[c.start:c.end]


def test_the_command_line_answers_after_the_source_folder_is_gone(index_settings, tmp_path, monkeypatch, capsys):
    from studyrag.cli import main

    settings = clone_index(index_settings, tmp_path)
    shutil.rmtree(settings.data_dir)
    for k in [k for k in os.environ if k.startswith("STUDYRAG_")]:
        monkeypatch.delenv(k)
    monkeypatch.chdir(tmp_path)
    code = main(["ask", "--backend", "none", "--json", "--source", str(settings.data_dir),
                 "--index-dir", str(settings.resolved_index_dir), LABEL_Q])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and "Ground Truth" in out["answer"] and out["citations"]


def test_a_source_edited_after_ingest_is_quoted_as_it_was_at_ingest(index_settings, tmp_path):
    settings = clone_index(index_settings, tmp_path)
    guide = settings.data_dir / GUIDE.name
    before = guide.read_text(encoding="utf-8")
    guide.write_text("A new first line shifts every span.\n" + before, encoding="utf-8")
    tutor = Tutor(settings.with_overrides(backend="none"))
    assert tutor.knowledge.text_of(GUIDE.name) == before
    ans = tutor.ask(LABEL_Q)
    assert all(c.quote == before[c.start:c.end] for c in ans.citations) and ans.citations


def test_an_index_whose_stored_text_was_tampered_with_is_one_line_naming_the_rebuild(index_settings, tmp_path):
    settings = clone_index(index_settings, tmp_path)
    texts = Path(settings.resolved_index_dir) / "texts.jsonl"
    rows = [json.loads(line) for line in texts.read_text(encoding="utf-8").splitlines()]
    rows[0]["text"] = "shifted " + rows[0]["text"]
    texts.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(IndexLoadError) as e:
        Tutor(settings.with_overrides(backend="none"))
    msg = one_line(str(e.value))
    assert "texts.jsonl" in msg and "studyrag ingest --rebuild" in msg


# == the feedback database survives a kill mid-write =======================================================
FEEDBACK_WRITER = textwrap.dedent(
    """
    import sys
    from studyrag.ui.feedback import FeedbackStore

    store = FeedbackStore(sys.argv[1])
    start = int(sys.argv[2])
    quote = "Amazon SageMaker Ground Truth is the managed labeling service. " * 20
    answer = {"question": "", "answer": "Answer: Amazon SageMaker Ground Truth [1]\\n" + quote,
              "citations": [{"id": 1, "source": "guide.txt", "section": "Ground Truth", "start": 0,
                             "end": len(quote), "quote": quote}],
              "backend": "none", "model": "extractive", "kind": "which", "lang": "en",
              "services": ["Amazon SageMaker Ground Truth"]}
    i = start
    while True:
        answer["question"] = f"question {i}: which service labels images?"
        row = store.record(key=f"k{i}", rating="up" if i % 2 else "down", answer=answer, comment=f"c{i}")
        print(f"{i} {row}", flush=True)  # only after record() returned: committed
        i += 1
    """
)


def run_and_kill_writer(db: Path, start: int, rows_before_kill: int) -> dict[str, int]:
    """Start the writer, SIGKILL it once it has committed ``rows_before_kill`` rows; {key: id}."""
    proc = subprocess.Popen([sys.executable, "-c", FEEDBACK_WRITER, str(db), str(start)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env(), text=True)
    committed: dict[str, int] = {}
    try:
        deadline = time.monotonic() + 180
        while len(committed) < rows_before_kill:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError(f"writer died: {proc.wait()} {proc.stderr.read()[-2000:]}")
            assert time.monotonic() < deadline, "the writer is too slow"
            i, row = line.split()
            committed[f"k{i}"] = int(row)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        for line in proc.stdout:  # printed (so committed) between the last read and the kill
            if line.endswith("\n"):
                i, row = line.split()
                committed[f"k{i}"] = int(row)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    return committed


def check_db(db: Path, committed: dict[str, int]) -> None:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        got = dict(con.execute("SELECT key, id FROM feedback").fetchall())
    finally:
        con.close()
    missing = {k: v for k, v in committed.items() if got.get(k) != v}
    assert not missing, f"{len(missing)} committed rows lost or renumbered, e.g. {list(missing.items())[:3]}"


def test_feedback_database_survives_sigkill_mid_write(tmp_path):
    from studyrag.ui.feedback import FeedbackStore, as_suite_item

    db = tmp_path / "feedback.sqlite3"
    first = run_and_kill_writer(db, start=0, rows_before_kill=150)
    assert len(first) >= 150
    check_db(db, first)

    # Killed twice (the second time over a WAL the first kill may have left un-checkpointed).
    second = run_and_kill_writer(db, start=100_000, rows_before_kill=100)
    committed = {**first, **second}
    check_db(db, committed)

    # The app's own store opens it, reads every row, exports it and keeps writing.
    store = FeedbackStore(db)
    rows = store.rows()
    assert {r["key"] for r in rows} >= set(committed)
    for r in rows:
        item = as_suite_item(r)
        assert item["citations"][0]["quote"].startswith("Amazon SageMaker Ground Truth")
    new_id = store.record(key="after-the-kill", rating="down", answer={"question": "q", "answer": "a"})
    assert new_id == max(r["id"] for r in rows) + 1
    check_db(db, {**committed, "after-the-kill": new_id})


# == the LLM backend is down ==================================================================================
@pytest.fixture(scope="module")
def none_tutor(index_settings):
    return Tutor(index_settings.with_overrides(backend="none"))


@pytest.fixture
def fake_aws(monkeypatch, tmp_path):
    fake_aws_env(monkeypatch, tmp_path, "AKIAFAULTTESTS000001", "faultTestsFakeSecretKey/0123456789abcdef")


DOWN = dict(backend="bedrock", bedrock_endpoint_url="http://127.0.0.1:9", max_retries=0, timeout_s=3)


def test_backend_down_still_gives_the_cited_extractive_answer_and_the_next_one(none_tutor, fake_aws):
    tutor = variant(none_tutor, **DOWN)
    t = time.perf_counter()
    ans = tutor.ask(LABEL_Q)
    assert time.perf_counter() - t < 30, "an unreachable backend must fail fast, not hang"
    assert ans.backend == "bedrock" and ans.fallback and not ans.refused
    assert "unreachable" in one_line(ans.error)
    assert ans.services == [GT] and ans.answer.startswith(f"Answer: {GT} [1]")
    assert len(ans.citations) >= 2, "the explanation should still be quoted from the guide"
    assert_cited(ans, tutor)

    # The same tutor takes the next question (the failed client is not left half-built).
    nxt = tutor.ask(BATCH_Q)
    assert nxt.fallback and "unreachable" in one_line(nxt.error)
    assert nxt.services == [BATCH]
    assert_cited(nxt, tutor)


def test_the_app_keeps_serving_after_a_backend_failure(index_settings, fake_aws, tmp_path):
    pytest.importorskip("gradio")
    from studyrag.ui.app import UIService

    base = index_settings.with_overrides(**{**DOWN, "backend": "none"})
    service = UIService(base, feedback_path=tmp_path / "fb.sqlite3")
    down = {**service.default_cfg, "backend": "bedrock"}

    first = service.ask(LABEL_Q, cfg=down)
    assert first["backend"] == "bedrock" and first["fallback"] is True
    assert "unreachable" in one_line(first["error"])
    assert GT in first["answer"] and first["citations"]

    ok = service.ask(BATCH_Q)  # the default (extractive) settings, right after the failure
    assert ok["error"] is None and not ok["fallback"] and BATCH in ok["answer"] and ok["citations"]

    again = service.ask(BATCH_Q, cfg=down)  # and the broken backend fails the same clean way
    assert again["fallback"] is True and "unreachable" in one_line(again["error"])
    assert BATCH in again["answer"]
    assert service.rate(again, "down") is not None  # feedback on a failed answer is saved too
