"""The other study materials' gate: each material in eval/fresh/materials.yaml is ingested on
its own and its question sets answered extractively (no model: deciding does not depend on
it), open book; a metric under its minimum fails the run.

    python scripts/gate_materials.py            # the materials marked `ci: true` (what CI runs)
    python scripts/gate_materials.py --all      # every material (before a rule change lands)
    python scripts/gate_materials.py acct gcp   # some, by key

One process answers them all, so the embedders load once (a process per material spent a
third of its time starting); each material's report goes to reports/materials/KEY/.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MATERIALS = ROOT / "eval" / "fresh" / "materials.yaml"


def gate(key: str, entry: dict, work: Path) -> list[str]:
    """The gate's failures for one material (none: it passed)."""
    from studyrag.eval import harness, report
    from studyrag.eval.suites import load_suites
    from studyrag.ingest.pipeline import ingest
    from studyrag.settings import Settings

    data, index = work / key / "data", work / key / "index"
    data.mkdir(parents=True)
    (data / entry["material"]).write_bytes((ROOT / "eval" / "corpora" / entry["material"]).read_bytes())
    settings = Settings().with_overrides(data_dir=str(data), index_dir=str(index))
    ingest(settings, progress=False)
    suites = load_suites(ROOT / "eval" / "fresh", list(entry["suites"]))
    runner = harness.Runner(settings, suites, systems=["extractive"], models=[settings.model],
                            modes=["open"], progress=False)
    try:
        runner.run()
    finally:
        harness.release_tutors()  # a material's index and model workers go before the next's
    results = runner.results()
    out = ROOT / "reports" / "materials" / key
    out.mkdir(parents=True, exist_ok=True)
    (out / "eval.md").write_text(report.markdown(results, runner.rows, settings), encoding="utf-8")
    (out / "eval.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return harness.check_gate(results, {"open": entry["suites"]}, "extractive")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("keys", nargs="*", help="materials to gate, by key (default: those marked ci: true)")
    parser.add_argument("--all", action="store_true", help="every material in eval/fresh/materials.yaml")
    args = parser.parse_args(argv)
    materials = yaml.safe_load(MATERIALS.read_text(encoding="utf-8"))
    unknown = [k for k in args.keys if k not in materials]
    if unknown:
        parser.error(f"unknown material(s) {', '.join(unknown)}; keys are in {MATERIALS.relative_to(ROOT)}")
    chosen = args.keys or [k for k, m in materials.items() if args.all or m.get("ci")]
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    failed = []
    with tempfile.TemporaryDirectory(prefix="studyrag-materials-") as tmp:
        for key in chosen:
            t0 = time.perf_counter()
            failures = gate(key, materials[key], Path(tmp))
            verdict = "passed" if not failures else "FAILED: " + "; ".join(failures)
            print(f"== {key} ({materials[key]['material']}): {verdict} in {time.perf_counter() - t0:.0f} s",
                  flush=True)
            if failures:
                failed.append(key)
    if failed:
        print(f"materials gate failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"materials gate passed ({len(chosen)} materials)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
