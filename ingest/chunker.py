"""Structure-aware chunking of plain-text study guides.

The guides are plain text with implicit structure: a title block, standalone heading lines,
bullet lists ("  • ..."), flattened tables (consecutive non-bullet lines), "Scenario N: ..."
paragraphs, a numbered FAQ ("1. What ...?" then its answer) and site noise ("Source ↗",
"官方資料來源", banner lines). Nothing here knows the headings of any particular guide.

Every chunk's ``text`` is exactly ``source[start:end]``: noise is kept out by ending a chunk
before it, never by editing text, so citations can always point back into the file.

Markdown '#' headings are headings wherever they stand (also right above a list), and their
levels give the hierarchy. Deliberately not handled: other Markdown syntax, nested lists.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from studyrag.index.chunk import Chunk, Kind  # noqa: F401  (the type chunking returns)


BULLET_RE = re.compile(r"^\s*(?:[•\-*▪◦]|\d{1,2}[.)])\s+")
FAQ_Q_RE = re.compile(r"^\s*(\d{1,2})\.\s+(.+\?)\s*$")
SCENARIO_RE = re.compile(r"^\s*Scenario\s+(\d+)\s*[:：]")
MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE_RE = re.compile(r"^\s*(?:```|~~~)")
RULE_LINE_RE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")  # a Markdown "---" rule: a separator, not text
# Noise inside a block: trailing link markers. Whole-line noise: site banners and labels.
TRAILING_NOISE_RE = re.compile(r"\s*(?:Source\s*↗|↗)\s*$")
NOISE_LINES_FILE = Path(__file__).with_name("noise_lines.txt")


def _noise_line_res(path: Path = NOISE_LINES_FILE) -> list[re.Pattern]:
    """Site-furniture line patterns (data: ingest/noise_lines.txt)."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    return [re.compile(x, re.I) for x in lines if x.strip() and not x.lstrip().startswith("#")]


NOISE_LINE_RES = _noise_line_res()
SUMMARY_HEADING_RE = re.compile(
    r"\b(summary|recap|key numbers|must-memori[sz]e|cheat ?sheet|takeaways)\b|總結|重點整理", re.I
)
SEPARATOR_RE = re.compile(r"\s[—–-]{1,2}\s|——|:\s")
SENTENCE_END = (".", ",", ";", ":", "。", "，", "；", "：")


@dataclass
class Block:
    """A run of non-blank lines: a paragraph, a bullet list or a flattened table."""

    start: int
    end: int
    lines: list[tuple[int, int]] = field(default_factory=list)  # (start, end) per line
    fenced: bool = False  # opens inside a ``` code fence: a "# comment" there is no heading

    def text(self, src: str) -> str:
        return src[self.start : self.end]


def is_noise_line(line: str) -> bool:
    return any(r.search(line) for r in NOISE_LINE_RES)


def split_blocks(src: str) -> list[Block]:
    """Blocks of consecutive non-blank, non-noise lines, with exact offsets."""
    blocks: list[Block] = []
    cur: Block | None = None
    pos = 0
    fenced = False  # inside a ``` or ~~~ code fence
    for raw in src.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        start, end = pos, pos + len(line)
        pos += len(raw)
        opens_fence = bool(FENCE_RE.match(line))
        in_code, fenced = fenced or opens_fence, fenced != opens_fence
        if not line.strip() or is_noise_line(line) or RULE_LINE_RE.match(line):
            cur = None
            continue
        heading = not in_code and MD_HEADING_RE.match(line)
        if heading:  # "### SIEM" right above its list is still a heading of its own
            cur = None
        # Trim leading whitespace (bullets are indented) and trailing noise off the span.
        lead = len(line) - len(line.lstrip())
        m = TRAILING_NOISE_RE.search(line)
        tail = m.start() if m else len(line)
        start, end = start + lead, start + len(line.rstrip()) if not m else start + tail
        if end <= start:
            cur = None
            continue
        if cur is None:
            cur = Block(start, end, fenced=in_code)
            blocks.append(cur)
        cur.end = end
        cur.lines.append((start, end))
        if m or heading:  # a noise marker or a heading ends the block
            cur = None
    return blocks


