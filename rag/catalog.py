"""The things a study text teaches, found in the text itself, plus a profile's well-known names.

Used to notice which things a question, an option or a model's sentence names, and to
check each such name against the cited passages. Built from the material (its headings,
its defined terms: rag/entities.py), so new material brings its own; a profile (rag/profile.py)
adds product-name prefixes and names the material never teaches, to spot distractors.

>>> cat = Catalog.from_texts(["Serverless Inference scales to zero.", "Use Serverless Inference."],
...                          ["Serverless Inference"])
>>> [s.name for s in cat.find("Is serverless inference cheap?")]
['Serverless Inference']
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from studyrag.rag import english
from studyrag.rag.entities import CALL_RE, NUMBERING_RE, QUANTITY_RE, SHORT_FORM_RE, heading_names, spelled_by

# Words that end a product name in running text ("Amazon SageMaker Studio Lab" is fine,
# "Amazon SageMaker Canvas UI" is not a different product).
TRAILING_NOISE = {"UI", "API", "Console", "Platform", "Station", "Key", "AI", "ML", "The"}
# English function words that a bold or lead term can be ("**not** a backup", "plus").
FUNCTION_WORDS = frozenset("""a an the and or not no plus also only any all some each other this that these those
here there then than but if so as of to in on at by for with from into via per vs versus etc e.g i.e""".split())


def core_of(name: str, prefixes: tuple[str, ...] = ()) -> str:
    """The matching key of a name: lower case, no parentheses, singular, less ``prefixes``.

    >>> core_of("Amazon SageMaker Multi-Model Endpoints (MME)", ("amazon", "aws", "sagemaker"))
    'multi-model endpoint'
    >>> core_of("Network ACLs"), core_of("network ACL"), core_of("DNS")
    ('network acl', 'network acl', 'dns')
    """
    s = re.sub(r"\(.*?\)", " ", name)
    # "ACLs", "VPCs": an acronym's plural is the acronym.
    words = [(w[:-1] if re.fullmatch(r"[A-Z][A-Z0-9]+s", w) else w).lower() for w in re.findall(r"[\w\-]+", s)]
    while words and words[0] in prefixes:
        words.pop(0)
    words = [w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w for w in words]
    return " ".join(words)


@dataclass
class Service:
    """A thing the material teaches (a service, feature, mode, option, API, term), or a
    well-known name from the profile that it does not (``in_guide`` False)."""

    name: str  # display name, the fullest form seen
    core: str  # normalised matching key
    in_guide: bool
    aliases: set[str] = field(default_factory=set)
    generic: bool = False  # the material's umbrella name or a word too common to be an answer
    defined: bool = False  # the material defines it (bold, lead term, table row, heading)
    kinds: frozenset[str] = frozenset()  # stems saying what kind of thing it is (entities.kind_words)


class Catalog:
    def __init__(self, services: list[Service], prefixes: tuple[str, ...] = (), text: str = "") -> None:
        self.services = services
        self.prefixes = prefixes
        self._text = text.lower()  # the material, to tell a name's word from an ordinary word
        self.by_core = {s.core: s for s in services}
        pats = []
        for s in services:
            for a in sorted(s.aliases, key=len, reverse=True):
                pats.append((a, s))
        pats.sort(key=lambda p: len(p[0]), reverse=True)
        self._alias_of = {a.lower(): s for a, s in pats}
        # Words of a name may be split by Markdown emphasis ("**Hash** partitioning"). A name
        # in capitals that is also a word of the text ("FEED" and "bees feed") is matched as written.
        plain = set(re.findall(r"(?<![\w\-`])[a-z]+(?![\w\-`])", text))
        alt = "|".join((r"(?-i:{})" if a.isupper() and a.lower() in plain else "{}").format(
            re.escape(a).replace(r"\ ", r"[*_`\s]+")) for a, _ in pats)
        # Plural/singular tolerant: "endpoint(s)", "job(s)".
        self._re = re.compile(rf"(?<![\w\-])(?:{alt})(?:e?s)?(?![\w\-])", re.I) if pats else None

    def brand_named(self, text: str) -> set[str]:
        """Names whose first word, written like a brand ("GitLab" of "GitLab CI/CD") and no name
        itself, ``text`` uses on its own: "lets GitLab cancel old jobs" is about GitLab CI/CD.

        >>> sorted(Catalog([Service("GitLab CI/CD", "gitlab ci/cd", True)]).brand_named("our GitLab repo"))
        ['GitLab CI/CD']
        """
        words = {w for w in re.findall(r"[\w\-]+", text) if self._lookup(w) is None}  # "BigQuery" names itself
        out = set()
        for s in self.services:
            first = s.name.split()[0]
            if " " in s.name and first in words and BRAND_RE.fullmatch(first) and first.lower() not in self.prefixes:
                out.add(s.name)
        return out

    def core(self, name: str) -> str:
        return core_of(name, self.prefixes)

    @classmethod
    def from_texts(cls, texts: list[str], headings: list[str], defined=(), profile=None,
                   tables: tuple[str, ...] = (), entries: frozenset[str] = frozenset(),
                   asked: frozenset[str] = frozenset()) -> "Catalog":
        """Names from the profile's product prefixes, the headings the text keeps using, and
        ``defined``: (name, how, kinds) the material's structure defines (rag/entities.py).
        ``tables``: the material's tables, where a command written as code may stand alone
        ("| Undo the last commit | `tool reset --soft HEAD~1` |"). ``entries``: the names of
        glossary lines (entities.glossary_entries), things though the text says them once.
        ``asked``: headings of sections of questions (``question_heads``), labels of the page."""
        from studyrag.rag.profile import Profile

        profile = profile or Profile.empty()
        lowered = [t.lower() for t in texts]
        prefixed = _prefixed_names(texts, profile.name_prefixes)
        prefixes = tuple(p.lower() for p in profile.name_prefixes) + _family_words(prefixed, profile.name_prefixes, texts)
        builder = _Builder(prefixes, profile)
        for name in prefixed:
            builder.add(name, True)
        tagged = _tagged_heads(headings)
        taught_names = {core_of(n, prefixes) for n, how, _k in defined if how != "subject"}
        running = [t.lower() for t in _without_contents(texts, headings)]  # a heading's uses, not its contents line
        plain_kinds: list[str] = []
        for h in headings:
            names = [d.name for d in heading_names(h)
                     if not (d.name in tagged or d.name in asked or _about_a_name(d.name, taught_names, prefixes))]
            # A heading names a concept when the text keeps using it ("Batch Transform"),
            # not when it only labels a part of the page ("Analogy 1", "Summary").
            # An identifier-shaped heading ("NetworkPolicy", "802.1X") is a name at once.
            named = [n for n in names if not (_joins_names(n, texts) or _plain_side(n, h, texts)) and (
                builder.known(n) or _heading_uses(n, running) >= 2
                or _heading_uses(n, running) and IDENTIFIER_RE.fullmatch(n))]
            for name in named:
                if _piece_of_a_name(name, named):
                    continue  # "Acme Cost" of "Acme Cost and Usage Ledger"
                builder.add(name, True, defined=True)
                if _names_a_kind(name, texts):
                    plain_kinds.append(name)
        labels = _labels(defined, texts) | tagged | asked
        # A table's first cell that a line also defines ("Canary: send a small share …" and the
        # row "Canary | No | Fast") is a thing taught, though the text says it once.
        # So is one a heading also names ("### 1) Open market operations" and its summary row).
        headed = {core_of(d.name, prefixes) for h in headings for d in heading_names(h)}
        twice = {n for n, how, _k in defined if how == "table"} & \
            {n for n, how, _k in defined if how in ("lead", "label", "term")} | \
            {n for n, how, _k in defined if how == "table" and core_of(n, prefixes) in headed} | \
            family_members([n for n, how, _k in defined if how == "table"])
        code_texts = texts + list(tables)
        # "clopidogrel (Plavix)" names a thing by two names only when the other name is not used on its own.
        aliases = [(name, how[len("alias:"):]) for name, how, _k in defined if how.startswith("alias:")]
        aliases = [(short, long) for short, long in aliases if not _used_on_its_own(short, texts)]
        aliases += _heading_short_forms(headings)
        renamed = {long for _short, long in aliases}
        for name, how, kinds in sorted(defined, key=lambda d: d[1] == "code"):
            if how.startswith("alias:") or how == "subject" and _about_a_name(name, taught_names, prefixes):
                continue
            if how == "code" and builder.word_of_a_name(name):
                continue  # "GitLab" of "GitLab CI/CD", "AquaLine" of "AquaLine Controller"
            # A table row, a list line or a label naming a part of a known thing ("Coldstore
            # One Zone-IA | 99.5% | ...") is a thing, however seldom the text repeats it whole.
            part = builder.part_of_known(name) if how in ("table", "flat", "lead", "label", "term") else None
            # a thing however seldom the text repeats it ("amlodipine (Norvasc)" names a thing by two names)
            # A flattened table's first cell of several words was found again in the running text
            # (entities.flat_table_heads); a one-word cell must also not be an ordinary word.
            taught = name in twice or part or name in entries or how == "flat" and " " in name or how == "paren" and not (
                re.fullmatch(r"[a-z]+", name) and (len(name) < 6 or word_uses(name, texts) > PAREN_PLAIN_USES))
            if how == "paren" and (not taught or name not in renamed):
                continue
            if name not in labels and (taught or _worth_keeping(
                    name, how, code_texts if how == "code" else texts, lowered, profile)):
                builder.add(name, True, defined=True, kinds=kinds)
                if part and _short_name(part, texts):
                    builder.alias(name, part)  # "One Zone-IA" alone, after "Coldstore One Zone-IA"
        for short, long in aliases:  # "GIN" for "Generalized Inverted Index (GIN)"
            builder.alias(long, short)
            if spelled_by(long, short):  # "NPV" also a table row of its own: one thing, not two
                builder.merge(long, short)
        for name in profile.known_names:
            builder.add(name, builder.in_guide(name))
        for name, tail in _tail_aliases([s.name for s in builder.found.values() if s.defined], texts):
            builder.alias(name, tail)
        for name, spelled in _spelled_out([s.name for s in builder.found.values() if s.defined], texts):
            builder.alias(name, spelled)
        for name, short in _headed_variants([s.name for s in builder.found.values() if s.defined]):
            builder.merge(name, short)
        for svc in _kinds_of_others(list(builder.found.values())):
            svc.generic = True
        for name in plain_kinds:
            svc = builder.found.get(core_of(name, prefixes))
            # "Crawlers" names a kind, unless a fuller name took its place ("Acme Pipes crawlers").
            if svc is not None and svc.name.lower() == name.lower():
                svc.generic = True
        return cls(list(builder.found.values()), prefixes, "\n".join(texts))

    def stands_for(self, word: str, service: Service) -> bool:
        """Does a bare word name this thing ('serverless' for Serverless Inference)? Only when the
        material seldom uses the word outside the thing's names ('network' is not Network address).

        >>> c = Catalog([Service("Serverless Inference", "serverless inference", True, {"Serverless Inference"})],
        ...             text="Serverless Inference scales. Use it for spiky traffic, bursty traffic or no traffic.")
        >>> c.stands_for("serverless", c.services[0]), c.stands_for("traffic", c.services[0])
        (True, False)
        """
        if not self._text:
            return True
        word = word.lower()
        uses = word_uses(word, [self._text])
        in_names = sum(self._text.count(a.lower()) for a in service.aliases if word in a.lower().split())
        return uses - in_names <= 2

    def named_within(self, thing: Service) -> Service | None:
        """The thing whose name opens this one's and goes on like a name: "Coldstore" for
        "Coldstore One Zone-IA" and for "Coldstore for Lustre"; never the umbrella.

        >>> c = Catalog([Service("Coldstore", "coldstore", True, {"Coldstore"}),
        ...              Service("Coldstore for Lustre", "coldstore for lustre", True, {"Coldstore for Lustre"})])
        >>> c.named_within(c.services[1]).name, c.named_within(c.services[0])
        ('Coldstore', None)
        """
        words = thing.name.split()
        for n in range(len(words) - 1, 0, -1):
            head = self._alias_of.get(" ".join(words[:n]).lower())
            if head is None or head is thing or head.generic:
                continue
            return head if _name_rest(words[n:]) else None
        return None

    def find(self, text: str) -> list[Service]:
        """Services named in ``text``, in order of first mention, longest match wins.

        >>> c = Catalog([Service("FEED", "feed", True, {"FEED"}), Service("BKA", "bka", True, {"BKA"})],
        ...             text="FEED logs syrup. Bees feed on nectar. BKA runs the course.")
        >>> [s.name for s in c.find("bees feed in May; FEED 2:1; the bka course")]
        ['FEED', 'BKA']
        """
        if not self._re:
            return []
        out: list[Service] = []
        for m in self._re.finditer(text):
            s = self._lookup(m.group(0))
            if s is not None and s not in out:
                out.append(s)
        return out

    def spans(self, text: str) -> list[tuple[int, int, Service]]:
        out = []
        for m in self._re.finditer(text) if self._re else []:
            s = self._lookup(m.group(0))
            if s is not None:
                out.append((m.start(), m.end(), s))
        return out

    def _lookup(self, matched: str) -> Service | None:
        key = re.sub(r"[*_`\s]+", " ", matched.lower())
        return self._alias_of.get(key) or self._alias_of.get(key[:-1]) or self._alias_of.get(key[:-2])

    def get(self, name: str) -> Service | None:
        return self.by_core.get(self.core(name))

    def shown(self, name: str) -> str:
        """A thing's name as an answer shows it, with its one short form when the name lacks it:
        readers know "NPV" as well as "Net present value".

        >>> c = Catalog([Service("Net present value", "net present value", True, {"Net present value", "NPV"})])
        >>> c.shown("Net present value"), c.shown("Payback")
        ('Net present value (NPV)', 'Payback')
        """
        svc = self.get(name)
        shorts = [a for a in (svc.aliases if svc else ()) if re.fullmatch(r"[A-Z][A-Z0-9]{1,6}", a)
                  and a.lower() not in name.lower()]
        return f"{name} ({shorts[0]})" if len(shorts) == 1 else name


FIGURE_RE = re.compile(r"[\d\s.,%$€£¥~≈<>≥≤+\-/×]+")


def is_figure(name: str) -> bool:
    """A figure the material stresses ("**99.9%**", "**50**"): a name an option can match,
    never the thing a question asks for.

    >>> is_figure("99.9%"), is_figure("802.11ax"), is_figure("$100"), is_figure("20 weeks"), is_figure("3NF")
    (True, False, True, True, False)
    """
    return bool(FIGURE_RE.fullmatch(name) or QUANTITY_RE.fullmatch(name))


class _Builder:
    """Collects names into Services keyed by their core; the fullest spelling is shown."""

    def __init__(self, prefixes: tuple[str, ...], profile) -> None:
        self.prefixes, self.profile = prefixes, profile
        self.found: dict[str, Service] = {}

    def known(self, name: str) -> bool:
        return core_of(name, self.prefixes) in self.found

    def in_guide(self, name: str) -> bool:
        svc = self.found.get(core_of(name, self.prefixes))
        return bool(svc and svc.in_guide)

    def add(self, name: str, in_guide: bool, defined: bool = False, kinds: frozenset[str] = frozenset()) -> None:
        name = re.sub(r"\s+", " ", name).strip(" .,;:")
        core = core_of(name, self.prefixes)
        if len(core) < 2 and core != "":
            return
        svc = self.found.get(core)
        if svc is None:
            generic = core == "" or core in self.profile.generic_names
            svc = self.found[core] = Service(name, core, in_guide, generic=generic)
        elif len(name) > len(svc.name) and self._prefixed(name):
            svc.name = name
        svc.in_guide = svc.in_guide or in_guide
        svc.defined = svc.defined or defined
        svc.kinds = svc.kinds | kinds
        svc.aliases |= _aliases(name, core, self.prefixes, self.profile)

    def part_of_known(self, name: str) -> str | None:
        """The rest of a name that opens with a thing already known and goes on like a name
        ("One Zone-IA" of "Coldstore One Zone-IA", "Lustre" of "Coldstore for Lustre", when
        "Coldstore" is a thing), else None: such a name is a thing of its own.

        >>> b = _Builder((), None); b.found["coldstore"] = Service("Coldstore", "coldstore", True)
        >>> b.part_of_known("Coldstore One Zone-IA"), b.part_of_known("Coldstore for Lustre"), b.part_of_known("Coldstore bucket")
        ('One Zone-IA', 'Lustre', None)
        """
        words = re.sub(r"\(.*?\)", " ", name).split()
        while words and words[0].lower() in self.prefixes:
            words.pop(0)
        for n in (2, 1):
            head = self.found.get(core_of(" ".join(words[:n]), self.prefixes)) if len(words) > n else None
            if head is None or head.generic:
                continue
            rest = _name_rest(words[n:])
            if rest and rest.split()[0].lower() not in FUNCTION_WORDS:
                return rest
        return None

    def word_of_a_name(self, word: str) -> bool:
        return any(word in svc.name.split() and svc.name != word for svc in self.found.values())

    def alias(self, name: str, short: str) -> None:
        """``short`` also names ``name``'s thing (an acronym), unless it names another one."""
        svc = self.found.get(core_of(name, self.prefixes))
        if svc is not None and core_of(short, self.prefixes) not in self.found and short.lower() not in FUNCTION_WORDS:
            svc.aliases.add(short)

    def merge(self, name: str, short: str) -> None:
        """``short``'s thing folded into ``name``'s: "NPV", a table row of its own, and "Net
        present value (NPV)", a heading, are one thing whose evidence counts once.

        >>> b = _Builder((), None)
        >>> b.found = {"net present value": Service("Net present value", "net present value", True, {"Net present value"}),
        ...            "npv": Service("NPV", "npv", True, {"NPV"}, kinds=frozenset({"method"}))}
        >>> b.merge("Net present value", "NPV"); sorted(b.found), sorted(b.found["net present value"].aliases)
        (['net present value'], ['NPV', 'Net present value'])
        """
        into = self.found.get(core_of(name, self.prefixes))
        other = self.found.get(core_of(short, self.prefixes))
        if into is None or other is None or other is into or other.generic or into.generic:
            return
        into.aliases |= other.aliases
        into.kinds |= other.kinds
        into.defined, into.in_guide = into.defined or other.defined, into.in_guide or other.in_guide
        del self.found[other.core]

    def _prefixed(self, name: str) -> bool:
        return any(name.startswith(p + " ") for p in self.profile.name_prefixes)


