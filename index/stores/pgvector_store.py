"""PostgreSQL + pgvector store: the same seam as the FAISS folder, in a database.

Plain SQL against any PostgreSQL with the ``vector`` extension (a local server, RDS,
Aurora, Cloud SQL, ...); nothing here knows how the server was started.

Layout, all inside one schema (default ``studyrag``)::

    generations(gen, manifest jsonb, chunk_table, created_at)   one row per build
    current(singleton, gen)                                     the pointer readers follow
    chunks_g<gen>(row_no, chunk_id, source, section text[], kind,
                  start_char, end_char, text, embedding vector(dim))   one table per build
    texts_g<gen>(source, body)         the sources' extracted text (what citations point into)

Atomic replace: a build creates its ``chunks_g<gen>`` table, bulk-loads it with binary
COPY, builds the HNSW index (when the build is big enough to use one, see below) and
moves ``current`` to it, all in ONE transaction (DDL is transactional in PostgreSQL).
A crash, a Ctrl-C or a lost connection anywhere before COMMIT rolls all of it back and
readers keep the previous build; after COMMIT readers see the new one. Builds older than
the last ``KEEP_GENERATIONS`` are dropped afterwards. Concurrent writers are serialised
with a transaction-scoped advisory lock.

Search: cosine distance ``<=>`` (vectors are L2-normalised; similarity = 1 - distance),
``kind <> ALL(...)`` for closed-book. Two regimes, chosen by the size of the build:

* up to ``exact_scan_max`` rows (default 10,000): exact scan, no index. Results match
  FAISS IndexFlatIP row for row (scores to float32 rounding), and the scan is still cheap
  (~0.2 ms at 84 rows, ~10 ms at 8,400 on 2 busy cores; bench/scale.py), so no index is
  built: exactness is worth more than a few ms at this size.
* above it: an HNSW index (``vector_cosine_ops``, m=16, ef_construction=64) built after
  the bulk load, searched with ``hnsw.ef_search`` = 200 (pgvector's default is 40) and, on
  pgvector >= 0.8, ``hnsw.iterative_scan`` so a ``kind`` filter still yields k rows.

``vector_type="halfvec"`` stores 16-bit floats instead (half the table and index size;
scores within ~1e-4 of float32). See docs/scaling.md.

Configuration: ``settings.pg_url`` (a libpq URL or key=value DSN; a password is never
printed or logged, PGPASSWORD / ~/.pgpass work too), and, read with getattr so they are
optional, ``settings.pg_schema`` (default ``studyrag``) and ``settings.pg_vector_type``
(``vector`` or ``halfvec``); the constructor takes the same as keywords.
"""
# Over 400 lines: one store's whole contract (connections, atomic generations, two search regimes, derived data) that its tests read as one unit.

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

from studyrag.index.chunk import Chunk
from studyrag.index.manifest import Manifest

from .base import IndexLoadError, register

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_SCHEMA = "studyrag"
PG_REBUILD_HINT = "run `studyrag ingest --rebuild --store pgvector`"
URL_HINT = "check --pg-url / STUDYRAG_PG_URL and that the server is up"
EXACT_SCAN_MAX = 10_000  # rows; at or below: exact scan, no HNSW index (== FAISS flat)
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64
HNSW_EF_SEARCH = 200
BUILD_MAINTENANCE_MEM = "256MB"  # session-local, only while the HNSW index is built
KEEP_GENERATIONS = 2  # the current build and the one before (readers that opened it)
CONNECT_TIMEOUT_S = 10
VECTOR_TYPES = {"vector": "vector_cosine_ops", "halfvec": "halfvec_cosine_ops"}
_SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,47}$")
_COLTYPE_RE = re.compile(r"^(vector|halfvec)\((\d+)\)$")
_DSN_PASSWORD_RE = re.compile(r"\bpassword\s*=\s*(?:'(?:[^'\\]|\\.)*'|\S+)", re.I)
_COLUMNS = ("row_no", "chunk_id", "source", "section", "kind", "start_char", "end_char", "text", "embedding")


class PgStoreWriteError(OSError):
    """Writing to PostgreSQL failed (``studyrag ingest`` reports OSErrors as write errors)."""


