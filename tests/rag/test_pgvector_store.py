"""The pgvector store against a real PostgreSQL (pgserver), the real guide and MiniLM.

Same promises as the FAISS folder: round trip, search parity with FAISS flat, clear
one-line errors, atomic replacement (an interrupted or killed ingest leaves the previous
index serving) and no embedding when nothing changed. See tests/rag/conftest.py for the
server and for why the columns may be ``halfvec`` on some machines.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import psycopg
import pytest

from studyrag.index.embedders import get_embedder
from studyrag.index.manifest import Manifest
from studyrag.ingest.pipeline import ingest
from studyrag.rag.retrieve import CLOSED_BOOK_KINDS, Retriever
from studyrag.index.stores import IndexLoadError, get_store
from studyrag.index.stores.faiss_store import FaissStore
from studyrag.index.stores.pgvector_store import (
    PG_REBUILD_HINT,
    PgStoreWriteError,
    PgvectorStore,
    redact_url,
)
from tests.conftest import REPO

from .conftest import fresh_schema

QUERIES = [
    "Which service labels 300,000 images before training?",
    "Serverless vs Asynchronous Inference for large payloads",
    "business analyst with no Python wants predictions from a CSV",
    "detect drift on a deployed endpoint",
    "什麼服務可以比較新模型與正式環境的流量？",
    "How do I run batch predictions on a large dataset overnight?",
    "explain a model's predictions and detect bias",
    "store features for online and offline use",
    "approve a model version before it goes to production",
    "cut training cost with spot instances",
]
REBUILD = "studyrag ingest --rebuild --store pgvector"


@pytest.fixture(scope="module")
def minilm():
    return get_embedder("minilm")


@pytest.fixture(scope="module")
def qvecs(minilm):
    return minilm.embed_queries(QUERIES)


@pytest.fixture(scope="module")
def faiss_index(index_settings):
    return FaissStore(index_settings).open()


@pytest.fixture(scope="module")
def pg_index(pg_index_settings):
    with get_store(pg_index_settings).open() as index:
        yield index


@pytest.fixture(scope="module")
def guide_build(faiss_index):
    """(manifest, chunks, vectors) of the guide, taken from the FAISS session index."""
    vectors = np.stack([faiss_index._index.reconstruct(i) for i in range(len(faiss_index.chunks))])
    return faiss_index.manifest, faiss_index.chunks, vectors


def fresh_manifest(manifest: Manifest, **kw) -> Manifest:
    """A copy (write() fills in store/dim/count on the manifest it is given)."""
    return dataclasses.replace(Manifest.from_json(manifest.to_json()), **kw)


def score_tol(target) -> float:
    return 1e-4  # float32 is ~1e-7 off FAISS; halfvec (16-bit) measured <= 5e-5 on the guide


def assert_same_ranking(got, want, tol):
    """Same rows in the same order; two rows may only trade places on a near-tie (< tol)."""
    assert len(got) == len(want)
    assert {r for r, _ in got} == {r for r, _ in want}
    wscore = dict(want)
    for (g, gs), (w, ws) in zip(got, want):
        assert abs(gs - ws) < tol, (g, gs, w, ws)
        if g != w:
            assert abs(wscore[g] - ws) < tol, f"row {g} in place of {w}: not a near-tie"


# -- round trip -----------------------------------------------------------------------------
def test_round_trip_matches_the_faiss_index(pg_index, faiss_index, pg_index_settings, pg_target):
    m, f = pg_index.manifest, faiss_index.manifest
    assert m.store == "pgvector" and f.store == "faiss"
    for field in ("embedder", "embedder_model", "dim", "chunk_size", "chunk_count",
                  "chunker_version", "format_version"):
        assert getattr(m, field) == getattr(f, field), field
    when = lambda sources: [dataclasses.replace(s, added_at="") for s in sources]  # noqa: E731
    assert when(m.sources) == when(f.sources)  # each build stamps its own added_at
    assert pg_index.texts == faiss_index.texts and pg_index.texts  # the extracted text, stored
    assert pg_index.chunks == faiss_index.chunks  # ids, sections, kinds, offsets, text
    assert get_store(pg_index_settings).read_manifest() == m
    assert pg_index.vector_type == pg_target.vector_type
    assert not pg_index.has_hnsw  # 84 rows: exact scan, no index to build
    rows = [0, 17, len(pg_index.chunks) - 1, 5]
    want = np.stack([faiss_index._index.reconstruct(r) for r in rows])
    atol = 1e-6 if pg_target.vector_type == "vector" else 1e-3
    np.testing.assert_allclose(pg_index.vectors(rows), want, atol=atol)


def test_describe_and_missing_index(pg_target, tmp_path):
    settings = pg_target.settings(tmp_path)
    store = get_store(settings)
    assert isinstance(store, PgvectorStore)
    assert store.describe().startswith("pgvector at ") and settings.pg_schema in store.describe()
    assert store.read_manifest() is None
    with pytest.raises(IndexLoadError) as e:
        store.open()
    assert f"no index in {store.describe()}" in str(e.value) and REBUILD in str(e.value)


# -- search ---------------------------------------------------------------------------------
def test_search_parity_with_faiss_flat(pg_index, faiss_index, qvecs, pg_target):
    for q, question in zip(qvecs, QUERIES):
        got = pg_index.search(q, 10)
        want = faiss_index.search(q, 10)
        assert [r for r, _ in got] == [r for r, _ in want] or pg_target.vector_type == "halfvec", question
        assert_same_ranking(got, want, score_tol(pg_target))


def test_closed_book_exclusion(pg_index, faiss_index, qvecs, pg_target, pg_index_settings):
    allowed = sum(c.kind not in CLOSED_BOOK_KINDS for c in pg_index.chunks)
    for q in qvecs[:5]:
        got = pg_index.search(q, 24, CLOSED_BOOK_KINDS)
        assert got and all(pg_index.chunks[r].kind not in CLOSED_BOOK_KINDS for r, _ in got)
        assert_same_ranking(got, faiss_index.search(q, 24, CLOSED_BOOK_KINDS), score_tol(pg_target))
    # Asking for more than the filter leaves returns exactly what is left.
    assert len(pg_index.search(qvecs[0], 500, CLOSED_BOOK_KINDS)) == allowed
    assert len(pg_index.search(qvecs[0], 500)) == len(pg_index.chunks)
    assert pg_index.search(qvecs[0], 5, frozenset(c.kind for c in pg_index.chunks)) == []
    # And through the Retriever, BM25 side included.
    retriever = Retriever(pg_index_settings, closed_book=True)
    hits = retriever.search("Which service detects drift in a deployed model's data quality?", k=6)
    assert hits and all(h.chunk.kind not in CLOSED_BOOK_KINDS for h in hits)


def test_hnsw_search_matches_exact(pg_target, tmp_path, guide_build, qvecs):
    if not pg_target.hnsw_ok:
        pytest.skip(pg_target.note)
    manifest, chunks, vectors = guide_build
    settings = pg_target.settings(tmp_path)
    exact_store = PgvectorStore(settings, schema=fresh_schema())
    exact_store.write(fresh_manifest(manifest), chunks, vectors)
    hnsw_store = PgvectorStore(settings, schema=fresh_schema(), exact_scan_max=10)
    hnsw_store.write(fresh_manifest(manifest), chunks, vectors)
    with exact_store.open() as exact, hnsw_store.open() as hnsw:
        assert hnsw.has_hnsw and not exact.has_hnsw
        for q in qvecs:
            for excl in (frozenset(), CLOSED_BOOK_KINDS):
                assert_same_ranking(hnsw.search(q, 10, excl), exact.search(q, 10, excl), 1e-6)


# -- errors -----------------------------------------------------------------------------------
def test_embedder_mismatch_is_a_clear_error(pg_index_settings):
    other = pg_index_settings.with_overrides(embedder="e5")
    with pytest.raises(IndexLoadError, match=r"built with embedder 'minilm' but 'e5' is configured") as e:
        Retriever(other)
    assert "studyrag ingest --rebuild" in str(e.value)


def test_inconsistent_index_is_refused(pg_target, tmp_path, guide_build):
    manifest, chunks, vectors = guide_build
    store = PgvectorStore(pg_target.settings(tmp_path))
    store.write(fresh_manifest(manifest), chunks, vectors)
    with store.open() as index:
        table = index.table
    with psycopg.connect(pg_target.url, autocommit=True) as c:
        c.execute(f'UPDATE "{store.schema}".generations SET manifest = jsonb_set(manifest, %s, %s)',
                  ["{dim}", "768"])
    with pytest.raises(IndexLoadError, match="inconsistent") as e:
        store.open()
    assert str(e.value).endswith(PG_REBUILD_HINT) and "\n" not in str(e.value)
    with psycopg.connect(pg_target.url, autocommit=True) as c:
        c.execute(f'UPDATE "{store.schema}".generations SET manifest = jsonb_set(manifest, %s, %s)',
                  ["{dim}", str(manifest.dim)])
        c.execute(f'DELETE FROM "{store.schema}"."{table}" WHERE row_no = 7')
    with pytest.raises(IndexLoadError, match=r"inconsistent \(83 rows, manifest says 84\)"):
        store.open()


def test_bad_url_gives_a_one_line_error_without_the_password(pg_target, tmp_path, guide_build, caplog):
    caplog.set_level(logging.DEBUG)
    url = "postgresql://studyrag:s3cr3t-pw@127.0.0.1:1/studyrag?sslmode=disable"
    settings = pg_target.settings(tmp_path, pg_url=url)
    store = get_store(settings)
    assert store.read_manifest() is None
    with pytest.raises(IndexLoadError) as e:
        store.open()
    msg = str(e.value)
    assert msg.startswith("cannot connect to PostgreSQL at postgresql://studyrag@127.0.0.1:1/studyrag?sslmode=disable: ")
    assert "\n" not in msg and "s3cr3t" not in msg and "--pg-url" in msg
    with pytest.raises(IndexLoadError, match="cannot connect to PostgreSQL") as e2:
        Retriever(settings)
    manifest, chunks, vectors = guide_build
    with pytest.raises(PgStoreWriteError) as e3:  # an OSError: `studyrag ingest` reports it
        store.write(fresh_manifest(manifest), chunks, vectors)
    assert isinstance(e3.value, OSError) and "s3cr3t" not in str(e3.value)
    assert "s3cr3t" not in str(e2.value) and "s3cr3t" not in store.describe()
    assert not any("s3cr3t" in r.getMessage() for r in caplog.records)
    with pytest.raises(IndexLoadError, match="--pg-url"):
        get_store(pg_target.settings(tmp_path, pg_url=None)).open()


@pytest.mark.parametrize("url, want", [
    ("postgresql://u:pw@db.example.com:5432/rag", "postgresql://u@db.example.com:5432/rag"),
    ("postgres://u@h/db?password=pw&sslmode=require", "postgres://u@h/db?sslmode=require"),
    ("postgresql://postgres:@/postgres?host=/tmp/x/pg", "postgresql://postgres@/postgres?host=/tmp/x/pg"),
    ("host=h dbname=rag user=u password=pw", "host=h dbname=rag user=u"),
])
def test_redact_url(url, want):
    assert redact_url(url) == want


# -- atomic replacement --------------------------------------------------------------------
def schema_tables(url: str, schema: str) -> set[str]:
    with psycopg.connect(url) as c:
        return {r[0] for r in c.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])}


def test_interrupted_write_keeps_the_old_index(pg_target, tmp_path, guide_build, monkeypatch, qvecs):
    manifest, chunks, vectors = guide_build
    store = PgvectorStore(pg_target.settings(tmp_path))
    store.write(fresh_manifest(manifest), chunks, vectors)
    before = store.read_manifest()
    tables = schema_tables(pg_target.url, store.schema)
    real_copy = PgvectorStore._copy_rows

    def copy_half_then_interrupt(self, conn, ident, chs, vecs):
        real_copy(self, conn, ident, chs[: len(chs) // 2], vecs[: len(chs) // 2])
        raise KeyboardInterrupt  # Ctrl-C in the middle of the bulk load

    monkeypatch.setattr(PgvectorStore, "_copy_rows", copy_half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        store.write(fresh_manifest(manifest, built_at="later"), chunks[:40], vectors[:40])
    monkeypatch.undo()
    assert store.read_manifest() == before
    assert schema_tables(pg_target.url, store.schema) == tables  # the half table was rolled back
    with store.open() as index:
        assert len(index.chunks) == len(chunks) and index.search(qvecs[0], 3)


def test_killed_writer_keeps_the_old_index(pg_target, tmp_path, guide_build, qvecs):
    """SIGKILL the ingest process in the middle of COPY: the server rolls it back."""
    manifest, chunks, vectors = guide_build
    settings = pg_target.settings(tmp_path)
    store = PgvectorStore(settings)
    store.write(fresh_manifest(manifest), chunks, vectors)
    before = store.read_manifest()
    np.save(tmp_path / "vectors.npy", vectors)
    script = textwrap.dedent(f"""
        import json, sys, time
        import numpy as np
        from studyrag.ingest.chunker import Chunk
        from studyrag.index.manifest import Manifest
        from studyrag.index.stores.pgvector_store import PgvectorStore
        from studyrag.settings import Settings
        real_copy = PgvectorStore._copy_rows
        def copy_half_then_hang(self, conn, ident, chs, vecs):
            real_copy(self, conn, ident, chs[:40], vecs[:40])
            print("HALF", flush=True)
            time.sleep(120)
        PgvectorStore._copy_rows = copy_half_then_hang
        store = PgvectorStore(Settings(pg_url={pg_target.url!r}), schema={store.schema!r},
                              vector_type={pg_target.vector_type!r})
        chunks = [Chunk.from_json(d) for d in json.load(open(sys.argv[1]))]
        manifest = Manifest.from_json(open(sys.argv[2]).read())
        store.write(manifest, chunks, np.load(sys.argv[3]))
    """)
    (tmp_path / "chunks.json").write_text(json.dumps([c.to_json() for c in chunks]))
    (tmp_path / "manifest.json").write_text(fresh_manifest(manifest, built_at="never").to_json())
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "chunks.json"), str(tmp_path / "manifest.json"),
         str(tmp_path / "vectors.npy")],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.strip() == "HALF", proc.stderr.read() if proc.poll() is not None else line
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    assert store.read_manifest() == before
    with store.open() as index:
        assert len(index.chunks) == len(chunks) and index.search(qvecs[1], 3)
    # The dead writer's lock and half-built table are gone: the next ingest goes through.
    store.write(fresh_manifest(manifest, built_at="after"), chunks, vectors)
    assert store.read_manifest().built_at == "after"


def test_open_reader_survives_one_rebuild(pg_target, tmp_path, guide_build, qvecs):
    manifest, chunks, vectors = guide_build
    store = PgvectorStore(pg_target.settings(tmp_path))
    store.write(fresh_manifest(manifest, built_at="first"), chunks, vectors)
    with store.open() as reader:
        want = reader.search(qvecs[2], 5)
        store.write(fresh_manifest(manifest, built_at="second"), chunks[:50], vectors[:50])
        assert reader.search(qvecs[2], 5) == want  # still reads the build it opened
        with store.open() as fresh:
            assert fresh.manifest.built_at == "second" and len(fresh.chunks) == 50
        store.write(fresh_manifest(manifest, built_at="third"), chunks, vectors)
        with pytest.raises(IndexLoadError, match="restart to load the current one"):
            reader.search(qvecs[2], 5)  # its build was collected (KEEP_GENERATIONS = 2)
    assert len(schema_tables(pg_target.url, store.schema)) == 2 + 2  # generations, current, 2 builds


def test_concurrent_writers_are_serialised(pg_target, tmp_path, guide_build):
    import threading

    manifest, chunks, vectors = guide_build
    settings = pg_target.settings(tmp_path)
    errors, barrier = [], threading.Barrier(3)

    def ingest_once(tag):
        try:
            barrier.wait(30)
            PgvectorStore(settings).write(fresh_manifest(manifest, built_at=tag), chunks, vectors)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=ingest_once, args=(f"w{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    store = PgvectorStore(settings)
    with store.open() as index:
        assert index.generation == 3 and len(index.chunks) == len(chunks)
    assert store.read_manifest().built_at in {"w0", "w1", "w2"}


# -- skip when unchanged --------------------------------------------------------------------
def test_unchanged_reingest_skips_embedding(pg_index_settings, pg_index, monkeypatch):
    def no_embedding(name):
        raise AssertionError("re-ingest of unchanged sources loaded the embedder")

    monkeypatch.setattr("studyrag.index.embedders.get_embedder", no_embedding)
    report = ingest(pg_index_settings, progress=False)
    assert report.skipped and report.chunks == len(pg_index.chunks)
    with get_store(pg_index_settings).open() as again:
        assert again.generation == pg_index.generation


def test_search_reconnects_after_the_connection_drops(pg_target, pg_index_settings, qvecs):
    """A server restart or failover drops the reader's connection: the next search reconnects."""
    with get_store(pg_index_settings).open() as index:
        want = index.search(qvecs[3], 5)
        pid = index._conn.info.backend_pid
        with psycopg.connect(pg_target.url, autocommit=True) as admin:
            assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
        assert index.search(qvecs[3], 5) == want
        assert index._conn.info.backend_pid != pid
