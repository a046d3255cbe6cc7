"""Plain text and Markdown: UTF-8 as written (Markdown's '#' headings are read by the chunker)."""

from __future__ import annotations

from pathlib import Path

from .base import Document, SourceError


class TextReader:
    format = "text"

    def read(self, path: Path, raw: bytes) -> Document:
        if b"\x00" in raw:
            raise SourceError(f"{path} looks binary (contains NUL bytes); only UTF-8 text guides can be ingested")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise SourceError(
                f"{path} is not valid UTF-8 (byte {e.start}); convert it, e.g. iconv -f big5 -t utf-8"
            ) from None
        return Document(text.removeprefix("\ufeff"), "markdown" if path.suffix.lower() == ".md" else "text")