def _prefixed_names(texts: list[str], prefixes: tuple[str, ...]) -> list[str]:
    """'Amazon SageMaker Canvas', 'AWS Glue': runs of capitalised words after a product prefix."""
    if not prefixes:
        return []
    alt = "|".join(map(re.escape, prefixes))
    word = r"(?:[A-Z][\w\-]*|AI|ML)(?![\w\-])"
    # "Acme Cost and Usage Ledger" is one name; "Acme Pipes and Lens" two (_joins_names).
    name_re = re.compile(rf"\b(?:{alt})(?:\s+{word})+(?:\s+(?:and|&)\s+(?!(?:{alt})\s){word}(?:\s+{word})*)?")
    out = []
    for text in texts:
        for m in name_re.finditer(text):
            found = m.group(0)
            if re.search(r"\s(?:and|&)\s", found) and (
                    word_uses(found, texts) < 2 or _joins_names(found, texts)):
                found = re.split(r"\s+(?:and|&)\s+", found)[0]
            # "Amazon SageMaker Platform Amazon Bedrock" is two names side by side.
            for part in re.split(rf"\s+(?=(?:{alt})\s)", found):
                words = re.sub(r"-side$", "", part).split()
                while len(words) > 2 and words[-1] in TRAILING_NOISE:
                    words.pop()
                if len(words) >= 2:
                    out.append(" ".join(words))
    return out


