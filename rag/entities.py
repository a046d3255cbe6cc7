"""The things a study text teaches, found from its own structure, not from vendor names.

A study text names what it teaches where it defines it: a heading ("Provisioned Throughput",
"Guardrails for Amazon Bedrock — Safety Controls"), the lead term of a bullet or line
("• Stop sequences — strings that ...", "- **Hash join**: build a hash table ..."), a bold
term, the first cell of a Markdown table row, an acronym's long form ("Generalized
Inverted Index (GIN)") or one side of an "X vs Y" line. Each found name comes with the
words of where it was defined (its heading path and the line that introduces its list),
which say what *kind* of thing it is: "Serializable" under "Isolation Levels" is a level.

>>> [d.name for d in definitions("- **Hash join**: build a hash table. Best for equi-joins.", ("Joins",))]
['Hash join']
>>> [d.name for d in definitions("Temperature vs Max tokens — one sets randomness.", ())]
['Temperature', 'Max tokens']
>>> sorted(d.name for d in heading_names("Inference Modes — On-Demand, Provisioned Throughput, Batch"))
['Batch', 'Inference Modes', 'On-Demand', 'Provisioned Throughput']
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from studyrag.rag.english import ordinary

BULLET = r"(?:[•\-*▪◦·]|\d{1,2}[.)])"
TERM = r"[A-Z`\"“(]?[\w`][\w`'’./+\-]*(?:[ \t]+[\w`(][\w`'’./+\-()]*){0,5}"
# "- **Term**: ...", "**Term.** ...", "| **Term** | ...": a bold term that opens a line or cell.
BOLD_RE = re.compile(r"\*\*([^*\n]{2,60}?)\*\*|__([^_\n]{2,60}?)__")
# "*Image*: read-only template", "*Service* = desired state": a term marked in italics where
# it is defined (italics elsewhere are mostly emphasis: "*never*", "*before*").
ITALIC_RE = re.compile(r"(?:(?<![*\w])\*(?=[^\s*])([^*\n]{2,60}?)(?<=[^\s*])\*(?![*\w])|"
                       r"(?<![_\w])_(?=[^\s_])([^_\n]{2,60}?)(?<=[^\s_])_(?![_\w]))(?=[ \t]*(?:[:=—–(]|-[ \t]))")
# "• Term — definition", "- Term: definition", "- *Term*: definition" (a line's lead term).
# A parenthetical before the dash or colon gives other names, not part of this one:
# "Shadow deployment (traffic mirroring or dark launch): copy live requests …".
LEAD_RE = re.compile(rf"^[ \t]*(?:{BULLET}[ \t]+)?(?:\*\*?|__?)?({TERM}?)(?:\*\*?|__?)?([ \t]+\([^()\n]{{1,60}}\))?[ \t]*(—|–|--|:)[ \t]+\S", re.M)
TABLE_ROW_RE = re.compile(r"^[ \t]*\|[ \t]*([^|\n]{1,60}?)[ \t]*\|", re.M)
# A plain-text table row, cells split by " | " and no outer bars: "Firestore | Document NoSQL | Serverless".
BARE_ROW_RE = re.compile(r"^[ \t]*([^|\s][^|\n]{0,59}?)[ \t]+\|[ \t]+[^|\n]*\S[ \t]+\|[ \t]+\S", re.M)
# "clopidogrel (Plavix)", "sacubitril/valsartan (Entresto)", "Kubernetes (Kube)": a one-word
# name followed by another one-word name in parentheses, capitalised and not an acronym (those
# are ACRONYM_RE's), is one thing with two names: a generic and its brand, a tool and its nickname.
PAREN_NAME_RE = re.compile(r"(?<![\w\-/])([A-Za-z][a-z][\w\-]{2,}(?:/[a-z][\w\-]{2,})?)[ \t]+\(([A-Z][a-z]{3,}[\w\-]*)\)")
LIST_WORDS = frozenset("as and or like including e g eg i ie plus with to of for from by on in at then via vs".split())
DETERMINERS = frozenset("the a an this that these those its their our your his her each every any some no".split())
PAREN_NOT_NAMES = frozenset("""the and with from that this then than also such used using both only each either
called known named example default""".split())
ACRONYM_RE = re.compile(r"\b((?:[A-Z][\w\-]+[ \t]+){1,5}[A-Z][\w\-]+)[ \t]*\(([A-Z][A-Za-z0-9\-]{1,9})\)")
# "Firestore is a serverless document database", "Cloud Data Fusion is Google's ...": a
# capitalised name opening a sentence that says what it is.
SUBJECT_RE = re.compile(
    r"(?:^|(?<=[.!?][ \t])|(?<=\n))[ \t]*([A-Z][\w/+\-]*(?:[ \t]+[A-Z0-9][\w/+\-]*){0,3})"
    r"[ \t]+(?:is|are)[ \t]+(?:an?|the|[A-Z][\w]*['’]s)[ \t]")
# "Job bookmarks are the Glue feature that persists state": a sentence that opens on a name
# written in lower case after its first word says what it is only with a relative clause.
KIND_OF_SUBJECT_RE = re.compile(
    r"(?:^|(?<=[.!?][ \t])|(?<=\n))[ \t]*([A-Z][a-z][\w/+\-]*(?:[ \t]+[a-z][\w/+\-]*){1,2})[ \t]+(?:is|are)[ \t]+"
    r"(?:an?|the)[ \t]+(?:[\w\-]+[ \t]+){0,5}?(?:that|which|where|who|for|used|in which)\b")
# "Shared Libraries hold reusable Groovy code", "Sealed Secrets encrypts a secret": two to four
# capitalised words opening a sentence that goes on to say what they do.
SUBJECT_VERB_RE = re.compile(
    r"(?:^|(?<=[.!?][ \t])|(?<=\n))[ \t]*([A-Z][\w\-]*(?:[ \t]+[A-Z][\w\-]*){1,3})"
    r"(?:[ \t]+[a-z]+)?[ \t]+[a-z]+[ \t]+(?:a|an|the|one|each|every|all|any|its|their|only|reusable|several|it|them)\b")
# A label whose text defines it ("interruptible: true: allows a running job to be cancelled",
# "Job: a unit of work"): an article, or a verb and its object, after an optional value.
DEFINING_RE = re.compile(
    r"(?:[\w.\-]+:[ \t]+)?(?:an?[ \t]+\w|[a-z]+s[ \t]+(?:a|an|the|one|several|all|any|each|every|only|its|their|it|them|you|sure|until|to)\b)")
# Names written like code in running text: "PreSync", "SealedSecret", "repository_dispatch".
CODE_NAME_RE = re.compile(
    r"(?<![\w./\-@$])([A-Z]?[a-z]+(?:[A-Z][a-z0-9]+)+|[A-Z][A-Z]?[a-z]+[A-Z][a-z]+\w*|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w/\-(])")
# A command or a setting written as code: "`kilnctl status`", "`ss -tulpn`", "`strategy.matrix`",
# "`kilnctl ramp --slow 2h`"; not a path, a value or a placeholder ("`/etc/fstab`", "`10`",
# "`<file>`"). A trailing placeholder or path is not part of the name: "`kilnctl log <date>`"
# and "`kilnctl log /var/kiln`" name "kilnctl log".
CODE_SPAN_RE = re.compile(r"`([a-z][\w.\-]{1,30}(?:[ \t]+[\w.+:=~^@{}\-]{1,20}){0,3})(?:[ \t]+(?:<[^<>`\n]{1,20}>|/[\w./\-]*))*`")
# A function or method written as a call ("find(sub)"; group 1: "find"), and written as code
# with the special names: "`find()`", "`discard(x)`", "`__str__`".
CALL_RE = re.compile(r"((?:__)?[A-Za-z][\w.]{1,30}?(?:__)?)\([^()`\n]{0,15}\)")
CODE_CALL_RE = re.compile(rf"`({CALL_RE.pattern}|__[a-z][a-z0-9_]{{1,20}}__)`")
NOT_SUBJECTS = frozenset("it its this that these those there here each every everything nothing something "
                         "what which who one both neither either all most some many another such".split())
VS_SPLIT_RE = re.compile(r"\s+(?:vs\.?|versus)\s+", re.I)
# "Training / Inference" and "Read/Write" are two names; "Pub/Sub" and "TCP/IP" are one.
LIST_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+|\s+/\s+|(?<=\w{4})/(?=\w{4})")
DASH_SPLIT_RE = re.compile(r"\s+[—–]\s+|——|\s+-\s+|:\s+")
# "X for <product>", "X on <product>": the feature of a product is X.
OF_PRODUCT_RE = re.compile(r"^(.+?)\s+(?:for|on|in|with)\s+[A-Z].*$")
# "2. FIFO", "12 STEEPING", "(b) Units": numbering; "20 weeks" is a quantity.
NUMBERING_RE = re.compile(r"^\s*(?:\d+(?:\.\d+)*(?:[.)]|(?=\s+[^a-z\s]))|[IVX]+\.|[A-Z]\.|\([a-z0-9]\)|[a-z]\))\s+")
WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")
# A date is when something happened, not a thing the material teaches: "May", "28 June 1914",
# "6–12 September 1914", "March 3, 1918", "1917".
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAYS = r"\d{1,2}(?:\s*[–-]\s*\d{1,2})?"
DATE_RE = re.compile(rf"(?:(?:{_DAYS}\s+)?{_MONTH}(?:\s+{_DAYS})?(?:,?\s+\d{{4}})?|\d{{4}}(?:\s*[–-]\s*\d{{2,4}})?)", re.I)


@dataclass(frozen=True)
class Definition:
    name: str
    how: str  # "heading" | "lead" (term — ...) | "label" (Term: ...) | "term" (term: a ...) | "does" (X Y hold ...) | "code" (PreSync) | "bold" | "table" | "is_a" (X is a ...) | "acronym" | "vs" | "item" (Label: X (gloss), Y (gloss)) | "alias:<long form>"
    offset: int = 0  # where in the text it was found


def clean_name(raw: str) -> str:
    """'**LEFT (OUTER) JOIN**' -> 'LEFT (OUTER) JOIN'; '`pg_dump`.' -> 'pg_dump'.

    >>> clean_name("(b) Units-of-activity"), clean_name("2. FIFO"), clean_name("12 STEEPING"), clean_name("20 weeks")
    ('Units-of-activity', 'FIFO', 'STEEPING', '20 weeks')
    """
    s = re.sub(r"[*`]+|^_+|_+$|(?<=\s)_+|_+(?=\s)", "", raw)  # emphasis marks, not snake_case
    s = NUMBERING_RE.sub("", s)
    s = re.sub(r"^(?:the|a|an)\s+", "", s.strip(), flags=re.I)
    return re.sub(r"\s+", " ", s).strip(" .,;:!?\"“”'’")


QUESTION_OPENING_RE = re.compile(r"(?:[Ww]hich|[Ww]hat|[Hh]ow|[Ww]hy|[Ww]hen|[Ww]here|[Ww]ho|[Ww]hose)\s")


def plausible(name: str) -> bool:
    """A name, not a sentence, a label or a date: 1-6 words, starts with a letter or digit, no
    verb-y tail.

    >>> plausible("Treaty of Brest-Litovsk"), plausible("3 March 1918"), plausible("May"), plausible("1917")
    (True, False, False, False)
    >>> plausible("20 weeks"), plausible("24-month"), plausible("3NF")
    (False, False, True)
    >>> plausible("blend(a, b)"), plausible("__str__"), plausible("Which control chart")
    (True, True, False)
    """
    words = name.split()
    if not (1 <= len(words) <= 6) or len(name) < 2 or len(name) > 60:
        return False
    if CODE_CALL_RE.fullmatch(f"`{name}`"):
        return True  # "blend(a, b)", "__str__": a call or a special name, commas and all
    if not re.match(r"[A-Za-z0-9]", name) or name.endswith(("?", "'s")) or re.search(r"[,;!?]", name):
        return False
    if DATE_RE.fullmatch(name) or QUANTITY_RE.fullmatch(name):
        return False
    if QUESTION_OPENING_RE.match(name):
        return False  # "Which control chart?": a heading that asks, not a thing
    return not re.search(r"\b(?:is|are|was|were|has|have|will|can|should|must|does|do)\b", name)


# "**12 minutes**", "6-month", "3-5 days": a figure with its unit, how much of something, never a
# thing the material teaches ("3NF" and "802.11ax", written without a space, are names).
QUANTITY_RE = re.compile(r"[~≈<>≥≤$€£¥]*\d[\d.,]*(?:\s*[-–]\s*\d[\d.,]*)?[\s\-][a-z]{1,10}")


def heading_names(heading: str) -> list[Definition]:
    """The names a heading gives: each side of its dashes, 'vs' and lists, less 'for <product>'."""
    out: list[Definition] = []
    for part in heading_parts(heading):
        sides = VS_SPLIT_RE.split(part)
        for side in sides:
            for piece in {side, *LIST_SPLIT_RE.split(side)}:
                for cand in {piece, OF_PRODUCT_RE.sub(r"\1", piece)}:
                    name = clean_name(re.sub(r"\(.*?\)", "", cand))
                    # A side of "volumes vs bind mounts vs tmpfs" is a name however it is written.
                    if plausible(name) and (name[:1].isupper() or len(sides) > 1):
                        out.append(Definition(name, "heading"))
    return out


def heading_parts(heading: str) -> list[str]:
    """A heading's parts that name things: after a dash comes a tagline ("JumpStart —
    Pre-trained Model Hub"), unless it lists things ("Inference Modes — On-Demand, Batch").

    >>> heading_parts("Hivekit — Beekeeping Log App"), heading_parts("Modes — Batch, Stream")
    (['Hivekit'], ['Modes', 'Batch, Stream'])
    """
    parts = DASH_SPLIT_RE.split(NUMBERING_RE.sub("", heading))
    return parts[:1] + [p for p in parts[1:] if re.search(r",|\s(?:vs\.?|versus|and|or)\s", p)]


def definitions(text: str, section: tuple[str, ...] = (), elsewhere: str = "") -> list[Definition]:
    """Names a passage defines: bold terms, line lead terms, table first cells, acronyms, 'X vs Y'.
    ``elsewhere``: the material's running text, where a table's column names are found again."""
    out: list[Definition] = []
    heading_stems = {stem(w) for h in section for w in WORD_RE.findall(h)}
    emphasis = [*BOLD_RE.finditer(text), *ITALIC_RE.finditer(text)]
    for m in emphasis:
        raw = m.group(1) or m.group(2)
        # "**Range** partitioning" under "Partitioning vs Sharding": the name is "Range partitioning".
        noun = re.match(r" ([a-z][a-z\-]{3,})\b", text[m.end():m.end() + 40])
        if noun and stem(noun.group(1)) in heading_stems and len(raw.split()) <= 2:
            raw = f"{raw} {noun.group(1)}"
        for side in VS_SPLIT_RE.split(raw):
            out.append(Definition(clean_name(side), "bold", m.start()))
    for m in LEAD_RE.finditer(text):
        defines = DEFINING_RE.match(text, m.end() - 1)
        term = m.group(1) + (m.group(2) or "")  # "Tool use (function calling)" keeps its other name
        term = term if plausible(clean_name(term)) else m.group(1)
        for side in VS_SPLIT_RE.split(term):
            # A defining text makes a colon label ("Job: a unit of work") or a lower-case lead
            # term ("input — pauses the pipeline") a term.
            how = "vs" if " vs" in term else ("term" if defines else "label") if m.group(3) == ":" \
                else "term" if defines and side[:1].islower() else "lead"
            out.append(Definition(clean_name(side), how, m.start()))
    for m in TABLE_ROW_RE.finditer(text):
        after = text[m.end():].split("\n", 2)
        is_header = len(after) > 1 and re.fullmatch(r"[\s:\-|]+", after[1] or "x")
        if is_header or re.fullmatch(r"[\s:\-|]*", m.group(1)):
            continue
        if not _attribute_rows(text, m.start(), " ".join(section), elsewhere):
            out.append(Definition(clean_name(row_name(after[0], m.group(1))), "table", m.start()))
    for m in BARE_ROW_RE.finditer(text):
        before = _line_before(text, m.start())
        if BARE_RULE_LINE_RE.match(before):  # "1 | Consumer app | …" under "------|------"
            before = _line_before(text, m.start() - len(before) - 1)
        if BARE_ROW_RE.match(before):  # the first row is the header
            line_end = text.find("\n", m.end(1))
            rest = text[m.end(1):line_end if line_end >= 0 else len(text)].strip(" \t|")
            out.append(Definition(clean_name(row_name(rest, m.group(1))), "table", m.start()))
    out.extend(aligned_table_heads(text))
    for m in SUBJECT_RE.finditer(text):
        if m.group(1).split()[0].lower() not in NOT_SUBJECTS:
            out.append(Definition(clean_name(m.group(1)), "is_a", m.start()))
    for m in KIND_OF_SUBJECT_RE.finditer(text):
        words = m.group(1).lower().split()
        if not set(words) & (NOT_SUBJECTS | LIST_WORDS | DETERMINERS) and not words[0].endswith("ly"):
            out.append(Definition(clean_name(m.group(1)), "is_a", m.start()))
    for m in SUBJECT_VERB_RE.finditer(text):
        if m.group(1).split()[0].lower() not in NOT_SUBJECTS | {"the", "a", "an"}:
            out.append(Definition(clean_name(m.group(1)), "does", m.start()))
    for line in re.finditer(r"[^\n]+", text):
        out.extend(Definition(name, "item", line.start() + start) for name, start, _e in inline_items(line.group(0)))
    for m in CODE_NAME_RE.finditer(text):
        out.append(Definition(m.group(1), "code", m.start()))
    for m in CODE_SPAN_RE.finditer(text):  # "`ss -tulpn` = listening ports", "`copytruncate` (for …)"
        out.append(Definition(m.group(1), "code", m.start()))
    for m in CODE_CALL_RE.finditer(text):
        out.append(Definition(m.group(1), "code", m.start()))
    for m in PAREN_NAME_RE.finditer(text):  # "clopidogrel (Plavix)": a name and its other name
        base = clean_name(m.group(1))
        before = re.findall(r"[\w']+", text[max(0, m.start() - 30):m.start()])
        # "the effect (Pigou)", "user namespaces (RootlessKit)": a word led by a determiner or
        # an ordinary word is a common noun with an example or an author, not a name.
        led = bool(before) and (before[-1].lower() in DETERMINERS or
                                before[-1].islower() and base.islower() and before[-1] not in LIST_WORDS)
        if led and not re.search(r"\s", m.group(1)) and before[-1].lower() not in DETERMINERS and \
                len(before) > 1 and before[-2].lower() in DETERMINERS | LIST_WORDS:
            # "with citric acid (Descalex)", "the sodium percarbonate (Puly)": a two-word name
            base, led = f"{before[-1]} {base}", False
        if base.lower() not in PAREN_NOT_NAMES and not led:
            out.append(Definition(base, "paren", m.start()))
            out.append(Definition(m.group(2), f"alias:{base}", m.start()))
    for m in ACRONYM_RE.finditer(text):
        long = clean_name(m.group(1))
        out.append(Definition(long, "acronym", m.start()))
        out.append(Definition(m.group(2), f"alias:{long}", m.start()))  # the same thing, shorter
    for m in SHORT_FORM_RE.finditer(text):  # "Angiotensin-converting enzyme (ACE)": its initials spell it
        long = spelled_by(text[max(0, m.start() - 80):m.start()], m.group(1))
        if long:
            out.append(Definition(long, "acronym", m.start() - len(long)))
            out.append(Definition(m.group(1), f"alias:{long}", m.start()))
    seen: set[str] = set()
    return [d for d in out if plausible(d.name) and not (d.name in seen or seen.add(d.name))]


# "Main recipes: User-Personalization (a list per user), Similar-Items (related items), and
# Item-Affinity (which users will like an item)": a line listing names, each with its gloss.
INLINE_ITEM_RE = re.compile(
    r"(?:(?<=:[ \t])|(?<=,[ \t])|(?<=\band[ \t])|(?<=\bor[ \t])|(?<=;[ \t]))"
    r"([A-Z][\w\-/+.]*(?:[ \t][A-Z0-9][\w\-/+.]*){0,3})[ \t]+\(([^()\n]{6,200})\)")


SHORT_FORM_RE = re.compile(r"(?<=[\w\-])[ \t]*\(([A-Z][A-Z0-9]{1,7})s?\)")  # "Season Passes (SPs)": SP
FUNCTION_INITIALS = frozenset("of the and for in on to a an".split())  # "area under the curve" is AUC


def spelled_by(before: str, short: str) -> str | None:
    """The words just before a short form whose initials spell it, however they are written.

    >>> spelled_by("3. Angiotensin-converting enzyme", "ACE"), spelled_by("the area under the curve", "AUC")
    ('Angiotensin-converting enzyme', 'area under the curve')
    >>> spelled_by("keeps the cell neutral", "ACE") is None
    True
    """
    words = before.split()
    for n in range(1, min(len(words), len(short) + 2) + 1):
        tail = words[-n:]
        initials = "".join(p[0] for w in tail for p in re.split(r"-", w) if p and p.lower() not in FUNCTION_INITIALS)
        if initials.lower() == short.lower() and tail[0][:1].isalpha() and tail[0][0].lower() == short[0].lower():
            return clean_name(" ".join(tail))
    return None


def inline_items(line: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of each glossed item of a line that lists two or more of them.

    >>> [n for n, _s, _e in inline_items("Modes: Batch (nightly files), Stream (events as they come).")]
    ['Batch', 'Stream']
    >>> inline_items("Use Batch (nightly files) for reports.")
    []
    """
    found = [(clean_name(m.group(1)), m.start(), m.end()) for m in INLINE_ITEM_RE.finditer(line)]
    found = [f for f in found if plausible(f[0])]
    return found if len(found) >= 2 else []


