"""Per user and topic: right, wrong, Leitner box, last seen — kept where the index is kept.

SQLite in the work dir (``progress.sqlite3``) for the FAISS store; the same table in the
index's PostgreSQL schema for the pgvector store, so several web-app workers share it.
One row per (user, topic); every answer updates it in one statement, so concurrent workers
never lose an answer.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Protocol

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

MAX_BOX = 5
MAX_USER = 80


@dataclass(frozen=True)
class TopicProgress:
    topic: str
    right: int
    wrong: int
    box: int  # Leitner box: 1 = learn again now ... 5 = known
    last_seen: float  # unix time

    @property
    def seen(self) -> int:
        return self.right + self.wrong


class ProgressStore(Protocol):
    def record(self, user: str, topic: str, correct: bool, when: float | None = None) -> TopicProgress: ...

    def rows(self, user: str) -> list[TopicProgress]: ...


def clean_user(user: str | None) -> str:
    """A user name as stored: trimmed, at most 80 characters; empty means 'guest'.

    >>> clean_user("  Ana ")
    'Ana'
    """
    name = " ".join((user or "").split())[:MAX_USER]
    return name or "guest"


# right: box+1 (max 5); wrong: back to box 1. Same SQL for SQLite and PostgreSQL.
UPSERT = """
INSERT INTO study_progress (user_name, topic, right_count, wrong_count, box, last_seen)
VALUES ({p}, {p}, {r}, {w}, {b}, {p})
ON CONFLICT (user_name, topic) DO UPDATE SET
  right_count = study_progress.right_count + excluded.right_count,
  wrong_count = study_progress.wrong_count + excluded.wrong_count,
  box = CASE WHEN excluded.wrong_count > 0 THEN 1 ELSE MIN_OF(study_progress.box + 1, {max_box}) END,
  last_seen = excluded.last_seen
"""
CREATE = """CREATE TABLE IF NOT EXISTS study_progress (
  user_name TEXT NOT NULL, topic TEXT NOT NULL, right_count INTEGER NOT NULL, wrong_count INTEGER NOT NULL,
  box INTEGER NOT NULL, last_seen DOUBLE PRECISION NOT NULL, PRIMARY KEY (user_name, topic))"""
SELECT = "SELECT topic, right_count, wrong_count, box, last_seen FROM study_progress WHERE user_name = {p} ORDER BY topic"


def _upsert(p: str, least: str, correct: bool) -> str:
    return UPSERT.format(p=p, r=int(correct), w=int(not correct), b=2 if correct else 1,
                         max_box=MAX_BOX).replace("MIN_OF", least)


class _SqlProgress:
    """record/rows over a DB-API connection; subclasses give the connection and SQL dialect."""

    PARAM = "?"
    LEAST = "MIN"

    def _connect(self):
        raise NotImplementedError

    def record(self, user: str, topic: str, correct: bool, when: float | None = None) -> TopicProgress:
        user, when = clean_user(user), time.time() if when is None else when
        with self._connect() as c:
            c.execute(_upsert(self.PARAM, self.LEAST, correct), (user, topic, when))
        return next(r for r in self.rows(user) if r.topic == topic)

    def rows(self, user: str) -> list[TopicProgress]:
        with self._connect() as c:
            return [TopicProgress(*r) for r in c.execute(SELECT.format(p=self.PARAM), (clean_user(user),))]


class SqliteProgress(_SqlProgress):
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as c:
            c.execute(CREATE)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=10.0)
        try:
            with conn:  # commits, or rolls back on an error
                yield conn
        finally:
            conn.close()


class PostgresProgress(_SqlProgress):
    """The same table in the pgvector store's schema."""

    PARAM = "%s"
    LEAST = "LEAST"

    def __init__(self, url: str, schema: str) -> None:
        from psycopg import sql

        self.url, self.schema = url, schema
        with self._connect() as c:
            c.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            c.execute(CREATE)

    def _connect(self):
        import psycopg
        from psycopg import sql

        conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
        return conn


def open_progress(settings: Settings) -> ProgressStore:
    """PostgreSQL when the index is there (--store pgvector), else SQLite in the work dir."""
    if settings.store == "pgvector" and settings.pg_url:
        return PostgresProgress(settings.pg_url, getattr(settings, "pg_schema", "studyrag"))
    return SqliteProgress(Path(settings.work_dir) / "progress.sqlite3")