def _family_words(names: list[str], prefixes: tuple[str, ...], texts: list[str] = ()) -> tuple[str, ...]:
    """The product family most prefixed names share ('SageMaker' in 'Amazon SageMaker Canvas'):
    a name is matched with or without it. A word the text also uses as an ordinary word is no
    family: "Cost" of "Acme Cost Explorer" and "Acme Cost Alerts", where the text talks of
    "cost" (a stray "hivekit:Open" among many "Hivekit" is allowed).

    >>> names = ["Acme Cost A B", "Acme Cost C D", "Acme Cost E F", "Acme Cost G H"]
    >>> _family_words(names, ("Acme",), ["the cost of it"]), _family_words(names, ("Acme",), ["Acme Cost"])
    ((), ('cost',))
    """
    counts: dict[str, int] = {}
    words_of: dict[str, str] = {}
    for n in set(names):
        words = n.split()
        if len(words) >= 3 and words[0] in prefixes:
            counts[words[1].lower()] = counts.get(words[1].lower(), 0) + 1
            words_of[words[1].lower()] = words[1]
    return tuple(w for w, c in counts.items()
                 if c >= 4 and (words_of[w] == w or _plain_uses(w, texts) * 8 < _plain_uses(words_of[w], texts)))


def _heading_short_forms(headings: list[str]) -> list[tuple[str, str]]:
    """(short form, name) of headings that spell a name out before its initials.

    >>> _heading_short_forms(["2.4 Profitability index (PI)", "Payback (the simple one)", "Pricing (AWS)"])
    [('PI', 'Profitability index')]
    """
    out = []
    for heading in headings:
        for m in SHORT_FORM_RE.finditer(heading):
            long = spelled_by(NUMBERING_RE.sub("", heading[:m.start()]), m.group(1))
            if long:
                out.append((m.group(1), long))
    return out


