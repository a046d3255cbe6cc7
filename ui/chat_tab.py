"""The Chat tab: a streamed, cited chat, the sources panel and the library beside it."""

from __future__ import annotations

import logging
import uuid

import gradio as gr

from studyrag.ui.passages import link_markers, render_sources_panel
from studyrag.ui.service import UIService, friendly

log = logging.getLogger("studyrag.ui")


def notice(text: str | None, *, answered: bool = True):
    if not text:
        return gr.update(value="", visible=False)
    if not answered:
        return gr.update(value=f"⚠️ **Could not answer:** {text}", visible=True)
    return gr.update(value=f"⚠️ **The model backend failed:** {text}  \nThe answer below is the cited answer "
                           "quoted from the guide.", visible=True)


# Over 60 lines: Gradio wires events to components created in the same context: the handlers are closures here.


def build_chat_tab(service: UIService, cfg_state, examples: list[str]) -> None:
    """The chat's components and events (called inside the tab)."""
    from studyrag.rag.question import BadQuestion

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

    chat_state = gr.State({"messages": [], "turns": []})
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
            gr.Examples(examples=[[q] for q in examples], inputs=[msg], label="Example questions",
                        elem_id="sr-examples")
        with gr.Column(scale=2):
            from studyrag.ui.sources import build_sources_ui

            build_sources_ui(service, cfg_state)  # the library: picker + upload
            sources = gr.HTML(render_sources_panel(service.knowledge, []), elem_id="sr-sources")

    chat_io = dict(inputs=[msg, chat_state, cfg_state], outputs=[msg, chatbot, sources, notice_md, chat_state],
                   show_progress="hidden", api_visibility="private")
    msg.submit(chat, **chat_io)
    ask_btn.click(chat, **chat_io)
    new_btn.click(new_chat, None, [chatbot, sources, notice_md, chat_state, msg], api_visibility="private")
    chatbot.like(on_like, [chat_state], None, api_visibility="private")
    chatbot.clear(new_chat, None, [chatbot, sources, notice_md, chat_state, msg], api_visibility="private")
