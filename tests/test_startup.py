"""`studyrag --help` starts fast: the CLI imports nothing heavy until a command needs it."""

from __future__ import annotations

import re
import subprocess
import sys

HEAVY = ("torch", "numpy", "faiss", "langchain_core", "gradio", "transformers", "llama_cpp", "onnxruntime")


def _importtime(*args: str) -> tuple[float, set[str]]:
    """Seconds spent importing (cumulative, top-level modules) and the modules imported."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "studyrag", *args],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    total_us, modules = 0, set()
    for line in run.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)", line)
        if not m:
            continue
        modules.add(m.group(4))
        if len(m.group(3)) == 1:  # a top-level import: its cumulative time counts once
            total_us += int(m.group(2))
    return total_us / 1e6, modules


def test_help_imports_in_under_0_3_s_and_nothing_heavy():
    seconds, modules = min((_importtime("--help") for _ in range(3)), key=lambda r: r[0])
    assert seconds < 0.3, f"imports took {seconds:.2f} s"
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert not heavy, heavy


def test_a_command_help_stays_light_too():
    _seconds, modules = _importtime("ask", "--help")
    assert not [m for m in modules if m.split(".")[0] in HEAVY]
