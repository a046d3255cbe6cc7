"""NOT/EXCEPT items the material answers by its structure:

- "All of these are firing stages EXCEPT": a table lists the stages one per row, and the
  left-out option is no row of it.
- "Which is NOT part of the glaze kit?": a sentence under the kit's heading lists what is *not*
  part of it ("Wax resist, kiln wash and wadding are NOT part of it"), though the material says
  more of wax resist next to the kit's words than of some of the kit's own ingredients.

Invented pottery-studio notes in Markdown; answers are extractive."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """# Pottery studio notes

## Firing stages

| Stage | Temperature | What happens |
|---|---|---|
| **Candling** | 90 °C | drives off the last water held in the clay body |
| **Bisque firing** | 1000 °C | turns dry clay into porous ceramic that still takes glaze |
| **Glaze firing** | 1240 °C | melts the glaze coat into a glassy skin |
| **Slow cooling** | room temperature | the kiln cools for a day so pots do not crack |

## Wedging

Wedging is the stage that decides whether a pot survives the firing stages: it kneads fresh clay on a
canvas bench to push out air pockets before throwing. Wedging happens at
the bench, long before a pot meets the kiln; skipped wedging shows up later as bubbles that burst in the kiln.

## The glaze kit

The kit holds what goes into the glaze itself. Wax resist, kiln wash and wadding are **NOT** part of it (they
protect the pot foot and the shelves instead).

- **Silica** forms the glass itself; too much silica leaves a dry, matte glaze surface.
- **Flux** lowers the melting point of the silica so the glaze melts in a studio kiln.
- **Alumina** stiffens the melted glaze so it clings to the pot instead of running off.
- **Colourants** such as iron and cobalt oxide tint the glaze.

Wax resist is brushed on the pot foot so the glaze will not stick there; it burns away in the glaze firing
and leaves the foot bare, which is why every glaze kit shelf in the studio keeps a jar of wax resist beside it.
"""


@pytest.fixture(scope="module")
def pottery_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("except"), "pottery-notes.md", NOTES)


def test_the_option_a_table_of_the_others_leaves_out(pottery_tutor):
    ans = pottery_tutor.ask("All of the following are firing stages EXCEPT:",
                            options={"A": "Candling", "B": "Bisque firing", "C": "Wedging", "D": "Glaze firing"})
    assert ans.choice == ["C"], ans.answer


def test_the_option_a_sentence_says_is_not_part_of_it(pottery_tutor):
    ans = pottery_tutor.ask("Which of these is NOT considered part of the glaze kit?",
                            options={"A": "Silica", "B": "Flux", "C": "Wax resist", "D": "Alumina"})
    assert ans.choice == ["C"], ans.answer
    assert "Why: Wax resist, kiln wash and wadding are" in ans.answer, ans.answer
