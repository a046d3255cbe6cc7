"""`studyrag sources add|list|remove`: the library of sources a question can use."""

from __future__ import annotations

import sys

FORMATS = "PDF (with a text layer), web pages (.html/.htm), Word (.docx), Markdown and plain text"


def add_commands(sub) -> None:
    from studyrag.cli import Formatter, add_common

    p = sub.add_parser(
        "sources", help="add, list or remove the sources (PDF, web pages, Word, notes)",
        formatter_class=Formatter,
        description=f"The library of sources answers come from: {FORMATS}.\n"
        "Only new or changed files are extracted and embedded; removing a source leaves the\n"
        "others as they are. Every change is atomic: a bad file leaves the library unchanged.",
        epilog="examples:\n"
        "  studyrag sources add whitepaper.pdf saved-page.html notes.md\n"
        "  studyrag sources add ~/course/            # every supported file in the folder\n"
        "  studyrag sources list\n"
        "  studyrag sources remove saved-page.html\n"
        '  studyrag ask --sources whitepaper.pdf "What does it recommend for drift?"',
    )
    ssub = p.add_subparsers(dest="action", metavar="ACTION")
    a = ssub.add_parser("add", help="add files or folders (re-adding a changed file updates it)",
                        formatter_class=Formatter)
    a.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    a.add_argument("--quiet", action="store_true", help="no progress bar")
    r = ssub.add_parser("remove", help="remove sources by name (as `sources list` shows them)",
                        formatter_class=Formatter)
    r.add_argument("names", nargs="+", metavar="NAME")
    ls = ssub.add_parser("list", help="name, format, pages, chunks, added at, SHA-256", formatter_class=Formatter)
    ls.add_argument("--json", action="store_true", help="one JSON object per source")
    for q in (a, r, ls):
        add_common(q)
    p.set_defaults(func=lambda args: run_list(args) if not args.action else 2)
    a.set_defaults(func=run_add)
    r.set_defaults(func=run_remove)
    ls.set_defaults(func=run_list)


def _fail(action: str, e: BaseException) -> int:
    msg = e.args[0] if isinstance(e, KeyError) and e.args else e
    if isinstance(e, OSError) and not isinstance(e, FileNotFoundError):
        msg = f"cannot write the index: {e}"
    print(f"studyrag sources {action}: error: {msg}", file=sys.stderr)
    return 1 if isinstance(e, OSError) else 2


def run_add(args) -> int:
    from pathlib import Path

    from studyrag.cli import build_settings
    from studyrag.ingest.library import files_of, sync
    from studyrag.ingest.sources import SourceError

    settings = build_settings(args)
    try:
        report = sync(settings, files_of([Path(p) for p in args.paths]), keep_others=True, progress=not args.quiet)
    except (SourceError, KeyError, OSError) as e:
        return _fail("add", e)
    if report.skipped:
        print(f"Nothing changed: {report.files} source(s), {report.chunks} chunks ({report.seconds:.1f} s).")
    else:
        what = ", ".join(filter(None, [_names("added", report.added), _names("updated", report.updated)]))
        print(f"{what or 'Up to date'}: {report.embedded} chunks embedded in {report.seconds:.1f} s; "
              f"the library has {report.files} source(s), {report.chunks} chunks.")
    return 0


def _names(verb: str, names: list[str]) -> str:
    return f"{verb} {', '.join(names)}" if names else ""


def run_remove(args) -> int:
    from studyrag.cli import build_settings
    from studyrag.ingest.library import sync
    from studyrag.ingest.sources import SourceError

    settings = build_settings(args)
    try:
        report = sync(settings, {}, keep_others=True, drop=set(args.names), progress=False)
    except (SourceError, KeyError, OSError) as e:
        return _fail("remove", e)
    print(f"Removed {', '.join(report.removed)}; the library has {report.files} source(s), "
          f"{report.chunks} chunks (nothing re-embedded).")
    return 0


def run_list(args) -> int:
    import json

    from studyrag.cli import build_settings
    from studyrag.index.stores import get_store

    settings = build_settings(args)
    try:
        manifest = get_store(settings).read_manifest()
    except KeyError as e:
        return _fail("list", e)
    if manifest is None:
        print("The library is empty: `studyrag sources add FILE` or `studyrag ingest` fills it.")
        return 0
    rows = [{"name": s.path, "format": s.format, "pages": len(s.pages) or None, "chunks": s.chunks,
             "added_at": s.added_at or manifest.built_at, "sha256": s.sha256} for s in manifest.sources]
    if getattr(args, "json", False):
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    width = max([len("name")] + [len(r["name"]) for r in rows])
    print(f"{'name':{width}}  {'format':8} {'pages':>5} {'chunks':>6}  {'added at':25}  sha256")
    for r in rows:
        print(f"{r['name']:{width}}  {r['format']:8} {r['pages'] or '-':>5} {r['chunks']:>6}  "
              f"{r['added_at']:25}  {r['sha256']}")
    return 0
