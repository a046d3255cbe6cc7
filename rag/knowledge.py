"""Everything answering needs from the index, loaded once: retriever, sources, the guide's
service catalog, its sentences and its signal statements (with cached embeddings).

The sources' text comes from the index itself (it stores what was extracted at ingest), so
answering never reads data/. With ``settings.sources`` set, a question may only use those
sources: their rows are the only ones retrieved, quoted or used as evidence."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from studyrag.index.embedders.base import embed_in_length_order
from studyrag.index.stores.derived import Derived, FolderDerived, array_bytes, array_from
from studyrag.ingest.chunker import Chunk, sentence_spans
from studyrag.ingest.formats import page_at
from studyrag.rag import contrasts, entities, outside, profile, remedies, scope, subject
from studyrag.rag.catalog import Catalog, Service, is_figure, question_heads
from studyrag.rag.retrieve import Retriever
from studyrag.rag.signals import SignalIndex

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings


# "| OSPF | 110 |": a short table row still states a value (not a separator row "|---|---|").
SHORT_ROW_RE = re.compile(r"^\|\s*[^|\s-][^|]*\|\s*[^|\s-][^|]*\|")


@dataclass(frozen=True)
class Sentence:
    row: int  # chunk row
    start: int
    end: int
    text: str
    services: tuple[str, ...]


def cached_vectors(embedder, texts: list[str], derived: Derived | None, label: str) -> np.ndarray:
    """Passage embeddings of ``texts``, kept in the index build's derived data (a plain .npy,
    never a pickle) under a key that holds the texts' digest."""
    if not texts:
        return np.zeros((0, embedder.dim), np.float32)
    digest = hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:16]
    key = f"{label}-{embedder.name}-{digest}.npy"
    vecs = array_from(derived.get(key)) if derived is not None else None
    if vecs is not None and vecs.shape == (len(texts), embedder.dim):
        return vecs.astype(np.float32, copy=False)
    vecs = embed_in_length_order(embedder, texts)
    if derived is not None:
        derived.put(key, array_bytes(vecs))
    return vecs


# A list item short enough to be a name, not a statement ("• Cost optimization").
SHORT_ITEM = 40
# The most of the material's text around one sentence that the model reads to explain it.
CONTEXT_CHARS = 400
ITEM_RE = re.compile(r"[ \t]*(?:[•\-*·▪–◦]|\d{1,2}[.)])[ \t]+\S")


