"""What the web app's handlers share, without a browser: per-session settings, the Tutors
(cached by their settings, sharing one loaded Knowledge), the practice service and feedback.
Safe to call from Gradio's worker threads; tests drive it directly."""

from __future__ import annotations

import copy
import hashlib
import inspect
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studyrag.settings import Settings

from studyrag.rag.llms import choices as backend_choices
from studyrag.ui import practice as pr
from studyrag.ui.feedback import FeedbackStore, default_path

log = logging.getLogger("studyrag.ui")


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
            from studyrag.index.stores import IndexLoadError

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
