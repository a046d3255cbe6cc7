"""The seed guide as candidates hold it: rendered to a multi-page PDF (running header, page
footer), a saved web page (navigation, cookie banner, related links, footer) and a Word
document. Each is added to a library of its own (real readers, real MiniLM index) and asked
the same which-service and fact questions as the .txt: same accuracy within one item, every
quote equal to the stored text at [start:end], every PDF citation on the right page."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from studyrag.bench import docgen
from studyrag.eval import metrics as M
from studyrag.ingest.chunker import chunk_text
from studyrag.ingest.formats import read_document
from studyrag.ingest.library import sync
from studyrag.rag.engine import Tutor
from tests.conftest import GUIDE, REPO, make_settings

FORMATS = ["pdf", "html", "docx"]
SUITES = REPO / "eval" / "suites"


def _items(suite: str, key: str, n: int) -> list[dict]:
    rows = [json.loads(x) for x in (SUITES / f"{suite}.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    rows = [r for r in rows if r.get(key) and not r.get("refuse")]
    return [rows[(i * len(rows)) // n] for i in range(n)]


WHICH = _items("scenarios", "services", 6)
FACTS = _items("blind_c", "facts", 6)


def _score(tutor: Tutor, item: dict) -> tuple[bool, object]:
    ans = tutor.ask(item["question"])
    if item.get("facts"):
        return M.fact_recall(ans.answer, item["facts"]) >= 0.5, ans
    return M.service_correct(ans.answer, item["services"]) and not ans.refused, ans


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, guide_text):
    out = tmp_path_factory.mktemp("rendered")
    pages = docgen.render_pdf(guide_text, out / "guide.pdf")
    docgen.render_html(guide_text, out / "guide.html")
    docgen.render_docx(guide_text, out / "guide.docx")
    return {"dir": out, "pdf_pages": pages, **{f: out / f"guide.{f}" for f in FORMATS}}


@pytest.fixture(scope="module")
def tutors(rendered, index_settings, tmp_path_factory):
    """One extractive Tutor per format (a library holding only that file) and the .txt's."""
    made = {"txt": Tutor(index_settings.with_overrides(backend="none"))}
    for fmt in FORMATS:
        tmp = tmp_path_factory.mktemp(f"lib-{fmt}")
        settings = make_settings(tmp)
        report = sync(settings, {f"guide.{fmt}": rendered[fmt]}, keep_others=True, progress=False)
        assert not report.skipped and report.embedded == report.chunks > 50
        made[fmt] = Tutor(settings.with_overrides(backend="none"))
    return made


@pytest.fixture(scope="module")
def answers(tutors):
    """Every question over every format, asked once: {fmt: [(correct, Answer)]}."""
    return {fmt: [_score(t, item) for item in WHICH + FACTS] for fmt, t in tutors.items()}


# -- extraction ------------------------------------------------------------------------------
def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_paragraph_of_the_guide_survives_extraction(rendered, guide_text, fmt):
    doc = read_document(rendered[fmt], rendered[fmt].read_bytes())
    sentences = [_flat(s) for line in guide_text.splitlines() for s in re.split(r"(?<=[.!?])\s+", line.strip(" •"))
                 if len(s) >= 40 and "↗" not in s]
    flat = _flat(doc.text)
    found = sum(s in flat for s in sentences) / len(sentences)
    assert found >= 0.97, f"{fmt}: only {found:.1%} of the guide's sentences extracted verbatim"


def test_pdf_pages_are_kept_and_running_header_and_footer_left_out(rendered):
    doc = read_document(rendered["pdf"], rendered["pdf"].read_bytes())
    assert len(doc.pages) == rendered["pdf_pages"] >= 10
    assert docgen.RUNNING_HEADER not in doc.text
    assert not re.search(r"^Page \d+$", doc.text, re.M)
    chunks = chunk_text(doc.text, "guide.pdf")
    assert not any(docgen.RUNNING_HEADER in c.text or re.search(r"\bPage \d+\b", c.text) for c in chunks)


def test_html_keeps_the_article_and_drops_navigation_banner_and_footer(rendered, guide_text):
    doc = read_document(rendered["html"], rendered["html"].read_bytes())
    for noise in ["Voucher shop", "Sign in", "We use cookies", "All rights reserved", "Related guides", "dataLayer"]:
        assert noise in rendered["html"].read_text(encoding="utf-8") and noise not in guide_text
        assert noise not in doc.text


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_headings_become_the_same_sections_as_in_the_text(rendered, guide_text, fmt):
    doc = read_document(rendered[fmt], rendered[fmt].read_bytes())
    want = {c.section[:2] for c in chunk_text(guide_text, "g")}
    got = {c.section[:2] for c in chunk_text(doc.text, "g")}
    assert len(want & got) >= 0.95 * len(want), sorted(want - got)[:5]


