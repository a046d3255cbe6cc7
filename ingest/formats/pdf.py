"""PDF with a text layer, through PDFium (pypdfium2; chosen by measurement, docs/formats.md).

Lines come from PDFium with their boxes; they are put back into paragraphs: a line that
reaches the right edge (the next word would not have fitted) was wrapped and is joined to
the next one, a short line ends a row of a list or table, a wider vertical gap ends the
paragraph. A line repeated in the top or bottom margin of most pages (a running header,
"Page 7 of 300") is left out, so it never lands inside a chunk. Pages are separated by a
blank line and their start offsets recorded, so every citation knows its page.

Deliberately not handled: OCR (a scanned PDF is refused), multi-column reading order
beyond PDFium's own, tables as cells.
"""

from __future__ import annotations

import re
import statistics
import threading
from dataclasses import dataclass
from pathlib import Path

from .base import Document, SourceError, tidy

MAX_PAGES = 600
MARGIN = 0.09  # top/bottom share of the page where running headers and footers live
MIN_CHARS_PER_PAGE = 20  # less on every page: no text layer
_LOCK = threading.Lock()  # PDFium is not thread-safe (the web app reads uploads on worker threads)
_PAGE_NO_RE = re.compile(r"^(?:page\s*)?[-–(]?\s*\d{1,4}\s*[-–)]?(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
_LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "\ufffe": "", "\x02": "-"})
_ITEM_RE = re.compile(r"^(?:[•▪◦●\-*]|\d{1,2}[.)])\s")
NO_TEXT = "no text layer: OCR is not supported; export the text first"


@dataclass(frozen=True)
class Line:
    text: str
    x0: float
    x1: float
    bottom: float
    top: float


class PdfReader:
    format = "pdf"

    def read(self, path: Path, raw: bytes) -> Document:
        import pypdfium2 as pdfium

        with _LOCK:
            try:
                pdf = pdfium.PdfDocument(raw)
            except pdfium.PdfiumError as e:
                if "password" in str(e).lower():
                    raise SourceError(f"{path} is encrypted (password-protected); "
                                      "save an unprotected copy and add that") from None
                raise SourceError(f"{path} is not a readable PDF ({_reason(e)}); re-export or re-download it") from None
            try:
                if len(pdf) > MAX_PAGES:
                    raise SourceError(f"{path} has {len(pdf):,} pages; studyrag reads PDFs of up to {MAX_PAGES} "
                                      "pages: split it (e.g. qpdf --split-pages=300) and add the parts")
                pages = [_page_lines(pdf[i]) for i in range(len(pdf))]
            finally:
                pdf.close()
        if not pages:
            raise SourceError(f"{path} has no pages")
        if sum(len(ln.text) for page in pages for ln in page) < MIN_CHARS_PER_PAGE * len(pages):
            raise SourceError(f"{path}: {NO_TEXT}")
        repeated = _running_lines(pages)
        texts = [_reflow([ln for ln in page if _key(ln.text) not in repeated]) for page in pages]
        return _joined(texts)


def _reason(e: Exception) -> str:
    m = re.search(r"\(PDFium: ([^)]*)\)", str(e))
    return m.group(1).strip() if m else str(e)


def _page_lines(page) -> list[Line]:
    """The page's lines, top to bottom, with their loose (font-height) boxes."""
    tp = page.get_textpage()
    try:
        full = tp.get_text_range()
        height = page.get_size()[1]
        out = []
        for m in re.finditer(r"[^\r\n]+", full):
            text = m.group().translate(_LIGATURES).strip()
            if not text:
                continue
            a = tp.get_charbox(m.start(), loose=True)
            b = tp.get_charbox(m.end() - 1, loose=True)
            out.append(Line(text, a[0], b[2], min(a[1], b[1]) / height, max(a[3], b[3]) / height))
        return out
    finally:
        tp.close()


def _key(text: str) -> str:
    """A margin line's identity across pages: digits do not count ('Page 7' == 'Page 8')."""
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _running_lines(pages: list[list[Line]]) -> set[str]:
    """Keys of lines in the top or bottom margin of at least half the pages (3 or more),
    and of bare page numbers in a margin."""
    seen: dict[str, int] = {}
    numbers = set()
    for page in pages:
        keys = set()
        for ln in page:
            if ln.top > 1 - MARGIN or ln.bottom < MARGIN:
                keys.add(_key(ln.text))
                if _PAGE_NO_RE.match(ln.text.strip()):
                    numbers.add(_key(ln.text))
        for k in keys:
            seen[k] = seen.get(k, 0) + 1
    need = max(3, (len(pages) + 1) // 2)
    return numbers | {k for k, n in seen.items() if n >= need}


def _reflow(lines: list[Line]) -> str:
    if not lines:
        return ""
    gaps = [a.bottom - b.bottom for a, b in zip(lines, lines[1:]) if a.bottom - b.bottom > 0]
    pitch = statistics.median(gaps) if gaps else 0.0
    right = max(ln.x1 for ln in lines)
    out = [lines[0].text]
    for a, b in zip(lines, lines[1:]):
        gap = a.bottom - b.bottom
        if gap <= 0 or gap > pitch * 1.35:
            out.append("\n\n")  # a new paragraph (or a new column / text box)
        elif _wrapped(a, b, right):
            joins_hyphen = a.text.endswith("-") and a.text[-2:-1].isalpha() and b.text[:1].isalpha()
            out.append("" if joins_hyphen else " ")
        else:
            out.append("\n")  # a short line: the end of a list item or table row
        out.append(b.text)
    return "".join(out)


def _wrapped(a: Line, b: Line, right: float) -> bool:
    """Would the next line's first word have fitted after this line? If not, it was wrapped.
    (Widths are estimated from the line's mean character width, with room for capitals.)
    A next line that starts a list item was never wrapped."""
    if _ITEM_RE.match(b.text):
        return False
    char_w = (a.x1 - a.x0) / max(1, len(a.text))
    first = b.text.split(" ", 1)[0]
    return a.x1 + 1.5 * char_w * (len(first) + 1) >= right


def _joined(texts: list[str]) -> Document:
    """Pages in order; a sentence cut by a page break is joined again (its citation
    carries the page where it starts)."""
    out, pages = "", []
    for t in texts:
        t = tidy(t)
        if out and t:
            out += " " if _continues(out, t) else "\n\n"
        pages.append(len(out))
        out += t
    return Document(out, "pdf", tuple(pages))


def _continues(before: str, after: str) -> bool:
    """Does ``after`` go on with the sentence ``before`` ends with?

    >>> _continues("the four endpoint", "types map to"), _continues("Done.", "Next page")
    (True, False)
    """
    last = before.rstrip()[-1:]
    return bool(last) and last not in ".!?:;。！？：)]\"”" and (after[:1].islower() or last in ",-—–")
