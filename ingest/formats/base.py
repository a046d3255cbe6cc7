"""The reader seam: a file's bytes in, a ``Document`` out (its text and where pages start).

Every format reader returns plain text in the conventions the chunker reads (blank lines
between blocks, one heading per line, '#' for a heading the file marks as one, '•'/'-' for
list items, one line per table row), so one chunker serves every format and a citation's
[start:end] always points into this text, which the index stores.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

MAX_BYTES = 50 * 1024 * 1024


class SourceError(ValueError):
    """Bad input: the message names the file, what is wrong and what to do."""


@dataclass(frozen=True)
class Document:
    """Extracted text; ``pages[i]`` is the offset where page i + 1 starts (PDF only).

    >>> Document("one\\n\\ntwo", "pdf", (0, 5)).page_at(6)
    2
    """

    text: str
    format: str
    pages: tuple[int, ...] = field(default=())

    def page_at(self, offset: int) -> int | None:
        return page_at(self.pages, offset)


def page_at(pages, offset: int) -> int | None:
    """1-based page holding ``offset``, None when the text has no pages."""
    if not pages:
        return None
    return max(1, bisect.bisect_right(pages, offset))


def place(source: str, page: int | None) -> str:
    """How a citation names where it is: 'guide.pdf, p. 12', or the name alone.

    >>> place("guide.pdf", 12), place("notes.md", None)
    ('guide.pdf, p. 12', 'notes.md')
    """
    return f"{source}, p. {page}" if page else source


class Reader(Protocol):
    format: str  # short name shown in `sources list`: "pdf", "html", ...

    def read(self, path: Path, raw: bytes) -> Document:
        """Extract the text; raises SourceError with one clear line for a bad file."""
        ...


_SPACES_RE = re.compile(r"[ \t\u00a0]+")
_BLANKS_RE = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """Collapse runs of spaces, trim line ends, keep at most one blank line between blocks.

    >>> tidy("a  b \\n\\n\\n\\nc")
    'a b\\n\\nc'
    """
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANKS_RE.sub("\n\n", "\n".join(lines)).strip()
