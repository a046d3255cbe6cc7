"""Cloze flashcards from the material's definitions, key facts and pointer statements, each
citing its sentence; written as an Anki deck (genanki) or a CSV.

>>> cloze("Use batch transform for offline scoring.", 4, 19)
'Use {{c1::batch transform}} for offline scoring.'
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from studyrag.study import entities as ent
from studyrag.study.generate import NUM_RE
from studyrag.study.glossary import BULLET_RE, glossary
from studyrag.study.items import Cited


@dataclass(frozen=True)
class Card:
    text: str  # with one {{c1::...}} deletion
    answer: str
    cited: Cited


def cloze(text: str, start: int, end: int) -> str:
    return f"{text[:start]}{{{{c1::{text[start:end]}}}}}{text[end:]}"


def cards(knowledge) -> list[Card]:
    out: list[Card] = []
    for terms in glossary(knowledge).values():  # "Term — definition": hide the term
        for t in terms:
            c = knowledge.chunks[knowledge.row_of[t.group.rsplit(":", 1)[0]]]
            line = BULLET_RE.sub("", knowledge.sources[c.source][t.start:t.end])
            i = line.find(t.term)
            if i >= 0:
                out.append(Card(cloze(line, i, i + len(t.term)), t.term, Cited(c.source, c.heading, t.start, t.end, line)))
    ents = ent.build(knowledge)
    for name, roles in ents.roles.items():  # "signal → Entity": hide the entity
        for r in roles:
            if r.kind != "explicit":
                continue
            spans = [sp for sp in knowledge.catalog.spans(r.cited.text) if sp[2].name == name]
            if spans:
                s, e, _ = spans[-1]
                out.append(Card(cloze(r.cited.text, s, e), r.cited.text[s:e], r.cited))
    for s in knowledge.sentences:  # a sentence with one figure: hide the figure
        hits = list(NUM_RE.finditer(s.text))
        if len(hits) == 1 and len(s.text) <= 260:
            c = knowledge.chunks[s.row]
            out.append(Card(cloze(s.text, hits[0].start(), hits[0].end()), hits[0].group(0),
                            Cited(c.source, c.heading, s.start, s.end, s.text)))
    seen, unique = set(), []
    for card in out:
        if card.text not in seen:
            seen.add(card.text)
            unique.append(card)
    return unique


def _stable_id(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16) % (1 << 31)


def write(cards_: list[Card], out: Path, deck_name: str, chinese: dict[str, str] | None = None) -> Path:
    """``out`` ending in .apkg: an Anki deck; .csv: a CSV. Written to a temp file, then renamed.
    ``chinese``: a Traditional-Chinese rendering of each card's sentence (by card text), shown
    on the back beside the English citation."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".apkg", ".csv"):
        raise ValueError(f"cannot write {out.name}: use a .apkg (Anki) or .csv file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}-", suffix=suffix)
    os.close(fd)
    try:
        (_write_apkg if suffix == ".apkg" else _write_csv)(cards_, Path(tmp), deck_name, chinese or {})
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out


def _write_csv(cards_: list[Card], path: Path, deck_name: str, chinese: dict[str, str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["cloze", "answer", "section", "source", "start", "end", "sentence"] + (["chinese"] if chinese else []))
        for c in cards_:
            w.writerow([c.text, c.answer, c.cited.section, c.cited.source, c.cited.start, c.cited.end, c.cited.text]
                       + ([chinese.get(c.text, "")] if chinese else []))


def _write_apkg(cards_: list[Card], path: Path, deck_name: str, chinese: dict[str, str]) -> None:
    import genanki

    model = genanki.Model(
        _stable_id("studyrag-cloze-v2"), "StudyRAG cloze", model_type=genanki.Model.CLOZE,
        fields=[{"name": "Text"}, {"name": "Citation"}, {"name": "Chinese"}],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}",
                    "afmt": "{{cloze:Text}}{{#Chinese}}<br>{{Chinese}}{{/Chinese}}<hr><small>{{Citation}}</small>"}])
    deck = genanki.Deck(_stable_id(f"studyrag-deck:{deck_name}"), deck_name)
    for c in cards_:
        fields = [_html(c.text), _html(c.cited.label()), _html(chinese.get(c.text, ""))]
        deck.add_note(genanki.Note(model=model, fields=fields, guid=genanki.guid_for(c.text, c.cited.source)))
    genanki.Package(deck).write_to_file(str(path))


def _html(text: str) -> str:
    import html

    return html.escape(text, quote=False)
