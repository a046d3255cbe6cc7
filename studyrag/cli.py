"""The `studyrag` command. Each command group lives beside the code it drives
(ingest/cli.py, rag/cli.py, eval/cli.py, ui/cli.py); this file only wires them together
and builds the one Settings object from environment + flags."""

from __future__ import annotations

import argparse
import os
import sys

EPILOG = """\
examples:
  studyrag ingest                      # chunk + embed every guide under data/
  studyrag sources add whitepaper.pdf  # add a PDF, web page, Word file or notes to the library
  studyrag ask --sources whitepaper.pdf "What does it say about drift?"
  studyrag ask "Which service labels 300,000 images before training?"
  studyrag ask --json "Serverless vs Asynchronous Inference?"
  studyrag chat                        # multi-turn, streaming, in the terminal
  studyrag quiz --n 10                 # checked practice questions from the material, graded
  studyrag flashcards --out deck.apkg  # cloze cards for Anki (or --out cards.csv)
  studyrag eval --gate                 # score against the suites, fail under thresholds
  studyrag ui                          # Gradio chat on http://127.0.0.1:7860

settings: flags > STUDYRAG_* environment variables > .env file > defaults
  e.g. STUDYRAG_BACKEND=bedrock STUDYRAG_TOP_K=6 studyrag ask "..."
"""


class Formatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Shows a flag's default, unless it is None (the env var or settings decide) or the
    help already says it."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default is None or action.default is argparse.SUPPRESS or "(default" in text or action.default is False:
            return text
        return super()._get_help_string(action)


def add_common(p: argparse.ArgumentParser) -> None:
    """Flags every command shares. Defaults are None so unset flags never mask env vars."""
    g = p.add_argument_group("index")
    g.add_argument("--source", dest="data_dir", default=None, help="folder of guides: .txt .md .pdf .html .docx (default: data)")
    g.add_argument("--index-dir", default=None, help="index folder (default: .studyrag/index)")
    g.add_argument("--embedder", default=None, help="embedder name: minilm (default) or e5")
    from studyrag.index.stores.base import store_names

    g.add_argument("--store", default=None, help=f"vector store: {' or '.join(store_names())} (default: faiss)")
    g.add_argument("--pg-url", default=None, help="PostgreSQL URL for --store pgvector")
    g.add_argument("--profile", dest="material_profile", default=None,
                   help="what studyrag knows beyond the material: auto (default: the shipped profile the "
                        "material matches, e.g. aws), none, a shipped name, or a YAML file (rag/profiles/aws.yaml)")


def add_generation(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model")
    from studyrag.rag.llms import choices

    g.add_argument("--backend", default=None, help=f"LLM backend: {', '.join(choices())} (default: local; none: "
                                                     "extractive answers, no LLM)")
    g.add_argument("--model", default=None, help="model name: a local registry name, a Bedrock model id, or an OpenAI-compatible model")
    g.add_argument("--model-path", default=None, help="any GGUF file for the local backend")
    g.add_argument("--top-k", type=int, default=None, help="passages retrieved (default: 4)")
    g.add_argument("--temperature", type=float, default=None, help="sampling temperature (default: 0)")
    g.add_argument("--closed-book", action="store_true", default=None, help="ignore scenario/FAQ/summary chunks")
    g.add_argument("--sources", default=None, metavar="A,B",
                   help="answer only from these sources of the library, comma-separated (see `studyrag sources list`)")


def build_settings(args: argparse.Namespace):
    from pydantic import ValidationError

    from studyrag.settings import Settings

    keys = ["data_dir", "index_dir", "embedder", "store", "pg_url", "material_profile", "backend", "model",
            "model_path", "top_k", "temperature", "closed_book"]
    flags = {k: getattr(args, k, None) for k in keys}
    picked = getattr(args, "sources", None)
    if picked is not None:
        flags["sources"] = [x.strip() for x in picked.split(",") if x.strip()] or None
    try:
        return Settings().with_overrides(**flags)
    except ValidationError as e:
        first = e.errors()[0]
        raise SystemExit(f"studyrag: error: bad setting {'.'.join(map(str, first['loc']))}: {first['msg']}")


def make_parser() -> argparse.ArgumentParser:
    from studyrag.bench import cli as bench_cli
    from studyrag.eval import cli as eval_cli
    from studyrag.ingest import cli as ingest_cli
    from studyrag.ingest import sources_cli
    from studyrag.rag import cli as rag_cli
    from studyrag.study import cli as study_cli
    from studyrag.ui import cli as ui_cli

    parser = argparse.ArgumentParser(
        prog="studyrag",
        description="A cited question-answering tutor over exam study material.\n"
        "Answers exam-style questions (scenario -> which service, multiple choice, X vs Y),\n"
        "in English or Traditional Chinese, with citations back into the guide.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from studyrag import __version__

    parser.add_argument("--version", action="version", version=f"studyrag {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (ingest_cli, sources_cli, rag_cli, study_cli, eval_cli, bench_cli, ui_cli):
        module.add_commands(sub)
    return parser


def derive_for_answering(settings) -> None:
    """Ingest's last step in every command: what answering derives from a new build (rag)."""
    from studyrag.rag.knowledge import derive_for_answering as derive

    derive(settings)


def main(argv: list[str] | None = None) -> int:
    from studyrag.index.hooks import on_new_build
    from studyrag.plugins import load_plugins

    on_new_build(derive_for_answering)  # ingest never imports rag; the app wires the two here
    load_plugins()  # their backends, stores and embedders join the registries before --help
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
