"""``openai``: any OpenAI-compatible chat server (Ollama, vLLM, llama.cpp server, OpenAI).

``STUDYRAG_OPENAI_BASE_URL`` (default Ollama's http://127.0.0.1:11434/v1) and
``STUDYRAG_MODEL``; the key from ``STUDYRAG_OPENAI_API_KEY`` or ``OPENAI_API_KEY``.
"""

from __future__ import annotations

import os

from .base import BackendError, BackendInfo, register

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings


def make_openai(settings: Settings):
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as e:
        raise BackendError(f"backend 'openai' needs an optional package ({e.name}); "
                           "install: pip install 'studyrag[openai]'") from None

    key = settings.openai_api_key or os.environ.get("OPENAI_API_KEY") or "not-needed"
    return ChatOpenAI(
        base_url=settings.openai_base_url,
        api_key=key,
        model=settings.model or "llama3.2",
        temperature=settings.temperature,
        max_tokens=max(settings.max_tokens, 256),
        timeout=settings.timeout_s,
        max_retries=settings.max_retries,
        streaming=True,
    )


def explain_openai(e: BaseException) -> str | None:
    # langchain-openai re-raises the SDK's errors as subclasses (OpenAITimeoutError, ...):
    # match on the SDK class names anywhere in the hierarchy, the most specific first.
    names = [c.__name__ for c in type(e).__mro__]
    name = next((n for n in ("APITimeoutError", "APIConnectionError", "AuthenticationError", "RateLimitError",
                             "NotFoundError", "InternalServerError") if n in names), type(e).__name__)
    if name == "APIConnectionError":
        return "the OpenAI-compatible server is unreachable; check STUDYRAG_OPENAI_BASE_URL and that it is running."
    if name == "AuthenticationError":
        return "the OpenAI-compatible server rejected the API key; set STUDYRAG_OPENAI_API_KEY."
    if name == "RateLimitError":
        return "the OpenAI-compatible server is rate-limiting (retried with backoff); try again shortly."
    if name == "NotFoundError":
        return "the OpenAI-compatible server does not serve this model; check --model."
    if name == "APITimeoutError":
        return "the OpenAI-compatible server did not answer in time; raise STUDYRAG_TIMEOUT_S."
    if name == "InternalServerError":
        return "the OpenAI-compatible server had a server error after retries; try again shortly."
    return None


register(BackendInfo("openai", make_openai, lambda s: s.model or "llama3.2",
                     trusted_to_decide=True, explain=explain_openai))