# "9. Harbour Store — Object Storage for the Lake": a numbered title line; one only when it stands
# alone between paragraphs (see sectionize), not in a list of such lines.
NUMBERED_TITLE_RE = re.compile(r"^\d{1,2}\.\s+[A-Z]")


def looks_like_heading(line: str) -> bool:
    s = line.strip()
    if MD_HEADING_RE.match(s):
        return True
    if not s or len(s) > 110 or len(s.split()) > 14:
        return False
    if BULLET_RE.match(line) and not NUMBERED_TITLE_RE.match(s) or FAQ_Q_RE.match(s) or SCENARIO_RE.match(s):
        return False
    if s.endswith(SENTENCE_END) or s.endswith(('"', "”")):
        return False
    s = re.sub(r"^\d{1,2}\.\s+", "", s)  # a numbered title starts at its first word
    return s[0].isupper() or not s[0].isascii()


def _is_paragraph(text: str) -> bool:
    """Running text, not a title line: long, or a full sentence ("This page covers the
    tickets and rules of the network." after a title and a heading)."""
    s = text.strip()
    return len(s) >= 200 or len(s) >= 60 and s.endswith((".", "!", "?", "。")) and len(s.split()) >= 8


def _split_lead_headings(blocks: list[Block], src: str) -> list[Block]:
    """A heading line written right above its text, with no blank line between, is a block
    of its own: "Build caching" over "Caching reuses work from earlier runs; ...". The line
    after it must be running text, a bullet or a numbered question, so a flattened table's
    header row ("Mode How you pay Capacity") stays with its rows.

    >>> src = "Build caching\\nCaching reuses work from earlier runs, so builds are much faster.\\n"
    >>> [b.text(src) for b in _split_lead_headings(split_blocks(src), src)]
    ['Build caching', 'Caching reuses work from earlier runs, so builds are much faster.']
    """
    out: list[Block] = []
    for b in blocks:
        first, second = (src[s:e] for s, e in b.lines[:2]) if len(b.lines) >= 2 else ("", "")
        lead_heading = (
            first
            and not b.fenced
            and "|" not in first
            and looks_like_heading(first)
            and not MD_HEADING_RE.match(first)
            and (_is_sentence(second) or BULLET_RE.match(second) or FAQ_Q_RE.match(second))
        )
        if not lead_heading:
            out.append(b)
            continue
        (hs, he), rest = b.lines[0], b.lines[1:]
        out += [Block(hs, he, [(hs, he)]), Block(rest[0][0], b.end, rest)]
    return out


def _is_sentence(line: str) -> bool:
    s = line.strip()
    return s.endswith((".", "!", "?", "。")) and len(s.split()) >= 8


def heading_text(line: str) -> str:
    m = MD_HEADING_RE.match(line.strip())
    return (m.group(2) if m else line).strip()


@dataclass
class _Section:
    heading: str
    parent: str | None
    blocks: list[Block] = field(default_factory=list)

    @property
    def path(self) -> tuple[str, ...]:
        return (self.parent, self.heading) if self.parent else (self.heading,)


