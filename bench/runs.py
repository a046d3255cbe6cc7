"""Benchmarks behind `studyrag bench ...`. Each benchmark is one function here that returns a
``BenchResult``: named metrics, every run's value and the median, printable as a small table
or as one JSON object. ``bench_cli.py`` only parses flags and prints.

Cold numbers come from fresh processes: a new Python interpreter per run, so imports, model
loading and first-call costs are paid every time, the way a user pays them.
"""
# Over 400 lines: the ingest and answer benchmarks share their process, timing and table helpers.

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

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings


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
from studyrag.index.embedders import get_embedder
from studyrag.index.stores import faiss_store
t_import = time.perf_counter()
get_embedder(cfg["embedder"])  # cached: ingest() reuses this instance
t_model = time.perf_counter()

phases = {"chunk_s": 0.0, "embed_s": 0.0, "write_s": 0.0, "derive_s": 0.0}
def timed(key, fn):
    def run(*a, **kw):
        s = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            phases[key] += time.perf_counter() - s
    return run
from studyrag.ingest import library
library.extract = timed("chunk_s", library.extract)  # read + extract + chunk, per changed file
pipeline.embed_chunks = timed("embed_s", pipeline.embed_chunks)
faiss_store.FaissStore.write = timed("write_s", faiss_store.FaissStore.write)
from studyrag.cli import derive_for_answering
from studyrag.index.hooks import on_new_build
on_new_build(timed("derive_s", derive_for_answering))  # as `studyrag ingest` does

settings = Settings(data_dir=Path(cfg["data_dir"]), work_dir=Path(cfg["work_dir"]), index_dir=None,
                    embedder=cfg["embedder"], chunk_size=cfg["chunk_size"], store="faiss")
