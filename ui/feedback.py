"""Thumbs up/down on answers, kept in a local SQLite file and exported as eval-suite JSONL.

One row per rated answer (rating again replaces it; taking the rating back deletes it).
WAL mode so the UI's worker threads and an export can run side by side; every statement
is parameterized. Nothing that looks like an AWS key, secret or token is ever stored:
``scrub`` runs over every text field before it reaches the database.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

DEFAULT_NAME = "feedback.sqlite3"
REDACTED = "[REDACTED]"

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    key        TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    rating     INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    question   TEXT NOT NULL,
    answer     TEXT NOT NULL,
    citations  TEXT NOT NULL,
    backend    TEXT NOT NULL DEFAULT '',
    model      TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL DEFAULT '',
    lang       TEXT NOT NULL DEFAULT '',
    refused    INTEGER NOT NULL DEFAULT 0,
    fallback   INTEGER NOT NULL DEFAULT 0,
    services   TEXT NOT NULL DEFAULT '[]',
    comment    TEXT NOT NULL DEFAULT ''
);
"""

# Secrets: AWS access key ids (AKIA/ASIA...), secret keys and session tokens (by their
# assignment or by shape), bearer tokens and OpenAI-style keys.
_SECRET_RES = [
    re.compile(r"\b(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{12,}\b"),
    re.compile(
        r"(?i)\b(aws_?secret_?access_?key|aws_?session_?token|aws_?access_?key_?id|secret_?access_?key|"
        r"session_?token|secret|password|passwd|api_?key|access_?token|token)(\s*[:=]\s*)(['\"]?)[^\s'\",;]{8,}\3"
    ),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9\-._~+/]{16,}=*"),
    re.compile(r"\bsk-[A-Za-z0-9_\-]{16,}\b"),
    # Session tokens: very long base64 runs.
    re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{100,}"),
]
# A bare 40-character secret access key: base64 alphabet, upper + lower + digit mixed
# (a lowercase git SHA or a hex digest never matches).
_BARE_KEY_RE = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])")


def _bare_key(m: re.Match) -> str:
    s = m.group(0)
    mixed = any(c.isupper() for c in s) and any(c.islower() for c in s) and any(c.isdigit() for c in s)
    return REDACTED if mixed else s


def scrub(text: str) -> str:
    """``text`` with anything that looks like a credential replaced by [REDACTED]."""
    if not text:
        return text or ""
    out = text
    for rx in _SECRET_RES:
        if rx.groups >= 2:
            out = rx.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", out)
        else:
            out = rx.sub(REDACTED, out)
    return _BARE_KEY_RE.sub(_bare_key, out)


def _scrub_json(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_json(v) for k, v in value.items()}
    return value


def default_path(settings: Settings) -> Path:
    return Path(settings.work_dir) / DEFAULT_NAME


def _rating(value) -> int | None:
    """+1 / -1 from True/False, 'up'/'down', 'Like'/'Dislike', 1/-1; None clears."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return 1 if value else -1
    if isinstance(value, (int, float)):
        return 1 if value > 0 else -1 if value < 0 else None
    v = str(value).strip().lower()
    if v in ("up", "like", "liked", "good", "+1", "1", "true", "👍"):
        return 1
    if v in ("down", "dislike", "disliked", "bad", "-1", "false", "👎"):
        return -1
    raise ValueError(f"rating must be up or down, not {value!r}")


class FeedbackStore:
    """A small thread-safe store: a fresh connection per operation, WAL journal."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10.0)
        conn.row_factory = sqlite3.Row
        if not self._ready:
            with self._lock:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(SCHEMA)
                conn.commit()
                self._ready = True
        return conn

    def record(self, *, key: str, rating, answer: dict, comment: str = "") -> int | None:
        """Save (or replace) the rating of one answer; ``rating`` None removes it.

        ``answer`` is ``Answer.to_json()``. Returns the row id (None when removed).
        """
        r = _rating(rating)
        with closing(self._connect()) as conn, conn:
            if r is None:
                conn.execute("DELETE FROM feedback WHERE key = ?", (key,))
                return None
            citations = _scrub_json([
                {k: c.get(k) for k in ("id", "source", "section", "start", "end", "quote")}
                for c in answer.get("citations") or []
            ])
            row = (
                key, datetime.now(timezone.utc).isoformat(timespec="seconds"), r,
                scrub(str(answer.get("question") or "")), scrub(str(answer.get("answer") or "")),
                json.dumps(citations, ensure_ascii=False),
                scrub(str(answer.get("backend") or "")), scrub(str(answer.get("model") or "")),
                str(answer.get("kind") or ""), str(answer.get("lang") or ""),
                int(bool(answer.get("refused"))), int(bool(answer.get("fallback"))),
                json.dumps(_scrub_json(list(answer.get("services") or [])), ensure_ascii=False),
                scrub(comment or ""),
            )
            conn.execute(
                "INSERT INTO feedback (key, created_at, rating, question, answer, citations, backend, model,"
                " kind, lang, refused, fallback, services, comment)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET created_at = excluded.created_at, rating = excluded.rating,"
                " comment = excluded.comment",
                row,
            )
            got = conn.execute("SELECT id FROM feedback WHERE key = ?", (key,)).fetchone()
            return int(got["id"])

    def rows(self) -> list[dict]:
        if not self.path.is_file():
            return []
        with closing(self._connect()) as conn:
            return [dict(r) for r in conn.execute("SELECT * FROM feedback ORDER BY id")]

    def count(self) -> int:
        return len(self.rows())


def as_suite_item(row: dict) -> dict:
    """One feedback row shaped like an eval-suite item (id, question, services, sections...)."""
    citations = json.loads(row["citations"] or "[]")
    sections = list(dict.fromkeys(c.get("section") for c in citations if c.get("section")))
    up = row["rating"] > 0
    return {
        "id": f"fb-{row['id']:04d}",
        "question": row["question"],
        "answer": row["answer"],
        "citations": citations,
        "rating": "up" if up else "down",
        "services": json.loads(row.get("services") or "[]"),
        "sections": sections,
        "refuse": bool(row["refused"]),
        "backend": row["backend"],
        "model": row["model"],
        "kind": row["kind"],
        "lang": row["lang"],
        "fallback": bool(row["fallback"]),
        "created_at": row["created_at"],
        "note": f"user feedback: thumbs {'up' if up else 'down'}" + (f" — {row['comment']}" if row.get("comment") else ""),
    }


def export_lines(store: FeedbackStore) -> Iterable[str]:
    for row in store.rows():
        yield json.dumps(as_suite_item(row), ensure_ascii=False)
