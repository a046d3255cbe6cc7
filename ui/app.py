"""The Gradio app: a cited chat, exam-style practice, settings, feedback, and a JSON API.

One process loads the index (and the default model) once and serves every browser tab
through Gradio's queue. Per-user state (chat turns, practice score, chosen settings) lives
in ``gr.State``; Tutors are cached by their settings and share one loaded ``Knowledge``,
so switching settings back and forth is instant.

API (``gradio_client``): ``/ask``, ``/practice_question``, ``/practice_grade``,
``/feedback``, ``/index_info`` — plain JSON in and out, see the README.
"""

import copy
import hashlib
import html
import inspect
import logging
import re
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

if TYPE_CHECKING:
    from studyrag.settings import Settings

from studyrag.ingest.formats import place
from studyrag.rag.llms import choices as backend_choices
from studyrag.rag.material import describe
from studyrag.ui import practice as pr
from studyrag.ui.feedback import FeedbackStore, default_path

log = logging.getLogger("studyrag.ui")

MARK_RE = re.compile(r"\[(\d+)\]")
PASSAGE_MAX = 1100  # characters of context shown around a quote


CSS = """
#sr-sources { max-height: 640px; overflow-y: auto; }
.sr-turn { border: 1px solid var(--border-color-primary); border-radius: 8px; margin-bottom: 8px; padding: 4px 8px; }
.sr-turn > summary { cursor: pointer; font-weight: 600; }
.sr-meta { font-weight: 400; opacity: .7; font-size: .85em; }
.sr-src { border-left: 3px solid var(--color-accent); padding: 6px 10px; margin: 8px 0; scroll-margin-top: 16px; }
.sr-src.sr-flash { background: var(--color-accent-soft); transition: background .6s; }
.sr-src-head { font-weight: 600; }
.sr-src-file { font-size: .8em; opacity: .7; }
.sr-passage { white-space: pre-wrap; margin: 4px 0 0 0; font-size: .92em; }
.sr-passage mark { background: #ffe58a; color: #111; padding: 0 1px; }
.sr-empty { opacity: .7; }
a.sr-cite, a[href^="#src-"], a[href^="#psrc-"] { text-decoration: none; font-weight: 600; }
#sr-notice { border-left: 4px solid #e0a800; padding-left: 10px; }
.sr-expl { white-space: pre-wrap; }
"""

# Citation links: the chat's markdown may open links in a new tab, so clicks on [n] are
# caught here and scroll the sources panel to the passage instead.
HEAD = """
<script>
document.addEventListener('click', function (ev) {
  var a = ev.target.closest && ev.target.closest('a[href^="#src-"], a[href^="#psrc-"]');
  if (!a) return;
  ev.preventDefault(); ev.stopPropagation();
  var el = document.getElementById(a.getAttribute('href').slice(1));
  if (!el) return;
  var d = el.closest('details'); if (d) d.open = true;
  el.scrollIntoView({behavior: 'smooth', block: 'nearest'});
  el.classList.add('sr-flash'); setTimeout(function () { el.classList.remove('sr-flash'); }, 1500);
}, true);
</script>
"""


# -- settings <-> per-session config -----------------------------------------------------------
def cfg_from_settings(s) -> dict:
    from studyrag.rag.llms.models import DEFAULT_MODEL

    local = f"@{s.model_path}" if s.model_path else (s.model if s.backend == "local" and s.model else DEFAULT_MODEL)
    return {
        "backend": s.backend,
        "local_model": local,
        "bedrock_model_id": s.model if s.backend == "bedrock" and s.model else s.bedrock_model_id,
        "aws_region": s.aws_region or "",
        "openai_base_url": s.openai_base_url,
        "openai_model": s.model if s.backend == "openai" and s.model else "",
        "top_k": int(s.top_k),
        "temperature": float(s.temperature),
    }


