"""Is a word an everyday English word, or a term of some subject?

A notes' one-word term ("**Thermistor** — a resistor whose …") is written in lower case all
through the text ("put the thermistor in R1"), as an ordinary word ("range", "document") is;
only the second kind is not a thing taught. What tells them apart is general English, not
the subject: the word list of the default embedder's WordPiece vocabulary (about 20,000
whole words, chosen by frequency over English books and Wikipedia) holds everyday words and
few terms of any subject.

>>> ordinary("document"), ordinary("Ranges"), ordinary("thermistor"), ordinary("ammeters")
(True, True, False, False)
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """The whole words of the vocabulary; empty when the package is not installed (every
    word then counts as ordinary, the stricter reading)."""
    from studyrag.index.embedders.minilm import model_dir  # the vocabulary ships beside the weights

    try:
        path = model_dir() / "vocab.txt"
    except (ImportError, FileNotFoundError):
        return frozenset()
    if not path.exists():
        return frozenset()
    words = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if w.isalpha() and w.islower())


def ordinary(word: str) -> bool:
    """Is ``word`` (or its singular) an everyday English word? True when no vocabulary is at hand."""
    vocabulary = _vocabulary()
    low = word.lower()
    if not vocabulary:
        return True
    return low in vocabulary or low.endswith("s") and (low[:-1] in vocabulary or low.endswith("es") and low[:-2] in vocabulary)
