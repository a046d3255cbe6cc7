"""Chinese questions are read with a dictionary, not a model's translation.

- The reading keeps the question's terms (蚜蟲 is an aphid, 象鼻蟲 a weevil) and its English
  names as written, and cuts the text into the words a dictionary knows.
- A Chinese question is answered with no translation model at all: the lead is decided from
  the reading and the material, so it does not wait for a model.
- A comparison asked in Taiwanese colloquial Chinese ("差在哪") is answered as one.

A small invented study note (garden pest control, Markdown) is ingested with the real
embedder; answers are extractive."""

from __future__ import annotations

import pytest

from studyrag.rag.gloss import gloss
from studyrag.rag.question import parse

from .conftest import extractive_tutor_on

PEST_NOTES = """# Garden Pest Control Notes

Organic growers control pests with living predators, barriers and mild sprays before any
synthetic pesticide. Each method below suits certain pests and certain seasons.

## Ladybirds

Ladybirds are beetles whose larvae eat aphids. Release them in late spring, when aphids
cluster on new shoots of roses and beans; one larva eats about fifty aphids a day.
Ladybirds fly off if there is nothing to eat, so release them only once aphids are present.

## Lacewings

Lacewing larvae eat aphids, thrips and mealybugs in greenhouses. They are sold as eggs on
cards that are hung among the plants, and they need temperatures above 12 °C.

## Nematodes

Nematodes are microscopic worms sold as a powder and watered into moist soil. They enter and
kill vine weevil larvae in pots, and a second species kills slugs under the surface.
Soil must stay above 5 °C for two weeks after watering them in.

## Copper tape

Copper tape stuck around a pot gives slugs and snails a small electric jolt, so they turn back.
It does nothing against insects that fly in, and it must be cleaned when it tarnishes.

## Neem oil

Neem oil is sprayed on leaves to smother whitefly and spider mites. It harms bees if it is
sprayed on open flowers, so spray it in the evening.

## Fleece and netting

Fine mesh netting over brassicas keeps cabbage white butterflies from laying eggs, and
horticultural fleece keeps carrot fly off carrots when it covers the rows from sowing.

## Companion planting

Marigolds planted between tomatoes draw whitefly away; nasturtiums act as a sacrificial crop
that blackfly prefer to beans.

## Comparing controls

| Control | Pest | When |
|---|---|---|
| Ladybirds | aphids | late spring |
| Nematodes | vine weevil larvae, slugs | spring and autumn |
| Copper tape | slugs, snails | all year |
| Netting | cabbage white caterpillars | summer |
"""


@pytest.fixture(scope="module")
def pest_tutor(tmp_path_factory):
    tutor = extractive_tutor_on(tmp_path_factory.mktemp("pests"), "garden-pest-notes.md", PEST_NOTES)
    # No translation model: a Chinese question must not need one.
    tutor.settings = tutor.settings.with_overrides(translate_model="srtest-no-such-translator")
    return tutor


def test_the_reading_keeps_terms_and_english_names():
    reading = gloss("土裡的象鼻蟲幼蟲要用 Nematodes 還是 copper tape？")
    assert "weevil" in reading and "larva" in reading, reading
    assert "Nematodes" in reading and "copper tape" in reading, reading


def test_a_chinese_which_question_is_answered_without_a_model(pest_tutor):
    ans = pest_tutor.ask("玫瑰新芽上長滿了蚜蟲，想用生物防治，應該放哪一種昆蟲？")
    assert ans.services[:1] == ["Ladybirds"], ans.answer
    assert "aphid" in (ans.english or "") or "greenfly" in (ans.english or ""), ans.english


def test_a_colloquial_chinese_comparison_is_a_comparison(pest_tutor):
    assert parse("瓢蟲跟線蟲到底差在哪？").kind(2) == "compare"
    ans = pest_tutor.ask("Ladybirds 跟 Nematodes 到底差在哪？")
    assert ans.kind == "compare", ans.answer
    assert {"Ladybirds", "Nematodes"} <= set(ans.services), ans.answer


def test_simplified_chinese_is_read_like_traditional():
    """The readings the product keeps for Taiwanese words (埠 = port) also serve a question in
    Simplified characters, written as in Taiwan first (OpenCC s2twp: 端口 → 埠)."""
    assert gloss("数据库的默认端口是多少？") == gloss("資料庫的預設埠是多少？")
    assert "port" in gloss("数据库的默认端口是多少？")