def settings_for(base, cfg: dict):
    """A validated Settings for ``cfg`` (raises pydantic ValidationError / ValueError)."""
    b = cfg.get("backend") or base.backend
    if b not in backend_choices():
        raise ValueError(f"unknown backend {b!r}; choose one of: {', '.join(backend_choices())}")
    upd: dict[str, Any] = {"backend": b, "top_k": int(cfg.get("top_k", base.top_k)),
                           "temperature": float(cfg.get("temperature", base.temperature)),
                           "sources": cfg.get("sources") or base.sources}
    if b == "local":
        lm = (cfg.get("local_model") or "").strip()
        if lm.startswith("@"):
            upd.update(model=None, model_path=Path(lm[1:]))
        else:
            upd.update(model=lm or None, model_path=None)
    elif b == "bedrock":
        upd.update(model=None, bedrock_model_id=(cfg.get("bedrock_model_id") or base.bedrock_model_id).strip(),
                   aws_region=(cfg.get("aws_region") or "").strip() or None)
    elif b == "openai":
        upd.update(model=(cfg.get("openai_model") or "").strip() or None,
                   openai_base_url=(cfg.get("openai_base_url") or base.openai_base_url).strip())
    return type(base)(**{**base.model_dump(), **upd})


def cfg_key(settings: "Settings") -> tuple:
    s = settings
    return (s.backend, s.model, str(s.model_path or ""), s.bedrock_model_id, s.aws_region or "",
            s.openai_base_url, s.top_k, round(s.temperature, 3), tuple(s.sources or ()))


def friendly(e: BaseException) -> str:
    """One sentence for the user; never a stack trace."""
    from pydantic import ValidationError

    if isinstance(e, ValidationError):
        first = e.errors()[0]
        return f"bad setting {'.'.join(map(str, first['loc']))}: {first['msg']}"
    msg = str(e).strip().strip("'\"") or type(e).__name__
    return msg if len(msg) <= 300 else msg[:297] + "..."


