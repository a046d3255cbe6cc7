"""Questions that ask for a person ("who …?"), and the name a passage gives for one.

Notes name people in plain text ("Willy Brandt, West German chancellor, pursued …"), in a
table's first cell or in the heading over what they did ("### John Snow and cholera"); the
catalog holds only the names the material marks. A "who" question is answered with the
sentences that hold the fact, led by the name they give.

>>> asks_person("who was the doctor that mapped the deaths around a pump?")
True
>>> asks_person("Who is responsible for patching the OS?"), asks_person("which tool runs it?")
(True, False)
>>> asks_person("which west german leader knelt in Warsaw?"), asks_person("what do art historians call it?")
(True, False)
>>> asks_person("第一個提出這個說法的學者是誰？")
True
>>> folk = People.of(["Willy Brandt pursued Ostpolitik. Brandt knelt in Warsaw. A fellow tribune, "
...                   "Marcus Octavius, vetoed it; Octavius lost office and Tiberius Gracchus won. Gracchus died."])
>>> folk.name_in("Willy Brandt, West German chancellor 1969–1974, pursued Ostpolitik.", "who knelt in Warsaw?")
'Willy Brandt'
>>> folk.name_in("When a fellow tribune, Marcus Octavius, vetoed it, Tiberius Gracchus had him deposed.",
...              "Who was the tribune that got removed?")
'Marcus Octavius'
>>> folk.name_in("| **Jerry Morris** | 1953 | London bus conductors had less heart disease |", "who compared drivers?")
'Jerry Morris'
>>> folk.name_in("London anaesthetist; published a book on cholera.", "who mapped cholera?") is None
True
>>> folk.name_in("14.1 John Snow and cholera (1854)", "who mapped the deaths?")
'John Snow'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words a question asks for a person with. Between "which" and the word, up to three words
# that are no verb ("which west german leader", not "what do art historians call …").
PERSON_WORDS = """person man woman leader president chancellor premier minister king queen emperor empress
pope admiral commander dictator ruler statesman politician diplomat founder inventor discoverer author writer
poet playwright novelist painter artist sculptor architect composer philosopher thinker theorist scientist
researcher physician doctor surgeon engineer mathematician economist psychologist sociologist historian explorer
monarch tsar czar sultan pharaoh consul senator chemist physicist biologist geneticist astronomer anthropologist
scholar professor spy pioneer father mother son daughter brother sister wife husband""".split()
AUX = "do|does|did|is|are|was|were|can|could|should|would|will|shall|may|might|must|has|have|had"
WHO_RE = re.compile(
    r"(?:^|[,;:]\s*|\b(?:and|so|but|then)\s+|^\W*(?:\w+\s+){0,2})who(?:m)?\b|誰|哪一?位|什麼人"
    rf"|\b(?:which|what)\s+(?:(?!(?:{AUX})\b)[\w\-'’]+\s+){{0,3}}?(?:{'|'.join(PERSON_WORDS)})s?\b", re.I)
# A name: two to four capitalised words ("Willy Brandt", "G. E. Moore", "Ludwig van Beethoven").
UP, LOW = "A-Z\u00c0-\u00de", "a-z\u00df-\u024f"
WORD = rf"[{UP}][{LOW}]+(?:[-'’][{UP}]?[{LOW}]+)?"
NAME_RE = re.compile(
    rf"(?<![\w.])(?:[A-Z]\.[ ]?){{0,2}}{WORD}"
    rf"(?:[ \t]+(?:(?:von|van|de|da|di|del|der|la|le|bin|ibn)[ \t]+)?(?:[A-Z]\.|{WORD})){{1,3}}(?![\w-])")
LEAD_MARKS_RE = re.compile(r"^[\s>|•\-*▪·#]*(?:\d{1,2}(?:\.\d{1,2})*[.)]?\s+)?[*_`\s]*")
NEAR = 6  # words either side of a name that tell what the passage says of that person


def asks_person(question: str) -> bool:
    """Does the question ask who (a person, or a body named like one) did or does something?"""
    return bool(WHO_RE.search(question))


@dataclass(frozen=True)
class People:
    known: dict[str, str]  # full name or surname -> full name
    common: frozenset[str]  # the words the material writes in lower case: words, not names

    @classmethod
    def of(cls, texts: list[str]) -> "People":
        """A full name whose last word the material also writes alone ("Brandt knelt …") and
        whose first word it never does (a place or a group qualifies a name it is written
        alone elsewhere: "West Berlin" and "the West"); a word it writes in lower case is a
        word, not a name ("Cold War", "Baghdad Pact")."""
        plain = [re.sub(r"[*_`]", "", t) for t in texts]
        common = frozenset(w for t in plain for w in re.findall(rf"(?<![\w'’-])[{LOW}]+(?![\w'’-])", t))
        full = {_bare(m.group(0)) for t in plain for m in NAME_RE.finditer(t) if len(m.group(0).split()) <= 3}
        alone: set[str] = set()
        for t in plain:
            for m in re.finditer(rf"(?<![\w.'’-]){WORD}(?![\w-])", t):
                before, after = t[max(0, m.start() - 25):m.start()], t[m.end():m.end() + 25]
                if not re.search(rf"[{UP}][{LOW}]+[ \t]+$", before) and \
                        not re.match(rf"[ \t]+(?:[a-z]+[ \t]+)?[{UP}][{LOW}]", after):
                    alone.add(_bare(m.group(0)))
        known: dict[str, str] = {}
        for name in sorted(full):
            first, last = name.split()[0], name.split()[-1]
            if last in alone and first not in alone and not first.endswith(".") and \
                    _word(first) not in common and _word(last) not in common:
                known[name] = name
                known.setdefault(last, name)
        return cls(known, common)

    def is_person(self, name: str) -> bool:
        return name in self.known

    def name_in(self, text: str, question: str) -> str | None:
        """The person ``text`` names that the question does not: of the people it names (the
        material's, or a name the text opens with), the one whose words the question shares most
        (the words up to the next name, and a few before it back to the last), then the first.
        None when it names nobody."""
        plain = re.sub(r"[*_`]", "", text)
        found = self._found(plain, question)
        if not found:
            return None
        asked = _words(question)

        def shared(i: int) -> int:
            start, end, _ = found[i]
            before = plain[found[i - 1][1] if i else 0:start].split()[-NEAR:]
            after = plain[end:found[i + 1][0] if i + 1 < len(found) else len(plain)]
            return len(asked & _words(" ".join(before) + " " + after))

        best = max(range(len(found)), key=lambda i: (shared(i), found[i][2] in self.known.values(), -i))
        return found[best][2]

    def written_in(self, question: str) -> set[str]:
        """The full names of the material's people a question writes, by name or surname, also
        as a possessive or an adjective ("Jencks joked …", "Horta's townhouse", "Gricean maxim").

        >>> People({"Paul Grice": "Paul Grice", "Grice": "Paul Grice"}, frozenset()).written_in("Which Gricean maxim?")
        {'Paul Grice'}
        """
        return {self.known[b] for w in re.findall(rf"[{UP}][{LOW}]{{2,}}(?:['’]s)?", question)
                for b in word_bases(w) if b in self.known}

    def names_someone(self, text: str, question: str) -> bool:
        """Does ``text`` name one of the material's people whom the question does not?"""
        return any(name in self.known.values() for _, _, name in self._found(re.sub(r"[*_`]", "", text), question))

    def _found(self, plain: str, question: str) -> list[tuple[int, int, str]]:
        """(start, end, full name) of each person ``plain`` names that the question does not, in order."""
        found: list[tuple[int, int, str]] = []
        for key in sorted(self.known, key=len, reverse=True):
            for m in re.finditer(rf"(?<![\w-]){re.escape(key)}(?![\w-])", plain):
                if not _in_question(self.known[key], question) and not any(a <= m.start() < b for a, b, _ in found):
                    found.append((m.start(), m.end(), self.known[key]))
        # A name the material does not otherwise use as a person's only where the text opens
        # ("| **Jerry Morris** | 1953 | …", "14.1 John Snow and cholera"): elsewhere a title or a
        # place is as likely ("took the title Sol Invictus").
        for m in NAME_RE.finditer(plain, LEAD_MARKS_RE.match(plain).end()):
            if m.start() != LEAD_MARKS_RE.match(plain).end():
                break
            name = _bare(m.group(0))
            if not any(a < m.end() and m.start() < b for a, b, _ in found) and not _in_question(name, question) \
                    and not any(_word(w) in self.common for w in (name.split()[0], name.split()[-1])):
                found.append((m.start(), m.end(), name))
        return sorted(found)


# Endings that make a name a possessive or an adjective: "Horta's", "Gricean", "Newtonian".
NAME_ENDINGS = ("'s", "’s", "ian", "ean", "an")


def word_bases(word: str) -> set[str]:
    """The word and the names it is made from by a possessive or adjective ending.

    >>> sorted(word_bases("Gricean")), sorted(word_bases("Horta's"))
    (['Gric', 'Grice', 'Gricean'], ['Horta', "Horta's"])
    """
    return {word} | {word[:-len(e)] for e in NAME_ENDINGS if word.endswith(e) and len(word) - len(e) >= 4}


def _word(name_word: str) -> str:
    """A name's word as the material would write it in lower case ("All-arms" -> "all")."""
    return re.split(r"[-'’]", name_word.lower())[0]


def _words(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]{3,}", text.lower())} - {"the", "and", "who", "was", "that", "with", "for"}


def _bare(name: str) -> str:
    """The name without a possessive ("Bradford Hill's" -> "Bradford Hill")."""
    return re.sub(r"['’]s$", "", name)


def _in_question(name: str, question: str) -> bool:
    """Is any word of the name (a surname alone, too) in the question?"""
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", question, re.I)
               for w in re.findall(r"[A-Za-z]{3,}", name))


