"""Practice shown in Traditional Chinese: the model's Simplified slips are converted (OpenCC
s2twp) and the English citation stays beside the translation."""

from __future__ import annotations

import pytest

from studyrag.study.zh import ChineseView


def test_a_simplified_slip_is_shown_in_traditional(bank, index_settings, tmp_path):
    """A scripted translator stands in for the model's draft: 因为/这个/训练 are its slips."""
    settings = index_settings.with_overrides(work_dir=tmp_path / "work")
    item = next(it for it in bank.items if it.kind == "which" and not any(ch.isdigit() for ch in it.stem))
    view = ChineseView(settings, translate=lambda en: "因为这个服务可以帮助你训练模型")
    shown = view.item(item)
    assert "因為這個服務可以幫助你訓練模型" in shown["stem"] and "因为" not in shown["stem"]
    assert shown["stem"].startswith("下列哪一項") or "下列哪一項" in shown["stem"]
    assert shown["stem_en"] == item.stem and shown["cited_en"] == item.cited.text
    assert shown["options"] == item.options  # names, terms and values stay as the material writes them
    why = next(iter(item.why_not.values()))  # the frame in Chinese, the material's words as written
    assert view.text(why).endswith("」。") and "不適合" in view.text(why)
    # Cached in the work dir: a new view answers without translating again.
    again = ChineseView(settings, translate=lambda en: pytest.fail("translated twice"))
    assert again.text(item.stem) == shown["stem"]


@pytest.mark.slow
def test_the_local_model_translation_has_no_simplified_left(bank, index_settings, tmp_path):
    from studyrag.rag.chinese import to_traditional
    from studyrag.rag.llms.models import DEFAULT_MODEL, MODELS

    settings = index_settings.with_overrides(work_dir=tmp_path / "work")
    m = MODELS.get(settings.translate_model) or MODELS[DEFAULT_MODEL]
    if not m.installed():
        pytest.skip(f"translation model {m.name} is not installed")
    item = next(it for it in bank.items if it.kind == "which")
    text = ChineseView(settings).text(item.stem)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    assert to_traditional(text) == text  # nothing Simplified left


def test_flashcards_in_chinese_beside_the_english(tutor, index_settings, tmp_path):
    import csv

    from studyrag.study.flashcards import cards, write

    deck = cards(tutor.knowledge)[:3]
    view = ChineseView(index_settings.with_overrides(work_dir=tmp_path / "work"),
                       translate=lambda en: "这个服务因为成本低" if "9" not in en else "这个服务节省 10%")
    chinese = {c.text: view.sentence(c.cited.text) for c in deck}
    out = write(deck, tmp_path / "cards.csv", "deck", chinese=chinese)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    for row, card in zip(rows, deck):
        assert row["sentence"] == card.cited.text  # the English citation stays
        if any(ch.isdigit() for ch in card.cited.text):
            continue
        assert row["chinese"] == "這個服務因為成本低"
    other = ChineseView(index_settings.with_overrides(work_dir=tmp_path / "w2"),
                        translate=lambda en: "节省 10%" if "90" in en else "防火墙测试")
    assert other.sentence("It saves up to 90 percent.") == ""  # a changed number: no Chinese
    assert other.sentence("Use Shadow Testing.", keep=("Shadow Testing",)) == ""  # a lost name: none either
