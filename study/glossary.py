"""Terms the material defines in its lists: "- **Term**: what it is", "• Term — what it is".

Each list is a group of terms of one kind (the index types, the anomalies, the prompting
techniques), so a definition item takes its distractors from the same list.

>>> [(t.term, t.definition) for t in terms_in("- **Hash**: supports equality only.\\n", 0, "x")]
[('Hash', 'supports equality only.')]

Deliberately not handled: definitions in running prose, nested lists, tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BULLET_RE = re.compile(r"^\s*(?:[•\-*▪◦]|\d{1,2}[.)])\s+")
# "**Term**: def", "**Term** (x): def", "Term — def", "Term: def"
ENTRY_RE = re.compile(
    r"^(?:\*\*(?P<bold>[^*]{2,60})\*\*(?:\s*\([^)]{1,60}\))?\s*[:—–-]\s+"
    r"|(?P<plain>[A-Z][^:—–]{1,50}?)\s+[—–]\s+)(?P<def>.{12,})$")
LABEL_RE = re.compile(r"^\w+\s+\d+$")  # "Station 1", "Step 3": a label, not a term


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    start: int  # span of the whole bullet line in the source
    end: int
    group: str  # one id per list


def terms_in(text: str, offset: int, group_prefix: str) -> list[Term]:
    """Terms in ``text`` (a chunk, whose first character is at ``offset`` of its source)."""
    out: list[Term] = []
    group, pos, in_list = 0, 0, False
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        bullet = BULLET_RE.match(line)
        if not bullet:
            if line.strip():
                group += in_list
                in_list = False
            continue
        in_list = True
        body = line[bullet.end():].rstrip()
        m = ENTRY_RE.match(body)
        if not m:
            continue
        term = (m.group("bold") or m.group("plain")).strip(" .")
        if not _is_term(term):
            continue
        s = offset + start + len(line) - len(line.lstrip())
        out.append(Term(term, m.group("def").strip(), s, offset + start + len(line.rstrip()), f"{group_prefix}:{group}"))
    return out


def _is_term(term: str) -> bool:
    words = term.split()
    return (1 <= len(words) <= 5 and not LABEL_RE.match(term) and " vs " not in f" {term.lower()} "
            and not term.lower().startswith(("the ", "a ", "an ")) and not term.endswith("?"))


def glossary(knowledge) -> dict[str, list[Term]]:
    """Lists of at least three terms, by group id, from the chunks answering may use."""
    groups: dict[str, list[Term]] = {}
    for c in knowledge.chunks:
        if c.kind not in knowledge.allowed_kinds:
            continue
        for t in terms_in(c.text, c.start, c.id):
            groups.setdefault(t.group, []).append(t)
    return {g: ts for g, ts in groups.items() if len({t.term.lower() for t in ts}) >= 3}
