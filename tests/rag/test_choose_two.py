"""A "Choose two" item whose two answers the material names together in one sentence, while
each distractor has a line of its own that shares more of the stem's words: the pair the
material lists together, alone, is the answer, and that sentence is shown once as the reason.
An "all of these EXCEPT" item: the option a list of the material leaves out.

Invented garden-irrigation notes in Markdown; answers are extractive."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """# Garden irrigation notes

## Valves

The timer drives four kinds of valve. Each one opens a zone of the garden.

- **Maple valve**: a brass valve for the lawn; the timer opens it on a schedule, and a pressure regulator must be fitted ahead of it.
- **Oak valve**: a heavy valve for the orchard; it needs a pressure regulator too, because the mains pressure splits its seal.
- **Cedar valve**: a plastic valve for the vegetable beds.
- **Birch valve**: a small valve for the pots on the terrace.

Only the Cedar valve and the Birch valve take mains water directly.

## Watering modes

- **Pulse mode** waters in short bursts so that clay soil can soak the water up.
- **Soak mode** runs one long cycle before dawn.
- **Mist mode** sprays the seedlings for ten seconds every hour.

## Sensors

A rain sensor skips a cycle after 5 mm of rain. A frost sensor stops all valves below 2 degrees.
The controller shuts every zone when the flow meter, the leak probe or the rain sensor trips.
The frost sensor logs every zone's temperature for the controller's night report.
"""

VALVES = {"A": "Maple valve", "B": "Cedar valve", "C": "Oak valve", "D": "Birch valve"}


@pytest.fixture(scope="module")
def garden_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("choose-two"), "irrigation-notes.md", NOTES)


def test_the_pair_one_sentence_lists_alone_is_chosen_and_shown_once(garden_tutor):
    ans = garden_tutor.ask("(Choose TWO) Which two valves can be fed straight from the mains, "
                           "with no pressure regulator fitted?", options=VALVES)
    assert ans.choice == ["B", "D"], ans.answer
    assert ans.answer.count("Only the Cedar valve and the Birch valve take mains water directly.") == 1, ans.answer


def test_a_single_answer_item_is_not_read_as_a_pair(garden_tutor):
    ans = garden_tutor.ask("Which valve feeds the pots on the terrace?", options=VALVES)
    assert ans.choice == ["D"], ans.answer


def test_an_except_item_picks_the_option_the_list_leaves_out(garden_tutor):
    ans = garden_tutor.ask("All of the following can make the controller shut every zone EXCEPT:",
                           options={"A": "flow meter", "B": "leak probe", "C": "frost sensor", "D": "rain sensor"})
    assert ans.choice == ["C"], ans.answer
