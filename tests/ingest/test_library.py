"""`studyrag sources add|list|remove`: incremental (only new or changed files are embedded,
the others keep their vectors bit for bit), atomic, and every bad file (encrypted PDF,
scanned PDF, corrupt or empty file, unknown extension, 1,000-page PDF) is one clear line,
a non-zero exit and a library exactly as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from studyrag.cli import main
from studyrag.bench import docgen
from studyrag.index.stores.faiss_store import FaissStore
from tests.conftest import make_settings

from ._guides import BEDROCK_GUIDE, TINY_GUIDE


pytestmark = pytest.mark.usefixtures("isolated_cli")


def sources(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["sources", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def state(tmp_path: Path) -> tuple[str, str]:
    """What a reader of the library sees: the index link and its manifest."""
    link = tmp_path / ".studyrag" / "index"
    return os.readlink(link), (link / "manifest.json").read_text(encoding="utf-8")


def vectors_of(settings, source: str) -> np.ndarray:
    idx = FaissStore(settings).open()
    rows = [i for i, c in enumerate(idx.chunks) if c.source == source]
    return np.stack([idx._index.reconstruct(r) for r in rows])


@pytest.fixture
def library(tmp_path, capsys):
    """A library with two notes files, built through the CLI."""
    (tmp_path / "bedrock.txt").write_text(BEDROCK_GUIDE, encoding="utf-8")
    (tmp_path / "tiny.md").write_text(TINY_GUIDE, encoding="utf-8")
    code, out, err = sources(capsys, "add", "bedrock.txt", "tiny.md", "--quiet")
    assert code == 0 and "added bedrock.txt, tiny.md" in out, err
    return make_settings(tmp_path, data_dir=tmp_path, work_dir=tmp_path / ".studyrag")


def test_list_shows_name_format_pages_chunks_added_at_and_sha256(library, tmp_path, capsys):
    docgen.render_pdf(BEDROCK_GUIDE * 3, tmp_path / "deck.pdf")
    assert sources(capsys, "add", "deck.pdf", "--quiet")[0] == 0
    code, out, _ = sources(capsys, "list", "--json")
    rows = {r["name"]: r for r in map(json.loads, out.splitlines())}
    assert code == 0 and set(rows) == {"bedrock.txt", "tiny.md", "deck.pdf"}
    assert rows["deck.pdf"]["format"] == "pdf" and rows["deck.pdf"]["pages"] >= 2
    assert rows["tiny.md"]["format"] == "markdown" and rows["tiny.md"]["pages"] is None
    import hashlib

    assert rows["deck.pdf"]["sha256"] == hashlib.sha256((tmp_path / "deck.pdf").read_bytes()).hexdigest()
    assert all(r["chunks"] > 0 and r["added_at"].startswith("20") for r in rows.values())
    table = sources(capsys, "list")[1]
    assert table.splitlines()[0].split() == ["name", "format", "pages", "chunks", "added", "at", "sha256"]


def test_adding_embeds_only_the_new_file_and_keeps_the_others_vectors(library, tmp_path):
    from studyrag.ingest.library import files_of, sync

    before = vectors_of(library, "bedrock.txt")
    made: dict = {}
    (tmp_path / "extra.md").write_text("# Extra\n\n" + "Bedrock agents call tools on your behalf. " * 12,
                                       encoding="utf-8")
    settings = library
    report = sync(settings, files_of([tmp_path / "extra.md"]), keep_others=True, progress=False,
                  embed=lambda chunks: _counted(made, chunks))
    assert report.added == ["extra.md"] and report.embedded == made["texts"] == report.manifest.sources[1].chunks
    assert np.array_equal(vectors_of(library, "bedrock.txt"), before)
    again = sync(settings, files_of([tmp_path / "extra.md"]), keep_others=True, progress=False,
                 embed=lambda chunks: pytest.fail("an unchanged file was embedded again"))
    assert again.skipped


def _counted(made: dict, chunks) -> np.ndarray:
    from studyrag.index.embedders import get_embedder
    from studyrag.ingest.pipeline import embed_chunks

    made["texts"] = made.get("texts", 0) + len(chunks)
    return embed_chunks(get_embedder("minilm"), chunks, progress=False)


def test_a_changed_file_is_updated_and_remove_leaves_the_others_untouched(library, tmp_path, capsys):
    tiny = vectors_of(library, "tiny.md")
    (tmp_path / "bedrock.txt").write_text(BEDROCK_GUIDE.replace("Vol. II", "Vol. III"), encoding="utf-8")
    code, out, _ = sources(capsys, "add", "bedrock.txt", "--quiet")
    assert code == 0 and "updated bedrock.txt" in out
    assert np.array_equal(vectors_of(library, "tiny.md"), tiny)
    code, out, _ = sources(capsys, "remove", "bedrock.txt")
    assert code == 0 and "Removed bedrock.txt" in out
    idx = FaissStore(library).open()
    assert {c.source for c in idx.chunks} == {"tiny.md"} and set(idx.texts) == {"tiny.md"}
    assert np.array_equal(vectors_of(library, "tiny.md"), tiny)


def test_remove_an_unknown_name_or_the_last_source_is_refused(library, capsys):
    before = state(library.work_dir.parent)
    code, _, err = sources(capsys, "remove", "nope.pdf")
    assert code == 2 and "no source named nope.pdf" in err and len(err.strip().splitlines()) == 1
    assert sources(capsys, "remove", "bedrock.txt")[0] == 0
    code, _, err = sources(capsys, "remove", "tiny.md")
    assert code == 2 and "empty" in err
    assert state(library.work_dir.parent) != before  # only the one real removal happened


def _bad(tmp: Path, case: str) -> tuple[Path, str]:
    if case == "encrypted":
        docgen.encrypted_pdf(tmp / "locked.pdf")
        return tmp / "locked.pdf", "encrypted (password-protected)"
    if case == "scanned":
        docgen.scanned_pdf(tmp / "scan.pdf")
        return tmp / "scan.pdf", "no text layer: OCR is not supported; export the text first"
    if case == "corrupt-pdf":
        (tmp / "broken.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
        return tmp / "broken.pdf", "is not a readable PDF"
    if case == "corrupt-docx":
        (tmp / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip archive")
        return tmp / "broken.docx", "is not a readable Word (.docx) file"
    if case == "empty":
        (tmp / "empty.pdf").write_bytes(b"")
        return tmp / "empty.pdf", "is empty"
    if case == "no-content-html":
        (tmp / "app.html").write_text("<html><body><div id=root></div><script>render()</script></body></html>")
        return tmp / "app.html", "no main text"
    if case == "unknown-extension":
        (tmp / "notes.pages").write_bytes(b"binary keynote notes")
        return tmp / "notes.pages", "unknown format '.pages'; studyrag reads .docx, .htm, .html, .md, .pdf, .txt"
    if case == "1000-pages":
        docgen.blank_pages_pdf(tmp / "manual.pdf", 1000)
        return tmp / "manual.pdf", "has 1,000 pages; studyrag reads PDFs of up to"
    raise AssertionError(case)


BAD = ["encrypted", "scanned", "corrupt-pdf", "corrupt-docx", "empty", "no-content-html", "unknown-extension",
       "1000-pages"]


@pytest.mark.parametrize("case", BAD)
def test_a_bad_file_is_one_line_a_nonzero_exit_and_the_library_unchanged(library, tmp_path, capsys, case):
    path, expected = _bad(tmp_path, case)
    before = state(tmp_path)
    code, out, err = sources(capsys, "add", str(path), "--quiet")
    lines = err.strip().splitlines()
    assert code != 0 and len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("studyrag sources add: error: ") and path.name in lines[0]
    assert expected in lines[0]
    assert state(tmp_path) == before


def test_one_bad_file_among_good_ones_adds_none_of_them(library, tmp_path, capsys):
    docgen.scanned_pdf(tmp_path / "scan.pdf")
    (tmp_path / "good.md").write_text(TINY_GUIDE.replace("Bedrock", "Comprehend"), encoding="utf-8")
    before = state(tmp_path)
    code, _, err = sources(capsys, "add", "good.md", "scan.pdf", "--quiet")
    assert code == 2 and "scan.pdf" in err and "OCR" in err
    assert state(tmp_path) == before


def test_a_pdf_whose_owner_password_only_restricts_printing_is_read(tmp_path):
    """Encrypted with an empty user password: any viewer opens it, so studyrag does too."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    from studyrag.ingest.formats import read_document

    c = canvas.Canvas(str(tmp_path / "r.pdf"), encrypt=StandardEncryption("", "owner", canPrint=0))
    c.drawString(72, 760, "Amazon SageMaker Canvas is the no-code option for business analysts.")
    c.showPage()
    c.save()
    doc = read_document(tmp_path / "r.pdf", (tmp_path / "r.pdf").read_bytes())
    assert "no-code option for business analysts" in doc.text and doc.pages == (0,)


