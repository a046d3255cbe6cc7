"""The library of sources: add, list, remove, incrementally.

A source is known by its name (a file's name, or its path inside an added folder). Only
files that are new or whose bytes changed are extracted and embedded; every other source
keeps the chunks, text and vectors the index already holds. Each change writes a whole new
index through the store (atomic), so a bad file or a crash leaves the library as it was.

    sync(settings, {"notes.md": Path("notes.md")}, keep_others=True)   # `sources add notes.md`
    sync(settings, {}, keep_others=True, drop={"old.pdf"})              # `sources remove old.pdf`
    sync(settings, data_files(data_dir), keep_others=True)              # `ingest`: `sources add data/`
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from studyrag.ingest.chunker import Chunk, chunk_text
from studyrag.index.manifest import CHUNKER_VERSION, FORMAT_VERSION, Manifest, SourceInfo
from studyrag.index import hooks
from studyrag.ingest.sources import SourceError, find_sources, read_bytes, read_source

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings


@dataclass
class Entry:
    """One source as it goes into the index; ``vectors`` None until embedded."""

    info: SourceInfo
    text: str
    chunks: list[Chunk]
    vectors: np.ndarray | None


@dataclass
class LibraryReport:
    files: int
    sections: int
    chunks: int
    seconds: float
    skipped: bool  # True when nothing changed (no embedding, nothing written)
    manifest: Manifest
    added: list[str]
    updated: list[str]
    removed: list[str]
    embedded: int  # chunks embedded by this run


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Current:
    """The index as it stands. Its sources' chunks and vectors are reused as they are when it
    was built the way ``settings`` would build it (and no rebuild is asked for); otherwise a
    source that is not being re-read from a file is chunked again from its stored text."""

    def __init__(self, settings: Settings, store, *, reuse: bool) -> None:
        self.settings = settings
        self.manifest = store.read_manifest()
        self.index = None
        self.by_name = {s.path: s for s in self.manifest.sources} if self.manifest else {}
        if self.manifest is not None:
            try:
                self.index = store.open()
            except Exception:  # a damaged or older index: what it held comes from the files
                self.index = None
        self.reusable = reuse and self.index is not None and self._compatible(settings)

    def _compatible(self, settings: Settings) -> bool:
        m = self.manifest
        return (m.embedder, m.chunk_size, m.chunker_version, m.format_version) == (
            settings.embedder, settings.chunk_size, CHUNKER_VERSION, FORMAT_VERSION)

    def entry(self, name: str, sha256: str | None = None) -> Entry | None:
        """Source ``name`` as stored: with its vectors when reusable (and, for a file being
        re-read, when its bytes still hash to ``sha256``); else, for a source kept without
        its file, chunked again from the stored text (to embed)."""
        from studyrag.index.stores.base import stored_vectors

        info = self.by_name.get(name)
        if self.index is None or info is None or name not in self.index.texts:
            return None
        if sha256 is not None and (info.sha256 != sha256 or not self.reusable):
            return None
        text = self.index.texts[name]
        if self.reusable:
            rows = [i for i, c in enumerate(self.index.chunks) if c.source == name]
            vectors = stored_vectors(self.index, rows)
            if vectors is not None:
                return Entry(info, text, [self.index.chunks[i] for i in rows], vectors)
        chunks = chunk_text(text, name, self.settings.chunk_size)
        return Entry(replace(info, chunks=len(chunks)), text, chunks, None)


def files_of(paths: list[Path]) -> dict[str, Path]:
    """Name -> file for `sources add`: a file by its name, a folder's files by their path in it."""
    out: dict[str, Path] = {}
    for p in map(Path, paths):
        if p.is_dir():
            for f in find_sources(p):
                out[f.resolve().relative_to(p.resolve()).as_posix()] = f
        elif p.exists():
            out[p.name] = p
        else:
            raise SourceError(f"{p} does not exist")
    return out


def extract(name: str, path: Path, raw: bytes, chunk_size: int) -> Entry:
    doc = read_source(path, path.parent, rel=name, raw=raw)
    chunks = chunk_text(doc.text, name, chunk_size)
    if not chunks:
        raise SourceError(f"{path} has no text studyrag can use (only noise or headings)")
    info = SourceInfo(name, doc.sha256, doc.size, doc.format, doc.pages, len(chunks), now())
    return Entry(info, doc.text, chunks, None)


