"""The MiniLM BERT encoder as an ONNX graph run by onnxruntime's fused CPU kernels.

Why: a question is one short sequence, and at that size the numpy engine
(:mod:`.minilm_numpy`) spends a third of its time outside the matrix products (one numpy
call per layer norm, GELU step and attention head) and hands each small product to the
BLAS thread pool separately. onnxruntime runs the same maths as a few fused kernels
(``Attention``, ``BiasGelu``, ``SkipLayerNormalization``), which is what takes a
45-token question under the retrieval budget on two cores.

The graph is built in memory from the same ``model.safetensors`` the numpy engine reads,
with the same maths (the tokenizer is shared with it), so the vectors agree with the
numpy and sentence-transformers engines to float32 rounding (tested). Nothing is
downloaded: the graph is built once (~3 s, it needs the ``onnx`` package) and cached
(:func:`graph_file`); later starts load the cached file in ~0.3 s.

Graph, per layer (HF ``BertModel``): Attention(x, Wqkv, bqkv, mask) -> MatMul Wo ->
SkipLayerNorm(+x, +bo) -> MatMul W1 -> BiasGelu(b1) -> MatMul W2 -> SkipLayerNorm(+x, +b2);
then mean pooling over the attention mask. L2 normalisation is left to the caller.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from .minilm_numpy import F32, NumpyBert, _cpu_count, padded, read_config, tokenize_sorted

MS = "com.microsoft"  # onnxruntime's contrib-op domain (fused transformer kernels)
OPSET = 17  # LayerNormalization is a standard op from 17 on
TOKENS_PER_BATCH = 1024  # sequences x padded length per run


def build_graph(bert: NumpyBert):
    """An ONNX ModelProto computing mean-pooled, un-normalised embeddings of ``bert``'s weights."""
    from onnx import TensorProto, helper, numpy_helper

    inits = []
    nodes = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, domain: str = "", **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, domain=domain, **attrs))
        return output

    D = bert.hidden
    # Embeddings: word[ids] + pos[:T] + type0, then LayerNorm.
    word = node("Gather", [const("word", bert.word), "input_ids"], "word_e")
    shape = node("Shape", ["input_ids"], "ids_shape")
    t_len = node("Slice", [shape, const("one", np.array([1])), const("two", np.array([2]))], "t_len")
    pos = node("Slice", [const("pos", bert.pos), const("zero", np.array([0])), t_len, const("axis0", np.array([0]))], "pos_e")
    x = node("Add", [word, pos], "emb_wp")
    x = node("Add", [x, const("type0", bert.type0)], "emb_sum")
    x = node("LayerNormalization", [x, const("emb_ln_w", bert.emb_ln[0]), const("emb_ln_b", bert.emb_ln[1])],
             "emb_ln", axis=-1, epsilon=bert.eps)

    mask_i32 = node("Cast", ["attention_mask"], "mask_i32", to=TensorProto.INT32)
    # The numpy engine folds 1/sqrt(head_dim) into Wq; the Attention kernel must not scale again.
    for i, L in enumerate(bert.layers):
        p = f"l{i}_"
        a = node("Attention", [x, const(p + "wqkv", L.wqkv), const(p + "bqkv", L.bqkv), mask_i32], p + "attn",
                 domain=MS, num_heads=bert.heads, scale=1.0)
        a = node("MatMul", [a, const(p + "wo", L.wo)], p + "attn_out")
        x = node("SkipLayerNormalization", [a, x, const(p + "ln1_w", L.ln1_w), const(p + "ln1_b", L.ln1_b),
                                            const(p + "bo", L.bo)], p + "ln1", domain=MS, epsilon=bert.eps)
        h = node("MatMul", [x, const(p + "w1", L.w1)], p + "ff1")
        h = node("BiasGelu", [h, const(p + "b1", L.b1)], p + "gelu", domain=MS)
        h = node("MatMul", [h, const(p + "w2", L.w2)], p + "ff2")
        x = node("SkipLayerNormalization", [h, x, const(p + "ln2_w", L.ln2_w), const(p + "ln2_b", L.ln2_b),
                                            const(p + "b2", L.b2)], p + "ln2", domain=MS, epsilon=bert.eps)

    # Mean pooling over real tokens (sentence-transformers Pooling, mean mode).
    m = node("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT)
    m3 = node("Unsqueeze", [m, const("axis_last", np.array([-1]))], "mask_f3")
    summed = node("ReduceSum", [node("Mul", [x, m3], "masked"), const("axis1", np.array([1]))], "summed", keepdims=0)
    count = node("ReduceSum", [m3, const("axis1b", np.array([1]))], "count", keepdims=0)
    count = node("Max", [count, const("tiny", np.array(1e-9, dtype=F32))], "count_safe")
    node("Div", [summed, count], "pooled")

    graph = helper.make_graph(
        nodes, "minilm",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["B", "T"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["B", "T"])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["B", D])],
        initializer=inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(MS, 1)])


