"""The Practice tab's service: the generated bank of the served index, grading, progress
saved per user, and its rendering (the browser round is in test_browser.py)."""

from __future__ import annotations

import pytest

from studyrag.ui import practice as pr


@pytest.fixture(scope="module")
def service(ui_server):
    return ui_server.service.practice


def test_the_bank_is_generated_from_the_served_index(service, ui_server):
    assert len(service.bank) >= 30
    assert ui_server.service.manifest()["practice_items"] == len(service.bank)
    sections = {c.section[0] for c in ui_server.service.knowledge.chunks}
    assert set(service.bank.topics()) <= sections


def test_answers_are_graded_and_saved_per_user(service):
    item = service.next_item("pat", None, [], seed=3)
    wrong = next(L for L in item.options if L != item.key)
    g = service.answer("pat", item.id, wrong)
    assert not g["correct"] and g["why_not"]
    assert service.answer("pat", item.id, item.key, record=False)["correct"]
    rows = service.store.rows("pat")
    assert [(r.topic, r.right, r.wrong, r.box) for r in rows] == [(item.topic, 0, 1, 1)]
    assert service.store.rows("someone else") == []
    with pytest.raises(ValueError):
        service.answer("pat", item.id, "Z")
    with pytest.raises(KeyError):
        service.answer("pat", "no-such-item", "A")


def test_rendering(service, ui_server):
    item = next(it for it in service.bank.items if it.why_not)
    wrong = next(iter(item.why_not))
    g = service.answer("render", item.id, wrong, record=False)
    assert item.key_text in pr.render_result(g)
    html = pr.render_explanation(ui_server.service.knowledge, g)
    assert "<mark>" in html and f"Why not {wrong}" in html
    zh = pr.render_question(item, 1, zh_stem="下列哪一項最合適？")
    assert "下列哪一項最合適？" in zh and item.stem in zh  # the English beside the Chinese
    assert "not practised yet" in pr.render_progress(service, "nobody")