# Head nouns a name may be written with or without: "Pecking order (theory)", "DuPont (analysis)".
NAME_HEADS = frozenset("theory theorem hypothesis model method approach technique principle effect law rule "
                       "analysis equation formula period framework".split())


def _headed_variants(names: list[str]) -> list[tuple[str, str]]:
    """(name, the same name without its head noun), both things of the material: one thing.

    >>> _headed_variants(["Bird-in-hand theory", "Bird-in-hand", "Cash", "Cash ratio", "Payback period", "Payback"])
    [('Bird-in-hand theory', 'Bird-in-hand'), ('Payback period', 'Payback')]
    """
    lowered = {n.lower(): n for n in names}
    out = []
    for name in names:
        head, _, last = name.rpartition(" ")
        if head and last.lower() in NAME_HEADS and head.lower() in lowered:
            out.append((name, lowered[head.lower()]))
    return out


def _kinds_of_others(things: list[Service]) -> list[Service]:
    """One-word plural things that name the kind of two or more others: "Ratios" over "Current
    ratio", "Quick ratio" and "Cash ratio" is what they are, never the one asked for.

    >>> ts = [Service(n, n.lower(), True) for n in ("Ratios", "Current ratio", "Quick ratio", "Bonds", "Zero-coupon bond")]
    >>> [t.name for t in _kinds_of_others(ts)]
    ['Ratios']
    """
    heads = Counter(t.name.split()[-1].lower() for t in things if " " in t.name)
    return [t for t in things if re.fullmatch(r"[A-Z]?[a-z\-]+s", t.name) and not t.name.endswith("ss")
            and heads[t.name[:-1].lower()] >= 2]


def _tagged_heads(headings: list[str]) -> set[str]:
    """Heading openings that label several sections, each with its own tagline after a dash
    ("Worked example — Maple Tutoring", "Worked example: memory arithmetic"): labels, not things.

    >>> sorted(_tagged_heads(["Worked example — Maple", "Worked example: bikes", "Canvas — No-code ML"]))
    ['Worked example']
    >>> sorted(_tagged_heads(["Worked example 4", "Worked example 5", "Step 1"]))
    ['Worked example 4', 'Worked example 5']
    """
    tails: dict[str, set[str]] = {}
    numbered: dict[str, set[str]] = {}  # "Worked example 4", "Worked example 5": numbered labels
    for h in set(headings):
        bare = NUMBERING_RE.sub("", h.split(" > ")[-1])
        parts = re.split(r"\s+[—–]\s+|\s+-\s+|:\s+", bare, maxsplit=1)
        if len(parts) == 2 and parts[1].strip():
            tails.setdefault(parts[0].strip(" *#"), set()).add(parts[1].strip())
        label = re.fullmatch(r"([A-Za-z][\w ]*?) \d{1,3}", parts[0].strip(" *#"))
        if label:
            numbered.setdefault(label.group(1), set()).add(label.group(0))
    return {head for head, tagged in tails.items() if len(tagged) >= 2} | \
        {name for names in numbered.values() if len(names) >= 2 for name in names}


