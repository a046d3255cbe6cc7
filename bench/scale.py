"""How retrieval grows with the corpus: `python -m studyrag.bench.scale`.

The guide is one file of ~84 chunks. To see what happens at 10x, 100x and 1000x it is
replicated synthetically:

* texts: each replica of a chunk has its sentences shuffled, one sentence swapped in from
  another chunk, and its numbers and some service words substituted, so no two rows are
  equal (this is what the docstore / PostgreSQL table holds and what disk size measures);
* vectors: the base set is embedded for real with MiniLM; replicas are NOT embedded
  (84,000 chunks would take hours on 2 CPU cores, see the `embed est.` column) but made
  from the base vectors: ``normalize(a v_i + b v_j + c v_k + noise)``, mixing the source
  chunk with two others (as the text mixes in their sentences) plus Gaussian noise (sigma
  0.035 per dimension). They stay on the unit sphere, fill the space between the real
  chunks and differ from each other (the report prints the mean cosine of a replica to its
  source).

Per size it reports the index build time (the part of ingest after embedding), the index
size on disk, single-query latency p50/p95 (median of several runs of every query, one
thread, k=10) and recall@10 against the exact answer for: FAISS IndexFlatIP (exact, what
studyrag ships), FAISS HNSW (M=32) and FAISS IVF-Flat (nlist = sqrt(N)); optionally
pgvector through the real PgvectorStore. Queries are real questions from the eval suites,
embedded with MiniLM.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

K = 10
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 40
HNSW_EF_SEARCH = (64, 256)  # both are reported: recall vs latency
MIX = ((0.6, 1.0), (0.0, 0.5), (0.0, 0.3))  # weights of the source chunk and two others
NOISE = 0.035
SUITES = Path(__file__).resolve().parent / "suites"
_NUM_RE = re.compile(r"\d[\d,]*")
_SENT_RE = re.compile(r"(?<=[.!?。])\s+|\n+")
_SWAPS = [("SageMaker", "Bedrock"), ("endpoint", "deployment"), ("training", "tuning"), ("model", "predictor"),
          ("data", "dataset"), ("inference", "prediction"), ("real-time", "online"), ("batch", "bulk")]


# -- the corpus ----------------------------------------------------------------------------------
def load_questions(n: int) -> list[str]:
    seen: list[str] = []
    for f in sorted(SUITES.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                q = json.loads(line).get("question")
                if q and q not in seen:
                    seen.append(q)
    if len(seen) < n:
        raise ValueError(f"only {len(seen)} questions in {SUITES}, asked for {n}")
    rng = np.random.default_rng(7)
    return [seen[i] for i in sorted(rng.choice(len(seen), n, replace=False))]


def synth_texts(texts: list[str], factor: int, rng) -> list[str]:
    """factor copies of the corpus; copy 0 is the real text, the others are scrambled."""
    sents = [[s for s in _SENT_RE.split(t) if s.strip()] or [t] for t in texts]
    out = list(texts)
    n = len(texts)
    for _ in range(1, factor):
        for i in range(n):
            s = list(sents[i])
            j = int(rng.integers(n))
            s[int(rng.integers(len(s)))] = sents[j][int(rng.integers(len(sents[j])))]
            rng.shuffle(s)
            text = " ".join(s)
            text = _NUM_RE.sub(lambda m: str(int(rng.integers(1, 10 ** min(6, len(m.group())) + 1))), text)
            for a, b in _SWAPS:
                if rng.random() < 0.3:
                    text = text.replace(a, b)
            out.append(text)
    return out


def synth_vectors(base: np.ndarray, factor: int, rng) -> np.ndarray:
    """factor copies of the base vectors; copy 0 is the real one, the others synthetic.

    A replica of chunk i mixes in two other chunks (as its text mixes in their sentences)
    and noise: normalize(a v_i + b v_j + c v_k + N(0, NOISE^2)), a in [0.6, 1], b in
    [0, 0.5], c in [0, 0.3]. The replicas fill the space between the real chunks instead
    of piling up on them.
    """
    n, dim = base.shape
    out = np.empty((n * factor, dim), dtype=np.float32)
    out[:n] = base
    for r in range(1, factor):
        j, k = rng.integers(n, size=n), rng.integers(n, size=n)
        a, b, c = (rng.uniform(lo, hi, size=(n, 1)).astype(np.float32) for lo, hi in MIX)
        v = a * base + b * base[j] + c * base[k] + rng.normal(0.0, NOISE, size=(n, dim)).astype(np.float32)
        out[r * n : (r + 1) * n] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


# -- measuring -----------------------------------------------------------------------------------
def _latencies(search, queries: np.ndarray, runs: int) -> tuple[float, float, list]:
    """(p50 ms, p95 ms, results of the first run): per query the median over ``runs``."""
    per_query = [[] for _ in range(len(queries))]
    first = []
    for run in range(runs):
        for i, q in enumerate(queries):
            t0 = time.perf_counter()
            res = search(q)
            per_query[i].append((time.perf_counter() - t0) * 1000)
            if run == 0:
                first.append(res)
    med = np.array([statistics.median(v) for v in per_query])
    return float(np.percentile(med, 50)), float(np.percentile(med, 95)), first


def _recall(got: list[list[int]], truth: list[list[int]]) -> float:
    return float(np.mean([len(set(g) & set(t)) / max(1, len(t)) for g, t in zip(got, truth)]))


def _faiss_size(index) -> int:
    import faiss

    with tempfile.NamedTemporaryFile(suffix=".faiss") as f:
        faiss.write_index(index, f.name)
        return os.path.getsize(f.name)


def _faiss_search(index):
    def run(q):
        _, rows = index.search(q.reshape(1, -1), K)
        return [int(r) for r in rows[0] if r >= 0]
    return run


def measure_faiss(x: np.ndarray, queries: np.ndarray, runs: int) -> tuple[dict, list]:
    import faiss

    n, dim = x.shape
    out: dict[str, dict] = {}
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # builds may use every core

    t0 = time.perf_counter()
    flat = faiss.IndexFlatIP(dim)
    flat.add(x)
    build = time.perf_counter() - t0
    faiss.omp_set_num_threads(1)  # one query per worker thread, as a UI worker serves it
    p50, p95, res = _latencies(_faiss_search(flat), queries, runs)
    truth = res
    out["faiss flat"] = dict(build_s=build, bytes=_faiss_size(flat), p50_ms=p50, p95_ms=p95, recall=1.0)

    faiss.omp_set_num_threads(os.cpu_count() or 1)
    t0 = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    hnsw.add(x)
    build = time.perf_counter() - t0
    size = _faiss_size(hnsw)
    faiss.omp_set_num_threads(1)
    for ef in HNSW_EF_SEARCH:
        hnsw.hnsw.efSearch = ef
        p50, p95, res = _latencies(_faiss_search(hnsw), queries, runs)
        out[f"faiss HNSW{HNSW_M} ef={ef}"] = dict(build_s=build, bytes=size, p50_ms=p50, p95_ms=p95,
                                                  recall=_recall(res, truth), params=f"efSearch={ef}")

    nlist = max(1, round(math.sqrt(n)))
    nprobe = min(nlist, math.ceil(math.sqrt(nlist)))  # ~N^(1/4) lists scanned
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    t0 = time.perf_counter()
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.cp.min_points_per_centroid = 1  # tiny corpora: no warning spam
    ivf.train(x if n <= 256 * nlist else x[np.random.default_rng(0).choice(n, 256 * nlist, replace=False)])
    ivf.add(x)
    build = time.perf_counter() - t0
    ivf.nprobe = nprobe
    faiss.omp_set_num_threads(1)
    p50, p95, res = _latencies(_faiss_search(ivf), queries, runs)
    out["faiss IVF-Flat"] = dict(build_s=build, bytes=_faiss_size(ivf), p50_ms=p50, p95_ms=p95,
                                 recall=_recall(res, truth), params=f"nlist={nlist} nprobe={nprobe}")
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    return out, truth


def measure_pgvector(pg_url: str, chunks, x: np.ndarray, queries: np.ndarray, runs: int, truth,
                     *, factor: int, vector_type: str, hnsw: bool) -> dict:
    from types import SimpleNamespace

    from studyrag.index.manifest import Manifest
    from studyrag.index.stores.pgvector_store import PgvectorStore

    schema = f"scale_{factor}x_{os.getpid()}"
    store = PgvectorStore(SimpleNamespace(pg_url=pg_url), schema=schema, vector_type=vector_type,
                          exact_scan_max=0 if hnsw else 10**9)
    manifest = Manifest(embedder="minilm", embedder_model="synthetic", dim=x.shape[1], chunk_size=900,
                        sources=[], chunk_count=len(chunks), built_at=datetime.now(timezone.utc).isoformat())
    t0 = time.perf_counter()
    store.write(manifest, chunks, x)
    build = time.perf_counter() - t0
    size = store.size_bytes()
    try:
        with store.open() as index:
            p50, p95, res = _latencies(lambda q: [r for r, _ in index.search(q, K)], queries, runs)
    finally:
        _drop_schema(store)
    label = f"pgvector {vector_type}" + (" HNSW16" if hnsw else " exact")
    return {label: dict(build_s=build, bytes=size, p50_ms=p50, p95_ms=p95, recall=_recall(res, truth),
                        params="ef_search=200" if hnsw else "seq scan")}


def _drop_schema(store) -> None:
    from psycopg import sql

    with store._connect() as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(store.schema)))


# -- the run -------------------------------------------------------------------------------------
def run_scale(settings: Settings, factors=(10, 100, 1000), queries: int = 50, *, runs: int = 5, pg_url: str | None = None,
              pg_max_rows: int = 10_000, pg_vector_type: str = "vector", pg_hnsw: bool = True,
              pg_note: str = "", progress=None) -> dict:
    """Measure FAISS flat / HNSW / IVF (and pgvector if ``pg_url``) at 1x and each factor."""
    from studyrag.ingest.chunker import Chunk
    from studyrag.index.embedders import get_embedder
    from studyrag.ingest.pipeline import chunk_sources, embed_chunks

    say = progress or (lambda msg: None)
    _, base_chunks = chunk_sources(settings)
    embedder = get_embedder(settings.embedder)
    t0 = time.perf_counter()
    base = embed_chunks(embedder, base_chunks, progress=False)
    embed_s = time.perf_counter() - t0
    rate = len(base_chunks) / embed_s
    qtexts = load_questions(queries)
    qvecs = np.asarray(embedder.embed_queries(qtexts), dtype=np.float32)
    rng = np.random.default_rng(42)
    rows = []
    for factor in (1, *[f for f in factors if f != 1]):
        n = len(base_chunks) * factor
        say(f"{factor}x: {n:,} chunks")
        x = synth_vectors(base, factor, rng)
        texts = synth_texts([c.text for c in base_chunks], factor, rng)
        chunks = [Chunk(f"syn{i:07d}", f"synthetic/{factor}x.txt", c.section, c.kind, 0, len(t), t)
                  for i, (c, t) in enumerate(zip(base_chunks * factor, texts))]
        docstore = sum(len(json.dumps(c.to_json(), ensure_ascii=False).encode()) + 1 for c in chunks)
        sim = float(np.mean(np.sum(x[len(base_chunks):] * np.tile(base, (factor - 1, 1)), axis=1))) if factor > 1 else 1.0
        indexes, truth = measure_faiss(x, qvecs, runs)
        if pg_url and n <= pg_max_rows:
            indexes.update(measure_pgvector(pg_url, chunks, x, qvecs, runs, truth, factor=factor,
                                            vector_type=pg_vector_type, hnsw=pg_hnsw))
        rows.append(dict(factor=factor, n=n, embed_est_s=n / rate, docstore_bytes=docstore,
                         flat_ram_bytes=n * x.shape[1] * 4, replica_cosine=sim, indexes=indexes))
    return dict(
        when=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        base_chunks=len(base_chunks), dim=int(base.shape[1]), embedder=embedder.model_id,
        embed_rate=rate, queries=queries, runs=runs, k=K, cpus=os.cpu_count(),
        load_avg=[round(x, 1) for x in os.getloadavg()],
        synthetic=(f"base {len(base_chunks)} chunks embedded with {embedder.model_id}; replicas are NOT "
                   f"embedded but made from them: normalize(a v_i + b v_j + c v_k + N(0, {NOISE}^2)), "
                   "a~U(.6,1) b~U(0,.5) c~U(0,.3), texts shuffled/substituted to match"),
        pgvector=(pg_note or ("not measured (no --pg-url)" if not pg_url else "")), rows=rows,
        crossover=crossover(rows),
    )


def crossover(rows: list[dict]) -> dict:
    """Where an approximate index starts to pay, and where flat search crosses latency budgets."""
    out: dict = {}
    for name in [k for k in rows[-1]["indexes"] if k.startswith("faiss ") and k != "faiss flat"]:
        wins = [r["n"] for r in rows if name in r["indexes"]
                and r["indexes"][name]["p50_ms"] < r["indexes"]["faiss flat"]["p50_ms"]]
        out[f"{name} faster than flat from N"] = wins[0] if wins else None
    big = [r for r in rows if r["n"] >= 1000] or rows
    ns = np.array([r["n"] for r in big], dtype=float)
    p95 = np.array([r["indexes"]["faiss flat"]["p95_ms"] for r in big])
    if len(ns) >= 2:
        slope, icept = np.polyfit(ns, p95, 1)  # flat search is linear in N
        out["flat p95 ms per 100k vectors"] = slope * 100_000
        for budget in (10, 50):
            out[f"flat p95 reaches {budget} ms at N"] = int((budget - icept) / slope) if slope > 0 else None
    return out


# -- printing ------------------------------------------------------------------------------------
def _mb(b: float) -> str:
    return f"{b / 1e6:,.2f}" if b < 1e8 else f"{b / 1e6:,.0f}"


def _dur(s: float) -> str:
    return f"{s:,.1f} s" if s < 120 else (f"{s / 60:,.0f} min" if s < 7200 else f"{s / 3600:,.1f} h")


def format_report(r: dict) -> str:
    lines = [
        f"studyrag scale: {r['base_chunks']} real chunks x factor, dim {r['dim']}, {r['queries']} real questions, "
        f"k={r['k']}, median of {r['runs']} runs per query, 1 search thread, {r['cpus']} CPUs "
        f"(load average at the end: {' '.join(map(str, r.get('load_avg', [])))})",
        f"synthetic corpus: {r['synthetic']}",
        f"embedding rate measured on the base set: {r['embed_rate']:.1f} chunks/s ({r['embedder']})",
    ]
    if r.get("pgvector"):
        lines.append(f"pgvector: {r['pgvector']}")
    lines.append("")
    head = f"{'N':>8} {'index':<24} {'build':>9} {'disk MB':>9} {'p50 ms':>8} {'p95 ms':>8} {'recall@10':>9}  params"
    lines += [head, "-" * len(head)]
    for row in r["rows"]:
        lines.append(f"{row['n']:>8,} {'(embedding, est.)':<24} {_dur(row['embed_est_s']):>9} "
                     f"{_mb(row['docstore_bytes']):>9} {'':>8} {'':>8} {'':>9}  docstore JSONL; "
                     f"flat RAM {_mb(row['flat_ram_bytes'])} MB; replica cos {row['replica_cosine']:.2f}")
        for name, m in row["indexes"].items():
            lines.append(f"{'':>8} {name:<24} {_dur(m['build_s']):>9} {_mb(m['bytes']):>9} {m['p50_ms']:>8.3f} "
                         f"{m['p95_ms']:>8.3f} {m['recall']:>9.3f}  {m.get('params', '')}")
    lines.append("")
    for key, val in r["crossover"].items():
        if isinstance(val, float):
            val = f"{val:.2f}"
        elif isinstance(val, int):
            val = f"{val:,}"
        lines.append(f"{key}: {val if val is not None else 'not within the measured sizes'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    p = argparse.ArgumentParser(prog="python -m studyrag.bench.scale", description=__doc__.split("\n\n")[0])
    p.add_argument("--factors", type=int, nargs="+", default=[10, 100, 1000])
    p.add_argument("--queries", type=int, default=50)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--source", dest="data_dir", default=None, help="folder of guides (default: data)")
    p.add_argument("--pg-url", default=None, help="also measure pgvector in this database")
    p.add_argument("--pgserver", action="store_true", help="also measure pgvector in a throwaway pgserver")
    p.add_argument("--pg-max-rows", type=int, default=10_000, help="largest size measured in pgvector")
    p.add_argument("--pg-vector-type", choices=["vector", "halfvec"], default="vector")
    p.add_argument("--pg-exact", action="store_true", help="pgvector without HNSW (exact scan)")
    p.add_argument("--json", default=None, help="also write the results to this file")
    args = p.parse_args(argv)

    from studyrag.settings import Settings

    settings = Settings().with_overrides(data_dir=args.data_dir)
    server = None
    pg_url = args.pg_url
    if args.pgserver and not pg_url:
        import pgserver

        server = pgserver.get_server(Path(tempfile.mkdtemp(prefix="studyrag-scale-")) / "pg", cleanup_mode="delete")
        pg_url = server.get_uri()
    note = ""
    if pg_url:
        note = (f"PgvectorStore, {args.pg_vector_type} column, "
                + ("exact scan (no HNSW)" if args.pg_exact else "HNSW m=16 ef_construction=64, ef_search=200")
                + f", up to {args.pg_max_rows:,} rows")
    try:
        result = run_scale(settings, tuple(args.factors), args.queries, runs=args.runs, pg_url=pg_url,
                           pg_max_rows=args.pg_max_rows, pg_vector_type=args.pg_vector_type,
                           pg_hnsw=not args.pg_exact, pg_note=note,
                           progress=lambda m: print(m, file=sys.stderr, flush=True))
    finally:
        if server is not None:
            server.cleanup()
    print(format_report(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
