"""One plan per kind of question: what the answer leads with, and what the model may explain.

Every plan returns a :class:`Plan`: the lead (text with citation markers, shown first), the
sentences the model's explanation may draw on, the things the answer names and, for
multiple choice, the picked letters. Plans never call the model; :mod:`rag.engine` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from studyrag.rag import columns, mcq
from studyrag.rag.citations import literal, quoted
from studyrag.rag.gloss import english_of
from studyrag.rag.evidence import (LIST_RE, asked_count, carried_on, covering, fact_sentences, headed_list,
                                   item_runs,
                                   side_sentences, table_rows, top_sentences)
from studyrag.rag.knowledge import Knowledge, Sentence
from studyrag.rag.question import asking_part
from studyrag.rag.contrasts import side_runs
from studyrag.rag.sides import TextSide, compare_sides


@dataclass(frozen=True)
class Plan:
    lead: str  # shown first, with citation markers
    support: list[int]  # sentence indexes the model's explanation may use
    services: tuple[str, ...] = ()  # the things the answer names (the model must not contradict them)
    choice: list[str] | None = None  # multiple choice: the picked letters
    best: int | None = None  # a fact's best sentence, wherever the quote shows it


def _lang(q) -> str:
    return "zh" if q.lang == "zh" else "en"


def which(k: Knowledge, q, svec, decision, cites) -> Plan:
    services = decision.services
    first = cites.add_statement(decision.statement)
    support = [best_in_section(k, name, svec, exclude=decision.statement) for name in services]
    support = [s for s in support if s is not None]
    marks = [first] + [cites.add_sentence(s) for s in support]
    names = " + ".join(k.catalog.shown(name) for name in services)
    label = "答案：" if _lang(q) == "zh" else "Answer: "
    lead = f"{label}{names} [{marks[0]}]\n"
    body = [k.sentences.index(s) for s in support]
    return Plan(lead, body, tuple(services))


def chosen(k: Knowledge, q, qvec, hits, decision, cites) -> Plan:
    """One of the alternatives the question offers ("a ConfigMap or a Secret, and is the Secret
    encrypted?"), then what the material says of each that the question asks."""
    first = cites.add_statement(decision.statement)
    rows = [h.row for h in hits[:3]]
    picked = _each_named(k, q, qvec, top_sentences(k, qvec, rows, n=4), rows)
    said = decision.statement
    picked = [i for i in picked if said is None or k.sentences[i].start != said.start
              or k.sentences[i].row != k.row_of.get(said.chunk_id)][:4]
    for i in picked:
        cites.add_sentence(k.sentences[i])
    label = "答案：" if _lang(q) == "zh" else "Answer: "
    return Plan(f"{label}{decision.services[0]} [{first}]\n", picked, decision.services)


def explain(k: Knowledge, q, qvec, hits, cites) -> Plan:
    faq = k.matching_faq(qvec)
    if faq is not None:  # the guide asks this question itself: quote its answer
        picked = [i for i, s in enumerate(k.sentences) if s.row == faq][:6]
    else:
        # "What are the possible effects of a taint?": a list the material heads with the
        # asked plural is the answer, wherever retrieval ranked it.
        rows = [h.row for h in hits[:3]]
        picked = headed_list(k, q.search_text, qvec, rows) or top_sentences(k, qvec, rows, n=5)
        picked = _each_named(k, q, qvec, picked, rows)
    return Plan(quoted(k, cites, picked), picked[:2])


def _each_named(k: Knowledge, q, qvec, picked: list[int], rows: list[int]) -> list[int]:
    """A question about several things ("the minimum durations of Nearline, Coldline and
    Archive") gets a sentence for each of them, in source order."""
    named = [s for s in k.catalog.find(q.search_text) if not s.generic]
    if len(named) < 2:
        return picked
    rows = list(dict.fromkeys(rows + [r for s in named for r in _rows_about(k, s)]))
    return sorted(covering(k, picked, [s.name for s in named], qvec, rows))


def fact(k: Knowledge, q, qvec, hits, cites, also: tuple[int, ...] = ()) -> Plan:
    """The sentences that hold the asked-for fact, list or number, quoted in source order.
    ``also``: passages to look in besides the retrieved ones."""
    if k.matching_faq(qvec) is not None:  # the material asks this itself: quote its answer
        return explain(k, q, qvec, hits, cites)
    rows = list(dict.fromkeys([h.row for h in hits[:4]] + list(also)))
    asked, whole_qvec = q.search_text, qvec
    about = next((s for s in k.catalog.find(asked) if not s.generic), None)
    if about is not None:
        # "Who approves Model Registry versions?": the fact is among what the material says
        # of that thing, and the question's meaning is in its other words.
        asked = _without_name(asked, about)
        qvec = k.embedder.embed_queries([asked])[0]
        rows = rows + [r for r in _rows_about(k, about) if r not in rows][:6]
    asking = asking_part(asked)
    sub_questions = [p for p in re.split(r",?\s+and\s+(?=(?:which|what|how|who|when|where)\b)", asking, flags=re.I)
                     if p.strip()]
    part_vecs = k.embedder.embed_queries(sub_questions) if len(sub_questions) > 1 else None
    count = asked_count(q.search_text)
    # "What values count as small, medium and large?" asks for figures, not a list of things.
    listed = count is not None or bool(LIST_RE.search(asking)) and not q.asks_number
    picked = fact_sentences(k, q, qvec, rows, n=count or 3, part_vecs=part_vecs, listed=listed, asked=asked,
                            count=count, whole_qvec=whole_qvec, about=about.name if about is not None else None)
    best = picked[0] if picked else None
    picked = _each_named(k, q, qvec, picked, rows)
    picked = _with_antecedents(k, picked)
    in_table = table_rows(k, q.search_text, hits, picked)
    if in_table:  # a table holds the fact: the best sentences, then its header and the asked rows
        picked = [i for i in picked if i not in in_table][:2] + in_table
    return Plan(quoted(k, cites, picked), picked[:2], best=best)


def who(k: Knowledge, q, qvec, hits, cites, decision=None) -> Plan | None:
    """A question that asks who: the fact's sentences, which name the person; when they name
    nobody, led by the name over them ("### John Snow and cholera" over "London anaesthetist; …").
    None when nothing names anybody. The passages of the decision's best statements are searched
    too: a table row that says what a person did may rank low as a passage and high as a statement."""
    also = () if decision is None else tuple(
        k.row_of[st.chunk_id] for name, _ in decision.ranking[:3]
        if (st := decision.best_statement.get(name)) is not None and st.chunk_id in k.row_of)
    plan = fact(k, q, qvec, hits, cites, also)
    if plan.best is None:
        return None
    if k.people.names_someone(plan.lead, q.search_text):
        return plan  # the quote says who
    best = k.sentences[plan.best]
    section = k.chunks[best.row].section
    # The best sentence, the heading over it, then the other sentences quoted first.
    places = [(best.text, best)] + ([(section[-1], best)] if section else []) + \
        [(k.sentences[i].text, k.sentences[i]) for i in plan.support if i != plan.best]
    for n, (text, sent) in enumerate(places):
        name = k.people.name_in(text, q.search_text)
        if name is not None and (n == 0 or k.people.is_person(name)):  # past the best sentence, only the material's people
            label = "答案：" if _lang(q) == "zh" else "Answer: "
            return Plan(f"{label}{name} [{cites.add_sentence(sent)}]\n\n{plan.lead}", plan.support, plan.services,
                        best=plan.best)
    return None


# "If a brew outlasts it, another brewer receives the same order": a sentence that opens by
# pointing back (in its first clause) says its subject in the sentence before.
POINTS_BACK_RE = re.compile(r"^\W*(?:(?:It|This|That|These|They|Its|Their|Such)\b(?!\s+(?:is|was)\s+(?:a|an|the)\s+\w+\s+(?:that|which|who))"
                            r"|(?:If|When|Once|Unless|While|Because|Before|After)\b[^,.;:]{0,60}?\b(?:it|they|them|this)\b[^,.;:]{0,40},)")


def _with_antecedents(k: Knowledge, picked: list[int]) -> list[int]:
    """Each picked sentence that points back, with the sentence before it in its passage.

    >>> bool(POINTS_BACK_RE.match("If a brew outlasts it, another brewer gets it.")), bool(POINTS_BACK_RE.match("It is a trap."))
    (True, True)
    >>> bool(POINTS_BACK_RE.match("If the brew fails, the kettle retries it."))
    False
    """
    out: list[int] = []
    for i in picked:
        before = i - 1
        if POINTS_BACK_RE.match(k.sentences[i].text) and before >= 0 and before not in picked \
                and before not in out and k.sentences[before].row == k.sentences[i].row:
            out.append(before)
        out.append(i)
    return out


def _named_in(name: str, label: str) -> bool:
    """A side's name is said in a comparison's label ("Green" in "Green Tea vs Black Tea")."""
    return all(re.search(rf"(?<!\w){re.escape(w)}", label, re.I) for w in re.findall(r"\w+", name)[:2])


def _without_name(text: str, thing) -> str:
    """'Who approves Amazon SageMaker Model Registry versions?' -> 'Who approves versions?'"""
    for alias in sorted(thing.aliases, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(alias)}(?:'s)?(?![\w-])", " ", text, flags=re.I)
    return re.sub(r"\s+", " ", text).strip()


def _rows_about(k: Knowledge, thing) -> list[int]:
    """Chunks of the thing's own section, then chunks whose sentences name it."""
    own = [r for r, svc in k.section_service.items() if svc is thing]
    named = [s.row for s in k.sentences if thing.name in s.services]
    return list(dict.fromkeys(own + named))


def compare(k: Knowledge, q, qvec, named, cites) -> Plan:
    sides = named[:4]
    by_column = _column_plan(k, q, qvec, sides, cites)
    if by_column is not None:
        return by_column
    drawn = k.closest_contrast(qvec)  # the material's own section setting these sides side by side
    if drawn is not None and all(_named_in(s.name, drawn.label) for s in sides):
        side_by_side = _side_by_side_plan(k, q, qvec, drawn, compare_sides(k.catalog, k.sentence_texts, drawn.label),
                                          cites)
        if side_by_side is not None:
            return side_by_side
    faq = k.matching_faq(qvec)
    lines = [_head(q, " vs ".join(s.name for s in sides))]
    support, used = [], set()
    for side in sides:
        ranked = side_sentences(k, side, qvec, n=6, prefer_row=faq)
        # Prefer sentences not already shown for another side; a trap line that names
        # both sides may serve both when it is all the guide says about one of them.
        idx = ([i for i in ranked if i not in used] or ranked)[:3]
        used.update(idx)
        said = [carried_on(k, k.sentences[i]) for i in idx]
        marks = " ".join(f"{literal(s.text)} [{cites.add_sentence(s)}]" for s in said)
        lines.append(f"- **{side.name}**: {marks}" if marks else f"- **{side.name}**: (not described in the guide)")
        support.extend(idx[:1])
    return Plan("\n".join(lines) + "\n", support, tuple(s.name for s in sides))


CONTRAST_SENTENCES = 3  # the comparison's own opening sentences quoted; each side adds one


def contrast(k: Knowledge, q, qvec, drawn, cites) -> Plan:
    """The material's own comparison (rag/contrasts.py), quoted: its "X vs Y" line, or the
    opening sentences of its "X vs Y" section."""
    sides = compare_sides(k.catalog, k.sentence_texts, drawn.label)
    by_column = _column_plan(k, q, qvec, sides, cites) if len(sides) >= 2 else None
    if by_column is not None:
        return by_column
    side_by_side = _side_by_side_plan(k, q, qvec, drawn, sides, cites)
    if side_by_side is not None:
        return side_by_side
    drawn_here = list(drawn.sentences)[:CONTRAST_SENTENCES]
    # Each side's own sentence that says what it is ("Cached volumes — primary data lives
    # in ..."), after the comparison itself.
    own: list[int] = []
    for side in sides:
        own += [i for i in side_sentences(k, side, qvec, n=3, leading_only=True) if i not in drawn_here + own][:1]
    body = quoted(k, cites, drawn_here).rstrip() + (" " + quoted(k, cites, own) if own else "\n")
    return Plan(f"{_head(q, drawn.label)}\n{body}", drawn_here[:2], tuple(s.name for s in sides))


def _column_plan(k: Knowledge, q, qvec, sides, cites) -> Plan | None:
    """A table with a column per side (rag/columns.py), read by column: each side's two best
    sentences of prose, then its cells under their rows' labels. The table nearest the
    question when there are several; of a long one, the rows nearest it."""
    tables = columns.find(k.sentence_texts, sides)
    if not tables:
        return None
    table = max(tables, key=lambda t: float(np.mean(k.sentence_vecs[list(t.rows)] @ qvec)))
    rows = list(table.rows)
    if len(rows) > columns.MAX_ROWS:
        near = set(np.argsort(-(k.sentence_vecs[rows] @ qvec))[:columns.MAX_ROWS].tolist())
        rows = [r for n, r in enumerate(rows) if n in near]
    lines, support = [_head(q, " vs ".join(s.name for s in sides))], []
    for side, column in zip(sides, table.columns):
        # Sentences that open with the side first ("A zoom lens lets you …"); none that opens
        # with another side or was shown for one.
        ranked = side_sentences(k, side, qvec, n=3, leading_only=True) + side_sentences(k, side, qvec, n=6)
        prose = [i for i in dict.fromkeys(ranked) if columns.cells(k.sentences[i].text) is None and i not in support
                 and not any(_opens_with(k.sentences[i].text, other) for other in sides if other is not side)][:2]
        said = " ".join(f"{literal(k.sentences[i].text)} [{cites.add_sentence(k.sentences[i])}]" for i in prose)
        cells = []
        for i in rows:
            pair = columns.side_cells(k.sentences[i].text, column)
            if pair is not None:
                label = f"{pair[0]}: " if pair[0] else ""
                cells.append(f"{label}{literal(pair[1])} [{cites.add_sentence(k.sentences[i])}]")
        lines.append(f"- **{side.name}**: " + " ".join(x for x in (said, "; ".join(cells)) if x))
        support.extend(prose)
    return Plan("\n".join(lines) + "\n", support + rows[:2], tuple(s.name for s in sides))


def _opens_with(text: str, side) -> bool:
    """Does the sentence open with the side ("A zoom lens lets you …")?"""
    text = re.sub(r"^[\W_]*(?:(?:a|an|the)\s+)?", "", text, flags=re.I)
    if isinstance(side, TextSide):
        return bool(side.pattern.match(text))
    return any(text.lower().startswith(alias.lower()) for alias in side.aliases)


def _head(q, label: str) -> str:
    """A comparison's first line: "Comparison: Green Tea vs Black Tea"."""
    return ("比較：" if _lang(q) == "zh" else "Comparison: ") + label


def _side_by_side_plan(k: Knowledge, q, qvec, drawn, sides, cites) -> Plan | None:
    """A comparison section that describes each side in turn, quoted side by side: each
    side's opening sentence and its sentence on the point asked, so neither side is left
    out. None unless the section gives every side a paragraph of its own (three sentences
    or more, opening with the side's name). ``sides``: the label's (sides.compare_sides)."""
    if len(sides) < 2 or any(k.sentences[i].text.lstrip().startswith("|") for i in drawn.body):
        return None  # a section with a table sets its sides against each other in the table
    runs = side_runs(drawn.body, lambda i: _leading_side(k, i, sides), len(sides))
    if not all(len(run) >= 3 for run in runs):
        return None  # one-line summaries ("- Crashing: money ↑"): the sides' own sentences say more
    # The point asked, without the sides' names: a sentence that repeats a name ("Green tea
    # keeps for six months") is no nearer to "how do I brew green vs black tea?" for it.
    point = q.search_text
    for word in {w for s in sides for w in re.findall(r"\w{3,}", s.name)}:
        point = re.sub(rf"(?<!\w){re.escape(word)}\w*", " ", point, flags=re.I)
    picks = _side_by_side(k, runs, k.retriever.embed_query(point) if point.strip() else qvec)
    return Plan(_head(q, drawn.label) + "\n" + "".join(quoted(k, cites, p) for p in picks), [p[0] for p in picks],
                tuple(s.name for s in sides))


def _side_by_side(k: Knowledge, runs: list[list[int]], qvec) -> list[list[int]]:
    """Each side's opening sentence and the one nearest the question; after the first side,
    also nearest what was picked for the sides before ("It is stateless, …" beside "It is
    stateful, …"), so the sides are set against each other on the same point."""
    picks: list[list[int]] = []
    for run in runs:
        before = [p[-1] for p in picks if len(p) > 1]

        def fit(i: int) -> float:
            v = k.sentence_vecs[i]
            if not before:
                return float(v @ qvec)
            # The point set first already answers the question: the parallel counts more.
            return 0.5 * float(v @ qvec) + max(float(v @ k.sentence_vecs[j]) for j in before)
        picks.append([run[0], *sorted(run[1:], key=fit, reverse=True)[:1]])
    return picks


def _leading_side(k: Knowledge, i: int, sides) -> int | None:
    """Which of ``sides`` a prose sentence ``i`` opens with ("Black tea is rolled and left to oxidise …"),
    or None (a line of code, "ENV APP_ENV=prod", is no sentence about a side)."""
    text = k.sentences[i].text
    if not re.search(r"[.!?)]$", text.strip()) or re.search(r"=|#\s", text):
        return None
    spans = k.catalog.spans(text[:80])
    for j, side in enumerate(sides):
        if isinstance(side, TextSide):
            if side.leads(text):
                return j
        elif spans and spans[0][2] is side and re.fullmatch(r"[\W_]*(?:(?:a|an|the)\s+)?", text[:spans[0][0]], re.I):
            return j
    return None


def choice(k: Knowledge, q, qvec, hits, decision, cites, llm_choice=None) -> Plan:
    """``llm_choice(q, hits, scores)``: a strong backend's letters, or None to keep the evidence's."""
    scores = mcq.score_options(k, q, qvec, decision)
    subject = mcq.negated_support(k, q, scores) if q.negated else True
    # "Choose two": the pair a sentence names alone; EXCEPT: a list of all the others, three or more
    # (two options named together say nothing of the two left out).
    size = len(scores) - q.choose if q.negated else q.choose
    together = mcq.named_together({o.letter: english_of(o.text) for o in scores}, k.sentence_texts,
                                  [h.row for h in hits], [s.row for s in k.sentences],
                                  size) if size >= (3 if q.negated else 2) else {}
    if q.negated:  # or a table whose rows are all the others, or a list headed with the stem's words
        together = mcq.table_columns({o.letter: english_of(o.text) for o in scores}, k.sentence_texts,
                                     [h.row for h in hits], [s.row for s in k.sentences], size) | together
        sections = {h.chunk.section for h in hits}  # a list may sit in the next chunk of a retrieved section
        lists = k.headed_lists + item_runs(k, {r for r, c in enumerate(k.chunks) if c.section in sections})
        together = mcq.listed({o.letter: english_of(o.text) for o in scores}, lists, k.sentence_texts,
                              q.search_text, size) | together
    if q.negated and not any(o.denied for o in scores):
        denied = mcq.denied_in_list({o.letter: english_of(o.text) for o in scores}, k.sentence_texts,
                                    [h.row for h in hits], [s.row for s in k.sentences], q.search_text,
                                    lambda row: k.chunks[row].section)
        first = next(iter(denied), frozenset())
        if 0 < len(first) <= q.choose:
            scores = [replace(o, denied=o.letter in first, best_sentence=denied[first] if o.letter in first
                              else o.best_sentence) for o in scores]
    choice = mcq.pick(scores, q.choose, q.negated, subject, together)
    listed = frozenset(o.letter for o in scores) - frozenset(choice) if q.negated else frozenset(choice)
    said = together.get(listed)
    if said is not None:  # the list that names the picks (or, for EXCEPT, all the others) says why
        scores = [replace(o, best_sentence=said) if o.letter in choice else o for o in scores]
    if llm_choice is not None:
        choice = llm_choice(q, hits, scores) or choice
    by = {o.letter: o for o in scores}
    picked = [by[c] for c in choice]
    services = tuple(s for o in picked for s in o.services)
    zh = _lang(q) == "zh"
    parts, support = [], []
    for o in picked:
        sent = k.sentences[o.best_sentence] if o.best_sentence is not None else None
        mark = f" [{cites.add_sentence(sent)}]" if sent is not None else ""
        parts.append(f"{o.letter}. {o.text}{mark}")
        if o.best_sentence is not None:
            support.append(o.best_sentence)
    head = ("答案：" if zh else "Answer: ") + "; ".join(parts)
    lines = [head]
    for i in dict.fromkeys(o.best_sentence for o in picked if o.best_sentence is not None):
        s = k.sentences[i]  # two picks one sentence names together are shown with it once
        lines.append(f"{'依據' if zh else 'Why'}: {literal(s.text)} [{cites.add_sentence(s)}]")
    rest = [o for o in sorted(scores, key=lambda o: o.score, reverse=not q.negated) if o.letter not in choice]
    if rest:
        lines.append(why_not(k, rest[0], q, cites, qvec))
    return Plan("\n".join(lines) + "\n", support, services, choice)


def why_not(k: Knowledge, o, q, cites, qvec) -> str:
    zh = _lang(q) == "zh"
    label = f"{'為何不選' if zh else 'Why not'} {o.letter}"
    if o.services and not any(k.catalog.get(s) and k.catalog.get(s).in_guide for s in o.services):
        return f"{label}: {', '.join(o.services)} is not what the guide recommends for this scenario."
    if o.services:
        svc = k.catalog.get(o.services[0])
        idx = side_sentences(k, svc, qvec, n=1) if svc else []
        if idx:
            s = k.sentences[idx[0]]
            return f"{label}: {literal(s.text)} [{cites.add_sentence(s)}]"
    return f"{label}: the guide's passages support it less than the chosen option."


def best_in_section(k: Knowledge, service_name: str, svec, exclude=None) -> Sentence | None:
    """The sentence of the service's own section (or naming it) closest to the scenario."""
    svc = k.catalog.get(service_name)
    if svc is None:
        return None
    idx = [i for i, s in enumerate(k.sentences)
           if (k.section_service.get(s.row) is svc or service_name in s.services)
           and not (exclude is not None and s.start == exclude.start)]
    if not idx:
        return None
    sims = k.sentence_vecs[idx] @ svec
    return k.sentences[idx[int(np.argmax(sims))]]
