"""An option that says the opposite of the sentence it matches.

"It is the shortest route through the network" matches "Critical path = longest path through
the network → gives the shortest possible project duration" on its words, and the clause it
matches ("longest path through the network") says the opposite: the option swaps a word
for its antonym. Such an option is contradicted by the material, not supported by it.

Only English polar pairs are listed (general language, not any subject's knowledge).

>>> contradicts("It is the shortest route through the network",
...             "Critical path = longest path through the network → gives the shortest possible project duration.")
True
>>> contradicts("It is the longest path through the network",
...             "Critical path = longest path through the network → gives the shortest possible project duration.")
False
>>> contradicts("Horizontal privilege escalation", "- **Vertical** — normal user → administrator/root.")
True
"""

from __future__ import annotations

import re

_PAIRS = [
    ("shortest", "longest"), ("short", "long"), ("minimum", "maximum"), ("lowest", "highest"),
    ("low", "high"), ("lower", "higher"), ("less", "more"), ("fewer", "more"), ("increase", "decrease"),
    ("increases", "decreases"), ("increased", "decreased"), ("before", "after"), ("first", "last"),
    ("earliest", "latest"), ("oldest", "newest"), ("horizontal", "vertical"), ("overstated", "understated"),
    ("always", "never"), ("manual", "automatic"), ("manually", "automatically"), ("synchronous", "asynchronous"),
    ("inbound", "outbound"), ("upper", "lower"), ("smaller", "larger"), ("smallest", "largest"),
    ("faster", "slower"), ("fastest", "slowest"), ("cheaper", "costlier"), ("stateless", "stateful"),
]
OPPOSITE: dict[str, set[str]] = {}
for _a, _b in _PAIRS:
    OPPOSITE.setdefault(_a, set()).add(_b)
    OPPOSITE.setdefault(_b, set()).add(_a)

_WORD_RE = re.compile(r"[a-z][a-z\-]+")
_CLAUSE_RE = re.compile(r"\s*(?:→|->|=|;|:|,|—|–|\(|\)|\bbut\b|\bwhile\b|\bwhereas\b)\s*")
_STOP = {"the", "a", "an", "is", "are", "it", "its", "of", "to", "in", "on", "for", "and", "or", "with", "by",
         "that", "this", "be", "as", "at", "from", "one", "which", "what"}


def _words(text: str) -> set[str]:
    return {w for w in _WORD_RE.findall(text.lower()) if w not in _STOP}


def contradicts(option: str, sentence: str) -> bool:
    """Does the sentence's clause that shares most of the words around a polar word of the
    option (or, sharing none of the option's words, the term that leads the line) hold that
    word's opposite and not the word itself?

    >>> contradicts("It is the longest route and sets the minimum project duration",
    ...             "Critical path = longest path through the network → gives the shortest possible project duration.")
    False
    """
    tokens = [w for w in _WORD_RE.findall(option.lower()) if w not in _STOP]
    if _said_absent(tokens, sentence):
        return True
    polar = [i for i, w in enumerate(tokens) if w in OPPOSITE]
    if not polar:
        return False
    clauses = [{_stem(w) for w in _words(c)} | _words(c) for c in _CLAUSE_RE.split(sentence) if c.strip()]
    if not clauses:
        return False
    rest = {_stem(w) for w in tokens if w not in OPPOSITE}
    if not any(rest & c for c in clauses):  # nothing else shared: a line led by the opposite term
        lead = _words(_CLAUSE_RE.split(sentence)[0])
        return len(lead) <= 2 and any(OPPOSITE[tokens[i]] & lead and tokens[i] not in lead for i in polar)
    for i in polar:
        word = tokens[i]
        near = {_stem(w) for w in tokens[max(0, i - NEAR):i + NEAR + 1] if w not in OPPOSITE}
        overlaps = [len(near & c) for c in clauses]
        best = max(overlaps)
        if best and any(n == best and OPPOSITE[word] & c and word not in c for n, c in zip(overlaps, clauses)):
            return True
    return False


# "- **No broadcast** in IPv6.": a short line that opens by saying a thing is absent.
ABSENT_RE = re.compile(r"^[\s\-*•]*(?:\*\*|__)?no\s+([a-z][a-z\-]{3,})\b(?!\s+(?:longer|more|matter)\b)", re.I)


def _said_absent(tokens: list[str], sentence: str) -> bool:
    """Does a short sentence say "No <thing>" of the thing an unnegated option asserts?

    >>> _said_absent(["hosts", "send", "broadcasts"], "- **No broadcast** in IPv6.")
    True
    >>> _said_absent(["no", "broadcasts", "at", "all"], "- **No broadcast** in IPv6.")
    False
    """
    m = ABSENT_RE.match(sentence)
    if m is None or len(sentence.split()) > 12 or {"no", "not", "never", "without", "cannot"} & set(tokens):
        return False
    return _stem(m.group(1).lower()) in {_stem(w) for w in tokens}


NEGATION_AFTER_RE = re.compile(
    r"^[\s,]*(?:(?:by contrast|however|though|alone|itself|on its own)[\s,]+)?(?:\w+\s+){0,2}?"
    r"(?:is|are|was|were|does|do|can|could|will|should|must|has|have)?\s*(?:not|n['’]t|never|cannot)\b", re.I)
NEGATION_BEFORE_RE = re.compile(r"\b(?:not|never|no)\s+(?:\w+\s+)?$", re.I)


def denies(option: str, sentence: str) -> bool:
    """Does the sentence say the option (a name of up to five words, as written) is *not* it?

    >>> denies("White vinegar", "White vinegar, by contrast, is not a safe descaler for brass boilers.")
    True
    >>> denies("Pinecone", "Connect Pinecone or Redis if you already pay for them.")
    False
    >>> denies("Redis", "Use OpenSearch, not Redis, for this.")
    True
    >>> denies("Hungarian", "Remember: Finnish and Hungarian are *not* Indo-European.")
    True
    """
    name = re.sub(r"^(?:the|a|an)\s+", "", option.strip(), flags=re.I)
    if not name or len(name.split()) > 5:
        return False
    sentence = sentence.replace("*", "")  # "Hungarian are *not* Indo-European": emphasis, not words
    for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", sentence, re.I):
        if NEGATION_AFTER_RE.match(sentence[m.end():m.end() + 60]) or \
                NEGATION_BEFORE_RE.search(sentence[max(0, m.start() - 20):m.start()]):
            return True
    return False


NEAR = 3  # words either side of a polar word that say what it is about


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word
