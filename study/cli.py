"""`studyrag quiz` and `studyrag flashcards`."""

from __future__ import annotations

import json
import random
import sys

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings


def add_commands(sub) -> None:
    from studyrag.cli import Formatter, add_common

    q = sub.add_parser(
        "quiz", help="practice questions from the ingested material, graded, with progress",
        formatter_class=Formatter,
        description="Ask practice questions generated from the ingested material (never from the eval\n"
        "suites): which-entity items from its own 'X -> Y' / 'use X for ...' statements and scenarios,\n"
        "'X vs Y' items from its comparisons, term and figure items from its lists and numbers.\n"
        "Every item was checked: the tutor, asked it as you are, picks the same key, and the key\n"
        "is in the sentence it cites. Answer A-E; you get the grade, the cited sentence and why\n"
        "your pick does not fit. Progress per user and topic is saved (SQLite in the work dir, or\n"
        "the PostgreSQL schema with --store pgvector); the next question favours the topics you\n"
        "miss and those you have not seen for a while (Leitner boxes).\n"
        "The first run generates and checks the items (a minute or so); later runs start at once.",
        epilog="examples:\n"
        "  studyrag quiz                         # 10 questions\n"
        "  studyrag quiz --n 5 --topic 'Inference'   # a topic: any part of a section title\n"
        "  studyrag quiz --user ana --lang zh    # stems in Traditional Chinese, citations in English\n"
        "  studyrag quiz --topics                # list the topics (the material's sections)\n"
        "  echo B | studyrag quiz --n 1 --json   # one JSON line per question and per grade",
    )
    q.add_argument("--n", type=int, default=10, help="number of questions")
    q.add_argument("--topic", default=None, help="only this topic (case-insensitive part of a section title)")
    q.add_argument("--topics", action="store_true", help="list the topics with your progress and exit")
    q.add_argument("--user", default=None, help="whose progress to use and update (default: $USER)")
    q.add_argument("--json", action="store_true", help="JSON lines: a question (no key), read a pick, its grade")
    q.add_argument("--lang", choices=["en", "zh"], default="en", help="zh: stems in Traditional Chinese")
    q.add_argument("--seed", type=int, default=None, help="random seed (default: a new one each run)")
    add_common(q)
    q.set_defaults(func=run_quiz)

    f = sub.add_parser(
        "flashcards", help="write cloze flashcards (Anki .apkg or .csv) from the material",
        formatter_class=Formatter,
        description="Write cloze cards from the material's definitions ('Term - what it is'), its\n"
        "pointer statements ('X -> {{c1::Y}}') and its sentences with one figure, each citing\n"
        "its section and file span. .apkg opens in Anki (File > Import); .csv in any spreadsheet.",
        epilog="examples:\n  studyrag flashcards --out deck.apkg\n  studyrag flashcards --out cards.csv\n"
        "  studyrag flashcards --out deck.apkg --lang zh   # + each sentence in Traditional Chinese (local model)",
    )
    f.add_argument("--out", required=True, help="output file: *.apkg (Anki deck) or *.csv")
    f.add_argument("--lang", choices=["en", "zh"], default="en",
                   help="zh: add each card's sentence in Traditional Chinese beside the English citation (slow: the local model translates every card once, then it is cached)")
    add_common(f)
    f.set_defaults(func=run_flashcards)


def _tutor(args):
    """The extractive tutor of the index (items are checked by the engine without an LLM)."""
    from studyrag.cli import build_settings
    from studyrag.rag.cli import _tutor as build_tutor
    from studyrag.rag.cli import ensure_index

    settings = build_settings(args).with_overrides(backend="none")
    ensure_index(settings)
    return build_tutor(settings)


def _topic(bank, wanted: str | None) -> str | None:
    if not wanted:
        return None
    found = [t for t in bank.topics() if wanted.lower() in t.lower()]
    if not found:
        raise SystemExit(f"studyrag quiz: error: no topic matches {wanted!r}; see `studyrag quiz --topics`")
    return found[0]


