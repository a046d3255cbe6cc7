"""Problems and what the material says counters them.

Study notes name a problem and its remedy side by side: "- **Rogue DHCP server**: an
unauthorized server hands out bad gateways. Defense: **DHCP snooping**, which …",
"**Accidental gybe**: the boom crosses without warning. Prevention: **Preventer**". A
question that describes the problem and asks what stops it ("What would have blocked that
box from handing out addresses?") matches the problem's own words best; the answer is the
remedy the material gives for it.
"""

from __future__ import annotations

import re
from dataclasses import replace

# A sentence that opens by naming a remedy: "Defense: X", "Fix — X", "Mitigation: X".
REMEDY_RE = re.compile(
    r"^[\s•\-*▪·>]*(?:\*\*|__)?(?:defen[cs]es?|fix(?:es)?|mitigations?|preventions?|countermeasures?|"
    r"remed(?:y|ies)|cures?|treatments?|protections?|solutions?)(?:\*\*|__)?\s*(?:[:：]|[—–]|\s-\s)", re.I)
# A question asking for what counters something: "what stops …", "which feature would have blocked …".
ASKS_REMEDY_RE = re.compile(
    r"\b(?:stops?|stopped|prevents?|prevented|blocks?|blocked|defends?|defen[cs]e|protects?|protection|"
    r"guards? against|fix(?:es)?|fixed|mitigates?|mitigated|counters?|countered|treats?|cures?)\b", re.I)


REMEDY_DEPTH = 5  # the problem a question describes is among the few best-ranked things
LEADING_VERB_RE = re.compile(r"^[\s*_`]*(?:(?:use|enable|add|apply|turn on|deploy|configure)\s+)?[\s*_`]*", re.I)


def collect(sentences, chunks, sources, catalog) -> dict[tuple[str, int], str]:
    """{(source, line start): remedy} for each line whose sentence opens with a remedy label
    and names a thing first ("Defense: **DHCP snooping**, which …"; not "Fix: disable DTP").

    ``sentences``: Knowledge.sentences (row, start, end, text). A sub-bullet ("  - Fix: …")
    counts for the line of the bullet it hangs from.
    """
    found: dict[tuple[str, int], str] = {}
    for sent in sentences:
        m = REMEDY_RE.match(sent.text)
        if not m:
            continue
        rest = sent.text[m.end():]
        lead = LEADING_VERB_RE.match(rest).end()
        spans = [sp for sp in catalog.spans(rest) if not sp[2].generic]
        if not spans or spans[0][0] > lead:
            continue
        source = chunks[sent.row].source
        found.setdefault((source, item_start(sources[source], sent.start)), spans[0][2].name)
    return found


def item_start(src: str, pos: int) -> int:
    """Where the list item holding ``pos`` starts: its line, or for an indented sub-bullet the
    line of the item above it that is indented less.

    >>> text = "- **SQL injection** — input run as code.\\n  - Fix: **prepared statements**\\n"
    >>> item_start(text, text.index("Fix"))
    0
    """
    line = src.rfind("\n", 0, pos) + 1
    indent = len(src[line:pos]) - len(src[line:pos].lstrip(" \t"))
    while indent and line > 0:
        prev = src.rfind("\n", 0, line - 1) + 1
        text = src[prev:line - 1]
        if text.strip() and len(text) - len(text.lstrip(" \t")) < indent:
            return prev
        line = prev
    return line


def parent_item(src: str, pos: int) -> str | None:
    """The line of the item an indented sub-bullet at ``pos`` hangs under, less its bullet;
    None for a line that is not indented under another.

    >>> text = "- **SQL injection** — input run as code.\\n  - Fix: **prepared statements**\\n"
    >>> parent_item(text, text.index("Fix")), parent_item(text, 3)
    ('**SQL injection** — input run as code.', None)
    """
    line = src.rfind("\n", 0, pos) + 1
    if not re.match(r"[ \t]+(?:[-*+•]|\d+[.)])\s", src[line:line + 16]):
        return None
    start = item_start(src, pos)
    if start == line:
        return None
    text = src[start:src.find("\n", start)]
    return re.sub(r"^\s*(?:[-*+•]|\d+[.)])\s+", "", text).strip() or None


# "- **Salt** = random value …", "<p><strong>Card sorting</strong> shapes …": the term a line opens on.
LINE_LEAD_RE = re.compile(r"[ \t]*(?:(?:[-*+•]|\d+[.)])[ \t]+)?(?:<p>)?(?:\*\*|__|<strong>|<b>)([^*_<>\n]{2,60}?)(?:\*\*|__|</strong>|</b>)")


def line_lead(src: str, pos: int) -> str | None:
    r"""The bold term the line holding ``pos`` opens on, when the sentence at ``pos`` goes on
    after it: "Same password → different hashes" says its words of the salt in
    "- **Salt** = random value. Same password → different hashes". None for a line's first sentence.

    >>> text = "- **Salt** = random value. Same password, other hashes.\n"
    >>> line_lead(text, text.index("Same")), line_lead(text, text.index("Salt"))
    ('Salt', None)
    """
    line = src.rfind("\n", 0, pos) + 1
    m = LINE_LEAD_RE.match(src, line)
    return m.group(1).strip() if m and m.end() < pos and src[m.end():pos].strip(" \t*_") else None


def to_remedy(decision, remedy_at, remedies: frozenset[str], asking: str, ratio: float):
    """The decision moved from a problem to its remedy when the asking sentence asks what
    counters it (``asking``: question.asking_part of the question): the remedy of the best
    ranked thing whose best statement sits in an item that gives one, if that thing scores at
    least ``ratio`` of the winner; a remedy ranked before any such problem stands.
    ``remedy_at(statement)``: that item's remedy, or None; ``remedies``: every remedy."""
    if not decision.ranking or len(decision.services) != 1 or not ASKS_REMEDY_RE.search(asking):
        return decision
    best = decision.ranking[0][1]
    chosen = None
    for name, score in decision.ranking[:REMEDY_DEPTH]:
        if score < ratio * best:
            break
        st = decision.best_statement.get(name)
        chosen = name if name in remedies else remedy_at(st) if st is not None else None
        if chosen is not None:
            break
    if chosen is None or chosen == decision.services[0]:
        return decision
    return replace(decision, services=(chosen,), statement=decision.best_statement.get(chosen, decision.statement))
