"""Notes whose '###' headings sit right above their lists, and a conversation about them.

A small invented Markdown text (beekeeping course notes) is ingested with the real embedder;
answers are extractive (deciding does not depend on the model)."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

BEE_NOTES = """# Beekeeping — Course Notes

> My notes from the weekend course. ⚠ = things I got wrong in the quiz.

## 1. Hive types
### Langstroth hive
- Vertical boxes with removable wooden frames that hang side by side.
- Extra boxes called supers go on top as the colony grows.
### Top-bar hive
- One long horizontal box; the bees hang their comb from wooden bars across the top.
- There are no frames, so honey is harvested by cutting the comb away.
### Warré hive
- A narrow vertical stack; new boxes are slid in underneath rather than on top.

## 2. Pests
### Varroa mite
- A reddish parasite that feeds on the larvae and spreads deformed wing virus, so young bees emerge with crumpled wings.
- Count them with a sugar roll: more than 3 mites per 100 bees means the colony needs help now.
- Oxalic acid in midwinter, while the colony is broodless, is the standard treatment.
### Wax moth
- Its larvae tunnel through comb kept in storage and leave silky webbing behind.
- Freezing stored frames for 48 hours kills the eggs.

## 3. Harvest
- Take honey only from frames that are at least 80% capped with wax.
- A refractometer reading above 18.6% water means the honey may ferment.
"""


@pytest.fixture(scope="module")
def bee_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("bees"), "bee-notes.md", BEE_NOTES)


def test_a_heading_right_above_its_list_is_the_lists_section(bee_tutor):
    def section_of(words):
        return next(c.section for c in bee_tutor.knowledge.chunks if words in c.text)

    assert section_of("Its larvae tunnel") == ("2. Pests", "Wax moth")
    assert section_of("removable wooden frames") == ("1. Hive types", "Langstroth hive")
    assert not any("###" in c.text for c in bee_tutor.knowledge.chunks)


def test_a_thing_taught_under_its_own_heading_answers_a_which_question(bee_tutor):
    ans = bee_tutor.ask("Several young bees came out with crumpled wings and I spotted small reddish "
                        "parasites on the brood. What pest am I dealing with?")
    assert ans.answer.splitlines()[0].startswith("Answer: Varroa mite"), ans.answer


def test_a_follow_up_that_names_nothing_keeps_the_last_turns_topic(bee_tutor):
    history = [{"role": "user", "content": "What does the varroa mite do to a colony?"},
               {"role": "assistant", "content": "It feeds on the larvae and spreads deformed wing virus. [1]"}]
    follow_up = "How do I check how bad the infestation is?"
    assert bee_tutor.ask(follow_up).refused  # alone it says nothing the notes could answer
    ans = bee_tutor.ask(follow_up, history=history)
    assert not ans.refused and ans.citations[0].section.endswith("Varroa mite"), ans.answer


def test_an_off_topic_follow_up_is_still_refused(bee_tutor):
    history = [{"role": "user", "content": "What does the varroa mite do to a colony?"},
               {"role": "assistant", "content": "It feeds on the larvae and spreads deformed wing virus. [1]"}]
    assert bee_tutor.ask("What is the capital of Australia?", history=history).refused


def test_a_which_follow_up_pointing_back_is_not_answered_with_what_it_points_to(bee_tutor):
    history = [{"role": "user", "content": "What does a Langstroth hive look like?"},
               {"role": "assistant", "content": "Answer: Langstroth hive [1]"}]
    ans = bee_tutor.ask("Which hive differs from it by getting new boxes slid in underneath?",
                        history=history)
    assert ans.answer.splitlines()[0].startswith("Answer: Warré hive"), ans.answer


def test_two_sides_the_notes_have_no_name_for_are_compared_by_their_words(bee_tutor):
    ans = bee_tutor.ask("Oxalic acid or freezing — which one deals with wax moth, and why?")
    assert ans.kind == "compare", ans.answer
    assert "Oxalic acid in midwinter" in ans.answer and "Freezing stored frames" in ans.answer, ans.answer



def test_the_answer_label_is_no_referent_and_a_new_question_is_no_swap(bee_tutor):
    """The last answer's "Answer:" label names nothing, even in notes that teach a thing called
    "Answers"; a follow-up that names a thing and asks a question of its own is not read as the
    last question with that name put in."""
    from studyrag.rag.catalog import Catalog, Service
    from studyrag.rag.followup import standalone

    catalog = Catalog([Service("Answers", "answer", True, {"Answers"}),
                       Service("Top-bar hive", "top-bar hive", True, {"Top-bar hive"})])
    history = [{"role": "user", "content": "Which hive has no frames at all?"},
               {"role": "assistant", "content": "Answer: Top-bar hive [1]"}]
    assert standalone("how do I harvest honey from it?", history, catalog).referent == "Top-bar hive"
    catalog = bee_tutor.knowledge.catalog
    history = [{"role": "user", "content": "How do I treat the Varroa mite?"}]
    own = "so how long must frames with Wax moth stay in the freezer?"
    assert standalone(own, history, catalog).text != "How do I treat the Wax moth?"
