"""What answering derives from an index build, kept *with* that build.

Answering needs more than chunk vectors: the vectors of the material's sentences, of its
signal statements (for each embedder the decision uses), of its FAQ questions, and the refusal
anchors (rag/scope.py). Ingest computes them once and stores them beside the build — files in
the FAISS build's folder, a table per build in PostgreSQL — so a process that answers embeds
nothing but the question, and a rebuild starts clean. Entries are keyed by what they were
computed from (a content digest in the key), so a stale entry is never read.

>>> import tempfile
>>> d = FolderDerived(Path(tempfile.mkdtemp()))
>>> d.put("sentences-minilm-ab12.npy", array_bytes(np.eye(2, dtype=np.float32)))
>>> array_from(d.get("sentences-minilm-ab12.npy")).tolist()
[[1.0, 0.0], [0.0, 1.0]]
>>> d.get("missing") is None
True
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Protocol

import numpy as np

KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,120}")


class Derived(Protocol):
    def get(self, key: str) -> bytes | None:
        """The stored bytes, or None (never raises for a missing or unreadable entry)."""
        ...

    def put(self, key: str, data: bytes) -> None:
        """Store atomically; a read-only store may ignore it (answering then only costs time)."""
        ...


class FolderDerived:
    """Entries as files in a folder (the FAISS build's ``derived/``, or a work-dir cache)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, key: str) -> bytes | None:
        try:
            return (self.folder / _checked(key)).read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        path = self.folder / _checked(key)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError:
            tmp.unlink(missing_ok=True)  # read-only or full: nothing half-written stays


def array_bytes(vectors: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.asarray(vectors), allow_pickle=False)
    return buf.getvalue()


def array_from(data: bytes | None) -> np.ndarray | None:
    """The array, or None when there is none or it is not a plain .npy (never a pickle)."""
    if data is None:
        return None
    try:
        return np.load(io.BytesIO(data), allow_pickle=False)
    except (OSError, ValueError):
        return None


def _checked(key: str) -> str:
    if not KEY_RE.fullmatch(key):
        raise ValueError(f"bad derived-data key {key!r}")
    return key
