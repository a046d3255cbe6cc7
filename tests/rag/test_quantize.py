"""The translator's requantized model: derived once from the verified file, never half-written,
re-derived when its file changes, and it still translates.

Real llama.cpp quantizer and model, in a fresh cache directory.
"""

from __future__ import annotations

import json

import pytest

from studyrag.rag.llms.models import DEFAULT_MODEL, MODELS, model_file
from studyrag.rag.llms.quantize import QuantizeError, requantize

DERIVED = "qwen2.5-coder-0.5b-q4"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not MODELS[DEFAULT_MODEL].installed(), reason="the default local model is not installed"),
]


@pytest.fixture(scope="module")
def derived(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("STUDYRAG_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield model_file(MODELS[DERIVED])
    mp.undo()


def test_the_derived_file_is_written_once_with_a_stamp_naming_its_source(derived):
    stamp = json.loads(derived.with_name(derived.name + ".verified.json").read_text())
    assert stamp["source_sha256"] == MODELS[DEFAULT_MODEL].sha256 and stamp["quant"] == "q4_0"
    assert stamp["size"] == derived.stat().st_size
    assert not list(derived.parent.glob("*.partial"))
    mtime = derived.stat().st_mtime_ns
    assert model_file(MODELS[DERIVED]) == derived and derived.stat().st_mtime_ns == mtime  # not rewritten


def test_a_changed_derived_file_is_written_again(derived):
    size = derived.stat().st_size
    with derived.open("ab") as f:
        f.write(b"\0" * 16)  # a tampered file no longer matches its stamp
    again = model_file(MODELS[DERIVED])
    assert again == derived and again.stat().st_size == size


def test_an_unknown_quantization_is_one_clear_error_and_leaves_nothing(derived, tmp_path):
    with pytest.raises(QuantizeError, match="unknown quantization 'q1_x'; choose one of: q4_0"):
        requantize(derived, tmp_path / "out.gguf", "q1_x")
    assert not list(tmp_path.iterdir())


def test_a_failing_quantizer_leaves_no_half_written_model(tmp_path):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(QuantizeError, match="could not requantize broken.gguf to q4_0"):
        requantize(broken, tmp_path / "out.gguf", "q4_0")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.gguf"]


def test_the_requantized_translator_still_translates(derived):
    from studyrag.rag.llms.local import LlamaCppChat

    llm = LlamaCppChat(model_path=str(derived), model_name=DERIVED, max_tokens=40, temperature=0.0,
                       n_ctx=512, in_process=True)
    reply = llm.invoke([("system", "Translate the user's Chinese text into English. Output only the translation."),
                        ("user", "這家公司每天需要處理三百萬筆交易。")]).content.lower()
    assert "company" in reply and "transaction" in reply, reply
    assert any(n in reply for n in ("three million", "3 million", "3,000,000")), reply
