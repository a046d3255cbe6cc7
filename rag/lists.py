"""Lists the material heads with a name: the answer to "What are the access modes …?".

Notes keep enumerations under a header that names what they list: a table whose first
header cell is "Access mode", a "- Effects:" line with its sub-bullets, a "### QoS classes"
heading over a table or bullets. A list question whose words cover such a header is
answered with that list, wherever retrieval ranked it.

>>> text = "## Storage\\n| Access mode | Short |\\n|---|---|\\n| ReadWriteOnce | RWO |\\n| ReadOnlyMany | ROX |\\n"
>>> [(h.header, len(h.items)) for h in headed_lists(text)]
[('Access mode', 2), ('Storage', 2)]
>>> plain = "The four kinds of monitoring\\n\\n  Monitor type  | Detects\\n  --------------|--------\\n  Data quality  | Drift\\n  Bias drift    | Bias\\n"
>>> [(h.header, len(h.items)) for h in headed_lists(plain)]
[('Monitor type', 2), ('The four kinds of monitoring', 2)]
>>> covers("Access mode", "What access modes can a volume have?")
True
>>> covers("QoS class", "Name the three quality-of-service classes.")
True
>>> covers("QoS class", "Which classes of disk are there?")
False
>>> covers("The four kinds of monitoring", "what are the 4 kinds of monitoring in it?")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studyrag.rag.entities import stem

WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*")
TABLE_LINE_RE = re.compile(r"^[ \t]*\|")
TABLE_RULE_RE = re.compile(r"^[ \t]*\|[\s:\-|]+\|?[ \t]*$")
# A plain-text table: "Monitor type   | What it detects" over "--------|--------", rows with inner bars.
BARE_LINE_RE = re.compile(r"^[ \t]*[^|\s][^|\n]*?[ \t]\|[ \t]+\S")
BARE_RULE_RE = re.compile(r"^[ \t]*-{3,}[\-+|: \t]*[|+][\-+|: \t]*$")
PLAIN_TITLE_RE = re.compile(r"^[A-Z0-9][^.!?:;|]{1,58}[^.!?:;|\s]$")
LABEL_RE = re.compile(r"^([ \t]*)(?:[-*•▪]|\d{1,2}[.)])[ \t]+\**([^:\n*]{2,40}?)\**:[ \t]*$")
BULLET_RE = re.compile(r"^([ \t]*)(?:[-*•▪]|\d{1,2}[.)])[ \t]+\S")
HEADING_RE = re.compile(r"^#{1,6}[ \t]+(?:\d+(?:\.\d+)*\.?[ \t]+)?(.{2,60}?)[ \t]*#*$")
# "the 4 kinds of monitoring" is what a header "The four kinds of monitoring" names.
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
# Header words that say nothing of what is listed.
EMPTY_WORDS = frozenset({"name", "item", "type", "the", "and", "what", "when", "use", "key", "term"})


@dataclass(frozen=True)
class HeadedList:
    header: str
    items: tuple[int, ...]  # offsets in the text where each item's line starts


def headed_lists(text: str) -> list[HeadedList]:
    """Tables (header: first header cell), "Label:" lines with deeper bullets, and headings
    directly over a table or a bullet list."""
    lines = text.split("\n")
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    out: list[HeadedList] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        row_re = _table_kind(lines, i)
        if row_re is not None:
            j = i + 2
            while j < len(lines) and row_re.match(lines[j]):
                j += 1
            header = line.strip().strip("|").split("|")[0].strip(" *`")
            items = tuple(starts[k] for k in range(i + 2, j))
            out.append(HeadedList(header, items))
            heading = _heading_above(lines, i, plain=row_re is BARE_LINE_RE)
            if heading:
                out.append(HeadedList(heading, items))
            i = j
            continue
        label = LABEL_RE.match(line)
        if label:
            depth = len(label.group(1).expandtabs(4))
            j, items = i + 1, []
            while j < len(lines) and (m := BULLET_RE.match(lines[j])) and len(m.group(1).expandtabs(4)) > depth:
                items.append(starts[j])
                j += 1
            if len(items) >= 2:
                out.append(HeadedList(label.group(2).strip(), tuple(items)))
        heading = HEADING_RE.match(line)
        if heading:
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            k, items = j, []
            while k < len(lines) and BULLET_RE.match(lines[k]) and not BULLET_RE.match(lines[k]).group(1):
                items.append(starts[k])
                k += 1
            if len(items) >= 2:
                out.append(HeadedList(heading.group(1).strip(), tuple(items)))
        i += 1
    return out


def _table_kind(lines: list[str], i: int) -> re.Pattern | None:
    """The pattern of a table's rows when line ``i`` is a table's header row over its rule: "| a | b |"
    rows, or plain-text rows with inner bars only ("Data quality | Input drift | No")."""
    if i + 1 >= len(lines):
        return None
    if TABLE_LINE_RE.match(lines[i]) and TABLE_RULE_RE.match(lines[i + 1]):
        return TABLE_LINE_RE
    if BARE_LINE_RE.match(lines[i]) and BARE_RULE_RE.match(lines[i + 1]):
        return BARE_LINE_RE
    return None


def _heading_above(lines: list[str], i: int, plain: bool = False) -> str | None:
    """The heading right above line ``i`` (blank lines between are fine); with ``plain``, a plain
    text's title line too (short, capitalised, no closing stop: "The four kinds of monitoring")."""
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    m = HEADING_RE.match(lines[j]) if j >= 0 else None
    if m:
        return m.group(1).strip()
    title = lines[j].strip() if j >= 0 and plain else ""
    return title if PLAIN_TITLE_RE.match(title) and (j == 0 or not lines[j - 1].strip()) else None


def _stems(text: str) -> list[str]:
    return [stem(w) for w in WORD_RE.findall(text)]


def header_words(header: str) -> list[str]:
    """The stems of a header that say what is listed: 'Hop variety' -> ['hop', 'variety']."""
    return [w for w in _stems(header) if w not in EMPTY_WORDS]


def covers(header: str, question: str) -> bool:
    """Every word of the header is in the question (as a word, or an acronym of the
    question's hyphenated or consecutive words: "QoS" for "quality-of-service")."""
    wanted = header_words(header)
    if not wanted:
        return False
    counts = (int(d) for d in re.findall(r"\b\d{1,2}\b", question))
    have = set(_stems(question)) | {NUMBER_WORDS[n] for n in counts if n < len(NUMBER_WORDS)}
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", question)]
    initials = {"".join(w[0] for w in words[a:b]) for a in range(len(words)) for b in range(a + 2, min(a + 5, len(words)) + 1)}
    return all(w in have or w in initials for w in wanted)
