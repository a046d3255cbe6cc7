"""Ingest: the data folder -> chunks -> vectors -> store, doing work only for what changed.

`studyrag ingest` is `studyrag sources add DATA_DIR`: every guide under the data folder is
added or updated (ingest/library.py does the bookkeeping: unchanged files keep their chunks
and vectors); sources added from elsewhere stay until `studyrag sources remove`.
"""

from __future__ import annotations

import numpy as np

from studyrag.ingest.chunker import Chunk, chunk_text
from studyrag.ingest.library import LibraryReport, sync
from studyrag.ingest.sources import SourceError, find_sources, load_sources

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

IngestReport = LibraryReport


def embedding_text(chunk: Chunk) -> str:
    """What gets embedded: the heading path gives a short chunk its topic."""
    return f"{chunk.heading}\n{chunk.text}"


def chunk_sources(settings: Settings) -> tuple[list, list[Chunk]]:
    """Every guide under the data folder, read and chunked (no index involved)."""
    docs = load_sources(settings.data_dir)
    chunks: list[Chunk] = []
    for doc in docs:
        got = chunk_text(doc.text, doc.rel, settings.chunk_size)
        if not got:
            raise SourceError(f"{doc.path} has no text studyrag can use (only noise or headings)")
        chunks.extend(got)
    return docs, chunks


def data_files(data_dir) -> dict:
    """Name (path under the folder) -> file, for every guide under ``data_dir``."""
    from pathlib import Path

    root = Path(data_dir).resolve()
    return {p.resolve().relative_to(root).as_posix(): p for p in find_sources(data_dir)}


def ingest(settings: Settings, *, rebuild: bool = False, progress: bool = True) -> IngestReport:
    return sync(settings, data_files(settings.data_dir), keep_others=True, rebuild=rebuild, progress=progress)


def embed_all(settings: Settings, chunks: list[Chunk], progress: bool) -> np.ndarray:
    from studyrag.index.embedders import get_embedder

    return embed_chunks(get_embedder(settings.embedder), chunks, progress=progress)


def embed_chunks(embedder, chunks: list[Chunk], *, progress: bool = True, batch: int = 64) -> np.ndarray:
    """Vectors of ``chunks`` in their order, shortest first in batches (embed_in_length_order)."""
    from tqdm import tqdm

    from studyrag.index.embedders.base import embed_in_length_order

    texts = [embedding_text(c) for c in chunks]
    with tqdm(total=len(texts), desc="Embedding", unit="chunk", disable=not progress, leave=False) as bar:
        return embed_in_length_order(embedder, texts, batch=batch, on_batch=bar.update)
