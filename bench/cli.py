"""`studyrag bench SUB-COMMAND`: measurements, one function each in bench/runs.py.

Every sub-command is added by a small ``_add_<name>(bsub)`` function in the same style
(``_bench_parser`` gives it the shared --runs/--json flags) and runs through ``_run``,
which builds the settings, calls the benchmark and prints a table or one JSON object.
``studyrag bench`` alone (or ``bench all``) runs the whole benchmark.
"""

from __future__ import annotations

import argparse
import json
import sys

EXAMPLES = """\
examples:
  studyrag bench                            # everything: ingest, answer, load, scale
  studyrag bench --json > bench.json        # the same, one JSON object
  studyrag bench ingest                     # cold ingest of data/, 3 fresh processes
  studyrag bench answer --models all        # every installed local model side by side
  studyrag bench load --clients 8,32        # the UI's /ask API under 8 and 32 clients
  studyrag bench scale --factors 10,100     # retrieval at 10x and 100x the guide
  studyrag bench ingest --runs 5 --json     # one JSON object, e.g. for CI
  studyrag bench ingest --source ~/guides --embedder e5
"""


def add_commands(sub) -> None:
    from studyrag.cli import Formatter

    p = sub.add_parser(
        "bench",
        help="measure studyrag (ingest, answer latency per model, UI under load, scale)",
        formatter_class=Formatter,
        description="Benchmarks, printed as a table or (--json) as one JSON object on stdout.\n"
        "Without a BENCHMARK, runs them all (same as `studyrag bench all`).\n"
        "Other work on the machine slows every figure: the load average is reported.",
        epilog=EXAMPLES,
    )
    bsub = p.add_subparsers(dest="benchmark", metavar="BENCHMARK")
    for add in (_add_all, _add_ingest, _add_answer, _add_load, _add_scale):
        add(bsub)
    # `studyrag bench` alone: the whole benchmark with its defaults.
    p.add_argument("--runs", type=int, default=3, help="fresh processes per cold measurement (no BENCHMARK)")
    p.add_argument("--json", action="store_true", help="one JSON object instead of tables (no BENCHMARK)")
    _index_flags(p)
    p.set_defaults(func=lambda args: _run_all(args))


def _bench_parser(bsub, name: str, help: str, description: str, examples: str, *,
                  runs_help: str | None = "how many times to measure; the median is reported",
                  runs_default: int = 3) -> argparse.ArgumentParser:
    from studyrag.cli import Formatter

    p = bsub.add_parser(name, help=help, description=description, formatter_class=Formatter,
                        epilog="examples:\n" + examples)
    if runs_help:
        p.add_argument("--runs", type=int, default=runs_default, help=runs_help)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    return p


def _index_flags(p) -> None:
    p.add_argument("--source", dest="data_dir", default=None, help="folder of .txt/.md guides (default: data)")
    p.add_argument("--index-dir", default=None, help="index folder (default: .studyrag/index)")


def _int_list(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated whole numbers, got {text!r}") from None
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"expected numbers of at least 1, got {text!r}")
    return values


def _add_all(bsub) -> None:
    p = _bench_parser(
        bsub,
        "all",
        help="everything: cold ingest, retrieval, answers, fresh process, UI under load, scale",
        description="The whole benchmark, one summary table then each part's table:\n"
        "  cold ingest (fresh processes), retrieval p50/p95, first shown token and full answer\n"
        "  p50/p95 with the default local model, a fresh process's first answer, the UI server's\n"
        "  latency/throughput and peak RSS under load (`studyrag ui` on a free loopback port),\n"
        "  and retrieval at 10x/100x the guide (bench/scale.py). About 2 minutes on an idle\n"
        "  2-core machine; other work slows it a lot (the load average is printed).",
        examples="  studyrag bench\n  studyrag bench all --runs 1 --questions 4\n  studyrag bench all --json\n",
        runs_help="fresh processes per cold measurement (ingest, first answer) and scale runs",
    )
    _index_flags(p)
    _all_flags(p)
    p.set_defaults(func=lambda args: _run_all(args))


