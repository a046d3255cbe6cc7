"""The guide's own "signal -> service" statements, and a decision made from them.

Study guides state their mappings outright: 'Scenario 6: ... Correct choice: Amazon SageMaker
Serverless Inference.', '"visual data prep" → Amazon SageMaker Data Wrangler', 'questions about
"no-code ML for BI users" point to Amazon SageMaker Canvas', 'Use batch transform for periodic
offline scoring'. Each becomes a Statement (signal text, target services, where it is).
A question is matched against the signals, not against whole chunks, so the service the guide
names for the closest signal wins; the model is never asked to choose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from studyrag.ingest.chunker import Chunk, sentence_spans
from studyrag.rag.catalog import Catalog, Service
from studyrag.rag.entities import ALIGNED_CELL_SEP_RE, ORDINAL_CELL_RE, flat_table_heads, table_header, table_lines
from studyrag.rag.polarity import split_words

ARROW_RE = re.compile(r"\s*(?:→|->|⇒)\s*")
CORRECT_RE = re.compile(r"\bCorrect (?:choice|answer)s?\s*[:：]\s*", re.I)
# signal ... CUE target
FORWARD_CUES = re.compile(
    r"\s(?:points? to|maps? to|means|is the signal for|are the signal for|is always|the answer is|"
    r"the answer combines|pick|choose|=)\s", re.I
)
# CUE target when/for signal
BACKWARD_RE = re.compile(r"^\s*(?:[•\-*▪]\s+|\d{1,2}[.)]\s+)?(?:then\s+)?(?:pick|use|choose)\s+(.{3,120}?)\s+(?:when|for|if)\s+(.+)$", re.I)
TRAP_RE = re.compile(r"^(.{3,120}?\svs\.?\s.{3,120}?)\s+[—–-]{1,2}\s+(.{3,200}?\svs\.?\s[^.;]{3,200})")
# "Cost of goods purchased = Purchases − Returns + Freight-In" computes its left side from the
# names on its right; it does not say the right side is what the left side needs.
DEFINED_OPEN_RE = re.compile(r"^\s*(.{2,80}?)(\s+=\s+|\s+[—–-]{1,2}\s+|:\s+)(.+)$", re.S)
FORMULA_RE = re.compile(r"\s[+−÷×]\s|\s[-*/]\s")
LOOSE_WORD_RE = re.compile(r"[A-Za-z][\w\-]+")

WEIGHTS = {"pair": 1.0, "explicit": 1.0, "definition": 0.95, "scenario": 0.85, "mention": 0.82, "section": 0.8}


@dataclass(frozen=True)
class Statement:
    signal: str
    targets: tuple[str, ...]  # service names (Catalog display names)
    chunk_id: str
    start: int  # the sentence's span in the source file
    end: int
    kind: str  # explicit | definition | scenario | mention | section | pair
    chunk_kind: str


def resolve_loose(phrase: str, catalog: Catalog) -> list[Service]:
    """Services in a short phrase, also accepting a bare first word ('serverless')."""
    found = [s for s in catalog.find(phrase) if not s.generic]
    if found:
        return found
    words = [w.lower() for w in LOOSE_WORD_RE.findall(phrase)][:3]
    for w in words:
        w = catalog.core(w)
        hits = [s for s in catalog.services if s.in_guide and not s.generic and s.core.split()[0] == w]
        if len(hits) == 1 and catalog.stands_for(w, hits[0]):
            return hits
    return []


def whole_thing(phrase: str, catalog: Catalog):
    """The one thing a phrase is, whole (bullets, emphasis and a bracketed expansion aside), or
    None when the phrase only contains a name ("Cash realizable value" is not "Cash").

    >>> from studyrag.rag.catalog import Service
    >>> cat = Catalog([Service("LIFO", "lifo", True), Service("Cash", "cash", True)])
    >>> whole_thing("- **LIFO (last-in, first-out)**", cat).name, whole_thing("Cash realizable value", cat)
    ('LIFO', None)
    """
    text = re.sub(r"\([^)]*\)", "", re.sub(r"^[\s•\-*▪·>#]*(?:\d{1,2}[.)]\s*)?", "", phrase))
    text = text.strip(" *_`:")
    spans = [sp for sp in catalog.spans(text) if not sp[2].generic]
    if len(spans) == 1 and not re.search(r"\w", text[:spans[0][0]] + text[spans[0][1]:]):
        return spans[0][2]
    loose = resolve_loose(text, catalog) if len(text.split()) == 1 else []
    return loose[0] if len(loose) == 1 else None


def _targets(text: str, catalog: Catalog, anywhere: bool = False) -> tuple[str, ...]:
    """Only the first clause after a cue names the target(s) ("X plus Y", "X and Y"), and it
    must start with a name: "point to your data in Amazon S3" names no target. ``anywhere``
    accepts a name later in the clause ("use the SMMP library or Amazon SageMaker HyperPod")."""
    head = _first_clause(text, catalog)
    lead = re.sub(r"^\s*(?:the|an?|always|still)\s+", "", head, flags=re.I)
    found = resolve_loose(lead, catalog)
    spans = catalog.spans(lead)
    if not found or (spans and spans[0][0] > 3 and not anywhere):
        return ()
    return tuple(s.name for s in found)


CLAUSE_END_RE = re.compile(r"[.;,]|\s(?:when|because|which|while|but|for|to)\s")


def _first_clause(text: str, catalog: Catalog) -> str:
    """The text up to its first clause break that is not inside a name ("Coldstore for Lustre,
    linked to the bucket" -> "Coldstore for Lustre" when that is a thing)."""
    inside = [(a, b) for a, b, _thing in catalog.spans(text)]
    for m in CLAUSE_END_RE.finditer(text):
        if not any(a <= m.start() < b for a, b in inside):
            return text[:m.start()]
    return text


# "Fine-tune a JumpStart model ... via Amazon SageMaker Training Jobs": two services the
# guide uses together, so a question about that job is answered with both.
PAIR_LINK_RE = re.compile(r"\b(?:via|plus|together with|combined with|in combination with)\b", re.I)


QUOTE_RE = re.compile(r"[\"“]([^\"“”]{4,160})[\"”]")
# An exam's code ("AIF-C01", "SAA-C03", "AZ-900"): "On <code>, if the scenario says ..." leads in.
EXAM_CODE = r"[a-z]{2,5}-[a-z]?\d{2,3}"
LEAD_IN_RE = re.compile(
    rf"^(?:(?:on|for)\s+{EXAM_CODE},?\s*|rule of thumb[^:]*:\s*|{EXAM_CODE}\s+(?:signal|frame)\s*:\s*)*"
    rf"(?:(?:if|when)\s+(?:an?\s+)?(?:{EXAM_CODE}\s+|exam\s+)?(?:the\s+)?(?:scenario|question)s?\s+"
    r"(?:says|mentions|asks|describes|is about)\s+|questions?\s+about\s+|(?:the\s+)?scenario\s+mentions\s+)?",
    re.I,
)


def clean_signal(signal: str) -> str:
    """The content of a signal, without the guide's framing.

    >>> clean_signal('On AIF-C01, questions about "code-centric ML IDE" ')
    'code-centric ML IDE'
    """
    quotes = QUOTE_RE.findall(signal)
    if quotes and sum(map(len, quotes)) >= 0.4 * len(signal.strip(" .,:;")):
        return "; ".join(q.strip(" ,.") for q in quotes)
    return LEAD_IN_RE.sub("", signal.strip()).strip(" .,:;\"“”'•-")


QUESTION_TAIL_RE = re.compile(r"(?:^|(?<=[.!?]))\s*[^.!?]*\?\s*$")
# "Which SageMaker feature offers ...": the asking noun is no part of the situation, and
# "feature" or "store" would match the Feature Store's statements word for word.
ASKING_HEAD_RE = re.compile(
    r"^\s*(?:which|what)\s+((?:[\w-]+\s+){0,2}?)(?:features?|capabilit(?:y|ies)|services?|tools?|options?|"
    r"offerings?|solutions?|products?)\b\s*", re.I)


# The asking words at the end of a question: "... should they use?", "... is this?"
ASKING_TAIL_RE = re.compile(
    r"(?:\b(?:should|would|could|can|do|does|will)\s+(?:they|we|the \w+|it|she|he|i|you)\s+"
    r"(?:use|choose|pick|adopt|select|deploy|try|consider)\b.*"
    r"|\b(?:is|are)\s+(?:this|that|it|best|right|most \w+)\b.*"
    r"|\b(?:fits?(?:\s+best)?|best\s+fits?|meets?\s+(?:these|the|this|all|its|their)\b)(?:\s+[\w\-]+){0,3}"
    r"|^\s*(?:which|what)\s*(?:one)?\s*)\??\s*$", re.I)


def asked_need(question: str, product_words: tuple[str, ...] = ()) -> str:
    """What the asking sentence says the answer does, without its asking words ("" when it
    says nothing of it).

    >>> asked_need("The port has PortFast on. Which feature shuts it down when a BPDU arrives?")
    'shuts it down when a BPDU arrives'
    >>> asked_need("A team labels photos. Which service should they use?")
    ''
    """
    tail = QUESTION_TAIL_RE.search(question.strip())
    if not tail or not re.search(r"\b(?:which|what|should|how)\b|哪|應該", tail.group(0), re.I):
        return ""
    vendor_re = re.compile(r"\b(?:" + "|".join(map(re.escape, product_words)) + r")\b\s*", re.I) \
        if product_words else re.compile(r"(?!x)x")
    need = ASKING_TAIL_RE.sub("", vendor_re.sub("", ASKING_HEAD_RE.sub(r"\1", tail.group(0).strip())))
    return need.strip(" ?")


def scenario_text(question: str, product_words: tuple[str, ...] = ()) -> str:
    """The situation a question describes, without its 'Which service should they use?' tail
    and without ``product_words`` (the catalog's name prefixes: 'SageMaker' says nothing of the need).

    >>> scenario_text("A team labels 5,000 photos. Which SageMaker capability should they use?", ("sagemaker",))
    'A team labels 5,000 photos.'
    >>> scenario_text("Which of its model types would fit logins that look like a hijacked account?")
    'Which of its model types would fit logins that look like a hijacked account'
    """
    vendor_re = re.compile(r"\b(?:" + "|".join(map(re.escape, product_words)) + r")\b\s*", re.I) \
        if product_words else re.compile(r"(?!x)x")
    body = question.strip()
    tail = QUESTION_TAIL_RE.search(body)
    if tail and re.search(r"\b(?:which|what|should|how)\b|哪|應該", tail.group(0), re.I):
        body = body[: tail.start()].strip()
        # "Which capability runs load tests across instance types and ...?" states the need
        # itself: keep what the tail says beyond its asking words.
        need = asked_need(question, product_words)
        if len(re.findall(r"[\w-]+", need)) >= 5:
            body = f"{body} {need}".strip()
    if len(body) < 25:
        body = question
    return vendor_re.sub("", ASKING_HEAD_RE.sub(r"\1", body)).strip()


def extract(chunks: list[Chunk], sources: dict[str, str], catalog: Catalog, section_service=None) -> list[Statement]:
    """All statements. ``section_service(chunk)`` names the service a section is about: its
    sentences that name no other service are evidence for it (the heading says the topic)."""
    out: list[Statement] = []
    flat_tables = _flat_tables(chunks, "\n".join(sources.values()).lower())
    rows_here = _section_rows(chunks, sources, catalog, flat_tables)
    for c in chunks:
        src = sources[c.source]
        if c.kind == "scenario":  # "Scenario N: <signal>. Correct choice: <target>." as one
            out.extend(_from_sentence(c.text, c.start, c.end, c, catalog))
            continue
        own = section_service(c) if section_service else None
        flat_table = c.id in flat_tables
        definitions: dict[str, str] = {}  # a defined thing -> its definition's signal
        subject = None  # what the previous sentence opened with, for an "It …" after it
        for s, e in sentence_spans(src, c.start, c.end):
            sent = src[s:e]
            owner = bullet_owner(src, s, catalog)
            row = table_row(src, s, catalog)
            about = own or (subject if PRONOUN_OPEN_RE.match(sent) else None)
            # "A firewall fleet inspecting all traffic is the GWB signal", under "Load Balancing"
            # whose table's rows are the Application, Network and Gateway Balancers (GWB): about the one row it names.
            row_named = {x.name: x for x in catalog.find(sent) if x.name in rows_here.get(c.section, ())}
            if own is not None and len(row_named) == 1 and own.name not in row_named:
                about = next(iter(row_named.values()))
            # A grid row whose label is no thing still has cells that gloss their own.
            glossing = [] if row else [(thing, cell) for thing, cell in row_cells(src, s, catalog, None)
                                       if len(cell.split()) >= CELL_WORDS]
            chooser = chooser_row(src, s, catalog) if row is None and not glossing else None
            flat = flat_row(src, s, e, catalog) if flat_table and row is None and not glossing else None
            if flat:  # "Gateway Balancer (GWB) 3 Inserts virtual appliances …": a row that lost its cell borders
                found = [Statement(flat[1], (flat[0].name,), c.id, s, e, "mention", c.kind)]
            elif row:
                found = [Statement(row[1], (row[0].name,), c.id, s, e, "mention", c.kind)]
                # A cell alone ("Yelling at your dog after a bad day at work") matches a
                # scenario that the whole row, said with every label, dilutes.
                found += [Statement(cell, (owner.name,), c.id, s, e, "mention", c.kind)
                          for owner, cell in row_cells(src, s, catalog, row[0]) if len(cell.split()) >= CELL_WORDS]
            elif chooser:  # "Windows share, SMB | Coldstore for Windows": a need, then its thing
                found = [Statement(clean_signal(chooser[1]), chooser[0], c.id, s, e, "explicit", c.kind)]
            else:
                found = [Statement(cell, (thing.name,), c.id, s, e, "mention", c.kind) for thing, cell in glossing] \
                    or _from_sentence(sent, s, e, c, catalog, about, owner)
            out.extend(_glossed_items(sent, s, c, catalog))  # besides, not instead of, the sentence's own
            opening = opening_names(sent, catalog)
            subject = opening[0] if len(opening) == 1 else subject if PRONOUN_OPEN_RE.match(sent) else None
            out.extend(found)
            out.extend(_recommended_for(found, owner, definitions))
            definitions.update((st.targets[0], st.signal) for st in found
                               if st.kind in ("mention", "definition") and len(st.targets) == 1)
            if own is not None and not found and c.kind == "body" and len(sent) >= 25:
                others = [x for x in catalog.find(sent) if not x.generic and x.core != own.core]
                if not others:
                    out.append(Statement(clean_signal(sent), (own.name,), c.id, s, e, "section", c.kind))
    return out


def _glossed_items(sent: str, s: int, c: Chunk, catalog: Catalog) -> list[Statement]:
    """"Main recipes: User-Personalization (a list per user), …, and Item-Affinity (which users
    will like an item)": each glossed item is a definition of its own, quoted on its own span."""
    from studyrag.rag.entities import inline_items

    out = []
    for name, start, end in inline_items(sent):
        thing = next((x for x in catalog.find(name) if not x.generic and x.in_guide), None)
        if thing is not None and thing.core == catalog.core(name):
            out.append(Statement(clean_signal(sent[start:end]), (thing.name,), c.id, s + start, s + end,
                                 "definition", c.kind))
    return out


def _in_role_order(names: list[str], roles: list[str], catalog: Catalog) -> list[str]:
    """The names in the order their roles come: "X vs Y — Y does this; X does that" gives
    [Y, X] when each role opens by naming its side; else the names as written."""
    things = [resolve_loose(n, catalog)[:1] for n in names]
    order = []
    for role in roles:
        opening = opening_names(role, catalog)[:1]
        match = [n for n, t in zip(names, things) if t and opening and t[0] is opening[0]]
        order.append(match[0] if match else None)
    return order if None not in order and len(set(order)) == len(names) else names


def _recommended_for(found: list[Statement], owner: Service | None, definitions: dict[str, str]) -> list[Statement]:
    """What a definition bullet recommends is the answer to the situation it defines:
    "- Swarming — the colony outgrows its hive. Use a Langstroth hive for large colonies."
    makes "the colony outgrows its hive" a signal for the Langstroth hive too.

    >>> st = Statement("large colonies", ("Langstroth hive",), "c", 50, 80, "explicit", "body")
    >>> owner = Service("Swarming", "swarming", True)
    >>> [x.signal for x in _recommended_for([st], owner, {"Swarming": "the colony outgrows its hive"})]
    ['the colony outgrows its hive']
    """
    if owner is None or owner.name not in definitions:
        return []
    return [Statement(definitions[owner.name], st.targets, st.chunk_id, st.start, st.end, "explicit", st.chunk_kind)
            for st in found if st.kind == "explicit" and owner.name not in st.targets]


# Over 60 lines: the cue patterns of one sentence, tried in priority order; each branch is a few lines.


def _from_sentence(sent: str, s: int, e: int, c: Chunk, catalog: Catalog, own=None, owner=None) -> list[Statement]:
    """``own``: the service of the sentence's section; ``owner``: the thing whose definition
    bullet the sentence continues (see bullet_owner)."""
    found: list[Statement] = []

    def add(signal: str, targets: tuple[str, ...], kind: str) -> None:
        signal = clean_signal(signal)
        if targets and len(signal) >= 8:
            found.append(Statement(signal, targets, c.id, s, e, kind, c.kind))

    m = CORRECT_RE.search(sent)
    if m:
        text = re.sub(r"^Scenario\s+\d+\s*[:：]\s*", "", sent[: m.start()])
        add(text, _targets(sent[m.end():], catalog), "scenario")
        return found
    if c.kind == "scenario":
        return found
    trap = TRAP_RE.match(re.sub(r"^\s*(?:\d+[.)]|[•\-*])\s*", "", sent))
    if trap:  # "X vs Y — what X is for vs what Y is for": one signal per side
        names, roles = re.split(r"\s+vs\.?\s+", trap.group(1)), re.split(r"\s+vs\.?\s+", trap.group(2))
        if len(names) == len(roles) >= 2:
            for name, role in zip(_in_role_order(names, roles, catalog), roles):
                add(role, tuple(x.name for x in resolve_loose(name, catalog)[:1]), "explicit")
            return found
    sides = _sides_in_turn(sent, catalog)
    if sides:  # "INF vs START: INF covered …; START covered …": each side's clause is its own
        for name, clause in sides:
            add(clause, (name,), "explicit")
        return found
    opened = DEFINED_OPEN_RE.match(sent)
    thing = whole_thing(opened.group(1), catalog) if opened and not ARROW_RE.search(opened.group(1)) else None
    if thing is not None and ARROW_RE.search(sent):
        # "- **Disinflation** = inflation still positive but falling (e.g. 6% → 3%)", "- **Crowding
        # out** – borrowing → higher rates → investment falls": the arrows are inside what the
        # thing is, not a "need → thing" of their own.
        add(opened.group(3), (thing.name,), "explicit" if opened.group(2).strip() == "=" else "definition")
    elif ARROW_RE.search(sent):
        left, right = ARROW_RE.split(sent, maxsplit=1)
        targets = _targets(right, catalog)
        thing = None if targets else whole_thing(left, catalog)
        if thing is not None:  # "- **LIFO** → lower taxable income": what the thing leads to
            add(right, (thing.name,), "explicit")
        else:  # "need → thing"
            add(re.sub(r"^.*?signal\s*:\s*", "", left, flags=re.I), targets, "explicit")
    else:
        # "X converges in seconds — use X when the delay matters": the advice is a clause of its own.
        for clause in re.split(r";\s+|(?<=[.\"”])\s+(?=[A-Z])|\s+[—–]\s+(?=(?i:use|pick|choose)\s)", sent):
            b = BACKWARD_RE.match(clause)
            if b:
                add(b.group(2), _targets(b.group(1), catalog, anywhere=True), "explicit")
                continue
            for piece in re.split(r"(?<=[\"”]),?\s+(?=[A-Z]\w+ =)", clause):
                cue = FORWARD_CUES.search(piece)
                if not cue:
                    continue
                left, right = piece[: cue.start()], piece[cue.end():]
                equated = whole_thing(left, catalog) if cue.group(0).strip() == "=" else None
                if equated is not None:  # "X = what X is"
                    add(right, (equated.name,), "explicit")
                elif _targets(right, catalog) and not FORMULA_RE.search(right):
                    add(left, _targets(right, catalog), "explicit")
    named = [x for x in catalog.find(sent) if not x.generic and x.in_guide]
    link = PAIR_LINK_RE.search(sent)
    if not found and link and c.kind == "body":
        spans = [sp for sp in catalog.spans(sent) if not sp[2].generic]
        before = [sp[2] for sp in spans if sp[1] <= link.start()]
        after = [sp[2] for sp in spans if sp[0] >= link.end()]
        if before and after and before[0] is not after[0]:
            add(sent, (before[0].name, after[0].name), "pair")
            return found
    defined = _defined_here(sent, catalog)
    if not found and defined is not None and c.kind in ("body", "summary", "faq", "table"):
        # "- **git stash**: shelves changes so you can switch branches": a definition line is
        # about the thing it defines, whatever else it names in passing, and says what it is for
        # as plainly as an arrow does ("X, Y and Z run …" opens with a list, not a definition).
        add(sent, (defined.name,), "mention" if _opens_a_list(sent, defined, catalog) else "definition")
        return found
    glossed = None if found or c.kind not in ("body", "summary", "faq") else _relative_gloss(sent, catalog)
    if glossed is not None:
        # "Defense: **Dynamic ARP Inspection (DAI)**, which checks ARP messages against …": the
        # relative clause says what the thing it follows does, whatever else the sentence names.
        add(glossed[1], (glossed[0].name,), "definition")
        return found
    if not found and owner is not None and c.kind in ("body", "summary"):
        # "  - On failure the Pod is removed from Service endpoints" under "- **readinessProbe** —":
        # the detail is about the probe it hangs from, not about the Pod and Service it names.
        add(sent, (owner.name,), "section")
        return found
    if not found and own is not None and c.kind in ("body", "summary", "faq") and (
            about_own(sent, own, named, catalog) or c.kind == "faq" and not opens_with_name(sent, catalog)):
        # A sentence of X's own section that names X or opens with "It" is about X; so is a
        # FAQ answer that does not open with another name ("Do I need X if I use Y? Only if …
        # running a Y job").
        add(sent, (own.name,), "mention")
        return found
    if not found and 1 <= len(named) <= 2 and c.kind in ("body", "summary", "faq"):
        add(sent, tuple(x.name for x in named), "mention")
    return found


VS_LABEL_RE = re.compile(r"^[\s•\-*▪·]*[*_]*(.{2,60}?)\s+vs\.?\s+(.{2,60}?)[*_]*\s*[:—–]\s+(.+)$", re.S)


def _sides_in_turn(sent: str, catalog: Catalog) -> list[tuple[str, str]]:
    """"**INF vs START**: INF covered intermediate-range weapons …; START covered long-range
    ones": (side, its clause) for each clause that opens with one of the two sides; [] unless
    both sides have one.

    >>> from studyrag.rag.catalog import Catalog
    >>> cat = Catalog.from_texts(["INF and START. INF again. START again."], [], [("INF", "bold", frozenset()), ("START", "bold", frozenset())])
    >>> _sides_in_turn("**INF vs START**: INF covered short-range missiles; START covered long-range ones.", cat)
    [('INF', 'INF covered short-range missiles'), ('START', 'START covered long-range ones.')]
    """
    m = VS_LABEL_RE.match(sent)
    if m is None:
        return []
    things = [resolve_loose(side, catalog)[:1] for side in m.group(1, 2)]
    if not all(things) or things[0][0] is things[1][0]:
        return []
    out: list[tuple[str, str]] = []
    for clause in _top_level_clauses(m.group(3)):
        opening = opening_names(clause, catalog)[:1]
        side = next((t[0].name for t in things if opening and opening[0] is t[0]), None)
        if side is not None:
            out.append((side, clause.strip()))
        elif out:  # a clause that opens with neither side goes on about the last one
            out[-1] = (out[-1][0], f"{out[-1][1]}; {clause.strip()}")
    return out if {side for side, _ in out} == {t[0].name for t in things} else []


def _top_level_clauses(text: str) -> list[str]:
    """``text`` split at its semicolons outside brackets ("weapons (SS-20s; Pershing II); START …")."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(ch, 0)
        if ch == ";" and depth <= 0:
            out.append(text[start:i])
            start = i + 1
    return [c for c in out + [text[start:]] if c.strip()]


PRONOUN_OPEN_RE = re.compile(r"^[\s•\-*▪·]*(?:It|Its|They|Their|This|These)\b")


def about_own(sent: str, own: Service, named: list[Service], catalog: Catalog | None = None) -> bool:
    """In a thing's own section a sentence is about that thing, whatever else it names in
    passing: when it names the thing ("Automatic Model Tuning runs multiple training jobs"),
    opens with a pronoun for it ("It reads the change logs ... into the warehouse") or has
    no other subject ("- Collects logs from many sources (firewalls, IDS/IPS, endpoints)")."""
    return any(x.core == own.core for x in named) or bool(PRONOUN_OPEN_RE.match(sent)) or (
        catalog is not None and not opening_names(sent, catalog) and not LABEL_OPEN_RE.match(sent))


# "**Scale Sets** — identical VMs …", "Zone C: …": a line that opens by defining a term of its own.
LABEL_OPEN_RE = re.compile(r"^[\s•\-*▪·]*(?:\*\*[^*]{2,60}\*\*|[A-Z][\w/+.()\- ]{0,50}?)\s*(?:[—–:=]|\s-\s|\s→)")


def opens_with_name(sent: str, catalog: Catalog) -> bool:
    """Is a thing's name the sentence's first words (after a bullet or an article)?"""
    return bool(opening_names(sent, catalog))


def opening_names(sent: str, catalog: Catalog) -> list[Service]:
    """The names a sentence opens with: its subject ("Canvas and Autopilot both …" -> both).

    >>> cat = Catalog([Service("Canvas", "canvas", True, {"Canvas"}), Service("Autopilot", "autopilot", True, {"Autopilot"})])
    >>> [s.name for s in opening_names("Canvas and Autopilot both build models.", cat)]
    ['Canvas', 'Autopilot']
    >>> opening_names("Build models with Canvas.", cat)
    []
    """
    pos = re.match(r"[\s•\-*▪·]*(?:(?:[Tt]he|[Aa]n?)\s+)?", sent).end()
    out: list[Service] = []
    for start, end, svc in catalog.spans(sent[:200]):
        if start > pos + 1 or svc.generic:
            break
        out.append(svc)
        pos = end + len(re.match(r"(?:\s*(?:,|/|&|\band\b|\bor\b)\s*)?", sent[end:]).group(0))
    return out


def table_row(src: str, start: int, catalog: Catalog) -> tuple[Service, str] | None:
    """A table row whose first cell names a thing, with the row said in its header's words:
    "Zone C | Outer suburbs | 120 minutes" under "Zone | Covers | Transfer window" is
    (Zone C, "Covers: Outer suburbs. Transfer window: 120 minutes"). A bare row matches a question far better with its labels than as cells.

    >>> from studyrag.rag.catalog import Catalog
    >>> cat = Catalog.from_texts(["Zone C here. Zone C there."], [], [("Zone C", "table", frozenset())])
    >>> text = "Zone | Covers | Window\\nZone C | Outer suburbs | 120 minutes\\n"
    >>> table_row(text, text.index("Zone C"), cat)[1]
    'Covers: Outer suburbs. Window: 120 minutes'
    """
    lines = table_lines(src, start)
    if lines is None or len(lines) < 2 or lines[-1] == lines[0]:
        return None
    header, row = (_cells(x) for x in (lines[0], lines[-1]))
    if row and ORDINAL_CELL_RE.fullmatch(row[0]):  # "4 | Fine-tuned models | …": the next cell names it
        header, row = header[1:], row[1:]
    spans = catalog.spans(row[0]) if row else []
    if len(header) < 2 or len(row) < 2 or not spans or spans[0][2].generic:
        return None
    own = []  # the cells up to one that names another thing whole (a row can describe two)
    for h, v in zip(header[1:], row[1:]):
        thing = whole_thing(v, catalog) if v else None
        if thing is not None and not thing.generic:
            break
        own.append((h, v))
    said = ". ".join(f"{h}: {v}" for h, v in own if h and v)
    return (spans[0][2], said) if said else None


def _flat_tables(chunks: list[Chunk], text: str) -> set[str]:
    """The table chunks saved without their cell borders (rag/entities.py, ``flat_table_heads``);
    ``text``: the material in lower case."""
    return {c.id for c in chunks if c.kind == "table" and flat_table_heads(c.text, text)}


def _section_rows(chunks: list[Chunk], sources: dict[str, str], catalog: Catalog, flat_tables: set[str]) -> dict[tuple, set[str]]:
    """The things each section's tables have a row for (its parts)."""
    rows: dict[tuple, set[str]] = {}
    for c in chunks:
        if c.kind != "table":
            continue
        src = sources[c.source]
        for s, e in sentence_spans(src, c.start, c.end):
            row = table_row(src, s, catalog) or (flat_row(src, s, e, catalog) if c.id in flat_tables else None)
            if row:
                rows.setdefault(c.section, set()).add(row[0].name)
    return rows


def flat_row(src: str, start: int, end: int, catalog: Catalog) -> tuple[Service, str] | None:
    r"""A line of a table saved without its cell borders (a web page's table: rag/entities.py,
    ``flat_table_heads``) that opens with a thing the material defines: the thing, and the rest
    of the line, which describes it.

    >>> from studyrag.rag.catalog import Catalog
    >>> cat = Catalog.from_texts(["Gateway Balancer here. Gateway Balancer there."], [], [("Gateway Balancer", "flat", frozenset())])
    >>> text = "Type Layer Use\nGateway Balancer 3 Inserts virtual appliances Firewalls\n"
    >>> thing, rest = flat_row(text, text.index("Gateway"), len(text) - 1, cat)
    >>> thing.name, rest
    ('Gateway Balancer', '3 Inserts virtual appliances Firewalls')
    """
    line_start = src.rfind("\n", 0, start) + 1
    line = src[start:end]
    if src[line_start:start].strip() or "|" in line or "\t" in line or "\n" in line.strip():
        return None
    spans = catalog.spans(line)
    if not spans or spans[0][0] != 0 or spans[0][2].generic or not spans[0][2].defined:
        return None
    rest = line[spans[0][1]:].strip(" -—–:")
    rest = re.sub(r"^\s*\([^()]*\)", "", rest).strip()  # "(GWB)": the name's short form
    # The next cell opens as a table's cells do (a capital, a figure); a command's arguments do not.
    if not re.match(r"[A-Z0-9(\"“]", rest) or len(rest.split()) < CELL_WORDS:
        return None
    return spans[0][2], rest


CELL_WORDS = 4  # a cell shorter than this is a value ("UDP", "120 minutes"), not a description


def row_cells(src: str, start: int, catalog: Catalog, first: Service | None) -> list[tuple[Service, str]]:
    """The cells after the first of the table row ``start`` sits in, each with the thing it
    describes: ``first`` (the thing of the first cell; None: only cells naming their own),
    the thing a later cell names whole ("| **Avoid** | … | **Exploit** | Make sure it
    happens |" describes two), or the thing a cell names and glosses.

    >>> from studyrag.rag.catalog import Catalog
    >>> cat = Catalog.from_texts(["Avoid. Avoid. Exploit. Exploit."], [], [("Avoid", "bold", frozenset()), ("Exploit", "bold", frozenset())])
    >>> text = "Threat | Means | Opportunity | Means\\nAvoid | Remove the cause | Exploit | Make sure it happens\\n"
    >>> [(svc.name, cell) for svc, cell in row_cells(text, text.index("Avoid"), cat, cat.get("Avoid"))]
    [('Avoid', 'Remove the cause'), ('Exploit', 'Make sure it happens')]
    """
    lines = table_lines(src, start)
    if lines is None or len(lines) < 2:
        return []
    out, owner = [], first
    for cell in _cells(lines[-1])[1:]:
        named = whole_thing(cell, catalog) if cell else None
        glossed, termed = CELL_GLOSS_RE.match(cell), CELL_TERM_RE.match(cell)
        opener = whole_thing(glossed.group(1), catalog) if glossed else None
        term = whole_thing(termed.group(1), catalog) if termed and opener is None else None
        if opener is not None and not opener.generic:
            # "| Behavior goes up | Negative reinforcement (the chime stops once you buckle) |":
            # a cell that names its own thing and glosses it describes that thing; so does one
            # that ends with its term ("| Membrane pulls away from the wall (plasmolysis) |").
            out.append((opener, cell))
        elif term is not None and not term.generic:
            out.append((term, cell))
        elif first is None:
            continue  # only the cells that name their own thing
        elif named is not None and not named.generic:
            owner = named
        elif cell:
            out.append((owner, cell))
    return out


CELL_GLOSS_RE = re.compile(r"(.{2,60}?)\s*(?:\(.{6,}\)|\s[—–:-]\s.{6,})$")
CELL_TERM_RE = re.compile(r".{12,}?\s\(([^()]{2,40})\)$")


def chooser_row(src: str, start: int, catalog: Catalog) -> tuple[tuple[str, ...], str] | None:
    """A row of a table that maps needs to things, the thing in its last cell: "Windows share,
    SMB | Coldstore for Windows" is (("Coldstore for Windows",), "Windows share, SMB"). Its
    first cell names no thing; a header row ("Clue | Pick") names none at all.

    >>> from studyrag.rag.catalog import Catalog, Service
    >>> cat = Catalog([Service("Coldstore for Windows", "coldstore for windows", True, {"Coldstore for Windows"})])
    >>> text = "Clue | Pick\\nWindows share, SMB | Coldstore for Windows\\n"
    >>> chooser_row(text, text.index("Windows share"), cat)
    (('Coldstore for Windows',), 'Windows share, SMB')
    """
    line_start = src.rfind("\n", 0, start) + 1
    end = src.find("\n", start)
    line = src[line_start:end if end >= 0 else len(src)]
    row = _cells(line) if re.search(r"\s\|\s", line) else []
    if len(row) < 2 or not row[0] or any(not x.generic for x in catalog.find(row[0])):
        return None
    header = table_header(src, line_start) if len(row) > 2 else None
    if header and _targets(_cells(header)[-1] if _cells(header) else "", catalog):
        return None  # "| Feature | Cohort | Case-control |": the last cell is what one side has, not a pick
    targets = _targets(row[-1], catalog)
    code = re.fullmatch(r"`([^`<]+?)(?:\s+<[^`]*>)*`", line.strip().strip("|").split("|")[-1].strip())
    if code and not any(catalog.core(t) == catalog.core(code.group(1)) for t in targets):
        return None  # "| Undo the last commit | `tool reset --soft HEAD~1` |" names no "Tool"
    return (targets, " ".join(row[:-1])) if targets else None


def _cells(line: str) -> list[str]:
    parts = line.strip().strip("|").split("|") if "|" in line else ALIGNED_CELL_SEP_RE.split(line.strip())
    return [re.sub(r"[*_`]+", "", x).strip() for x in parts]


BULLET_LINE_RE = re.compile(r"^([ \t]*)(?:[•\-*▪◦·]|\d{1,2}[.)])[ \t]+", re.M)


def bullet_owner(src: str, start: int, catalog: Catalog) -> Service | None:
    """The thing a sentence inside a list describes: the term its own bullet defines, when the
    sentence is not that definition's first ("- **VPA** — adjusts requests. Installed as an
    add-on."), or the term of the bullet a sub-bullet hangs from ("  - Needs metrics-server"
    under "- **HPA** — ..."). None outside lists.

    >>> from studyrag.rag.catalog import Catalog
    >>> cat = Catalog.from_texts(["HPA scales. HPA again."], [], [("HPA", "bold", frozenset())])
    >>> text = "- **HPA** — changes replicas.\\n  - Needs metrics-server."
    >>> bullet_owner(text, text.index("Needs"), cat).name
    'HPA'
    >>> bullet_owner(text, 0, cat) is None
    True
    >>> para = "**HPA** – changes replicas. Works with metrics.\\n- Example: web tier."
    >>> bullet_owner(para, para.index("Works"), cat).name, bullet_owner(para, para.index("Example"), cat).name
    ('HPA', 'HPA')
    """
    line_start = src.rfind("\n", 0, start) + 1
    line_end = src.find("\n", line_start)
    own_line = src[line_start:line_end if line_end >= 0 else len(src)]
    m = BULLET_LINE_RE.match(src, line_start)
    if m is None:
        # "**Skimming** – launch high, then cut. Works when …": a later sentence of a paragraph
        # that a defined term opens describes that term, as in a bullet.
        return _term_paragraph(own_line, catalog) if start > line_start else None
    if start > m.end():  # a later sentence of a definition line
        found = _defined_here(own_line, catalog) or _equated_here(own_line, catalog)
        if found is not None:
            return found
    indent = len(m.group(1).expandtabs(4))
    pos = line_start
    while indent > 0 and pos > 0:  # up to the parent bullet: the first line indented less
        prev_start = src.rfind("\n", 0, pos - 1) + 1
        line = src[prev_start:pos - 1]
        pm = BULLET_LINE_RE.match(line)
        if line.strip() and len(line) - len(line.lstrip()) < indent:
            return _defined_here(line, catalog) if pm else None
        pos = prev_start
    if indent == 0:
        # "**Cost-plus** – add a markup.\n- Example: …": a list right under a paragraph that a
        # defined term opens (no blank line between) details that term.
        while pos > 0:
            prev_start = src.rfind("\n", 0, pos - 1) + 1
            line = src[prev_start:pos - 1]
            if not line.strip():
                return None
            if not BULLET_LINE_RE.match(line):
                return _term_paragraph(line, catalog)
            pos = prev_start
    return None


def _equated_here(line: str, catalog: Catalog) -> Service | None:
    """The thing an "X = what X is" line opens with ("- **802.1X** = port-based access control")."""
    return _defined_here(line, catalog, EQUATED_SEP_RE)


def _term_paragraph(line: str, catalog: Catalog) -> Service | None:
    """The term a paragraph line opens in bold and defines ("**Skimming** – …"), or None."""
    return _defined_here(line, catalog) if line.lstrip().startswith(("**", "__")) else None


DEFINITION_LEAD_RE = re.compile(r"^[\s•\-*·▪|]*(?:\d{1,2}[.)]\s*)?[*_`]*(?:\([a-z0-9]\)\s*)?")
# After the name: its other name in parentheses, a head word ("**Bird-in-hand theory** — …"),
# then the mark that opens the definition (':', a dash, a table bar).
DEFINITION_SEP_RE = re.compile(r"^(?:[ \t]+[a-z]+)?[*_`\s]*(?:\([^)]{1,40}\)[*_`\s]*)?(?:[:—–|]|\s--?\s|,\s)")


EQUATED_SEP_RE = re.compile(r"[*_`\s]*(?:\([^)]{1,40}\)[*_`\s]*)?=\s")


def _defined_here(sent: str, catalog: Catalog, sep: re.Pattern = DEFINITION_SEP_RE) -> Service | None:
    """The thing a definition line defines: a name opening the line and followed by ':', '—'
    or a table cell bar ("- **Hash join**: build ...", "| **LEFT JOIN** | ...")."""
    lead = DEFINITION_LEAD_RE.match(sent)
    spans = catalog.spans(sent[:120])
    if not spans or spans[0][0] != lead.end() or spans[0][2].generic:
        return None
    return spans[0][2] if sep.match(sent[spans[0][1]:]) else None


RELATIVE_RE = re.compile(r"[*_`]*\s*(?:\([^)]{1,40}\)[*_`]*)?,\s+(?:which|that)\s+(?=[a-z])")


def _relative_gloss(sent: str, catalog: Catalog) -> tuple[Service, str] | None:
    """A thing followed by ", which …" and what the clause says it does.

    >>> from studyrag.rag.catalog import Catalog
    >>> cat = Catalog.from_texts(["DHCP snooping here. DHCP snooping there."], [], [("DHCP snooping", "bold", frozenset())])
    >>> svc, said = _relative_gloss("Defense: **DHCP snooping**, which drops server messages on untrusted ports.", cat)
    >>> svc.name, said
    ('DHCP snooping', 'drops server messages on untrusted ports.')
    """
    for start, end, svc in catalog.spans(sent):
        m = RELATIVE_RE.match(sent, end)
        if m and not svc.generic:
            return svc, sent[m.end():]
    return None


def _opens_a_list(sent: str, defined: Service, catalog: Catalog) -> bool:
    """Is the name followed by a comma, not a dash or colon ("GitHub Actions, GitLab CI/CD and …")?"""
    end = next(sp[1] for sp in catalog.spans(sent[:120]) if sp[2] is defined)
    return bool(re.match(r"[*_`\s]*(?:\([^)]{1,40}\)\s*)?,", sent[end:]))


class SignalIndex:
    """Statements plus their embeddings (cached on disk next to the index)."""

    def __init__(self, statements: list[Statement], vectors: np.ndarray) -> None:
        self.statements = statements
        self.vectors = vectors
        # The same statements through a second embedder (Knowledge sets it), or None.
        self.second: np.ndarray | None = None
        self._words: list[set[str]] | None = None
        self._idf: dict[str, float] = {}
        self._denied: list[set[str]] = []

    @classmethod
    def build(cls, chunks, sources, catalog, embedder, derived, label: str, section_service=None) -> "SignalIndex":
        from studyrag.rag.knowledge import cached_vectors

        stmts = extract(chunks, sources, catalog, section_service)
        # A passing mention of infrastructure ("records in Amazon S3", "alerts via Amazon
        # CloudWatch") is no signal: statements only point to services the guide teaches —
        # those with a section or a scenario answer, or named like the guide's own products.
        prefix = dominant_prefix([x.name for x in catalog.services if x.in_guide])
        topics = {t for x in stmts if x.kind in ("scenario", "section", "explicit") for t in x.targets}
        topics |= {x.name for x in catalog.services if x.in_guide and not x.generic and prefix and x.name.startswith(prefix)}
        topics |= {x.name for x in catalog.services if x.defined and not x.generic}
        stmts = [x for x in stmts if x.kind != "pair" or set(x.targets) <= topics]
        stmts = [x if x.kind == "scenario" else Statement(x.signal, tuple(t for t in x.targets if t in topics),
                                                          x.chunk_id, x.start, x.end, x.kind, x.chunk_kind)
                 for x in stmts]
        stmts = [x for x in stmts if x.targets]
        return cls(stmts, cached_vectors(embedder, [x.signal for x in stmts], derived, label))

    def score(self, qvec: np.ndarray, allowed_kinds: frozenset[str] | None = None,
              query: str | None = None, second_qvec: np.ndarray | None = None,
              second_share: float = 0.0) -> list[tuple[float, Statement]]:
        """Statements by similarity to the question: cosine of embeddings (blended with the
        second embedder's when ``second_qvec`` is given, at ``second_share`` or SECOND_WEIGHT),
        plus the share of the question's (idf-weighted) words that the statement also uses."""
        if not self.statements:
            return []
        sims = self.vectors @ qvec
        if second_qvec is not None and self.second is not None:
            sims = blend(sims, self.second @ second_qvec, second_share or SECOND_WEIGHT)
        lex = self._lexical(query) if query else np.zeros(len(self.statements))
        out = []
        for sim, lx, st in zip(sims.tolist(), lex.tolist(), self.statements):
            if allowed_kinds is not None and st.chunk_kind not in allowed_kinds:
                continue
            lw = SECTION_LEXICAL_WEIGHT if st.kind == "section" else LEXICAL_WEIGHT
            out.append(((sim + lw * lx) * WEIGHTS[st.kind], st))
        out.sort(key=lambda t: t[0], reverse=True)
        return out

    @property
    def scoring(self) -> str:
        """The weights ``score`` uses, as a key part ("lex0.35-sec0.2-denied-second0.3")."""
        second = SECOND_WEIGHT if self.second is not None else 0
        return f"lex{LEXICAL_WEIGHT}-sec{SECTION_LEXICAL_WEIGHT}-denied-second{second}"

    def _lexical(self, query: str) -> np.ndarray:
        """The idf-weighted share of the question's words each statement uses. A word the
        question denies ("no digging allowed") is shared only where the statement denies it too."""
        if self._words is None:
            self._words = [set(stems(x.signal)) for x in self.statements]
            self._denied = [denied_stems(x.signal) for x in self.statements]
            df: dict[str, int] = {}
            for ws in self._words:
                for w in ws:
                    df[w] = df.get(w, 0) + 1
            n = len(self._words)
            self._idf = {w: float(np.log(1 + n / c)) for w, c in df.items()}
        q = set(stems(query))
        q_denied = denied_stems(query) & q
        q_plain = q - q_denied
        weights = {w: self._idf.get(w, 0.0) for w in q}
        total = sum(weights.values()) or 1.0
        return np.array([(sum(weights[w] for w in q_plain & ws) + sum(weights[w] for w in q_denied & dn)) / total
                         for ws, dn in zip(self._words, self._denied)])


LEXICAL_WEIGHT = 0.35
# A sentence of a thing's section that does not name it ("Pricing — first 1,000 API calls per
# month free" under the catalog service): its words say less about the thing than its meaning.
SECTION_LEXICAL_WEIGHT = 0.2
# Weight of the second embedder's opinion. Two models mistake different statements for the
# question's situation, so their blend errs less. Measured 2026-12-01 (MiniLM + e5-small,
# extractive, open / closed book): blind set B 21 -> 23/30 / 22 -> 23/30, blind set A
# 22 -> 23/30 / 23 -> 24/30, paraphrases 26 -> 27/27 / 23 -> 22/27, scenarios and MCQ
# unchanged; 0.5 and more lost paraphrases (e5 alone: 21/27).
SECOND_WEIGHT = 0.3


# A question in another language reaches the first embedder (English only) as a word-by-word
# reading (rag/gloss.py); the second reads the question itself, so its opinion weighs more.
SECOND_WEIGHT_OTHER_LANGUAGE = 0.6


def blend(first: np.ndarray, second: np.ndarray, share: float = SECOND_WEIGHT) -> np.ndarray:
    """Mix two embedders' similarities to the same statements. Their cosines live on
    different scales (e5's are compressed near 0.8), so the second is first mapped onto
    the first's mean and spread over these statements."""
    if len(first) < 2:
        return first
    z = (second - second.mean()) / (second.std() + 1e-9)
    return (1 - share) * first + share * (z * first.std() + first.mean())


def dominant_prefix(names: list[str]) -> str | None:
    """The two-word start most service names share ('Amazon SageMaker'), if any."""
    counts: dict[str, int] = {}
    for n in names:
        w = n.split()
        if len(w) >= 3:
            counts[" ".join(w[:2])] = counts.get(" ".join(w[:2]), 0) + 1
    if not counts:
        return None
    best, c = max(counts.items(), key=lambda kv: kv[1])
    return best + " " if c >= 3 else None
_STOP = set("""a an the and or of to in on for with by from at as is are was were be been it its this that
these those you your they their them we our can could should would will may must not no than then so such
which what when where who how also only more most very into over about because while does do did has have
had use using one two each any all both other team company wants want need needs needed""".split())


def stems(text: str) -> list[str]:
    """Crude stems of the content words ('predictions' -> 'predic')."""
    return [w[:6] for w in re.findall(r"[a-z][a-z0-9\-]+", text.lower()) if w not in _STOP and len(w) > 2]


def denied_stems(text: str) -> set[str]:
    """Stems of the words only a negation in ``text`` covers ("no digging allowed" -> digging, allowe);
    a word the text also says plainly is not denied. They are ``stems``'s own stems, so a
    possessive is the same word in both ("user's" -> user).

    >>> sorted(denied_stems("Keep the file, not the user's copies."))
    ['copies', 'user']
    """
    plain, denied = split_words(text, lambda w: w not in _STOP and len(w) > 2)
    return set(stems(" ".join(denied))) - set(stems(" ".join(plain)))