def collect(settings: Settings, files: dict[str, Path], current: Current) -> dict[str, Entry]:
    """Entries for ``files``: reused when unchanged, else read; every problem on one line."""
    entries, problems = {}, []
    for name, path in sorted(files.items()):
        try:
            raw = read_bytes(path)
            reused = current.entry(name, hashlib.sha256(raw).hexdigest())
            entries[name] = reused or extract(name, path, raw, settings.chunk_size)
        except SourceError as e:
            problems.append(str(e))
    if problems:
        raise SourceError("; ".join(problems))
    return entries


def sync(settings: Settings, files: dict[str, Path], *, keep_others: bool, drop: set[str] = frozenset(),
         rebuild: bool = False, progress: bool = True, embed=None) -> LibraryReport:
    """Make the library hold ``files`` (plus, with ``keep_others``, what it holds now, less
    ``drop``) and write it when anything changed. ``embed(chunks) -> vectors`` embeds."""
    from studyrag.index.stores import get_store

    t0 = time.perf_counter()
    store = get_store(settings)
    current = Current(settings, store, reuse=not rebuild)
    try:
        return _sync(settings, store, current, files, keep_others, drop, rebuild, embed or _default_embed(
            settings, progress), t0)
    finally:
        if hasattr(current.index, "close"):  # a database connection (pgvector)
            current.index.close()


def _sync(settings: Settings, store, current: Current, files, keep_others, drop, rebuild, embed, t0) -> LibraryReport:
    unknown = sorted(set(drop) - set(current.by_name))
    if unknown:
        raise SourceError(f"no source named {', '.join(unknown)} in the library; "
                          "`studyrag sources list` shows the names")
    entries = collect(settings, files, current)
    if keep_others:
        for name in sorted(set(current.by_name) - set(entries) - set(drop)):
            kept = current.entry(name)
            if kept is None:
                raise SourceError(f"the index cannot give back {name} (damaged or from an older studyrag); "
                                  "add its file again")
            entries[name] = kept
    if not entries:
        raise SourceError("that would leave the library empty; add another source first")
    added = sorted(set(entries) - set(current.by_name))
    updated = sorted(n for n, e in entries.items() if e.vectors is None and n in current.by_name)
    removed = sorted(set(current.by_name) - set(entries))
    fresh = [c for e in entries.values() if e.vectors is None for c in e.chunks]
    if not (fresh or removed or rebuild) and current.reusable:
        return _report(entries, t0, True, current.manifest, added, updated, removed, 0)
    if fresh:
        vectors = embed(fresh)
        pos = 0
        for e in entries.values():
            if e.vectors is None:
                e.vectors, pos = vectors[pos : pos + len(e.chunks)], pos + len(e.chunks)
        model_id = _embedder(settings).model_id
    else:  # only removals: the vectors all come from the index as it is
        model_id = current.manifest.embedder_model
    manifest = _write(settings, store, entries, model_id)
    hooks.new_build_written(settings)  # what answering derives from it (rag registers the step)
    return _report(entries, t0, False, manifest, added, updated, removed, len(fresh))


def _embedder(settings: Settings):
    from studyrag.index.embedders import get_embedder

    return get_embedder(settings.embedder)


def _default_embed(settings: Settings, progress: bool):
    from studyrag.ingest import pipeline

    return lambda chunks: pipeline.embed_all(settings, chunks, progress)


def _write(settings: Settings, store, entries: dict[str, Entry], model_id: str) -> Manifest:
    ordered = [entries[n] for n in sorted(entries)]
    chunks = [c for e in ordered for c in e.chunks]
    vectors = np.concatenate([e.vectors for e in ordered]).astype(np.float32)
    manifest = Manifest(
        embedder=settings.embedder, embedder_model=model_id, dim=int(vectors.shape[1]),
        chunk_size=settings.chunk_size, sources=[replace(e.info, chunks=len(e.chunks)) for e in ordered],
        chunk_count=len(chunks), built_at=now(),
    )
    store.write(manifest, chunks, vectors, {e.info.path: e.text for e in ordered})
    return manifest


def _report(entries, t0, skipped, manifest, added, updated, removed, embedded) -> LibraryReport:
    chunks = [c for e in entries.values() for c in e.chunks]
    sections = len({(c.source, c.section[:2]) for c in chunks})
    return LibraryReport(len(entries), sections, len(chunks), time.perf_counter() - t0, skipped, manifest,
                         added, updated, removed, 0 if skipped else embedded)
