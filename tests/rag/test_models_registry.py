"""The local model registry: packages -> verified GGUF (SHA-256, joined parts, stamps).

Small models are built from real files in throwaway packages on ``sys.path`` (the same
``find_spec`` lookup the real chunk packages go through); the real SmolLM2 GGUF is checked
and, copied with one byte changed, must be refused. ``STUDYRAG_CACHE_DIR`` points at a
temporary folder so the user's cache is never touched.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import shutil
import uuid
from pathlib import Path

import pytest

from studyrag.rag.llms import BackendError
from studyrag.rag.llms import models as registry
from studyrag.rag.llms.local import load_llama, local_model_path
from studyrag.rag.llms.models import DEFAULT_MODEL, MODELS, LocalModel, ModelFileError, cache_dir, model_file

GT = "Amazon SageMaker Ground Truth"
LABEL_Q = ("A museum wants volunteers to tag 20,000 scanned paintings by art style before it trains its "
           "own classifier. Which SageMaker service should manage the tagging?")


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("STUDYRAG_CACHE_DIR", str(tmp_path / "cache"))
    assert cache_dir() == tmp_path / "cache" / "models"
    return cache_dir()


@pytest.fixture
def make_model(tmp_path, monkeypatch, cache):
    """make_model(chunks, sha256=None) -> a LocalModel whose parts are real installed packages."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))

    def make(chunks: list[bytes], sha256: str | None = None, name: str | None = None) -> LocalModel:
        tag = uuid.uuid4().hex[:8]
        parts = []
        for i, data in enumerate(chunks, 1):
            pkg = f"srtest_{tag}_part{i}"
            (site / pkg / "data").mkdir(parents=True)
            (site / pkg / "__init__.py").write_text("")
            (site / pkg / "data" / f"part{i:02d}.bin").write_bytes(data)
            parts.append((pkg, f"data/part{i:02d}.bin"))
        importlib.invalidate_caches()
        whole = b"".join(chunks)
        return LocalModel(name or f"test-{tag}", "Test model", tuple(parts),
                          sha256 or hashlib.sha256(whole).hexdigest(), len(whole),
                          install=f"pip install srtest-{tag}==1.0")

    return make


