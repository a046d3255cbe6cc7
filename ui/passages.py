"""The sources panel: each cited passage in its paragraph, the quote highlighted, and the
answer's [n] markers linked to it. Plain HTML strings (no Gradio), testable without a browser."""

from __future__ import annotations

import html
import re

from studyrag.ingest.formats import place

MARK_RE = re.compile(r"\[(\d+)\]")
PASSAGE_MAX = 1100  # characters of context shown around a quote


def _chunk_around(knowledge, source: str, start: int, end: int):
    best = None
    for c in knowledge.chunks:
        if c.source == source and c.start <= start and end <= c.end:
            if best is None or (c.end - c.start) < (best.end - best.start):
                best = c
    return best


def passage(knowledge, cit: dict) -> dict:
    """The paragraph (inside its chunk) around a citation, split around the quoted span."""
    src = knowledge.text_of(cit["source"])
    start, end = int(cit["start"]), int(cit["end"])
    chunk = _chunk_around(knowledge, cit["source"], start, end)
    lo, hi = (chunk.start, chunk.end) if chunk else (start, end)
    para_lo = src.rfind("\n\n", lo, start)
    para_lo = lo if para_lo < 0 else para_lo + 2
    para_hi = src.find("\n\n", end, hi)
    para_hi = hi if para_hi < 0 else para_hi
    if para_hi - para_lo > PASSAGE_MAX:  # a long paragraph: keep a window around the quote
        room = max(0, PASSAGE_MAX - (end - start)) // 2
        para_lo, para_hi = max(para_lo, start - room), min(para_hi, end + room)
    before, quote, after = src[para_lo:start], src[start:end], src[end:para_hi]
    section = " › ".join(chunk.section) if chunk else cit.get("section", "").replace(" > ", " › ")
    return {"section": section, "before": before.lstrip(), "quote": quote, "after": after.rstrip(),
            "ellipsis_before": para_lo > lo, "ellipsis_after": para_hi < hi}


def render_source(knowledge, cit: dict, anchor: str) -> str:
    p = passage(knowledge, cit)
    e = html.escape
    pre = ("… " if p["ellipsis_before"] else "") + e(p["before"])
    post = e(p["after"]) + (" …" if p["ellipsis_after"] else "")
    return (
        f'<div class="sr-src" id="{anchor}" data-cite="{int(cit["id"])}">'
        f'<div class="sr-src-head">[{int(cit["id"])}] {e(p["section"])}</div>'
        f'<div class="sr-src-file">{e(place(cit["source"], cit.get("page")))} · '
        f'characters {int(cit["start"])}–{int(cit["end"])}</div>'
        f'<p class="sr-passage">{pre}<mark>{e(p["quote"])}</mark>{post}</p></div>'
    )


def link_markers(text: str, prefix: str) -> str:
    """[n] -> a link to the passage #<prefix>-n in the sources panel."""
    return MARK_RE.sub(lambda m: f'<a class="sr-cite" href="#{prefix}-{m.group(1)}">[{m.group(1)}]</a>', text)


def render_turn_sources(knowledge, turn: int, ans: dict, *, open_: bool) -> str:
    e = html.escape
    q = ans.get("question") or ""
    q = q if len(q) <= 90 else q[:87] + "…"
    meta = f'{e(ans.get("backend") or "")} · {e(ans.get("model") or "")}'
    if ans.get("fallback"):
        meta += " · cited fallback"
    cits = ans.get("citations") or []
    body = "".join(render_source(knowledge, c, f"src-{turn}-{c['id']}") for c in cits) or (
        '<p class="sr-empty">No passages cited: the guide does not cover this question.</p>'
        if ans.get("refused") else '<p class="sr-empty">No passages cited.</p>')
    return (f'<details class="sr-turn" id="turn-{turn}"{" open" if open_ else ""}>'
            f'<summary>Answer {turn + 1}: {e(q)} <span class="sr-meta">({meta})</span></summary>{body}</details>')


def render_sources_panel(knowledge, turns: list[dict], pending: str | None = None) -> str:
    parts = []
    if pending:
        parts.append(f'<p class="sr-empty">Finding passages for: {html.escape(pending[:90])}…</p>')
    n = len(turns)
    for i in range(n - 1, -1, -1):
        parts.append(render_turn_sources(knowledge, i, turns[i]["answer"], open_=(i == n - 1 and not pending)))
    if not parts:
        return ('<div class="sr-empty"><b>Sources</b><br>Ask a question: every cited passage appears here, '
                'with the quoted sentence highlighted. Click a [n] in an answer to jump to it.</div>')
    return "<div><b>Sources</b></div>" + "".join(parts)
