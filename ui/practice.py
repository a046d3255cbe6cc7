"""The Practice tab: checked items generated from the ingested material, per-user progress.

Items come from ``study.bank`` (generated from the index, checked by the engine, cached in
the work dir: never from eval/); the next item follows the user's Leitner schedule
(``study.schedule``); every answer is saved per user and topic (``study.progress``: SQLite
in the work dir, or PostgreSQL with the pgvector store). Topics are the material's own
sections. Flashcards of the same material are offered as an Anki deck and a CSV.
"""

from __future__ import annotations

import html
import logging
import random
import threading
from dataclasses import asdict
from pathlib import Path

from studyrag.study.bank import Bank, load_or_build
from studyrag.study.items import Cited, Item
from studyrag.study.progress import clean_user, open_progress
from studyrag.study.schedule import pick_next, weight
from studyrag.study.session import RECENT, grade

log = logging.getLogger("studyrag.ui")
ALL_TOPICS = "All topics"
LANGS = [("English", "en"), ("Traditional Chinese (繁體中文)", "zh")]


class PracticeService:
    """The bank, the progress store, the flashcard files and the Chinese view of one index."""

    def __init__(self, tutor) -> None:
        self.settings = tutor.settings
        self.knowledge = tutor.knowledge
        self.bank: Bank = load_or_build(tutor)
        self.store = open_progress(tutor.settings)
        self._zh = None
        self._lock = threading.Lock()

    def next_item(self, user: str, topic: str | None, recent: list[str], seed: int) -> Item:
        rng = random.Random(f"{seed}:{len(recent)}:{clean_user(user)}")
        return pick_next(self.bank, self.store.rows(user), rng, topic=topic or None, recent=recent)

    def answer(self, user: str, item_id: str, pick: str, *, record: bool = True) -> dict:
        if item_id not in self.bank.by_id:
            raise KeyError(f"no practice item {item_id!r}")
        item = self.bank.by_id[item_id]
        g = grade(item, pick)
        if record:
            self.store.record(user, item.topic, g.correct)
        return g.to_json()

    def zh(self):
        with self._lock:
            if self._zh is None:
                from studyrag.study.zh import ChineseView

                self._zh = ChineseView(self.settings)
            return self._zh

    def flashcard_files(self) -> tuple[Path, Path]:
        """The deck and the CSV of this index, written once into the work dir."""
        from studyrag.study.bank import cache_path
        from studyrag.study.flashcards import cards, write

        base = cache_path(self.settings, self.knowledge).with_suffix("")
        apkg, csv = base.with_name(base.name.replace("items", "flashcards") + ".apkg"), base.with_name(
            base.name.replace("items", "flashcards") + ".csv")
        with self._lock:
            if not (apkg.is_file() and csv.is_file()):
                deck = cards(self.knowledge)
                name = "StudyRAG — " + ", ".join(sorted({c.source for c in self.knowledge.chunks}))
                write(deck, apkg, name)
                write(deck, csv, name)
        return apkg, csv


# -- rendering ---------------------------------------------------------------------------------
def _cite(cited: Cited | dict, n: int) -> dict:
    c = asdict(cited) if isinstance(cited, Cited) else cited
    return {"id": n, "source": c["source"], "section": c["section"], "start": c["start"], "end": c["end"],
            "quote": c["text"]}


def render_question(item: Item, n: int, zh_stem: str | None = None) -> str:
    head = f"**Question {n}** · topic: *{html.escape(item.topic)}*\n\n"
    if zh_stem:
        return head + f"{zh_stem}\n\n<small>English: {item.stem}</small>"
    return head + item.stem


def render_result(g: dict) -> str:
    key = f"{g['key']}. {g['key_text']}"
    if g["correct"]:
        return f"✅ **Correct!** {key}"
    return f"❌ **Not quite.** You picked {g['pick']}; the answer is **{key}**."


def render_explanation(knowledge, g: dict, translate=None) -> str:
    """Why the key is right (its cited sentence, in its passage) and why the pick is not."""
    from studyrag.ui.passages import render_source

    parts = ['<div><b>Why (from the material)</b>',
             render_source(knowledge, _cite(g["cited"], 1), "psrc-1")]
    if g.get("why_not"):
        why = translate(g["why_not"]) if translate else g["why_not"]
        parts.append(f'<p class="sr-expl"><b>Why not {html.escape(g["pick"])}:</b> {html.escape(why)}</p>')
        if g.get("why_not_cited"):
            parts.append(render_source(knowledge, _cite(g["why_not_cited"], 2), "psrc-2"))
    return "".join(parts) + "</div>"


def render_progress(service: PracticeService, user: str, now: float | None = None) -> str:
    """The user's topics, those the schedule will ask first at the top; unseen ones counted."""
    import time

    now = time.time() if now is None else now
    rows = {r.topic: r for r in service.store.rows(user)}
    right = sum(r.right for r in rows.values())
    seen = sum(r.seen for r in rows.values())
    lines = [f"**{html.escape(clean_user(user))}: {right}/{seen} right**" + (f" ({round(100 * right / seen)}%)" if seen else "")]
    practised = sorted((t for t in service.bank.topics() if t in rows), key=lambda t: -weight(rows[t], now))
    if practised:
        lines += ["", "| topic | right | wrong | box |", "|---|---:|---:|---:|"]
        lines += [f"| {t} | {rows[t].right} | {rows[t].wrong} | {rows[t].box} |" for t in practised]
    unseen = len(service.bank.topics()) - len(practised)
    lines.append(f"\n{unseen} topic(s) not practised yet. Weak and long-unseen topics come up first "
                 "(Leitner boxes 1–5); progress is saved under your name.")
    return "\n".join(lines)