def test_bench_ingest_per_format_runs_the_real_ingest(tmp_path, capsys):
    """`studyrag bench ingest --formats`: one fresh process per run, one row group per format."""
    from studyrag.bench.formats import _long_pdf

    assert _long_pdf(BEDROCK_GUIDE, tmp_path / "long.pdf", 12) == 12
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "g.txt").write_text(BEDROCK_GUIDE, encoding="utf-8")
    code = main(["bench", "ingest", "--formats", "txt,docx", "--runs", "1", "--json", "--source", "data"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["bench"] == "ingest --formats"
    med = result["median"]
    assert med["txt_chunks_per_s"] > 0 and med["docx_peak_rss_mib"] > 50
    assert result["config"]["txt_chunks"] > 0 and result["config"]["docx_chunks"] > 0


def test_ingest_adds_the_data_folder_and_keeps_sources_added_from_elsewhere(library, tmp_path, capsys):
    """`studyrag ingest` is `sources add DATA_DIR`; a --rebuild re-embeds a source whose file
    is gone from its stored text."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "course.md").write_text(TINY_GUIDE.replace("Bedrock", "Comprehend"), encoding="utf-8")
    (tmp_path / "tiny.md").unlink()  # added earlier; its file is gone now
    assert main(["ingest", "--source", str(data), "--quiet"]) == 0
    names = {s.path for s in FaissStore(library).read_manifest().sources}
    assert names == {"bedrock.txt", "tiny.md", "course.md"}
    tiny_text = FaissStore(library).open().texts["tiny.md"]
    assert main(["ingest", "--source", str(data), "--quiet", "--rebuild"]) == 0
    idx = FaissStore(library).open()
    assert {s.path for s in idx.manifest.sources} == names and idx.texts["tiny.md"] == tiny_text
    assert sum(c.source == "tiny.md" for c in idx.chunks) == idx.manifest.sources[2].chunks > 0
