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


TEA = """# Tea brewing notes

## Green tea

- **Green tea** is brewed with water at 75 °C for two minutes; hotter water turns the cup bitter.

## Black tea

- **Black tea** takes water just off the boil, 95 °C, and steeps for four minutes.

## Gaiwan

- The **Gaiwan** is a small lidded bowl for many short infusions; heat the water to 90 °C for oolong in it.
- A gaiwan takes 5 grams of leaf for every 100 ml of water, and each infusion is poured off after 15 seconds.

## Cold brew

- **Cold brew** steeps 10 grams of leaf in a litre of cold water in the fridge for eight hours.
"""


def test_a_follow_up_that_names_a_new_thing_and_asks_its_own_question_is_not_the_last_one_swapped(tmp_path):
    """"And with a gaiwan, how many grams …?" after a question on green tea's water asks for
    grams; swapping the gaiwan into the last question would ask for its water temperature."""
    tutor = extractive_tutor_on(tmp_path, "tea-notes.md", TEA)
    history = [{"role": "user", "content": "How hot should the water be for green tea?"}]
    for follow_up in ("And with a gaiwan, how many grams of leaf go into each 100 ml of water?",
                      "And a gaiwan takes how many grams of leaf per 100 ml of water?"):
        ans = tutor.ask(follow_up, history=history)
        assert "5 grams" in ans.answer.split("\n")[0], (follow_up, ans.answer)


def test_a_follow_up_that_names_a_new_thing_and_points_back_to_what_was_asked_is_the_last_one_swapped(tmp_path):
    """"And if we make cold brew, what do we set for that part then?" asks the last question
    (the water for green tea) of cold brew: "that part" is what was asked."""
    from studyrag.rag.followup import standalone

    tutor = extractive_tutor_on(tmp_path, "tea-notes.md", TEA)
    first = "How hot should the water be for green tea?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": tutor.ask(first).answer}]
    follow_up = "And if we make cold brew, what do we set for that part then?"
    assert standalone(follow_up, history, tutor.knowledge.catalog).text == "How hot should the water be for Cold brew?"
    ans = tutor.ask(follow_up, history=history)
    assert "cold water" in ans.answer.split("\n")[0], ans.answer


def test_a_bare_follow_up_asks_more_of_the_last_question(bread_tutor):
    """"To what temperature exactly?" names nothing and is too short to be a question of its own."""
    first = "Where do shaped loaves wait overnight?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": bread_tutor.ask(first).answer}]
    ans = bread_tutor.ask("at what temperature exactly?", history=history)
    assert not ans.refused and "4 °C" in ans.answer.splitlines()[0], ans.answer


def test_a_follow_up_asking_for_the_one_that_does_something_else_is_answered_with_a_thing(tmp_path):
    """"And the one that steeps in cold water for hours?" after a fact about the gaiwan asks for
    another thing of its kind, whatever the last question asked."""
    tutor = extractive_tutor_on(tmp_path, "tea-notes.md", TEA)
    first = "How much leaf does a gaiwan take for 100 ml of water?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": tutor.ask(first).answer}]
    ans = tutor.ask("and the one that steeps in the fridge for hours instead?", history=history)
    assert ans.answer.startswith("Answer: Cold brew"), ans.answer