# A line of a column table: cells split by bars or by runs of spaces ("Haematocrit   40-54%").
TABLE_LINE_RE = re.compile(r"\||\w {2,}\w")
BULLETED_RE = re.compile(r"[ \t]*[•\-*▪◦·][ \t]")


def glossary_entries(texts: list[str], reach: int = 3) -> set[str]:
    """Names of "Term: definition" lines that stand among lines like them: notes written as a
    glossary define a term once and may never use it again, so such a name is a thing
    though the text says it once. A "Rule of thumb:" line among prose stays a label, and so
    do the fields of a bullet list ("- Defaults: ...").

    >>> notes = ("Surfactant: a film on the alveoli.\\nElastance: recoil.\\nCompliance: stretch.\\nPlain prose.\\n"
    ...          "Rule of thumb: see above.\\nMore prose.\\nAnd more.")
    >>> sorted(glossary_entries([notes]))
    ['Compliance', 'Elastance', 'Surfactant']
    """
    out: set[str] = set()
    for text in texts:
        lines = [x for x in _prose_lines(text) if not TABLE_LINE_RE.search(x.strip())]
        lines = [x for x in lines if _entry_line(x) or not _title_line(x)]  # a title parts sections
        entry = [_entry_line(x) for x in lines]
        for i, line in enumerate(lines):
            near = entry[max(0, i - reach):i] + entry[i + 1:i + 1 + reach]
            if entry[i] and near and sum(near) * 2 > len(near):
                out.update(d.name for d in definitions(line) if d.how in ("label", "term") and d.offset == 0)
    return out


