"""Turning a non-English question into English for retrieval, with a local multilingual model.

Measured on the seed guide (issue "Exam mode"): searching the English passages with a rough
Qwen2.5-Coder-0.5B translation finds the right service far more often than MiniLM or e5
on the Chinese text itself. Translations are cached per process.
"""

from __future__ import annotations

import re
from functools import lru_cache

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

SYSTEM = (
    "You are a translator. Translate the user's text from Chinese into English. "
    "Do not answer it, do not explain it: output only the English translation, "
    "keeping product names and numbers exactly."
)
# Two generic worked examples (not from any eval set) keep a small model translating
# instead of answering the question it is given.
EXAMPLES = [
    ("一家公司想把客服對話分類，但沒有任何標註資料。應該先做什麼？",
     "A company wants to classify customer-service conversations but has no labeled data. What should it do first?"),
    ("Visual Studio Code 和 Jupyter 筆記本有什麼差別？",
     "What is the difference between Visual Studio Code and Jupyter notebooks?"),
]


MAX_INPUT = 500  # characters: an exam question fits; a pasted essay is cut
TRANSLATE_CTX = 1024  # tokens: the prompt (~150) + MAX_INPUT characters + the longest reply (400)


class Translator:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._llm = None

    def _model(self):
        if self._llm is None:
            from studyrag.rag.llms.local import LlamaCppChat, local_model_path, worker_options

            s = self.settings.with_overrides(model=self.settings.translate_model, model_path=None)
            s = s.model_copy(update={"model_path": None})
            path, name = local_model_path(s)
            self._llm = LlamaCppChat(model_path=str(path), model_name=name, max_tokens=160, temperature=0.0,
                                     n_ctx=TRANSLATE_CTX, role="translate", **worker_options(self.settings))
        return self._llm

    def to_english(self, text: str) -> str:
        return _cached(self, text)


@lru_cache(maxsize=512)
def _cached(translator: Translator, text: str) -> str:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    messages = [SystemMessage(SYSTEM)]
    for zh, en in EXAMPLES:
        messages += [HumanMessage(f"Translate: {zh}"), AIMessage(en)]
    messages.append(HumanMessage(f"Translate: {text[:MAX_INPUT]}"))  # bounded cost
    out = translator._model().invoke(messages, max_tokens=min(400, 40 + 2 * len(text))).content
    out = str(out).strip().split("\n\n")[0]
    out = re.sub(r"^(?:translation|english)\s*[:：]\s*", "", str(out).strip(), flags=re.I)
    return out.strip().strip('"') or text