# -- the service: tutors, practice bank, feedback --------------------------------------------
class UIService:
    """Everything the app's handlers share; safe to call from Gradio's worker threads."""

    def __init__(self, settings: "Settings", *, feedback_path: Path | str | None = None) -> None:
        self.base = settings
        self.default_cfg = cfg_from_settings(settings)
        self._load()
        self.feedback = FeedbackStore(feedback_path or default_path(settings))
        self._explained: dict[tuple, dict] = {}

    def _load(self) -> None:
        """Load the index (and the default model's Tutor); again after the library changed."""
        self._tutors: dict[tuple, Any] = {}
        self._lock = threading.Lock()
        self._template = None
        try:
            self.tutor(self.default_cfg)
        except Exception as e:  # e.g. the bedrock extra is missing: the index still loads
            from studyrag.rag.stores import IndexLoadError

            if isinstance(e, IndexLoadError):
                raise
            log.warning("default backend unavailable (%s); starting with extractive answers", friendly(e))
            self.default_cfg = {**self.default_cfg, "backend": "none"}
            self.startup_error = friendly(e)
            self.tutor(self.default_cfg)
        else:
            self.startup_error = None
        self.knowledge = self._template.knowledge
        # Generated from the index and checked by the extractive engine (cached in the work dir).
        self.practice = pr.PracticeService(self.fallback_tutor())

    def reload(self) -> None:
        """The library changed (a source added in the app): answer from the new index now.
        Questions already running finish on the Tutors they hold."""
        self._load()
        self._explained = {}

    # Tutors ---------------------------------------------------------------------------------
    def tutor(self, cfg: dict | None = None):
        s = settings_for(self.base, cfg or self.default_cfg)
        key = cfg_key(s)
        with self._lock:
            t = self._tutors.get(key)
            if t is None:
                t = self._build_tutor(s)
                self._tutors[key] = t
            return t

    def _build_tutor(self, settings: "Settings"):
        from studyrag.rag.engine import Tutor
        from studyrag.rag.llms import get_backend

        if self._template is None:
            self._template = Tutor(settings)
            return self._template
        if settings.sources != self._template.settings.sources:
            return Tutor(settings)  # other sources picked: a Knowledge restricted to them
        knowledge = self._template.knowledge
        if "knowledge" in inspect.signature(Tutor.__init__).parameters:
            return Tutor(settings, knowledge=knowledge)
        # Same index, other generation settings: share the loaded Knowledge (index, BM25,
        # embeddings, catalog) instead of loading it again.
        backend = None if settings.backend == "none" else get_backend(settings.backend)
        t = copy.copy(self._template)
        t.settings = settings
        t.backend = backend
        t._chat_model = None
        t._llm_lock = threading.Lock()
        return t

    def warm(self, cfg: dict | None = None) -> str | None:
        """Load the chat model now (local GGUF, client objects); the error sentence or None."""
        t = self.tutor(cfg)
        if t.backend is None:
            return None
        try:
            model = t.chat_model()
            if hasattr(model, "warm_up"):
                model.warm_up()  # the local model's worker starts and loads now, not on the first question
            return None
        except Exception as e:
            return t._explain_error(e) if hasattr(t, "_explain_error") else friendly(e)

    def fallback_tutor(self):
        return self.tutor({**self.default_cfg, "backend": "none"})

    # Index ----------------------------------------------------------------------------------
    def manifest(self) -> dict:
        from dataclasses import asdict

        m = self.knowledge.retriever.index.manifest
        d = asdict(m)
        # "name", not "path": gradio_client would take {"path": ...} for a file to download.
        d["sources"] = [{"name": x["path"], "sha256": x["sha256"], "bytes": x["bytes"]} for x in d["sources"]]
        d["index_dir"] = str(self.base.resolved_index_dir)
        d["practice_items"] = len(self.practice.bank)
        return d

    def manifest_md(self) -> str:
        m = self.manifest()
        rows = "\n".join(f"| `{s['name']}` | {s['bytes']:,} | `{s['sha256'][:16]}…` |" for s in m["sources"])
        return (
            f"**Index** `{m['index_dir']}` — {m['chunk_count']} chunks, built at {m['built_at']}  \n"
            f"embedder `{m['embedder']}` ({m['embedder_model']}, dim {m['dim']}), store `{m['store']}`, "
            f"chunk size {m['chunk_size']}\n\n| source | bytes | sha256 |\n|---|---:|---|\n{rows}\n\n"
            f"Practice bank: {m['practice_items']} questions."
        )

    # Answers --------------------------------------------------------------------------------
    def ask(self, question: str, options: dict | None = None, history: list | None = None,
            cfg: dict | None = None) -> dict:
        """A full answer as JSON (Answer.to_json()), with a fallback to extractive answers."""
        from studyrag.rag.question import BadQuestion

        tutor, error = self._tutor_or_fallback(cfg)
        try:
            ans = tutor.ask(question, options=options, history=_clean_history(history))
        except BadQuestion:
            raise
        except Exception as e:
            log.exception("answering failed")
            error = friendly(e)
            ans = self.fallback_tutor().ask(question, options=options, history=_clean_history(history))
        out = ans.to_json()
        if error and not out.get("error"):
            out["error"] = error
        return out

    def _tutor_or_fallback(self, cfg):
        try:
            return self.tutor(cfg), None
        except Exception as e:
            return self.fallback_tutor(), f"{friendly(e)} (showing the extractive cited answer)"

    def rate(self, answer: dict, rating, *, key: str | None = None, comment: str = "") -> int | None:
        if key is None:
            h = hashlib.sha256(f"{answer.get('question')}\x1e{answer.get('answer')}".encode()).hexdigest()[:20]
            key = f"api:{h}"
        return self.feedback.record(key=key, rating=rating, answer=answer, comment=comment)


def _clean_history(history) -> list[dict] | None:
    if not history:
        return None
    out = []
    for h in history:
        if isinstance(h, dict) and h.get("role") in ("user", "assistant"):
            c = h.get("content")
            if isinstance(c, list):  # Gradio 6 normalized content: [{"type": "text", "text": ...}]
                c = " ".join(x.get("text", "") for x in c if isinstance(x, dict))
            out.append({"role": h["role"], "content": str(c or "")})
    return out or None


# -- rendering -------------------------------------------------------------------------------
def _chunk_around(knowledge, source: str, start: int, end: int):
    best = None
    for c in knowledge.chunks:
        if c.source == source and c.start <= start and end <= c.end:
            if best is None or (c.end - c.start) < (best.end - best.start):
                best = c
    return best