def _without_contents(texts: list[str], headings: list[str]) -> list[str]:
    r"""The texts less their lines that only repeat a heading: a table of contents ("- 3.
    Non-relational data on Azure") or a page's navigation uses no name.

    >>> _without_contents(["- 3. Cold storage\n- Cold storage lasts.", "1.2 Cold storage"], ["3. COLD STORAGE"])
    ['- Cold storage lasts.', '']
    """
    bare = {_bare_heading(h) for h in headings}
    return ["\n".join(line for line in t.split("\n") if _bare_heading(line) not in bare) for t in texts]


def _bare_heading(line: str) -> str:
    return NUMBERING_RE.sub("", re.sub(r"^[\s>*\-•#]+", "", line.split(" > ")[-1])).strip(" *#:").lower()


# Words that open what a heading says about a thing it names ("SameSite in detail").
ABOUT_WORDS = frozenset("in at on for with under from by across during within behind".split())


def _about_a_name(name: str, names: set[str], prefixes: tuple[str, ...] = ()) -> bool:
    """A heading that names a thing, then says in plain words what the section does with it
    ("SameSite in detail", "Joins in practice"): a part of the page about that thing, not a
    thing of its own. "Coldstore for Lustre" goes on like a name and stays one.

    >>> [_about_a_name(n, {"samesite", "coldstore"}) for n in ("SameSite in detail", "Coldstore for Lustre", "Varroa in winter")]
    [True, False, False]
    """
    words = name.split()
    for n in (1, 2, 3):
        if len(words) > n + 1 and core_of(" ".join(words[:n]), prefixes) in names \
                and words[n].lower() in ABOUT_WORDS and all(w.islower() for w in words[n:]):
            return True
    return False


BOLD_OPENER_RE = re.compile(r"(?m)^[ \t>*\-]*\*\*([^*\n]+?)(?::\*\*|\*\*:)")  # "**Exam tip:**", "- **Tip**:"
LIST_OPENER_RE = re.compile(r"(?m)^[ \t]*[-*•▪·][ \t]+([A-Z][a-z]+(?: [a-z]+)?):[ \t]")  # "- Example: …", "- Risk: …"


QUESTION_LINE_RE = re.compile(r"^[\s>*_#-]*(?:Q\d*\s*[:.)]\s*)?.{6,}\?[\s*_]*$")
HEAD_LINE_RE = re.compile(r"^(#{1,6})\s+(?:[\d.]+\s+)?(.+?)\s*#*\s*$")


def question_heads(texts: list[str]) -> set[str]:
    """Headings whose section asks questions and answers them ("## 14. FAQ", "## Questions I
    asked in tutorials"): at least two question lines, a third of its lines or more. The
    answers beneath are on many things; the heading names none of them.

    >>> question_heads(["## 9. FAQ\\n**Q: Why AC?**\\nTransformers.\\n**Q: Fuse or breaker?**\\nA fuse melts.\\n## 10. Fuses\\nA fuse melts."])
    {'FAQ'}
    """
    out = set()
    for text in texts:
        lines = [t for t in text.splitlines() if t.strip()]
        for at, line in enumerate(lines):
            m = HEAD_LINE_RE.match(line)
            if m is None:
                continue
            body = []
            for t in lines[at + 1:]:
                deeper = HEAD_LINE_RE.match(t)
                if deeper and len(deeper.group(1)) <= len(m.group(1)):
                    break
                body.append(t)
            asked = sum(1 for t in body if QUESTION_LINE_RE.match(t))
            if asked >= 2 and 3 * asked >= len(body):
                out.add(re.sub(r"\s*\([^()]*\)\s*$", "", m.group(2)))
    return out


def _labels(defined, texts: list[str]) -> set[str]:
    """Lead terms that label many places ('Exam signal:', 'Scenario 3:', a paragraph
    opening '**Exam tip:**' three times or more, and '**Exam trap:**' of its family) are not
    things taught.

    >>> bold = [(n, "bold", frozenset()) for n in ("Exam tip", "Exam trap", "RER")]
    >>> sorted(_labels(bold, ["**Exam tip:** one", "**Exam tip:** two. **RER** makes", "**Exam tip**: three with **RER**",
    ...                       "**Exam trap:** four"]))
    ['Exam tip', 'Exam trap']
    """
    counts: dict[str, int] = {}  # per core: "Example:" three times makes "Examples" a label too
    for name, how, _kinds in defined:
        if how in ("lead", "label"):
            counts[core_of(name)] = counts.get(core_of(name), 0) + 1
    numbered = {n for n, _h, _k in defined if re.fullmatch(r"[A-Za-z]+(?: [a-z]+){0,2} \d+", n)}  # "Worked example 5"
    bold = {n for n, how, _k in defined if how == "bold"}
    opened_lines = Counter(m for t in texts for m in BOLD_OPENER_RE.findall(t))
    opens = {n: opened_lines[n] for n in bold}
    # "**Exam trap:**" once beside "**Exam tip:**" five times is of the same family of labels.
    families = {n.split()[0] for n, c in opens.items() if c >= 3 and len(n.split()) > 1}
    # A label of two words or more ("Exam trap:") opens two lines; a term is defined once.
    opened = {n for n, c in opens.items() if c >= 3 or c and len(n.split()) > 1 and (c >= 2 or n.split()[0] in families)}
    # A list term that opens three list lines or more ("- Example: …" under each of several
    # terms) labels what follows; it is not a thing taught.
    listed = Counter(m for t in texts for m in LIST_OPENER_RE.findall(t))
    list_labels = {n for n, how, _k in defined if how == "term" and listed[n] >= 3}
    return {n for n, _h, _k in defined if counts.get(core_of(n), 0) >= 3} | numbered | opened | list_labels