# -- URLs and errors, never with the password ------------------------------------------------
def redact_url(url: str | None) -> str:
    """The URL or key=value DSN without its password (for messages and logs)."""
    if not url:
        return "<no URL>"
    url = url.strip()
    if "://" in url:
        try:
            parts = urlsplit(url)
            netloc = parts.netloc
            if "@" in netloc:
                userinfo, hostinfo = netloc.rsplit("@", 1)
                netloc = userinfo.split(":", 1)[0] + "@" + hostinfo
            query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                               if k.lower() != "password"], safe="/:")
            return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
        except ValueError:
            return "<unparsable URL>"
    # key=value form: drop the password pair, keep the rest as written.
    return " ".join(_DSN_PASSWORD_RE.sub(" ", url).split())


def _password(url: str | None) -> str | None:
    if not url:
        return None
    try:
        from psycopg.conninfo import conninfo_to_dict

        return conninfo_to_dict(url).get("password") or None
    except Exception:
        return None


def _one_line(err: BaseException, secret: str | None = None) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    if secret:
        text = text.replace(secret, "***")
    return text


class PgvectorOpenIndex:
    """The current build: manifest + chunks in memory, vectors searched in PostgreSQL.

    One connection, used under a lock, so ``search`` is safe to call from several threads
    (queries are serialised; ~0.2 ms each at guide size). A dropped connection (server
    restart, failover) is re-opened once before giving up. ``vectors(rows)`` returns stored
    vectors, as FAISS ``reconstruct`` does.
    """

    def __init__(self, store: "PgvectorStore", conn, *, gen: int, table: str, manifest: Manifest,
                 chunks: list[Chunk], vector_type: str, has_hnsw: bool, iterative: bool,
                 texts: dict[str, str] | None = None) -> None:
        self._store = store
        self._conn = conn
        self._lock = threading.Lock()
        self.generation = gen
        self.table = table
        self.manifest = manifest
        self.chunks = chunks
        self.texts = texts or {}
        self.vector_type = vector_type
        self.has_hnsw = has_hnsw
        self.ef_search = store.ef_search
        self._iterative = iterative
        self.derived = PgDerived(self)  # what answering derives from this build

    def search(self, qvec, k, exclude_kinds=frozenset()):
        from psycopg import sql

        q = np.asarray(qvec, dtype=np.float32).reshape(-1)
        k = min(int(k), len(self.chunks))
        if k <= 0:
            return []
        query = sql.SQL(
            "SELECT row_no, embedding <=> %(q)s AS d FROM {t} "
            "WHERE kind <> ALL(%(ex)s::text[]) ORDER BY embedding <=> %(q)s LIMIT %(k)s"
        ).format(t=self._ident())
        params = {"q": self._param(q), "ex": sorted(exclude_kinds), "k": k}
        if self.has_hnsw:
            gucs = [("hnsw.ef_search", str(min(1000, max(self.ef_search, k))))]
            if self._iterative:
                gucs.append(("hnsw.iterative_scan", "relaxed_order"))
            rows = self._run(lambda conn: _in_tx(conn, gucs, query, params))
        else:  # no index on this build: the planner can only scan, i.e. exact
            rows = self._run(lambda conn: conn.execute(query, params).fetchall())
        out = [(int(r), 1.0 - float(d)) for r, d in rows]
        out.sort(key=lambda x: (-x[1], x[0]))  # relaxed-order iterative scans: restore order
        return out

    def vectors(self, rows) -> np.ndarray:
        """The stored vectors of ``rows`` (in that order), like FAISS ``reconstruct``."""
        from psycopg import sql

        rows = [int(r) for r in rows]
        if not rows:
            return np.zeros((0, self.manifest.dim), dtype=np.float32)
        query = sql.SQL("SELECT row_no, embedding FROM {t} WHERE row_no = ANY(%s)").format(t=self._ident())
        got = dict(self._run(lambda conn: conn.execute(query, [rows]).fetchall()))
        return np.stack([np.asarray(got[r].to_numpy(), dtype=np.float32) for r in rows])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- internals -----------------------------------------------------------------------
    def _ident(self):
        from psycopg import sql

        return sql.Identifier(self._store.schema, self.table)

    def _param(self, q: np.ndarray):
        if self.vector_type == "halfvec":
            from pgvector import HalfVector

            return HalfVector(q)
        return q

    def _run(self, fn):
        import psycopg

        store = self._store
        with self._lock:
            for attempt in (0, 1):
                try:
                    if self._conn is None or self._conn.closed or self._conn.broken:
                        self._conn = store._reader()
                    return fn(self._conn)
                except psycopg.errors.UndefinedTable:
                    raise IndexLoadError(
                        f"index build {self.generation} was removed from {store.describe()} "
                        "(rebuilt twice since this process opened it); restart to load the current one"
                    ) from None
                except IndexLoadError as e:
                    if not attempt:
                        raise
                    raise IndexLoadError(  # the reconnect after a dropped connection failed
                        f"PostgreSQL dropped the connection during a search and is not back: {e}") from None
                except psycopg.OperationalError as e:
                    lost = self._conn is None or self._conn.closed or self._conn.broken
                    if not lost or attempt:
                        what = (f"PostgreSQL at {redact_url(store.url)} dropped the connection during a search "
                                "twice (check the server and its log)") if lost else (
                            f"PostgreSQL query failed on {store.describe()}")
                        raise IndexLoadError(f"{what}: {_one_line(e, store._secret)}") from None
                    self._conn = None  # connection lost (restart, failover): reconnect once
        raise AssertionError("unreachable")


