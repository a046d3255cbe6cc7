"""The Embedder seam: a name, a dimension, and batch embedding of passages and queries."""

from __future__ import annotations

import importlib
from typing import Callable, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors.

    Passages and queries are separate calls because some models (e5) prefix them differently.
    """

    name: str  # registry name, recorded in the index manifest
    model_id: str  # the exact weights, also recorded
    dim: int

    def embed_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


Factory = Callable[[], Embedder]
_REGISTRY: dict[str, Factory] = {}
# Built-ins: name -> module that calls register() on import (keeps torch out of --help).
_BUILTINS = {"minilm": ".minilm", "minilm-st": ".minilm", "e5": ".e5"}


def register(name: str, factory: Factory) -> None:
    _REGISTRY[name] = factory


def available() -> list[str]:
    return sorted(set(_REGISTRY) | set(_BUILTINS))


_CACHE: dict[str, Embedder] = {}


def get_embedder(name: str) -> Embedder:
    """The embedder registered under ``name`` (one instance per process)."""
    if name in _CACHE:
        return _CACHE[name]
    if name not in _REGISTRY and name in _BUILTINS:
        importlib.import_module(_BUILTINS[name], __package__)
    if name not in _REGISTRY:
        raise KeyError(f"unknown embedder {name!r}; choose one of: {', '.join(available())}")
    _CACHE[name] = _REGISTRY[name]()
    return _CACHE[name]


def embed_in_length_order(embedder: Embedder, texts: list[str], *, batch: int = 64,
                          on_batch: Callable[[int], None] | None = None) -> np.ndarray:
    """Passage vectors of ``texts`` in their order, sent shortest first ``batch`` at a time so
    each batch pads to a similar length (a 300-page PDF's chunks: 18.2 vs 13.2 a second at 16
    unsorted, docs/formats.md). A text that occurs more than once (a running header, a slide
    repeated, a notice on every page) is embedded once. ``on_batch(n)`` is told how many of
    ``texts`` were just embedded.

    >>> class Len:  # a toy embedder: one dimension, the text's length
    ...     dim = 1
    ...     def embed_passages(self, texts): return np.array([[len(t)] for t in texts], np.float32)
    >>> embed_in_length_order(Len(), ["ccc", "a", "ccc"]).ravel().tolist()
    [3.0, 1.0, 3.0]
    """
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    first: dict[str, int] = {}
    slot = [first.setdefault(t, len(first)) for t in texts]  # each text's row among the unique ones
    unique = list(first)
    copies = np.bincount(slot, minlength=len(unique))
    order = sorted(range(len(unique)), key=lambda i: len(unique[i]))
    vecs = np.zeros((len(unique), embedder.dim), dtype=np.float32)
    for i in range(0, len(unique), batch):
        rows = order[i : i + batch]
        vecs[rows] = embedder.embed_passages([unique[r] for r in rows])
        if on_batch is not None:
            on_batch(int(copies[rows].sum()))
    return vecs[slot]