def _name_rest(rest: list[str]) -> str | None:
    """The words after a known thing's name, when they go on like a name ("One Zone-IA",
    "for Lustre" -> "Lustre"); None for "bucket"."""
    if len(rest) > 1 and rest[0].lower() in ("for", "of", "on"):
        rest = rest[1:]
    return " ".join(rest) if re.match(r"[A-Z0-9]", rest[0]) else None


def _plain_side(name: str, heading: str, texts: list[str]) -> bool:
    """A side of a comparison heading that is one ordinary word ("Object" of "Object vs block
    vs file storage", while the text keeps writing "object"): a word, not a thing taught."""
    if not re.search(r"\bvs\.?\b|\bversus\b", heading, re.I) or " " in name or re.search(r"[A-Z].*[A-Z]|[\d\-+]", name):
        return False
    return word_uses(name.lower(), texts) > 2


def word_uses(word: str, texts: list[str]) -> int:
    """How often ``word`` stands as a whole word in ``texts`` (case as given).

    >>> word_uses("range", ["Range partitioning, by range", "a range-based key"])
    1
    """
    pattern = re.compile(rf"(?<![\w\-]){re.escape(word)}(?![\w\-])")
    return sum(len(pattern.findall(t)) for t in texts)


def _names_a_kind(name: str, texts: list[str]) -> bool:
    """A heading's plain plural ("Protocols", "Joins") names a kind of thing, not one thing,
    when the text also uses its singular as an ordinary word ("a routing protocol").

    >>> _names_a_kind("Protocols", ["TCP is a protocol.", "Each protocol has a port.", "the protocol"])
    True
    >>> _names_a_kind("Sharding", ["sharding splits rows", "sharding again", "more sharding"])
    False
    """
    if " " in name or not re.fullmatch(r"[A-Z][a-z]+s", name) or name.endswith("ss"):
        return False
    one = name[:-1].lower()
    return word_uses(one, texts) + word_uses(name.lower(), texts) >= 3


def _heading_uses(name: str, running: list[str]) -> int:
    return sum(name.lower() in t for t in running)


def _piece_of_a_name(name: str, names: list[str]) -> bool:
    """Is ``name`` one side of another of ``names`` joined by "and", that one name?

    >>> _piece_of_a_name("Acme Cost", ["Acme Cost and Usage Ledger", "Acme Cost"])
    True
    """
    return any(name != other and name in re.split(r"\s+(?:and|&)\s+", other) for other in names)


def _joins_names(name: str, texts: list[str]) -> bool:
    """A heading "Night Owl and Airport Shuttle" covers two things the text names on their own; it is
    not a third. "Identity and Access Management", whose halves are not used alone, is one name.

    >>> _joins_names("Hives and Smokers", ["Hives and Smokers", "Use Hives.", "Light the Smokers."])
    True
    >>> _joins_names("Search and Rescue", ["Search and Rescue teams", "a search"])
    False
    """
    parts = [p for p in re.split(r"\s+(?:and|&)\s+", name) if p]
    if len(parts) < 2:
        return False
    return all(_uses_alone(p, name, texts) for p in parts)


def _uses_alone(part: str, whole: str, texts: list[str]) -> int:
    """How often ``part`` of the name ``whole`` stands alone: outside the whole name and not
    opening a longer name ("Acme Cost" in "Acme Cost Explorer" is not "Acme Cost"), nor
    closing another "… and <part>".

    >>> _uses_alone("Acme Cost", "Acme Cost and Usage Ledger", ["Acme Cost Explorer; Acme Cost and Usage Ledger"])
    0
    >>> _uses_alone("Smokers", "Hives and Smokers", ["Hives and Smokers", "Light the Smokers."])
    1
    """
    rest = [re.sub(re.escape(whole), " ", t) for t in texts]
    # after "and" it ends another joined name ("Cost Explorer vs Cost and Usage Ledger")
    pattern = re.compile(rf"(?<![\w\-])(?<!and )(?<!& ){re.escape(part)}(?![\w\-])(?!\s+[A-Z][a-z])")
    return sum(len(pattern.findall(t)) for t in rest)


def _tail_aliases(names: list[str], texts: list[str]) -> list[tuple[str, str]]:
    """(name, shorter name) when the text also calls a thing of three or more words by its last
    words: "Harbour Ferry" for "Riverton Harbour Ferry", when no other thing is named so.

    >>> _tail_aliases(["Riverton Harbour Ferry"], ["Riverton Harbour Ferry is a boat.", "Bikes ride the Harbour Ferry."])
    [('Riverton Harbour Ferry', 'Harbour Ferry')]
    """
    out = []
    for name in names:
        words = re.sub(r"\(.*?\)", "", name).split()
        if len(words) < 3:
            continue
        tail = " ".join(words[1:])
        if tail[:1].isupper() and words[1].lower() not in FUNCTION_WORDS and _alone(tail, texts):
            out.append((name, tail))
    return out


ENDING_ACRONYM_RE = re.compile(r"(?<=[\s\-])([A-Z]{2,5})$")


def _spelled_out(names: list[str], texts: list[str]) -> list[tuple[str, str]]:
    """(name, the same name with its closing acronym spelled out), where the text writes it so:
    "Coldstore Standard-Infrequent Access" for "Coldstore Standard-IA".

    >>> _spelled_out(["Coldstore Standard-IA"], ["Coldstore Standard-Infrequent Access suits rare reads."])
    [('Coldstore Standard-IA', 'Coldstore Standard-Infrequent Access')]
    """
    out = []
    for name in names:
        m = ENDING_ACRONYM_RE.search(name)
        if not m:
            continue
        words = r"[\s\-]+".join(rf"{letter}[a-z]+" for letter in m.group(1))
        pattern = re.compile(rf"(?<![\w\-]){re.escape(name[:m.start()])}{words}(?![\w\-])")
        found = next((f.group(0) for t in texts for f in pattern.finditer(t)), None)
        if found:
            out.append((name, found))
    return out


