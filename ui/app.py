"""The Gradio app: a cited chat, exam-style practice, settings, feedback, and a JSON API.

One process loads the index (and the default model) once and serves every browser tab
through Gradio's queue. Per-user state (chat turns, practice score, chosen settings) lives
in ``gr.State``; Tutors are cached by their settings and share one loaded ``Knowledge``,
so switching settings back and forth is instant.

API (``gradio_client``): ``/ask``, ``/practice_question``, ``/practice_grade``,
``/feedback``, ``/index_info`` — plain JSON in and out, see the README.
"""

import logging

import gradio as gr

from studyrag.rag.material import describe
from studyrag.ui import practice as pr
from studyrag.ui.api import register_api
from studyrag.ui.chat_tab import build_chat_tab, notice  # noqa: F401  (re-exported)
# Re-exported: one tab per module (chat_tab, practice, settings_tab), the handlers' shared
# state in service.py, the sources panel's HTML in passages.py, the JSON API in api.py.
from studyrag.ui.passages import link_markers, passage, render_source, render_sources_panel  # noqa: F401
from studyrag.ui.service import UIService, cfg_from_settings, cfg_key, friendly, settings_for  # noqa: F401
from studyrag.ui.settings_tab import build_settings_tab

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

def build_app(service: UIService):
    material = describe(service.knowledge)
    with gr.Blocks(title=f"StudyRAG — {material.title}", analytics_enabled=False) as demo:
        gr.Markdown(f"## StudyRAG — a cited tutor for {material.title}\n"
                    "Every answer cites the material; click a **[n]** to see the passage it comes from.")
        cfg_state = gr.State(dict(service.default_cfg))  # this browser session's settings
        with gr.Tabs():
            with gr.Tab("Chat", id="chat", elem_id="tab-chat"):
                build_chat_tab(service, cfg_state, material.examples)
            with gr.Tab("Practice", id="practice", elem_id="tab-practice"):
                pr.build_tab(service.practice, demo)
            with gr.Tab("Settings", id="settings", elem_id="tab-settings"):
                build_settings_tab(service, cfg_state)
        register_api(service)
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
