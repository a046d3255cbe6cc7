"""Which option a shared sentence speaks for: its clauses, each read against the question.

One sentence often contrasts the options themselves: "Secret scanning detects credentials
that have been committed; GitHub push protection goes further and blocks the push before the
secret reaches the repository." Read whole, it fits both options of "Which feature stops the
commit from ever landing?" equally. Read clause by clause, the clause that names push
protection is the one that says what the question asks.

Only short options (up to four words) are read so: a whole solution has no one clause.
"""

from __future__ import annotations

import re

import numpy as np

from studyrag.rag.cooccur import STOP
from studyrag.rag.entities import stem

CLAUSE_SPLIT_RE = re.compile(r";\s+|,\s+(?:and\s+|while\s+|whereas\s+|but\s+)?|:\s+|\s+(?:while|whereas)\s+")
WORD_RE = re.compile(r"[a-z0-9][a-z0-9\-+./]*")
OPENING_RE = re.compile(r"^\W*(?:(?:the|a|an|its|their|this|these)\s+)?", re.I)
MAX_OPTION_WORDS = 4  # a whole solution ("Import the data into X. Build …") has no one clause


def _words(text: str) -> list[str]:
    return [stem(w) for w in WORD_RE.findall(text.lower()) if w not in STOP]


def _named(words: list[str], shared: set[str], part: str) -> float:
    """How fully a clause names an option as its subject: 0 unless the clause opens with the
    option's first word of its own (not shared with another option), after the words it shares
    ("Riverton Harbour …") or one capitalised qualifier ("GitHub push protection goes …");
    else the share of its words, 2 when they stand together."""
    raw = OPENING_RE.sub("", part).split()
    toks = [stem(w.strip("()[],.:;").lower()) for w in raw]
    own = [w for w in words if w not in shared]
    if not words or len(words) > MAX_OPTION_WORDS or len(raw) < len(words) + 3:
        return 0.0  # a name in a list says nothing of it
    if not own:  # "The task role" beside "The task execution role": only its words, in order, open the clause
        return 2.0 if toks[:len(words)] == words else 0.0
    i = 0
    while i < len(toks) - 1 and toks[i] in shared:
        i += 1
    if toks[i] != own[0] and not (raw[i][:1].isupper() and toks[i + 1:i + 2] == own[:1]):
        return 0.0
    have = set(toks)
    start = toks.index(words[0]) if words[0] in toks[:i + 2] else None
    if start is not None and toks[start:start + len(words)] == words:
        return 2.0
    return sum(w in have for w in words) / len(words)


def option_clauses(options: list[str], sentences: list[str]) -> list[list[tuple[int, str]]]:
    """Per option, (sentence index, clause) for each clause that opens by naming it more fully
    than any other option (at least half its words), in sentences of two or more clauses.
    A clause naming two options alike ("Trunk-based development vs Git Flow") speaks for neither.

    >>> option_clauses(["Instance runners", "Group runners"],
    ...                ["Instance runners serve every project, group runners serve a group."])
    [[(0, 'Instance runners serve every project')], [(0, 'group runners serve a group.')]]
    >>> option_clauses(["The task execution role", "The task role"],
    ...                ["The task execution role pulls images from the registry; the task role is assumed by your code."])
    [[(0, 'The task execution role pulls images from the registry')], [(0, 'the task role is assumed by your code.')]]
    """
    words = [_words(o) for o in options]
    counts: dict[str, int] = {}
    for ws in words:
        for w in set(ws):
            counts[w] = counts.get(w, 0) + 1
    shared = {w for w, n in counts.items() if n >= 2}
    firsts = {w for ws in words for w in ws if w not in shared}
    out: list[list[tuple[int, str]]] = [[] for _ in options]
    for i, sent in enumerate(sentences):
        low = sent.lower()
        if not any(f in low for f in firsts):
            continue
        parts = [p.strip() for p in CLAUSE_SPLIT_RE.split(sent) if p and len(p.split()) >= 3]
        if len(parts) < 2:
            continue
        for part in parts:
            named = [_named(w, shared, part) for w in words]
            best = max(named)
            if best >= 0.5 and named.count(best) == 1:
                out[named.index(best)].append((i, part))
    return out


