"""A plain-text study page keeps its tables as columns set apart by runs of spaces, the way a
saved web page or a text export writes them ("Fluid-bed roasting  Hot air lifts the beans …").
Each row's first cell is a thing the row teaches, a family of them when they share a head noun
("… roasting"), and a which-question is answered from the row that describes it. A scene set
with "or" ("In a café or at home, …") is not a comparison of two sides.

A small invented study page (coffee roasting, plain text) is ingested with the real embedder;
answers are extractive (deciding does not depend on the model)."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

ROAST_GUIDE = """Coffee Roasting Certificate — Level 2 Study Page

Roasting methods

A roaster turns green beans brown by heating them for nine to sixteen minutes. The method decides how the heat reaches each bean.

Method  How the heat reaches the beans  When to choose it
Drum roasting  A rotating steel drum heated from below tumbles the beans through hot air and against hot metal  Most cafés; rich body and even colour
Fluid-bed roasting  Hot air blown from below lifts the beans and keeps them floating while they roast  Bright, clean cups with high acidity and no scorched flavours
Infrared roasting  Ceramic panels radiate heat onto the beans without heating the air much  Small test batches where the heat must respond within seconds
Pan roasting  Beans are stirred by hand in an open pan over a flame  Home roasting on a stove with no special equipment

Drum roasting is still the commonest method in speciality cafés.

Roast stages

First crack  The beans pop as steam escapes; a light roast ends soon after
Second crack  Oils reach the surface and the beans crackle again; dark roasts go past it
Cooling  Beans are dropped into a tray and stirred with cold air for four minutes

Storage

Roasted beans release carbon dioxide for about a week, so bags carry a one-way valve.
In a café or at home, beans kept in a sealed bag away from light stay fresh for about a month.
"""


@pytest.fixture(scope="module")
def roast_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("roast"), "coffee-roasting-level-2.txt", ROAST_GUIDE)


def test_the_first_cells_of_a_space_aligned_table_are_things(roast_tutor):
    names = {s.name for s in roast_tutor.knowledge.catalog.services}
    assert {"Drum roasting", "Fluid-bed roasting", "Infrared roasting", "Pan roasting"} <= names, names
    assert not names & {"Method", "How the heat reaches the beans"}, names


def test_a_which_question_is_answered_from_the_row_that_describes_it(roast_tutor):
    ans = roast_tutor.ask("Our roastery wants a very clean, bright coffee with no burnt notes, so the beans "
                          "should float on a stream of hot air while they roast. Which roasting method is that?")
    assert ans.answer.splitlines()[0].startswith("Answer: Fluid-bed roasting"), ans.answer
    assert any("lifts the beans" in c.quote for c in ans.citations), [c.quote for c in ans.citations]


def test_a_scene_set_with_or_is_not_a_comparison(roast_tutor):
    ans = roast_tutor.ask("In a café or at home, how long do roasted beans stay fresh in a sealed bag?")
    assert ans.kind != "compare" and "about a month" in ans.answer, (ans.kind, ans.answer)
