"""Which options the material files under the class a stem asks about.

"Which of these are probability sampling methods? (Choose two)" names a class, and study
notes file things under classes by their layout more than by their prose: a parent bullet
"**Probability sampling** – …" over the methods, a line "Non-foliated: marble, quartzite", a
clause "Uranus and Neptune are ice giants", a cell "Ice giant" in a planet's table row, a
"Stable?" column that says Yes. Each place that writes an option gives it a *label*: the
words the material files it under there. An option fits as well as its best label holds the
stem's class words (weighted by rarity); a short label loses for the words of its own the
stem lacks ("Non-probability sampling" is not "probability sampling"), and a label of the
other polarity ("No", "cannot", "non-") says nothing for a stem of this one.

>>> asked = words("metamorphic rocks normally non-foliated")
>>> fit("Non-foliated", asked, {}, short=True, negated=True), fit("Foliated", asked, {}, short=True, negated=True)
(0.5, 0.0)
>>> fit("Stable?: No", words("sorting algorithms stable"), {}, short=True)
0.0
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from studyrag.rag.columns import row_cells
from studyrag.rag.cooccur import STOP, TOKEN_RE

# Words of the multiple-choice format, not of the class asked about.
FORMAT_WORDS = frozenset("choose select two three true correct statement option answer apply following".split())
NEGATION_RE = re.compile(r"\b(?:not|no|non|never|cannot|neither|nor|without|none)\b|n't\b|\bnon-|[✗✘❌×]", re.I)
# "Label: what it holds", "Label – what it is": a short head, then the body.
HEAD_RE = re.compile(r"^[\s\-*•▪\d.)]*([^:–—]{2,80}?)\s*(?::|\s[–—-]\s|\s→\s)\s*(\S.*)$", re.S)
CONTRAST_RE = re.compile(r"\bvs\.?\b|\bversus\b", re.I)  # "Gas giants vs ice giants:" files nothing
QUOTED_RE = re.compile(r"(?<!\w)['‘\"“「]([^'’\"”」]{3,60})['’\"”」](?!\w)")
CLAUSE_RE = re.compile(r";|\.\s|:\s|\s[–—]\s")
MAX_HEAD_WORDS = 8
PROSE_CELL_WORDS = 4  # a first cell longer than this says something; it labels no row
LEAD_CHARS = 60  # an option written this early in a sentence is what the sentence is about
EXTRA_COST = 0.5  # a short label's share of words the stem lacks costs this much of its fit


@dataclass(frozen=True)
class Label:
    text: str
    short: bool  # a head, a heading, a cell: every word of it files the option


def words(text: str) -> set[str]:
    """Content words, singular, cut to six letters; a hyphenated word also as its parts.

    >>> sorted(words("Ice giants and non-probability classes of theories"))
    ['class', 'giant', 'ice', 'non', 'non-probability', 'probab', 'theory']
    """
    out = set()
    for w in TOKEN_RE.findall(text.lower()):
        for part in {w, *w.split("-")} if "-" in w else {w}:
            if not part or part in STOP or (len(part) < 2 and not part.isdigit()):
                continue
            if part.isalpha() and len(part) > 3:
                part = re.sub(r"(?:(?<=[sxz])|(?<=ch)|(?<=sh))es$|(?<![su])s$", "", re.sub(r"ies$", "y", part))
            out.add(part[:6] if part.isalpha() else part)
    return out


def class_words(stem: str, options: list[str]) -> set[str]:
    """What the stem asks about: its words less the options' and the format's."""
    named = set().union(*(words(o) for o in options)) if options else set()
    return words(stem) - named - {w[:6] for w in FORMAT_WORDS}


def fit(label: str, wanted: set[str], idf: dict[str, float], short: bool, negated: bool = False) -> float:
    """0..1: the share of ``wanted`` (idf-weighted) the label holds, less for a short label's
    own extra words; 0 when the label's polarity is not the stem's (``negated``)."""
    if not wanted or bool(NEGATION_RE.search(label)) != negated:
        return 0.0
    have = words(label)
    weight = lambda ws: sum(idf.get(w, 1.0) for w in ws)  # noqa: E731
    covered = weight(wanted & have) / weight(wanted)
    if short and have:
        covered *= 1 - EXTRA_COST * weight(have - wanted) / weight(have)
    return round(covered, 4)


def _base(word: str) -> str:
    """A word without its inflection, escaped for a pattern: "Flooding" and "floods" share "Flood".

    >>> _base("Flooding"), _base("floods"), _base("Disease"), _base("DNA")
    ('Flood', 'flood', 'Disease', 'DNA')
    """
    m = re.fullmatch(r"([a-z\-]{3,}?)(?:ing|ed|es|s)", word, re.I) if word[1:].islower() else None
    return re.escape(m.group(1) if m and len(m.group(1)) >= 4 else word)


class Name:
    """How a sentence writes an option: its short form (``pattern``, from rag/mcq.py), or every
    word of it, in any order ("Vroom's expectancy theory" in "Victor Vroom – expectancy theory").

    >>> n = Name("Vroom's expectancy theory", None)
    >>> bool(n.search("Victor Vroom - expectancy theory (VIE)")), bool(n.search("Expectancy theory"))
    (True, False)
    >>> n.sub("", "Victor Vroom - expectancy theory (VIE)")
    'Victor  -   (VIE)'
    """

    def __init__(self, option: str, pattern: re.Pattern | None) -> None:
        self.pattern = pattern
        own = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9\-]+", re.sub(r"'s\b", "", option)) if w.lower() not in STOP]
        if len(own) == 1:  # one word is found in any of its forms ("Flooding" in "floods")
            self.words = [re.compile(rf"(?<![\w\-]){_base(own[0])}(?:'?s|es|ing|ed|e)?(?![\w\-])", re.I)]
        elif len(own) <= 6:  # several, each as written
            self.words = [re.compile(rf"(?<![\w\-]){re.escape(w)}(?:'?s|es)?(?![\w\-])", re.I) for w in own]
        else:
            self.words = []

    def search(self, text: str) -> bool:
        if self.pattern is not None and self.pattern.search(text):
            return True
        return bool(self.words) and all(w.search(text) for w in self.words)

    def sub(self, repl: str, text: str) -> str:
        if self.pattern is not None and self.pattern.search(text):
            return self.pattern.sub(repl, text)
        for w in self.words if self.search(text) else []:
            text = w.sub(repl, text)
        return text

    def __bool__(self) -> bool:
        return self.pattern is not None or bool(self.words)


def labels_in(sentence: str, name, names) -> list[Label]:
    """The labels one sentence gives the option ``name`` (a ``Name``, or any pattern with
    ``search`` and ``sub``); ``names``: every option's, removed from a label so that no option
    files another.

    >>> p = re.compile("marble", re.I)
    >>> labels_in("- Non-foliated: marble (from limestone), quartzite", p, [p])
    [Label(text='Non-foliated', short=True)]
    >>> labels_in("Jupiter is big; marble is a metamorphic rock.", p, [p])
    [Label(text='is a metamorphic rock.', short=False)]
    """
    sentence = re.sub(r"[*_`]+", "", sentence)
    m = HEAD_RE.match(sentence)
    if m and len(m.group(1).split()) <= MAX_HEAD_WORDS and not CONTRAST_RE.search(m.group(1)):
        head, body = m.group(1), m.group(2)
        if name.search(head) and not name.search(body):
            return [Label(_without(body, names), short=False)]
        if name.search(body):
            return [Label(_without(head, names), short=True)]
    for clause in CLAUSE_RE.split(sentence):
        if name.search(clause):
            return [Label(_without(clause, names), short=False)]
    return []


def row_labels(lines: list[str], name, names) -> list[Label]:
    """A table row's labels for the option: in the row's first cell, its column's header and
    each later cell under its own ("Stable?: Yes") unless that cell holds another option; in a
    later cell, the row's first cell with that cell's header; one of a first cell's list, its
    column's header.

    >>> p, q = re.compile("Mitigate"), re.compile("Exploit")
    >>> rows = ["| Threat | Opportunity |", "| Mitigate | Exploit |"]
    >>> row_labels(rows, p, [p, q]), row_labels(rows, q, [p, q])
    ([Label(text='Threat', short=True)], [Label(text='Opportunity', short=True)])
    >>> f = Name("Flooding", None)
    >>> row_labels(["| Dense factors | Sparse factors |", "| Mostly living: predators, disease and parasites | Mostly weather: floods, fire, frost |"], f, [f])
    [Label(text='Sparse factors', short=True)]
    """
    head, row = row_cells(lines[0]), row_cells(lines[-1])
    header = lambda j: head[j] if j < len(head) else ""  # noqa: E731
    if row and len(row[0].split()) > PROSE_CELL_WORDS:
        # "| Mostly biotic: competition, predation, disease | Mostly abiotic: floods, sudden frost |":
        # no cell labels the row; each column is a class, and its header files what it holds.
        at = [c for c, cell in enumerate(row) if name.search(cell)]
        return [Label(_without(header(at[0]), names), short=True)] if at else []
    # the cell that writes the option, else (its words spread over the row) the first holding one
    at = [c for c, cell in enumerate(row) if name.search(cell)] or [
        c for c, cell in enumerate(row) if any(w.search(cell) for w in getattr(name, "words", []))]
    if not at:
        return []
    if at[0] > 0:  # "| Something you have | smart card, token |": the row's label and the column's
        return [Label(_without(f"{row[0]} {header(at[0])}", names), short=True)]
    if len(_without(row[0], names).split()) > 2:  # one of a cell's list: its column files it
        return [Label(_without(header(0), names), short=True)]
    others = [p for p in names if p is not None and p is not name]
    return [Label(header(0), short=True)] + [Label(f"{header(j)}: {row[j]}", short=True) for j in range(1, len(row))
                                             if not any(p.search(row[j]) for p in others)]


def parent_head(src: str, start: int) -> str | None:
    """The head of the item the sub-bullet at ``start`` hangs under (rag/remedies.py).

    >>> parent_head("- **Probability sampling** – random.\\n  - Cluster sampling\\n", 40)
    'Probability sampling'
    """
    from studyrag.rag.remedies import parent_item

    line = parent_item(src, start)
    if not line:
        return None
    line = re.sub(r"[*_`]+", "", line)
    head = HEAD_RE.match(line)
    return head.group(1) if head and len(head.group(1).split()) <= MAX_HEAD_WORDS else line[:80]


def _without(text: str, names) -> str:
    for p in names:
        if p is not None:
            text = p.sub(" ", text)
    return re.sub(r"\s+", " ", re.sub(r"[*_`]+", "", text)).strip()


def fits(knowledge, patterns: list, stem: str, options: list[str]) -> list[float | None]:
    """Per option (its short-form ``patterns``, None for a sentence-long one), how well the best
    label the material gives it holds the stem's class words; None when the material never writes it."""
    names = [Name(o, p) for o, p in zip(options, patterns)]
    names = [n if n else None for n in names]
    wanted = class_words(stem, options)
    negated = bool(NEGATION_RE.search(stem))
    quoted = [q.lower() for q in QUOTED_RE.findall(stem) if len(q.split()) >= 2]
    idf = knowledge.class_idf
    out: list[float | None] = []
    found = [labels_of(knowledge, name, names) if name is not None and wanted else [] for name in names]
    # A label every placed option shares ("Algorithm", the first column's header) sets none apart.
    held = [{x.text for x in f} for f in found if f]
    common = set.intersection(*held) if len(held) >= 2 else set()
    for labels in found:
        labels = [x for x in labels if x.text not in common]
        # A phrase the stem quotes ("'something you have' factors") is the class, word for word.
        out.append(max((1.0 if any(q in x.text.lower() for q in quoted) else fit(x.text, wanted, idf, x.short, negated)
                        for x in labels), default=0.0) if labels else None)
    return out


