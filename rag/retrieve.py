"""Hybrid retrieval: dense (FAISS, the ingest embedder) + lexical (BM25) fused by RRF.

Both sides see the heading path as well as the chunk text, so a short bullet under
"Serverless Inference" still matches a question about serverless inference.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import numpy as np

from studyrag.ingest.chunker import Chunk
from studyrag.index.embedders import get_embedder
from studyrag.ingest.pipeline import embedding_text
from studyrag.index.stores import IndexLoadError, get_store
from studyrag.index.stores.base import REBUILD_HINT, stored_vectors

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

CLOSED_BOOK_KINDS = frozenset({"scenario", "faq", "summary"})
RRF_K = 60
CANDIDATES = 24  # per retriever, before fusion


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    row: int
    score: float  # fused RRF score
    dense: float  # cosine similarity, -1..1
    lexical: float  # BM25 score, 0 when BM25 did not return it
    rank: int


class Retriever:
    """Loads the index once; ``search`` is cheap and thread-safe for reads."""

    def __init__(self, settings: Settings, *, closed_book: bool | None = None) -> None:
        self.settings = settings
        store = get_store(settings)
        self.index = store.open()
        manifest = self.index.manifest
        why = manifest.mismatch(settings.embedder)
        if why:
            raise IndexLoadError(f"{why}; {REBUILD_HINT} (or set --embedder {manifest.embedder})")
        self.embedder = get_embedder(manifest.embedder)
        if self.embedder.dim != manifest.dim:
            raise IndexLoadError(f"index dimension {manifest.dim} != embedder's {self.embedder.dim}; {REBUILD_HINT}")
        self.chunks = self.index.chunks
        closed = settings.closed_book if closed_book is None else closed_book
        self.exclude = CLOSED_BOOK_KINDS if closed else frozenset()
        self.picked = picked_sources(getattr(settings, "sources", None), self.index.manifest)
        self.allowed = np.array([c.kind not in self.exclude and (self.picked is None or c.source in self.picked)
                                 for c in self.chunks])
        # Picked sources: dense search scans their stored vectors (exact, like the flat index).
        self._picked_rows = np.nonzero(self.allowed)[0] if self.picked is not None else None
        self._picked_vecs = self._vectors(self._picked_rows.tolist()) if self._picked_rows is not None else None
        self._bm25 = self._build_bm25()

    def _build_bm25(self):
        import bm25s
        import Stemmer

        self._stemmer = Stemmer.Stemmer("english")
        corpus = [embedding_text(c) for c in self.chunks]
        tokens = bm25s.tokenize(corpus, stopwords="en", stemmer=self._stemmer, show_progress=False)
        bm25 = bm25s.BM25()
        bm25.index(tokens, show_progress=False)
        return bm25

    # -- the two retrievers ----------------------------------------------------------------
    def embed_query(self, question: str) -> np.ndarray:
        return self.embedder.embed_queries([question])[0]

    def dense(self, qvec: np.ndarray, k: int = CANDIDATES) -> list[tuple[int, float]]:
        if self._picked_rows is None:
            return self.index.search(qvec, k, self.exclude)
        sims = self._picked_vecs @ np.asarray(qvec, dtype=np.float32)
        top = np.argsort(-sims, kind="stable")[:k]
        return [(int(self._picked_rows[i]), float(sims[i])) for i in top]

    def lexical(self, question: str, k: int = CANDIDATES) -> list[tuple[int, float]]:
        import bm25s

        q = bm25s.tokenize([question], stopwords="en", stemmer=self._stemmer, show_progress=False)
        if not q.vocab or not any(len(ids) for ids in q.ids):
            return []
        words = _to_corpus_vocab(q, self._bm25)
        if not words[0]:
            return []  # no query word occurs in the corpus
        k = min(k, int(self.allowed.sum()))
        rows, scores = self._bm25.retrieve(
            words, k=k, show_progress=False,
            weight_mask=self.allowed.astype(np.float32),
        )
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if s > 0]

    # -- fused -----------------------------------------------------------------------------
    def search(self, question: str, k: int | None = None, qvec: np.ndarray | None = None) -> list[Hit]:
        k = k or self.settings.top_k
        qvec = self.embed_query(question) if qvec is None else qvec
        dense = self.dense(qvec)
        lex = self.lexical(question)
        fused: dict[int, float] = {}
        for ranking in (dense, lex):
            for rank, (row, _s) in enumerate(ranking):
                fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank + 1)
        dense_of = dict(dense)
        lex_of = dict(lex)
        # Rows BM25 found but the dense top-N missed still get their true cosine.
        missing = [r for r in fused if r not in dense_of]
        if missing:
            vecs = self._vectors(missing)
            for r, v in zip(missing, vecs):
                dense_of[r] = float(v @ qvec)
        order = sorted(fused, key=lambda r: fused[r], reverse=True)[:k]
        return [
            Hit(self.chunks[r], r, fused[r], dense_of.get(r, 0.0), lex_of.get(r, 0.0), i)
            for i, r in enumerate(order)
        ]

    def _vectors(self, rows: list[int]) -> np.ndarray:
        vecs = stored_vectors(self.index, rows)
        if vecs is not None:
            return vecs
        return self.embedder.embed_passages([embedding_text(self.chunks[r]) for r in rows])

    def timed_search(self, question: str, k: int | None = None) -> tuple[list[Hit], float]:
        t0 = time.perf_counter()
        hits = self.search(question, k)
        return hits, (time.perf_counter() - t0) * 1000


def picked_sources(names, manifest) -> frozenset[str] | None:
    """The library's sources a question may use (None: all), from names as the user wrote
    them ('guide.pdf' or 'notes/guide.pdf'); an unknown name is an error naming the choices."""
    if not names:
        return None
    known = [s.path for s in manifest.sources]
    picked = set()
    for name in names:
        name = name.strip()
        match = [k for k in known if k == name] or [k for k in known if k.rsplit("/", 1)[-1] == name]
        if not match:
            raise IndexLoadError(f"no source named {name!r} in the library; choose from: {', '.join(known)}")
        picked.update(match)
    return frozenset(picked)


def _to_corpus_vocab(q, bm25):
    """bm25s.tokenize builds a fresh vocab per call; map the query onto the corpus vocab."""
    inv = {i: tok for tok, i in q.vocab.items()}
    words = [[inv[i] for i in ids] for ids in q.ids]
    known = bm25.vocab_dict
    return [[w for w in ws if w and w in known] for ws in words]


WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
