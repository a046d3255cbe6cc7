"""A question that offers its own alternatives ("green or black tea?") is answered with one of
them, also when they share a head word said once; a follow-up that changes the last
question's situation ("what if …?") is answered by what its change points to; a label of the
family of a label the notes repeat ("**Tea trap:**" beside "**Tea tip:**") is no thing taught.

Invented notes (tea), ingested with the real embedder; extractive answers.
"""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on, lead

TEA_NOTES = """# Tea Notes

## Tea types

- **Green tea** - unoxidised leaves; steep at 70 to 80 °C, well below boiling, or the leaves turn bitter and grassy.
- **Black tea** - fully oxidised leaves; steep at 95 to 100 °C, straight off the boil, for three to five minutes.
- **Oolong** - partly oxidised leaves between green and black, rolled into balls or long twists.

**Tea tip:** warm the cup first so the tea does not cool too fast.

## Brewing methods

- **Gongfu brewing** - many short steeps of a large leaf dose in a small clay pot, tasting how the flavour changes from one steep to the next over a long session.
- **Western brewing** - one long steep of a small leaf dose in a big pot or mug, quick enough for a busy office morning.
- **Cold brewing** - leaves left in cold water in the fridge overnight, giving a sweet drink with almost no bitterness.

**Tea tip:** weigh the leaves; a spoonful of rolled oolong weighs twice a spoonful of loose black tea.

**Tea trap:** boiling water on green tea is the most common reason it tastes bitter.

## Storing tea

Keep tea in an airtight, opaque tin away from spices, because leaves soak up smells.

**Tea tip:** buy green tea in small amounts; it loses its aroma within a few months.
"""


@pytest.fixture(scope="module")
def tea(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("tea"), "tea-notes.md", TEA_NOTES)


def test_a_question_offering_two_things_is_answered_with_one_of_them(tea):
    ans = tea.ask("I want to steep it in water that is cooler than boiling, and I don't have time to "
                  "leave it in the fridge overnight. Is that green or black tea?")
    assert lead(ans).startswith("Answer: Green tea"), ans.answer


def test_a_what_if_follow_up_is_answered_by_what_its_change_points_to(tea):
    history = [{"role": "user", "content": "Which brewing method is quick enough for a mug on a busy office morning?"}]
    first = tea.ask(history[0]["content"])
    assert "Western brewing" in lead(first), first.answer
    ans = tea.ask("What if I can wait until tomorrow and want it sweet with no bitterness at all?", history=history)
    assert "Cold brewing" in lead(ans), ans.answer


def test_a_label_of_a_repeated_labels_family_is_no_thing_taught(tea):
    names = {s.name for s in tea.knowledge.catalog.services}
    assert not {"Tea tip", "Tea trap"} & names and "Gongfu brewing" in names, sorted(names)
