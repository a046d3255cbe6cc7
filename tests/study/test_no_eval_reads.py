"""The product never reads an eval/ file while it generates and serves practice (the CI gate's
items must not be shown to users). Every file open is seen through a Python audit hook."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.conftest import REPO

OPENED: list[str] = []
_RECORDING = [False]


def _hook(event: str, args) -> None:
    if event == "open" and _RECORDING[0] and args and isinstance(args[0], (str, bytes, Path)):
        OPENED.append(str(Path(args[0] if not isinstance(args[0], bytes) else args[0].decode()).resolve()))


sys.addaudithook(_hook)  # audit hooks cannot be removed; this one only records while asked


def test_generating_and_serving_practice_reads_no_eval_file(index_settings, tmp_path):
    from studyrag.rag.engine import Tutor
    from studyrag.study.flashcards import cards, write
    from studyrag.ui.practice import PracticeService

    settings = index_settings.with_overrides(backend="none", work_dir=tmp_path / "work")
    import shutil

    shutil.copytree(index_settings.resolved_index_dir, tmp_path / "work" / "index")
    OPENED.clear()
    _RECORDING[0] = True
    try:
        service = PracticeService(Tutor(settings))  # generates, checks and caches the bank
        item = service.next_item("ana", None, [], seed=1)
        service.answer("ana", item.id, item.key)
        service.flashcard_files()
        write(cards(service.knowledge), tmp_path / "deck.csv", "deck")
    finally:
        _RECORDING[0] = False
    assert len(service.bank) >= 30
    assert any(p.endswith("chunks.jsonl") for p in OPENED)  # the hook does see the product's reads
    eval_dir = str((REPO / "eval").resolve())
    assert not [p for p in OPENED if p.startswith(eval_dir)]