def no_rehash(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("the model file was hashed again")
    monkeypatch.setattr(registry.hashlib, "sha256", boom)


def one_line(e: pytest.ExceptionInfo) -> str:
    msg = str(e.value)
    assert "\n" not in msg and len(msg) < 400, msg
    return msg


# -- the registry itself --------------------------------------------------------------------------
def test_the_registry_names_three_verifiable_models_and_one_derived_from_them():
    assert set(MODELS) == {"smollm2-135m", "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b-q4"}
    assert DEFAULT_MODEL == "qwen2.5-coder-0.5b"
    for m in MODELS.values():
        if m.requantized_from:  # no weights of its own: its source is verified
            assert MODELS[m.requantized_from].sha256 and not m.parts and m.quant == "q4_0"
            continue
        assert len(m.sha256) == 64 and int(m.sha256, 16) >= 0 and m.sha256 == m.sha256.lower()
        assert m.size > 10_000_000 and m.parts and m.install.startswith("pip install")
    assert len(MODELS["qwen2.5-coder-0.5b"].parts) == 6 and len(MODELS["qwen2.5-coder-1.5b"].parts) == 22


# -- single-part models ---------------------------------------------------------------------------
def test_a_single_part_model_is_used_in_place_and_stamped(make_model, cache):
    m = make_model([b"GGUF" + b"\x01" * 1000])
    path = model_file(m)
    assert path.read_bytes().startswith(b"GGUF")
    assert path.parent.name == "data" and cache not in path.parents  # not copied
    stamp = json.loads((cache / f"{path.name}.verified.json").read_text())
    assert stamp["sha256"] == m.sha256 and stamp["path"] == str(path) and stamp["size"] == 1004


def test_a_tampered_single_part_is_refused_with_the_fix(make_model, cache):
    good = b"GGUF" + b"\x02" * 1000
    m = make_model([good[:-1] + b"\x03"], sha256=hashlib.sha256(good).hexdigest())
    with pytest.raises(ModelFileError) as e:
        model_file(m)
    msg = one_line(e)
    assert "fails its SHA-256 check" in msg and m.sha256[:16] in msg
    assert msg.endswith(f"reinstall: {m.install}")
    assert not list(cache.glob("*.verified.json")), "a failed check left a stamp"


# -- joined parts ---------------------------------------------------------------------------------
def test_parts_are_joined_in_order_verified_and_stamped(make_model, cache):
    chunks = [b"GGUF-part-one|", b"part-two|" * 50, b"part-three"]
    m = make_model(chunks)
    path = model_file(m)
    assert path == cache / f"{m.name}.gguf"
    assert path.read_bytes() == b"".join(chunks)
    stamp = json.loads((cache / f"{path.name}.verified.json").read_text())
    assert stamp["sha256"] == m.sha256 and stamp["size"] == path.stat().st_size
    assert not [p for p in cache.iterdir() if "partial" in p.name]


def test_parts_that_do_not_join_to_the_checksum_are_refused(make_model, cache):
    m = make_model([b"GGUF-a|", b"b|", b"c"], sha256="0" * 64)
    with pytest.raises(ModelFileError) as e:
        model_file(m)
    msg = one_line(e)
    assert "joined parts" in msg and f"reinstall the parts: {m.install}" in msg
    assert not (cache / f"{m.name}.gguf").exists()
    assert not [p for p in cache.iterdir() if "partial" in p.name], "a half-written file was left behind"


def test_the_stamp_avoids_hashing_again_until_the_file_changes(make_model, cache, monkeypatch):
    m = make_model([b"GGUF-x|" * 100, b"y" * 300])
    path = model_file(m)
    with monkeypatch.context() as mp:
        no_rehash(mp)
        assert model_file(m) == path  # stamp matches: no hashing at all
        assert model_file(m) == path
    # Same size, other bytes (a new mtime): the stamp no longer vouches for it.
    data = bytearray(path.read_bytes())
    data[10] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError) as e:
        model_file(m)
    assert one_line(e).endswith(f"delete {path} and retry")
    # Doing what it says fixes it: the parts are joined again.
    path.unlink()
    assert model_file(m).read_bytes() == b"GGUF-x|" * 100 + b"y" * 300


def test_a_stamp_for_another_checksum_is_not_trusted(make_model, cache):
    m = make_model([b"GGUF-q|", b"r" * 64])
    path = model_file(m)
    stamp_file = cache / f"{path.name}.verified.json"
    stamp = json.loads(stamp_file.read_text())
    stamp["sha256"] = "f" * 64
    stamp_file.write_text(json.dumps(stamp))
    assert model_file(m) == path  # re-hashed, still good, stamp rewritten
    assert json.loads(stamp_file.read_text())["sha256"] == m.sha256


# -- missing pieces ---------------------------------------------------------------------------------
def test_a_missing_package_names_the_install_command(cache):
    m = LocalModel("ghost", "Ghost", (("srtest_not_installed_" + uuid.uuid4().hex[:6], "x.gguf"),),
                   "0" * 64, 1, install="pip install ghost-model==1.0")
    with pytest.raises(ModelFileError) as e:
        model_file(m)
    assert one_line(e) == "model ghost is not installed; install it with: pip install ghost-model==1.0"


def test_a_package_without_its_file_says_reinstall(make_model, cache):
    m = make_model([b"GGUF"])
    pkg, rel = m.parts[0]
    broken = LocalModel(m.name, m.title, ((pkg, "data/missing.bin"),), m.sha256, m.size, install=m.install)
    with pytest.raises(ModelFileError) as e:
        model_file(broken)
    msg = one_line(e)
    assert "missing.bin is missing" in msg and msg.endswith(f"reinstall with: {m.install}")


