"""The Gradio app: a cited chat, exam-style practice, settings, feedback, and a JSON API.

One process loads the index (and the default model) once and serves every browser tab
through Gradio's queue. Per-user state (chat turns, practice score, chosen settings) lives
in ``gr.State``; Tutors are cached by their settings and share one loaded ``Knowledge``,
so switching settings back and forth is instant.

API (``gradio_client``): ``/ask``, ``/practice_question``, ``/practice_grade``,
``/feedback``, ``/index_info`` — plain JSON in and out, see the README.
"""

import logging
import uuid
from pathlib import Path

import gradio as gr

from studyrag.rag.llms import choices as backend_choices
from studyrag.rag.material import describe
from studyrag.ui import practice as pr
# Re-exported: the app's pieces live in ui/service.py (handlers' state) and ui/passages.py.
from studyrag.ui.passages import link_markers, passage, render_source, render_sources_panel  # noqa: F401
from studyrag.ui.service import UIService, cfg_from_settings, cfg_key, friendly, settings_for  # noqa: F401

log = logging.getLogger("studyrag.ui")



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