def _prose_lines(text: str) -> list[str]:
    """The text's non-empty lines outside code fences ("  image: nginx" is no entry)."""
    out, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif line.strip() and not fenced:
            out.append(line)
    return out


def _title_line(line: str) -> bool:
    """"8.4 Surface tension and surfactant", "Other receptors": short, no sentence's end."""
    s = line.strip()
    return len(s.split()) <= 8 and not re.search(r"[.!?;:)\]]$", s)


def _entry_line(line: str) -> bool:
    m = LEAD_RE.match(line)
    return bool(m and m.group(3) == ":" and not BULLETED_RE.match(line))


def _attribute_rows(text: str, offset: int, heading: str = "", elsewhere: str = "") -> bool:
    r"""Is the table holding ``offset`` one whose columns are the things? Its header leaves its
    first cell blank ("| | Britain | Germany |"), or heads it with one everyday word over
    columns written as names that the material names again ("| Feature | SQS Standard | SQS
    FIFO |", not "| Cell | Adult range (×10^9/L) | % of WBC |"). Its rows' labels
    ("Ships lost", "Price") are what is said of each, not things.

    >>> t = "| | Britain | Germany |\n|---|---|---|\n| Ships lost | 14 | 11 |"
    >>> _attribute_rows(t, t.index("| Ships")), _attribute_rows(t.replace("| |", "| Side |", 1), t.index("| Ships"))
    (True, False)
    >>> q = "| Feature | Queue Std | Queue FIFO |\n|---|---|---|\n| Price | $0.40 | $0.50 |\nQueue Std or Queue FIFO?"
    >>> _attribute_rows(q, q.index("| Price")), _attribute_rows(q.replace("Queue Std", "Use case"), q.index("| Price"))
    (True, False)
    """
    header = table_header(text, offset)
    if header is None:
        return False
    if re.match(r"[ \t]*\|[ \t]*\|", header):
        return True
    cells = [c.strip() for c in header.strip().strip("|").split("|")]
    return len(cells) >= 3 and re.fullmatch(r"[A-Za-z]+", cells[0]) is not None and ordinary(cells[0]) \
        and all(_written_as_name(bare) and _named_again(bare, text, heading, elsewhere)
                for bare in (c.split(" (")[0] for c in cells[1:]))