def _dominant_prefix(headings: list[str]) -> str | None:
    """The two-word start most headings share (e.g. 'Amazon SageMaker'), if any."""
    counts: dict[str, int] = {}
    for h in headings:
        words = h.split()
        if len(words) >= 3:
            key = " ".join(words[:2])
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None
    prefix, n = max(counts.items(), key=lambda kv: kv[1])
    return prefix if n >= max(3, len(headings) // 4) else None


def _numbered(b: Block, src: str) -> bool:
    return _is_single_line(b) and bool(NUMBERED_TITLE_RE.match(b.text(src).strip()))


def _is_single_line(b: Block) -> bool:
    return len(b.lines) == 1


def _md_level(b: Block, src: str) -> int:
    """The level of a Markdown heading block ("### SIEM" -> 3), 0 for anything else."""
    m = MD_HEADING_RE.match(b.text(src)) if _is_single_line(b) and not b.fenced else None
    return len(m.group(1)) if m else 0


def sectionize_markdown(src: str, blocks: list[Block]) -> tuple[str, list[_Section]]:
    """Sections of a text whose headings are marked ('#'..'######'): only marked lines are
    headings, the level says which heading a section belongs to, and a lone top-level heading
    opening the text is its title.

    >>> src = "# Notes\\n> mine\\n## Tools\\n### SIEM\\n- collects logs\\n### EDR\\n- watches laptops\\n"
    >>> title, secs = sectionize_markdown(src, split_blocks(src))
    >>> title, [(s.path, len(s.blocks)) for s in secs]
    ('Notes', [(('Notes',), 1), (('Tools',), 0), (('Tools', 'SIEM'), 1), (('Tools', 'EDR'), 1)])
    """
    levels = [_md_level(b, src) for b in blocks]
    marked = [lv for lv in levels if lv]
    title, body = "", list(zip(blocks, levels))
    if levels and levels[0] and levels[0] == min(marked) and marked.count(levels[0]) == 1:
        title, body = heading_text(blocks[0].text(src)), body[1:]
    sections: list[_Section] = [_Section(title or "Introduction", None)]
    open_heads: list[tuple[int, str]] = []  # (level, text) of the headings above this point
    for i, (b, level) in enumerate(body):
        if not level or i + 1 == len(body):
            sections[-1].blocks.append(b)
            continue
        text = heading_text(b.text(src))
        open_heads = [(lv, t) for lv, t in open_heads if lv < level]
        parent = open_heads[-1][1] if open_heads else None
        open_heads.append((level, text))
        sections.append(_Section(text, parent))
    return title, [s for s in sections if s.blocks or s.parent is None]


def sectionize(src: str, blocks: list[Block]) -> tuple[str, list[_Section]]:
    """Group blocks under headings; infer a two-level hierarchy.

    A short heading becomes a child of the previous top-level heading when that one has a
    subtitle separator ("X — Y") and only a one- or two-paragraph introduction, e.g.
    "Amazon SageMaker Training Jobs — Managed Model Training" > "Distributed Training".
    Headings that start like most headings (e.g. "Amazon SageMaker ...") are always top-level.
    """
    levels = {_md_level(b, src) for b in blocks} - {0}
    if len(levels) >= 2:
        # Levels say the hierarchy; headings all of one level (a page converted from HTML) do not,
        # and the hierarchy is inferred as for plain text.
        return sectionize_markdown(src, blocks)
    # The title block: single-line blocks before the first real paragraph.
    title = ""
    first_para = next((i for i, b in enumerate(blocks) if _is_paragraph(b.text(src))), 0)
    title_blocks = [b for b in blocks[:first_para] if _is_single_line(b)]
    if title_blocks:
        title = max((heading_text(b.text(src)) for b in title_blocks), key=len)
    body = _split_lead_headings(blocks[first_para:] if title_blocks else blocks, src)

    is_head = [
        _is_single_line(b)
        and not b.fenced
        and looks_like_heading(b.text(src))
        and (i + 1 < len(body))  # a heading is followed by something
        and not (_numbered(b, src) and _numbered(body[i + 1], src))  # "1. X" "2. Y": a list
        for i, b in enumerate(body)
    ]
    heads = [heading_text(b.text(src)) for b, h in zip(body, is_head) if h]
    prefix = _dominant_prefix(heads)

    sections: list[_Section] = [_Section(title or "Introduction", None)]
    top: _Section | None = None
    prev: _Section | None = None
    for b, head in zip(body, is_head):
        if not head:
            sections[-1].blocks.append(b)
            continue
        text = heading_text(b.text(src))
        can_be_child = (
            len(text.split()) <= 6
            and not (prefix and text.startswith(prefix))
            and not text.endswith("?")
            and not SUMMARY_HEADING_RE.search(text)
            and not NUMBERED_TITLE_RE.match(text)  # "2. X" after "1. Y — …" is its sibling
        )
        parent = None
        if can_be_child and top is not None and prev is not None:
            if prev is top and SEPARATOR_RE.search(top.heading) and 1 <= len(top.blocks) <= 2:
                parent = top.heading
            elif prev is not top and prev.parent == top.heading:
                parent = top.heading
        sec = _Section(text, parent)
        sections.append(sec)
        if parent is None:
            top = sec
        prev = sec
    return title, [s for s in sections if s.blocks or s.parent is None]


def _kind_of(sec: _Section, block_text: str) -> Kind:
    if SCENARIO_RE.match(block_text):
        return "scenario"
    if SUMMARY_HEADING_RE.search(sec.heading):
        return "summary"
    return "body"


def _is_table(b: Block, src: str) -> bool:
    """Three or more lines, no bullets, mostly not sentences: prose written one sentence per
    line ("Recreate: stop all old instances, then start the new ones.") is not a table."""
    lines = [src[s:e] for s, e in b.lines]
    return len(lines) >= 3 and not any(BULLET_RE.match(l) for l in lines) and \
        sum(map(_is_sentence, lines)) * 2 < len(lines) and not _wrapped_prose(lines)


# Over 60 lines: one pass over the blocks, whose state (heading path, open chunk, kind) a split would have to thread through.


def chunk_text(src: str, source: str, chunk_size: int = 900) -> list[Chunk]:
    """Chunk one guide. ``source`` is its name relative to the data dir.

    >>> [c.kind for c in chunk_text("Intro\\n\\n" + "x" * 250 + "\\n\\nScenario 1: A. Correct choice: B.\\n", "g.txt")]
    ['body', 'scenario']
    """
    blocks = split_blocks(src)
    _title, sections = sectionize(src, blocks)
    chunks: list[Chunk] = []

    def emit(path: tuple[str, ...], kind: Kind, start: int, end: int) -> None:
        text = src[start:end]
        digest = hashlib.sha1(f"{source}|{start}|{end}|{text}".encode()).hexdigest()[:12]
        chunks.append(Chunk(f"{source}#{digest}", source, path, kind, start, end, text))

    for sec in sections:
        run: list[Block] = []  # consecutive plain blocks packed up to chunk_size

        def flush() -> None:
            if run:
                emit(sec.path, _kind_of(sec, run[0].text(src)), run[0].start, run[-1].end)
                run.clear()

        i = 0
        blocks_ = sec.blocks
        while i < len(blocks_):
            b = blocks_[i]
            t = b.text(src)
            faq = FAQ_Q_RE.match(t.splitlines()[0])
            if faq:
                # A numbered question plus every block up to the next question or the end.
                flush()
                j = i + 1
                while j < len(blocks_) and not FAQ_Q_RE.match(blocks_[j].text(src).splitlines()[0]):
                    j += 1
                if j > i + 1 or not t.strip().endswith("?") or len(b.lines) > 1:
                    emit(sec.path + (faq.group(2).strip(),), "faq", b.start, blocks_[j - 1].end)
                    i = j
                    continue
            if SCENARIO_RE.match(t):
                flush()
                # One chunk per scenario, also when "Scenario N:" lines follow each other.
                firsts = [k for k, (s, e) in enumerate(b.lines) if SCENARIO_RE.match(src[s:e])]
                for a, z in zip(firsts, firsts[1:] + [len(b.lines)]):
                    s, e = b.lines[a][0], b.lines[z - 1][1]
                    n = SCENARIO_RE.match(src[s:e]).group(1)
                    emit(sec.path + (f"Scenario {n}",), "scenario", s, e)
            elif _is_table(b, src):
                flush()
                emit(sec.path, "table", b.start, b.end)
            elif len(t) > chunk_size:
                flush()
                for s, e in _split_long(b, src, chunk_size):
                    emit(sec.path, _kind_of(sec, t), s, e)
            else:
                # The gap between blocks must be blank lines only (noise ends a run).
                if run and (not src[run[-1].end : b.start].strip() == ""):
                    flush()
                if run and (b.end - run[0].start) > chunk_size:
                    flush()
                run.append(b)
            i += 1
        flush()
    return chunks


def _split_long(b: Block, src: str, chunk_size: int) -> list[tuple[int, int]]:
    """Split a long block on line (bullet) boundaries, else on sentence boundaries."""
    spans: list[tuple[int, int]] = []
    pieces = b.lines if len(b.lines) > 1 else _sentence_spans(src, b.start, b.end)
    cur_s, cur_e = pieces[0]
    for s, e in pieces[1:]:
        if e - cur_s > chunk_size:
            spans.append((cur_s, cur_e))
            cur_s = s
        cur_e = e
    spans.append((cur_s, cur_e))
    return spans


# A sentence ends at . ! ? (plus closing quotes) before whitespace and a capital, digit,
# quote or bullet, or before a bold term that a definition or apposition follows ("… at birth.
# **Ego** — …", "… coming. **Phosgene**, introduced in 1915, …", not "… **Not allowed under
# IFRS**; …"); or at a line break (bullets and table rows are one line each).
SENT_END_RE = re.compile(r"(?<=[.!?。！？])[\"”’)]*[ \t]+(?=[A-Z\"“(•\d]|[*_]{1,2}[A-Z\d][^*_\n]{0,60}[*_]{1,2}\s*(?:[—–:=,(]|-\s))|\n+|(?<=[。！？])")
ABBREV_RE = re.compile(r"(?:\b(?:e\.g|i\.e|vs|etc|approx|Vol)\.)$")


def _sentence_spans(src: str, start: int, end: int) -> list[tuple[int, int]]:
    """Exact (start, end) spans of the sentences in src[start:end], whitespace trimmed.

    >>> s = "One is here. Two, e.g. this. Three"
    >>> [s[a:b] for a, b in _sentence_spans(s, 0, len(s))]
    ['One is here.', 'Two, e.g. this.', 'Three']
    >>> s = "It could be seen coming. **Phosgene**, used later, was invisible."
    >>> [s[a:b] for a, b in _sentence_spans(s, 0, len(s))]
    ['It could be seen coming.', '**Phosgene**, used later, was invisible.']
    """
    cuts = [start]
    fenced = "```" in src[start:end]
    for m in SENT_END_RE.finditer(src, start, end):
        if ABBREV_RE.search(src[max(start, m.start() - 8) : m.start()]):
            continue
        if not fenced and _wrapped_at(src, m.start(), m.end()):
            continue
        cuts.append(m.end())
    cuts.append(end)
    spans = []
    for s, e in zip(cuts, cuts[1:]):
        while s < e and src[s].isspace():
            s += 1
        while e > s and src[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans or [(start, end)]


WRAP_WIDTH = 50  # a shorter line ends where its writer ended it, not where an editor wrapped it


def _wrapped_at(src: str, cut: int, after: int) -> bool:
    """Is the line break at ``cut`` an editor's wrap inside a sentence: one newline after a long
    line that stops mid-sentence, and the next line goes on in lower case?

    >>> s = "A hard-wrapped paragraph keeps its sentence going across the\\nline break here. Next one."
    >>> [s[a:b] for a, b in _sentence_spans(s, 0, len(s))][1]
    'Next one.'
    """
    if src[cut:after] != "\n" or not src[after:after + 12].lstrip(" \t")[:1].islower():
        return False
    line = src[src.rfind("\n", 0, cut) + 1:cut]
    end = src.find("\n", after)
    rows = "|" in line or "|" in src[after:end if end >= 0 else len(src)]  # table rows end where they end
    return not rows and len(line) >= WRAP_WIDTH and bool(re.search(r"[a-z,;]$", line))


def _wrapped_prose(lines: list[str]) -> bool:
    """A paragraph hard-wrapped at a fixed width (no column marks; many lines go on in lower
    case) is prose, however few of its lines end a sentence."""
    if any(l.lstrip().startswith("```") or "|" in l or "\t" in l for l in lines):
        return False
    goes_on = sum(1 for nxt in lines[1:] if re.match(r"\s*[a-z(]", nxt))
    return goes_on * 3 >= len(lines) - 1


def sentence_spans(src: str, start: int, end: int) -> list[tuple[int, int]]:
    return _sentence_spans(src, start, end)