# Bump when build_graph changes: the cached graph file's name includes it.
GRAPH_VERSION = 1


def graph_file(model_dir: Path) -> Path | bytes:
    """The built graph, cached as ``<cache>/embedders/minilm-<key>.onnx``; the serialised graph
    itself when the cache cannot be written.

    The key covers the graph code's version and the weights file (size, mtime) and config,
    so a reinstalled or changed model folder gets a fresh build. ONNX files are protobuf,
    not pickle: loading one runs no code.
    """
    from studyrag.cache import cache_root

    st = (model_dir / "model.safetensors").stat()
    key = hashlib.sha256(
        f"{GRAPH_VERSION}:{model_dir.resolve()}:{st.st_size}:{st.st_mtime_ns}:".encode()
        + (model_dir / "config.json").read_bytes()
    ).hexdigest()[:16]
    target = cache_root() / "embedders" / f"minilm-{key}.onnx"
    if target.is_file():
        return target
    proto = build_graph(NumpyBert(model_dir)).SerializeToString()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:  # write-then-rename: a crash never leaves a half-written graph under the final name
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(proto)
        os.replace(tmp, target)
        return target
    except OSError:
        return proto  # a read-only cache only costs the build at every start
    finally:
        try:
            tmp.unlink(missing_ok=True)  # a write that failed half-way (disk full) leaves nothing
        except OSError:
            pass


class OnnxBert:
    """Same interface as :class:`NumpyBert` (``encode``, ``tokenize``, ``max_seq_length``, ``dim``)."""

    def __init__(self, model_dir: str | Path, threads: int | None = None) -> None:
        import onnxruntime as ort

        model_dir = Path(model_dir)
        cfg = read_config(model_dir)
        self.tokenizer, self.pad_id = cfg.tokenizer, cfg.pad_id
        self.max_seq_length, self.dim = cfg.max_seq_length, cfg.hidden
        graph = graph_file(model_dir)
        graph = graph if isinstance(graph, bytes) else str(graph)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = int(threads or os.environ.get("STUDYRAG_EMBED_THREADS") or _cpu_count())
        opts.inter_op_num_threads = 1
        # Pool threads spin between the kernels of one run (measured: p50 12.2-13.7 ms vs
        # 13.5-15.8 ms without spinning), then stop at once when the run ends: left spinning,
        # they burned ~45 ms of CPU in the 50 ms after a query, stolen from llama.cpp.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "1")
        opts.add_session_config_entry("session.force_spinning_stop", "1")
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        self._session = ort.InferenceSession(graph, opts, providers=["CPUExecutionProvider"])

    def tokenize(self, texts: list[str]) -> list[list[int]]:
        return tokenize_sorted(self.tokenizer, texts)[0]

    def encode(self, texts: list[str], batch_size: int = 32, normalize: bool = True) -> np.ndarray:
        """(len(texts), dim) float32 sentence embeddings, in input order."""
        out = np.zeros((len(texts), self.dim), dtype=F32)
        if not len(texts):
            return out
        ids, lengths, order = tokenize_sorted(self.tokenizer, list(texts))
        start = 0
        while start < len(order):
            # Measured on the guide: small batches of long passages beat big ones (attention
            # is quadratic in the padded length): 84 chunks in 2.1 s at <= 1k tokens a batch
            # vs 2.8 s at 32 sequences.
            n = max(1, min(batch_size, TOKENS_PER_BATCH // int(lengths[order[start]])))
            idx = order[start : start + n]
            start += n
            batch, mask = padded(ids, lengths, idx, self.pad_id)
            out[idx] = self._session.run(None, {"input_ids": batch, "attention_mask": mask.astype(np.int64)})[0]
        if normalize:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), F32(1e-12))
        return out
