"""Benchmarks behind `studyrag bench ...`. Each benchmark is one function here that returns a
``BenchResult``: named metrics, every run's value and the median, printable as a small table
or as one JSON object. ``bench_cli.py`` only parses flags and prints.

Cold numbers come from fresh processes: a new Python interpreter per run, so imports, model
loading and first-call costs are paid every time, the way a user pays them.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


class BenchError(RuntimeError):
    """A benchmark could not run; the message says why (one line)."""


@dataclass
class Metric:
    key: str  # JSON name, e.g. "cold_s"
    label: str  # table label, e.g. "cold ingest (s)"
    values: list[float]
    fmt: str = "{:,.2f}"

    @property
    def median(self) -> float:
        return statistics.median(self.values)


@dataclass
class BenchResult:
    name: str
    config: dict
    metrics: list[Metric]
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        n = len(self.metrics[0].values) if self.metrics else 0
        return {
            "bench": self.name,
            "config": self.config,
            "median": {m.key: m.median for m in self.metrics},
            "runs": [{m.key: m.values[i] for m in self.metrics} for i in range(n)],
            "notes": self.notes,
        }

    def table(self) -> str:
        n = len(self.metrics[0].values) if self.metrics else 0
        head = ["metric", "median"] + [f"run {i + 1}" for i in range(n)]
        rows = [[m.label, m.fmt.format(m.median)] + [m.fmt.format(v) for v in m.values] for m in self.metrics]
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

        def line(r: list[str]) -> str:
            return "  ".join([r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])])

        title = f"studyrag bench {self.name}: " + ", ".join(f"{k} {v}" for k, v in self.config.items())
        out = [title, line(head), *(line(r) for r in rows)]
        return "\n".join(out + [f"note: {n}" for n in self.notes])


# -- ingest -------------------------------------------------------------------------------

# Runs in a fresh interpreter. Phases are timed by wrapping the pipeline's own steps, so the
# benchmark exercises exactly the code `studyrag ingest` runs.
_INGEST_CHILD = r"""
import time
t0 = time.perf_counter()
import json, sys
from pathlib import Path

cfg = json.loads(sys.argv[1])
from studyrag.settings import Settings
from studyrag.ingest import pipeline
from studyrag.ingest.embedders import get_embedder
from studyrag.rag.stores import faiss_store
t_import = time.perf_counter()
get_embedder(cfg["embedder"])  # cached: ingest() reuses this instance
t_model = time.perf_counter()

phases = {"chunk_s": 0.0, "embed_s": 0.0, "write_s": 0.0}
def timed(key, fn):
    def run(*a, **kw):
        s = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            phases[key] += time.perf_counter() - s
    return run
pipeline.chunk_sources = timed("chunk_s", pipeline.chunk_sources)
pipeline.embed_chunks = timed("embed_s", pipeline.embed_chunks)
faiss_store.FaissStore.write = timed("write_s", faiss_store.FaissStore.write)

settings = Settings(data_dir=Path(cfg["data_dir"]), work_dir=Path(cfg["work_dir"]), index_dir=None,
                    embedder=cfg["embedder"], chunk_size=cfg["chunk_size"], store="faiss")
report = pipeline.ingest(settings, rebuild=True, progress=False)
t_end = time.perf_counter()
print(json.dumps({
    "files": report.files, "sections": report.sections, "chunks": report.chunks,
    "import_s": t_import - t0, "model_s": t_model - t_import, **phases,
    "in_process_s": t_end - t0, "index_dir": str(settings.resolved_index_dir.resolve()),
}))
"""


def _dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _maxrss_bytes(ru) -> int:
    # Linux reports KiB, macOS bytes.
    return int(ru.ru_maxrss) * (1 if sys.platform == "darwin" else 1024)


def run_child(code: str, args: list[str], *, cwd: Path, timeout_s: float) -> tuple[dict, float, int]:
    """Run ``python -c code args`` in a fresh process: (its JSON line, wall seconds, peak RSS bytes).

    The child is reaped with wait4() so the peak RSS is this child's own, not the maximum
    over every child this process has had (what RUSAGE_CHILDREN reports)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=out, stderr=err, cwd=cwd, env=env)
        killer = threading.Timer(timeout_s, proc.kill)
        killer.start()
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        last = (stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        why = f"timed out after {timeout_s:.0f} s" if proc.returncode == -9 else last
        raise BenchError(f"benchmark child failed: {why}")
    try:
        return json.loads(stdout.strip().splitlines()[-1]), wall, _maxrss_bytes(ru)
    except (ValueError, IndexError):
        raise BenchError(f"benchmark child printed no result: {stdout[-200:]!r}") from None


def ingest(settings, *, runs: int = 3, timeout_s: float = 600.0, progress=None) -> BenchResult:
    """Cold ingest of ``settings.data_dir`` into a temporary FAISS index, ``runs`` times, each
    in a new process (imports + model load + chunk + embed + write)."""
    from studyrag.ingest.pipeline import chunk_sources

    if runs < 1:
        raise BenchError("--runs must be at least 1")
    data_dir = Path(settings.data_dir).resolve()
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    docs, chunks = chunk_sources(settings)  # fails fast, with the ingest error, on bad input
    results = []
    for i in range(runs):
        with tempfile.TemporaryDirectory(prefix="studyrag-bench-") as tmp:
            cfg = {"data_dir": str(data_dir), "work_dir": str(Path(tmp) / "work"),
                   "embedder": settings.embedder, "chunk_size": settings.chunk_size}
            child, wall, rss = run_child(_INGEST_CHILD, [json.dumps(cfg)], cwd=Path(tmp), timeout_s=timeout_s)
            child.update(cold_s=wall, peak_rss=rss, index_bytes=_dir_bytes(Path(child["index_dir"])))
        results.append(child)
        if progress:
            progress(f"run {i + 1}/{runs}: {wall:.1f} s, {child['chunks']} chunks, peak RSS {rss / 2**20:.0f} MiB")

    def col(key, f=lambda v: v):
        return [f(r[key]) for r in results]

    metrics = [
        Metric("cold_s", "cold ingest, model load included (s)", col("cold_s")),
        Metric("startup_s", "  interpreter start + exit (s)", [r["cold_s"] - r["in_process_s"] for r in results]),
        Metric("import_s", "  import studyrag (s)", col("import_s")),
        Metric("model_s", "  load embedding model (s)", col("model_s")),
        Metric("chunk_s", "  read + chunk (s)", col("chunk_s"), "{:,.3f}"),
        Metric("embed_s", "  embed (s)", col("embed_s")),
        Metric("write_s", "  write index (s)", col("write_s"), "{:,.3f}"),
        Metric("chunks_per_s", "chunks per second (cold)", [r["chunks"] / r["cold_s"] for r in results], "{:,.1f}"),
        Metric("embed_chunks_per_s", "chunks per second (embed only)", [r["chunks"] / r["embed_s"] for r in results], "{:,.1f}"),
        Metric("index_bytes", "index size on disk (bytes)", col("index_bytes"), "{:,.0f}"),
        Metric("peak_rss_mib", "peak RSS of the process (MiB)", col("peak_rss", lambda b: b / 2**20), "{:,.0f}"),
    ]
    config = {
        "source": str(settings.data_dir),
        "files": len(docs),
        "chunks": len(chunks),
        "embedder": settings.embedder,
        "chunk_size": settings.chunk_size,
        "runs": runs,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "load_avg_1m": round(load_before, 2) if load_before is not None else None,
    }
    notes = ["each run is a new process; the OS file cache is warm after the first run"]
    return BenchResult("ingest", config, metrics, notes)
