"""The web app's library: add a PDF and answer from it at once (no restart), pick sources per
question, "file, p. N" in the sources panel, and a bad upload shown as a notice with the
library unchanged. A private library and server (uploads must not touch the session index)."""

from __future__ import annotations

import re
import shutil

import pytest

from studyrag.bench import docgen
from studyrag.ingest.pipeline import ingest
from studyrag.ingest.sources import SourceError
from tests.conftest import GUIDE, make_settings

from .conftest import free_port, wait_http

QUESTION = ("A retail company must label 300,000 product images before training a custom classifier. "
            "Which AWS service should they use?")


@pytest.fixture(scope="module")
def files(tmp_path_factory, guide_text):
    tmp = tmp_path_factory.mktemp("uploads")
    docgen.render_pdf(guide_text, tmp / "guide.pdf")
    docgen.scanned_pdf(tmp / "scan.pdf")
    return tmp


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    pytest.importorskip("gradio")
    from studyrag.ui.app import UIService

    tmp = tmp_path_factory.mktemp("ui-library")
    (tmp / "data").mkdir()
    shutil.copy(GUIDE, tmp / "data" / GUIDE.name)
    settings = make_settings(tmp, backend="none")
    ingest(settings, progress=False)
    return UIService(settings, feedback_path=tmp / "feedback.sqlite3")


def test_a_bad_upload_leaves_the_library_and_the_loaded_index_as_they_were(service, files):
    from studyrag.ui.sources import add_files

    knowledge, manifest = service.knowledge, service.manifest()
    with pytest.raises(SourceError, match="scan.pdf: no text layer: OCR is not supported; export the text first"):
        add_files(service, [files / "scan.pdf"])
    assert service.knowledge is knowledge and service.manifest() == manifest


def test_an_added_pdf_answers_at_once_and_the_picker_restricts_questions(service, files):
    from studyrag.ui.sources import add_files, choices, picked_cfg

    line = add_files(service, [files / "guide.pdf"])
    assert line.startswith("✅ added guide.pdf")
    assert [name for _, name in choices(service)] == ["guide.pdf", GUIDE.name]
    cfg = picked_cfg(service.default_cfg, ["guide.pdf"], [GUIDE.name, "guide.pdf"])
    ans = service.ask(QUESTION, cfg=cfg)
    assert "Ground Truth" in ans["answer"] and ans["citations"]
    assert {c["source"] for c in ans["citations"]} == {"guide.pdf"} and all(c["page"] for c in ans["citations"])
    only_txt = service.ask(QUESTION, cfg=picked_cfg(service.default_cfg, [GUIDE.name], [GUIDE.name, "guide.pdf"]))
    assert {c["source"] for c in only_txt["citations"]} == {GUIDE.name}
    assert all(c["page"] is None for c in only_txt["citations"])


@pytest.mark.slow
def test_upload_pick_and_ask_in_the_browser(browser, service, files, artifacts_dir):
    from selenium.webdriver.common.by import By

    from studyrag.ui.app import build_app, launch

    from .test_browser import answer_done, ask, last_bot_message, open_app, wait

    demo = build_app(service)
    port = free_port()
    launch(demo, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    wait_http(url)
    try:
        d = browser
        open_app(d, url)
        status = d.find_element(By.CSS_SELECTOR, "#sr-sources-status")

        # A scanned PDF: a visible notice, nothing added.
        d.find_element(By.CSS_SELECTOR, "#sr-upload input[type=file]").send_keys(str(files / "scan.pdf"))
        wait(d, lambda d: "scan" in d.find_element(By.CSS_SELECTOR, "#sr-upload").text, what="the upload")
        d.find_element(By.CSS_SELECTOR, "#sr-add-sources").click()
        wait(d, lambda d: "Not added" in status.text, what="the bad-file notice")
        assert "no text layer" in status.text and "unchanged" in status.text

        # The rendered guide PDF, added from a fresh page (maybe already in the library).
        d.refresh()
        open_app(d, url)
        status = d.find_element(By.CSS_SELECTOR, "#sr-sources-status")
        d.find_element(By.CSS_SELECTOR, "#sr-upload input[type=file]").send_keys(str(files / "guide.pdf"))
        wait(d, lambda d: "guide" in d.find_element(By.CSS_SELECTOR, "#sr-upload").text, what="the upload")
        d.find_element(By.CSS_SELECTOR, "#sr-add-sources").click()
        wait(d, lambda d: "✅" in status.text, timeout=300, what="the PDF added")
        labels = lambda: {lb.text.split(" — ")[0]: lb for lb in  # noqa: E731
                          d.find_elements(By.CSS_SELECTOR, "#sr-source-picker label")}
        wait(d, lambda d: {"guide.pdf", GUIDE.name} <= set(labels()), what="the picker to list the PDF")
        labels()[GUIDE.name].click()  # untick the .txt: only the PDF may answer
        ask(d, QUESTION)
        wait(d, answer_done, what="the answer from the PDF")
        assert "Ground Truth" in last_bot_message(d).text
        places = [el.text for el in d.find_elements(By.CSS_SELECTOR, "#sr-sources details[open] .sr-src-file")]
        assert places and all(re.match(r"guide\.pdf, p\. \d+ · characters", p) for p in places), places
        d.save_screenshot(str(artifacts_dir / "ui-sources-pdf.png"))
    finally:
        demo.close()
