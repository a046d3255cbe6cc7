"""The Store seam: persist chunks + vectors + manifest atomically, open them for search."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Callable, Protocol

from studyrag.index.chunk import Chunk
from studyrag.index.manifest import Manifest

if TYPE_CHECKING:
    import numpy as np

    from studyrag.settings import Settings

REBUILD_HINT = "run `studyrag ingest --rebuild`"


class IndexLoadError(RuntimeError):
    """The index is missing, corrupt or was built differently; the message names the fix."""


class OpenIndex(Protocol):
    manifest: Manifest
    chunks: list[Chunk]
    texts: dict[str, str]  # source name -> its extracted text (chunks and citations point into it)

    def search(
        self, qvec: np.ndarray, k: int, exclude_kinds: frozenset[str] = frozenset()
    ) -> list[tuple[int, float]]:
        """(row in ``chunks``, cosine similarity), best first."""
        ...


class Store(Protocol):
    name: str

    def read_manifest(self) -> Manifest | None:
        """The manifest of the current index, or None when there is none (never raises)."""
        ...

    def write(self, manifest: Manifest, chunks: list[Chunk], vectors: np.ndarray,
              texts: dict[str, str] | None = None) -> None:
        """Replace the index atomically: readers see the old one or the new one, never half."""
        ...

    def open(self) -> OpenIndex:
        """Load and verify; raises IndexLoadError with the fix."""
        ...

    def describe(self) -> str: ...


def stored_vectors(index, rows: list[int]) -> np.ndarray | None:
    """The vectors the index holds for ``rows`` (FAISS reconstruct, pgvector's column), or
    None when the store cannot give them back."""
    import numpy as np

    rows = [int(r) for r in rows]
    if hasattr(index, "vectors"):
        return index.vectors(rows)
    flat = getattr(index, "_index", None)
    if flat is not None and hasattr(flat, "reconstruct_batch"):
        return np.asarray(flat.reconstruct_batch(np.asarray(rows, dtype="int64")), dtype=np.float32).reshape(
            len(rows), flat.d)
    return None


StoreFactory = Callable[..., Store]
_REGISTRY: dict[str, StoreFactory] = {}
_BUILTINS = {"faiss": ".faiss_store", "pgvector": ".pgvector_store"}


def register(name: str, factory: StoreFactory) -> None:
    _REGISTRY[name] = factory


def store_names() -> list[str]:
    """Every store name: the built-ins and whatever registered (the only list of them)."""
    return sorted(set(_REGISTRY) | set(_BUILTINS))


def get_store(settings: Settings) -> Store:
    name = settings.store
    if name not in _REGISTRY and name in _BUILTINS:
        importlib.import_module(_BUILTINS[name], __package__)
    if name not in _REGISTRY:
        raise KeyError(f"unknown store {name!r}; choose one of: {', '.join(store_names())}")
    return _REGISTRY[name](settings)