def _named_again(name: str, text: str, heading: str, elsewhere: str) -> bool:
    """Is a header cell's name used again: in the passage beside its header, in its heading, or
    in the material's running text (``elsewhere``, lower case)?"""
    return text.count(name) >= 2 or name in heading or name.lower() in elsewhere


def _written_as_name(cell: str) -> bool:
    """A capital or a digit after the first letter: \"SQS FIFO\", \"Amazon S3\", not \"Use case\"."""
    return any(ch.isupper() or ch.isdigit() for ch in cell[1:])


def table_lines(src: str, start: int) -> list[str] | None:
    """The header row of the table ``start`` sits in, then the rows down to ``start``'s own."""
    line_start = src.rfind("\n", 0, start) + 1
    end = src.find("\n", start)
    line = src[line_start:end if end >= 0 else len(src)]
    bare = bool(BARE_ROW_RE.match(line))
    # "Pan roasting  Stirred by hand": columns set apart by spaces (never in code)
    width = 0 if src.count("```", 0, line_start) % 2 else aligned_width(line)
    if not bare and not line.lstrip().startswith("|") and not width:
        return None
    rows = [line]
    pos = line_start
    while pos > 0:
        prev_start = src.rfind("\n", 0, pos - 1) + 1
        prev = src[prev_start:pos - 1]
        if width and _continues_row(prev):
            pos = prev_start  # the wrapped end of the row above's last cell
            continue
        if not (BARE_ROW_RE.match(prev) if bare else prev.lstrip().startswith("|") if not width
                else aligned_width(prev) == width):
            break
        rows.insert(0, prev)
        pos = prev_start
    if width and len(rows) < 3:
        below = [x for x in src[end + 1:end + 2000].split("\n") if not _continues_row(x)] if end >= 0 else []
        if len(rows) < 2 or not below or aligned_width(below[0]) != width:
            return None  # two lines with wide gaps are not yet a table
    return [r for r in rows if not re.fullmatch(r"[\s:\-|]+", r)]