def _short_name(rest: str, texts: list[str]) -> bool:
    """Does the text use a name's rest ("One Zone-IA") on its own, as a name (several words or
    written like an identifier, never one plain word like "Logs"), at least twice?"""
    if " " not in rest and not re.search(r"[\-\d]|[A-Z].*[A-Z]", rest):
        return False
    pattern = re.compile(rf"(?<![\w\-]){re.escape(rest)}(?![\w\-])")
    return sum(len(pattern.findall(t)) for t in texts) >= 2 and _alone(rest, texts)


def _alone(name: str, texts: list[str]) -> bool:
    """Is ``name`` used as a name of its own, not as the end of a longer capitalised one
    ("Harbour Ferry" in "Old Town Harbour Ferry" is not)?"""
    pattern = re.compile(rf"(?<![\w\-]){re.escape(name)}(?![\w\-])")
    for t in texts:
        for m in pattern.finditer(t):
            before = re.search(r"(\S+)\s*$", t[max(0, m.start() - 40):m.start()])
            if before is None or not before.group(1)[:1].isupper() or before.group(1)[-1] in ".,;:!?)":
                return True
    return False


BRAND_RE = re.compile(r"[A-Z][a-z]+[A-Z][A-Za-z]*")  # "GitLab", "AquaLine", "PowerShell"
IDENTIFIER_RE = re.compile(r"(?=\S*(?:\d|[A-Z]\S*[A-Z]))[\w.\-/+]+|[a-z][a-z0-9_.\-]+")


# "a table (Figure)", "citric acid (Descalex)": a short lower-case word, or one used more often,
# is an ordinary word or the tail of a longer name, not a name of its own.
PAREN_PLAIN_USES = 4


def _worth_keeping(name: str, how: str, texts: list[str], lowered: list[str], profile) -> bool:
    """A defined name that is a name: used again in the text, or short; never a function word;
    a single plain word only when the text does not also use it as an ordinary word."""
    low = name.lower()
    if low in FUNCTION_WORDS or low in profile.common_words or len(low) < 2:
        return False
    # "RPO (Recovery Point Objective)" is used wherever "RPO" is.
    base = re.sub(r"\s*\(.*?\)", "", low).strip() or low
    uses = sum(t.count(base) for t in lowered)
    words = base.split()
    if how == "is_a" and uses >= 1 and len(words) > 1:
        return True  # "Kerbside Express is a door-to-door minibus" names itself as it defines itself
    if how == "does":
        # "Sealed Secrets encrypts a secret …" names a thing; "Pick Flexi when …" opens with
        # an ordinary word the text also writes in lower case.
        return len(words) > 1 and (uses >= 2 or word_uses(words[0].lower(), texts) == 0)
    if how == "code":
        # A command written whole with its options ("`sshd -t`") is a thing wherever it stands.
        command = re.fullmatch(r"[a-z][\w.\-]*(?: [\w.+:=~^@{}\-]+)+", name) is not None and " -" in f" {name}"
        return _alone(name, texts) and not _brand(name, texts) \
            and (command or _introduced(name, texts) or _code_uses(name, texts) >= CODE_USES and not re.fullmatch(r"[a-z]+", name)) \
            and not (re.fullmatch(r"[a-z]+", name) and _plain_uses(name, texts) > 1)
    if how == "term" and len(words) > 1:
        # "Matrix strategy: strategy.matrix expands one job …" defines the term; a longer
        # label used once ("Environments record deployments: a job …") is a sentence's start.
        return len(words) == 2 or uses >= 2
    if uses < 2 and (len(words) > 3 or how in ("heading", "table", "label")) and not (
            how in ("table", "label") and IDENTIFIER_RE.fullmatch(name)):
        # A table's first cell or a "Label:" used nowhere else is an attribute ("Granularity",
        # "Check mechanisms"), unless it is written like an identifier ("ipconfig", "802.11ax").
        return False
    if how in ("lead", "label") and not re.match(r"[A-Z0-9]|.*[\-_()\d]", name):
        return False  # "estimated: ...", "runs it — ..." are words, not terms
    if len(words) == 1 and not re.search(r"[A-Z].*[A-Z]|[\d\-+]", name):
        # "Serializable" stays; "Hash", "range", "Document" are ordinary words too often;
        # "Thermistor" is a term however often the text writes "the thermistor".
        plain = word_uses(low, texts)
        # A bullet's one-word label ("Defaults:", "Units:", "Gotcha:") is a field of a list,
        # not a thing taught, unless the text also calls it by that name ("a Role grants ...").
        term = how == "bold" and not english.ordinary(low) and _as_a_noun(low, texts)
        return (plain <= 2 or term) and (how not in ("label", "is_a") or named_elsewhere(name, texts))
    return True


def _as_a_noun(word: str, texts: list[str]) -> bool:
    """Does the text write the word after an article ("put the thermistor in R1"), as a thing's
    name, and not only as an adjective or a verb ("inelastic", "condenses")?

    >>> _as_a_noun("thermistor", ["Put the thermistor in R1."]), _as_a_noun("inelastic", ["Demand is inelastic."])
    (True, False)
    """
    pattern = re.compile(rf"\b(?:a|an|the)\s+{re.escape(word)}(?![\w\-])", re.I)
    return any(pattern.search(t) for t in texts)


FAMILY_MIN = 3  # names sharing a head noun before they read as one family of things


def family_members(names: list[str]) -> set[str]:
    """Table first cells of two or more words that share their last word with at least two
    others: the members of one family of things ("Drum roasting", "Pan roasting",
    "Fluid-bed roasting"), each taught by its row however seldom the text repeats it.

    >>> sorted(family_members(["Drum roasting", "Pan roasting", "Infrared roasting", "Batch size", "Roast colour"]))
    ['Drum roasting', 'Infrared roasting', 'Pan roasting']
    """
    def head(name: str) -> str:
        return name.lower().split()[-1].rstrip("s")
    multi = [n for n in set(names) if len(n.split()) >= 2]
    counts = Counter(head(n) for n in multi)
    return {n for n in multi if counts[head(n)] >= FAMILY_MIN}


