"""`studyrag ui` (the Gradio app) and `studyrag feedback export`."""

from __future__ import annotations

import os
import sys

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def add_commands(sub) -> None:
    from studyrag.cli import Formatter, add_common, add_generation

    p = sub.add_parser(
        "ui", help="the web app: cited chat, exam practice, feedback (Gradio)", formatter_class=Formatter,
        description="Serve the tutor in the browser: a streaming chat whose [n] markers link to the\n"
        "cited passages, practice questions generated from the material with progress per user,\n"
        "flashcard downloads, settings, and\n"
        "thumbs up/down feedback saved to SQLite. The same functions are a JSON API for\n"
        "gradio_client (/ask, /practice_question, /practice_grade, /feedback, /index_info).\n"
        "The index and the model are loaded once; requests share Gradio's queue.",
        epilog="examples:\n"
        "  studyrag ui                                   # http://127.0.0.1:7860\n"
        "  studyrag ui --backend none --port 8080        # extractive answers, no LLM\n"
        "  studyrag ui --host 0.0.0.0 --auth alice:s3cret   # on the network: auth is required\n"
        "  STUDYRAG_UI_AUTH=alice:s3cret studyrag ui --host 0.0.0.0",
    )
    g = p.add_argument_group("server")
    g.add_argument("--host", default="127.0.0.1", help="address to bind; anything but loopback needs --auth")
    g.add_argument("--port", type=int, default=7860, help="port to listen on")
    g.add_argument("--auth", default=None, metavar="USER:PASS",
                   help="require this login (default: env STUDYRAG_UI_AUTH); required off loopback")
    g.add_argument("--concurrency", type=int, default=4, help="requests worked on at once (Gradio queue)")
    g.add_argument("--max-queue", type=int, default=64, help="requests waiting at most; more are turned away")
    g.add_argument("--feedback-db", default=None, metavar="FILE",
                   help="feedback SQLite file (default: WORK_DIR/feedback.sqlite3)")
    add_common(p)
    add_generation(p)
    p.set_defaults(func=run_ui)

    f = sub.add_parser(
        "feedback", help="feedback collected by the web app", formatter_class=Formatter,
        description="Work with the thumbs up/down ratings the web app saved.",
        epilog="example:\n  studyrag feedback export --out feedback.jsonl",
    )
    fsub = f.add_subparsers(dest="feedback_command", metavar="ACTION")
    e = fsub.add_parser(
        "export", help="write the ratings as eval-suite JSONL", formatter_class=Formatter,
        description="Write every rated answer as one JSON line shaped like an eval suite item:\n"
        '{"id", "question", "answer", "citations", "rating", "services", "sections", "refuse",\n'
        ' "backend", "model", "created_at", "note"}. Thumbs-down lines are the ones to turn into\n'
        "regression items (add the expected services/sections and move them to eval/suites/).",
        epilog="examples:\n  studyrag feedback export                      # to stdout\n"
        "  studyrag feedback export --out feedback.jsonl\n"
        "  studyrag feedback export --db other.sqlite3 | grep '\"rating\": \"down\"'",
    )
    e.add_argument("--out", default=None, metavar="FILE", help="output file (default: stdout)")
    e.add_argument("--db", default=None, metavar="FILE", help="feedback SQLite file (default: WORK_DIR/feedback.sqlite3)")
    e.add_argument("--work-dir", default=None, help="working directory (default: .studyrag)")
    e.set_defaults(func=run_feedback_export)
    f.set_defaults(func=lambda args: (f.print_help(), 2)[1])


def parse_auth(value: str | None) -> tuple[str, str] | None:
    if value is None or not value.strip():
        return None
    user, sep, password = value.strip().partition(":")
    if not sep or not user or not password:
        raise SystemExit("studyrag ui: error: --auth / STUDYRAG_UI_AUTH must look like USER:PASSWORD")
    return user, password


def is_loopback(host: str) -> bool:
    h = host.strip().lower()
    return h in LOOPBACK or h.startswith("127.")


def run_ui(args) -> int:
    from studyrag.cli import build_settings

    auth = parse_auth(args.auth if args.auth is not None else os.environ.get("STUDYRAG_UI_AUTH"))
    if not is_loopback(args.host) and auth is None:
        print(f"studyrag ui: error: binding to {args.host} exposes the app beyond this machine; "
              "pass --auth USER:PASSWORD (or set STUDYRAG_UI_AUTH), or use --host 127.0.0.1", file=sys.stderr)
        return 2
    if not (0 < args.port < 65536):
        print(f"studyrag ui: error: --port {args.port} is not a TCP port", file=sys.stderr)
        return 2
    if args.concurrency < 1 or args.max_queue < 1:
        print("studyrag ui: error: --concurrency and --max-queue must be at least 1", file=sys.stderr)
        return 2
    settings = build_settings(args)
    try:
        import gradio  # noqa: F401
    except ImportError:
        print("studyrag ui: error: the web app needs Gradio; install: pip install 'studyrag[ui]'", file=sys.stderr)
        return 2
    from studyrag.rag.cli import ensure_index
    from studyrag.index.stores import IndexLoadError
    from studyrag.ui.app import UIService, build_app, launch

    ensure_index(settings)
    print("Loading the index and the model (once)...", file=sys.stderr)
    try:
        service = UIService(settings, feedback_path=args.feedback_db)
    except IndexLoadError as e:
        print(f"studyrag ui: error: {e}", file=sys.stderr)
        return 2
    problem = service.warm()
    if problem:
        print(f"studyrag ui: warning: {problem} (answers fall back to cited passages)", file=sys.stderr)
    demo = build_app(service)
    print(f"StudyRAG UI on http://{'[' + args.host + ']' if ':' in args.host else args.host}:{args.port}"
          f"{' (login required)' if auth else ''}; feedback -> {service.feedback.path}", file=sys.stderr)
    try:
        launch(demo, host=args.host, port=args.port, auth=auth, concurrency=args.concurrency,
               max_queue=args.max_queue)
    except OSError as e:
        print(f"studyrag ui: error: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 2
    return 0


def run_feedback_export(args) -> int:
    from pathlib import Path

    from studyrag.settings import Settings
    from studyrag.ui.feedback import FeedbackStore, default_path, export_lines

    if args.db:
        db = Path(args.db)
    else:
        settings = Settings() if args.work_dir is None else Settings(work_dir=Path(args.work_dir))
        db = default_path(settings)
    if not db.is_file():
        print(f"studyrag feedback export: error: no feedback database at {db} "
              "(rate an answer in `studyrag ui` first, or pass --db FILE)", file=sys.stderr)
        return 2
    store = FeedbackStore(db)
    lines = list(export_lines(store))
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        tmp.replace(out)
        print(f"wrote {len(lines)} rated answers to {out}", file=sys.stderr)
    else:
        for line in lines:
            sys.stdout.write(line + "\n")
    return 0
