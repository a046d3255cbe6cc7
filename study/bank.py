"""The checked practice items of one index, generated once and cached in the work dir.

The cache file is keyed by the index it was built from (sources' hashes, embedder, chunking)
and by this generator's version, so a re-ingest or a new studyrag regenerates it, and the
Practice tab of a restarted app opens at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from studyrag.study.check import CheckReport, check
from studyrag.study.items import Item

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

GENERATOR_VERSION = 2  # bump when generation or checking changes: caches are rebuilt


@dataclass
class Bank:
    items: list[Item]
    report: CheckReport | None = None

    def __post_init__(self) -> None:
        self.by_id = {it.id: it for it in self.items}

    def __len__(self) -> int:
        return len(self.items)

    def topics(self) -> list[str]:
        return list(dict.fromkeys(it.topic for it in self.items))

    def in_topic(self, topic: str | None) -> list[Item]:
        return [it for it in self.items if not topic or it.topic == topic]


def index_key(knowledge) -> str:
    m = knowledge.retriever.index.manifest
    raw = json.dumps([list(m.build_key()), GENERATOR_VERSION], default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def cache_path(settings: Settings, knowledge) -> Path:
    return Path(settings.work_dir) / "study" / f"items-{index_key(knowledge)}.json"


def load_or_build(tutor, *, progress: bool = False, seed: int = 0) -> Bank:
    """The cached bank of this index, else generate, check, explain and cache it."""
    path = cache_path(tutor.settings, tutor.knowledge)
    if path.is_file():
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            return Bank([Item.from_json(x) for x in d["items"]], CheckReport(**d["report"]))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged cache is rebuilt
    bank = build(tutor, progress=progress, seed=seed)
    _write_atomic(path, {"items": [it.to_json() for it in bank.items], "report": asdict(bank.report)})
    return bank


def build(tutor, *, progress: bool = False, seed: int = 0) -> Bank:
    from tqdm import tqdm

    from studyrag.study.explain import add_why_not
    from studyrag.study.generate import candidates

    cands = candidates(tutor.knowledge, seed)
    with tqdm(total=len(cands), desc="checking practice items", unit="item", disable=not progress) as bar:
        kept, report = check(tutor, cands, progress=bar)
    add_why_not(tutor.knowledge, kept)
    return Bank(kept, report)


def _write_atomic(path: Path, data: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".items-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only work dir only costs time on the next start
