"""Which sentences of the material answer a question: the evidence each plan quotes.

Sentences are chosen by meaning (embedding cosine) plus what the question literally asks
for: its own words, a figure when a number is asked, the whole list when a list is asked
("which three kinds of ..."), the sentences about each side of a comparison.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from studyrag.rag.catalog import FUNCTION_WORDS
from studyrag.rag.entities import BARE_ROW_RE
from studyrag.rag.knowledge import Knowledge, Sentence
from studyrag.rag.question import Question, asking_part
from studyrag.rag.sides import TextSide


def distinct_best(k: Knowledge, idx: list[int], sims, n: int) -> list[int]:
    """The n best-scored sentences of ``idx``, skipping near-duplicates (cosine >= 0.9)."""
    chosen: list[int] = []
    for j in np.argsort(-sims):
        v = k.sentence_vecs[idx[j]]
        if all(float(v @ k.sentence_vecs[c]) < 0.9 for c in chosen):
            chosen.append(idx[j])
        if len(chosen) == n:
            break
    return chosen


def top_sentences(k: Knowledge, qvec, rows: list[int], n: int) -> list[int]:
    """The n sentences of these chunks closest to the question, skipping near-duplicates."""
    idx = [i for i, s in enumerate(k.sentences) if s.row in rows]
    if not idx:
        return []
    sims = k.sentence_vecs[idx] @ qvec + np.array([0.05 if k.sentences[i].row == rows[0] else 0.0 for i in idx])
    return distinct_best(k, idx, sims, n)


WORD_RE = re.compile(r"[a-z0-9][a-z0-9\-]+")
QUESTION_WORDS = {"how", "what", "which", "who", "when", "where", "why", "does", "do", "did", "can", "could",
                  "should", "would", "the", "and", "for", "with", "that", "this", "from", "into", "are", "is",
                  "was", "were", "its", "their", "they", "there", "list", "name", "kinds", "kind", "types",
                  "long", "many", "much", "often", "one", "two", "three", "four", "five", "six"}
NUMBER_RE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million)\b", re.I)
COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}


def _stem(w: str) -> str:
    return w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w


def _content_words(text: str) -> set[str]:
    """'How long can a request run?' -> {'request', 'run', 'can'} less question words."""
    return {_stem(w) for w in WORD_RE.findall(text.lower()) if len(w) > 2 and w not in QUESTION_WORDS}


def table_rows(k: Knowledge, question: str, hits, picked: list[int]) -> list[int]:
    """A fact asked of a table the sentences do not give: when the closest passage is a table,
    its header row and the rows whose first cell the question names ("z values for 90, 95 and
    99 percent" -> the 90%, 95% and 99% rows), at most TABLE_ROWS of them; [] when no row's
    first cell is asked about, or the picked sentences already name all that is.

    The first cells decide: a row naming the question's words in another column is about
    something else."""
    if not hits or hits[0].chunk.kind != "table":
        return []
    idx = [i for i, s in enumerate(k.sentences) if s.row == hits[0].row and "|" in s.text]
    asked = _cell_words(question)
    keys = {i: asked & _cell_words(_first_cell(k.sentences[i].text)) for i in idx[1:]}
    matched = [i for i in idx[1:] if keys[i]]
    named = set().union(*keys.values()) if keys else set()
    said = set().union(*(_cell_words(k.sentences[i].text) for i in picked)) if picked else set()
    if not matched or named <= said:
        return []
    return [idx[0], *matched[:TABLE_ROWS]]


TABLE_ROWS = 5  # a longer answer than this is the table itself, which its citation opens


def _first_cell(row: str) -> str:
    return row.strip().strip("|").split("|")[0]


def _cell_words(text: str) -> set[str]:
    """Numbers and words of a question or a table cell, hyphenated words split: "90%" and
    "90 percent" share "90", "Standard-IA" and "standard" share "standard"."""
    return {w for w in re.findall(r"\d+(?:\.\d+)?|[a-z]{3,}", text.lower())
            if w not in QUESTION_WORDS and w not in FUNCTION_WORDS}


def asked_count(text: str) -> int | None:
    """'Which four kinds ...' -> 4 (how many items a list answer needs), else None; a size
    is no count.

    >>> asked_count("Which four kinds of tea?"), asked_count("How many steps for 1 billion items?")
    (4, None)
    """
    m = re.search(r"\b(two|three|four|five|six|seven|eight|[2-9])\s+(?!(?:hundred|thousand|million|billion|trillion)\b)"
                  r"(?:[\w\-]+\s+){0,2}?(?:kinds|types|ways|steps|"
                  r"statuses|states|options|categories|levels|things|features|\w+s)\b", text, re.I)
    if not m:
        return None
    w = m.group(1).lower()
    return min(6, COUNTS.get(w) or int(w)) if (w in COUNTS or w.isdigit()) else None


# "what formats ...", "which statuses ...": a plural asked for (not "what does", "what is").
# ", which gets taken away" is a relative clause, not a question for a list of things.
LIST_RE = re.compile(r"\b(?:what|(?<![,;]\s)which)\s+(?:(?!(?:does|is|was|has)\b)\w+\s+){0,2}(?!(?:does|has|was|this)\b)\w{3,}s\b|"
                     r"\bwhat\s+are\s+(?:the\s+)?(?:[\w\-]+\s+){0,3}?[\w\-]{3,}s\b|^\s*(?:name|list)\s+(?:the|all)\b", re.I)
BULLET_RE = re.compile(r"^\s*(?:[•\-*·▪–]|\d{1,2}[.)]|\|(?!\s*[-:|]+\s*$))\s*")  # list items and table rows


def inline_items(text: str) -> int:
    """How many items the longest inline list of a sentence holds, each of one to four words.

    >>> inline_items("Threats: avoid/transfer/mitigate/accept."), inline_items("Grid: manage closely / keep satisfied / monitor")
    (4, 3)
    >>> inline_items("It runs on IaaS, PaaS, and SaaS alike."), inline_items("The service is fast and cheap.")
    (3, 0)
    """
    best = 0
    for part in re.split(r"[:;()\[\]|—–]|\.\s", text):
        for sep in (r"\s*/\s*", r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+"):
            pieces = [p.strip(" .*_`") for p in re.split(sep, part.strip())]
            if len(pieces) < 3 and sep.startswith(r"\s*,") or len(pieces) < 2:
                continue
            # the first piece may carry the sentence's lead-in ("It runs on IaaS"): its last words
            if all(1 <= len(p.split()) <= 4 for p in pieces[1:]) and pieces[0]:
                best = max(best, len(pieces))
    return best


def fact_sentences(k: Knowledge, q: Question, qvec, rows: list[int], n: int,
                   part_vecs=None, listed: bool = False, asked: str | None = None,
                   count: int | None = None, whole_qvec=None, about: str | None = None) -> list[int]:
    """The sentences that answer a fact question (``_fact_sentences``), led by a line anywhere in
    the material that lists exactly the ``count`` things asked for, when one is about as close
    to the question as the best sentence ("What are the four responses to negative risks?" and
    a cheat-sheet line "Threats: avoid/transfer/mitigate/accept"), or by a list of exactly that
    many items under a lead-in that shares the question's words ("It has four monitoring
    types:" over four numbered lines). ``about``: the thing the question names (its own
    sentences come first among near equals)."""
    # A list the material heads with what is asked ("The four kinds of monitoring") answers,
    # before any other run of as many items.
    headed = headed_list(k, asked or q.search_text, qvec, rows) if listed else None
    if headed:
        return headed
    picked = _fact_sentences(k, q, qvec, rows, n, part_vecs, listed, asked, about)
    if not count or count < 2 or not picked:
        return picked
    whole = qvec if whole_qvec is None else whole_qvec  # the question with the thing it names
    near = float(k.sentence_vecs[picked[0]] @ whole) - COUNTED_REACH * (k.calibration.on - k.calibration.off)
    run = counted_list(k, count, q.search_text, whole, near)
    if run and not set(run) <= set(picked):
        return run + [i for i in picked if i not in run][:1]
    counted = [i for i, s in enumerate(k.sentences)
               if count >= 3 and inline_items(s.text) == count or item_lines(k, s) == count]
    if not counted:
        return picked
    sims = k.sentence_vecs[counted] @ whole
    best = counted[int(np.argmax(sims))]
    if best in picked or float(sims.max()) < near:
        return picked
    return [best, *picked]


# The first item's marker, when the sentence splitter left it on its own ("1." before "Data quality").
ITEM_MARK_RE = re.compile(r"\s*(?:[•\-*·▪–◦]|\d{1,2}[.)])?\s*$")


def item_lines(k: Knowledge, s) -> int:
    """How many list lines a sentence holds: a lead-in joined to its short items (Knowledge)
    holds them all; any other sentence none."""
    text = k.text_of(k.chunks[s.row].source)[s.start:s.end]
    return sum(1 for line in text.split("\n")[1:] if BULLET_RE.match(line)) if "\n" in text else 0


def counted_list(k: Knowledge, count: int, question: str, qvec, near: float) -> list[int] | None:
    """The items of a list of exactly ``count`` lines under a lead-in ending in a colon that
    shares a word with the question (besides the count), whose best item is at least ``near``
    to it; the best such list."""
    words = _content_words(question) - set(COUNTS)
    best, best_sim = None, near
    for lead, run in k.lead_lists:
        if len(run) != count or not words & _content_words(lead):
            continue
        sim = float(np.max(k.sentence_vecs[run] @ qvec))
        if sim >= best_sim:
            best, best_sim = run, sim
    return best


# What naming the thing the question asks about is worth to a sentence (cosine): "What tiers
# does the Atlas Pass come in?" is answered by the Atlas Pass's line, not by another's that
# also has "tiers". Not for a number: the sentence holding the figure may name the thing
# only by its section ("How much can a ConfigMap hold?").
ABOUT_BONUS = 0.1
# How far below the best sentence's cosine a line listing the asked count of things may be, as
# a share of the spread between off-topic and on-topic questions (scope.Calibration).
COUNTED_REACH = 0.6


def _fact_sentences(k: Knowledge, q: Question, qvec, rows: list[int], n: int,
                    part_vecs=None, listed: bool = False, asked: str | None = None,
                    about: str | None = None) -> list[int]:
    """The n sentences of these chunks most likely to hold the asked-for fact: close in
    meaning, sharing the question's own words, holding a figure when a number is asked.
    Each part of a two-part question ("how long ..., and which ...?", ``part_vecs``) gets
    its best sentence first; a list question (``listed``) whose best sentence is a bullet
    gets that bullet's list. ``asked``: the question's words to match (default: all of it)."""
    if listed:
        wanted = asked or q.search_text
        named_list = headed_list(k, wanted, qvec, rows) or lead_list(k, wanted, qvec, rows)
        if named_list:
            return named_list
    idx = [i for i, s in enumerate(k.sentences) if s.row in rows]
    if not idx:
        return []
    words = _content_words(asked or q.search_text)
    rank = {r: j for j, r in enumerate(rows)}

    def bonus(i: int) -> float:
        s = k.sentences[i]
        shared = len(words & _content_words(s.text)) / max(1, len(words))
        b = 0.3 * shared - 0.02 * rank[s.row]
        if about in s.services and not q.asks_number:
            b += ABOUT_BONUS
        if q.asks_number and NUMBER_RE.search(s.text):
            b += 0.1
        return b

    extra = np.array([bonus(i) for i in idx])
    sims = k.sentence_vecs[idx] @ qvec + extra
    top = [idx[j] for j in np.argsort(-sims)[:5]]
    runs = [bullet_run(k, i) if len(bullet_run(k, i)) > 1 else list_after(k, i) for i in top[:3]] if listed else []
    # A list answers when its best item comes near the best sentence: a bullet list two places
    # down does not outrank the table row that holds the asked figures.
    runs = [r for r in runs if len(r) >= 2 and max(float(sims[idx.index(i)]) if i in idx else 0.0 for i in r)
            >= float(sims.max()) - RUN_MARGIN]
    if runs:
        # The list that answers: long enough for the asked count, then the best-matching.
        score = {i: float(sims[idx.index(i)]) if i in idx else 0.0 for r in runs for i in r}
        run = max(runs, key=lambda r: (len(r) >= n, max(score[i] for i in r)))
        if len(run) <= max(n, 2) + 1:
            return run
        return sorted(sorted(run, key=score.get, reverse=True)[:max(n, 2)])
    first = []
    for pv in part_vecs if part_vecs is not None else []:
        j = int(np.argmax(k.sentence_vecs[idx] @ pv + extra))
        if idx[j] not in first:
            first.append(idx[j])
    rest = distinct_best(k, idx, sims, n)
    return (first + [i for i in rest if i not in first])[:max(n, len(first))]


def covering(k: Knowledge, picked: list[int], names: list[str], qvec, rows: list[int]) -> list[int]:
    """``picked`` plus, for each thing the question names that no picked sentence names, the
    closest sentence naming it ("minimum durations for Nearline, Coldline and Archive")."""
    out = list(picked)
    for name in names:
        if any(name in k.sentences[i].services for i in out):
            continue
        cands = [i for i, s in enumerate(k.sentences) if s.row in rows and name in s.services]
        if cands:  # its own line ("Nearline | ... | 30 days") before a passing mention
            out.append(max(cands, key=lambda i: (k.sentences[i].services[0] == name, float(k.sentence_vecs[i] @ qvec))))
    return out


def headed_list(k: Knowledge, asked: str, qvec, rows: list[int] = ()) -> list[int] | None:
    """The items of the list whose header names what the question asks for ("What access
    modes …?" and a table headed "Access mode"), wherever retrieval ranked it: the most
    specific header first, then the items closest to the question. A list under a one-word
    header outside the retrieved ``rows`` must match the question about as well as they do
    ("Which three anomalies does normalization prevent?" is not the list headed "Anomalies"
    of isolation levels)."""
    from studyrag.rag.lists import covers, header_words

    phrase = asked_plural(asking_part(asked))
    found = [(header, items) for header, items in k.headed_lists if phrase and covers(header, phrase)]
    if not found:
        return None
    fit = {header: float(np.max(k.sentence_vecs[items] @ qvec)) for header, items in found}
    header, items = max(found, key=lambda f: (len(f[0].split()), fit[f[0]]))
    near = [i for i, s in enumerate(k.sentences) if s.row in rows]
    if near and len(header_words(header)) < 2 and not any(k.sentences[i].row in rows for i in items):
        if fit[header] < float(np.max(k.sentence_vecs[near] @ qvec)) - LIST_MARGIN:
            return None
    return items


def lead_list(k: Knowledge, asked: str, qvec, rows: list[int] = ()) -> list[int] | None:
    """The items of the list whose lead-in says what the question asks for ("... and an
    approval status:" over its three statuses, for "what approval statuses can a version
    end up with?"), the best-matching when several do; a list outside the retrieved ``rows``
    must match the question about as well as they do."""
    from studyrag.rag.lists import header_words

    phrase = asked_plural(asking_part(asked))
    wanted = set(header_words(phrase)) - set(COUNTS) if phrase else set()
    found = [items for lead, items in k.lead_lists if wanted and _says_all(header_words(lead), wanted)]
    if not found:
        return None
    fit = [float(np.max(k.sentence_vecs[items] @ qvec)) for items in found]
    best = int(np.argmax(fit))
    near = [i for i, s in enumerate(k.sentences) if s.row in rows]
    if near and not any(k.sentences[i].row in rows for i in found[best]):
        if fit[best] < float(np.max(k.sentence_vecs[near] @ qvec)) - LIST_MARGIN:
            return None
    return found[best]


def _says_all(words: list[str], wanted: set[str]) -> bool:
    """Each wanted stem among ``words``, or one of them within two letters of it (the stemmer
    makes "statu" of "status" and "status" of "statuses")."""
    return all(any(w == x or min(len(w), len(x)) >= 4 and abs(len(w) - len(x)) <= 2
                   and (w.startswith(x) or x.startswith(w)) for x in words) for w in wanted)


def lead_lists(k: Knowledge) -> list[tuple[str, list[int]]]:
    """(lead-in, item sentences) of every list under a line ending in a colon: a lead-in joined
    to its short items is one sentence (Knowledge); longer items are sentences of their own."""
    out = []
    for i, s in enumerate(k.sentences):
        first_line = k.text_of(k.chunks[s.row].source)[s.start:s.end].split("\n", 1)
        if len(first_line) > 1 and first_line[0].rstrip().endswith((":", "：")):
            out.append((first_line[0], [i]))
            continue
        gap = _lead_in_after(k, i)
        run = bullet_run(k, i + 1) if gap else []
        if len(run) >= 2:
            out.append((gap.strip(), run))
    return out


def _lead_in_after(k: Knowledge, i: int) -> str | None:
    """The lead-in between sentence ``i`` and the next in its chunk, when one ending in a colon
    stands there (Knowledge leaves such lead-ins out of its sentences), else None."""
    nxt = i + 1
    if nxt >= len(k.sentences) or k.sentences[nxt].row != k.sentences[i].row:
        return None
    text = k.text_of(k.chunks[k.sentences[i].row].source)
    gap = ITEM_MARK_RE.sub("", text[k.sentences[i].end:k.sentences[nxt].start])
    return gap if gap.endswith((":", "：")) else None


RUN_MARGIN = 0.1  # a bullet list this far below the best sentence is not the answer (docs/any-material.md)
LIST_MARGIN = 0.05  # cosine: a list elsewhere may trail the retrieved passages by this much
# The plural a list question asks for, with up to three words before it: "three quality-of-
# service classes", "possible effects", "access modes".
ASKED_PLURAL_RE = re.compile(
    r"\b(?:what|which|name|list)\b(?:\s+(?:are|were|is))?(?:\s+(?:the|all|some))?"
    r"((?:\s+[\w\-]+){0,3}?\s+[\w\-]+[a-rt-z]s)\b", re.I)  # "modes", not "access"


KIND_WORD_RE = re.compile(r"\b(?:kinds|types|sorts|classes|categories|forms|levels)$", re.I)
KIND_OF_RE = re.compile(r"\s+of(?:\s+(?!in\b|on\b|for\b|at\b|by\b|with\b|does\b|do\b|can\b|are\b|is\b)[\w\-]+){1,2}", re.I)


def asked_plural(text: str) -> str | None:
    """'What are the possible effects you can put on a taint?' -> 'possible effects'.

    >>> asked_plural("Name the three quality-of-service classes Kubernetes assigns.")
    'three quality-of-service classes'
    >>> asked_plural("What are the three physical algorithms an engine can pick from?")
    'three physical algorithms'
    >>> asked_plural("What access modes can a volume have?")
    'access modes'
    >>> asked_plural("what are the 4 kinds of monitoring in Model Monitor?")
    '4 kinds of monitoring'
    """
    m = ASKED_PLURAL_RE.search(text)
    if not m:
        return None
    # "the 4 kinds of monitoring": a kind word asks for what follows its "of".
    of = KIND_OF_RE.match(text, m.end()) if KIND_WORD_RE.search(m.group(1)) else None
    return (m.group(1) + (of.group(0) if of else "")).strip()


def names_a_list(k: Knowledge, question: str) -> bool:
    """A list question naming, word for word, a list header of two or more words ("What
    access modes …?"): it is about the material, however small the material is."""
    from studyrag.rag.lists import covers, header_words

    phrase = asked_plural(asking_part(question))
    return bool(phrase) and any(len(header_words(h)) >= 2 and covers(h, phrase) for h, _items in k.headed_lists)


def bullet_run(k: Knowledge, i: int) -> list[int]:
    """The list sentence ``i`` is an item of: the first sentence of each bullet line (or table
    row, less its header) next to it in its chunk, in source order."""
    row = k.sentences[i].row
    text = k.text_of(k.chunks[row].source)
    near = [j for j in range(max(0, i - 40), min(len(k.sentences), i + 41)) if k.sentences[j].row == row]
    line_of = {j: text.rfind("\n", 0, k.sentences[j].start) + 1 for j in near}
    starts: dict[int, int] = {}  # line start -> first sentence on that line
    for j in near:
        starts.setdefault(line_of[j], j)
    lines = sorted(starts)
    items = [ls for ls in lines if _is_item(text, ls)]
    if line_of[i] not in items:
        return [i]
    pos = lines.index(line_of[i])
    run = [line_of[i]]
    for step in (-1, 1):
        p = pos + step
        while 0 <= p < len(lines) and lines[p] in items:
            run.append(lines[p])
            p += step
    return sorted(starts[ls] for ls in run)


def item_runs(k: Knowledge, rows: set[int]) -> list[tuple[str, list[int]]]:
    """(the line above it, item sentences) of every bullet list in the chunks ``rows``: the
    line above names what is listed ("Le Corbusier's Five Points of a New Architecture …:"),
    also where it opens the chunk, which leaves no sentence before it to find it from."""
    out: list[tuple[str, list[int]]] = []
    seen: set[int] = set()
    for i, s in enumerate(k.sentences):
        if s.row not in rows or i in seen:
            continue
        run = bullet_run(k, i)
        seen.update(run)
        if len(run) < 2:
            continue
        text = k.text_of(k.chunks[s.row].source)
        above = text[:text.rfind("\n", 0, k.sentences[run[0]].start) + 1].rstrip().rsplit("\n", 1)[-1]
        out.append((above.strip(), run))
    return out


def list_after(k: Knowledge, i: int) -> list[int]:
    """The list right after a sentence when a lead-in ending with a colon introduces it
    ("Partitioning divides a table ... A table can be partitioned by:" over its bullets),
    else just the sentence."""
    if _lead_in_after(k, i) is None:
        return [i]
    run = bullet_run(k, i + 1)
    return run if len(run) >= 2 else [i]


def _is_item(text: str, line_start: int) -> bool:
    """A bullet line or a table row that is not a header (a header is followed by '|---|';
    a plain-text table's header is its first row)."""
    end = text.find("\n", line_start)
    line = text[line_start: end if end >= 0 else None]
    if BARE_ROW_RE.match(line):
        before = text[text.rfind("\n", 0, max(0, line_start - 1)) + 1: max(0, line_start - 1)]
        return bool(BARE_ROW_RE.match(before))
    if not BULLET_RE.match(line):
        return False
    if line.lstrip().startswith("|"):
        nxt = text[end + 1: text.find("\n", end + 1)] if end >= 0 else ""
        return not re.fullmatch(r"\s*\|[\s:\-|]+", nxt)
    return True


CARRY_ON_RE = re.compile(r"[ \t]+(?:It|Its|This|These|They|Their|That)\b[^\n]*")


def carried_on(k: Knowledge, sentence: Sentence) -> Sentence:
    """The sentence with the rest of its line when that goes on about the same subject
    ("**Modified duration** = MacD / (1 + y). It gives the percentage price change …"): the
    next sentence holds what the named one started to say, without naming it."""
    chunk = k.chunks[sentence.row]
    source = k.sources[chunk.source]
    m = CARRY_ON_RE.match(source, sentence.end, chunk.end)
    if m is None:
        return sentence
    end = m.end()
    return replace(sentence, end=end, text=" ".join(source[sentence.start:end].split()))


def side_sentences(k: Knowledge, side, qvec, n: int, prefer_row: int | None = None,
                   leading_only: bool = False) -> list[int]:
    """Sentences about one side of a comparison: its own section's and those naming it.

    Definitions ('Amazon SageMaker Canvas is the ...') and the guide's own answer to this
    question (a matching FAQ entry) come first; ``leading_only``: only sentences that open
    with the side ("Cached volumes — primary data lives in ...")."""
    if isinstance(side, TextSide):  # a side the material has no name for: found by its words
        own = {i for i, s in enumerate(k.sentences) if side.pattern.search(k.chunks[s.row].section[-1])}
        pool = sorted(own | {i for i, s in enumerate(k.sentences) if side.pattern.search(s.text)})

        def leads(s) -> bool:
            return side.leads(s.text)
    else:
        own = {i for i, s in enumerate(k.sentences) if k.section_service.get(s.row) is side}
        pool = sorted(own | {i for i, s in enumerate(k.sentences) if side.name in s.services})

        def leads(s) -> bool:
            return s.services[:1] == (side.name,) and k.catalog.spans(s.text)[:1] and k.catalog.spans(s.text)[0][0] < 4
    if leading_only:
        pool = [i for i in pool if leads(k.sentences[i])]
    if not pool:
        return []
    if qvec is None:
        return pool[:n]

    def bonus(i: int) -> float:
        s = k.sentences[i]
        b = 0.1 if i in own else 0.0
        b += 0.15 if leads(s) else 0.0
        b += 0.25 if prefer_row is not None and s.row == prefer_row else 0.0
        return b

    sims = k.sentence_vecs[pool] @ qvec + np.array([bonus(i) for i in pool])
    return [pool[j] for j in np.argsort(-sims)[:n]]
