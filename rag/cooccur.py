"""Does the material say an option *together with* what the question asks? Word co-occurrence.

An option of a multiple-choice item is well supported when one sentence (or table row) of the
material holds the option's own words and the question's distinctive words: "Which protocols
run over UDP?" — the row "| NTP | 123 | UDP | Time synchronization |" holds both "NTP" and
"UDP"; the row for SSH holds "TCP". Words are weighted by rarity (idf over the material's
sentences), so "UDP" counts for more than "protocol".

>>> idx = WordIndex(["| NTP | 123 | UDP | Time synchronization |", "| SSH | 22 | TCP | Remote shell |"])
>>> idx.support("Which protocols run over UDP?", "NTP")
(1.0, 0)
>>> idx.support("Which protocols run over UDP?", "SSH")
(0.0, None)
"""

from __future__ import annotations

import math
import re

TOKEN_RE = re.compile(r"[a-z0-9][a-z0-9\-./]*[a-z0-9]|[a-z0-9]")
STOP = frozenset("""a an the and or of to in on for with by from at as is are was were be been it its this that
these those you your they their them we our can could should would will may must not no than then so such
which what when where who how also only more most very into over about because while does do did has have
had use using one two each any all both other following""".split())
OPTION_COVERAGE = 0.5  # a sentence must hold at least this share of the option's own words


def tokens(text: str) -> set[str]:
    """Content tokens, words cut to 6 letters; numbers, dotted figures and acronyms kept whole.

    >>> sorted(tokens("Which mask matches a /26 prefix? 255.255.255.192"))
    ['255.255.255.192', '26', 'mask', 'matche', 'prefix']
    """
    out = set()
    for w in TOKEN_RE.findall(text.lower()):
        if w in STOP or (len(w) < 2 and not w.isdigit()):
            continue
        out.add(w[:6] if w.isalpha() else w)
    return out


def pieces(token: str) -> set[str]:
    """A hyphenated token's pieces ("3-glucan" -> {"3", "glucan"}); nothing for a plain one."""
    parts = token.split("-")
    return {p[:6] if p.isalpha() else p for p in parts if p and p not in STOP} if len(parts) > 1 else set()


class WordIndex:
    """The material's sentences as token sets, with each token's idf."""

    def __init__(self, sentences: list[str]) -> None:
        # A sentence also holds its hyphenated words' pieces of letters ("glucan" of "D-glucan"),
        # which an option's unseen spelling of the same name is read by (``_as_written``);
        # "160-bit" does not hold "160" alone, a figure of a different thing than "160 bits" may be.
        self.words = [ws | {p for w in ws for p in pieces(w) if p.isalpha()} for ws in map(tokens, sentences)]
        df: dict[str, int] = {}
        for ws in self.words:
            for w in ws:
                df[w] = df.get(w, 0) + 1
        self.unseen = math.log(1 + len(self.words))  # a token the material never uses
        self.idf = {w: math.log(1 + len(self.words) / c) for w, c in df.items()}

    def _as_written(self, words: set[str]) -> set[str]:
        """Words the material never writes, when hyphenated, read by their pieces: "beta-1,3-glucan"
        is the material's "beta-(1,3)-D-glucan", while "SHA-256", which it writes, stays whole.

        >>> sorted(WordIndex(["Inhibits beta-(1,3)-D-glucan synthase", "SHA-256 = 256-bit"])._as_written({"3-glucan", "sha-256"}))
        ['3', 'glucan', 'sha-256']
        """
        return {p for w in words for p in ((pieces(w) or {w}) if w not in self.idf else {w})}

    def support(self, question: str, option: str) -> tuple[float, int | None]:
        """0..1 and that sentence: the best sentence's share of the question's words (idf-weighted), among the
        sentences that hold most of the option's own words (those the question lacks)."""
        asked = self._as_written(tokens(question))
        own = {w: self.idf.get(w, self.unseen) for w in self._as_written(tokens(option)) - asked}
        if not own:
            return 0.0, None
        wanted = {w: self.idf.get(w, 0.0) for w in asked}
        own_total, wanted_total = sum(own.values()), sum(wanted.values()) or 1.0
        best, where = 0.0, None
        for i, ws in enumerate(self.words):
            covered = sum(v for w, v in own.items() if w in ws) / own_total
            if covered >= OPTION_COVERAGE:
                score = covered * sum(v for w, v in wanted.items() if w in ws) / wanted_total
                if score > best:
                    best, where = score, i
        return round(best, 4), where