# -- answers -----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_same_questions_same_accuracy_as_the_text(answers, fmt):
    for suite, items in (("which", WHICH), ("fact", FACTS)):
        lo = 0 if suite == "which" else len(WHICH)
        txt = sum(ok for ok, _ in answers["txt"][lo : lo + len(items)])
        other = sum(ok for ok, _ in answers[fmt][lo : lo + len(items)])
        assert abs(txt - other) <= 1, f"{fmt} {suite}: {other}/{len(items)} vs .txt {txt}/{len(items)}"
    assert sum(ok for ok, _ in answers["txt"]) >= len(WHICH + FACTS) - 3  # the baseline itself is sound


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_quote_is_the_stored_text_and_names_its_place(answers, tutors, fmt):
    k = tutors[fmt].knowledge
    cited = [c for _, ans in answers[fmt] for c in ans.citations]
    assert cited
    for c in cited:
        assert c.quote and c.quote == k.text_of(c.source)[c.start : c.end]
        assert c.section  # the heading path
        assert (c.page is not None) == (fmt == "pdf")


def test_every_pdf_citation_is_on_the_page_it_names(answers, rendered):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(rendered["pdf"]))
    pages = [_flat(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
    pdf.close()
    cited = [c for _, ans in answers["pdf"] for c in ans.citations]
    for c in cited:
        head = _flat(c.quote)[:60].rsplit(" ", 1)[0]
        assert head in pages[c.page - 1], f"{head!r} is not on page {c.page}"
    assert len({c.page for c in cited}) >= 3  # citations from across the document


def test_cli_ask_shows_file_and_page(rendered, tmp_path, monkeypatch, capsys):
    from studyrag.cli import main

    monkeypatch.chdir(tmp_path)
    shutil.copy(rendered["pdf"], tmp_path / "guide.pdf")
    assert main(["sources", "add", "guide.pdf", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["ask", "--backend", "none", "--sources", "guide.pdf", WHICH[0]["question"]]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\[1\] guide\.pdf, p\. \d+ — \S", out), out
    assert GUIDE.name not in out


def test_html_keeps_dates_and_formulas_written_in_inline_tags(tmp_path):
    """trafilatura drops a <time>'s words, keeps <sub> as raw tags and makes a caption the
    table's header row: a timeline lost its dates ("13. – Passchendaele begins") and became
    numbered things of its own."""
    items = "".join(f"<li><time datetime='1916-0{m}'>{d} 1916</time> – {what}</li>"
                    for m, d, what in [(2, "21 February", "Verdun begins"), (7, "1 July", "the Somme begins"),
                                       (9, "15 September", "tanks first used at Flers-Courcelette")])
    prose = ("<p>Oxidise the alcohol with PCC in dry CH<sub>2</sub>Cl<sub>2</sub> at room temperature, "
             "then wash with water; the yield rises about 10<sup>2</sup> fold over the old chromic acid route.</p>")
    page = (f"<html><head><title>1916 revision</title></head><body><nav>Home | Courses</nav><article>"
            f"<h1>The year 1916</h1><p>{'The war of attrition dragged on through the whole year. ' * 3}</p>"
            f"<h2>Timeline</h2><ol>{items}</ol><h2>Lab aside</h2>{prose}"
            "<table><caption>Verdun: the cost</caption><thead><tr><th></th><th>France</th><th>Germany</th></tr>"
            "</thead><tbody><tr><td>Casualties</td><td>about 377,000</td><td>about 337,000</td></tr></tbody></table>"
            "</article></body></html>")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    text = read_document(path, path.read_bytes()).text
    assert "21 February 1916 – Verdun begins" in text and "1 July 1916 – the Somme begins" in text
    assert "CH2Cl2" in text and "10^2 fold" in text and "<sub>" not in text
    # the caption introduces the table; the header row is the table's own
    assert re.search(r"Verdun: the cost\n+\| +\| France \| Germany \|", text), text[-300:]


def test_html_without_an_article_element_keeps_its_headings(tmp_path):
    """A hand-written revision page whose headings sit straight in <body> (no <article> or
    <main>): trafilatura's fallback extractor dropped every heading, and the whole page became
    one section."""
    def section(n: int, topic: str) -> str:
        points = "".join(f"<li><strong>Point {i}:</strong> {topic.lower()} keep their order when used "
                         f"with care, step {i}.</li>" for i in range(6))
        return (f"<h2>{n}. {topic}</h2><div class='def'><p><strong>{topic}</strong> are taught here with an "
                f"example of how they behave under load.</p></div><h3>{topic} in practice</h3><ul>{points}</ul>"
                f"<p>{(topic + ' come up in interviews again and again, so revise them twice. ') * 4}</p>")
    topics = ["Stacks", "Queues", "Heaps", "Tries", "Graphs", "Sorting", "Hashing", "Trees"]
    page = ("<html><head><title>Prep</title></head><body><h1>Interview prep</h1>"
            + "".join(section(n, t) for n, t in enumerate(topics, 1)) + "</body></html>")
    path = tmp_path / "prep.html"
    path.write_text(page, encoding="utf-8")
    text = read_document(path, path.read_bytes()).text
    assert [h for h in re.findall(r"(?m)^## .*$", text)] == [f"## {n}. {t}" for n, t in enumerate(topics, 1)], text[:400]