def passage(knowledge, cit: dict) -> dict:
    """The paragraph (inside its chunk) around a citation, split around the quoted span."""
    src = knowledge.text_of(cit["source"])
    start, end = int(cit["start"]), int(cit["end"])
    chunk = _chunk_around(knowledge, cit["source"], start, end)
    lo, hi = (chunk.start, chunk.end) if chunk else (start, end)
    para_lo = src.rfind("\n\n", lo, start)
    para_lo = lo if para_lo < 0 else para_lo + 2
    para_hi = src.find("\n\n", end, hi)
    para_hi = hi if para_hi < 0 else para_hi
    if para_hi - para_lo > PASSAGE_MAX:  # a long paragraph: keep a window around the quote
        room = max(0, PASSAGE_MAX - (end - start)) // 2
        para_lo, para_hi = max(para_lo, start - room), min(para_hi, end + room)
    before, quote, after = src[para_lo:start], src[start:end], src[end:para_hi]
    section = " › ".join(chunk.section) if chunk else cit.get("section", "").replace(" > ", " › ")
    return {"section": section, "before": before.lstrip(), "quote": quote, "after": after.rstrip(),
            "ellipsis_before": para_lo > lo, "ellipsis_after": para_hi < hi}


def render_source(knowledge, cit: dict, anchor: str) -> str:
    p = passage(knowledge, cit)
    e = html.escape
    pre = ("… " if p["ellipsis_before"] else "") + e(p["before"])
    post = e(p["after"]) + (" …" if p["ellipsis_after"] else "")
    return (
        f'<div class="sr-src" id="{anchor}" data-cite="{int(cit["id"])}">'
        f'<div class="sr-src-head">[{int(cit["id"])}] {e(p["section"])}</div>'
        f'<div class="sr-src-file">{e(place(cit["source"], cit.get("page")))} · '
        f'characters {int(cit["start"])}–{int(cit["end"])}</div>'
        f'<p class="sr-passage">{pre}<mark>{e(p["quote"])}</mark>{post}</p></div>'
    )


def link_markers(text: str, prefix: str) -> str:
    """[n] -> a link to the passage #<prefix>-n in the sources panel."""
    return MARK_RE.sub(lambda m: f'<a class="sr-cite" href="#{prefix}-{m.group(1)}">[{m.group(1)}]</a>', text)


def render_turn_sources(knowledge, turn: int, ans: dict, *, open_: bool) -> str:
    e = html.escape
    q = ans.get("question") or ""
    q = q if len(q) <= 90 else q[:87] + "…"
    meta = f'{e(ans.get("backend") or "")} · {e(ans.get("model") or "")}'
    if ans.get("fallback"):
        meta += " · cited fallback"
    cits = ans.get("citations") or []
    body = "".join(render_source(knowledge, c, f"src-{turn}-{c['id']}") for c in cits) or (
        '<p class="sr-empty">No passages cited: the guide does not cover this question.</p>'
        if ans.get("refused") else '<p class="sr-empty">No passages cited.</p>')
    return (f'<details class="sr-turn" id="turn-{turn}"{" open" if open_ else ""}>'
            f'<summary>Answer {turn + 1}: {e(q)} <span class="sr-meta">({meta})</span></summary>{body}</details>')


def render_sources_panel(knowledge, turns: list[dict], pending: str | None = None) -> str:
    parts = []
    if pending:
        parts.append(f'<p class="sr-empty">Finding passages for: {html.escape(pending[:90])}…</p>')
    n = len(turns)
    for i in range(n - 1, -1, -1):
        parts.append(render_turn_sources(knowledge, i, turns[i]["answer"], open_=(i == n - 1 and not pending)))
    if not parts:
        return ('<div class="sr-empty"><b>Sources</b><br>Ask a question: every cited passage appears here, '
                'with the quoted sentence highlighted. Click a [n] in an answer to jump to it.</div>')
    return "<div><b>Sources</b></div>" + "".join(parts)


def notice(text: str | None, *, answered: bool = True):
    if not text:
        return gr.update(value="", visible=False)
    if not answered:
        return gr.update(value=f"⚠️ **Could not answer:** {text}", visible=True)
    return gr.update(value=f"⚠️ **The model backend failed:** {text}  \nThe answer below is the cited answer "
                           "quoted from the guide.", visible=True)