def test_the_local_backend_turns_registry_problems_into_one_sentence(index_settings, tmp_path):
    with pytest.raises(BackendError) as e:
        local_model_path(index_settings.with_overrides(model="no-such-model"))
    msg = one_line(e)
    assert msg.startswith("unknown local model 'no-such-model'; choose one of: ")
    assert all(name in msg for name in MODELS) and "--model-path" in msg
    with pytest.raises(BackendError, match="does not exist"):
        local_model_path(index_settings.with_overrides(model_path=tmp_path / "nope.gguf"))
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"not a gguf at all" * 64)
    with pytest.raises(BackendError) as e:
        load_llama(junk)
    assert one_line(e).startswith(f"cannot load GGUF {junk}")


@pytest.fixture(scope="module")
def registered(index_settings):
    """A Tutor per registry entry name (entries are added by the tests)."""
    from studyrag.rag.engine import Tutor

    return lambda name: Tutor(index_settings.with_overrides(backend="local", model=name))


def test_an_uninstalled_model_answers_from_the_guide_and_says_how_to_install(registered, monkeypatch, cache):
    ghost = LocalModel("srtest-ghost", "Ghost", (("srtest_not_installed_pkg", "x.gguf"),), "0" * 64, 1,
                       install="pip install ghost-model==1.0")
    monkeypatch.setitem(MODELS, ghost.name, ghost)
    tutor = registered(ghost.name)
    ans = tutor.ask(LABEL_Q)
    assert ans.error == "model srtest-ghost is not installed; install it with: pip install ghost-model==1.0"
    assert ans.fallback and ans.services == [GT] and ans.citations


def test_a_tampered_model_answers_from_the_guide_and_names_the_fix(registered, make_model, monkeypatch, cache):
    m = make_model([b"GGUF-a|", b"b"], sha256="1" * 64, name="srtest-tampered")
    monkeypatch.setitem(MODELS, m.name, m)
    ans = registered(m.name).ask(LABEL_Q)
    assert ans.error and "joined parts have SHA-256" in ans.error and m.install in ans.error
    assert ans.fallback and ans.services == [GT] and ans.citations


# -- the real SmolLM2 GGUF -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def smollm2() -> LocalModel:
    m = MODELS["smollm2-135m"]
    if not m.installed():
        pytest.skip(f"smollm2-135m is not installed ({m.install})")
    return m


def test_the_real_smollm2_file_passes_its_checksum(smollm2, cache):
    path = model_file(smollm2)
    assert path.stat().st_size == smollm2.size
    with path.open("rb") as f:
        assert f.read(4) == b"GGUF"
    stamp = json.loads((cache / f"{path.name}.verified.json").read_text())
    assert stamp["sha256"] == smollm2.sha256


def test_a_copy_of_smollm2_with_one_byte_changed_is_refused(smollm2, make_model, tmp_path, cache):
    real = model_file(smollm2)
    fake = make_model([b"GGUF"], sha256=smollm2.sha256)  # a package to hold the copy
    pkg, rel = fake.parts[0]
    target = tmp_path / "site" / pkg / rel
    shutil.copyfile(real, target)
    with target.open("r+b") as f:
        f.seek(smollm2.size // 2)
        byte = f.read(1)
        f.seek(smollm2.size // 2)
        f.write(bytes([byte[0] ^ 0x01]))
    tampered = LocalModel("smollm2-tampered", smollm2.title, fake.parts, smollm2.sha256, smollm2.size,
                          install=smollm2.install)
    with pytest.raises(ModelFileError) as e:
        model_file(tampered)
    msg = one_line(e)
    assert "fails its SHA-256 check" in msg and msg.endswith(f"reinstall: {smollm2.install}")
