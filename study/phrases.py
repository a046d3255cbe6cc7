"""Every sentence study/ writes around the material's own words, in English and Traditional
Chinese, so an item or an explanation can be shown in Chinese without a model rewording the
frame. The material's words (``quote``) stay as they are, or are translated alone.

>>> say("which", quote="nightly scoring of the whole table")
'Which of these fits “nightly scoring of the whole table”?'
>>> to_zh(say("why_role", name="Batch Transform", quote="offline scoring"))
'Batch Transform 不適合這個情境：教材說它用於「offline scoring」。'
"""

from __future__ import annotations

import re
from typing import Callable

EN = {
    "compare": "{pair}: which one is for “{quote}”?",
    "scenario": "{quote}. Which of these fits best?",
    "asks": "A candidate asks: “{quote}” Which of these answers it?",
    "define_in": "In “{where}”, which term is described as “{quote}”?",
    "define": "Which term is described as “{quote}”?",
    "fact_in": "Which value completes this statement from “{where}”: “{quote}”?",
    "fact": "Which value completes this statement: “{quote}”?",
    "which": "Which of these fits “{quote}”?",
    "why_role": "{name} does not fit this: the material uses it for “{quote}”.",
    "why_term": "{name} is “{quote}”.",
    "why_value": "{name} is another figure of the material: “{quote}”",
}
ZH = {
    "compare": "{pair}：哪一個用於「{quote}」？",
    "scenario": "{quote}。下列哪一項最合適？",
    "asks": "有考生問：「{quote}」下列哪一項能回答？",
    "define_in": "在「{where}」中，哪個術語的描述是「{quote}」？",
    "define": "哪個術語的描述是「{quote}」？",
    "fact_in": "哪個數值能完成「{where}」中的這句話：「{quote}」？",
    "fact": "哪個數值能完成這句話：「{quote}」？",
    "which": "下列哪一項最符合「{quote}」？",
    "why_role": "{name} 不適合這個情境：教材說它用於「{quote}」。",
    "why_term": "{name} 是「{quote}」。",
    "why_value": "{name} 是教材中的另一個數字：「{quote}」",
}
_PATTERNS = {k: re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(v)) + "$", re.S)
             for k, v in EN.items()}
DIGITS_RE = re.compile(r"\d+(?:[.,]\d+)*")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def say(key: str, **parts: str) -> str:
    return EN[key].format(**parts)


def parse(text: str) -> tuple[str, dict[str, str]] | None:
    for key, pat in _PATTERNS.items():
        m = pat.match(text)
        if m:
            return key, m.groupdict()
    return None


def to_zh(text: str, translate: Callable[[str], str] | None = None) -> str | None:
    """``text`` (one of the sentences above) with its frame in Chinese. With ``translate``, the
    quote is translated too, unless the translation changes a number or has no Chinese in it
    (a small model's slip): then the quote stays in English. None for any other text."""
    found = parse(text)
    if found is None:
        return None
    key, parts = found
    if translate is not None and not key.startswith("why_"):
        zh = translate(parts["quote"]).strip()
        if CJK_RE.search(zh) and sorted(DIGITS_RE.findall(zh)) == sorted(DIGITS_RE.findall(parts["quote"])):
            parts["quote"] = zh.strip("「」“”\"")
    return ZH[key].format(**parts)
