"""A section about a thing is not a thing of its own, and a thing's own section may say what
kind of thing it is where its heading's parents do not.

- "### Steamjet in detail" over plain bullets describes Steamjet: never a thing of its own.
- "How do I …? Which control does that?": the last sentence asks for a thing, not an explanation.
- "### Vent flap" sits under "Cleaning cycle basics", but its section calls it "the control":
  asked "which control …?", it stands against the controls listed elsewhere.
- "What should have been letting that air escape?" asks for the thing that would have done it.

Invented bakery-oven notes in Markdown; answers are extractive."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """# Deck oven notes

## Controls

The oven has three controls on its front panel.

- **Steamjet**: a control that sprays water onto the hot stones so the crust stays thin and glossy.
- **Fan boost**: a control that doubles the fan speed so trays colour evenly from front to back.
- **Door lock**: a control that keeps the door shut during the pyrolytic cleaning cycle.

### Steamjet in detail

- Press Steamjet during the first five minutes of a bake, never later.
- It needs the water tank filled to the line, or the pump runs dry.
- Hold it for two seconds to release 100 ml of water.

## Cleaning cycle basics

The cleaning cycle heats the chamber to 480 degrees and burns residue to ash. Close the **vent flap** first and empty
the ash tray afterwards.

### Vent flap

The vent flap opens above the chamber at the end of a bake and lets the trapped humid air escape, so the loaves
keep a crackly crust instead of turning soft and leathery as they cool. The control is ignored while the door is open.

### Ash tray

The ash tray slides out under the stones once the cleaning cycle has cooled below 60 degrees.
"""


@pytest.fixture(scope="module")
def oven_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("oven"), "deck-oven-notes.md", NOTES)


def test_a_heading_about_a_thing_is_not_a_thing(oven_tutor):
    catalog = oven_tutor.knowledge.catalog
    assert catalog.get("Steamjet") is not None
    assert catalog.get("Steamjet in detail") is None


def test_the_last_sentence_asks_and_the_section_says_the_kind(oven_tutor):
    ans = oven_tutor.ask("how do i keep the crust from going soft as the loaves cool? which control does that")
    assert ans.answer.startswith("Answer: Vent flap"), ans.answer


def test_what_should_have_done_it_asks_for_a_thing(oven_tutor):
    """"What should have …?" asks for the thing that would have done it, not for a fact."""
    ans = oven_tutor.ask("The loaves went soft overnight because the humid air stayed trapped in the chamber "
                         "after the bake. What should have been letting that air escape?")
    assert ans.kind == "which"
    assert ans.answer.startswith("Answer: Vent flap")