report = pipeline.ingest(settings, rebuild=True, progress=False)
t_end = time.perf_counter()
print(json.dumps({
    "files": report.files, "sections": report.sections, "chunks": report.chunks,
    "import_s": t_import - t0, "model_s": t_model - t_import, **phases,
    "in_process_s": t_end - t0, "index_dir": str(settings.resolved_index_dir.resolve()),
    "cpu_s": time.process_time(),
}))
"""


def _dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _maxrss_bytes(ru) -> int:
    # Linux reports KiB, macOS bytes.
    return int(ru.ru_maxrss) * (1 if sys.platform == "darwin" else 1024)


class _PeakRSS(threading.Thread):
    """The peak RSS of a child process and its own children (the local model's worker),
    from /proc/PID/status (VmHWM) of each, summed.

    ``wait4``'s ru_maxrss is not the child's own: it includes the memory image it had between
    fork and exec, i.e. this (parent) process's RSS. A benchmark process that has loaded
    models would report its own size for every tiny child. VmHWM belongs to the current
    address space, so it is read only once the child's command line is no longer ours
    (exec done), every 50 ms until it exits; it only grows, so the last read of each process
    is its peak (summing the peaks over-counts only memory the two never held at once)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak = pid, None
        self._peaks: dict[int, int] = {}
        self._halt = threading.Event()
        try:
            self._own = Path("/proc/self/cmdline").read_bytes()
        except OSError:
            self._own = None

    def run(self) -> None:
        from studyrag.bench.load import vm_hwm

        if self._own is None:
            return
        cmdline = Path(f"/proc/{self.pid}/cmdline")
        while not self._halt.is_set():
            try:
                if cmdline.read_bytes() not in (self._own, b""):
                    for pid in [self.pid, *_children(self.pid)]:
                        hwm = vm_hwm(pid)
                        if hwm:
                            self._peaks[pid] = max(self._peaks.get(pid, 0), hwm)
                    self.peak = sum(self._peaks.values()) or None
            except OSError:
                pass
            self._halt.wait(0.05)

    def stop(self) -> int | None:
        self._halt.set()
        self.join(timeout=2)
        return self.peak


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def child_env() -> dict:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def _spawn(argv: list[str], *, cwd: Path | None, timeout_s: float,
           env: dict | None = None) -> tuple[str, float, int, int, str]:
    """Run a command in a fresh process: (stdout, wall s, exit status, peak RSS bytes, stderr).

    The peak RSS is the child's own (see ``_PeakRSS``); where /proc is missing it falls back
    to wait4's ru_maxrss, which may include this process's size."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=cwd, env={**child_env(), **(env or {})},
                                stdin=subprocess.DEVNULL)
        watch = _PeakRSS(proc.pid)
        watch.start()
        killer = threading.Timer(timeout_s, proc.kill)
        killer.start()
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
            peak = watch.stop()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (out.read().decode(errors="replace"), wall, proc.returncode, peak or _maxrss_bytes(ru),
                err.read().decode(errors="replace"))


def run_child(code: str, args: list[str], *, cwd: Path, timeout_s: float) -> tuple[dict, float, int]:
    """Run ``python -c code args`` in a fresh process: (its JSON line, wall seconds, peak RSS bytes).

    The child is reaped with wait4() (its own exit, not any other child's) and its peak RSS
    is read from /proc while it runs (see ``_PeakRSS``)."""
    stdout, wall, returncode, rss, stderr = _spawn([sys.executable, "-c", code, *args], cwd=cwd, timeout_s=timeout_s)
    if returncode != 0:
        last = (stderr.strip().splitlines() or [f"exit status {returncode}"])[-1]
        why = f"timed out after {timeout_s:.0f} s" if returncode == -9 else last
        raise BenchError(f"benchmark child failed: {why}")
    try:
        return json.loads(stdout.strip().splitlines()[-1]), wall, rss
    except (ValueError, IndexError):
        raise BenchError(f"benchmark child printed no result: {stdout[-200:]!r}") from None


def ingest(settings: Settings, *, runs: int = 3, timeout_s: float = 600.0, progress=None) -> BenchResult:
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
        Metric("derive_s", "  derive for answering (s)", col("derive_s")),
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


def ingest_formats(settings: Settings, **kw) -> BenchResult:
    """`bench ingest --formats`: per format, and a 300-page PDF (bench/formats.py)."""
    from studyrag.bench.formats import ingest_formats as run

    return run(settings, **kw)


# -- shared helpers for the answer / load / scale / all benchmarks --------------------------

def _suite(name: str) -> list[dict]:
    """One eval suite's items (the benchmark times questions the gate also scores)."""
    from studyrag.eval.suites import load_suites

    return load_suites(names=[name])[name]


def _spread(items: list, n: int) -> list:
    """n items evenly spread over the list (all of them if n >= len, none if n <= 0)."""
    if n <= 0:
        return []
    if n >= len(items):
        return list(items)
    return [items[(i * len(items)) // n] for i in range(n)]


def _pct(values: list[float], p: float) -> float | None:
    from studyrag.eval.metrics import percentile

    return percentile(values, p) if values else None


def _load_avg() -> list[float] | None:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


@dataclass
class Row:
    key: str  # JSON name
    label: str  # table label
    values: dict  # column -> number, string or None (not measured)
    fmt: str = "{:,.1f}"

    def cell(self, col: str) -> str:
        v = self.values.get(col)
        if v is None:
            return "-"
        return v if isinstance(v, str) else self.fmt.format(v)


@dataclass
class Grid:
    """A benchmark whose columns are things compared side by side (models, percentiles)."""

    name: str
    config: dict
    columns: list[str]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    detail: dict = field(default_factory=dict)  # JSON only: per-question timings etc.

    def to_json(self) -> dict:
        return {
            "bench": self.name,
            "config": self.config,
            "columns": self.columns,
            "results": {c: {r.key: r.values.get(c) for r in self.rows} for c in self.columns},
            "labels": {r.key: r.label for r in self.rows},
            "notes": self.notes,
            "detail": self.detail,
        }

    def table(self) -> str:
        head = ["metric", *self.columns]
        rows = [[r.label, *(r.cell(c) for c in self.columns)] for r in self.rows]
        widths = [max(len(x[i]) for x in [head, *rows]) for i in range(len(head))]

        def line(cells: list[str]) -> str:
            return "  ".join([cells[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(cells[1:], widths[1:])])

        title = f"studyrag bench {self.name}: " + ", ".join(
            f"{k} {v}" for k, v in self.config.items() if not isinstance(v, (dict, list)) or k == "load_avg")
        return "\n".join([title, line(head), *(line(r) for r in rows)] + [f"note: {n}" for n in self.notes])


@dataclass
class TextResult:
    """A benchmark that has its own report format (load, scale) and a JSON dict."""

    name: str
    data: dict
    text: str

    def to_json(self) -> dict:
        return {"bench": self.name, **self.data}

    def table(self) -> str:
        return self.text


# -- answer -----------------------------------------------------------------------------------

def pick_models(spec: str) -> list[str]:
    """'default', 'all' (every installed registry model) or comma-separated names."""
    from studyrag.rag.llms.models import DEFAULT_MODEL, MODELS

    spec = (spec or "default").strip()
    if spec == "all":
        names = [n for n, m in MODELS.items() if m.installed()]
        if not names:
            raise BenchError("no local model of the registry is installed (see `studyrag models`)")
        return names
    names = [DEFAULT_MODEL if n.strip() == "default" else n.strip() for n in spec.split(",") if n.strip()]
    for n in names:
        if n not in MODELS:
            raise BenchError(f"unknown local model {n!r}; choose from: {', '.join(MODELS)}, default, all")
        if not MODELS[n].installed():
            raise BenchError(f"model {n} is not installed; install it with: {MODELS[n].install}")
    return list(dict.fromkeys(names))


def _stream_timed(tutor, question: str, options: dict | None = None) -> tuple[float, float, object]:
    """(ms to the first 'token' event, ms to 'done', the Answer): wall clock around Tutor.stream."""
    t0 = time.perf_counter()
    first = None
    answer = None
    for ev in tutor.stream(question, options):
        if ev.type == "token" and first is None:
            first = (time.perf_counter() - t0) * 1000
        elif ev.type == "done":
            answer = ev.answer
    total = (time.perf_counter() - t0) * 1000
    return (first if first is not None else total), total, answer


def _lead_only(tutor, question: str) -> tuple[float, str]:
    """The first shown text (the lead: the pick, decided before the model writes) and its ms."""
    t0 = time.perf_counter()
    gen = tutor.stream(question)
    try:
        for ev in gen:
            if ev.type == "token":
                return (time.perf_counter() - t0) * 1000, ev.text
            if ev.type == "done":
                return (time.perf_counter() - t0) * 1000, ev.answer.answer
    finally:
        gen.close()
    return (time.perf_counter() - t0) * 1000, ""


def retrieval_times(knowledge, questions: list[str], *, passes: int = 3, k: int = 6) -> list[float]:
    """Per question, the median ms of ``passes`` timed searches (embed + dense + BM25 + fuse)."""
    knowledge.retriever.timed_search(questions[0], k=k)  # warm-up: first-call costs are not search
    per_q = []
    for q in questions:
        per_q.append(statistics.median(knowledge.retriever.timed_search(q, k=k)[1] for _ in range(passes)))
    return per_q


def fresh_ask(settings: Settings, model: str, question: str, *, runs: int, timeout_s: float = 300.0,
              progress=None) -> list[dict]:
    """`studyrag ask --json --model M "question"` in a new process, ``runs`` times (the
    settings' ``local_worker`` passed on through the environment)."""
    from studyrag.bench.load import settings_argv, studyrag_argv

    argv = [*studyrag_argv(), "ask", "--json", "--backend", "local", "--model", model,
            *settings_argv(settings), question]
    env = {"STUDYRAG_LOCAL_WORKER": "true" if settings.local_worker else "false"}
    out = []
    for i in range(runs):
        stdout, wall, status, rss, stderr = _spawn(argv, cwd=Path.cwd(), timeout_s=timeout_s, env=env)
        if status != 0:
            last = (stderr.strip().splitlines() or [f"exit status {status}"])[-1]
            raise BenchError(f"fresh `studyrag ask --model {model}` failed: "
                             + (f"timed out after {timeout_s:.0f} s" if status == -9 else last))
        try:
            ans = json.loads(stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            raise BenchError(f"fresh `studyrag ask --model {model}` printed no JSON: {stdout[-200:]!r}") from None
        out.append({"wall_s": wall, "peak_rss": rss, "total_ms": ans.get("timings", {}).get("total_ms"),
                    "fallback": ans.get("fallback"), "answer": ans.get("answer", "")[:200]})
        if progress:
            progress(f"  fresh process {i + 1}/{runs}: {wall:.1f} s, peak RSS {rss / 2**20:.0f} MiB")
    return out


# Over 60 lines: one model's timed runs (fresh process, warm, MCQ, Chinese) in the order they are reported.


def _measure_model(settings: Settings, model: str, sample: list[dict], everything: list[dict], *, runs: int,
                   time_limit_s: float, extra: dict, fresh: bool, say,
                   in_process: bool = False) -> tuple[dict, dict]:
    """One model's column: (values by row key, per-question detail)."""
    from studyrag.eval.metrics import service_correct
    from studyrag.rag.engine import Tutor

    s = settings.with_overrides(backend="local", model=model, local_worker=not in_process)
    label = model + (" (in-process)" if in_process else "")
    v: dict = {}
    d: dict = {}
    t0 = time.perf_counter()
    tutor = Tutor(s)
    v["index_load_s"] = time.perf_counter() - t0
    if in_process:
        import llama_cpp  # noqa: F401  (the import is not the model's load time)

    t0 = time.perf_counter()
    tutor.chat_model().warm_up()
    v["load_s"] = time.perf_counter() - t0
    say(f"{label}: model loaded in {v['load_s']:.2f} s")

    rt = retrieval_times(tutor.knowledge, [it["question"] for it in everything])
    v["retrieve_p50_ms"], v["retrieve_p95_ms"] = _pct(rt, 0.5), _pct(rt, 0.95)

    # Leads of every scenario/paraphrase question: the pick is made before the model writes
    # (a local model is not trusted to decide), so this is the accuracy of the full answers.
    lead_ok: dict[str, bool] = {}
    lead_ms = []
    for it in everything:
        ms, lead = _lead_only(tutor, it["question"])
        lead_ms.append(ms)
        lead_ok[it["id"]] = service_correct(lead, it["services"])
    v["first_all_p50_ms"] = _pct(lead_ms, 0.5)
    for suite in ("scn", "para"):
        ids = [i for i in lead_ok if i.startswith(suite)]
        ok = sum(lead_ok[i] for i in ids)
        v[f"acc_all_{suite}"] = f"{ok}/{len(ids)} ({100 * ok / len(ids):.0f}%)" if ids else None

    firsts, totals, rows, full_ok = [], [], [], {}
    start = time.monotonic()
    for n, it in enumerate(sample):
        if n and time.monotonic() - start > time_limit_s:
            say(f"{model}: time limit {time_limit_s:.0f} s reached after {n}/{len(sample)} answers")
            break
        first, total, ans = _stream_timed(tutor, it["question"])
        firsts.append(first)
        totals.append(total)
        full_ok[it["id"]] = service_correct(ans.answer, it["services"])
        rows.append({"id": it["id"], "first_ms": round(first, 1), "total_ms": round(total, 1),
                     "generate_ms": ans.timings.get("generate_ms"), "fallback": ans.fallback,
                     "correct": full_ok[it["id"]]})
        say(f"{model}: {it['id']} first {first:,.0f} ms, full {total:,.0f} ms"
            f"{' (fallback)' if ans.fallback else ''}")
    d["answers"] = rows
    v["first_p50_ms"], v["first_p95_ms"] = _pct(firsts, 0.5), _pct(firsts, 0.95)
    v["full_p50_ms"], v["full_p95_ms"] = _pct(totals, 0.5), _pct(totals, 0.95)
    v["answered"] = f"{len(rows)}/{len(sample)}"
    v["fallbacks"] = f"{sum(r['fallback'] for r in rows)}/{len(rows)}"
    for suite in ("scn", "para"):
        ids = [i for i in full_ok if i.startswith(suite)]
        ok = sum(full_ok[i] for i in ids)
        v[f"acc_{suite}"] = f"{ok}/{len(ids)}" if ids else None
    d["lead_vs_full_disagree"] = [i for i in full_ok if full_ok[i] != lead_ok.get(i)]

    for kind, items in extra.items():  # the default model only: mcq, zh
        ms_first, ms_total, ok = [], [], 0
        start = time.monotonic()
        for n, it in enumerate(items):
            if n and time.monotonic() - start > time_limit_s:
                say(f"{model}: {kind} time limit reached after {n}/{len(items)}")
                break
            first, total, ans = _stream_timed(tutor, it["question"], it.get("options"))
            ms_first.append(first)
            ms_total.append(total)
            good = (sorted(ans.choice or []) == sorted(it["choice"])) if kind == "mcq" else service_correct(ans.answer, it["services"])
            ok += bool(good)
            say(f"{model}: {it['id']} first {first:,.0f} ms, full {total:,.0f} ms")
        v[f"{kind}_first_p50_ms"], v[f"{kind}_p50_ms"] = _pct(ms_first, 0.5), _pct(ms_total, 0.5)
        v[f"{kind}_timed"] = f"{len(ms_total)}/{len(items)}"
        v[f"{kind}_correct"] = f"{ok}/{len(ms_total)}"
    if fresh and runs > 0:
        q = sample[0]["question"] if sample else everything[0]["question"]
        fr = fresh_ask(s, model, q, runs=runs, progress=say)
        v["fresh_s"] = statistics.median(r["wall_s"] for r in fr)
        v["fresh_rss_mib"] = statistics.median(r["peak_rss"] for r in fr) / 2**20
        d["fresh"] = fr
    return v, d


ANSWER_ROWS = [
    ("load_s", "load model: llama.cpp init, + worker start (s)", "{:,.2f}"),
    ("retrieve_p50_ms", "retrieval p50 (ms)", "{:,.1f}"),
    ("retrieve_p95_ms", "retrieval p95 (ms)", "{:,.1f}"),
    ("first_all_p50_ms", "first shown token p50, all questions (ms)", "{:,.0f}"),
    ("first_p50_ms", "first shown token p50, sample (ms)", "{:,.0f}"),
    ("first_p95_ms", "first shown token p95, sample (ms)", "{:,.0f}"),
    ("full_p50_ms", "full answer p50 (ms)", "{:,.0f}"),
    ("full_p95_ms", "full answer p95 (ms)", "{:,.0f}"),
    ("answered", "answers timed (sample)", "{}"),
    ("fallbacks", "  drafts rejected -> quoted passages", "{}"),
    ("fresh_s", "fresh process first answer, median (s)", "{:,.1f}"),
    ("fresh_rss_mib", "fresh process peak RSS, median (MiB)", "{:,.0f}"),
    ("acc_all_scn", "accuracy scenarios, all", "{}"),
    ("acc_all_para", "accuracy paraphrase, all", "{}"),
    ("acc_scn", "accuracy scenarios, full answers in sample", "{}"),
    ("acc_para", "accuracy paraphrase, full answers in sample", "{}"),
    ("mcq_first_p50_ms", "MCQ first shown token p50 (ms)", "{:,.0f}"),
    ("mcq_p50_ms", "MCQ full answer p50 (ms)", "{:,.0f}"),
    ("mcq_timed", "  MCQ questions timed (time limit)", "{}"),
    ("mcq_correct", "  MCQ choice correct", "{}"),
    ("zh_first_p50_ms", "Chinese first shown token p50 (ms)", "{:,.0f}"),
    ("zh_p50_ms", "Chinese full answer p50 (ms)", "{:,.0f}"),
    ("zh_timed", "  Chinese questions timed (time limit)", "{}"),
    ("zh_correct", "  Chinese service correct", "{}"),
]


# Over 60 lines: the answer benchmark's options, runs and table in the order `bench answer --help` describes.


def answer(settings: Settings, *, runs: int = 3, models: str = "all", questions: int = 8, mcq: int = 10, zh: int = 6,
           time_limit_s: float = 180.0, fresh: bool = True, threads: int | None = None,
           engines: str = "worker", progress=None) -> Grid:
    """Local models side by side: load, retrieval, first shown token, full answer, a fresh
    process's first answer, accuracy; MCQ and Chinese latency for the default model.
    ``engines``: worker (the supervised child process), in-process, or both (a column each)."""
    from studyrag.rag.llms.models import DEFAULT_MODEL

    say = progress or (lambda m: None)
    if runs < 0 or questions < 0 or mcq < 0 or zh < 0:
        raise BenchError("--runs, --questions, --mcq and --zh must not be negative")
    if threads is not None:
        if threads < 1:
            raise BenchError("--threads must be at least 1")
        os.environ["STUDYRAG_THREADS"] = str(threads)  # read when llama.cpp loads; children inherit
    names = pick_models(models)
    if engines not in ("worker", "in-process", "both"):
        raise BenchError("--engines must be worker, in-process or both")
    runs_of = [(n, False) for n in names] * (engines != "in-process") + [(n, True) for n in names] * (engines != "worker")
    scenarios, paraphrase = _suite("scenarios"), _suite("paraphrase")
    everything = scenarios + paraphrase
    if questions and questions < len(everything):
        n_scn = max(1, round(questions * len(scenarios) / len(everything)))
        sample = _spread(scenarios, n_scn) + _spread(paraphrase, questions - n_scn)
    else:
        sample = everything
    extra = {}
    if mcq:
        extra["mcq"] = _spread(_suite("mcq"), mcq)
    if zh:
        extra["zh"] = _spread([it for it in _suite("zh") if it["id"].startswith("zh-scn")], zh)
    load_before = _load_avg()
    results, detail = {}, {}
    t_all = time.perf_counter()
    for name, in_process in runs_of:
        v, d = _measure_model(settings, name, sample, everything, runs=runs, time_limit_s=time_limit_s,
                              extra=extra if name == DEFAULT_MODEL else {}, fresh=fresh, say=say,
                              in_process=in_process)
        label = name + (" (in-process)" if in_process else "")
        results[label], detail[label] = v, d
    names = list(results)
    rows = [Row(k, label, {n: results[n].get(k) for n in names}, fmt) for k, label, fmt in ANSWER_ROWS
            if any(results[n].get(k) is not None for n in names)]
    disagree = {n: d["lead_vs_full_disagree"] for n, d in detail.items() if d["lead_vs_full_disagree"]}
    config = {
        "models": ",".join(names), "questions": f"{len(sample)} of {len(everything)} (scenarios+paraphrase)",
        "mcq": len(extra.get("mcq", [])), "zh": len(extra.get("zh", [])), "fresh runs": runs if fresh else 0,
        "max_tokens": settings.max_tokens, "threads": os.environ.get("STUDYRAG_THREADS", os.cpu_count()),
        "cpus": os.cpu_count(), "load_avg": load_before, "load_avg_after": _load_avg(),
        "index_load_s": round(results[names[0]]["index_load_s"], 2),
        "wall_s": round(time.perf_counter() - t_all, 1),
    }
    notes = [
        "latencies are wall clock around Tutor.stream in one warm process: first shown token = the first "
        "'token' event (the cited pick, before the model writes), full answer = 'done'",
        "accuracy 'all' = service_correct on the lead of every scenario/paraphrase question; a local model "
        "is not trusted to decide, so the full answer's lead is the same"
        + (f" (checked on the sample: differs for {disagree})" if disagree else
           " (checked on every sampled full answer: identical)"),
        "fresh process = `studyrag ask --json --model M` on the first sampled question, wall time incl. "
        "interpreter start, imports, index and model load (OS file cache warm)",
        "MCQ / Chinese rows: default model only; a Chinese question is read with the dictionary "
        "(rag/gloss), so its first token waits for no model",
        f"load average (1, 5, 15 min) before {load_before}, after {config['load_avg_after']} on "
        f"{os.cpu_count()} CPUs: other work shares the machine, so times are inflated accordingly",
    ]
    return Grid("answer", config, names, rows, notes, detail)


# -- load -------------------------------------------------------------------------------------

def load(settings: Settings, *, clients=(8, 32), requests: int | None = None, backend: str = "none", url: str | None = None,
         timeout_s: float = 300.0, concurrency: int = 4, max_queue: int = 64, model: str | None = None,
         runs: int = 1, max_waiting: int | None = None, progress=None) -> TextResult:
    """Bounded load test of the UI's /ask API (see bench/load.py), each level ``runs`` times."""
    from studyrag.bench.load import LoadError, format_load, run_load

    try:
        r = run_load(settings, clients=tuple(clients), requests=requests, backend=backend, url=url,
                     timeout_s=timeout_s, concurrency=concurrency, max_queue=max_queue, model=model,
                     runs=runs, max_waiting=max_waiting, progress=progress)
    except LoadError as e:
        raise BenchError(str(e)) from None
    return TextResult("load", r, format_load(r))


# -- scale ------------------------------------------------------------------------------------

def scale(settings: Settings, *, runs: int = 5, factors=(10, 100, 1000), queries: int = 50, progress=None) -> TextResult:
    """bench/scale.py: FAISS flat/HNSW/IVF at 1x..1000x the guide (synthetic replicas)."""
    from studyrag.bench.scale import format_report, run_scale

    if runs < 1 or queries < 1 or any(f < 1 for f in factors):
        raise BenchError("--runs, --queries and --factors must be at least 1")
    try:
        r = run_scale(settings, tuple(factors), queries, runs=runs, progress=progress)
    except ValueError as e:
        raise BenchError(str(e)) from None
    return TextResult("scale", r, format_report(r))


# -- all --------------------------------------------------------------------------------------

# Over 60 lines: every benchmark in sequence for `bench all`, one call each.

def run_all(settings: Settings, *, runs: int = 3, questions: int = 8, clients=(8, 32), requests: int | None = None,
            load_backend: str = "none", load_timeout_s: float = 300.0, scale_factors=(10, 100),
            scale_queries: int = 30, time_limit_s: float = 180.0, threads: int | None = None,
            progress=None) -> TextResult:
    """The whole benchmark: cold ingest, retrieval, answers with the default local model, a
    fresh process's first answer, the UI server under load (peak RSS), scale."""
    from studyrag.rag.llms.models import DEFAULT_MODEL

    say = progress or (lambda m: None)
    t0 = time.perf_counter()
    load_before = _load_avg()
    parts: dict = {}
    say("== ingest (cold, fresh processes)")
    parts["ingest"] = ingest(settings, runs=runs, progress=progress)
    say("== answer (default local model)")
    parts["answer"] = answer(settings, runs=runs, models="default", questions=questions, mcq=0, zh=0,
                             time_limit_s=time_limit_s, threads=threads, progress=progress)
    say("== load (UI server)")
    parts["load"] = load(settings, clients=clients, requests=requests, backend=load_backend,
                         timeout_s=load_timeout_s, progress=progress)
    say("== scale")
    parts["scale"] = scale(settings, runs=runs, factors=scale_factors, queries=scale_queries, progress=progress)

    ing = {m.key: m for m in parts["ingest"].metrics}
    a = parts["answer"].to_json()["results"][DEFAULT_MODEL]
    lj = parts["load"].data
    sj = parts["scale"].data
    summary: list[tuple[str, object, object, str]] = [
        ("cold ingest, model load included (s)", ing["cold_s"].median, None, f"median of {runs} processes"),
        ("ingest peak RSS (MiB)", ing["peak_rss_mib"].median, None, ""),
        ("retrieval (ms)", a["retrieve_p50_ms"], a["retrieve_p95_ms"], "39 questions, median of 3 searches each"),
        ("first shown token (ms)", a["first_p50_ms"], a["first_p95_ms"], f"{DEFAULT_MODEL}, {a['answered']} answers"),
        ("full answer (ms)", a["full_p50_ms"], a["full_p95_ms"], f"{DEFAULT_MODEL}, {a['answered']} answers"),
        ("fresh process first answer (s)", a.get("fresh_s"), None, f"median of {runs}"),
        ("fresh process peak RSS (MiB)", a.get("fresh_rss_mib"), None, ""),
    ]
    for lvl in lj["levels"]:
        summary.append((f"UI /ask at {lvl['clients']} clients (ms)", lvl["p50_ms"], lvl["p95_ms"],
                        f"{lvl['ok']}/{lvl['requests']} ok, {lvl['failures']} failed, "
                        f"{lvl['throughput_rps']:.2f} req/s, max queue {lvl['max_queue']}"))
    srv = lj.get("server") or {}
    summary.append(("UI server peak RSS under load (MiB)", srv.get("peak_rss_hwm_mib"), None,
                    f"backend {load_backend}; VmHWM; idle {srv.get('idle_rss_mib')} MiB; tree polled "
                    f"{max((l['peak_rss_mib'] or 0) for l in lj['levels']):,.0f} MiB"))
    for row in sj["rows"]:
        flat = row["indexes"]["faiss flat"]
        summary.append((f"FAISS flat search at {row['n']:,} chunks (ms)", flat["p50_ms"], flat["p95_ms"],
                        f"{row['factor']}x, synthetic replicas"))
    wall = time.perf_counter() - t0
    head = ["metric", "p50 / median", "p95", "detail"]

    def fmt(x):
        return "-" if x is None else (f"{x:,.3f}" if x < 1 else f"{x:,.1f}" if x < 100 else f"{x:,.0f}")

    cells = [[m, fmt(p50), fmt(p95), d] for m, p50, p95, d in summary]
    widths = [max(len(c[i]) for c in [head, *cells]) for i in range(3)]

    def line(c):
        return "  ".join([c[0].ljust(widths[0]), c[1].rjust(widths[1]), c[2].rjust(widths[2]), c[3]])

    after = _load_avg()
    title = (f"studyrag bench (all): {os.cpu_count()} CPUs, python {sys.version.split()[0]}, "
             f"load average {load_before} before / {after} after, {wall / 60:.1f} min")
    text = "\n".join([title, line(head), *(line(c) for c in cells), "",
                      *(parts[k].table() + "\n" for k in ("ingest", "answer", "load", "scale"))])
    data = {"config": {"runs": runs, "questions": questions, "cpus": os.cpu_count(), "load_avg_before": load_before,
                       "load_avg_after": after, "wall_s": round(wall, 1)},
            "summary": [{"metric": m, "p50": p50, "p95": p95, "detail": d} for m, p50, p95, d in summary],
            "parts": {k: v.to_json() for k, v in parts.items()}}
    return TextResult("all", data, text.rstrip())
