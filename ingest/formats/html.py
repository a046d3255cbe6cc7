"""Saved web pages: the main content only, through trafilatura (docs/formats.md).

trafilatura finds the article the way a reader would (navigation, cookie banners, related
links and footers dropped) and writes it as Markdown, so headings stay structure ('## ...'
lines the chunker reads as headings) and list items stay items.
"""

from __future__ import annotations

import re
from pathlib import Path

from .base import Document, SourceError, tidy

MIN_CHARS = 40
_MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")  # Markdown's escapes: '1\.' -> '1.' 


class HtmlReader:
    format = "html"

    def read(self, path: Path, raw: bytes) -> Document:
        import trafilatura

        html = _decode(raw)
        text = trafilatura.extract(
            html, output_format="markdown", include_formatting=True, include_tables=True,
            include_links=False, include_images=False, include_comments=False, favor_recall=True,
            deduplicate=False,
        )
        text = tidy(text or "")
        if len(text) < MIN_CHARS:
            raise SourceError(f"{path} has no main text studyrag can find (an empty page, or one "
                              "built by JavaScript); save the page as text or PDF instead")
        return Document(_MD_ESCAPE_RE.sub(r"\1", text.replace("**", "")), "html")


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else the charset the page declares, else Latin-1."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        m = re.search(rb"charset=[\"']?([A-Za-z0-9_\-]+)", raw[:4096])
        try:
            return raw.decode(m.group(1).decode() if m else "latin-1", "replace")
        except LookupError:
            return raw.decode("latin-1")
