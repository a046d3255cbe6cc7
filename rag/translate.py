"""Turning a non-English question into English for retrieval, with a local multilingual model.

Measured on this guide (issue "Exam mode"): searching the English passages with a rough
Qwen2.5-Coder-0.5B translation finds the right service far more often than MiniLM or e5
on the Chinese text itself. Translations are cached per process.
"""

from __future__ import annotations

import re
from functools import lru_cache

SYSTEM = (
    "You translate Traditional Chinese exam questions about AWS machine learning into English. "
    "Output only the English translation, one paragraph, keeping product names and numbers."
)


class Translator:
    def __init__(self, settings) -> None:
        self.settings = settings
        self._llm = None

    def _model(self):
        if self._llm is None:
            from studyrag.rag.llms.local import LlamaCppChat, local_model_path

            s = self.settings.with_overrides(model=self.settings.translate_model, model_path=None)
            s = s.model_copy(update={"model_path": None})
            path, name = local_model_path(s)
            self._llm = LlamaCppChat(model_path=str(path), model_name=name, max_tokens=160, temperature=0.0)
        return self._llm

    def to_english(self, text: str) -> str:
        return _cached(self, text)


@lru_cache(maxsize=512)
def _cached(translator: Translator, text: str) -> str:
    from langchain_core.messages import HumanMessage, SystemMessage

    out = translator._model().invoke([SystemMessage(SYSTEM), HumanMessage(text)]).content
    out = re.sub(r"^(?:translation|english)\s*[:：]\s*", "", str(out).strip(), flags=re.I)
    return out.strip().strip('"') or text
