"""The Settings tab: the backend (from the backend registry), its fields, top-k, temperature;
applied per browser session after the settings are validated and the model is warmed."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from studyrag.rag.llms import choices as backend_choices
from studyrag.ui.service import UIService, friendly


# Over 60 lines: Gradio wires events to components created in the same context: the handlers are closures here.


def build_settings_tab(service: UIService, cfg_state) -> None:
    """The settings' components and events (called inside the tab)."""
    from studyrag.rag.llms.models import MODELS

    model_choices = [(f"{m.name} — {m.title}" + ("" if m.installed() else " (not installed)"), m.name)
                     for m in MODELS.values()]
    if service.default_cfg["local_model"].startswith("@"):
        p = service.default_cfg["local_model"]
        model_choices.append((f"GGUF file: {Path(p[1:]).name}", p))

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
    backend.change(show_fields, backend, [g_local, g_bedrock, g_openai], api_visibility="private")
    apply_btn.click(apply_settings, [backend, local_model, bedrock_id, region, oa_url, oa_model, top_k,
                                     temperature, cfg_state], [cfg_state, status], api_visibility="private")
