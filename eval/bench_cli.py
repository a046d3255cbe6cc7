"""`studyrag bench SUB-COMMAND`: measurements, one function each in eval/bench.py.

Every sub-command is added by a small ``_add_<name>(bsub)`` function in the same style
(``_bench_parser`` gives it the shared --runs/--json flags) and runs through ``_run``,
which builds the settings, calls the benchmark and prints a table or one JSON object.
Later: answer, retrieval, scale, load.
"""

from __future__ import annotations

import argparse
import json
import sys

EXAMPLES = """\
examples:
  studyrag bench ingest                     # cold ingest of data/, 3 fresh processes
  studyrag bench ingest --runs 5 --json     # one JSON object, e.g. for CI
  studyrag bench ingest --source ~/guides --embedder e5
"""


def add_commands(sub) -> None:
    from studyrag.cli import Formatter

    p = sub.add_parser(
        "bench",
        help="measure studyrag (cold ingest time, throughput, index size, memory)",
        formatter_class=Formatter,
        description="Benchmarks. Each runs its work in fresh processes and reports the median\n"
        "and every run, as a table or (--json) as one JSON object on stdout.",
        epilog=EXAMPLES,
    )
    bsub = p.add_subparsers(dest="benchmark", metavar="BENCHMARK")
    for add in (_add_ingest,):
        add(bsub)
    p.set_defaults(func=lambda args: (p.print_help(sys.stderr), 2)[1])


def _bench_parser(bsub, name: str, help: str, description: str, examples: str) -> argparse.ArgumentParser:
    from studyrag.cli import Formatter

    p = bsub.add_parser(name, help=help, description=description, formatter_class=Formatter,
                        epilog="examples:\n" + examples)
    p.add_argument("--runs", type=int, default=3, help="how many times to measure; the median is reported")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    return p


def _add_ingest(bsub) -> None:
    p = _bench_parser(
        bsub,
        "ingest",
        help="cold ingest: a new process imports, loads the embedder, chunks, embeds, writes",
        description="Cold ingest of the guides into a temporary FAISS index, each run in a new\n"
        "Python process. Reports total seconds (model load included) and its phases,\n"
        "chunks per second, index size on disk and the process's peak RSS.\n"
        "Your own index is not touched.",
        examples="  studyrag bench ingest\n  studyrag bench ingest --runs 5 --json\n",
    )
    p.add_argument("--source", dest="data_dir", default=None, help="folder of .txt/.md guides (default: data)")
    p.add_argument("--embedder", default=None, help="embedder name: minilm (default) or e5")
    p.set_defaults(func=lambda args: _run(args, "ingest"))


def _run(args, name: str) -> int:
    from studyrag.cli import build_settings
    from studyrag.eval import bench
    from studyrag.ingest.sources import SourceError

    settings = build_settings(args)
    progress = None if args.json else (lambda msg: print(msg, file=sys.stderr, flush=True))
    try:
        result = getattr(bench, name)(settings, runs=args.runs, progress=progress)
    except (bench.BenchError, SourceError, KeyError) as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e
        print(f"studyrag bench {name}: error: {msg}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_json()) if args.json else result.table())
    return 0
