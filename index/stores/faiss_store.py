"""FAISS flat inner-product index + JSONL docstore + the sources' extracted text (JSONL) +
manifest.json, in one folder.

No pickle anywhere: FAISS's own binary format, JSON for everything else. The index folder
is a symlink to a build folder; a new build is written beside it and the symlink is
swapped with one atomic rename, so a crash mid-ingest leaves the previous index serving.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from pathlib import Path

import numpy as np

from studyrag.index.chunk import Chunk
from studyrag.index.manifest import Manifest

from .base import REBUILD_HINT, IndexLoadError, register
from .derived import FolderDerived

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

INDEX_FILE = "vectors.faiss"
CHUNKS_FILE = "chunks.jsonl"
MANIFEST_FILE = "manifest.json"
DERIVED_DIR = "derived"  # sentence/statement vectors and anchors answering derives (ingest fills it)
TEXTS_FILE = "texts.jsonl"  # {"source", "text"} per line: what citations point into
KEEP_BUILDS = 2


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class FaissOpenIndex:
    def __init__(self, manifest: Manifest, chunks: list[Chunk], index, texts: dict[str, str] | None = None,
                 derived: FolderDerived | None = None) -> None:
        self.manifest = manifest
        self.chunks = chunks
        self.texts = texts or {}
        self.derived = derived  # what answering derives from this build (index/stores/derived.py)
        self._index = index
        self._kind_rows: dict[str, np.ndarray] = {}
        kinds = np.array([c.kind for c in chunks])
        for kind in set(kinds.tolist()):
            self._kind_rows[kind] = np.nonzero(kinds == kind)[0].astype("int64")

    def search(self, qvec, k, exclude_kinds=frozenset()):
        import faiss

        q = np.asarray(qvec, dtype=np.float32).reshape(1, -1)
        k = min(k, len(self.chunks))
        params = None
        if exclude_kinds:
            allowed = [r for kind, r in self._kind_rows.items() if kind not in exclude_kinds]
            ids = np.concatenate(allowed) if allowed else np.zeros(0, dtype="int64")
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(ids))
            k = min(k, len(ids))
        if k <= 0:
            return []
        scores, rows = self._index.search(q, k, params=params)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]


class FaissStore:
    name = "faiss"

    def __init__(self, settings: Settings) -> None:
        self.path = Path(settings.resolved_index_dir)

    def describe(self) -> str:
        return f"faiss at {self.path}"

    # -- writing -------------------------------------------------------------------------
    def write(self, manifest: Manifest, chunks: list[Chunk], vectors: np.ndarray,
              texts: dict[str, str] | None = None) -> None:
        import faiss

        builds = self.path.parent / f".{self.path.name}-builds"
        builds.mkdir(parents=True, exist_ok=True)
        build = builds / f"{time.time_ns():020d}-{uuid.uuid4().hex[:6]}"
        tmp = build.with_name(build.name + ".partial")
        tmp.mkdir()
        try:
            index = faiss.IndexFlatIP(int(vectors.shape[1]))
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
            faiss.write_index(index, str(tmp / INDEX_FILE))
            with (tmp / CHUNKS_FILE).open("w", encoding="utf-8") as f:
                for c in chunks:
                    f.write(json.dumps(c.to_json(), ensure_ascii=False) + "\n")
            names = [INDEX_FILE, CHUNKS_FILE]
            if texts is not None:
                with (tmp / TEXTS_FILE).open("w", encoding="utf-8") as f:
                    for source, text in texts.items():
                        f.write(json.dumps({"source": source, "text": text}, ensure_ascii=False) + "\n")
                names.append(TEXTS_FILE)
            manifest.store = self.name
            manifest.files = {n: _sha256(tmp / n) for n in names}
            (tmp / MANIFEST_FILE).write_text(manifest.to_json(), encoding="utf-8")
            for n in (*names, MANIFEST_FILE):
                _fsync(tmp / n)
            os.rename(tmp, build)
            self._swap_link(build)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self._collect(builds, keep=build)

    def _swap_link(self, build: Path) -> None:
        if self.path.exists() and not self.path.is_symlink():
            # An index folder from elsewhere (copied in by hand): move it aside, keep it.
            os.rename(self.path, self.path.with_name(self.path.name + f".old-{uuid.uuid4().hex[:6]}"))
        link_tmp = self.path.with_name(f".{self.path.name}.link-{uuid.uuid4().hex[:6]}")
        os.symlink(os.path.relpath(build, self.path.parent), link_tmp)
        os.replace(link_tmp, self.path)  # atomic on POSIX

    def _collect(self, builds: Path, keep: Path) -> None:
        done = sorted(p for p in builds.iterdir() if not p.name.endswith(".partial"))
        for old in done[:-KEEP_BUILDS]:
            if old != keep:
                shutil.rmtree(old, ignore_errors=True)
        for partial in builds.glob("*.partial"):  # left by a killed ingest
            if time.time() - partial.stat().st_mtime > 3600:
                shutil.rmtree(partial, ignore_errors=True)

    # -- reading -------------------------------------------------------------------------
    def read_manifest(self) -> Manifest | None:
        try:
            return Manifest.from_json((self.path / MANIFEST_FILE).read_text(encoding="utf-8"))
        except Exception:
            return None

    def open(self) -> FaissOpenIndex:
        import faiss

        where = self.path
        if not where.exists():
            raise IndexLoadError(f"no index at {where}; run `studyrag ingest` first")
        try:
            manifest = Manifest.from_json((where / MANIFEST_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise IndexLoadError(f"index at {where} has no {MANIFEST_FILE}; {REBUILD_HINT}") from None
        except Exception as e:
            raise IndexLoadError(f"index manifest at {where} is unreadable ({e}); {REBUILD_HINT}") from None
        for name, digest in manifest.files.items():
            f = where / name
            if not f.is_file():
                raise IndexLoadError(f"index file {f} is missing; {REBUILD_HINT}")
            if _sha256(f) != digest:
                raise IndexLoadError(f"index file {f} is corrupt or truncated (checksum mismatch); {REBUILD_HINT}")
        try:
            index = faiss.read_index(str(where / INDEX_FILE))
            with (where / CHUNKS_FILE).open(encoding="utf-8") as fh:
                chunks = [Chunk.from_json(json.loads(line)) for line in fh if line.strip()]
            texts = {}
            if TEXTS_FILE in manifest.files:
                with (where / TEXTS_FILE).open(encoding="utf-8") as fh:
                    rows = [json.loads(line) for line in fh if line.strip()]
                texts = {r["source"]: r["text"] for r in rows}
        except Exception as e:
            raise IndexLoadError(f"index at {where} cannot be read ({e}); {REBUILD_HINT}") from None
        if index.ntotal != len(chunks) or len(chunks) != manifest.chunk_count or index.d != manifest.dim:
            raise IndexLoadError(f"index at {where} is inconsistent (vectors vs chunks); {REBUILD_HINT}")
        # The build's own folder (not the link): after a rebuild this reader keeps its own.
        return FaissOpenIndex(manifest, chunks, index, texts, FolderDerived(where.resolve() / DERIVED_DIR))


def _fsync(path: Path) -> None:
    with path.open("rb") as f:
        os.fsync(f.fileno())


register("faiss", FaissStore)
