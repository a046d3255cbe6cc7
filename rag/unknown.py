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
NAME_WORD_RE = re.compile(r"[^\W\d_][\w\-]*")  # any script's letters: "gaudí", "Dürer"
SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;]\s+|[\"“(]\s*)$")
# A capitalised word that is not a name: the speaker, or an acronym of everyday speech.
INITIALS_MARK = "#"  # a name's initials in the vocabulary, apart from its words ("#wha")
# "World Health Assembly", "Centers for Disease Control": capitalised words, short joining words between.
CAPITALISED_RUN_RE = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:(?:of|for|and|on|the)\s+)?[A-Z][a-z]+)+")
NOT_NAMES = frozenset({"I", "OK", "Ok", "FAQ", "TL", "DR", "vs", "etc"})


def material_words(texts: list[str]) -> frozenset[str]:
    """The stems of every word the material uses, case folded, and the initials of its names
    of several capitalised words, so that "WHA" is known where "World Health Assembly" is.

    >>> sorted(material_words(["The World Health Assembly met."]))
    ['#twha', '#wha', 'assembly', 'health', 'met', 'the', 'world']
    """
    words = {stem(w) for t in texts for w in WORD_RE.findall(t)}
    initials = {i for t in texts for run in CAPITALISED_RUN_RE.findall(t) for i in _initials(run)}
    return frozenset(words | {INITIALS_MARK + i for i in initials})


def _initials(run: str) -> list[str]:
    """The initials (three or more) of a name's capitalised words, from each of them on ("The
    Centers for Disease Control" -> tcdc, cdc): a name may follow a capitalised word not its own;
    and of all its words ("Museum of Modern Art" -> moma). A shorter acronym is known anyway
    (``_known``).

    >>> _initials("The Museum of Modern Art")
    ['tmma', 'mma', 'tmoma']
    """
    caps = [w[0].lower() for w in run.split() if w[0].isupper()]
    every = "".join(w[0].lower() for w in run.split())
    return ["".join(caps[i:]) for i in range(len(caps) - 2)] + ([every] if every != "".join(caps) else [])


def material_names(question: str, passages: list[str], lower_case: frozenset[str], backdrop: float = 0.25) -> list[str]:
    """Words of the question, in any case, that the material uses only as names: never in lower
    case (``lower_case``: the words it writes so), capitalised inside a sentence (not only where
    a sentence or heading opens: "Allele frequencies …"), not everyday English, and not its
    backdrop (in ``backdrop`` or more of its passages, as "AWS" is in an AWS guide). "how tall
    was the beauvais choir vault?" asks about the material's Beauvais Cathedral.

    >>> texts = ["The limit: Beauvais Cathedral raised its choir vault to 48 m.", "Allele counts vary.",
    ...          "A line on the choir.", "A line on the vault.", "A line on the nave."]
    >>> material_names("how tall was the beauvais choir vault? any allele?", texts,
    ...                frozenset({"choir", "vault", "nave", "counts", "line", "on", "the"}))
    ['beauvais']
    """
    from studyrag.rag.english import ordinary

    return [w for w in NAME_WORD_RE.findall(question) if len(w) >= 4 and w.lower() not in lower_case
            and not ordinary(w) and _inside_a_sentence(w, passages) and _share(w, passages) < backdrop]


def _share(word: str, passages: list[str]) -> float:
    pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.I)
    return sum(1 for p in passages if pattern.search(p)) / max(1, len(passages))


def _inside_a_sentence(word: str, texts: list[str]) -> bool:
    """Does the material write ``word``, capitalised, after a word of the same sentence?"""
    pattern = re.compile(rf"[a-z0-9,;:]\s+[(*_`\"“]*({re.escape(word)})(?![\w-])", re.I)
    return any(m.group(1)[0].isupper() for t in texts for m in pattern.finditer(t))


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
    >>> _known("WHA", frozenset({"#wha"})), _known("Wha", frozenset({"#wha"}))
    (True, False)
    """
    s = stem(word)
    return len(word) < 3 or s in vocab or len(s) >= 5 and any(v.startswith(s) for v in vocab) \
        or word.isupper() and any(len(v) == len(s) + 1 and v.endswith(s) for v in vocab) \
        or _acronym(word) and INITIALS_MARK + word.lower() in vocab


def _acronym(word: str) -> bool:
    """Written as initials: two capitals or more ("WHA", "MoMA")."""
    return sum(c.isupper() for c in word) >= 2


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