def _all_flags(p) -> None:
    p.add_argument("--questions", type=int, default=8, help="scenario+paraphrase questions answered in full")
    p.add_argument("--clients", type=_int_list, default="8,32", help="load test concurrency levels")
    p.add_argument("--load-backend", choices=["none", "local"], default="none", help="UI server backend under load")
    p.add_argument("--scale-factors", type=_int_list, default="10,100", help="corpus sizes for the scale part")
    p.add_argument("--threads", type=int, default=None, help="llama.cpp threads (STUDYRAG_THREADS; default: env or CPUs)")


def _run_all(args) -> int:
    return _run(args, "run_all", label="all", questions=getattr(args, "questions", 8),
                clients=getattr(args, "clients", (8, 32)), load_backend=getattr(args, "load_backend", "none"),
                scale_factors=getattr(args, "scale_factors", (10, 100)), threads=getattr(args, "threads", None))


def _add_answer(bsub) -> None:
    p = _bench_parser(
        bsub,
        "answer",
        help="local models side by side: load, retrieval, first token, full answer, accuracy",
        description="Every chosen local model (installed GGUFs of the registry) in one run, side by\n"
        "side: model load time; retrieval p50/p95; time to the first shown token and to the\n"
        "full answer (Tutor.stream, p50/p95) over a sample of the scenario + paraphrase\n"
        "questions; a fresh process's first answer (`studyrag ask --json --model M`, median\n"
        "of --runs); accuracy (service_correct) on the scenarios and paraphrase suites. For\n"
        "the default model also multiple-choice and Chinese answer latency.",
        examples="  studyrag bench answer\n  studyrag bench answer --models smollm2-135m,default --runs 3\n"
        "  studyrag bench answer --questions 0 --json    # every question, JSON\n",
        runs_help="fresh processes per model for the first answer (0 = skip)",
    )
    p.add_argument("--models", default="all", help="all (installed), default, or comma-separated registry names")
    p.add_argument("--questions", type=int, default=8,
                   help="scenario+paraphrase questions answered in full per model (0 = all 39)")
    p.add_argument("--mcq", type=int, default=10, help="multiple-choice questions timed with the default model (0 = skip)")
    p.add_argument("--zh", type=int, default=6, help="Chinese scenario questions timed with the default model (0 = skip)")
    p.add_argument("--time-limit", type=float, default=180.0, dest="time_limit_s",
                   help="seconds per model and phase after which no new question is started")
    p.add_argument("--threads", type=int, default=None,
                   help="llama.cpp threads (sets STUDYRAG_THREADS for this run and its fresh processes; "
                   "default: env or one per CPU)")
    p.add_argument("--engines", choices=["worker", "in-process", "both"], default="worker",
                   help="run llama.cpp in its supervised child process, in this process, or both (a column each)")
    _index_flags(p)
    p.set_defaults(func=lambda args: _run(args, "answer", models=args.models, questions=args.questions,
                                          mcq=args.mcq, zh=args.zh, time_limit_s=args.time_limit_s,
                                          threads=args.threads, engines=args.engines))