def _used_on_its_own(alias: str, texts: list[str]) -> bool:
    """A one-word other name the text also uses more than twice outside parentheses names a
    thing of its own ("netplan (Ubuntu)" in notes that keep saying Ubuntu), not the same one.

    >>> _used_on_its_own("Plavix", ["clopidogrel (Plavix) daily"]), _used_on_its_own("Ubuntu", ["(Ubuntu)", "Ubuntu a", "Ubuntu b", "Ubuntu c"])
    (False, True)
    """
    if " " in alias or not alias[:1].isupper() or alias.isupper():
        return False  # acronyms and long forms are used on their own wherever their thing is
    return sum(len(re.findall(rf"(?<![(\w\-]){re.escape(alias)}(?![\w\-])", t)) for t in texts) > 2


# Written as code this often, a name is one the text teaches ("`find()`", "`KeyError`" in two
# places); a bare word so written is as often a value or a keyword of the code ("`false`").
CODE_USES = 2


def _code_uses(name: str, texts: list[str]) -> int:
    """How often ``name`` is written as code on its own ("`find()`"), not inside a longer snippet.

    >>> _code_uses("find()", ["`find()` returns -1", "lists have `index()` but no `find()`", "`s.find()`"])
    2
    """
    return sum(t.count(f"`{name}`") for t in texts)


def _plain_uses(word: str, texts: list[str]) -> int:
    """How often a word stands in running text, not written as code: "last" in "the last
    commit" counts, "`last`" does not.

    >>> _plain_uses("last", ["`last` shows logins; the last one failed"])
    1
    """
    return sum(len(re.findall(rf"(?<![\w\-`]){re.escape(word)}(?![\w\-`])", t)) for t in texts)


def _brand(name: str, texts: list[str]) -> bool:
    """A code-shaped word that mostly opens longer names ("GitHub" in "GitHub Actions",
    "GitHub Flow") is a brand, not a thing of its own.

    >>> _brand("GitHub", ["GitHub Actions runs", "GitHub Flow merges", "a GitHub repo"])
    True
    >>> _brand("PreSync", ["PreSync (for example a migration job), Sync"])
    False
    """
    uses = [m.group(1) for t in texts for m in re.finditer(rf"(?<![\w\-]){re.escape(name)}(?![\w\-])(\s+\S)?", t)]
    return sum(bool(u and u.strip()[:1].isupper()) for u in uses) * 3 >= len(uses) > 0


def _introduced(name: str, texts: list[str]) -> bool:
    """A code-shaped name the text introduces somewhere: at the start of a line, or followed by
    what it is ("PreSync (for example a migration job)", "maxSurge: 25%"). One only mentioned in
    passing ("works with PyTorch and TensorFlow") is not a thing the text teaches.

    >>> _introduced("PreSync", ["resource hooks: PreSync (for example a migration job), Sync"])
    True
    >>> _introduced("TensorFlow", ["It works with PyTorch and TensorFlow out of the box."])
    False
    """
    n = re.escape(name)
    pattern = re.compile(rf"(?:^|\n)[ \t]*(?:[-*•▪◦·|]|\d+[.)])?[ \t]*[`*]*{n}(?![\w\-])|"
                         rf"(?<![\w\-]){n}[`*]*[ \t]*(?:\(|:|—|–|=)|\|[ \t]*`{n}(?:[ \t]+<[^<>`]*>)*`[ \t]*\|")
    return any(pattern.search(t) for t in texts)


def named_elsewhere(name: str, texts: list[str]) -> bool:
    """The text uses ``name`` as a name away from the start of a line or sentence: capitalised
    after a lower-case word, or in code quotes.

    >>> named_elsewhere("Role", ["- Role: a set of permissions", "bind a Role to a user"])
    True
    >>> named_elsewhere("Defaults", ["- Defaults: `periodSeconds: 10`", "the request defaults to it"])
    False
    """
    pattern = re.compile(rf"(?:(?<=[a-z,;(] )|`){re.escape(name)}(?![\w\-])")
    return any(pattern.search(t) for t in texts)


def _call_aliases(name: str, function: str) -> set[str]:
    """A function written as a call is named as a call ("find(sub)", "find()"); its bare name
    too only when that is no word of a language ("isinstance", "COUNT", "str.find"), or
    "replace" in "how do I replace brake pads?" would name "replace(old, new)".

    >>> sorted(_call_aliases("replace(old, new)", "replace")), sorted(_call_aliases("str_len(s)", "str_len"))
    (['replace()', 'replace(old, new)'], ['str_len', 'str_len()', 'str_len(s)'])
    """
    out = {name, f"{function}()"}
    if re.search(r"[_\d.]|[a-z][A-Z]", function) or function.isupper():
        out.add(function)
    return out


def _aliases(name: str, core: str, prefixes: tuple[str, ...], profile) -> set[str]:
    call = CALL_RE.fullmatch(name)
    if call:
        return _call_aliases(name, call.group(1))
    out = {name}
    stripped = re.sub(r"\(.*?\)", "", name).strip()
    out.add(stripped)
    vendor = [p for p in profile.name_prefixes if stripped.startswith(p + " ")]
    no_vendor = stripped[len(vendor[0]) + 1:] if vendor else stripped
    out.add(no_vendor)
    family = [w for w in prefixes if w not in {p.lower() for p in profile.name_prefixes}]
    first = no_vendor.split()[0] if no_vendor.split() else ""
    no_family = " ".join(no_vendor.split()[1:]) if first.lower() in family else no_vendor
    if no_family != no_vendor and no_family:
        out.add(first + " " + no_family)
        if vendor:
            out.add(f"{vendor[0]} {first} {no_family}")
    if no_family.endswith("s") and len(no_family.split()[-1]) > 4:
        out.add(no_family[:-1])  # "Real-time endpoints" also matches "real-time endpoint"
        if no_family != no_vendor:
            out.add(first + " " + no_family[:-1])
    if no_family and core not in profile.generic_single and core not in profile.generic_names and (
        len(no_family.split()) >= 2 or no_family[:1].isupper() and no_family.lower() not in profile.common_words
    ):
        out.add(no_family)
    out = {re.sub(r"\s+", " ", a).strip() for a in out}
    return {a for a in out if a and a.lower() not in profile.common_words and a.lower() not in FUNCTION_WORDS}
