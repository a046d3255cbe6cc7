"""Eval suites: JSON Lines files under eval/suites/, one item per line (see README).

A new suite is a new file: nothing here lists suite names.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path


def default_dir() -> Path:
    return Path(str(resources.files("studyrag.eval") / "suites"))


def load_suites(directory: Path | None = None, names: list[str] | None = None) -> dict[str, list[dict]]:
    directory = Path(directory or default_dir())
    files = sorted(directory.glob("*.jsonl"))
    if not files:
        raise FileNotFoundError(f"no *.jsonl suites in {directory}")
    suites = {}
    for f in files:
        if names and f.stem not in names:
            continue
        items = []
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise ValueError(f"{f}:{n}: not JSON ({e.msg})") from None
        suites[f.stem] = items
    if names:
        missing = set(names) - set(suites)
        if missing:
            raise FileNotFoundError(f"no suite named {', '.join(sorted(missing))} in {directory}")
    return suites