# -- the tab ------------------------------------------------------------------------------------
def new_state(seed: int | None = None) -> dict:
    """A browser session's practice state (JSON-able, lives in gr.State)."""
    if seed is None:
        seed = random.SystemRandom().randrange(1 << 30)
    return {"seed": int(seed), "n": 0, "recent": [], "current": None, "answered": False}


def build_tab(service: PracticeService, demo) -> None:
    """The Practice tab's components and events (call inside ``gr.Tab``)."""
    import gradio as gr

    topics = [ALL_TOPICS, *service.bank.topics()]
    state = gr.State(None)
    gr.Markdown(f"Practice questions generated from the ingested material ({len(service.bank)} checked items): "
                "pick an answer, check it, read why — with the sentence that makes the key right.")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            with gr.Row():
                user = gr.Textbox(value="guest", label="Your name (progress is saved under it)", elem_id="sr-p-user")
                topic = gr.Dropdown(topics, value=ALL_TOPICS, label="Topic (the material's sections)",
                                    elem_id="sr-p-topic")
                lang = gr.Radio(LANGS, value="en", label="Language", elem_id="sr-p-lang")
            question = gr.Markdown(elem_id="sr-p-question")
            one = gr.Radio(label="Your answer", elem_id="sr-p-one")
            with gr.Row():
                check = gr.Button("Check answer", variant="primary", elem_id="sr-p-check")
                nxt = gr.Button("Next question", elem_id="sr-p-next")
            result = gr.Markdown(elem_id="sr-p-result")
            expl = gr.HTML(elem_id="sr-p-expl")
        with gr.Column(scale=2):
            score = gr.Markdown(elem_id="sr-p-score")
            gr.Markdown("**Flashcards** of this material (cloze cards, each with its citation):")
            try:
                apkg, csv = service.flashcard_files()
                gr.DownloadButton("Anki deck (.apkg)", value=str(apkg), elem_id="sr-p-apkg")
                gr.DownloadButton("CSV", value=str(csv), elem_id="sr-p-csv")
            except Exception as e:  # flashcards are optional: practice still works
                log.exception("writing flashcards failed")
                gr.Markdown(f"⚠️ No flashcards: {html.escape(str(e))}")

    ask_next, check_answer = _handlers(service)
    outs = [question, one, result, expl, score, state]
    demo.load(ask_next, [state, user, topic, lang], outs, api_visibility="private")
    nxt.click(ask_next, [state, user, topic, lang], outs, api_visibility="private")
    topic.change(ask_next, [state, user, topic, lang], outs, api_visibility="private")
    lang.change(ask_next, [state, user, topic, lang], outs, api_visibility="private")
    user.blur(lambda u: render_progress(service, u), [user], [score], api_visibility="private")
    check.click(check_answer, [one, state, user, lang], [result, expl, score, state], api_visibility="private")


def _handlers(service: PracticeService):
    """The tab's two events: show the next item of the user's schedule; grade a pick."""
    import gradio as gr

    k = service.knowledge

    def ask_next(st: dict | None, user_name: str, topic_name: str, language: str):
        st = st if st and "seed" in st else new_state()
        try:
            item = service.next_item(user_name, None if topic_name == ALL_TOPICS else topic_name,
                                     st["recent"], st["seed"])
        except KeyError as e:
            gr.Warning(str(e).strip("'\""))
            return gr.update(), gr.update(), "", "", render_progress(service, user_name), st
        st = {**st, "n": st["n"] + 1, "current": item.id, "answered": False,
              "recent": (st["recent"] + [item.id])[-RECENT:]}
        zh_stem = _zh_or_none(service, item.stem) if language == "zh" else None
        choices = [(f"{L}. {t}", L) for L, t in item.options.items()]
        return (render_question(item, st["n"], zh_stem), gr.update(choices=choices, value=None), "", "",
                render_progress(service, user_name), st)

    def check_answer(pick, st: dict | None, user_name: str, language: str):
        if not st or not st.get("current"):
            gr.Warning("Press “Next question” first.")
            return gr.update(), gr.update(), gr.update(), st
        if not pick:
            gr.Warning("Pick an answer first.")
            return gr.update(), gr.update(), gr.update(), st
        try:
            g = service.answer(user_name, st["current"], pick, record=not st.get("answered"))
        except (KeyError, ValueError) as e:  # an item of a bank rebuilt since, a bad pick
            gr.Warning(str(e).strip("'\""))
            return gr.update(), gr.update(), gr.update(), st
        translate = (lambda text: _zh_or_none(service, text) or text) if language == "zh" else None
        return (render_result(g), render_explanation(k, g, translate), render_progress(service, user_name),
                {**st, "answered": True})

    return ask_next, check_answer


def _zh_or_none(service: PracticeService, text: str) -> str | None:
    """``text`` in Traditional Chinese, or None (with a notice) when no translator can run."""
    import gradio as gr

    try:
        return service.zh().text(text) if text else ""
    except Exception as e:
        log.warning("Chinese view unavailable: %s", e)
        gr.Warning("Chinese needs the local translation model; showing English.")
        return None
