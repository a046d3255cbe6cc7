"""Picking among multiple-choice options from evidence, not from the model's opinion.

Each option is scored by (a) how strongly the guide's signal statements point from the
stem to the service(s) the option names, less how far those trail the decision's winner,
(b) how close the option, read as the stem's answer ("stem + option"), comes to a sentence
of the material, and (c) whether one sentence
holds the option's words together with the stem's rarer words (rag/cooccur.py), and (d) when
one sentence names two options, whose own clause of it fits the stem better (rag/clauses.py), and
(e) for short options, how close the stem comes to the lines the material writes of that option
alone (``said_of_each``), and (f) for a "Choose two", whether the material files the option under
the class the stem names (rag/membership.py).
Options that only name services the guide
never covers lose a little; "NOT"/"EXCEPT" stems pick the option a retrieved sentence's list of
all the others (or a table whose rows are all the others) leaves out, else the option the
material says is not it ("X, by contrast, is not …", in a sentence with the stem's words; "X, Y
and Z are NOT part of it" under the stem's heading), else the least supported option; "Choose two" picks
the two a retrieved sentence names together and alone, else the top two (``named_together``).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np

from studyrag.rag import clauses, columns, membership
from studyrag.rag.values import all_values
from studyrag.rag.contradict import contradicts, denies
from studyrag.rag.cooccur import tokens
from studyrag.rag.gloss import english_of

W_DECISION = 1.0
W_EVIDENCE = 0.7
W_STEM = 0.15
# A sentence far from what the stem asks speaks little for a sentence-long option whose words it matches: for
# "sensitive = true on a password variable: which statement is correct?", "If an output references a
# sensitive value without `sensitive = true`, Terraform raises an error" is about outputs.
W_NEAR_STEM = 0.7
W_TOGETHER = 1.0
W_VALUE_TOGETHER = 3.0  # options that are all values (rag/values.py): where each is written decides
OUTSIDE_PENALTY = 0.12
STEM_NAMED = 0.5  # the share of decision credit a thing the stem itself names passes to an option
W_CLAUSE = 1.0
W_TABLE = 1.0
W_SAID = 1.0
W_CLASS = 3.0  # "Choose two" names a class; where the material files an option outweighs how its sentences read
CONTRADICTED = 0.5  # an option its own sentence contradicts keeps little of that sentence's support
TOGETHER_BONUS = 0.5  # a set of options a retrieved sentence names together, alone: more than scores part


@dataclass
class OptionScore:
    letter: str
    text: str
    score: float
    decision: float
    evidence: float
    services: tuple[str, ...]
    best_sentence: int | None  # index into knowledge.sentences supporting it
    denied: bool = False  # that sentence says the option is not it ("X, by contrast, is not …")


def score_options(knowledge, question, stem_vec: np.ndarray, decision) -> list[OptionScore]:
    letters = sorted(question.options)
    shown = [question.options[k] for k in letters]
    # An option in Chinese is judged by its English reading, as the stem is; it is shown as written.
    texts = [english_of(t) for t in shown]
    asked = question.search_text
    vecs = knowledge.embedder.embed_queries(texts)
    answers = knowledge.embedder.embed_queries([f"{asked} {t}" for t in texts])
    rivals = rival_sentences(dict(zip(letters, texts)), knowledge.sentence_texts)
    # Values ("TCP/UDP 4195", "8 May 1980") read alike; where each is written tells them apart.
    w_together = W_VALUE_TOGETHER if all_values(texts) else W_TOGETHER
    out = []
    # How near each sentence comes to the stem itself, less the nearest's (0 for the nearest).
    near_stem = np.maximum(knowledge.sentence_vecs @ stem_vec, knowledge.headed_vecs @ stem_vec) \
        if len(knowledge.sentences) else None
    if near_stem is not None:
        near_stem = near_stem - near_stem.max()
    # The stem's own names pull the decision to them: an option that repeats one ("the Kiln Runner
    # service role" for "A Kiln Runner job fails …") earns less from that.
    in_stem = {s.name for s in knowledge.catalog.find(asked)}
    for letter, text, as_shown, vec, answer in zip(letters, texts, shown, vecs, answers):
        svcs = [s for s in knowledge.catalog.find(text) if not s.generic]
        dec = max((decision.score_of(s.name) * (STEM_NAMED if s.name in in_stem else 1.0) for s in svcs),
                  default=0.0) if decision else 0.0

        if decision is not None and decision.ranking:
            # A thing far below the decision's winner says little for the option that names
            # it: its credit is its score less its distance from the winner.
            dec = max(0.0, 2 * dec - decision.ranking[0][1])
        evid, best = 0.0, None
        if len(knowledge.sentences):
            said = np.maximum(knowledge.sentence_vecs @ answer, knowledge.headed_vecs @ answer)
            if _name_re(text) is None:  # a short option is judged by its own lines (said_of_each)
                said = said + W_NEAR_STEM * near_stem
            sims = np.where(rivals[letter], -1.0, said)
            best = int(np.argmax(sims))
            evid = float(sims[best])
        together, where = knowledge.sentence_words.support(asked, text)
        if where is not None and rivals[letter][where]:
            together, where = 0.0, None
        if where is not None:
            best = where  # the sentence that says the option with what the stem asks
        evid += w_together * together
        denied = False
        if best is not None:
            said = knowledge.sentences[best].text
            denied = where is not None and denies(text, said)
            # "The shortest route" against "longest path through the network"; "Raising the
            # ratio" against "Raising it → money falls (contractionary); lowering it → expansionary".
            evid -= CONTRADICTED * (contradicts(text, said) or clauses.asked_elsewhere(asked, text, said))
        # Naming only things the material mentions but does not teach (no section, no
        # statement pointing to it, no definition) marks a distractor.
        outside = bool(svcs) and not any(s.name in knowledge.topics for s in svcs)
        stem = float(vec @ stem_vec)
        score = W_DECISION * dec + W_EVIDENCE * evid + W_STEM * stem - (OUTSIDE_PENALTY if outside else 0.0)
        out.append(OptionScore(letter, as_shown, score, dec, evid, tuple(s.name for s in svcs), best, denied))
    # A sentence that names two options speaks for the one whose own clause says what is asked.
    for o, lead in zip(out, clauses.contrast(knowledge.embedder, asked, texts, knowledge.sentence_texts)):
        o.score += W_CLAUSE * lead
    if not question.negated:
        # An option the material never writes fits least; one no table places is not judged by tables.
        _behind_best(out, said_of_each(knowledge, texts, stem_vec), W_SAID, unplaced_least=True)
        # Options a table places: the one whose row or column says what the stem asks leads.
        _behind_best(out, table_fits(knowledge, texts, stem_vec), W_TABLE, unplaced_least=False)
        if question.choose > 1:
            # "Which of these are X? (Choose two)": the options the material files under X lead.
            _behind_best(out, membership.fits(knowledge, [_name_re(t, plural=True) for t in texts], asked, texts),
                         W_CLASS, unplaced_least=False)
    return out


def _behind_best(scores: list[OptionScore], fits: list[float | None], weight: float, unplaced_least: bool) -> None:
    """Each option loses ``weight`` times its fit's distance from the best fit, when two or more
    options have one; an option without one (None) counts as the worst placed when
    ``unplaced_least``, else is left as it is."""
    placed = [f for f in fits if f is not None]
    if len(placed) < 2:
        return
    for o, fit in zip(scores, fits):
        if fit is None and unplaced_least:
            fit = min(placed)
        if fit is not None:
            o.score += weight * (fit - max(placed))


def said_of_each(knowledge, texts: list[str], stem_vec: np.ndarray) -> list[float | None]:
    """Per short option, how close the stem comes to what the material says of that option
    alone: the sentences that write it and no other option, or sit under a heading that writes
    it, each with the next sentence of its passage when that one names no option ("- **A –
    Accountable**: signs off." then "**One person**, not a committee."). A sentence that names
    two options says nothing of one against the other; a sentence anywhere that merely reads
    like "stem + option" is not what the material says of it. None: a sentence-long option, or
    one the material never writes (scored as the least fitting when two or more are placed)."""
    sents = knowledge.sentence_texts
    written = [_written(t, sents, plural=True) for t in texts]
    shown = [w for w in written if w is not None]
    if len(shown) < 2:
        return [None] * len(texts)
    near = np.maximum(knowledge.sentence_vecs @ stem_vec, knowledge.headed_vecs @ stem_vec)
    rows = np.array([s.row for s in knowledge.sentences])
    headings = [(c.section or ("",))[-1] for c in knowledge.chunks]  # matched once per passage, not per sentence
    named = np.sum(shown, axis=0)  # how many options each sentence writes
    out: list[float | None] = []
    for text, w in zip(texts, written):
        if w is None:
            out.append(None)
            continue
        head = _name_re(text, plural=True)
        under = np.array([bool(head.search(h)) for h in headings])[rows] & (named == 0)
        own = np.flatnonzero(w & (named == 1) | under)
        after = own + 1
        after = after[after < len(sents)]
        after = after[(rows[after] == rows[after - 1]) & (named[after] == 0)]
        lines = np.concatenate([own, after])
        out.append(float(near[lines].max()) if len(lines) else None)
    return out


def table_fits(knowledge, texts: list[str], stem_vec: np.ndarray) -> list[float | None]:
    """Per option, how close the stem comes to what a table of the material says of it
    (rag/columns.py ``said_of``): "Airtight, Examples" for "steel caddy" in that row's examples
    cell, "Water: boiling; Steep: four minutes" for a row the option labels. A table
    lays its rows side by side, so what sets one option apart is its row's label or its
    column's header, which a sentence-by-sentence reading of the row misses. None: no table
    row holds the option."""
    lowered = [t.lower() for t in knowledge.sentence_texts]
    said: list[list[str]] = []
    for text in texts:
        words = columns.words_of(text)
        found = []
        if 0 < len(text.split()) <= 6:
            for s, low in zip(knowledge.sentences, lowered):
                if all(w in low for w in words):
                    what = columns.said_of(knowledge.sources[knowledge.chunks[s.row].source], s.start, text)
                    if what:
                        found.append(what)
        said.append(found)
    flat = [t for found in said for t in found]
    if not flat:
        return [None] * len(texts)
    sims = iter(knowledge.embedder.embed_queries(flat) @ stem_vec)
    return [max(float(next(sims)) for _ in found) if found else None for found in said]


CODE_LIKE_RE = re.compile(r"[a-z][A-Z]|[_=:/()]|\w\.\w|[A-Za-z]-\w|[A-Za-z]\d")


def _name_re(option: str, plural: bool = False) -> re.Pattern | None:
    """A short option as a sentence writes it (``plural``: or with a plural ending, "Lysosome"
    in "lysosomes"); None for a sentence-long one."""
    name = option.strip()
    if len(name) < 3 or len(name.split()) > 4 or not re.search(r"[A-Za-z]", name) or re.search(r"[.;?!]\s|,", name):
        return None
    body = re.escape(name)
    if plural and re.search(r"[a-z](?:on|um)$", name):  # "Mitochondrion" in "mitochondria", "bacterium"
        body = rf"{re.escape(name[:-2])}(?:{name[-2:]}|a)"
    elif plural and re.search(r"[a-z]us$", name):  # "nucleus" in "nuclei"
        body = rf"{re.escape(name[:-2])}(?:us|i)"
    ending = "(?:e?s)?" if plural and name[-1].isalpha() else ""
    # "PARALLEL", a mode written in capitals, is not the everyday word "parallel".
    flags = 0 if re.fullmatch(r"[A-Z][A-Z0-9_\-]+", name) and len(name) > 4 else re.I
    return re.compile(rf"(?<![\w\-]){body}{ending}(?![\w\-])", flags)


def _written(option: str, sentences: list[str], plural: bool = False) -> np.ndarray | None:
    """Which sentences write a short option (``_name_re``); None for a sentence-long one."""
    pattern = _name_re(option, plural)
    if pattern is None:
        return None
    return np.array([pattern.search(t) is not None for t in sentences], dtype=bool)


def rival_sentences(options: dict[str, str], sentences: list[str]) -> dict[str, np.ndarray]:
    """Per option, the sentences that write another option written like code ("holdPeriod",
    "pre-pour", "Steep-Time: 4m") and not it: what they say is that option's evidence
    ("Forgetting ErrorSlot on the Catch …" speaks for ErrorSlot, however close it reads to the
    stem with OutPick). Words of a language ("update", "Unemployment
    insurance") and values ("20 mg/min") are also said in passing, so they mark no rival.

    >>> r = rival_sentences({"A": "ErrorSlot", "B": "OutPick", "C": "update"}, ["Set ErrorSlot, then update.", "Picks."])
    >>> r["A"].tolist(), r["B"].tolist(), r["C"].tolist()
    ([False, False], [True, False], [False, False])
    """
    written = {k: _written(v, sentences) for k, v in options.items()}
    none = np.zeros(len(sentences), dtype=bool)
    out = {}
    for k in options:
        others = [m for j, m in written.items() if j != k and m is not None and CODE_LIKE_RE.search(options[j])
                  and not re.match(r"\s*[\d.$€£%-]", options[j])]
        rival = np.logical_or.reduce(others) if others else none
        own = written[k] if written[k] is not None else none
        out[k] = rival & ~own
    return out


def negated_support(knowledge, question, scores: list[OptionScore]) -> bool:
    """For 'Which statement about X is NOT correct?': how well each option is supported by
    what the guide says about X, minus how much better it fits another service (a true
    statement about the wrong service is the classic wrong option). False when the stem
    names no subject X ('Which option is NOT suitable for steady millisecond traffic?')."""
    named = [s for s in knowledge.catalog.find(question.search_text) if not s.generic]
    if not named:
        return False
    subject = named[0]
    about = [i for i, s in enumerate(knowledge.sentences)
             if knowledge.section_service.get(s.row) is subject or subject.name in s.services]
    others = [i for i, s in enumerate(knowledge.sentences)
              if i not in set(about) and (knowledge.section_service.get(s.row) is not None or s.services)]
    if not about:
        return False
    vecs = knowledge.embedder.embed_queries([english_of(o.text) for o in scores])
    for o, v in zip(scores, vecs):
        own = float(np.max(knowledge.sentence_vecs[about] @ v))
        other = float(np.max(knowledge.sentence_vecs[others] @ v)) if others else 0.0
        o.evidence = own - max(0.0, other - own)
    return True


def named_together(options: dict[str, str], sentences: list[str], rows: list[int], sentence_rows: list[int],
                   size: int) -> dict[frozenset[str], int]:
    """The sets of ``size`` (2 or more) short options that one sentence of the passages ``rows``
    (best first) writes together and alone, each with the first such sentence. What a "Choose
    two" asks is usually one list of the material ("the gateway kind serves only Tin and
    Lead"), and that list names no third option; what an "all of these EXCEPT" item asks is the
    option its list leaves out.

    >>> named_together({"A": "Tin", "B": "Lead", "C": "Zinc"}, ["Zinc, Tin and Lead.", "Only tins and Lead."],
    ...                [0], [0, 0], 2) == {frozenset("AB"): 1}
    True
    """
    if size < 2:
        return {}
    rank = {r: n for n, r in enumerate(rows)}
    near = sorted((i for i, r in enumerate(sentence_rows) if r in rank), key=lambda i: (rank[sentence_rows[i]], i))
    written = {k: _written(v, [sentences[i] for i in near], plural=True) for k, v in options.items()}
    if any(w is None for w in written.values()):
        return {}
    out: dict[frozenset[str], int] = {}
    for j, i in enumerate(near):
        named = frozenset(k for k, w in written.items() if w[j])
        if len(named) == size and (size == 2 or _one_run([options[k] for k in named], sentences[i])):
            out.setdefault(named, i)
    return out


def table_columns(options: dict[str, str], sentences: list[str], rows: list[int], sentence_rows: list[int],
                  size: int) -> dict[frozenset[str], int]:
    """The sets of ``size`` (3 or more) short options that one table of the passages ``rows``
    holds in its first column, no other option there, each with that table's first row naming
    one: "All of these are Scrum events EXCEPT" is answered by a table of the events, one per
    row, that the left-out option is not a row of.

    >>> rows = ["| Event | Length |", "|---|---|", "| **Sprint** | 1 month |", "| Review | 4 h |", "| Retro | 3 h |"]
    >>> [(sorted(held), i) for held, i in table_columns(
    ...     {"A": "Sprint", "B": "Review", "C": "Retro", "D": "Backlog"}, rows, [0], [0] * 5, 3).items()]
    [(['A', 'B', 'C'], 2)]
    """
    if size < 3:
        return {}
    patterns = {k: _name_re(v, plural=True) for k, v in options.items()}
    out: dict[frozenset[str], int] = {}
    for row in dict.fromkeys(rows):
        cells = [(i, _first_cell(sentences[i])) for i, r in enumerate(sentence_rows) if r == row]
        cells = [(i, c) for i, c in cells if c]
        named = {k: next((i for i, c in cells[1:] if p is not None and p.fullmatch(c)), None) for k, p in patterns.items()}
        held = frozenset(k for k, i in named.items() if i is not None)
        if len(held) == size:
            out.setdefault(held, min(i for i in named.values() if i is not None))
    return out


LIST_HEADER_SHARED = 2  # words a list's header must share with the stem to be the list it asks of


def listed(options: dict[str, str], lists: list[tuple[str, list[int]]], sentences: list[str], stem: str,
           size: int) -> dict[frozenset[str], int]:
    """The sets of ``size`` (3 or more) short options that the items of one list whose header
    shares the stem's words name, each written in an item, no other option there: "All of the
    following are among Le Corbusier's five points EXCEPT" is answered by the list under "Le
    Corbusier's Five Points of a New Architecture:" that the left-out option is no item of.
    ``lists``: (header, item sentence indices), as Knowledge.headed_lists and lead_lists give.

    >>> items = ["**Pilotis**: columns lift it.", "**Free plan**: walls anywhere.", "**Roof garden**: on top."]
    >>> [(sorted(held), i) for held, i in listed(
    ...     {"A": "Pilotis", "B": "Roof garden", "C": "A central hearth", "D": "Free plan"},
    ...     [("Le Corbusier's Five Points:", [0, 1, 2])], items, "Which is not among Le Corbusier's five points?", 3).items()]
    [(['A', 'B', 'D'], 0)]
    """
    if size < 3:
        return {}
    patterns = {k: _name_re(v, plural=True) for k, v in options.items()}
    asked = tokens(stem)
    out: dict[frozenset[str], int] = {}
    for header, items in lists:
        if len(tokens(header) & asked) < LIST_HEADER_SHARED:
            continue
        named = {k: next((i for i in items if p is not None and p.search(sentences[i])), None) for k, p in patterns.items()}
        held = frozenset(k for k, i in named.items() if i is not None)
        if len(held) == size:
            out.setdefault(held, min(i for i in named.values() if i is not None))
    return out


def denied_in_list(options: dict[str, str], sentences: list[str], rows: list[int], sentence_rows: list[int],
                   asked: str, section_of) -> dict[frozenset[str], int]:
    """Options a retrieved sentence lists as *not* being what the stem asks: "Mitochondria,
    chloroplasts and ribosomes are NOT part of it" under "The endomembrane system", for "Which
    is NOT part of the endomembrane system?". The sentence, or its section's heading, must share
    a content word of five letters or more with the stem ``asked``; ``section_of(row)``: a passage's headings.

    >>> denied_in_list({"A": "Golgi", "B": "Mitochondrion"}, ["Golgi is a stack.", "Mitochondria and plastids are not part of it."],
    ...                [0], [0, 0], "Which is NOT endomembrane?", lambda row: ("The endomembrane system",))
    {frozenset({'B'}): 1}
    """
    rank = {r: n for n, r in enumerate(dict.fromkeys(rows))}
    asked_words = {w for w in tokens(asked) if len(w) >= 5}
    patterns = {k: _name_re(v, plural=True) for k, v in options.items()}
    out: dict[frozenset[str], int] = {}
    for i in sorted((i for i, r in enumerate(sentence_rows) if r in rank), key=lambda i: (rank[sentence_rows[i]], i)):
        m = NOT_LISTED_RE.search(sentences[i])
        if m is None:
            continue
        context = tokens(" ".join([sentences[i], *section_of(sentence_rows[i])]))
        named = frozenset(k for k, p in patterns.items() if p is not None and p.search(m.group(1)))
        elsewhere = any(p is not None and k not in named and p.search(sentences[i]) for k, p in patterns.items())
        if named and not elsewhere and asked_words & context:
            out.setdefault(named, i)
    return out


# "A, B and C are NOT part of it": the names before a plural denial, back to a clause break.
NOT_LISTED_RE = re.compile(r"(?:^|[.;:=]\s)([^.;:=]{3,200}?)\s+(?:are|is)\s+(?:\*{1,2}|_{1,2})?(?:not|never)\b", re.I)


def _first_cell(line: str) -> str | None:
    """A table row's first cell, less emphasis; None for a separator row or not a row."""
    m = re.match(r"\s*\|([^|]*)\|", line)
    cell = m and re.sub(r"[*_`]", "", m.group(1)).strip()
    return cell if cell and not re.fullmatch(r"[\s:\-]+", cell) else None


def _one_run(names: list[str], sentence: str) -> bool:
    """Do the names stand in one run of a list, no clause break between them?

    >>> _one_run(["Tin", "Lead", "Zinc"], "Soft metals: tin, copper, lead and zinc.")
    True
    >>> _one_run(["Tin", "Lead", "Zinc"], "Tin and lead are soft; zinc is brittle.")
    False
    """
    spans = sorted(m.span() for n in names for m in [_name_re(n, plural=True).search(sentence)] if m)
    gaps = [sentence[a[1]:b[0]] for a, b in zip(spans, spans[1:])]
    return len(spans) == len(names) and all(not re.search(r"[;!?]|\.\s", g) and
                                            all(len(piece.split()) <= 12 for piece in g.split(",")) for g in gaps)


def pick(scores: list[OptionScore], choose: int, negated: bool, subject: bool = True,
         together: dict[frozenset[str], int] | None = None) -> list[str]:
    by = {o.letter: o.score for o in scores}
    if together and not negated:
        # "Choose two": the set a retrieved sentence names alone, the better scored if several.
        best = max(itertools.combinations(sorted(by), choose),
                   key=lambda c: sum(by[x] for x in c) + TOGETHER_BONUS * (frozenset(c) in together))
        return list(best)
    left_out = {frozenset(by) - named for named in together or {}}
    if negated and len(left_out) == 1:
        # "All of these are X EXCEPT": a retrieved sentence lists every other option.
        return sorted(left_out.pop())
    denied = [o for o in scores if o.denied]
    if negated and 0 < len(denied) <= choose:
        # "Which can NOT be used …?": the material says so of an option, with the stem's words.
        rest = pick([o for o in scores if not o.denied], choose - len(denied), negated, subject) \
            if choose > len(denied) else []
        return sorted([o.letter for o in denied] + rest)
    if negated and subject:
        # The option the guide supports least about the stem's subject: evidence alone (the
        # decision would favour the subject's own service, which NOT questions invert).
        ranked = sorted(scores, key=lambda o: o.evidence)
    elif negated:
        # No subject: the stem states a need, and the option the evidence points to least
        # for that need is the one that is NOT suitable.
        ranked = sorted(scores, key=lambda o: o.score)
    else:
        ranked = sorted(scores, key=lambda o: o.score, reverse=True)
    return sorted(o.letter for o in ranked[:choose])