def table_header(src: str, start: int) -> str | None:
    """The header row of the table whose row starts at ``start`` (None outside a table, or for
    the header itself)."""
    lines = table_lines(src, start)
    return lines[0] if lines is not None and len(lines) >= 2 else None


# "| 4 | Fine-tuned models | …", "| #2 | …": a first cell that only counts the rows.
ORDINAL_CELL_RE = re.compile(r"#?\d{1,2}\.?")
BARE_RULE_LINE_RE = re.compile(r"[ \t]*-{2,}[-|+: \t]*\|[-|+: \t]*$")


def row_name(rest: str, first: str) -> str:
    """The cell that names a table row: its first, unless that only numbers the rows ("4",
    "#2"); then the next. ``rest``: the row after its first cell.

    >>> row_name("Fine-tuned models | You fine-tune an FM", "4"), row_name("Document NoSQL | x", "Firestore")
    ('Fine-tuned models', 'Firestore')
    """
    if not ORDINAL_CELL_RE.fullmatch(first.strip()):
        return first
    after = [c.strip() for c in rest.split("|") if c.strip()]
    return after[0] if after and plausible(clean_name(after[0])) else first


def _line_before(text: str, offset: int) -> str:
    end = text.rfind("\n", 0, offset)
    return text[text.rfind("\n", 0, end) + 1:end] if end > 0 else ""