def contrast(embedder, question: str, options: list[str], sentences: list[str]) -> list[float]:
    """Per option, how much better its own clause of a sentence it shares with another option
    fits the question than that other option's clause (0 when it shares none)."""
    found = option_clauses(options, sentences)
    shared = {}
    for j, clauses in enumerate(found):
        for i, part in clauses:
            shared.setdefault(i, {}).setdefault(j, []).append(part)
    shared = {i: by for i, by in shared.items() if len(by) >= 2}
    if not shared:
        return [0.0] * len(options)
    parts = sorted({p for by in shared.values() for ps in by.values() for p in ps})
    qvec = embedder.embed_queries([without_denials(question)])[0]
    sim = dict(zip(parts, (embedder.embed_passages(parts) @ qvec).tolist()))
    denied = negated_words(question)
    for p in parts:
        if affirms(p, denied):
            sim[p] -= 1.0  # it says what the question rules out: it reads alike, and is the opposite
    out = [0.0] * len(options)
    for by in shared.values():
        best = {j: max(sim[p] for p in ps) for j, ps in by.items()}
        for j, s in best.items():
            rival = max(v for k, v in best.items() if k != j)
            out[j] = max(out[j], s - rival)
    return out


ASKING_RE = re.compile(r"\b(?:which|what|who|whom|whose|when|where|why|how)\b", re.I)
NEGATION_RE = re.compile(r"\b(?:never|not|no|cannot|without)\b|n['’]t\b", re.I)


def negated_words(question: str) -> set[str]:
    """The words the question says do not happen: up to three after a negation.

    >>> sorted(negated_words("Which mode runs them in order, so a newer run never overtakes an older one?"))
    ['older', 'overtake']
    """
    out: set[str] = set()
    for m in NEGATION_RE.finditer(question):
        out |= set(_words(" ".join(question[m.end():].split()[:4]))[:3])
    return out


def without_denials(question: str) -> str:
    """The question less its side clauses that say what does not happen: read whole, "so a
    newer run never overtakes an older one" pulls it towards the clause that says a newer
    run overtakes. The clause that asks (which/what/how …) always stays.

    >>> without_denials("Which mode runs them in order, so a newer run never overtakes an older one?")
    'Which mode runs them in order'
    >>> without_denials("Which agent should NOT be chosen?")
    'Which agent should NOT be chosen?'
    """
    segments = re.split(r"(?<=[,;])\s+", question)
    kept = [s for s in segments if not NEGATION_RE.search(s) or ASKING_RE.search(s)]
    return " ".join(kept).rstrip(",; ") if kept and len(kept) < len(segments) else question


def affirms(clause: str, denied: set[str]) -> bool:
    """Does a clause state, unnegated, at least two of the words the question denies?

    >>> affirms("In ROLLING mode a later sailing can overtake an earlier one", {"overtake", "earlier"})
    True
    >>> affirms("STACKED never lets a later sailing overtake an earlier one", {"overtake", "earlier"})
    False
    """
    return len(denied) >= 2 and not NEGATION_RE.search(clause) and len(denied & set(_words(clause))) >= 2


def asked_elsewhere(asked: str, option: str, sentence: str) -> bool:
    """Does the sentence give the stem's own words to another clause than the option's?
    "Raising the ratio → money falls (contractionary); lowering it → expansionary" says
    "expansionary" of lowering, not of the option "Raising the ratio". Clauses are split at
    semicolons only: each "X → … " chain stays whole.

    >>> asked_elsewhere("Which moves are expansionary?", "Raising the ratio",
    ...                 "Raising the ratio → money falls (contractionary); lowering it → expansionary.")
    True
    >>> asked_elsewhere("Which moves are expansionary?", "Cutting the rate", "Lower rate → cheaper loans → expansionary.")
    False
    """
    def words(text: str) -> set[str]:
        return {stem(w) for w in re.findall(r"[a-z0-9][a-z0-9\-]*", text.lower()) if w not in STOP}

    parts = [words(p) for p in re.split(r";\s+", sentence) if p.strip()]
    if len(parts) < 2:
        return False
    mine = words(option)
    wanted = words(asked) - mine
    own = max(parts, key=lambda p: len(p & mine))
    if not own & mine:
        return False
    elsewhere = set().union(*(p for p in parts if p is not own)) & wanted
    return bool(elsewhere - own)
