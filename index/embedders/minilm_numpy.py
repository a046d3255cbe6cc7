"""A pure-numpy forward pass of a sentence-transformers BERT model (all-MiniLM-L6-v2).

It reproduces ``SentenceTransformer(model_dir).encode(texts, normalize_embeddings=True)``
for the modules that model uses (Transformer -> mean Pooling -> Normalize) from the same
files: ``model.safetensors`` read with ``safetensors.numpy``, ``tokenizer.json`` read with
the ``tokenizers`` library. Importing it costs numpy + tokenizers (~0.1 s) instead of
torch + transformers + sentence-transformers (~5 s), which is what a fresh process that
embeds one query pays.

The maths is HF ``BertModel`` in float32: word + position + token-type embeddings,
LayerNorm, then per layer self-attention (padding keys masked out) + residual + LayerNorm
and a GELU (erf form) feed-forward + residual + LayerNorm. Then mean pooling over the
attention mask and L2 normalisation. Dropout is inactive at inference, so it is absent.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

F32 = np.float32

# Token budget per forward batch (sequences x padded length): bounds the activations
# (tokens x 1536 floats in the feed-forward) while keeping the products large enough for BLAS.
TOKENS_PER_BATCH = 2048
# Attention scores (sequences x heads x len x len floats) computed at once, ~1 MB.
ATTENTION_SCORES = 1 << 18
# Rows of the feed-forward activation (4x wide) given the element-wise GELU at once (~L2 size).
ROW_BLOCK = 128

# erf(x) as an odd/even rational function on [-4, 4] (Eigen's float32 erf); |error| < 5e-7,
# which is below float32 resolution of GELU's output for the activations BERT produces.
_ERF_NUM = tuple(
    F32(c)
    for c in (
        -2.72614225801306e-10,
        2.77068142495902e-08,
        -2.10102402082508e-06,
        -5.69250639462346e-05,
        -7.34990630326855e-04,
        -2.95459980854025e-03,
        -1.60960333262415e-02,
    )
)
_ERF_DEN = tuple(
    F32(c)
    for c in (
        -1.45660718464996e-05,
        -2.13374055278905e-04,
        -1.68282697438203e-03,
        -7.37332916720468e-03,
        -1.42647390514189e-02,
    )
)


def erf(x: np.ndarray) -> np.ndarray:
    """float32 erf, vectorised (numpy has none; scipy.special would add ~0.3 s of imports)."""
    z = np.clip(np.asarray(x, dtype=F32), F32(-4.0), F32(4.0))
    z2 = z * z
    p = z2 * _ERF_NUM[0]
    p += _ERF_NUM[1]
    for c in _ERF_NUM[2:]:
        p *= z2
        p += c
    p *= z
    q = z2 * _ERF_DEN[0]
    q += _ERF_DEN[1]
    for c in _ERF_DEN[2:]:
        q *= z2
        q += c
    p /= q
    return p


def gelu(x: np.ndarray) -> np.ndarray:
    """GELU, erf form: 0.5 * x * (1 + erf(x / sqrt(2))) (HF's ``"gelu"``)."""
    out = erf(x * F32(1.0 / math.sqrt(2.0)))
    out += F32(1.0)
    out *= x
    out *= F32(0.5)
    return out


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    """LayerNorm over the last axis (biased variance, like torch)."""
    d = x - x.mean(axis=-1, keepdims=True)
    var = np.mean(np.square(d), axis=-1, keepdims=True)
    var += F32(eps)
    np.sqrt(var, out=var)
    d /= var
    d *= weight
    d += bias
    return d


# BLAS threads used while encoding. OpenBLAS hands every product above a small size to its
# thread pool; when the cores are busy (other processes, a 2-core box) each hand-off waits for
# a scheduler slice: a 14-token query's (14 x 384) @ (384 x 1536) went from 1 ms on one thread
# to 20-40 ms on two. On an idle machine the pool halves a query instead (45-token questions:
# 33 -> 17 ms p50). "auto": a single text with no other encode in flight in this process
# (one user asking) gets the library's threads; bulk batches (their own worker threads) and
# concurrent queries (a busy server) get one each. An int fixes it; None keeps the library's.
BLAS_THREADS = "auto"

_IN_FLIGHT = 0
_IN_FLIGHT_LOCK = threading.Lock()


@contextlib.contextmanager
def _in_flight():
    global _IN_FLIGHT
    with _IN_FLIGHT_LOCK:
        _IN_FLIGHT += 1
        alone = _IN_FLIGHT == 1
    try:
        yield alone
    finally:
        with _IN_FLIGHT_LOCK:
            _IN_FLIGHT -= 1

_BLAS = None


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@contextlib.contextmanager
def _blas_threads(n: int | None):
    """Limit BLAS to ``n`` threads inside the block (threadpoolctl, when installed)."""
    global _BLAS
    if n is None:
        yield
        return
    if _BLAS is None:
        try:
            from threadpoolctl import ThreadpoolController

            _BLAS = ThreadpoolController()
        except Exception:  # not installed or cannot inspect the BLAS: leave threads alone
            _BLAS = False
    if not _BLAS:
        yield
        return
    with _BLAS.limit(limits=n, user_api="blas"):
        yield


@dataclass(frozen=True)
class BertConfig:
    """What both engines need from a sentence-transformers BERT folder, besides the weights."""

    hidden: int
    heads: int
    layers: int
    eps: float
    max_seq_length: int
    pad_id: int
    tokenizer: object  # tokenizers.Tokenizer, truncating, not padding


def read_config(model_dir: Path, max_seq_length: int | None = None) -> BertConfig:
    """Read and check config, pipeline and tokenizer; refuse what we would not reproduce exactly."""
    from tokenizers import Tokenizer

    cfg = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    if cfg.get("model_type", "bert") != "bert" or cfg.get("hidden_act", "gelu") != "gelu":
        raise ValueError(f"{model_dir}: only BERT with erf GELU is supported, got {cfg.get('model_type')}")
    if cfg.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError(f"{model_dir}: only absolute position embeddings are supported")
    _check_pipeline(model_dir)

    # Sequence length: sentence-transformers' max_seq_length, capped like it by the
    # tokenizer's model_max_length and the position table.
    limits = [int(cfg.get("max_position_embeddings", 512))]
    sbert = model_dir / "sentence_bert_config.json"
    if max_seq_length is None and sbert.is_file():
        max_seq_length = json.loads(sbert.read_text(encoding="utf-8")).get("max_seq_length")
    if max_seq_length is not None:
        limits.append(int(max_seq_length))
    tok_cfg = model_dir / "tokenizer_config.json"
    if tok_cfg.is_file():
        mml = json.loads(tok_cfg.read_text(encoding="utf-8")).get("model_max_length")
        if isinstance(mml, int) and mml > 0:
            limits.append(mml)
    limit = min(limits)

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.no_padding()  # tokenizer.json pads to a fixed 128; we pad per batch ourselves
    tok.enable_truncation(max_length=limit, strategy="longest_first")
    return BertConfig(
        hidden=int(cfg["hidden_size"]), heads=int(cfg["num_attention_heads"]),
        layers=int(cfg["num_hidden_layers"]), eps=float(cfg.get("layer_norm_eps", 1e-12)),
        max_seq_length=limit, pad_id=int(cfg.get("pad_token_id", 0) or 0), tokenizer=tok,
    )


def _check_pipeline(model_dir: Path) -> None:
    """Refuse folders whose sentence-transformers modules we would not reproduce exactly."""
    modules = model_dir / "modules.json"
    if not modules.is_file():
        return
    for m in json.loads(modules.read_text(encoding="utf-8")):
        kind = m.get("type", "").rsplit(".", 1)[-1]
        if kind == "Pooling":
            pcfg = json.loads((model_dir / m["path"] / "config.json").read_text(encoding="utf-8"))
            modes = {k for k, v in pcfg.items() if k.startswith("pooling_mode") and v}
            if modes != {"pooling_mode_mean_tokens"}:
                raise ValueError(f"{model_dir}: only mean pooling is supported, got {sorted(modes)}")
        elif kind not in ("Transformer", "Normalize"):
            raise ValueError(f"{model_dir}: unsupported sentence-transformers module {kind}")


def tokenize_sorted(tokenizer, texts: list[str]) -> tuple[list[list[int]], np.ndarray, np.ndarray]:
    """Token ids ([CLS] ... [SEP]), their lengths, and the order longest first (similar
    lengths then share a padded batch)."""
    ids = [e.ids for e in tokenizer.encode_batch([str(t) for t in texts])]
    lengths = np.array([len(x) for x in ids])
    return ids, lengths, np.argsort(-lengths, kind="stable")


def padded(ids: list[list[int]], lengths: np.ndarray, idx: np.ndarray, pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """One batch of rows ``idx``: (ids, mask) padded to the longest, int64 and bool."""
    longest = int(lengths[idx].max())
    batch = np.full((len(idx), longest), pad_id, dtype=np.int64)
    mask = np.zeros((len(idx), longest), dtype=bool)
    for row, i in enumerate(idx):  # one assignment per sequence
        batch[row, : lengths[i]] = ids[i]
        mask[row, : lengths[i]] = True
    return batch, mask


class _Layer:
    __slots__ = ("wqkv", "bqkv", "wo", "bo", "ln1_w", "ln1_b", "w1", "b1", "w2", "b2", "ln2_w", "ln2_b")


class NumpyBert:
    """A BERT encoder + sentence-transformers pooling, loaded from a sentence-transformers folder."""

    def __init__(
        self, model_dir: str | Path, max_seq_length: int | None = None, blas_threads: int | str | None = BLAS_THREADS,
        workers: int | None = None,
    ) -> None:
        model_dir = Path(model_dir)
        self.blas_threads = blas_threads
        self.workers = max(1, int(workers if workers is not None else _cpu_count()))
        cfg = read_config(model_dir, max_seq_length)
        self.hidden, self.heads, self.eps = cfg.hidden, cfg.heads, cfg.eps
        self.head_dim = self.hidden // self.heads
        self.dim = self.hidden
        self.max_seq_length, self.tokenizer, self.pad_id = cfg.max_seq_length, cfg.tokenizer, cfg.pad_id
        layers = cfg.layers

        from safetensors.numpy import load_file

        w = load_file(str(model_dir / "model.safetensors"))
        pre = "bert." if "bert.embeddings.word_embeddings.weight" in w else ""

        def g(name: str) -> np.ndarray:
            return np.asarray(w[pre + name], dtype=F32)

        self.word = g("embeddings.word_embeddings.weight")
        self.pos = g("embeddings.position_embeddings.weight")
        self.type0 = g("embeddings.token_type_embeddings.weight")[0]  # single sentences: type id 0
        self.emb_ln = (g("embeddings.LayerNorm.weight"), g("embeddings.LayerNorm.bias"))

        scale = F32(1.0 / math.sqrt(self.head_dim))
        self.layers: list[_Layer] = []
        for i in range(layers):
            p = f"encoder.layer.{i}."
            L = _Layer()
            # torch Linear is x @ W.T + b; fuse q, k, v into one matmul and fold the 1/sqrt(d) scale into q.
            wq = g(p + "attention.self.query.weight") * scale
            bq = g(p + "attention.self.query.bias") * scale
            L.wqkv = np.ascontiguousarray(
                np.concatenate([wq, g(p + "attention.self.key.weight"), g(p + "attention.self.value.weight")]).T
            )
            L.bqkv = np.concatenate([bq, g(p + "attention.self.key.bias"), g(p + "attention.self.value.bias")])
            L.wo, L.bo = np.ascontiguousarray(g(p + "attention.output.dense.weight").T), g(p + "attention.output.dense.bias")
            L.ln1_w, L.ln1_b = g(p + "attention.output.LayerNorm.weight"), g(p + "attention.output.LayerNorm.bias")
            L.w1, L.b1 = np.ascontiguousarray(g(p + "intermediate.dense.weight").T), g(p + "intermediate.dense.bias")
            L.w2, L.b2 = np.ascontiguousarray(g(p + "output.dense.weight").T), g(p + "output.dense.bias")
            L.ln2_w, L.ln2_b = g(p + "output.LayerNorm.weight"), g(p + "output.LayerNorm.bias")
            self.layers.append(L)

    # ---------------------------------------------------------------- public

    def tokenize(self, texts: list[str]) -> list[list[int]]:
        """Token ids with [CLS] ... [SEP], truncated to max_seq_length (no padding)."""
        return tokenize_sorted(self.tokenizer, texts)[0]

    def encode(self, texts: list[str], batch_size: int = 32, normalize: bool = True) -> np.ndarray:
        """(len(texts), dim) float32 sentence embeddings, in input order."""
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=F32)
        if not texts:
            return out
        ids, lengths, order = tokenize_sorted(self.tokenizer, texts)
        with _in_flight() as alone:
            threads = self.blas_threads
            if threads == "auto":
                threads = None if alone and len(texts) == 1 else 1
            with _blas_threads(threads):
                self._encode_sorted(ids, lengths, order, batch_size, out)
        if normalize:
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out /= np.maximum(norms, F32(1e-12))
        return out

    def _encode_sorted(self, ids, lengths, order, batch_size: int, out: np.ndarray) -> None:
        workers = self.workers
        per_worker = -(-len(order) // workers)  # at least one batch per worker
        batches = []
        start = 0
        while start < len(order):
            longest = int(lengths[order[start]])
            n = max(1, min(batch_size, per_worker, TOKENS_PER_BATCH // max(longest, 1)))
            batches.append(order[start : start + n])
            start += n

        def run(idx: np.ndarray) -> None:
            out[idx] = self.forward(*padded(ids, lengths, idx, self.pad_id))

        if workers <= 1 or len(batches) == 1:
            for idx in batches:
                run(idx)
            return
        # numpy drops the GIL inside matmul and ufuncs, so batches run in parallel on
        # single-threaded BLAS: no per-product thread hand-off, one sync at the end.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(workers, len(batches))) as pool:
            list(pool.map(run, batches))

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean-pooled (un-normalised) embeddings of one padded batch: ids, mask are (B, L)."""
        B, T = ids.shape
        D, H, dh = self.hidden, self.heads, self.head_dim
        x = self.word[ids]  # (B, T, D)
        x += self.pos[:T]
        x += self.type0
        x = layer_norm(x.reshape(B * T, D), *self.emb_ln, self.eps)

        # Additive key mask, as HF builds it: 0 for real tokens, float32 min for padding.
        key_bias = np.where(mask, F32(0.0), np.finfo(F32).min).astype(F32)[:, None, None, :]
        has_pad = not bool(mask.all())

        att_rows = max(1, ATTENTION_SCORES // (H * T * T))

        for L in self.layers:
            qkv = x @ L.wqkv
            qkv += L.bqkv
            qkv = qkv.reshape(B, T, 3, H, dh).transpose(2, 0, 3, 1, 4)  # (3, B, H, T, dh)
            q = np.ascontiguousarray(qkv[0])
            kt = np.ascontiguousarray(qkv[1].transpose(0, 1, 3, 2))  # (B, H, dh, T)
            v = np.ascontiguousarray(qkv[2])
            ctx = np.empty_like(q)
            for b in range(0, B, att_rows):  # a few sequences at a time: scores stay in cache
                e = slice(b, b + att_rows)
                scores = q[e] @ kt[e]  # (b, H, T, T), already scaled via wq
                if has_pad:
                    scores += key_bias[e]
                scores -= scores.max(axis=-1, keepdims=True)
                np.exp(scores, out=scores)
                scores /= scores.sum(axis=-1, keepdims=True)
                np.matmul(scores, v[e], out=ctx[e])
            ctx = ctx.transpose(0, 2, 1, 3).reshape(B * T, D)
            a = ctx @ L.wo
            a += L.bo
            a += x
            x = layer_norm(a, L.ln1_w, L.ln1_b, self.eps)

            h = x @ L.w1
            for s in range(0, B * T, ROW_BLOCK):  # element-wise work in cache-sized row blocks
                hs = h[s : s + ROW_BLOCK]
                hs += L.b1
                hs[...] = gelu(hs)
            o = h @ L.w2
            o += L.b2
            o += x
            x = layer_norm(o, L.ln2_w, L.ln2_b, self.eps)

        # Mean pooling over real tokens (sentence-transformers Pooling, mean mode).
        x = x.reshape(B, T, D)
        m = mask.astype(F32)
        summed = (m[:, None, :] @ x)[:, 0, :]  # (B, D)
        counts = np.maximum(m.sum(axis=1, keepdims=True), F32(1e-9))
        return summed / counts
