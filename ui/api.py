"""The JSON API (``gradio_client``): /ask, /practice_question, /practice_grade, /feedback,
/index_info — plain JSON in and out, the same service the tabs use."""

from __future__ import annotations

import gradio as gr

from studyrag.ui.service import UIService, friendly


def register_api(service: UIService) -> None:
    """Register the endpoints (called inside the Blocks)."""
    from studyrag.rag.question import BadQuestion

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
