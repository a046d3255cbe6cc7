"""Which PDF / HTML library extracts a rendered guide best and fastest (docs/formats.md).

Quality: the share of the guide's sentences (25+ characters) found verbatim in the
extracted text once whitespace is collapsed. Speed: median seconds of 3 extractions.
Usage: .venv/bin/python scripts/measure_formats.py GUIDE.txt GUIDE.pdf BIG.pdf GUIDE.html
"""

import re
import statistics
import sys
import time
from pathlib import Path


def sentences(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", line.strip(" •")):
            if len(s) >= 25:
                out.append(" ".join(s.split()))
    return out


def found(sents: list[str], text: str) -> float:
    flat = " ".join(text.split())
    return sum(s in flat for s in sents) / len(sents)


def timed(fn, path, runs=3):
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn(path)
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def pypdf_text(p):
    from pypdf import PdfReader
    return "\n".join(pg.extract_text() for pg in PdfReader(p).pages)


def pdfplumber_text(p):
    import pdfplumber
    with pdfplumber.open(p) as pdf:
        return "\n".join(pg.extract_text() or "" for pg in pdf.pages)


def pymupdf_text(p):
    import pymupdf
    with pymupdf.open(p) as d:
        return "\n".join(pg.get_text() for pg in d)


def pdfium_text(p):
    import pypdfium2 as pdfium
    d = pdfium.PdfDocument(p)
    try:
        return "\n".join(d[i].get_textpage().get_text_range() for i in range(len(d)))
    finally:
        d.close()


def trafilatura_text(p):
    import trafilatura
    return trafilatura.extract(Path(p).read_text(encoding="utf-8"), include_comments=False) or ""


def selectolax_text(p):
    from selectolax.lexbor import LexborHTMLParser
    tree = LexborHTMLParser(Path(p).read_text(encoding="utf-8"))
    for n in tree.css("nav, header, footer, aside, script, style, .cookie-banner"):
        n.decompose()
    return tree.body.text(separator="\n")


def bs4_text(p):
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(Path(p).read_text(encoding="utf-8"), "lxml")
    for n in soup.select("nav, header, footer, aside, script, style, .cookie-banner"):
        n.decompose()
    return soup.body.get_text("\n")


def main(guide, pdf, big, page):
    sents = sentences(Path(guide).read_text(encoding="utf-8"))
    noise = ["rendered for testing", "All rights reserved", "We use cookies", "Related guides"]
    print(f"{len(sents)} sentences")
    for name, fn, files in [("pypdf", pypdf_text, (pdf, big)), ("pdfplumber", pdfplumber_text, (pdf, big)),
                            ("pymupdf", pymupdf_text, (pdf, big)), ("pypdfium2", pdfium_text, (pdf, big)),
                            ("trafilatura", trafilatura_text, (page,)), ("selectolax", selectolax_text, (page,)),
                            ("bs4+lxml", bs4_text, (page,))]:
        row = [name]
        for f in files:
            s, text = timed(fn, f, runs=3 if f != big else 1 if name == "pdfplumber" else 3)
            row.append(f"{Path(f).name}: {s:.3f} s, found {found(sents, text):.1%}, "
                       f"noise {sum(n in text for n in noise)}")
        print(" | ".join(row))


if __name__ == "__main__":
    main(*sys.argv[1:])
