"""Render a plain-text guide as the files candidates hold: a multi-page PDF, a saved web page
with navigation and footer noise, a Word document. Used by the format tests and by
`studyrag bench ingest --formats`; nothing here knows what a particular guide says.

The text's own structure is kept: each run of non-blank lines (a paragraph, a bullet list,
a flattened table) becomes one paragraph with its line breaks, and a short standalone line
followed by text becomes a heading. Needs the dev extra (reportlab, python-docx).

    >>> blocks_of("Title\\n\\nA paragraph.\\n  • one\\n  • two\\n")
    [['Title'], ['A paragraph.', '  • one', '  • two']]
"""

from __future__ import annotations

import html
import re
from pathlib import Path

BULLET_RE = re.compile(r"^\s*•\s*")
NUMBERED_RE = re.compile(r"^\s*\d{1,2}\.\s+")
CJK_RE = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+")
RUNNING_HEADER = "Study Guide · rendered for testing"
NAV_LINKS = ["Home", "Exam catalogue", "Study guides", "Voucher shop", "Sign in"]


def blocks_of(text: str) -> list[list[str]]:
    """Runs of non-blank lines, in order."""
    out: list[list[str]] = []
    cur: list[str] = []
    for line in text.splitlines():
        if line.strip():
            cur.append(line.rstrip())
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def _is_heading(block: list[str], nxt: list[str] | None) -> bool:
    from studyrag.ingest.chunker import looks_like_heading

    return len(block) == 1 and nxt is not None and looks_like_heading(block[0])


def _cjk_markup(line: str, cjk_font: str) -> str:
    """Escape for reportlab's mini-HTML; CJK runs in a CID font that can draw them."""
    parts, pos = [], 0
    for m in CJK_RE.finditer(line):
        parts.append(html.escape(line[pos : m.start()], quote=False))
        parts.append(f'<font name="{cjk_font}">{html.escape(m.group(), quote=False)}</font>')
        pos = m.end()
    parts.append(html.escape(line[pos:], quote=False))
    return "".join(parts)


def render_pdf(text: str, out: Path, *, header: str = RUNNING_HEADER, title: str = "guide",
               font_size: float = 10.0, repeat: int = 1) -> int:
    """Write ``text`` as a PDF with a running header and a "Page N" footer on every page;
    ``repeat`` > 1 writes it that many times, as parts ("Part 2 — <heading>"). Returns pages.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    cjk = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(cjk))
    styles = getSampleStyleSheet()
    body = ParagraphStyle("b", parent=styles["BodyText"], fontSize=font_size, leading=font_size * 1.3,
                          spaceAfter=font_size * 0.6)
    head = ParagraphStyle("h", parent=styles["Heading2"], fontSize=font_size * 1.3)
    story = []
    blocks = blocks_of(text)
    for part in range(repeat):
        for i, b in enumerate(blocks):
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            lines = [_cjk_markup(x, cjk) for x in b]
            if _is_heading(b, nxt):
                label = lines[0] if part == 0 else f"Part {part + 1} — {lines[0]}"
                story.append(Paragraph(label, head))
            else:
                story.append(Paragraph("<br/>".join(lines), body))

    def page_marks(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        w, h = A4
        canvas.drawString(doc.leftMargin, h - 40, header)
        canvas.drawRightString(w - doc.rightMargin, 30, f"Page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(str(out), pagesize=A4, title=title, author="studyrag tests")
    doc.build(story, onFirstPage=page_marks, onLaterPages=page_marks)
    return doc.page


def render_html(text: str, out: Path, *, title: str = "Study guide") -> None:
    """A saved web page: <nav>, a cookie banner, the guide in <article>, a <footer>."""
    e = lambda s: html.escape(s, quote=False)  # noqa: E731
    blocks = blocks_of(text)
    body = []
    for i, b in enumerate(blocks):
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if _is_heading(b, nxt):
            body.append(f"<h2>{e(b[0])}</h2>")
        elif all(BULLET_RE.match(x) for x in b) or all(NUMBERED_RE.match(x) for x in b):
            tag = "ul" if BULLET_RE.match(b[0]) else "ol"
            items = "".join(f"<li>{e(NUMBERED_RE.sub('', BULLET_RE.sub('', x)))}</li>" for x in b)
            body.append(f"<{tag}>{items}</{tag}>")
        elif len(b) >= 3:  # a flattened table in the text: a table on the page
            rows = "".join(f"<tr><td>{e(x)}</td></tr>" for x in b)
            body.append(f"<table>{rows}</table>")
        else:
            body.append("<p>" + "<br>\n".join(e(x) for x in b) + "</p>")
    nav = "".join(f'<li><a href="/{x.lower().replace(" ", "-")}">{e(x)}</a></li>' for x in NAV_LINKS)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>body{{font-family:sans-serif}} nav li{{display:inline}}</style>
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
</head><body>
<header><nav><ul>{nav}</ul></nav></header>
<div class="cookie-banner">We use cookies to improve your experience. <a href="/privacy">Privacy policy</a></div>
<main><article>
{chr(10).join(body)}
</article>
<aside class="related"><h3>Related guides</h3><ul><li><a href="/g/1">Another guide</a></li></ul></aside>
</main>
<footer><p>© 2026 Example Study Site. All rights reserved.</p><p><a href="/terms">Terms</a> · <a href="/contact">Contact</a></p></footer>
</body></html>
"""
    out.write_text(page, encoding="utf-8")


def render_docx(text: str, out: Path) -> None:
    """A Word document: headings as Heading 2, bullet lines as List Bullet, the rest as
    paragraphs (a multi-line block keeps its line breaks)."""
    import docx

    d = docx.Document()
    blocks = blocks_of(text)
    for i, b in enumerate(blocks):
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if _is_heading(b, nxt):
            d.add_heading(b[0], level=2)
        elif all(BULLET_RE.match(x) for x in b):
            for x in b:
                d.add_paragraph(BULLET_RE.sub("", x), style="List Bullet")
        else:
            p = d.add_paragraph()
            for j, x in enumerate(b):
                run = p.add_run(x)
                if j + 1 < len(b):
                    run.add_break()
    d.save(str(out))


# -- bad files ------------------------------------------------------------------------------
def encrypted_pdf(out: Path, password: str = "secret") -> None:
    """A PDF that opens only with a password."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(out), pagesize=A4, encrypt=StandardEncryption(password, password + "-owner"))
    c.drawString(72, 760, "Confidential study notes: SageMaker Ground Truth labels data.")
    c.showPage()
    c.save()


def scanned_pdf(out: Path, pages: int = 2) -> None:
    """Pages that are only pictures (drawn shapes), no text layer: what a scanner makes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(out), pagesize=A4)
    for n in range(pages):
        for row in range(40):
            c.rect(60, 760 - row * 16, 300 + (row * 37 + n * 11) % 170, 6, fill=1, stroke=0)
        c.showPage()
    c.save()


def blank_pages_pdf(out: Path, pages: int) -> None:
    """A PDF of ``pages`` pages, each with one short line (cheap to make at 1,000 pages)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(out), pagesize=A4)
    for n in range(pages):
        c.drawString(72, 760, f"Section {n + 1}: a page of a very long manual.")
        c.showPage()
    c.save()