class PgDerived:
    """A build's derived data (index/stores/derived.py) in its own table, derived_g<gen>(key, body)."""

    def __init__(self, index: PgvectorOpenIndex) -> None:
        self._index = index
        self._table = index.table.replace("chunks_", "derived_", 1)

    def get(self, key: str) -> bytes | None:
        import psycopg
        from psycopg import sql

        store = self._index._store

        def read(conn):
            if conn.execute("SELECT to_regclass(%s)", [store._regclass(self._table)]).fetchone()[0] is None:
                return None
            row = conn.execute(sql.SQL("SELECT body FROM {} WHERE key = %s").format(
                sql.Identifier(store.schema, self._table)), [key]).fetchone()
            return bytes(row[0]) if row else None
        try:
            return self._index._run(read)
        except (psycopg.Error, IndexLoadError):
            return None

    def put(self, key: str, data: bytes) -> None:
        import psycopg
        from psycopg import sql

        ident = sql.Identifier(self._index._store.schema, self._table)

        def write(conn):
            with conn.transaction():
                conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (key text PRIMARY KEY, body bytea NOT NULL)")
                             .format(ident))
                conn.execute(sql.SQL("INSERT INTO {} (key, body) VALUES (%s, %s) ON CONFLICT (key) "
                                     "DO UPDATE SET body = EXCLUDED.body").format(ident), [key, data])
        try:
            self._index._run(write)
        except (psycopg.Error, IndexLoadError) as e:  # a read-only role: answering only costs time
            log.debug("could not store derived data %s: %s", key, _one_line(e))


def _in_tx(conn, gucs, query, params):
    """Run ``query`` in a short transaction with transaction-local settings (pooler-safe)."""
    with conn.transaction():
        for name, value in gucs:
            conn.execute("SELECT set_config(%s, %s, true)", [name, value])
        return conn.execute(query, params).fetchall()