def _add_load(bsub) -> None:
    p = _bench_parser(
        bsub,
        "load",
        help="the UI's /ask API under concurrent clients (latency, throughput, queue, RSS)",
        description="A bounded load test of the web app's JSON API. Starts `studyrag ui` on a free\n"
        "127.0.0.1 port (or uses --url, loopback only), sends a fixed number of real questions\n"
        "to /ask per concurrency level, and reports failures, latency p50/p95, throughput,\n"
        "the deepest Gradio queue seen and the server's peak RSS. A global --timeout bounds it.",
        examples="  studyrag bench load\n  studyrag bench load --clients 8 --requests 16 --backend local\n"
        "  studyrag bench load --url http://127.0.0.1:7860/ --clients 4\n",
        runs_help="times each level is run on the same server; medians are reported",
        runs_default=1,
    )
    p.add_argument("--clients", type=_int_list, default="8,32", help="concurrency levels, comma-separated")
    p.add_argument("--requests", type=int, default=None, help="requests per level (default: 64, or 4 per client above 16)")
    p.add_argument("--backend", choices=["none", "local"], default="none",
                   help="backend of the server started here (none = extractive answers)")
    p.add_argument("--model", default=None, help="local model of the server started here (--backend local)")
    p.add_argument("--url", default=None, help="test this running server instead (loopback only)")
    p.add_argument("--timeout", type=float, default=300.0, dest="timeout_s", help="global deadline, seconds")
    p.add_argument("--concurrency", type=int, default=4, help="server's Gradio concurrency (started here)")
    p.add_argument("--max-queue", type=int, default=64, help="server's Gradio queue size (started here)")
    p.add_argument("--max-waiting", type=int, default=None,
                   help="questions that may wait for the busy local model (the server's STUDYRAG_LOCAL_MAX_WAITING; "
                   "default: the setting's). A large value queues every explanation, as before load shedding")
    _index_flags(p)
    p.set_defaults(func=lambda args: _run(args, "load", clients=args.clients, requests=args.requests,
                                          backend=args.backend, url=args.url, timeout_s=args.timeout_s,
                                          concurrency=args.concurrency, max_queue=args.max_queue,
                                          model=args.model, max_waiting=args.max_waiting))


def _add_scale(bsub) -> None:
    p = _bench_parser(
        bsub,
        "scale",
        help="retrieval at 10x..1000x the guide: FAISS flat, HNSW, IVF (bench/scale.py)",
        description="How retrieval grows with the corpus (bench/scale.py): build time, size on disk,\n"
        "search p50/p95 and recall@10 for FAISS flat / HNSW / IVF-Flat at each size. Replicas\n"
        "of the guide are synthetic (see docs/scaling.md).",
        examples="  studyrag bench scale\n  studyrag bench scale --factors 10,100 --queries 20 --runs 3\n",
        runs_help="searches per query; the median is used",
        runs_default=5,
    )
    p.add_argument("--factors", type=_int_list, default="10,100,1000", help="corpus multiples")
    p.add_argument("--queries", type=int, default=50, help="real questions used as queries")
    _index_flags(p)
    p.set_defaults(func=lambda args: _run(args, "scale", factors=args.factors, queries=args.queries))


def _add_ingest(bsub) -> None:
    p = _bench_parser(
        bsub,
        "ingest",
        help="cold ingest: a new process imports, loads the embedder, chunks, embeds, writes",
        description="Cold ingest of the guides into a temporary FAISS index, each run in a new\n"
        "Python process. Reports total seconds (model load included) and its phases,\n"
        "chunks per second, index size on disk and the process's peak RSS.\n"
        "Your own index is not touched.",
        examples="  studyrag bench ingest\n  studyrag bench ingest --runs 5 --json\n"
        "  studyrag bench ingest --formats            # txt, pdf, html, docx and a 300-page PDF\n"
        "  studyrag bench ingest --formats pdf300 --runs 1\n",
    )
    p.add_argument("--source", dest="data_dir", default=None, help="folder of .txt/.md guides (default: data)")
    p.add_argument("--embedder", default=None, help="embedder name: minilm (default) or e5")
    p.add_argument("--formats", default=None, metavar="LIST", nargs="?", const="txt,pdf,html,docx,pdf300",
                   help="per format instead: the largest guide as txt, pdf, html, docx and a generated "
                   "300-page PDF (pdf300); a comma-separated subset, or all when given alone")
    p.set_defaults(func=lambda args: _run(args, "ingest_formats", formats=args.formats.split(","))
                   if args.formats else _run(args, "ingest"))


def _run(args, name: str, *, label: str | None = None, **kw) -> int:
    from studyrag.cli import build_settings
    from studyrag.bench import runs as bench
    from studyrag.ingest.sources import SourceError

    label = label or name
    settings = build_settings(args)
    progress = None if args.json else (lambda msg: print(msg, file=sys.stderr, flush=True))
    if hasattr(args, "runs"):
        kw["runs"] = args.runs
    try:
        result = getattr(bench, name)(settings, progress=progress, **kw)
    except (bench.BenchError, SourceError, KeyError) as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e
        print(f"studyrag bench {label}: error: {msg}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_json()) if args.json else result.table())
    return 0
