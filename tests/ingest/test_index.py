"""The FAISS index on disk: round trip, load checks, atomic replacement, skip-when-unchanged.

Real parts throughout: the real guide, MiniLM, FAISS. The session index (``index_settings``)
is only ever read; tests that damage an index damage a copy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import numpy as np
import pytest

from studyrag.ingest.chunker import chunk_text
from studyrag.index.embedders import get_embedder, register
from studyrag.index.manifest import Manifest
from studyrag.ingest.pipeline import chunk_sources, embed_chunks, ingest
from studyrag.index.stores import IndexLoadError, get_store
from studyrag.index.stores.faiss_store import CHUNKS_FILE, INDEX_FILE, MANIFEST_FILE, FaissOpenIndex, FaissStore
from tests.conftest import REPO, make_settings

from ._guides import TINY_GUIDE

QUERIES = [
    "Which service labels 300,000 images before training?",
    "Serverless vs Asynchronous Inference for large payloads",
    "business analyst with no Python wants predictions from a CSV",
    "detect drift on a deployed endpoint",
    "什麼服務可以比較新模型與正式環境的流量？",
]
REBUILD = "studyrag ingest --rebuild"


@pytest.fixture(scope="module")
def minilm():
    return get_embedder("minilm")


@pytest.fixture(scope="module")
def session_index(index_settings):
    return FaissStore(index_settings).open()


def copy_index(index_settings, dst: Path):
    """A plain-folder copy of the session index and settings that point at it."""
    shutil.copytree(index_settings.resolved_index_dir, dst / "index")
    return make_settings(dst, data_dir=index_settings.data_dir, index_dir=dst / "index")


def small_settings(tmp: Path, text: str = TINY_GUIDE, **kw):
    (tmp / "data").mkdir(exist_ok=True)
    (tmp / "data" / "bedrock.txt").write_text(text, encoding="utf-8")
    return make_settings(tmp, **kw)


def fresh_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class CountingEmbedder:
    """The real MiniLM, counting what it is asked to do (registered under a fresh name)."""

    constructed = 0

    def __init__(self, name: str) -> None:
        type(self).constructed += 1
        self._inner = get_embedder("minilm")
        self.name, self.model_id, self.dim = name, self._inner.model_id, self._inner.dim
        self.calls = 0
        self.texts = 0

    def embed_passages(self, texts, batch_size=32):
        self.calls += 1
        self.texts += len(texts)
        return self._inner.embed_passages(texts, batch_size)

    def embed_queries(self, texts):
        return self._inner.embed_queries(texts)


def counting_embedder() -> tuple[str, dict]:
    name = fresh_name("counting")
    made: dict = {}

    def factory():
        made["e"] = CountingEmbedder(name)
        return made["e"]

    register(name, factory)
    return name, made


# -- round trip ---------------------------------------------------------------------------


def test_session_index_matches_the_guide(session_index, index_settings):
    _, chunks = chunk_sources(index_settings)
    assert session_index.chunks == chunks
    m = session_index.manifest
    assert (m.embedder, m.dim, m.chunk_count, m.store) == ("minilm", 384, len(chunks), "faiss")
    assert [s.path for s in m.sources] == ["sagemaker-platform-aif-c01-study-guide.txt"]


def test_search_identical_in_memory_and_after_open(tmp_path, index_settings, minilm):
    """Vectors written by FaissStore and read back give the same rows and the same scores
    as a FAISS index built in memory from the very same vectors."""
    import faiss

    _, chunks = chunk_sources(index_settings)
    chunks = chunks[::4]  # 21 chunks from every part of the guide keep this fast
    vectors = embed_chunks(minilm, chunks, progress=False)
    mem = faiss.IndexFlatIP(vectors.shape[1])
    mem.add(vectors)
    manifest = Manifest("minilm", minilm.model_id, minilm.dim, 900, [], len(chunks), "now")
    in_memory = FaissOpenIndex(manifest, chunks, mem)

    settings = make_settings(tmp_path)
    FaissStore(settings).write(manifest, chunks, vectors)
    reopened = FaissStore(settings).open()
    assert reopened.chunks == chunks
    assert reopened.manifest.to_json() == manifest.to_json()

    for q, qv in zip(QUERIES, minilm.embed_queries(QUERIES)):
        for exclude in (frozenset(), frozenset({"scenario", "faq", "summary"})):
            a = in_memory.search(qv, 8, exclude)
            b = reopened.search(qv, 8, exclude)
            assert len(a) == 8
            assert [r for r, _ in a] == [r for r, _ in b], q
            assert [s for _, s in a] == [s for _, s in b], q  # bit-identical scores


def test_session_index_holds_the_embedders_vectors(session_index, minilm):
    """Row i of the built index is the embedding of chunk i (heading path + text), and a
    search returns exactly the brute-force cosine ranking over those vectors."""
    chunks = session_index.chunks
    stored = session_index._index.reconstruct_n(0, len(chunks))
    rows = [i for i, c in enumerate(chunks) if c.kind != "body"][::3] + [0, 17, 42]
    fresh = minilm.embed_passages([f"{chunks[r].heading}\n{chunks[r].text}" for r in rows])
    np.testing.assert_allclose(stored[rows], fresh, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(stored, axis=1), 1.0, atol=1e-5)
    for qv in minilm.embed_queries(QUERIES):
        scores = stored @ qv
        want = np.argsort(-scores, kind="stable")[:5]
        got = session_index.search(qv, 5)
        assert [r for r, _ in got] == want.tolist()
        np.testing.assert_allclose([s for _, s in got], scores[want], atol=1e-5)


def test_search_finds_the_obvious_passages(session_index, minilm):
    def top(q, **kw):
        (r, _), *_ = session_index.search(minilm.embed_queries([q])[0], 1, **kw)
        return session_index.chunks[r]

    assert "Ground Truth" in top(QUERIES[0]).text
    c = top("Which inference option for 1 GB payloads and one-hour processing?")
    assert "Asynchronous" in c.text


def test_exclude_kinds(session_index, minilm):
    closed = frozenset({"scenario", "faq", "summary"})
    qv = minilm.embed_queries(["Scenario: retail company labels product images, correct choice?"])[0]
    open_book = session_index.search(qv, 10)
    assert any(session_index.chunks[r].kind == "scenario" for r, _ in open_book)
    hits = session_index.search(qv, 10, exclude_kinds=closed)
    assert len(hits) == 10
    assert not [r for r, _ in hits if session_index.chunks[r].kind in closed]
    everything = frozenset({"body", "table", "scenario", "faq", "summary"})
    assert session_index.search(qv, 10, exclude_kinds=everything) == []


# -- load checks --------------------------------------------------------------------------


def test_manifest_mismatch_names_both_embedders(session_index):
    """The store's open() does not look at the configured embedder; Manifest.mismatch is the
    check a caller has to make. It must say what is wrong on one line."""
    m = session_index.manifest
    assert m.mismatch("minilm") is None
    assert m.mismatch("minilm", 384) is None
    why = m.mismatch("e5")
    assert why and "\n" not in why and "'minilm'" in why and "'e5'" in why
    why = m.mismatch("minilm", 768)
    assert why and "384" in why and "768" in why
    old = Manifest.from_json(m.to_json())
    old.format_version = 0
    assert "v0" in old.mismatch("minilm")


def test_open_with_other_embedder_configured_is_refused(tmp_path, index_settings):
    """The store loads what is on disk; the retriever refuses it for another embedder."""
    from studyrag.rag.retrieve import Retriever

    settings = copy_index(index_settings, tmp_path)
    settings.embedder = "e5"
    with pytest.raises(IndexLoadError, match=r"built with embedder 'minilm' but 'e5'.*studyrag ingest --rebuild") as e:
        Retriever(settings)
    assert "\n" not in str(e.value)


def assert_load_error(settings, *must_name: str) -> str:
    with pytest.raises(IndexLoadError) as e:
        get_store(settings).open()
    msg = str(e.value)
    assert "\n" not in msg, msg
    for s in must_name:
        assert s in msg, msg
    return msg


def test_missing_index(tmp_path):
    assert_load_error(make_settings(tmp_path), "no index", "studyrag ingest")


def test_truncated_vectors(tmp_path, index_settings):
    settings = copy_index(index_settings, tmp_path)
    f = settings.resolved_index_dir / INDEX_FILE
    size = f.stat().st_size
    with f.open("r+b") as fh:
        fh.truncate(size // 2)
    assert_load_error(settings, INDEX_FILE, "truncated", REBUILD)
    FaissStore(index_settings).open()  # the session index is untouched


def test_truncated_vectors_with_matching_checksum(tmp_path, index_settings):
    """Even when the manifest's checksum was rewritten to match, FAISS's own read fails cleanly."""
    from studyrag.index.stores.faiss_store import _sha256

    settings = copy_index(index_settings, tmp_path)
    d = settings.resolved_index_dir
    with (d / INDEX_FILE).open("r+b") as fh:
        fh.truncate(1000)
    m = json.loads((d / MANIFEST_FILE).read_text())
    m["files"][INDEX_FILE] = _sha256(d / INDEX_FILE)
    (d / MANIFEST_FILE).write_text(json.dumps(m))
    assert_load_error(settings, "cannot be read", REBUILD)


def test_corrupted_chunks(tmp_path, index_settings):
    settings = copy_index(index_settings, tmp_path)
    f = settings.resolved_index_dir / CHUNKS_FILE
    lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3][: len(lines[3]) // 2] + "\n"  # a line cut in half
    f.write_text("".join(lines), encoding="utf-8")
    assert_load_error(settings, CHUNKS_FILE, "corrupt", REBUILD)


@pytest.mark.parametrize("damage", ["bad-json", "missing-line", "bad-field"])
def test_corrupted_chunks_with_matching_checksum(tmp_path, index_settings, damage):
    from studyrag.index.stores.faiss_store import _sha256

    settings = copy_index(index_settings, tmp_path)
    d = settings.resolved_index_dir
    lines = (d / CHUNKS_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    if damage == "bad-json":
        lines[3] = "{not json\n"
    elif damage == "missing-line":
        del lines[3]
    else:
        lines[3] = json.dumps({"id": "x", "text": "no other fields"}) + "\n"
    (d / CHUNKS_FILE).write_text("".join(lines), encoding="utf-8")
    m = json.loads((d / MANIFEST_FILE).read_text())
    m["files"][CHUNKS_FILE] = _sha256(d / CHUNKS_FILE)
    (d / MANIFEST_FILE).write_text(json.dumps(m))
    word = "inconsistent" if damage == "missing-line" else "cannot be read"
    assert_load_error(settings, word, REBUILD)


@pytest.mark.parametrize("damage", ["missing", "garbage", "missing-file"])
def test_bad_manifest_or_missing_file(tmp_path, index_settings, damage):
    settings = copy_index(index_settings, tmp_path)
    d = settings.resolved_index_dir
    if damage == "missing":
        (d / MANIFEST_FILE).unlink()
        assert_load_error(settings, MANIFEST_FILE, REBUILD)
        assert FaissStore(settings).read_manifest() is None
    elif damage == "garbage":
        (d / MANIFEST_FILE).write_text("{", encoding="utf-8")
        assert_load_error(settings, "manifest", "unreadable", REBUILD)
        assert FaissStore(settings).read_manifest() is None
    else:
        (d / CHUNKS_FILE).unlink()
        assert_load_error(settings, CHUNKS_FILE, "missing", REBUILD)


# -- atomic replacement -------------------------------------------------------------------


def index_state(settings):
    path = settings.resolved_index_dir
    builds = path.parent / f".{path.name}-builds"
    return os.readlink(path), sorted(p.name for p in builds.iterdir())


def test_crash_inside_write_keeps_previous_index(tmp_path, monkeypatch):
    import faiss

    settings = small_settings(tmp_path)
    ingest(settings, progress=False)
    before = index_state(settings)
    old = FaissStore(settings).open().chunks

    real_write = faiss.write_index

    def write_half_then_fail(index, path):
        real_write(index, path)
        with open(path, "r+b") as fh:
            fh.truncate(os.path.getsize(path) // 2)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(faiss, "write_index", write_half_then_fail)
    (settings.data_dir / "bedrock.txt").write_text(TINY_GUIDE + "\nA new closing paragraph.\n", encoding="utf-8")
    with pytest.raises(OSError, match="No space left"):
        ingest(settings, progress=False)

    assert index_state(settings) == before  # same link target, no .partial left behind
    assert FaissStore(settings).open().chunks == old


def test_interrupt_during_embedding_writes_nothing(tmp_path):
    settings = small_settings(tmp_path)
    ingest(settings, progress=False)
    before = index_state(settings)
    old = FaissStore(settings).open().chunks

    name = fresh_name("ctrl-c")

    class Interrupting(CountingEmbedder):
        def embed_passages(self, texts, batch_size=32):
            super().embed_passages(texts, batch_size)
            raise KeyboardInterrupt  # Ctrl-C while the first batch is being embedded

    register(name, lambda: Interrupting(name))
    settings.embedder = name
    with pytest.raises(KeyboardInterrupt):
        ingest(settings, progress=False)
    assert index_state(settings) == before
    assert FaissStore(settings).open().chunks == old


CRASH_CHILD = textwrap.dedent(
    """
    import hashlib, os, sys
    from pathlib import Path

    import faiss
    import numpy as np

    from studyrag.index.embedders import register
    from studyrag.ingest.pipeline import ingest
    from tests.conftest import make_settings

    class HashEmbedder:  # keeps torch out of the child; the store is what is on trial here
        name, model_id, dim = "hash", "sha256 bag of words", 384
        def embed_passages(self, texts, batch_size=32):
            out = np.zeros((len(texts), self.dim), dtype=np.float32)
            for i, t in enumerate(texts):
                for w in t.split():
                    out[i, int(hashlib.sha256(w.encode()).hexdigest(), 16) % self.dim] += 1
            return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        embed_queries = embed_passages

    register("hash", HashEmbedder)
    real = faiss.write_index
    def die_midway(index, path):
        real(index, path)
        with open(path, "r+b") as fh:
            fh.truncate(os.path.getsize(path) // 3)
        os._exit(137)  # a hard crash: no except/finally runs, like SIGKILL or power loss

    faiss.write_index = die_midway
    ingest(make_settings(Path(sys.argv[1]), embedder="hash"), progress=False)
    """
)


def test_hard_crash_inside_write_leaves_previous_index_serving(tmp_path, minilm):
    settings = small_settings(tmp_path)
    ingest(settings, progress=False)
    link_before, builds_before = index_state(settings)
    old = FaissStore(settings).open().chunks

    (settings.data_dir / "bedrock.txt").write_text(TINY_GUIDE + "\nA new closing paragraph.\n", encoding="utf-8")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-c", CRASH_CHILD, str(tmp_path)], env=env, cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 137, r.stderr[-2000:]

    link_after, builds_after = index_state(settings)
    assert link_after == link_before
    partial = [b for b in builds_after if b not in builds_before]
    assert len(partial) == 1 and partial[0].endswith(".partial")  # left aside, never linked
    assert FaissStore(settings).open().chunks == old

    # The next ingest succeeds and serves the new text.
    report = ingest(settings, progress=False)
    assert not report.skipped
    assert any("A new closing paragraph." in c.text for c in FaissStore(settings).open().chunks)


# -- skip when unchanged ------------------------------------------------------------------


@pytest.fixture
def chunks_only(monkeypatch):
    """Count only the chunks' embedding: what ingest then derives for answering is tested in
    tests/rag/test_self_contained_index.py."""
    from studyrag.index import hooks

    monkeypatch.setattr(hooks, "_ON_NEW_BUILD", [])


def test_unchanged_reingest_skips_embedding(tmp_path, chunks_only):
    name, made = counting_embedder()
    settings = small_settings(tmp_path, embedder=name)

    first = ingest(settings, progress=False)
    e = made["e"]
    assert not first.skipped and e.calls > 0 and e.texts == first.chunks
    link = os.readlink(settings.resolved_index_dir)

    constructed = CountingEmbedder.constructed
    calls = e.calls
    second = ingest(settings, progress=False)
    assert second.skipped
    assert e.calls == calls  # no embedding at all
    assert CountingEmbedder.constructed == constructed  # the model was not even loaded
    assert os.readlink(settings.resolved_index_dir) == link  # nothing rewritten
    assert (second.files, second.chunks) == (first.files, first.chunks)

    forced = ingest(settings, rebuild=True, progress=False)
    assert not forced.skipped and e.calls > calls


def test_changed_source_rebuilds(tmp_path, chunks_only):
    name, made = counting_embedder()
    settings = small_settings(tmp_path, embedder=name)
    first = ingest(settings, progress=False)
    e = made["e"]
    old_manifest = FaissStore(settings).read_manifest()

    changed = TINY_GUIDE.replace("Recap\n", "Model Evaluation\n\nBedrock can score models with automatic metrics or human reviewers.\n\nRecap\n")
    (settings.data_dir / "bedrock.txt").write_text(changed, encoding="utf-8")
    texts = e.texts
    second = ingest(settings, progress=False)
    assert not second.skipped
    assert e.texts - texts == second.chunks == first.chunks + 1
    idx = FaissStore(settings).open()
    assert idx.chunks == chunk_text(changed, "bedrock.txt")
    assert idx.manifest.sources[0].sha256 != old_manifest.sources[0].sha256

    # A new file is a change too.
    (settings.data_dir / "extra.md").write_text("# Extra\n\n" + "Some extra notes on Bedrock agents. " * 10, encoding="utf-8")
    third = ingest(settings, progress=False)
    assert not third.skipped and third.files == 2
    assert {c.source for c in FaissStore(settings).open().chunks} == {"bedrock.txt", "extra.md"}


def test_other_embedder_or_chunk_size_rebuilds(tmp_path):
    name, _ = counting_embedder()
    settings = small_settings(tmp_path, embedder=name)
    ingest(settings, progress=False)
    other, made = counting_embedder()
    settings.embedder = other
    assert not ingest(settings, progress=False).skipped and made["e"].calls > 0
    settings.chunk_size = 400
    assert not ingest(settings, progress=False).skipped
    assert FaissStore(settings).open().manifest.chunk_size == 400


def test_old_builds_are_collected(tmp_path):
    settings = small_settings(tmp_path)
    for _ in range(4):
        ingest(settings, rebuild=True, progress=False)
    link, builds = index_state(settings)
    assert len(builds) == 2 and Path(link).name in builds
    FaissStore(settings).open()