class PgvectorStore:
    name = "pgvector"

    def __init__(self, settings: Settings, *, schema: str | None = None, vector_type: str | None = None,
                 exact_scan_max: int = EXACT_SCAN_MAX, ef_search: int = HNSW_EF_SEARCH,
                 connect_timeout: int = CONNECT_TIMEOUT_S) -> None:
        self.url = getattr(settings, "pg_url", None)
        self.schema = schema or getattr(settings, "pg_schema", None) or DEFAULT_SCHEMA
        if not _SCHEMA_RE.match(self.schema):
            raise KeyError(f"bad PostgreSQL schema name {self.schema!r}: use lower-case letters, digits and _")
        self.vector_type = vector_type or getattr(settings, "pg_vector_type", None) or "vector"
        if self.vector_type not in VECTOR_TYPES:
            raise KeyError(f"unknown pgvector column type {self.vector_type!r}; choose vector or halfvec")
        self.exact_scan_max = exact_scan_max
        self.ef_search = ef_search
        self.connect_timeout = connect_timeout
        self._secret = _password(self.url)

    def describe(self) -> str:
        return f"pgvector at {redact_url(self.url)} (schema {self.schema})"

    # -- connections ---------------------------------------------------------------------
    def _connect_message(self, err: BaseException) -> str:
        return f"cannot connect to PostgreSQL at {redact_url(self.url)}: {_one_line(err, self._secret)}; {URL_HINT}"

    def _connect(self):
        """An autocommit connection, or IndexLoadError with a one-line message (no password)."""
        import psycopg
        from psycopg.conninfo import conninfo_to_dict

        if not self.url:
            raise IndexLoadError(
                "--store pgvector needs a database: pass --pg-url postgresql://USER@HOST:5432/DB "
                "or set STUDYRAG_PG_URL"
            )
        try:
            params = conninfo_to_dict(self.url)
        except Exception as e:
            raise IndexLoadError(f"bad PostgreSQL URL {redact_url(self.url)}: {_one_line(e, self._secret)}") from None
        kw = {}
        if "connect_timeout" not in params:
            kw["connect_timeout"] = self.connect_timeout
        if "application_name" not in params:
            kw["application_name"] = "studyrag"
        try:
            # Autocommit: every conn.transaction() below is an explicit BEGIN ... COMMIT.
            conn = psycopg.connect(self.url, autocommit=True, **kw)
        except psycopg.Error as e:
            raise IndexLoadError(self._connect_message(e)) from None
        log.debug("connected to %s", redact_url(self.url))
        return conn

    def _reader(self):
        """A connection with the pgvector types registered (needs the extension)."""
        from pgvector.psycopg import register_vector

        conn = self._connect()
        try:
            register_vector(conn)
        except Exception:
            conn.close()
            raise
        return conn

    def _tables(self):
        from psycopg import sql

        return sql.Identifier(self.schema, "generations"), sql.Identifier(self.schema, "current")

    def _lock_key(self) -> int:
        """A stable advisory-lock key per schema (computed here: no server-side hash needed)."""
        digest = hashlib.sha256(f"studyrag-store:{self.schema}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    # -- writing -------------------------------------------------------------------------
    def write(self, manifest: Manifest, chunks: list[Chunk], vectors: np.ndarray,
              texts: dict[str, str] | None = None) -> None:
        import psycopg

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(chunks) or not len(chunks):
            raise ValueError(f"need one vector per chunk, got {vectors.shape} for {len(chunks)} chunks")
        manifest.store = self.name
        manifest.dim = int(vectors.shape[1])
        manifest.chunk_count = len(chunks)
        manifest.files = {}
        try:
            conn = self._connect()
        except IndexLoadError as e:
            raise PgStoreWriteError(str(e)) from None
        try:
            with conn:
                self._ensure_schema(conn)
                gen = self._write_generation(conn, manifest, chunks, vectors, texts)
                self._collect(conn)
        except psycopg.Error as e:
            raise PgStoreWriteError(
                f"writing the index to {self.describe()} failed, previous index kept: {_one_line(e, self._secret)}"
            ) from None
        log.info("wrote index build %s (%d chunks) to %s", gen, len(chunks), self.describe())

    def _ensure_schema(self, conn) -> None:
        import psycopg
        from psycopg import sql

        gens, current = self._tables()
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [self._lock_key()])
            if not conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone():
                try:
                    with conn.transaction():
                        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
                except psycopg.errors.InsufficientPrivilege:
                    raise PgStoreWriteError(
                        f"the pgvector extension is not installed in {redact_url(self.url)} and this user "
                        "may not install it; ask an administrator to run CREATE EXTENSION vector"
                    ) from None
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema)))
            conn.execute(sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (gen bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                "manifest jsonb NOT NULL, chunk_table text NOT NULL, "
                "created_at timestamptz NOT NULL DEFAULT now())").format(gens))
            conn.execute(sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (singleton boolean PRIMARY KEY DEFAULT true "
                "CHECK (singleton), gen bigint NOT NULL REFERENCES {} (gen))").format(current, gens))

    def _write_generation(self, conn, manifest: Manifest, chunks: list[Chunk], vectors: np.ndarray,
                          texts: dict[str, str] | None = None) -> int:
        from pgvector.psycopg import register_vector
        from psycopg import sql

        register_vector(conn)
        gens, current = self._tables()
        dim = int(vectors.shape[1])
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [self._lock_key()])
            gen = conn.execute(
                sql.SQL("INSERT INTO {} (manifest, chunk_table) VALUES (%s::jsonb, '') RETURNING gen").format(gens),
                [manifest.to_json()],
            ).fetchone()[0]
            table = f"chunks_g{gen}"
            conn.execute(sql.SQL("UPDATE {} SET chunk_table = %s WHERE gen = %s").format(gens), [table, gen])
            ident = sql.Identifier(self.schema, table)
            conn.execute(sql.SQL(
                "CREATE TABLE {} (row_no integer PRIMARY KEY, chunk_id text NOT NULL, source text NOT NULL, "
                "section text[] NOT NULL, kind text NOT NULL, start_char integer NOT NULL, "
                "end_char integer NOT NULL, text text NOT NULL, embedding {}({}) NOT NULL)"
            ).format(ident, sql.SQL(self.vector_type), sql.Literal(dim)))
            self._copy_rows(conn, ident, chunks, vectors)
            if texts is not None:
                self._write_texts(conn, table, texts)
            if len(chunks) > self.exact_scan_max:
                # Built once after the bulk load: far faster than maintaining it per row.
                conn.execute("SELECT set_config('maintenance_work_mem', %s, true)", [BUILD_MAINTENANCE_MEM])
                conn.execute(sql.SQL(
                    "CREATE INDEX {} ON {} USING hnsw (embedding {}) WITH (m = {}, ef_construction = {})"
                ).format(sql.Identifier(f"{table}_hnsw"), ident, sql.SQL(VECTOR_TYPES[self.vector_type]),
                         sql.Literal(HNSW_M), sql.Literal(HNSW_EF_CONSTRUCTION)))
            conn.execute(sql.SQL("ANALYZE {}").format(ident))
            conn.execute(sql.SQL(
                "INSERT INTO {} (singleton, gen) VALUES (true, %s) "
                "ON CONFLICT (singleton) DO UPDATE SET gen = EXCLUDED.gen").format(current), [gen])
        return gen

    def _write_texts(self, conn, table: str, texts: dict[str, str]) -> None:
        from psycopg import sql

        ident = sql.Identifier(self.schema, table.replace("chunks_", "texts_", 1))
        conn.execute(sql.SQL("CREATE TABLE {} (source text PRIMARY KEY, body text NOT NULL)").format(ident))
        with conn.cursor() as cur:
            cur.executemany(sql.SQL("INSERT INTO {} (source, body) VALUES (%s, %s)").format(ident),
                            list(texts.items()))

    def _copy_rows(self, conn, ident, chunks: list[Chunk], vectors: np.ndarray) -> None:
        from psycopg import sql

        half = self.vector_type == "halfvec"
        if half:
            from pgvector import HalfVector
        stmt = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT BINARY)").format(
            ident, sql.SQL(", ").join(map(sql.Identifier, _COLUMNS)))
        with conn.cursor() as cur, cur.copy(stmt) as copy:
            copy.set_types(["integer", "text", "text", "text[]", "text", "integer", "integer", "text",
                            self.vector_type])
            for row, (c, v) in enumerate(zip(chunks, vectors)):
                copy.write_row((row, c.id, c.source, list(c.section), c.kind, c.start, c.end, c.text,
                                HalfVector(v) if half else v))

    def _collect(self, conn) -> None:
        """Drop builds older than the last KEEP_GENERATIONS (best effort, never blocks long)."""
        import psycopg
        from psycopg import sql

        gens, current = self._tables()
        try:
            with conn.transaction():
                conn.execute("SELECT set_config('lock_timeout', '5s', true)")
                conn.execute("SELECT pg_advisory_xact_lock(%s)", [self._lock_key()])
                old = conn.execute(sql.SQL(
                    "SELECT gen, chunk_table FROM {g} WHERE gen NOT IN "
                    "(SELECT gen FROM {g} ORDER BY gen DESC LIMIT %s) "
                    "AND gen NOT IN (SELECT gen FROM {c})").format(g=gens, c=current),
                    [KEEP_GENERATIONS]).fetchall()
                for gen, table in old:
                    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(self.schema, table)))
                    for kind in ("texts_", "derived_"):
                        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(
                            sql.Identifier(self.schema, table.replace("chunks_", kind, 1))))
                    conn.execute(sql.SQL("DELETE FROM {} WHERE gen = %s").format(gens), [gen])
        except psycopg.Error as e:  # e.g. a reader still scanning an old build: next time
            log.warning("could not drop old index builds in %s: %s", self.describe(), _one_line(e, self._secret))

    # -- reading -------------------------------------------------------------------------
    def _regclass(self, name: str) -> str:
        return f'"{self.schema}"."{name}"'

    def _current(self, conn):
        """(gen, chunk_table, manifest) of the current build, or None when there is none."""
        from psycopg import sql

        gens, current = self._tables()
        exists = conn.execute("SELECT to_regclass(%s), to_regclass(%s)",
                              [self._regclass("generations"), self._regclass("current")]).fetchone()
        if exists[0] is None or exists[1] is None:
            return None
        return conn.execute(sql.SQL(
            "SELECT g.gen, g.chunk_table, g.manifest FROM {c} c JOIN {g} g USING (gen)"
        ).format(c=current, g=gens)).fetchone()

    def read_manifest(self) -> Manifest | None:
        try:
            with self._connect() as conn:
                cur = self._current(conn)
                return None if cur is None else _manifest(cur[2])
        except Exception:
            return None

    def open(self) -> PgvectorOpenIndex:
        import psycopg

        try:
            conn = self._reader()
        except psycopg.Error as e:  # connected, but the vector type is missing
            raise IndexLoadError(f"no index in {self.describe()} ({_one_line(e, self._secret)}); "
                                 f"{PG_REBUILD_HINT}") from None
        try:
            return self._open(conn)
        except psycopg.Error as e:
            conn.close()
            raise IndexLoadError(f"index in {self.describe()} cannot be read ({_one_line(e, self._secret)}); "
                                 f"{PG_REBUILD_HINT}") from None
        except BaseException:
            conn.close()
            raise

    def _open(self, conn) -> PgvectorOpenIndex:
        from psycopg import sql

        where = self.describe()
        cur = self._current(conn)
        if cur is None:
            raise IndexLoadError(f"no index in {where}; {PG_REBUILD_HINT}")
        gen, table, raw = cur
        try:
            manifest = _manifest(raw)
        except Exception as e:
            raise IndexLoadError(f"index manifest in {where} is unreadable ({e}); {PG_REBUILD_HINT}") from None
        if conn.execute("SELECT to_regclass(%s)", [self._regclass(table)]).fetchone()[0] is None:
            raise IndexLoadError(f"index build {gen} in {where} has no table {table}; {PG_REBUILD_HINT}")
        coltype = conn.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = 'embedding' AND NOT attisdropped",
            [self._regclass(table)]).fetchone()
        m = _COLTYPE_RE.match(coltype[0]) if coltype else None
        if m is None or int(m.group(2)) != manifest.dim:
            got = coltype[0] if coltype else "no embedding column"
            raise IndexLoadError(
                f"index in {where} is inconsistent ({got}, manifest says dimension {manifest.dim}); {PG_REBUILD_HINT}")
        ident = sql.Identifier(self.schema, table)
        n, lo, hi = conn.execute(sql.SQL("SELECT count(*), min(row_no), max(row_no) FROM {}").format(ident)).fetchone()
        if n != manifest.chunk_count or (n and (lo != 0 or hi != n - 1)):
            raise IndexLoadError(
                f"index in {where} is inconsistent ({n} rows, manifest says {manifest.chunk_count}); {PG_REBUILD_HINT}")
        rows = conn.execute(sql.SQL(
            "SELECT chunk_id, source, section, kind, start_char, end_char, text FROM {} ORDER BY row_no"
        ).format(ident)).fetchall()
        chunks = [Chunk(i, s, tuple(sec), k, a, b, t) for i, s, sec, k, a, b, t in rows]
        texts_table = table.replace("chunks_", "texts_", 1)
        texts = {}
        if conn.execute("SELECT to_regclass(%s)", [self._regclass(texts_table)]).fetchone()[0] is not None:
            texts = dict(conn.execute(sql.SQL("SELECT source, body FROM {}").format(
                sql.Identifier(self.schema, texts_table))).fetchall())
        has_hnsw = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am a ON a.oid = c.relam WHERE i.indrelid = %s::regclass AND a.amname = 'hnsw')",
            [self._regclass(table)]).fetchone()[0]
        ext = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
        return PgvectorOpenIndex(
            self, conn, gen=gen, table=table, manifest=manifest, chunks=chunks, vector_type=m.group(1),
            has_hnsw=bool(has_hnsw), iterative=_version(ext[0] if ext else "0") >= (0, 8, 0), texts=texts)

    def size_bytes(self) -> int:
        """Bytes on disk of the current build (table + TOAST + indexes), 0 if none."""
        with self._connect() as conn:
            cur = self._current(conn)
            if cur is None:
                return 0
            return int(conn.execute("SELECT pg_total_relation_size(%s::regclass)",
                                    [self._regclass(cur[1])]).fetchone()[0])


def _manifest(raw) -> Manifest:
    return Manifest.from_json(raw if isinstance(raw, str) else json.dumps(raw))


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


register("pgvector", PgvectorStore)