def run_quiz(args) -> int:
    import getpass

    from studyrag.study.bank import load_or_build
    from studyrag.study.progress import open_progress
    from studyrag.study.session import Session

    if args.n < 1:
        raise SystemExit("studyrag quiz: error: --n must be at least 1")
    tutor = _tutor(args)
    bank = load_or_build(tutor, progress=sys.stderr.isatty())
    if not len(bank):
        raise SystemExit("studyrag quiz: error: no practice item could be checked for this material")
    user = args.user or getpass.getuser() or "guest"
    store = open_progress(tutor.settings)
    if args.topics:
        rows = {r.topic: r for r in store.rows(user)}
        for t in bank.topics():
            r = rows.get(t)
            print(f"{len(bank.in_topic(t)):3d} items  {t}" + (f"  (right {r.right}, wrong {r.wrong})" if r else ""))
        return 0
    zh = None
    if args.lang == "zh":
        from studyrag.study.zh import ChineseView

        zh = ChineseView(tutor.settings)
    session = Session(bank, store, user, random.Random(args.seed), topic=_topic(bank, args.topic))
    show = _json_round if args.json else _text_round
    asked = right = 0
    for _ in range(args.n):
        result = show(session, zh)
        if result is None:
            break
        asked, right = asked + 1, right + result
    if not args.json:
        print(f"\nScore: {right}/{asked}. Progress saved for {user!r}.")
    return 0


def _read_pick(prompt: str, letters: str) -> str | None:
    while True:
        try:
            raw = input(prompt) if prompt else sys.stdin.readline()
        except EOFError:
            return None
        if not prompt and raw == "":
            return None
        pick = raw.strip().upper()[:1]
        if pick in letters:
            return pick
        if not pick:
            return None
        print(f"Answer with one of {', '.join(letters)}.", file=sys.stderr)


def _text_round(session, zh) -> int | None:
    item = session.next()
    print(f"\nQ{session.asked} · {item.topic}")
    if zh is not None:
        print(zh.text(item.stem))
        print(f"  ({item.stem})")
    else:
        print(item.stem)
    for letter, text in item.options.items():
        print(f"  {letter}. {text}")
    pick = _read_pick("Your answer: " if sys.stdin.isatty() else "", "".join(item.options))
    if pick is None:
        return None
    g = session.answer(item, pick)
    print(("✔ Right: " if g.correct else f"✘ Not quite. The answer is ") + f"{item.key}. {item.key_text}")
    print(f"  Source: {item.cited.label()}\n  “{item.cited.text}”")
    if not g.correct and pick in item.why_not:
        why = item.why_not[pick]
        print(f"  Why not {pick}: {zh.text(why) if zh else why}")
        print(f"    “{item.why_not_cited[pick].text}” ({item.why_not_cited[pick].label()})")
    return int(g.correct)


def _json_round(session, zh) -> int | None:
    item = session.next()
    print(json.dumps(zh.item(item) if zh else item.public(), ensure_ascii=False), flush=True)
    pick = _read_pick("", "".join(item.options))
    if pick is None:
        return None
    g = session.answer(item, pick)
    print(json.dumps(g.to_json(), ensure_ascii=False), flush=True)
    return int(g.correct)


def run_flashcards(args) -> int:
    from studyrag.study.flashcards import cards, write

    out = args.out
    if not out.lower().endswith((".apkg", ".csv")):
        raise SystemExit(f"studyrag flashcards: error: cannot write {out}: use a .apkg (Anki) or .csv file name")
    tutor = _tutor(args)
    deck = cards(tutor.knowledge)
    if not deck:
        raise SystemExit("studyrag flashcards: error: found no definitions or key facts in this material")
    sources = sorted({c.source for c in tutor.knowledge.chunks})
    chinese = _chinese(tutor.settings, deck) if args.lang == "zh" else None
    try:
        path = write(deck, out, deck_name="StudyRAG — " + ", ".join(sources), chinese=chinese)
    except OSError as e:
        raise SystemExit(f"studyrag flashcards: error: cannot write {out}: {e.strerror or e}")
    print(f"Wrote {len(deck)} cards to {path}")
    return 0


def _chinese(settings: Settings, deck) -> dict[str, str]:
    from tqdm import tqdm

    from studyrag.study.zh import ChineseView

    view = ChineseView(settings)
    return {c.text: view.sentence(c.cited.text, keep=(c.answer,)) for c in tqdm(deck, desc="translating cards", unit="card",
                                                               disable=not sys.stderr.isatty())}
