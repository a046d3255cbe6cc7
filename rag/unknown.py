"""Names a question asks about that the material never uses.

"How do I link a Flexi Card to the Skyline Monorail?" asks about the monorail; a guide that
never says the word does not cover it, however close the rest of the question comes to
it. A name here is a run of capitalised words inside a sentence (not its first word), and
it is unknown when one of its words (three letters or more) appears nowhere in the material,
not even as the start of a longer word.

>>> vocab = material_words(["Flexi Card is a smart card.", "Top up the Flexi Card online."])
>>> unknown_names("How do I link a Flexi Card to the Skyline Monorail?", vocab)
['Skyline Monorail']
>>> unknown_names("Does the Flexi Card expire?", vocab)
[]
"""

from __future__ import annotations

import re

from studyrag.rag.entities import stem

WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")
SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;]\s+|[\"“(]\s*)$")
# A capitalised word that is not a name: the speaker, or an acronym of everyday speech.
NOT_NAMES = frozenset({"I", "OK", "Ok", "FAQ", "TL", "DR", "vs", "etc"})


def material_words(texts: list[str]) -> frozenset[str]:
    """The stems of every word the material uses, case folded."""
    return frozenset(stem(w) for t in texts for w in WORD_RE.findall(t))


def unknown_names(question: str, vocab: frozenset[str]) -> list[str]:
    """Capitalised runs of the question with a word the material never uses."""
    return [run for run in _name_runs(question)
            if not all(_known(w, vocab) for w in run.split()) and not _spelled_acronym(run, vocab)]


def _spelled_acronym(run: str, vocab: frozenset[str]) -> bool:
    """A name of several words whose initials the material writes ("Availability Zone" where
    the material says "AZ").

    >>> _spelled_acronym("Availability Zone", frozenset({"az"})), _spelled_acronym("Skyline Monorail", frozenset({"az"}))
    (True, False)
    """
    words = run.split()
    return len(words) >= 2 and stem("".join(w[0] for w in words)) in vocab


def _known(word: str, vocab: frozenset[str]) -> bool:
    """Used by the material, short for a word it uses ("Postgres" for "PostgreSQL"), or an
    acronym the material writes with a one-letter prefix ("CPU" of "vCPU").

    >>> _known("Postgres", frozenset({"postgresql"})), _known("Monorail", frozenset({"mono"}))
    (True, False)
    >>> _known("CPU", frozenset({"vcpu"})), _known("GPU", frozenset({"vcpu"}))
    (True, False)
    """
    s = stem(word)
    return len(word) < 3 or s in vocab or len(s) >= 5 and any(v.startswith(s) for v in vocab) \
        or word.isupper() and any(len(v) == len(s) + 1 and v.endswith(s) for v in vocab)


def _name_runs(text: str) -> list[str]:
    runs, current, last_end = [], [], -1
    for m in WORD_RE.finditer(text):
        word = m.group(0)
        is_name = word[:1].isupper() and word not in NOT_NAMES and not SENTENCE_START_RE.search(text[:m.start()])
        if is_name and (not current or text[last_end:m.start()] == " "):
            current.append(word)
        else:
            if current:
                runs.append(" ".join(current))
            current = [word] if is_name else []
        last_end = m.end()
    if current:
        runs.append(" ".join(current))
    return runs
