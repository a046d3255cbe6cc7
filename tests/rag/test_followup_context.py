"""A follow-up that leans on the last question ("… for that step …") while that question
names no thing of the material: the last question's words help find the passage, and the
follow-up is answered from it, not from another passage that shares its words ("temperature").

Invented sourdough notes in Markdown; answers are extractive."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """# Sourdough baking notes

## Mixing

Mix flour, water and starter until no dry flour is left. Rest the dough for 30 minutes before adding salt.

## Bulk fermentation

Fold the dough every 30 minutes during the first two hours. Bulk fermentation ends when the dough has grown by about half.

## Cold retard

Shaped loaves can wait overnight in the fridge. The cold slows the yeast while the bacteria keep making acid, so the crumb tastes sourer. Keep the fridge at 4 °C, and bake the loaves straight from the fridge.

## Baking

Preheat the oven and the Dutch oven to 250 °C for 45 minutes. Bake covered for 20 minutes, then uncovered at 230 °C for another 25 minutes.

## Storing bread

Keep the cooled loaf cut side down on a board for two days, or slice and freeze it at -18 °C for up to three months.
"""


@pytest.fixture(scope="module")
def bread_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("followup-context"), "sourdough-notes.md", NOTES)


def test_a_follow_up_is_answered_from_the_passage_the_last_question_asked_about(bread_tutor):
    history = [{"role": "user", "content": "Why do people leave shaped loaves in the fridge overnight?"}]
    ans = bread_tutor.ask("What temperature is right for that step, and do they need to warm up before baking?",
                          history=history)
    assert not ans.refused and "Keep the fridge at 4 °C" in ans.answer, ans.answer
    assert "Preheat" not in ans.answer.split("Keep the fridge at 4 °C")[0], ans.answer


def test_the_same_question_alone_is_not_pulled_to_an_earlier_topic(bread_tutor):
    ans = bread_tutor.ask("What temperature should the oven be at before baking?",
                          history=[{"role": "user", "content": "How long do I rest the dough before adding salt?"}])
    assert "250 °C" in ans.answer.split("\n")[0], ans.answer




MUSEUM = """# Museum operations

## Front desk

- The **Front desk** sells tickets and takes coats; coats not collected are held for 14 days.

## Security

- **Security** staff watch the camera feeds; camera footage is held for 31 days.
- Lost children are taken to the front desk, never to the security office.
"""


def test_a_follow_up_is_searched_with_the_last_questions_words_unless_it_asks_which(tmp_path):
    from studyrag.rag.followup import standalone

    catalog = extractive_tutor_on(tmp_path, "museum-notes.md", MUSEUM).knowledge.catalog
    first = "Who watches the camera feeds in the galleries?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": "Answer: Security [1]"}]
    leaning = standalone("And how long is its footage held?", history, catalog)
    assert leaning.referent == "Security" and leaning.context == first, leaning
    asks_a_thing = standalone("which desk are lost children taken to?", history, catalog)
    assert asks_a_thing.carried and asks_a_thing.context is None, asks_a_thing
