"""Requantizing a verified GGUF into a smaller type, once, with llama.cpp's own quantizer.

Decoding a small model on a CPU reads every weight once per token, so it is bound by memory
traffic: the 0.5B model's mixed Q5_0/Q8_0 file decodes ~23 ms/token on two cores, its Q4_0
requantization ~15 ms (ggml repacks Q4_0 for the CPU's vector width). The output layer keeps
its type: at Q4_0 it decodes faster still but translates worse (docs/benchmarks.md).
The work runs in a child process (llama.cpp is never loaded into the caller) and writes
through a temporary file, so a crash or a full disk leaves no half-written model behind.

>>> QUANTS["q4_0"]
'LLAMA_FTYPE_MOSTLY_Q4_0'
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

QUANTS = {"q4_0": "LLAMA_FTYPE_MOSTLY_Q4_0"}  # name -> llama.cpp file type


class QuantizeError(RuntimeError):
    """llama.cpp could not write the requantized file."""


def requantize(source: Path, target: Path, quant: str) -> str:
    """Write ``target`` from ``source`` in type ``quant``; returns the new file's SHA-256."""
    if quant not in QUANTS:
        raise QuantizeError(f"unknown quantization {quant!r}; choose one of: {', '.join(QUANTS)}")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:6]}.partial")
    try:
        run = subprocess.run([sys.executable, "-m", "studyrag.rag.llms.quantize", str(source), str(tmp), quant],
                             capture_output=True, text=True, timeout=600)
        if run.returncode != 0 or not tmp.is_file():
            detail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
            raise QuantizeError(f"could not requantize {source.name} to {quant}: {detail[0]}; "
                                f"check free space in {target.parent}")
        h = hashlib.sha256()
        with tmp.open("rb") as f:
            for block in iter(lambda: f.read(1 << 22), b""):
                h.update(block)
        os.replace(tmp, target)
        return h.hexdigest()
    finally:
        tmp.unlink(missing_ok=True)


def _main(source: str, out: str, quant: str) -> int:
    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, QUANTS[quant])
    params.allow_requantize = True  # the source is already quantized
    params.nthread = os.cpu_count() or 1
    return int(llama_cpp.llama_model_quantize(source.encode(), out.encode(), params))


if __name__ == "__main__":
    sys.exit(_main(*sys.argv[1:4]))
