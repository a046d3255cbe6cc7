"""The other study materials' gate: each material in eval/fresh/materials.yaml is ingested on
its own and its question sets answered extractively (no model: deciding does not depend on
it), open book; a metric under its minimum fails the run.

    python scripts/gate_materials.py            # all materials
    python scripts/gate_materials.py acct gcp   # some, by key
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MATERIALS = ROOT / "eval" / "fresh" / "materials.yaml"


def gate(key: str, entry: dict, work: Path, studyrag: str) -> bool:
    data, sets, index = work / key / "data", work / key / "sets", work / key / "index"
    data.mkdir(parents=True)
    sets.mkdir()
    (data / entry["material"]).write_bytes((ROOT / "eval" / "corpora" / entry["material"]).read_bytes())
    for suite in entry["suites"]:
        (sets / f"{suite}.jsonl").write_bytes((ROOT / "eval" / "fresh" / f"{suite}.jsonl").read_bytes())
    limits = work / key / "thresholds.yaml"
    limits.write_text(yaml.safe_dump({"open": entry["suites"]}), encoding="utf-8")
    subprocess.run([studyrag, "ingest", "--quiet", "--source", str(data), "--index-dir", str(index)], check=True)
    run = subprocess.run([studyrag, "eval", "--quiet", "--source", str(data), "--index-dir", str(index),
                          "--suites-dir", str(sets), "--systems", "extractive", "--mode", "open", "--gate",
                          "--thresholds", str(limits), "--report-dir", str(ROOT / "reports" / "materials" / key)])
    return run.returncode == 0


def main(keys: list[str]) -> int:
    materials = yaml.safe_load(MATERIALS.read_text(encoding="utf-8"))
    chosen = keys or list(materials)
    studyrag = str(Path(sys.executable).with_name("studyrag"))
    failed = []
    with tempfile.TemporaryDirectory(prefix="studyrag-materials-") as tmp:
        for key in chosen:
            print(f"== {key}: {materials[key]['material']}", flush=True)
            if not gate(key, materials[key], Path(tmp), studyrag):
                failed.append(key)
    if failed:
        print(f"materials gate failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"materials gate passed ({len(chosen)} materials)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
