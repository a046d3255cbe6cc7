"""Options that are values (a port, a date, a size, a count) are told apart by where the
material writes them, not by what they mean.

"TCP/UDP 4172" and "TCP/UDP 4195" read alike to an embedder, and so do two dates. The sentence
"WSP needs TCP/UDP 4195" holds one of them beside the stem's rarer word "WSP", so when every
option is a value, the option the material writes together with what the stem asks
(rag/cooccur.py) weighs more than how the option reads as the stem's answer.

>>> is_value("TCP/UDP 4195"), is_value("About 15 minutes"), is_value("8 May 1980")
(True, True, True)
>>> is_value("S3 Standard-IA"), is_value("802.11ax"), is_value("Amazon WorkDocs")
(False, False, False)
>>> all_values(["24 hours", "7 days", "14 days"]), all_values(["24 hours", "Amazon S3"])
(True, False)
"""

from __future__ import annotations

import re

# A number standing alone: "4195", "1,000", "8.5", "3/4", "10:30"; not part of a name ("S3", "802.11ax").
TOKEN_RE = re.compile(r"[\w.,:/]+")
NUMBER_RE = re.compile(r"\d(?:[\d,.:/]*\d)?")
MAX_WORDS = 4  # "About 15 minutes", "8 May 1980"; a longer option says something more than a value


def is_value(option: str) -> bool:
    """A short option that holds a number of its own."""
    return len(option.split()) <= MAX_WORDS and any(NUMBER_RE.fullmatch(tok.strip(",.:/"))
                                                    for tok in TOKEN_RE.findall(option))


def all_values(options: list[str]) -> bool:
    """Are the options all values, so that only where each is written can tell them apart?"""
    return bool(options) and all(is_value(o) for o in options)