# "Who did the law apply to?", "who does it report to?": asks who is acted on, not who acted.
ACTED_ON_RE = re.compile(r"\bwho(?:m)?\s+(?:did|does|do|will|would|should|can|must)\b", re.I)


def decided_person(decision, question: str, people: People, catalog) -> bool:
    """Did the evidence decide a person the question does not name, as the one who acted?"""
    if decision is None or not decision.ranking or ACTED_ON_RE.search(question):
        return False
    name = decision.ranking[0][0]
    return people.is_person(name) and name not in named_in(question, people, catalog)


def named_in(question: str, people: People, catalog) -> set[str]:
    """The catalog's things a question names, in full or by one word (``named_by_word``)."""
    return {s.name for s in catalog.find(question)} | named_by_word(question, people, catalog)


def named_by_word(text: str, people: People, catalog) -> set[str]:
    """The catalog's things a question names by one word: a person by surname ("Jencks joked …"
    names Charles Jencks), a one-word name as a possessive or adjective ("Horta's", "Gricean"
    names Grice), or the last word of one name only, when the material never writes it in lower case."""
    named = {n for n in people.written_in(text) if catalog.get(n)}
    # Capitalised words, and words in lower case that the material only writes as names ("gaudí").
    written = [w for w in re.findall(rf"\b[{UP}{LOW}]{{3,}}(?:['’]s)?", text)
               if w[0].isupper() or _word(w) not in people.common]
    words = {b[:1].upper() + b[1:] for w in written for b in word_bases(w)}
    named |= {svc.name for b in words if (svc := catalog.get(b)) and not svc.generic}
    ending: dict[str, list[str]] = {}
    for svc in catalog.services:
        last = svc.name.split()[-1]
        if not svc.generic and " " in svc.name and last[:1].isupper() and last.lower() not in people.common:
            ending.setdefault(last, []).append(svc.name)
    return named | {names[0] for b in words if len(names := ending.get(b, [])) == 1}
