"""Follow-up questions made standalone from the conversation, before the question is read.

A follow-up leans on the last turn in one of four ways:
- it points back with a pronoun ("who approves *it*?", "那*它*…"): the thing the last
  answer was about replaces the pronoun (after quotes, the one they name that the last
  question called by a noun of its name: "the treaty it signed" → the treaty the quotes
  name), and the follow-up keeps its own kind (a fact
  asked about that thing); it is searched with the last question's words too ("and how
  long is *that* kept?" finds the line on what was asked about, not every retention line);
- it switches ("what should I use *instead*?", "and *the other one*?", "what if …, would
  that still be right?"): the last question's situation is kept, the follow-up's words are
  added, and for "instead"/"other" the last answer is excluded from the choice;
- it names a new thing in the same frame ("and for Serverless Inference?"): that thing
  replaces the one the last question named;
- it names nothing and points nowhere ("what's the best way to get the data back without
  paying?" after ransomware, "then which part acts as our conscience?" after the id): the
  last turn's thing is added as its topic, and the last question's words help the search
  unless it asks "which …?" for a thing of its own.
An elliptical one ("and the encrypted version of it?") asks the last question again; one
that names a sibling of a word of it ("and for Th2?" after a question on Th1 cells) asks it
again with that word swapped; so does one that names the opposite of a word of it ("and the
weaker one?" after "the strong version"), or that is only a noun phrase ("and the grandpa?"
after "which instrument plays the bird?", in place of the last question's last noun).
"That tree" after a question on TreeMap points at a noun of its own: a decided answer stands
in for it, the last question's thing does not.

>>> class Cat:
...     services = []
...     def find(self, text): return [N("Model Registry")] if "Registry" in text else []
...     def core(self, name): return name.lower()
>>> class N:
...     def __init__(self, name): self.name, self.generic, self.aliases = name, False, {name}
>>> t = standalone("Who approves it?", [{"role": "user", "content": "What is Model Registry?"},
...                {"role": "assistant", "content": "Answer: Model Registry [1]"}], Cat())
>>> t.text, t.exclude
('Who approves Model Registry?', ('Model Registry',))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studyrag.rag.entities import stem

# "it" in "what's it called" stands for the answer, not for the last turn's thing.
PRONOUN_RE = re.compile(r"\b(?:it|its|it's|that|this|them|they|their|these|those)\b"
                        r"(?!\s+(?:is|are)\s+(?:a|an|the)\b)(?<!\bit\b(?=\s+(?:called|named|known)\b))", re.I)
ZH_PRONOUN_RE = re.compile(r"^(?:那|那麼|那它|這個|那個|它)|它|其")
SWITCH_RE = re.compile(
    r"\b(?:instead|the other(?: one)?|the opposite(?: one)?|another one|else|alternative|which one|what if|still (?:the )?(?:right|best|same)|"
    r"would that still|same one)\b|另一個|另外一個|換成|改用|改成|還是同一|呢[?？]?\s*$", re.I)
SAME_RE = re.compile(r"\b(?:still|same one)\b|還是同一", re.I)  # "would that still be right?" keeps the situation
# "and the one that stops on V instead?", "the kind where the arbitrator picks one offer?": another
# thing of the kind the last answer named, so a "which" question whatever the last one asked.
ANOTHER_OF_KIND_RE = re.compile(r"^\W*(?:and\s+|so\s+|what about\s+)?the\s+(?:one|kind|type|sort|version|variant)\s+"
                                r"(?:that|which|where|who|whose|with|for|in)\b", re.I)
EXCLUDE_RE = re.compile(r"\b(?:instead|the other(?: one)?|the opposite(?: one)?|another one|else|alternative)\b|另一個|另外一個|換成|改用|改成", re.I)
QUESTION_WORD_RE = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how|does|do|is|are|can|should|would)\b"
                              r"|什麼|哪|誰|何|怎|嗎|多少|為何", re.I)
# "OK, and …", "Right, so …": an acknowledgement before the continuation says nothing.
LEAD_RE = re.compile(r"^\s*(?:(?:ok(?:ay)?|right|alright|got it|thanks|great|cool)\b[\s,.!]*)?"
                     r"(?:and|or|also|then|but|so|what about|how about)\b[\s,]*", re.I)
MAX_WORDS = 30  # a longer message is a new question, not a follow-up


@dataclass(frozen=True)
class Standalone:
    text: str  # the question to read, retrieve and answer
    exclude: tuple[str, ...] = ()  # names the follow-up asks to move away from
    referent: str | None = None  # what "it" was taken to be
    carried: bool = False  # the referent was added as the topic, the follow-up does not name it
    change: str | None = None  # the follow-up's own words, when they change the last question's situation ("what if …")
    context: str | None = None  # the last question, for retrieval only: the follow-up leans on its words


def standalone(question: str, history: list, catalog) -> Standalone:
    """The follow-up made standalone (see the module docstring); unchanged when it is none."""
    prev_q, prev_a = _last_turns(history)
    if not prev_q or len(question.split()) > MAX_WORDS and not re.search(r"[\u3400-\u9fff]", question):
        return Standalone(question)
    referent, called = _referent(prev_q, prev_a, catalog)
    rest = LEAD_RE.sub("", question)
    short = len(question.split()) <= SHORT_WORDS and LEAD_RE.match(question) and not _asks_anew(rest)
    swapped = _swapped(prev_q, question) if short else None
    named_now = _named(question, catalog)
    if swapped is None and short and not named_now:
        swapped = _noun_swapped(prev_q, question)
    if swapped is not None:
        return Standalone(swapped, (), referent)
    if SWITCH_RE.search(question):
        exclude = (referent,) if referent and EXCLUDE_RE.search(question) else ()
        rest = LEAD_RE.sub('', question)
        return Standalone(f"{prev_q} {rest}", exclude, referent, change=None if SAME_RE.search(question) else rest)
    pronoun = PRONOUN_RE.search(question) or ZH_PRONOUN_RE.search(question)
    if pronoun and referent and _points_at_a_kind(question, pronoun, referent) and referent not in _decided(prev_a, catalog):
        pronoun = None  # "that tree" after a question on TreeMap: the tree, not TreeMap, is meant
    if referent and not named_now and pronoun:
        rest = LEAD_RE.sub("", question)
        if LEAD_RE.match(question) and not QUESTION_WORD_RE.search(rest):
            # "And the encrypted version of it?" asks the last question again about something new.
            return Standalone(f"{prev_q} {_replace_pronoun(rest, referent)}", (), referent)
        # "What's the file I send to it?": what a follow-up asks for is not the thing it points back to.
        # "And how long is that kept?": the last question's words find what was asked about's line,
        # unless the name the answer gave for it ("the treaty it signed with Germany": Brest-Litovsk)
        # says it better than they do ("Germany" would pull to another treaty).
        return Standalone(_replace_pronoun(question, referent), (referent,), referent, context=None if called else prev_q)
    named_before = [s for s in catalog.find(prev_q) if not s.generic]
    # "And for Serverless Inference?" asks the last question of a new thing; "and with a gaiwan,
    # how many grams go into 100 ml?" and "so a planet at 4 AU from the Sun takes how long?" ask
    # questions of their own, whatever they name.
    if named_now and named_before and LEAD_RE.match(question) and not _asks_anew_anywhere(rest) \
            and (_says_little_else(rest, named_now[0]) or POINTS_BACK_RE.search(rest)):
        out = prev_q
        for alias in sorted(named_before[0].aliases, key=len, reverse=True):
            out = re.sub(re.escape(alias), named_now[0].name, out, flags=re.I)
        if out != prev_q:
            return Standalone(out, (), named_now[0].name)
    rest = LEAD_RE.sub("", question)
    if LEAD_RE.match(question) and len(question.split()) <= 8 and not (referent and _asks_anew(rest)):
        return Standalone(f"{prev_q} {rest}", (), referent)
    if len(question.split()) <= BARE_WORDS and not any(not s.generic for s in catalog.find(question)):
        # "From what date exactly?" after "Which agency replaced the old one?": too short to be
        # a question of its own, it asks more of the last one.
        return Standalone(f"{prev_q} {rest}", (), referent, context=prev_q)
    if referent and not named_now:
        # "What's the best way to get the data back without paying?" after a question on
        # ransomware is still about ransomware: the topic goes along, the question's own words lead.
        # Its facts are found with the last question's words too; a "which …?" asks for a thing of
        # its own, which the last question's words would pull back to the last answer.
        asks_thing = re.match(r"\s*which\b", rest, re.I)
        return Standalone(f"{question} ({referent})", (), referent, carried=True, context=None if asks_thing else prev_q)
    if PRONOUN_RE.search(question) or ZH_PRONOUN_RE.search(question) or LEAD_RE.match(question):
        # "What second messenger comes out of that?": what "that" is lives in the last question,
        # which names no thing the catalog holds; its words find the passage, this one asks.
        return Standalone(question, context=prev_q)
    return Standalone(question)


BARE_WORDS = 5  # a follow-up this short that names nothing asks more of the last question
SHORT_WORDS = 10  # "and the equivalent one for Th2?": a short follow-up may swap one word of the last question
TOKEN_RE = re.compile(r"'[^'\s]{1,4}'|\"[^\"\s]{1,4}\"|[\w\-*:]+")


def _siblings(a: str, b: str) -> bool:
    """Two words of one family: "Th1"/"Th2", "TLR4"/"TLR9", "IgG"/"IgM", "'w'"/"'a'".

    >>> _siblings("Th1", "Th2"), _siblings("IgG", "IgM"), _siblings("'w'", "'a'"), _siblings("QT", "PR"), _siblings("cat", "car")
    (True, True, True, False, False)
    """
    if a.lower() == b.lower():
        return False
    if a[0] in "'\"" and b[0] in "'\"":
        return True  # quoted values ("mode 'w'", "and with 'a'?")
    if re.search(r"\d", a) and len(a) <= 8 and re.sub(r"\d+", "#", a) == re.sub(r"\d+", "#", b):
        return True
    return len(a) == len(b) >= 3 and a[:-1] == b[:-1] and a[-1].isupper() and b[-1].isupper() and not a.isupper()


# Pairs of English opposites: "and the weaker one?" after "the strong version" asks it of the weak.
OPPOSITES = dict(pair for a, b in (x.split("/") for x in """strong/weak high/low long/short fast/slow early/late
first/last positive/negative major/minor upper/lower inner/outer hard/soft hot/cold maximum/minimum max/min
direct/indirect primary/secondary active/passive internal/external explicit/implicit formal/informal acute/chronic
absolute/relative public/private open/closed input/output horizontal/vertical static/dynamic synchronous/asynchronous
manual/automatic big/small large/small increase/decrease gain/loss left/right north/south east/west inbound/outbound
upstream/downstream ascending/descending male/female old/new wet/dry heavy/light""".split())
                 for pair in ((a, b), (b, a)))


def _forms(word: str) -> list[str]:
    """A word and, for a comparative or superlative, its plain forms: 'weaker' -> weak,
    'later' -> late, 'bigger' -> big, 'earliest' -> early."""
    w = word.lower()
    out = [w]
    for end in ("est", "er"):
        if w.endswith(end) and len(w) > len(end) + 2:
            stem = w[:-len(end)]
            out += [stem, stem + "e", stem[:-1] + "y" if stem.endswith("i") else stem]
            if stem[-1] == stem[-2]:
                out.append(stem[:-1])
    return out


def _opposite(word: str, other: str) -> str | None:
    """The form of ``word`` (of the follow-up) that names the opposite of ``other`` (of the
    last question), if it does.

    >>> _opposite("weaker", "strong"), _opposite("later", "early"), _opposite("non-competitive", "competitive")
    ('weak', 'late', 'non-competitive')
    >>> _opposite("stronger", "strong"), _opposite("cat", "dog")
    (None, None)
    """
    o = other.lower()
    for form in _forms(word):
        if form in (f"non-{o}", f"non{o}", f"un{o}") or o in (f"non-{form}", f"non{form}", f"un{form}") \
                or any(OPPOSITES.get(form) == x for x in _forms(o)):
            return form
    return None


def _swapped(prev_q: str, question: str) -> str | None:
    """The last question with the one word the follow-up names a sibling or the opposite of
    put in its place.

    >>> _swapped("What transcription factor defines Th1 helper cells?", "and the equivalent one for Th2?")
    'What transcription factor defines Th2 helper cells?'
    >>> _swapped("What happens if I open a file with mode 'w'?", "and with 'a' instead?")
    "What happens if I open a file with mode 'a'?"
    >>> _swapped("What does Standard storage cost?", "and Glacier?") is None
    True
    >>> _swapped("What's the strong version of the hypothesis called?", "and the weaker one?")
    "What's the weak version of the hypothesis called?"
    """
    for word in TOKEN_RE.findall(question):
        same = [m for m in TOKEN_RE.finditer(prev_q) if _siblings(m.group(0), word)]
        if len(same) == 1:
            return prev_q[:same[0].start()] + word + prev_q[same[0].end():]
    for word in TOKEN_RE.findall(question):
        facing = [(m, _opposite(word, m.group(0))) for m in TOKEN_RE.finditer(prev_q)]
        facing = [(m, form) for m, form in facing if form]
        if len(facing) == 1:
            m, form = facing[0]
            return prev_q[:m.start()] + form + prev_q[m.end():]
    return None


# "and the grandpa?", "what about a wolf?": the follow-up is a noun phrase and nothing else.
BARE_NOUN_RE = re.compile(r"^\W*(?:and|or|what about|how about)\s+(?:for\s+)?(the|a|an)\s+([a-z][\w\-]*(?:\s+[a-z][\w\-]*)?)\s*[?.!]*\s*$", re.I)
NOT_A_NOUN = frozenset("one ones other others opposite rest same latter former next previous last first second third".split())
THE_NOUN_RE = re.compile(r"\b((?i:the|a|an))\s+([a-z][\w\-]*)\b(?!\s+(?:of|[a-z][\w\-]*\s+of)\b)")


def _noun_swapped(prev_q: str, question: str) -> str | None:
    """The last question with its last "the <noun>" put as the follow-up's noun phrase.

    >>> _noun_swapped("In the fairy tale, which instrument plays the bird?", "and the grandpa?")
    'In the fairy tale, which instrument plays the grandpa?'
    >>> _noun_swapped("What is the half-life of IgG?", "and the pentameric one?") is None
    True
    """
    m = BARE_NOUN_RE.match(question)
    if not m or any(w.lower() in NOT_A_NOUN for w in m.group(2).split()):
        return None
    slots = list(THE_NOUN_RE.finditer(prev_q))
    if not slots or slots[-1].group(2).lower() == m.group(2).lower():
        return None
    last = slots[-1]
    return prev_q[:last.start()] + f"{m.group(1)} {m.group(2)}" + prev_q[last.end():]


ASKING_WORDS = frozenset("""what which who whom whose when where why how is are was were do does did can could should
would will one ones the a an it its this that of to for in on our my your their""".split())


def _asks_anew(rest: str) -> bool:
    """Does a short follow-up ask a question of its own ("then which part acts as our
    conscience?"), not only extend the last one ("and which one is cheaper?", "and for cold
    data?")? Its own asking word, then at least three words that say something.

    >>> _asks_anew("which part acts as our conscience?"), _asks_anew("what's the one for the v6 address?")
    (True, False)
    """
    if not re.match(r"\s*(?:what|which|who|how|where|when)\b", rest, re.I):
        return False
    return _saying_words(POINTS_BACK_RE.sub(" ", rest)) >= 3


def _saying_words(text: str) -> int:
    """How many words of ``text`` say something (not asking words, not single letters)."""
    return len([w for w in re.findall(r"[\w-]+", text.lower()) if w not in ASKING_WORDS and len(w) > 1])


def _asks_anew_anywhere(rest: str) -> bool:
    """Does any clause of a follow-up ask a question of its own (see _asks_anew)?

    >>> _asks_anew_anywhere("once that's done, which account ends up receiving the net income?")
    True
    >>> _asks_anew_anywhere("for Serverless Inference?"), _asks_anew_anywhere("with a gaiwan, what about it?")
    (False, False)
    """
    return any(_asks_anew(clause) for clause in re.split(r"[,;:?]\s*|\s[—–-]\s", rest) if clause.strip())


def _says_little_else(rest: str, named) -> bool:
    """Are there at most three words besides the thing named and asking words ("for the
    Standard-IA class then?"), as in a follow-up that only puts a new thing in the last question?

    >>> class N: aliases = {"Sun"}
    >>> _says_little_else("what about for the Sun?", N()), _says_little_else("so a planet at 4 AU from the Sun takes how long?", N())
    (True, False)
    """
    left = rest
    for alias in sorted(named.aliases, key=len, reverse=True):
        left = re.sub(re.escape(alias), " ", left, flags=re.I)
    return _saying_words(left) <= LITTLE_ELSE


LITTLE_ELSE = 3
# "… who takes care of that part then?": the asking clause ends on what the last question asked
# about ("that part", "this step"), so it asks the last question again, of the thing it names.
POINTS_BACK_RE = re.compile(r"\b(?:that|this|these|those)\s+(?:part|step|bit|piece|one|thing|stage|job|task|role|aspect)s?"
                            r"\s*(?:then|now|too|again)?\s*[?.!]*\s*$", re.I)


def _named(question: str, catalog) -> list:
    """Things the follow-up names, also by a bare distinctive word ("the asynchronous one")."""
    found = [s for s in catalog.find(question) if not s.generic]
    if found:
        return found
    from studyrag.rag.signals import resolve_loose

    return resolve_loose(LEAD_RE.sub("", question), catalog)


def _last_turns(history: list) -> tuple[str | None, str]:
    """The last user question and the answer given to it (from the client: bounded and cleaned)."""
    from studyrag.rag.question import MAX_CHARS, clean

    prev_q, prev_a = None, ""
    for turn in reversed(history or []):
        role, content = (turn.get("role"), turn.get("content")) if isinstance(turn, dict) else ("user", turn[0])
        if role == "assistant" and prev_q is None and not prev_a:
            prev_a = clean(str(content or ""))[:MAX_CHARS]
        elif role == "user":
            prev_q = clean(str(content or ""))[:MAX_CHARS]
            break
    return prev_q, prev_a


def _referent(prev_q: str, prev_a: str, catalog) -> tuple[str | None, bool]:
    """What the last turn was about: the thing a decided answer leads with ("Answer: X [1]"),
    else the first thing the last question named, else the thing a quoted answer names that
    the question called by a noun of its name (then True), else the first the answer's lead names."""
    lead = prev_a.strip().splitlines()[0] if prev_a.strip() else ""
    # A decided answer ("Answer: X [1]") names it; a quoted explanation may name anything.
    for text in (_decided_lead(prev_a), prev_q):
        found = [s for s in catalog.find(text) if not s.generic]
        if found:
            return found[0].name, False
    # "… in the treaty it signed with Germany?" answered by quotes: the thing they name that the
    # question called by the noun of its name ("Treaty of Brest-Litovsk"), before whatever the
    # first quote happens to name.
    called_as = _definite_nouns(prev_q)
    quoted = [s for s in catalog.find(prev_a) if not s.generic]
    called = [s for s in quoted if called_as & {stem(w) for w in re.findall(r"[a-z][a-z\-]+", s.name.lower())}]
    if called:
        return called[0].name, True
    found = [s for s in catalog.find(lead) if not s.generic]
    return (found[0].name if found else None), False


def _definite_nouns(text: str) -> set[str]:
    """Stems of the common nouns "the" puts before the reader, not a title's ("The Design of …").

    >>> sorted(_definite_nouns("What did Russia lose in the treaty it signed? Who wrote The Design of Everyday Things?"))
    ['treaty']
    """
    return {stem(w) for w in re.findall(r"\b[Tt]he\s+([a-z][a-z\-]{3,})", text)}


# Words that follow "that"/"this" when it stands alone ("does that work?", "is that still
# right?"), not when it points at a noun ("that tree", "this same idea").
PRONOUN_VERBS = frozenset("""is was are were be been does do did done will would can could should shall may might must
has have had work mean apply happen cost take get make need change matter count help affect cover stay still also
one one's""".split())


def _points_at_a_kind(question: str, pronoun: re.Match, referent: str) -> bool:
    """Does "that"/"this" point at a noun of the follow-up's own ("the worst case height of
    *that tree*") that the last turn's thing is not named by? Then that thing does not stand in
    for it: the last question's words find what "that tree" is.

    >>> q = "and what's the worst case height of that tree?"
    >>> _points_at_a_kind(q, PRONOUN_RE.search(q), "Java"), _points_at_a_kind(q, PRONOUN_RE.search(q), "Red-black tree")
    (True, False)
    >>> q = "does that work for lists too?"
    >>> _points_at_a_kind(q, PRONOUN_RE.search(q), "Java")
    False
    """
    if pronoun.group(0).lower() not in ("that", "this"):
        return False
    nxt = re.match(r"\s+([a-z][\w\-]*)", question[pronoun.end():])
    if nxt is None or nxt.group(1) in PRONOUN_VERBS or nxt.group(1).endswith(("s", "ed")):
        return False
    return nxt.group(1) == "same" or nxt.group(1) not in referent.lower()


ANSWER_LABEL_RE = re.compile(r"^\s*(?:Answer|答案)\s*[:：]\s*")


def _decided_lead(answer: str) -> str:
    """A decided answer's lead without its label ("Answer: X [1]" -> "X [1]"); "" when the
    answer is a quoted explanation."""
    lead = answer.strip().splitlines()[0] if answer.strip() else ""
    label = ANSWER_LABEL_RE.match(lead)
    return lead[label.end():] if label else ""


def _decided(prev_a: str, catalog) -> set[str]:
    """The things a decided answer leads with ("Answer: High leverage [1]")."""
    return {s.name for s in catalog.find(_decided_lead(prev_a)) if not s.generic}


def _replace_pronoun(question: str, name: str) -> str:
    """'Who approves it?' -> 'Who approves Model Registry?'; '那它…' -> 'Model Registry…'."""
    if re.search(r"[\u3400-\u9fff]", question):
        return ZH_PRONOUN_RE.sub(lambda m: f" {name} ", question, count=1).strip()
    return PRONOUN_RE.sub(lambda m: f"{name}'s" if m.group(0).lower() in ("its", "their") else name,
                          question, count=1)
