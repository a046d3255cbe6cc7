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
    return as_asked(text, out.strip().strip('"')) or text


# The original asks something: a question mark, or a Chinese question word.
ASKS_RE = re.compile(r"[?？]|什麼|甚麼|哪|多少|幾|嗎|如何|怎麼|为什么|為什麼")
# "This phenomenon is called social loafing." / "… a step called prewarming.": the name given.
NAMED_RE = re.compile(r"(?P<subject>[^.!?]*?)\s+(?P<verb>is|are|was|were)\s+(?:called|named|known as|referred to as|termed)"
                      r"\s+[^.!?]*[.!]?\s*$")
CALLED_RE = re.compile(r"\b(?P<how>called|named|known as)\s+(?:\"[^\"]{1,60}\"|[^.!?,\"]{1,60}[.!]?\s*$)")
TYPE_OF_RE = re.compile(r"\b(?:this|it|that) (?:is|was) (?:a|an|one) (?:type|kind|form|sort) of (?P<what>[^.!?]{2,80})[.!]?\s*$", re.I)


def as_asked(original: str, english: str) -> str:
    """A small model sometimes answers the question it was asked to translate, and the
    name it makes up then steers retrieval. When the original asks and the translation
    states a name instead, the name is asked for again.

    >>> as_asked("這種泡茶方式叫什麼？", "This way of brewing tea is called cold brewing.")
    'What is this way of brewing tea called?'
    >>> as_asked("哪一種茶葉最耐泡？", 'It uses a tea called "Oolong" that lasts.')
    'It uses a tea called what that lasts?'
    >>> as_asked("這屬於哪一種沖泡失誤？", "The water was too hot. This is a type of brewing mistake.")
    'The water was too hot. Which type of brewing mistake is this?'
    >>> as_asked("這叫什麼？", "Leaves are rolled and left to dry, this step is called withering.")
    'Leaves are rolled and left to dry. What is this step called?'
    >>> as_asked("水溫是多少？", "What temperature is the water?")
    'What temperature is the water?'
    """
    if not ASKS_RE.search(original) or not english:
        return english
    if "?" not in english:
        head, _, last = english.rpartition(". ") if ". " in english.rstrip(". ") else ("", "", english)
        m = NAMED_RE.match(last)
        if m and m.group("subject").strip():
            said, _, subject = m.group("subject").strip().rpartition(", ")  # "…the data, this phenomenon"
            subject = re.sub(r"^(?:and|but|so)\s+", "", subject)
            lead = " ".join(x.rstrip(".") + "." for x in (head, said) if x)
            verb = "are" if m.group("verb") in ("are", "were") else "is"
            return (lead + " " if lead else "") + f"What {verb} {subject[0].lower() + subject[1:]} called?"
        m = TYPE_OF_RE.search(last)
        if m:
            what = re.sub(r"\s+(?:called|named|known as)\b.*$", "", m.group("what").strip())
            return (head + ". " if head else "") + f"Which type of {what} is this?"
    fixed = CALLED_RE.sub(lambda m: f"{m.group('how')} what", english, count=1)
    if fixed != english and not fixed.rstrip().endswith("?"):
        fixed = fixed.rstrip().rstrip(".!") + "?"
    return fixed
