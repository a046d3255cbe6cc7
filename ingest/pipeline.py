"""Ingest: sources -> chunks -> vectors -> store, skipping work when nothing changed."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from studyrag.ingest.chunker import Chunk, chunk_text
from studyrag.ingest.embedders import get_embedder
from studyrag.ingest.manifest import Manifest, SourceInfo
from studyrag.ingest.sources import SourceError, load_sources


@dataclass
class IngestReport:
    files: int
    sections: int
    chunks: int
    seconds: float
    skipped: bool  # True when the index was already up to date
    manifest: Manifest


def embedding_text(chunk: Chunk) -> str:
    """What gets embedded: the heading path gives a short chunk its topic."""
    return f"{chunk.heading}\n{chunk.text}"


def chunk_sources(settings) -> tuple[list, list[Chunk]]:
    docs = load_sources(settings.data_dir)
    chunks: list[Chunk] = []
    for doc in docs:
        got = chunk_text(doc.text, doc.rel, settings.chunk_size)
        if not got:
            raise SourceError(f"{doc.path} has no text studyrag can use (only noise or headings)")
        chunks.extend(got)
    return docs, chunks


def ingest(settings, *, rebuild: bool = False, progress: bool = True) -> IngestReport:
    from studyrag.rag.stores import get_store

    t0 = time.perf_counter()
    docs, chunks = chunk_sources(settings)
    store = get_store(settings)
    embedder_name = settings.embedder
    planned = Manifest(
        embedder=embedder_name,
        embedder_model="",
        dim=0,
        chunk_size=settings.chunk_size,
        sources=[SourceInfo(d.rel, d.sha256, len(d.text.encode())) for d in docs],
        chunk_count=len(chunks),
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    sections = len({(c.source, c.section[:2]) for c in chunks})
    current = store.read_manifest()
    if not rebuild and current is not None and _same_build(current, planned):
        return IngestReport(len(docs), sections, current.chunk_count, time.perf_counter() - t0, True, current)

    embedder = get_embedder(embedder_name)
    planned.embedder_model, planned.dim = embedder.model_id, embedder.dim
    vectors = embed_chunks(embedder, chunks, progress=progress)
    store.write(planned, chunks, vectors)
    return IngestReport(len(docs), sections, len(chunks), time.perf_counter() - t0, False, planned)


def _same_build(current: Manifest, planned: Manifest) -> bool:
    cur = current.build_key()
    # The embedder's model id is only known after loading it; compare the rest.
    return (cur[0],) + cur[2:] == (planned.build_key()[0],) + planned.build_key()[2:]


def embed_chunks(embedder, chunks: list[Chunk], *, progress: bool = True, batch: int = 16) -> np.ndarray:
    from tqdm import tqdm

    texts = [embedding_text(c) for c in chunks]
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    with tqdm(total=len(texts), desc="Embedding", unit="chunk", disable=not progress, leave=False) as bar:
        for i in range(0, len(texts), batch):
            out[i : i + batch] = embedder.embed_passages(texts[i : i + batch])
            bar.update(min(batch, len(texts) - i))
    return out
