"""Find and read the guides under the data folder, refusing input we cannot trust.

Every format goes through its reader (ingest/formats/); the extracted text is what the
index stores and what citations point into.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from studyrag.ingest.formats import SUFFIXES, Document, SourceError, read_document

LISTED = ", ".join(sorted(SUFFIXES))


@dataclass(frozen=True)
class SourceDoc:
    rel: str  # '/'-separated path relative to the data folder: the citation's "source"
    path: Path
    text: str  # the extracted text (the file itself for .txt/.md)
    sha256: str  # of the file's bytes
    size: int = 0  # the file's bytes
    format: str = "text"
    pages: tuple[int, ...] = ()


def find_sources(data_dir: Path) -> list[Path]:
    data_dir = Path(data_dir)
    if not data_dir.exists():
        raise SourceError(f"data folder {data_dir} does not exist; pass --source DIR or create it")
    if not data_dir.is_dir():
        raise SourceError(f"{data_dir} is not a folder; pass --source DIR with guides ({LISTED})")
    root = data_dir.resolve()
    try:
        everything = sorted(data_dir.rglob("*"))
    except PermissionError as e:
        raise SourceError(f"cannot read folder {e.filename}: permission denied") from None
    for p in everything:
        # rglob does not follow a linked folder: refuse one that leads out rather than
        # silently leaving its guides out of the index.
        if p.is_symlink() and p.is_dir() and not p.resolve().is_relative_to(root):
            raise SourceError(f"{p} points outside {data_dir} (a linked folder); copy its guides in instead")
    candidates = [p for p in everything if p.suffix.lower() in SUFFIXES]
    files = []
    for p in candidates:
        if not p.is_file():
            continue
        # A symlink that leads out of the data folder is not part of the corpus.
        if not p.resolve().is_relative_to(root):
            raise SourceError(f"{p} points outside {data_dir}; copy the file in instead of linking it")
        files.append(p)
    if not files:
        raise SourceError(f"no guides ({LISTED}) under {data_dir}; copy a guide there or pass --source DIR")
    return files


def read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except PermissionError:
        raise SourceError(f"cannot read {path}: permission denied") from None
    except FileNotFoundError:
        raise SourceError(f"{path} does not exist (moved or deleted since the index was built?); "
                          "put it back or run `studyrag ingest`") from None
    except OSError as e:  # a folder named like a guide, a dangling link, an I/O error
        raise SourceError(f"cannot read {path}: {e.strerror or e}") from None
    return raw


def read_source(path: Path, data_dir: Path, rel: str | None = None, raw: bytes | None = None) -> SourceDoc:
    """Read and extract one file; ``rel`` (default: its path under ``data_dir``) names it."""
    raw = read_bytes(path) if raw is None else raw
    doc: Document = read_document(path, raw)
    rel = rel or path.resolve().relative_to(Path(data_dir).resolve()).as_posix()
    return SourceDoc(rel, path, doc.text, hashlib.sha256(raw).hexdigest(), len(raw), doc.format, doc.pages)


def load_sources(data_dir: Path) -> list[SourceDoc]:
    """Every guide under ``data_dir``; all problems reported together, nothing read half."""
    docs, problems = [], []
    for p in find_sources(data_dir):
        try:
            docs.append(read_source(p, data_dir))
        except SourceError as e:
            problems.append(str(e))
    if problems:
        raise SourceError("; ".join(problems))
    return docs


def source_text(data_dir: Path, rel: str) -> str:
    """The text of a source file under the data folder, refusing paths that leave it.
    (Answering reads the text stored in the index instead: Knowledge.text_of.)"""
    root = Path(data_dir).resolve()
    try:
        path = (root / rel).resolve()
    except (ValueError, OSError):  # a NUL byte, a symlink loop
        raise SourceError(f"source {rel!r} is not a usable path") from None
    if not path.is_relative_to(root) or path.suffix.lower() not in SUFFIXES:
        raise SourceError(f"source {rel!r} is outside the data folder")
    return read_source(path, root).text