def lead_in_lists(src: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with each lead-in ending in a colon joined to the short items under it: the
    list is the statement ("The Atlas Pass comes in five tiers:" over "• Student", "• Duo",
    ...), and neither half says it alone. A list whose items are sentences of their own
    stays as it is.

    >>> src = "It checks four areas:\\n  • Cost\\n  • Speed\\nDone."
    >>> [src[a:b] for a, b in lead_in_lists(src, [(0, 21), (24, 30), (33, 40), (41, 46)])]
    ['It checks four areas:\\n  • Cost\\n  • Speed', 'Done.']
    """
    out, j = [], 0
    while j < len(spans):
        s, e = spans[j]
        last = j
        if src[s:e].endswith((":", "：")):
            while last + 1 < len(spans) and _short_item(src, *spans[last + 1]):
                last += 1
        if last - j >= 2:
            out.append((s, spans[last][1]))
        else:
            last = j
            out.append((s, e))
        j = last + 1
    return out


def whole_rows(src: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with the pieces of one table row joined: a row is one fact, and a cell's full
    stop ("George H. W. Bush", "Cuts arsenals. First of its kind.") does not end it.

    >>> src = "| START I | 1991 | George H. W. Bush and Gorbachev | 6,000 warheads |\\nNext."
    >>> [src[a:b] for a, b in whole_rows(src, sentence_spans(src, 0, len(src)))]
    ['| START I | 1991 | George H. W. Bush and Gorbachev | 6,000 warheads |', 'Next.']
    """
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and "\n" not in src[out[-1][1]:s] and _in_row(src, s):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _in_row(src: str, at: int) -> bool:
    line = src[src.rfind("\n", 0, at) + 1:_line_end(src, at)]
    return line.lstrip().startswith("|") and line.count("|") >= 3


def _short_item(src: str, start: int, end: int) -> bool:
    """A bullet or numbered line of its own, short enough to be a name."""
    line_start = src.rfind("\n", 0, start) + 1
    return bool(ITEM_RE.match(src, line_start)) and not src[line_start:start].strip() \
        and _line_end(src, start) == end and end - start <= SHORT_ITEM


def _line_end(src: str, at: int) -> int:
    end = src.find("\n", at)
    return len(src) if end < 0 else end


VS_HEADING_RE = re.compile(r"\bvs\.?\b|\bversus\b", re.I)  # a comparison heading is about both sides

class Knowledge:
    def __init__(self, settings: Settings, *, closed_book: bool | None = None) -> None:
        self.settings = settings
        self.retriever = Retriever(settings, closed_book=closed_book)
        self.embedder = self.retriever.embedder
        self.chunks: list[Chunk] = self.retriever.chunks
        self.allowed_kinds = frozenset({c.kind for c in self.chunks}) - self.retriever.exclude
        self.picked = self.retriever.picked  # the sources a question may use (None: all)
        self.sources = self._stored_texts()
        self.pages = {s.path: s.pages for s in self.retriever.index.manifest.sources}
        self._check_sources()
        usable = [c for c in self.chunks if self._usable(c)]
        heads = sorted({h for c in self.chunks if c.kind == "body" for h in c.section[:2]})
        self.profile = profile.choose(settings.material_profile, list(self.sources.values()))
        texts = [c.text for c in self.chunks if c.kind != "table"]
        defined = entities.collect([c for c in self.chunks if c.kind in ("body", "table", "summary")],
                                   "\n".join(texts).lower())
        tables = tuple(c.text for c in self.chunks if c.kind == "table")
        entries = frozenset(entities.glossary_entries(list(self.sources.values())))
        asked = frozenset(question_heads(list(self.sources.values())))
        self.catalog = Catalog.from_texts(texts, heads, defined, self.profile, tables, entries, asked)
        passages: dict[str, list[str]] = {}
        for c in self.chunks:
            passages.setdefault(c.source, []).append(c.text)
        self.subjects = subject.subjects(self.sources, passages, self.catalog)  # never a "which" answer
        # Kept with the index build (ingest fills it); a store without a place for it (a
        # plugin's) falls back to the work dir.
        cache = getattr(self.retriever.index, "derived", None) or FolderDerived(Path(settings.work_dir) / "cache")
        self.sentences = self._sentences()
        self.sentence_vecs = cached_vectors(self.embedder, [s.text for s in self.sentences], cache, "sentences")
        # Each sentence read under its heading: "Leading case: Hale v Pennant (1921)" is about
        # right of way only because its section says so (multiple choice weighs both readings).
        self.headed_vecs = cached_vectors(self.embedder, [self._under_heading(s) for s in self.sentences], cache, "headed")
        self.row_of = {c.id: i for i, c in enumerate(self.chunks)}
        self.section_service = {i: self._section_service(c) for i, c in enumerate(self.chunks) if self._picked(c)}
        # The guide's own questions (numbered FAQ entries): a user question that matches one
        # is answered from that entry's answer.
        self.faq_rows = [i for i, c in enumerate(self.chunks) if c.kind == "faq" and self._usable(c)]
        self.faq_vecs = cached_vectors(self.embedder, [self.chunks[i].section[-1] for i in self.faq_rows], cache, "faq")
        # The comparisons the material draws itself ("X vs Y" lines and sections).
        self.contrasts = contrasts.collect(self.sentences, self.chunks)
        texts = [s.text for s in self.sentences]
        self.contrast_vecs = cached_vectors(self.embedder, [c.text(texts) for c in self.contrasts], cache, "contrasts")
        self.signals = SignalIndex.build(
            usable, self.sources, self.catalog, self.embedder, cache, "signals", self._statement_owner
        )
        self.second_embedder = self._second_embedder(settings.decision_embedder)
        if self.second_embedder is not None:
            self.signals.second = cached_vectors(
                self.second_embedder, [x.signal for x in self.signals.statements], cache, "signals")
        self.topics_hint = {t for st in self.signals.statements for t in st.targets}
        # The services the guide teaches: those with a section of their own, or that a
        # signal statement points to (not the ones it only mentions, like Amazon S3).
        self.topics = {s.name for s in self.section_service.values() if s is not None} | {
            t for st in self.signals.statements if st.kind in ("explicit", "scenario") for t in st.targets} | {
            s.name for s in self.catalog.services if s.defined and not s.generic}
        # What the profile's other products do, less the ones this corpus teaches (rag/outside.py).
        self.outside = outside.prototypes(self.profile.outside, self.topics)
        self.outside_vecs = cached_vectors(self.embedder, [p.text for p in self.outside], cache, "outside")
        # Last: its anchors are measured with the material's own decisions.
        self.calibration = scope.calibrate(self.retriever, self._decided, cache, self.signals.scoring)

    def _picked(self, c: Chunk) -> bool:
        return self.picked is None or c.source in self.picked

    def _usable(self, c: Chunk) -> bool:
        return c.kind in self.allowed_kinds and self._picked(c)

    def _stored_texts(self) -> dict[str, str]:
        from studyrag.index.stores import IndexLoadError
        from studyrag.index.stores.base import REBUILD_HINT

        texts = self.retriever.index.texts
        missing = sorted({c.source for c in self.chunks} - set(texts))
        if missing:
            raise IndexLoadError(f"the index holds no text for {', '.join(missing[:3])}; {REBUILD_HINT}")
        return texts

    def _check_sources(self) -> None:
        from studyrag.index.stores import IndexLoadError
        from studyrag.index.stores.base import REBUILD_HINT

        for c in self.chunks[:: max(1, len(self.chunks) // 20)]:
            if self.sources[c.source][c.start : c.end] != c.text:
                raise IndexLoadError(f"the index's text of {c.source} does not match its chunks; {REBUILD_HINT}")

    def _sentences(self) -> list[Sentence]:
        out = []
        for row, c in enumerate(self.chunks):
            if not self._usable(c):
                continue
            src = self.sources[c.source]
            for s, e in lead_in_lists(src, whole_rows(src, sentence_spans(src, c.start, c.end))):
                # One line to read (a hard-wrapped sentence, a lead-in with its list); the
                # offsets still quote the source exactly.
                text = " ".join(src[s:e].split()) if "\n" in src[s:e] else src[s:e]
                # Questions, list lead-ins ("... when:") and bare labels are not evidence.
                if len(text) < 25 and not SHORT_ROW_RE.match(text) or text.endswith(("?", ":", "？", "：")) \
                        or text.startswith("Correct choice"):
                    continue
                names = tuple(x.name for x in self.catalog.find(text) if not x.generic)
                out.append(Sentence(row, s, e, text, names))
        return out

    def _statement_owner(self, c: Chunk) -> Service | None:
        """Whom a passage's sentences are about: its section's service, or for a FAQ entry the
        first thing its question names ('Do I need X if I use Y?' is about X)."""
        if c.kind == "faq":
            return next((s for s in self.catalog.find(c.section[-1]) if not s.generic), None)
        return self._section_service(c)

    def _section_service(self, c: Chunk) -> Service | None:
        """The service a section is about, from its heading ('Serverless Inference')."""
        if c.kind not in ("body", "table", "summary"):
            return None
        for depth in range(len(c.section) - 1, -1, -1):
            head = c.section[depth]
            # "12. Prototyping fidelity": its number is no thing, though "**12**" is a figure of the text
            found = self._heading_things(head) or [
                s for s in self.catalog.find(entities.NUMBERING_RE.sub("", head)) if not s.generic and not is_figure(s.name)]
            if VS_HEADING_RE.search(head) or len(found) > 1:
                return None  # a comparison section is about both sides, not one
            if found:
                # A chapter whose subsections teach other things ("Dividend policy" over
                # "Clientele effect", "Lintner's model") is not what an unnamed subsection of it
                # ("The theories") is about: that one is about the things it names.
                inherited = depth < len(c.section) - 1
                return None if inherited and self._chapter(c.section[:depth + 1], found[0]) else found[0]
        return None

    def _chapter(self, path: tuple[str, ...], thing: Service) -> bool:
        """Does a subsection under the heading ``path`` name a thing other than ``thing``?"""
        memo = self.__dict__.setdefault("_chapter_memo", {})
        if path not in memo:
            subheads = {c.section[len(path)] for c in self.chunks
                        if len(c.section) > len(path) and tuple(c.section[:len(path)]) == tuple(path)}
            memo[path] = any(x is not thing for h in subheads for x in self._heading_things(h))
        return memo[path]

    @cached_property
    def parent_of(self) -> dict[str, str]:
        """Each thing defined inside another thing's section, and that thing: "Fare
        capping — stops charging once a week's rides cost a weekly pass", under the heading
        "Metro Card", is a part of Metro Card; so is each row of a table there ("Age check | Keeps
        adult-only titles away from junior cards" under "Shelfwise Guard"); and each thing whose name opens
        with another's ("Metro Card Plus")."""
        parents: dict[str, str] = {}
        rows_of: dict[str, set[str]] = {}  # a table's rows: siblings, never parts of one another
        for st in self.signals.statements:
            if st.kind == "mention" and st.chunk_kind == "table" and len(st.targets) == 1:
                rows_of.setdefault(st.chunk_id, set()).add(st.targets[0])
        for st in self.signals.statements:
            defines = st.kind == "definition" or st.chunk_id in rows_of and st.kind == "mention"
            if not defines or len(st.targets) != 1 or st.targets[0] in parents:
                continue
            row = self.row_of.get(st.chunk_id)
            whole = self._enclosing(self.chunks[row], st.targets[0]) if row is not None else None
            if st.chunk_id in rows_of and self.people.is_person(st.targets[0]):
                continue  # "| David Lloyd George | A middle way … |" under "Versailles": no part of it
            if whole is not None and whole not in rows_of.get(st.chunk_id, ()):
                parents[st.targets[0]] = whole
        for thing in self.catalog.services:  # "Coldstore One Zone-IA" is a part of Coldstore
            whole = self.catalog.named_within(thing) if thing.name not in parents and thing.in_guide else None
            if whole is not None:
                parents[thing.name] = whole.name
        return parents

    @cached_property
    def _remedies(self) -> dict[tuple[str, int], str]:
        return remedies.collect(self.sentences, self.chunks, self.sources, self.catalog)

    @cached_property
    def remedies(self) -> frozenset[str]:
        return frozenset(self._remedies.values())

    def remedy_at(self, st) -> str | None:
        """The remedy the list item holding statement ``st`` gives (rag/remedies.py), or None."""
        row = self.row_of.get(st.chunk_id)
        if row is None or not self._remedies:
            return None
        source = self.chunks[row].source
        return self._remedies.get((source, remedies.item_start(self.sources[source], st.start)))

    def _heading_things(self, head: str) -> list[Service]:
        """The things a heading names, looked up once per heading. "DLP (Data Loss
        Prevention)": the trailing parenthesis spells out the name, it is not a second thing;
        nor is a tagline after a dash (entities.heading_parts)."""
        memo = self.__dict__.setdefault("_heading_memo", {})
        if head not in memo:
            bare = re.sub(r"\s*\([^()]*\)\s*$", "", head)
            # "Hivekit — Beekeeping Log App": the tagline names no second thing.
            memo[head] = [s for part in entities.heading_parts(bare) for s in self.catalog.find(part) if not s.generic]
        return memo[head]

    def _enclosing(self, c: Chunk, part: str) -> str | None:
        """The nearest heading above ``c`` that names one thing other than ``part``."""
        if c.kind not in ("body", "table", "summary"):
            return None
        for head in reversed(c.section):
            found = {s.name for s in self._heading_things(head)}
            if part in found or VS_HEADING_RE.search(head):
                continue
            if len(found) == 1:
                return found.pop()
            if found:
                return None
        return None

    @cached_property
    def headed_lists(self) -> list[tuple[str, list[int]]]:
        """(header, sentence indices of its items) for every list the material heads with a
        name (rag/lists.py): a table's first header cell, a "Label:" line, a heading."""
        from studyrag.rag.lists import headed_lists

        first_on_line: dict[tuple[str, int], int] = {}
        for i, s in enumerate(self.sentences):
            src = self.chunks[s.row].source
            first_on_line.setdefault((src, self.text_of(src).rfind("\n", 0, s.start) + 1), i)
        out = []
        for src in dict.fromkeys(self.chunks[s.row].source for s in self.sentences):
            for h in headed_lists(self.text_of(src)):
                items = [first_on_line[(src, at)] for at in h.items if (src, at) in first_on_line]
                if len(items) >= 2:
                    out.append((h.header, items))
        return out

    @cached_property
    def lead_lists(self) -> list[tuple[str, list[int]]]:
        """(lead-in, item sentence indices) of every list under a line ending in a colon
        (rag/evidence.py ``lead_lists``), built on first use."""
        from studyrag.rag.evidence import lead_lists

        return lead_lists(self)

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word the material uses (rag/unknown.py), built on first use."""
        from studyrag.rag.unknown import material_words

        return material_words(list(self.sources.values()))

    @cached_property
    def people(self):
        """The people the material names (rag/person.py), found on first use."""
        from studyrag.rag.person import People

        return People.of(list(self.sources.values()))

    @cached_property
    def sentence_texts(self) -> list[str]:
        return [s.text for s in self.sentences]

    @cached_property
    def sentence_words(self):
        """The sentences' words and their rarity (rag/cooccur.py), built on first use."""
        from studyrag.rag.cooccur import WordIndex
        from studyrag.rag.entities import table_header

        # A table row says its cells under its header's words: "| OSPF | 110 |" under
        # "| Route source | Default AD |" says OSPF's default AD is 110.
        # A sub-bullet says its words of the item it hangs under: "Follows from conservation of
        # charge" under "Kirchhoff's first law = the junction rule:" says it of the first law.
        # A sentence says its words of its section: "Leading case: Hale v Pennant" under
        # "## Right of way" is a right-of-way case. A sentence after a line's bold lead term says
        # its words of that term ("Same password → different hashes" after "- **Salt** = …").
        texts = []
        for s in self.sentences:
            src = self.sources[self.chunks[s.row].source]
            header = table_header(src, s.start) if "|" in s.text else None
            heading = self.chunks[s.row].section[-1] if self.chunks[s.row].section else None
            texts.append(" ".join(filter(None, [s.text, header, remedies.parent_item(src, s.start),
                                                remedies.line_lead(src, s.start), heading])))
        return WordIndex(texts)

    @cached_property
    def class_idf(self) -> dict[str, float]:
        """The sentences' word rarity as rag/membership.py cuts words, built on first use."""
        from studyrag.rag.membership import idf

        return idf(self.sentence_texts)

    @cached_property
    def passage_texts(self) -> list[str]:
        """Each passage's heading path and text, as a question's words are looked up in them."""
        return [f"{c.heading}\n{c.text}" for c in self.chunks]

    @cached_property
    def passage_share(self) -> dict[str, float]:
        """The share of passages with a sentence naming each thing: a thing named in a quarter
        of them is the material's backdrop ("Kettlehub" across notes on brewing with it), not the
        product one of its sections happens to run on."""
        rows: dict[str, set[int]] = {}
        for s in self.sentences:
            for name in s.services:
                rows.setdefault(name, set()).add(s.row)
        total = len({s.row for s in self.sentences}) or 1
        return {name: len(r) / total for name, r in rows.items()}

    @cached_property
    def figures_of_service(self) -> dict[str, set[str]]:
        """Figures ("50%", "1gb") each service's own sections state, in the chunks this mode uses."""
        from studyrag.rag.decide import figures

        table: dict[str, set[str]] = {}
        for row, svc in self.section_service.items():
            if svc is not None and self.chunks[row].kind in self.allowed_kinds:
                table.setdefault(svc.name, set()).update(figures(self.chunks[row].text))
        return table

    def matching_faq(self, qvec, floor: float = 0.75) -> int | None:
        """Row of the FAQ entry whose question is closest to the question, above ``floor``."""
        if not self.faq_rows:
            return None
        sims = self.faq_vecs @ qvec
        j = int(np.argmax(sims))
        return self.faq_rows[j] if sims[j] >= floor else None

    def closest_contrast(self, qvec) -> contrasts.Contrast | None:
        """The material's own comparison a question is about (see rag/contrasts.py)."""
        from studyrag.rag.decide import KIND_RATIO

        best_sentence = float(np.max(self.sentence_vecs @ qvec)) if len(self.sentences) else 0.0
        return contrasts.closest(self.contrasts, self.contrast_vecs, qvec, best_sentence, KIND_RATIO)

    def _second_embedder(self, name: str | None):
        """The decision's second opinion (settings.decision_embedder), None when off, the
        same as the index's embedder, or not installed (the decision then uses one model)."""
        if not name or name == "none" or name == self.embedder.name:
            return None
        from studyrag.index.embedders import get_embedder

        try:
            return get_embedder(name)
        except (ImportError, KeyError, OSError):
            return None

    def _decided(self, question: str) -> float:
        """Relevance + decision score, as a "which thing?" question is judged in scope."""
        from studyrag.rag.decide import decide_question

        hits = self.retriever.search(question, qvec=self.retriever.embed_query(question), k=6)
        decision = decide_question(self, question, hits)[2]
        return scope.relevance(hits) + (decision.score if decision else 0.0)

    def second_query(self, text: str) -> np.ndarray | None:
        if self.second_embedder is None:
            return None
        return self.second_embedder.embed_queries([text])[0]

    def outside_margin(self, qvec) -> tuple[float, str | None]:
        """How much closer the question is to another AWS service's task than to anything the
        guide states (cosine; > 0: closer to the other service), and that service."""
        sim, proto = outside.closest(self.outside_vecs, self.outside, qvec)
        if proto is None:
            return -1.0, None
        inside = max(float((self.signals.vectors @ qvec).max(initial=-1.0)),
                     float((self.sentence_vecs @ qvec).max(initial=-1.0)))
        return sim - inside, proto.service

    def text_of(self, source: str) -> str:
        return self.sources[source]

    def _under_heading(self, s: Sentence) -> str:
        section = self.chunks[s.row].section
        return f"{section[-1]}: {s.text}" if section and section[-1] not in s.text else s.text

    def around(self, i: int, limit: int = CONTEXT_CHARS) -> tuple[int, int, int]:
        """(row, start, end) of sentence ``i`` with its neighbours in the same passage, the next
        one first, while the span stays within ``limit`` characters: what the model reads to
        explain an answer. A bullet alone ("• Spot capacity: up to 90 percent off") gives it
        too few of the material's words to write a sentence the check accepts."""
        from studyrag.rag.question import looks_like_injection

        s = self.sentences[i]
        start, end = s.start, s.end
        blocked: set[bool] = set()  # a side stops at a sentence it may not take (after: True)
        for j in (i + 1, i - 1, i + 2, i - 2):
            after = j > i
            if after in blocked or not 0 <= j < len(self.sentences) or self.sentences[j].row != s.row:
                blocked.add(after)
                continue
            n = self.sentences[j]
            # A planted instruction ("IGNORE ALL PREVIOUS INSTRUCTIONS …") is never given to the model.
            if looks_like_injection(n.text) or max(end, n.end) - min(start, n.start) > limit:
                blocked.add(after)
                continue
            start, end = min(start, n.start), max(end, n.end)
        return s.row, start, end

    def page_of(self, source: str, offset: int) -> int | None:
        """1-based page of ``source`` at ``offset`` (PDF), None for formats without pages."""
        return page_at(self.pages.get(source, ()), offset)


def derive_for_answering(settings: Settings) -> None:
    """Everything answering derives from a new build (sentence and statement vectors for each
    embedder the decision uses, FAQ vectors, refusal anchors), stored with the build
    (index/stores/derived.py): a process that answers then embeds only questions. (A closed-book
    or source-restricted process derives its own share on first use, into the same place.)"""
    Knowledge(settings.model_copy(update={"sources": None}))
