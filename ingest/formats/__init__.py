"""Format readers, one per file: ``READERS`` is the only list of the formats studyrag reads.

    >>> sorted(READERS)
    ['.docx', '.htm', '.html', '.md', '.pdf', '.txt']
"""

from __future__ import annotations

import importlib
from pathlib import Path

from .base import MAX_BYTES, Document, Reader, SourceError, page_at, place

# suffix -> (module, class): imported on first use, so `studyrag --help` loads no PDF library.
READERS: dict[str, tuple[str, str]] = {
    ".txt": (".text", "TextReader"),
    ".md": (".text", "TextReader"),
    ".pdf": (".pdf", "PdfReader"),
    ".html": (".html", "HtmlReader"),
    ".htm": (".html", "HtmlReader"),
    ".docx": (".docx", "DocxReader"),
}
SUFFIXES = frozenset(READERS)


def reader_for(path: Path) -> Reader:
    suffix = Path(path).suffix.lower()
    if suffix not in READERS:
        what = f"unknown format {suffix!r}" if suffix else "no file extension"
        raise SourceError(f"{path}: {what}; studyrag reads {', '.join(sorted(READERS))}")
    module, cls = READERS[suffix]
    return getattr(importlib.import_module(module, __package__), cls)()


def read_document(path: Path, raw: bytes) -> Document:
    """The text of ``path`` (whose bytes are ``raw``), or SourceError with one clear line."""
    reader = reader_for(path)
    if len(raw) > MAX_BYTES:
        raise SourceError(f"{path} is {len(raw) // 2**20} MiB; studyrag reads files up to {MAX_BYTES // 2**20} MiB")
    if not raw.strip():
        raise SourceError(f"{path} is empty; remove it or add text")
    return reader.read(Path(path), raw)


__all__ = ["READERS", "SUFFIXES", "Document", "Reader", "SourceError", "page_at", "place", "read_document", "reader_for"]