def lead_in(text: str, offset: int) -> str:
    """What introduces the list or table an offset sits in: the line before the list
    ('Physical join algorithms. These ...'), and for a table row also its header row."""
    lines = text[:offset].splitlines()
    header = ""
    for line in reversed(lines[-60:]):
        s = line.strip()
        if s.startswith("|") or BARE_ROW_RE.match(s):
            header = s if not re.fullmatch(r"[\s:\-|]*", s) else header
            continue
        if s and not re.match(rf"{BULLET}\s", s):
            return (s[:200] + " " + header).strip()
    return header


ALIGNED_CELL_SEP_RE = re.compile(r"(?<=\S) {2,}(?=\S)")


def _continues_row(line: str) -> bool:
    """An indented line of one cell under a space-aligned row: its last cell, wrapped."""
    return line.startswith("  ") and bool(line.strip()) and not ALIGNED_CELL_SEP_RE.search(line.strip())


def aligned_width(line: str) -> int:
    """How many cells a line of a space-aligned table has (0 for a line with bars or one cell)."""
    if "|" in line:
        return 0
    cells = ALIGNED_CELL_SEP_RE.split(line.strip())
    return len(cells) if len(cells) >= 2 else 0


LABEL_ROWS = 3  # rows whose first cell repeats: that cell is a field's label, not a name


