"""Saved web pages: the main content only, through trafilatura (docs/formats.md).

trafilatura finds the article the way a reader would (navigation, cookie banners, related
links and footers dropped) and writes it as Markdown, so headings stay structure ('## ...'
lines the chunker reads as headings), list items stay items and bold terms stay bold: a page
marks the terms it teaches with <strong> as notes mark them with **, and both name things.
"""

from __future__ import annotations

import re
from pathlib import Path

from .base import Document, SourceError, tidy

MIN_CHARS = 40
_MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")  # Markdown's escapes: '1\.' -> '1.' 
# Inline tags whose words trafilatura drops or leaves as raw HTML: a timeline's
# "<li><time>28 June 1914</time> – …</li>" lost its date, "CH<sub>2</sub>Cl<sub>2</sub>" kept its tags.
_UNWRAP_RE = re.compile(r"</?(?:time|sub|u)\b[^>]*>", re.I)
_SUP_RE = re.compile(r"<sup\b[^>]*>(.*?)</sup>", re.I | re.S)
# A table's caption became its header row ("| Jutland: who won? | | |" over the real header):
# it goes before the table, as the line that introduces it.
_CAPTION_RE = re.compile(r"(<table\b[^>]*>)\s*<caption\b[^>]*>(.*?)</caption>", re.I | re.S)


class HtmlReader:
    format = "html"

    def read(self, path: Path, raw: bytes) -> Document:
        html = _inline_text(_decode(raw))
        text = _extract(html)
        if not HEADING_LINE_RE.search(text) and HEADING_TAG_RE.search(html) and not MAIN_TAG_RE.search(html):
            # A page with no <article> or <main> lost every heading to trafilatura's fallback
            # extractor (a 68-heading revision page came out as one section): read its body as
            # the article it is.
            text = _extract(BODY_RE.sub(r"\g<0><article>", html, count=1).replace("</body>", "</article></body>", 1)) or text
        text = tidy(text or "")
        if len(text) < MIN_CHARS:
            raise SourceError(f"{path} has no main text studyrag can find (an empty page, or one "
                              "built by JavaScript); save the page as text or PDF instead")
        return Document(_MD_ESCAPE_RE.sub(r"\1", text), "html")


HEADING_LINE_RE = re.compile(r"(?m)^#{1,6} ")
HEADING_TAG_RE = re.compile(r"<h[1-6]\b", re.I)
MAIN_TAG_RE = re.compile(r"<(?:article|main)\b", re.I)
BODY_RE = re.compile(r"<body\b[^>]*>", re.I)


def _extract(html: str) -> str:
    import trafilatura

    return trafilatura.extract(
        html, output_format="markdown", include_formatting=True, include_tables=True,
        include_links=False, include_images=False, include_comments=False, favor_recall=True,
        deduplicate=False,
    ) or ""


def _inline_text(html: str) -> str:
    """Tags trafilatura mishandles, as a reader sees them.

    >>> _inline_text("<li><time datetime='1916'>1 July 1916</time> – CO<sub>2</sub>, 10<sup>6</sup></li>")
    '<li>1 July 1916 – CO2, 10^6</li>'
    >>> _inline_text("<table class='t'><caption>Who won?</caption><tr><th></th><th>Britain</th></tr></table>")
    "<p>Who won?</p><table class='t'><tr><th></th><th>Britain</th></tr></table>"
    """
    html = _CAPTION_RE.sub(r"<p>\2</p>\1", html)
    return _SUP_RE.sub(r"^\1", _UNWRAP_RE.sub("", html))


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
