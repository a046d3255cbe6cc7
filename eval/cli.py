"""`studyrag eval`: score the system, a naive baseline and extractive answers on the suites."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings


def add_commands(sub) -> None:
    from studyrag.cli import Formatter, add_common, add_generation

    p = sub.add_parser(
        "eval", help="score answers against the eval suites (and gate CI)", formatter_class=Formatter,
        description="Run the eval suites (eval/suites/*.jsonl: scenarios, paraphrase, faq,\n"
        "out_of_scope, mcq, zh, ...) through the full system, a naive LangChain RAG baseline and\n"
        "extractive answers, in open-book and closed-book mode; print one table, write a\n"
        "Markdown report and a PNG chart. Scoring is deterministic (no LLM judge).",
        epilog="examples:\n  studyrag eval                          # everything, both modes\n"
        "  studyrag eval --systems system --mode open --gate  # what CI runs (and closed book extractively)\n"
        "  studyrag eval --models all --suites scenarios,paraphrase --mode closed\n"
        "  studyrag eval --json > results.json",
    )
    add_common(p)
    add_generation(p)
    p.add_argument("--systems", default="system,baseline,extractive",
                   help="comma list of: system, baseline, extractive")
    p.add_argument("--models", default="default",
                   help="local models for 'system': the word 'default' (the configured model), 'all' "
                   "(every installed one) or comma names; the baseline uses the first")
    p.add_argument("--mode", default="both", choices=["open", "closed", "both"],
                   help="open book, closed book (no scenario/FAQ/summary chunks in the index) or both")
    p.add_argument("--suites", default=None, help="comma list of suite names (default: all files)")
    p.add_argument("--suites-dir", default=None, help="folder of *.jsonl suites (default: the packaged ones)")
    p.add_argument("--limit", type=int, default=None, help="first N items of each suite (quick runs)")
    p.add_argument("--gate", action="store_true",
                   help="exit 1 if a metric of the modes run is under eval/thresholds.yaml")
    p.add_argument("--thresholds", default=None, help="thresholds file (default: the packaged one)")
    p.add_argument("--report-dir", default="reports", help="where the Markdown report and chart go")
    p.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run_eval)


def resolve_models(spec: str, settings: Settings) -> list[str]:
    from studyrag.rag.llms.models import DEFAULT_MODEL, MODELS

    if settings.backend != "local":
        return [settings.model or "default"]
    if spec == "default":
        return [settings.model or DEFAULT_MODEL]
    if spec == "all":
        return [m.name for m in MODELS.values() if m.installed()]
    names = [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        raise SystemExit(f"studyrag eval: error: unknown model(s) {', '.join(unknown)}; see `studyrag models`")
    return names


def run_eval(args) -> int:
    import yaml

    from studyrag.cli import build_settings
    from studyrag.eval import report
    from studyrag.eval.harness import Runner, check_gate, thresholds_for
    from studyrag.eval.suites import load_suites
    from studyrag.rag.cli import ensure_index

    settings = build_settings(args)
    try:
        suites = load_suites(args.suites_dir, args.suites.split(",") if args.suites else None)
    except (FileNotFoundError, ValueError) as e:
        print(f"studyrag eval: error: {e}", file=sys.stderr)
        return 2
    if args.limit:
        suites = {k: v[: args.limit] for k, v in suites.items()}
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    bad = set(systems) - {"system", "baseline", "extractive"}
    if bad:
        print(f"studyrag eval: error: unknown system(s) {', '.join(sorted(bad))}", file=sys.stderr)
        return 2
    modes = ["open", "closed"] if args.mode == "both" else [args.mode]
    ensure_index(settings)
    runner = Runner(settings, suites, systems=systems, models=resolve_models(args.models, settings),
                    modes=modes, progress=not args.quiet)
    runner.run()
    results = runner.results()
    out_dir = Path(args.report_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "eval.md").write_text(report.markdown(results, runner.rows, settings), encoding="utf-8")
    (out_dir / "eval.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    png = report.chart(results, out_dir / "eval.png")
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(report.table(results))
        if "baseline" in systems:
            print("\n" + report.ratios(results))
        print(f"\nwall time {results['wall_s']} s; report: {out_dir / 'eval.md'}" + (f", chart: {png}" if png else ""))
    if args.gate:
        path = Path(args.thresholds) if args.thresholds else Path(__file__).with_name("thresholds.yaml")
        thresholds = thresholds_for(yaml.safe_load(path.read_text(encoding="utf-8")), modes, list(suites))
        labels = [label for label, _m in runner.plan()]
        # The full system when it ran; else extractive answers (the other materials' gate).
        gated = next((x for x in labels if x.startswith("system")), None) or \
            next((x for x in labels if x == "extractive"), None)
        failures = check_gate(results, thresholds, gated) if gated else ["no 'system' or 'extractive' in --systems"]
        if failures:
            print("\nGATE FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
            return 1
        print("\ngate passed", file=sys.stderr)
    return 0
