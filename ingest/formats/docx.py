"""Word documents through python-docx: headings ('#' by level), list items ('•'), tables
(one row per line, cells joined by ' | '), paragraphs in document order.

Deliberately not handled: pages (Word lays them out only when it renders; citations carry
the heading path instead), text boxes, footnotes, tracked changes.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .base import Document, SourceError, tidy

_HEADING_RE = re.compile(r"^(?:Heading\s*(\d)|Title)$", re.I)


class DocxReader:
    format = "docx"

    def read(self, path: Path, raw: bytes) -> Document:
        import io

        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            document = docx.Document(io.BytesIO(raw))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
            raise SourceError(f"{path} is not a readable Word (.docx) file ({type(e).__name__}); "
                              "re-save it as .docx") from None
        blocks: list[str] = []
        last = ""
        for item in document.iter_inner_content():
            kind, text = _block(item)
            if not text.strip():
                continue
            if kind == last == "item":
                blocks[-1] += "\n" + text  # consecutive list items form one list
            else:
                blocks.append(text)
            last = kind
        text = tidy("\n\n".join(blocks))
        if not text:
            raise SourceError(f"{path} has no text; add text to it or remove it")
        return Document(text, "docx")


def _block(item) -> tuple[str, str]:
    from docx.table import Table

    if isinstance(item, Table):
        rows = [" | ".join(dict.fromkeys(c.text.strip() for c in row.cells)) for row in item.rows]
        return "table", "\n".join(r for r in rows if r.strip())
    style = (item.style.name if item.style is not None else "") or ""
    m = _HEADING_RE.match(style)
    if m:
        return "heading", "#" * int(m.group(1) or 1) + " " + " ".join(item.text.split())
    if style.lower().startswith("list") or item._p.pPr is not None and item._p.pPr.numPr is not None:
        return "item", "• " + " ".join(item.text.split())
    return "para", item.text