def labels_of(knowledge, name: Name, names: list) -> list[Label]:
    """Every label the material gives the option ``name``: per sentence that writes it, its
    table row's cells, or its line's head or clause, the item it hangs under, and its section's
    heading when it leads the sentence."""
    from studyrag.rag.entities import table_lines

    found: list[Label] = []
    for s in knowledge.sentences:
        if not name.search(s.text):
            continue
        src = knowledge.text_of(knowledge.chunks[s.row].source)
        lines = table_lines(src, s.start)
        if lines and len(lines) >= 2:  # a row's cells file it; a table can close a section it does not belong to
            found += row_labels(lines, name, names)
            continue
        found += labels_in(s.text, name, names)
        parent = parent_head(src, s.start)
        if parent:
            found.append(Label(_without(parent, names), short=True))
        section = knowledge.chunks[s.row].section
        if section and name.search(s.text[:LEAD_CHARS]):  # a section files what its sentences are about
            found.append(Label(_without(section[-1], names), short=True))
    return found


def idf(sentences: list[str]) -> dict[str, float]:
    """Each word's idf over the material's sentences, as ``words`` cuts it.

    >>> sorted(idf(["Ice giants", "Gas giants"]).items())
    [('gas', 1.0986), ('giant', 0.6931), ('ice', 1.0986)]
    """
    df: dict[str, int] = {}
    for t in sentences:
        for w in words(t):
            df[w] = df.get(w, 0) + 1
    return {w: round(math.log(1 + len(sentences) / c), 4) for w, c in df.items()}