def aligned_table_heads(text: str) -> list[Definition]:
    r"""The first cells of a plain-text table whose columns are set apart by runs of spaces
    ("Fluid-bed roasting  Hot air lifts the beans …"), as a saved page or a text file
    keeps it: each row under its header, as :func:`table_lines` reads the table. Code is not
    a table: a first cell must be a name.

    >>> rows = "Method  How the heat reaches the beans\nDrum roasting  A hot rotating drum\nPan roasting  Stirred by hand"
    >>> [d.name for d in aligned_table_heads(rows)]
    ['Drum roasting', 'Pan roasting']
    >>> aligned_table_heads("Default  one\nplain sentence here.\nOther  two")
    []
    >>> [d.name for d in aligned_table_heads("Stage  Sign\nFirst crack  beans pop;\n       steam escapes\nCooling  cold air")]
    ['First crack', 'Cooling']
    >>> rows = "TEA  Kind  WATER  Heat\nTEA  Sencha  WATER  75 °C\nTEA  Assam  WATER  boiling\nTEA  Oolong  WATER  90 °C"
    >>> [d.name for d in aligned_table_heads(rows)]
    ['Sencha', 'Assam', 'Oolong']
    """
    rows = [(m, ALIGNED_CELL_SEP_RE.split(m.group(0).strip())) for m in re.finditer(r"[^\n]+", text)
            if aligned_width(m.group(0)) and table_header(text, m.start()) is not None]
    # "BREW  Sencha  WATER  75 °C" row after row: a first cell every row repeats is the label
    # of the field after it, and that field names the row.
    firsts = Counter(cells[0] for _m, cells in rows)
    out: list[Definition] = []
    for m, cells in rows:
        at = 1 if firsts[cells[0]] >= LABEL_ROWS and len(cells) > 2 else 0
        name = row_name(" | ".join(cells[at + 1:]), cells[at])
        if not re.search(r"[=(){}\[\]<>`;]", name):
            line = m.group(0)
            out.append(Definition(clean_name(name), "table", m.start() + len(line) - len(line.lstrip())
                                  + line.strip().find(name)))
    return out


