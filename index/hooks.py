"""What to do when a new index build is written. Answering registers its step (studyrag/cli.py
does it for every command: derive what answering needs, index/stores/derived.py); ingest only
calls what is registered, so it never imports rag. Nothing heavy is imported here.

>>> saved, _ON_NEW_BUILD[:] = _ON_NEW_BUILD[:], []
>>> done = []
>>> _ = on_new_build(done.append)
>>> new_build_written("settings"); done
['settings']
>>> _ON_NEW_BUILD[:] = saved
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from studyrag.settings import Settings

_ON_NEW_BUILD: list[Callable[[Settings], None]] = []


def on_new_build(step: Callable[[Settings], None]) -> Callable[[Settings], None]:
    if step not in _ON_NEW_BUILD:
        _ON_NEW_BUILD.append(step)
    return step


def new_build_written(settings: Settings) -> None:
    """Run the registered steps on the build just written (none registered: answering derives
    on first use instead, into the same place)."""
    for step in list(_ON_NEW_BUILD):
        step(settings)