# -- the Blocks app ----------------------------------------------------------------------------
def build_app(service: UIService):
    from studyrag.rag.llms.models import MODELS
    from studyrag.rag.question import BadQuestion

    model_choices = [(f"{m.name} — {m.title}" + ("" if m.installed() else " (not installed)"), m.name)
                     for m in MODELS.values()]
    if service.default_cfg["local_model"].startswith("@"):
        p = service.default_cfg["local_model"]
        model_choices.append((f"GGUF file: {Path(p[1:]).name}", p))

    # ---- chat handlers -------------------------------------------------------------------
    def chat(message: str, state: dict, cfg: dict):
        message = (message or "").strip()
        messages, turns = state["messages"], state["turns"]
        if not message:
            gr.Warning("Type a question first.")
            yield gr.update(), messages, render_sources_panel(service.knowledge, turns), gr.update(), state
            return
        messages = messages + [{"role": "user", "content": message}, {"role": "assistant", "content": "…"}]
        yield "", messages, render_sources_panel(service.knowledge, turns, pending=message), notice(None), state
        history = []
        for t in turns:
            history += [{"role": "user", "content": t["question"]},
                        {"role": "assistant", "content": t["answer"]["answer"]}]
        tutor, error = service._tutor_or_fallback(cfg)
        turn = len(turns)
        ans = None
        try:
            try:
                text = ""
                for ev in tutor.stream(message, history=history or None):
                    if ev.type == "token":
                        text += ev.text
                        messages[-1] = {"role": "assistant", "content": link_markers(text.strip(), f"src-{turn}") + " ▌"}
                        yield "", messages, gr.update(), gr.update(), state
                    elif ev.type == "done":
                        ans = ev.answer.to_json()
            except BadQuestion:
                raise
            except Exception as e:  # the backend died mid-answer: say so, answer extractively
                log.exception("answering failed")
                error = friendly(e)
                ans = service.fallback_tutor().ask(message, history=history or None).to_json()
        except BadQuestion as e:
            messages[-1] = {"role": "assistant", "content": f"⚠️ {e}"}
            gr.Warning(str(e))
            yield "", messages, render_sources_panel(service.knowledge, turns), notice(None), state
            return
        except Exception as e:  # even the extractive answer failed: a sentence, not a trace
            log.exception("extractive fallback failed")
            messages[-1] = {"role": "assistant", "content": "⚠️ Sorry, something went wrong answering that."}
            gr.Warning(f"Could not answer: {friendly(e)}")
            yield "", messages, render_sources_panel(service.knowledge, turns), notice(friendly(e), answered=False), state
            return
        error = ans.get("error") or error
        if error:
            ans["error"] = error
            gr.Warning(error)
        ans.pop("retrieved", None)
        messages[-1] = {"role": "assistant", "content": link_markers(ans["answer"], f"src-{turn}")}
        turns = turns + [{"uid": uuid.uuid4().hex, "question": message, "answer": ans,
                          "msg_index": len(messages) - 1}]
        state = {"messages": messages, "turns": turns}
        yield "", messages, render_sources_panel(service.knowledge, turns), notice(error), state

    def new_chat():
        state = {"messages": [], "turns": []}
        return [], render_sources_panel(service.knowledge, []), notice(None), state, ""

    def on_like(state: dict, data: gr.LikeData):
        idx = data.index if isinstance(data.index, int) else (data.index[0] if data.index else None)
        turn = next((t for t in state["turns"] if t["msg_index"] == idx), None)
        if turn is None:
            gr.Warning("Only answers can be rated.")
            return
        liked = data.liked
        rating = None if liked in (None, "") else liked
        try:
            service.feedback.record(key=f"ui:{turn['uid']}", rating=rating, answer=turn["answer"])
        except Exception as e:
            log.exception("saving feedback failed")
            gr.Warning(f"Could not save feedback: {friendly(e)}")
            return
        if rating is not None:
            gr.Info("Thanks — feedback saved.")

    # ---- settings handlers ---------------------------------------------------------------
    def show_fields(backend: str):
        return (gr.update(visible=backend == "local"), gr.update(visible=backend == "bedrock"),
                gr.update(visible=backend == "openai"))

    def apply_settings(backend, local_model, bedrock_model_id, aws_region, openai_base_url, openai_model,
                       top_k, temperature, cfg):
        new = {"backend": backend, "local_model": local_model or "", "bedrock_model_id": bedrock_model_id or "",
               "aws_region": aws_region or "", "openai_base_url": openai_base_url or "",
               "openai_model": openai_model or "", "top_k": int(top_k), "temperature": float(temperature),
               "sources": cfg.get("sources")}
        try:
            tutor = service.tutor(new)
        except Exception as e:
            msg = friendly(e)
            gr.Warning(f"Settings not applied: {msg}")
            return cfg, f"⚠️ **Settings not applied:** {msg}  \nStill using: {describe_cfg(cfg)}"
        problem = service.warm(new)
        status = f"✅ Applied: {describe_cfg(new)} (model `{tutor.model_name}`)"
        if problem:
            gr.Warning(problem)
            status += f"  \n⚠️ {problem} — answers fall back to cited passages from the guide until this is fixed."
        return new, status

    def describe_cfg(cfg: dict) -> str:
        b = cfg["backend"]
        what = {"local": f"local `{cfg['local_model']}`", "bedrock": f"Bedrock `{cfg['bedrock_model_id']}`"
                + (f" in `{cfg['aws_region']}`" if cfg.get("aws_region") else ""),
                "openai": f"OpenAI-compatible `{cfg['openai_base_url']}`"
                + (f" model `{cfg['openai_model']}`" if cfg.get("openai_model") else ""),
                "none": "extractive (no LLM)"}[b]
        return f"{what}, top-k {cfg['top_k']}, temperature {cfg['temperature']}"

    # ---- layout ------------------------------------------------------------------------
    material = describe(service.knowledge)
    with gr.Blocks(title=f"StudyRAG — {material.title}", analytics_enabled=False) as demo:
        gr.Markdown(f"## StudyRAG — a cited tutor for {material.title}\n"
                    "Every answer cites the material; click a **[n]** to see the passage it comes from.")
        chat_state = gr.State({"messages": [], "turns": []})
        cfg_state = gr.State(dict(service.default_cfg))
        with gr.Tabs():
            with gr.Tab("Chat", id="chat", elem_id="tab-chat"):
                notice_md = gr.Markdown(visible=bool(service.startup_error), elem_id="sr-notice",
                                        value=f"⚠️ **{service.startup_error}**" if service.startup_error else "")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(label="Tutor", elem_id="sr-chat", height=520, sanitize_html=True,
                                             feedback_options=("Like", "Dislike"), buttons=["copy"],
                                             placeholder="Ask about the material: a scenario, a multiple-choice "
                                                         "question, or “X vs Y”. English or 中文.")
                        with gr.Row():
                            msg = gr.Textbox(show_label=False, placeholder="Your question…", scale=6,
                                             elem_id="sr-question", lines=1, max_lines=6, autofocus=True)
                            ask_btn = gr.Button("Ask", variant="primary", scale=1, elem_id="sr-ask")
                        with gr.Row():
                            new_btn = gr.Button("New chat", size="sm", elem_id="sr-new")
                        gr.Examples(examples=[[q] for q in material.examples], inputs=[msg], label="Example questions",
                                    elem_id="sr-examples")
                    with gr.Column(scale=2):
                        from studyrag.ui.sources import build_sources_ui

                        build_sources_ui(service, cfg_state)  # the library: picker + upload
                        sources = gr.HTML(render_sources_panel(service.knowledge, []), elem_id="sr-sources")
            with gr.Tab("Practice", id="practice", elem_id="tab-practice"):
                pr.build_tab(service.practice, demo)
            with gr.Tab("Settings", id="settings", elem_id="tab-settings"):
                c = service.default_cfg
                backend = gr.Radio(backend_choices(), value=c["backend"], label="Backend", elem_id="sr-backend",
                                   info="local = GGUF on this machine; none = extractive answers, no LLM")
                with gr.Group(visible=c["backend"] == "local") as g_local:
                    local_model = gr.Dropdown(model_choices, value=c["local_model"], label="Local model",
                                              elem_id="sr-local-model")
                with gr.Group(visible=c["backend"] == "bedrock") as g_bedrock:
                    bedrock_id = gr.Textbox(c["bedrock_model_id"], label="Bedrock model id")
                    region = gr.Textbox(c["aws_region"], label="AWS region", placeholder="us-east-1")
                with gr.Group(visible=c["backend"] == "openai") as g_openai:
                    oa_url = gr.Textbox(c["openai_base_url"], label="OpenAI-compatible base URL")
                    oa_model = gr.Textbox(c["openai_model"], label="Model", placeholder="llama3.2")
                with gr.Row():
                    top_k = gr.Slider(1, 20, value=c["top_k"], step=1, label="Top-k passages")
                    temperature = gr.Slider(0.0, 2.0, value=c["temperature"], step=0.05, label="Temperature")
                apply_btn = gr.Button("Apply settings", variant="primary", elem_id="sr-apply")
                status = gr.Markdown(f"Using: {describe_cfg(c)}", elem_id="sr-settings-status")
                gr.Markdown("### Index (read-only)")
                gr.Markdown(service.manifest_md(), elem_id="sr-manifest")

        # ---- events ----------------------------------------------------------------------
        chat_io = dict(inputs=[msg, chat_state, cfg_state], outputs=[msg, chatbot, sources, notice_md, chat_state],
                       show_progress="hidden", api_visibility="private")
        msg.submit(chat, **chat_io)
        ask_btn.click(chat, **chat_io)
        new_btn.click(new_chat, None, [chatbot, sources, notice_md, chat_state, msg], api_visibility="private")
        chatbot.like(on_like, [chat_state], None, api_visibility="private")
        chatbot.clear(new_chat, None, [chatbot, sources, notice_md, chat_state, msg], api_visibility="private")
        backend.change(show_fields, backend, [g_local, g_bedrock, g_openai], api_visibility="private")
        apply_btn.click(apply_settings, [backend, local_model, bedrock_id, region, oa_url, oa_model, top_k,
                                         temperature, cfg_state], [cfg_state, status], api_visibility="private")

        # ---- JSON API (gradio_client) -------------------------------------------------------
        def ask(question: str, options: dict | None = None, history: list | None = None,
                settings: dict | None = None) -> dict:
            """Answer a question from the guide. options: {"A": "...", ...}; history: [{"role",
            "content"}]; settings: {"backend", "local_model", "bedrock_model_id", "aws_region",
            "openai_base_url", "openai_model", "top_k", "temperature"} (any subset).
            Returns the Answer as JSON: answer (with [n] markers), citations, error, ..."""
            cfg = {**service.default_cfg, **(settings or {})} if settings else None
            try:
                return service.ask(question, options=options or None, history=history, cfg=cfg)
            except BadQuestion as e:
                raise gr.Error(str(e))

        def practice_question(item_id: str = "", seed: int = 0, user: str = "", topic: str = "") -> dict:
            """One practice item (no answer key): the given id, or the next one of `user`'s
            schedule (weak and long-unseen topics first), optionally within `topic`."""
            bank = service.practice.bank
            if item_id:
                if item_id not in bank.by_id:
                    raise gr.Error(f"no practice item {item_id!r}")
                return bank.by_id[item_id].public()
            try:
                return service.practice.next_item(user, topic or None, [], seed).public()
            except KeyError as e:
                raise gr.Error(friendly(e))

        def practice_grade(item_id: str, pick: str, user: str = "") -> dict:
            """Grade a pick ("B") against the answer key and save it to `user`'s progress: the
            key, the sentence that makes it right and, for a wrong pick, why it does not fit."""
            try:
                return service.practice.answer(user, item_id, pick)
            except (KeyError, ValueError) as e:
                raise gr.Error(friendly(e))

        def feedback(answer: dict, rating: str, comment: str = "") -> dict:
            """Save thumbs "up"/"down" for an answer returned by /ask (secrets are scrubbed)."""
            try:
                row = service.rate(answer, rating, comment=comment)
            except ValueError as e:
                raise gr.Error(str(e))
            return {"saved": row is not None, "id": row}

        def index_info() -> dict:
            """The loaded index's manifest (sources, chunk count, built at, embedder)."""
            return service.manifest()

        for fn in (ask, practice_question, practice_grade, feedback, index_info):
            gr.api(fn, api_name=fn.__name__)
    demo.studyrag_service = service
    return demo


def launch(demo, *, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None,
           concurrency: int = 4, max_queue: int = 64, prevent_thread_lock: bool = False, quiet: bool = False):
    demo.queue(default_concurrency_limit=concurrency, max_size=max_queue)
    return demo.launch(
        server_name=host, server_port=port, auth=auth, show_error=False, quiet=quiet, ssr_mode=False,
        prevent_thread_lock=prevent_thread_lock, css=CSS, head=HEAD, inbrowser=False, share=False,
        auth_message="StudyRAG: sign in with the user:password given to --auth / STUDYRAG_UI_AUTH.",
    )