def flat_table_heads(table: str, elsewhere: str) -> list[Definition]:
    r"""The first cells of a table saved without its cell borders, where a web page's table
    lost them ("Stop sequences Strings that end generation — — …"): a row's first cell is
    its longest opening phrase (up to five words) that the material also uses outside the
    table (``elsewhere``, lower case), followed by a word that can open the next cell
    (a capital, a digit, a quote or a dash). The first line is the header. A table where
    fewer than half the rows have such a cell is not read at all.

    >>> rows = "Parameter What it controls\nStop sequences Strings that end it\nMax tokens Upper limit on length\nTop-k Few candidates"
    >>> [d.name for d in flat_table_heads(rows, "use stop sequences. max tokens caps length")]
    ['Stop sequences', 'Max tokens']
    """
    lines = table.split("\n")
    if len(lines) < 4 or any("|" in x or "\t" in x or re.search(r"\S {2,}\S", x) for x in lines):
        return []  # cells with borders, tabs or aligned columns are read where they are kept
    if any(re.search(r"[.:]$| = ", x.strip()) for x in lines):
        return []  # sentences or worked sums, one per line, are not a table
    out, offset = [], len(lines[0]) + 1
    for line in lines[1:]:
        words = line.split()
        for n in range(min(5, len(words) - 2), 0, -1):
            head = " ".join(words[:n])
            if head.count("(") != head.count(")") or not re.match(r"[A-Z0-9\"“(\-—–]", words[n]):
                continue
            bare = re.sub(r"\s*\([^()]*\)", "", head).strip().lower()
            if re.match(r"[a-z0-9]", bare) and re.search(rf"(?<![\w-]){re.escape(bare)}(?![\w-])", elsewhere):
                out.append(Definition(clean_name(head), "flat", offset))
                break
        offset += len(line) + 1
    return out if len(out) * 2 >= len(lines) - 1 else []


def collect(chunks, elsewhere: str = "") -> list[tuple[str, str, frozenset[str]]]:
    """(name, how, kind stems) for every name the chunks define; ``chunks`` have .text, .section
    and .kind; ``elsewhere``: the material's running text in lower case, where a flattened
    table's first cells are found again (:func:`flat_table_heads`)."""
    out = []
    for c in chunks:
        found = definitions(c.text, c.section, elsewhere)
        if getattr(c, "kind", "") == "table" and elsewhere:
            header = " ".join(c.text.split("\n", 1)[0].split()[:3])
            out.extend((d.name, d.how, kind_words(d.name, c.section, header))
                       for d in flat_table_heads(c.text, elsewhere))
        for d in found:
            # "Firestore is a serverless document database": what it is says its kind.
            intro = re.split(r"[.;:]", c.text[d.offset:d.offset + 160])[0] if d.how == "is_a" \
                else lead_in(c.text, d.offset)
            out.append((d.name, d.how, kind_words(d.name, c.section, intro)))
        subject = list_subject(c.text, c.section, found)
        if subject:
            out.append((subject, "subject", kind_words(subject, c.section[:-1], "")))
    return out


def list_subject(text: str, section: tuple[str, ...], found: list[Definition]) -> str | None:
    """The sub-heading a list describes: "### Varroa mite" over "- A reddish parasite that ..."
    bullets that define nothing of their own is the thing they describe. A sub-heading over
    defined terms ("### Biometric error rates" over "- **FAR** — ...") only groups them.

    >>> list_subject("- A reddish parasite.\\n- Treat in winter.", ("Pests", "Varroa mite"), [])
    'Varroa mite'
    >>> list_subject("- **FAR** — impostor gets in.", ("Auth", "Error rates"), [Definition("FAR", "bold")])
    """
    if len(section) < 2 or any(d.how in ("lead", "label", "bold", "table", "vs") and d.offset <= 4 for d in found):
        return None
    lines = [x for x in text.splitlines() if x.strip()]
    if not lines or sum(bool(re.match(rf"\s*{BULLET}\s", x)) for x in lines) < max(1, len(lines) // 2):
        return None
    name = clean_name(re.sub(r"\s*\(.*?\)", "", section[-1]))
    return name if plausible(name) and len(name.split()) <= 4 and name[:1].isupper() else None


def kind_words(name: str, section: tuple[str, ...], intro: str) -> frozenset[str]:
    """Stems of the words that say what kind of thing a name is: its own, its headings', its list's lead-in."""
    words = " ".join([name, *section, intro])
    return frozenset(stem(w) for w in WORD_RE.findall(words) if len(w) > 2)


def stem(word: str) -> str:
    """'Levels' -> 'level', 'indexes' -> 'index', 'families' -> 'family' (enough to match a kind)."""
    w = word.lower()
    for suffix, repl in (("ies", "y"), ("xes", "x"), ("ses", "s"), ("ches", "ch")):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            return w[: -len(suffix)] + repl
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
