"""The web app's library of sources: a picker (which sources a question may use, NotebookLM
style checkboxes) and an upload that adds files with a progress bar. After an upload the
app answers from the new library at once (UIService.reload), no restart.

The picker's choice lives in the session's settings (``cfg["sources"]``: None for all), so
each question is answered by a Tutor restricted to those sources (rag/knowledge.py).
"""

from __future__ import annotations

import html
import logging
import threading
from pathlib import Path

import gradio as gr

from studyrag.ingest.formats import READERS

log = logging.getLogger("studyrag.ui")
_WRITE_LOCK = threading.Lock()  # one library change at a time (uploads from several tabs)


def choices(service) -> list[tuple[str, str]]:
    """(label, name) per source: 'guide.pdf — pdf, 13 pages, 85 chunks'."""
    out = []
    for s in service.knowledge.retriever.index.manifest.sources:
        pages = f", {len(s.pages)} pages" if s.pages else ""
        out.append((f"{s.path} — {s.format}{pages}, {s.chunks} chunks", s.path))
    return out


def all_names(service) -> list[str]:
    return [name for _, name in choices(service)]


def picked_cfg(cfg: dict, picked: list[str], names: list[str]) -> dict:
    """The session's settings with the picked sources (None when all are picked).

    >>> picked_cfg({"top_k": 4}, ["a.pdf"], ["a.pdf", "b.md"])
    {'top_k': 4, 'sources': ['a.pdf']}
    """
    return {**cfg, "sources": None if set(picked) >= set(names) else sorted(picked)}


def add_files(service, paths: list[Path], progress=None) -> str:
    """Add uploaded files to the library (atomic), then reload; the status line to show.
    Raises SourceError/OSError with one clear line when a file cannot be added."""
    from studyrag.ingest.library import sync

    files = {Path(p).name: Path(p) for p in paths}
    with _WRITE_LOCK:
        report = sync(service.base, files, keep_others=True, progress=progress is not None)
        if not report.skipped:
            service.reload()
    done = ", ".join(filter(None, [
        "added " + ", ".join(report.added) if report.added else "",
        "updated " + ", ".join(report.updated) if report.updated else "",
    ])) or "already in the library"
    return (f"✅ {done}: {report.embedded} chunks embedded in {report.seconds:.1f} s. "
            f"The library has {report.files} sources, {report.chunks} chunks.")


def build_sources_ui(service, cfg_state) -> None:
    """The picker and the upload, inside the current Blocks layout (the chat tab's side)."""
    from studyrag.ingest.sources import SourceError

    with gr.Accordion("Library: the sources questions use", open=True, elem_id="sr-library"):
        picker = gr.CheckboxGroup(choices(service), value=all_names(service), show_label=False,
                                  elem_id="sr-source-picker",
                                  info="Questions use the ticked sources only.")
        upload = gr.File(label=f"Add sources ({' '.join(sorted(READERS))})", file_count="multiple",
                         file_types=sorted(READERS), elem_id="sr-upload")
        add_btn = gr.Button("Add to library", size="sm", elem_id="sr-add-sources")
        status = gr.Markdown("", elem_id="sr-sources-status")

    def pick(picked: list[str], cfg: dict):
        if not picked:
            gr.Warning("Tick at least one source: with none, there is nothing to answer from.")
            return cfg
        return picked_cfg(cfg, picked, all_names(service))

    def add(files, cfg: dict, progress=gr.Progress(track_tqdm=True)):
        if not files:
            gr.Warning("Choose a file to add first.")
            return gr.update(), "", cfg
        paths = [Path(getattr(f, "name", f)) for f in files]
        progress(0, desc=f"Reading {len(paths)} file(s)")
        try:
            line = add_files(service, paths, progress)
        except (SourceError, OSError) as e:
            msg = str(e)
            gr.Warning(msg)
            return gr.update(), f"⚠️ **Not added:** {html.escape(msg)}  \nThe library is unchanged.", cfg
        names = all_names(service)
        keep = cfg.get("sources")
        cfg = picked_cfg(cfg, (keep or names) + [Path(p).name for p in paths], names)
        return gr.update(choices=choices(service), value=cfg.get("sources") or names), line, cfg

    picker.input(pick, [picker, cfg_state], [cfg_state], api_visibility="private")
    add_btn.click(add, [upload, cfg_state], [picker, status, cfg_state], api_visibility="private")
