"""`studyrag bench ingest --formats`: cold ingest of the same guide as each format it can come
in (the .txt, rendered to a PDF, a saved web page, a Word file) and of a generated 300-page
PDF. Each run is a new process running exactly what `studyrag ingest` runs (bench/runs.py's
ingest child), so the figures include imports, the embedder's load, extraction, chunking,
embedding and the atomic write. The target: the 300-page PDF in at most 60 s on 2 cores.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from pathlib import Path

from studyrag.bench.runs import _INGEST_CHILD, BenchError, BenchResult, Metric, run_child

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

FORMATS = ("txt", "pdf", "html", "docx", "pdf300")
TARGET_PAGES = 300
TARGET_S = 60.0


def _guide(settings: Settings) -> Path:
    """The largest .txt/.md guide of the data folder: the text every format is made from."""
    texts = sorted((p for p in Path(settings.data_dir).rglob("*") if p.suffix.lower() in (".txt", ".md")),
                   key=lambda p: p.stat().st_size)
    if not texts:
        raise BenchError(f"no .txt/.md guide under {settings.data_dir} to render as other formats")
    return texts[-1]


def render(fmt: str, text: str, out_dir: Path) -> tuple[Path, int]:
    """``text`` as ``fmt`` in a data folder of its own: (the file, its pages; 0 if none)."""
    from studyrag.bench import docgen

    out_dir.mkdir(parents=True)
    if fmt == "txt":
        path = out_dir / "guide.txt"
        path.write_text(text, encoding="utf-8")
        return path, 0
    if fmt == "pdf":
        path = out_dir / "guide.pdf"
        return path, docgen.render_pdf(text, path)
    if fmt == "html":
        docgen.render_html(text, out_dir / "guide.html")
        return out_dir / "guide.html", 0
    if fmt == "docx":
        docgen.render_docx(text, out_dir / "guide.docx")
        return out_dir / "guide.docx", 0
    if fmt == "pdf300":
        return out_dir / "manual.pdf", _long_pdf(text, out_dir / "manual.pdf", TARGET_PAGES)
    raise BenchError(f"unknown format {fmt!r}; choose from: {', '.join(FORMATS)}")


def _long_pdf(text: str, path: Path, pages: int) -> int:
    """Exactly ``pages`` pages: the guide repeated as parts, cut to length."""
    import pypdfium2 as pdfium

    from studyrag.bench import docgen

    full = path.with_name("full.pdf")
    repeat, got = 1, docgen.render_pdf(text, full)
    while got < pages:  # the last page of each copy is partly empty: aim a little high
        repeat = math.ceil(repeat * pages / got * 1.1)
        got = docgen.render_pdf(text, full, repeat=repeat)
    src, out = pdfium.PdfDocument(str(full)), pdfium.PdfDocument.new()
    out.import_pages(src, list(range(pages)))
    out.save(str(path))
    n = len(out)
    src.close(), out.close()
    full.unlink()
    return n


def ingest_formats(settings: Settings, *, runs: int = 3, formats=FORMATS, timeout_s: float = 900.0,
                   progress=None) -> BenchResult:
    if runs < 1:
        raise BenchError("--runs must be at least 1")
    text = _guide(settings).read_text(encoding="utf-8")
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    metrics, config = [], {"embedder": settings.embedder, "chunk_size": settings.chunk_size, "runs": runs,
                           "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    with tempfile.TemporaryDirectory(prefix="studyrag-bench-formats-") as tmp:
        for fmt in formats:
            path, pages = render(fmt, text, Path(tmp) / fmt)
            results = []
            for i in range(runs):
                cfg = {"data_dir": str(path.parent), "work_dir": str(Path(tmp) / f"work-{fmt}-{i}"),
                       "embedder": settings.embedder, "chunk_size": settings.chunk_size}
                child, wall, rss = run_child(_INGEST_CHILD, [json.dumps(cfg)], cwd=Path(tmp), timeout_s=timeout_s)
                results.append({**child, "cold_s": wall, "peak_rss": rss})
                if progress:
                    progress(f"{fmt} run {i + 1}/{runs}: {wall:.1f} s, {child['chunks']} chunks, "
                             f"peak RSS {rss / 2**20:.0f} MiB")
            config[f"{fmt}_file"] = f"{path.name}, {path.stat().st_size:,} bytes" + (f", {pages} pages" if pages else "")
            config[f"{fmt}_chunks"] = results[0]["chunks"]
            metrics += _metrics(fmt, pages, results)
    config["load_avg_1m"] = round(load_before, 2) if load_before is not None else None
    notes = [f"target: the {TARGET_PAGES}-page PDF ingested cold in <= {TARGET_S:.0f} s on 2 cores (median)",
             "extract = read the file + extract its text + chunk; embed = MiniLM over every chunk",
             "CPU time is the process's user + system seconds over its threads: on 2 idle cores the wall "
             "time is about half of it; other work on the machine stretches the wall time, not the work"]
    return BenchResult("ingest --formats", config, metrics, notes)


def _metrics(fmt: str, pages: int, results: list[dict]) -> list[Metric]:
    col = lambda key: [r[key] for r in results]  # noqa: E731
    out = [
        Metric(f"{fmt}_cold_s", f"{fmt}: cold ingest (s)", col("cold_s")),
        Metric(f"{fmt}_extract_s", f"{fmt}:   extract + chunk (s)", col("chunk_s"), "{:,.3f}"),
        Metric(f"{fmt}_embed_s", f"{fmt}:   embed (s)", col("embed_s")),
        Metric(f"{fmt}_derive_s", f"{fmt}:   derive for answering (s)", col("derive_s")),
        Metric(f"{fmt}_chunks_per_s", f"{fmt}: chunks per second (cold)",
               [r["chunks"] / r["cold_s"] for r in results], "{:,.1f}"),
        Metric(f"{fmt}_cpu_s", f"{fmt}: CPU time, all threads (s)", col("cpu_s")),
        Metric(f"{fmt}_peak_rss_mib", f"{fmt}: peak RSS (MiB)", [r["peak_rss"] / 2**20 for r in results], "{:,.0f}"),
    ]
    if pages:
        out.insert(2, Metric(f"{fmt}_pages_per_s", f"{fmt}:   pages extracted per second",
                             [pages / max(r["chunk_s"], 1e-9) for r in results], "{:,.0f}"))
    return out
