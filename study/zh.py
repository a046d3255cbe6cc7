"""Practice items in Traditional Chinese, with the English citation beside them.

The frame of every stem and explanation is written in Chinese from study/phrases.py; only
the material's words inside a stem (the situation, the definition) go to the local
multilingual model, and a translation that changes a number is not used. Everything shown
goes through OpenCC ``s2twp`` (rag/chinese.py), because a small model slips into Simplified
characters (因为 for 因為). Option texts (names, terms, values), the quotes of the "why not"
explanations and the cited sentence stay in English: they are what the material says.
Translations are cached in the work dir, so an item is translated once.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Callable

from studyrag.rag.chinese import to_traditional
from studyrag.study.items import Item
from studyrag.study.phrases import DIGITS_RE, to_zh

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

SYSTEM = ("You are a translator. Translate the user's English text into Traditional Chinese (Taiwan). "
          "Do not answer it and do not explain it: output only the translation. Keep product and "
          "service names and numbers exactly as written.")
EXAMPLE = ("A team scores the whole customer table of 2,000 rows once a night with PostgreSQL exports",
           "一個團隊每晚用 PostgreSQL 匯出檔對 2,000 列的整個客戶資料表評分一次")


class ChineseView:
    """Translates English study text to Traditional Chinese, cached on disk."""

    def __init__(self, settings: Settings, translate: Callable[[str], str] | None = None) -> None:
        self.settings = settings
        self._translate = translate
        self._llm = None
        self._lock = threading.Lock()
        self.path = Path(settings.work_dir) / "study" / "zh-cache.json"
        try:
            self._cache: dict[str, str] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._cache = {}

    def text(self, english: str) -> str:
        """A stem or an explanation of study/ in Traditional Chinese (any other text: translated
        whole); the model's Simplified slips converted."""
        if not english.strip():
            return english
        with self._lock:
            if english not in self._cache:
                translate = self._translate or self._model_translate
                zh = to_zh(english, translate)
                self._cache[english] = to_traditional((zh if zh is not None else translate(english)).strip())
                self._save()
            return self._cache[english]

    def sentence(self, english: str, keep: tuple[str, ...] = ()) -> str:
        """A sentence of the material in Traditional Chinese, or "" when the translation changes
        one of its numbers or loses one of the ``keep`` names (a small model renders "Shadow
        Testing" as 防火牆測試); shown beside the English, never instead of it."""
        zh = self.text(english)
        if sorted(DIGITS_RE.findall(zh)) != sorted(DIGITS_RE.findall(english)) or any(k not in zh for k in keep):
            return ""
        return zh

    def item(self, item: Item) -> dict:
        """What practice shows for ``item`` in Chinese: the translated stem, the options as they
        are, and the English stem and cited sentence beside them."""
        return {"id": item.id, "stem": self.text(item.stem), "stem_en": item.stem, "options": dict(item.options),
                "topic": item.topic, "cited_en": item.cited.text, "cited_at": item.cited.label()}

    def _model_translate(self, english: str) -> str:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        if self._llm is None:
            from studyrag.rag.llms.local import LlamaCppChat, local_model_path, worker_options

            s = self.settings.with_overrides(model=self.settings.translate_model).model_copy(update={"model_path": None})
            path, name = local_model_path(s)
            self._llm = LlamaCppChat(model_path=str(path), model_name=name, max_tokens=200, temperature=0.0,
                                     role="translate", **worker_options(self.settings))
        messages = [SystemMessage(SYSTEM), HumanMessage(EXAMPLE[0]), AIMessage(EXAMPLE[1]), HumanMessage(english[:600])]
        out = str(self._llm.invoke(messages, max_tokens=min(300, 40 + 2 * len(english))).content)
        return re.sub(r"^(?:translation|翻譯|翻译)\s*[:：]\s*", "", out.strip().split("\n\n")[0], flags=re.I)

    def _save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".zh-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self._cache, f, ensure_ascii=False)
            os.replace(tmp, self.path)
        except OSError:
            pass
