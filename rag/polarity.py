"""Which words a sentence denies: the few words after "no", "not", "without", "n't".

A question that says "no digging allowed" shares the word *digging* with a line about the
base that needs digging; counted as shared, the word pulls the answer towards the one thing
the question rules out. Matching a denied word only where the other text denies it too keeps
"with no extra charge" matching "at no extra charge" and stops it matching "extra charge".

>>> sorted(denied_words("Shed base down by tonight, no digging allowed. Which base?"))
['allowed', 'digging']
>>> sorted(denied_words("It runs without any servers to manage, but scales well."))
['manage', 'servers']
>>> sorted(denied_words("Not only fast but cheap; no more than five minutes."))
[]
>>> sorted(denied_words("The port doesn't pass traffic until the device logs in."))
['pass', 'traffic']
"""

from __future__ import annotations

import re

TOKEN_RE = re.compile(r"[a-z][a-z0-9\-']*|[.,;:!?()\[\]—–]")
NEGATORS = frozenset("no not never without none nor neither cannot".split())
# Words that end what a negation covers: the clause turns ("no charge until …").
CLAUSE_TURNS = frozenset("""but until unless except because so while though although whereas which that who
when if then yet instead rather only""".split())
# "no more than five", "not only …": a quantity or a contrast, not a denial.
NOT_A_DENIAL = frozenset("more less later earlier fewer longer greater only just".split())
SCOPE = 3  # content words a negation covers
FUNCTION_WORDS = frozenset("any the and for are was were its with from to".split())


def _content(word: str) -> bool:
    return len(word) > 2 and word not in FUNCTION_WORDS


def denied_words(text: str, is_content=_content) -> set[str]:
    """The content words (as written, lower case) that a negation in ``text`` covers."""
    return split_words(text, is_content)[1]


def split_words(text: str, is_content=_content) -> tuple[set[str], set[str]]:
    """(words said at least once outside a negation, words said under one).

    >>> plain, denied = split_words("No cable needed: the cable is optional, no charge.")
    >>> sorted(plain), sorted(denied)
    (['cable', 'optional'], ['cable', 'charge', 'needed'])
    """
    tokens = TOKEN_RE.findall(text.lower())
    plain: set[str] = set()
    denied: set[str] = set()
    left = 0
    for i, tok in enumerate(tokens):
        if tok in NEGATORS or tok.endswith("n't"):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            left = 0 if nxt in NOT_A_DENIAL else SCOPE
            continue
        if left and (not tok[0].isalpha() or tok in CLAUSE_TURNS):
            left = 0
        if not tok[0].isalpha() or not is_content(tok):
            continue
        if left:
            denied.add(tok)
            left -= 1
        else:
            plain.add(tok)
    return plain, denied
