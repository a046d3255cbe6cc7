"""`studyrag ingest` and `studyrag bench ingest` live here, next to what they run."""

from __future__ import annotations

import sys


def add_commands(sub) -> None:
    from studyrag.cli import Formatter, add_common

    p = sub.add_parser(
        "ingest",
        help="chunk and embed the guides into the index",
        formatter_class=Formatter,
        description="Read every guide under the data folder (.txt .md .pdf .html .htm .docx), split it\n"
        "along its own sections, embed the chunks and write the index with the extracted\n"
        "text (atomically: an interrupted ingest leaves the previous index in place).\n"
        "Only new or changed files are extracted and embedded. The same as\n"
        "`studyrag sources add DATA_DIR`: sources added from elsewhere stay in the library\n"
        "(`studyrag sources remove NAME` takes one out). --rebuild re-reads every file.",
        epilog="examples:\n  studyrag ingest\n  studyrag ingest --source ~/guides --rebuild\n"
        "  studyrag ingest --embedder e5   # multilingual embeddings, no torch",
    )
    add_common(p)
    p.add_argument("--rebuild", action="store_true", help="rebuild even if sources are unchanged")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run_ingest)


def run_ingest(args) -> int:
    from studyrag.cli import build_settings
    from studyrag.ingest.pipeline import ingest
    from studyrag.ingest.sources import SourceError
    from studyrag.index.stores import get_store

    settings = build_settings(args)
    try:
        report = ingest(settings, rebuild=args.rebuild, progress=not args.quiet)
    except (SourceError, KeyError) as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e  # str(KeyError) adds quotes
        print(f"studyrag ingest: error: {msg}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"studyrag ingest: error: cannot write the index: {e}", file=sys.stderr)
        return 1
    if report.skipped:
        print(
            f"Index is up to date: {report.files} file(s), {report.chunks} chunks; "
            f"sources unchanged, no embedding done ({report.seconds:.1f} s). Use --rebuild to force."
        )
    else:
        print(
            f"Indexed {report.files} file(s): {report.sections} sections, {report.chunks} chunks "
            f"in {report.seconds:.1f} s -> {get_store(settings).describe()} "
            f"({report.manifest.embedder}, dim {report.manifest.dim})"
        )
    return 0
