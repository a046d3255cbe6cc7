"""Answers that are a part of a bigger thing: settings written like code under a product,
headings written right above their text, prose one sentence per line, and options that one
sentence contrasts.

A small invented text (garden irrigation notes) is ingested with the real embedder;
answers are extractive (deciding does not depend on the model)."""

from __future__ import annotations

import pytest

from .conftest import catalog_names, extractive_tutor_on

IRRIGATION_NOTES = """Garden Irrigation Study Notes
By the allotment society, spring edition

Controllers
A controller opens and closes the valves of each watering zone on a schedule, so nobody has to stand there with a hose.
AquaLine Controller is a wall-mounted unit that runs up to twelve zones from one weekly schedule.
  • rain_delay: pauses every schedule for a number of days after heavy rain, so the beds are not flooded.
  • SoakCycle: splits one long watering into short bursts with pauses, so water sinks into clay instead of running off.
  • zone_budget: scales all run times by a percentage, for example 80 percent in a cool month.
The AquaLine Controller keeps its schedules in memory for three days without power.
HydroBox Timer is a battery timer that screws onto one outdoor tap and waters a single zone.
Both AquaLine and HydroBox models can be bought at any garden centre in the region.

Watering methods
Drip lines deliver water slowly at the roots of each plant through small emitters.
Sprinklers spray water over a wide circle and are cheap to lay out on grass.
Soaker hoses sweat water along their whole length and are usually buried under mulch.
Drip lines keep the leaves of tomatoes dry, while sprinklers wet the leaves and invite blight.

Water sources
Rain barrels store roof water for dry spells and cost nothing to fill.
Mains water gives steady pressure at every tap, but every litre is metered and paid for.
"""


@pytest.fixture(scope="module")
def garden(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("garden"), "irrigation-notes.txt", IRRIGATION_NOTES)


def test_a_heading_right_above_its_text_starts_a_section(garden):
    sections = {c.section[0] for c in garden.knowledge.chunks}
    assert {"Controllers", "Watering methods", "Water sources"} <= sections, sections


def test_prose_written_one_sentence_per_line_is_not_a_table(garden):
    kinds = {c.kind for c in garden.knowledge.chunks if "Drip lines deliver" in c.text}
    assert kinds == {"body"}, kinds


def test_settings_written_like_code_are_things_and_a_brand_word_is_not(garden):
    names = catalog_names(garden)
    assert {"rain_delay", "SoakCycle", "zone_budget"} <= names, names  # "x: pauses every …" defines x
    assert {"AquaLine Controller", "HydroBox Timer"} <= names
    assert "AquaLine" not in names and "HydroBox" not in names  # the first word of a name


def test_a_which_question_about_a_part_of_the_named_product_quotes_the_part(garden):
    ans = garden.ask("Our AquaLine waters the beds the morning after a thunderstorm. "
                     "Which setting stops it for a few days?")
    assert not ans.refused and "rain_delay" in ans.answer.split("\n")[0], ans.answer


def test_a_shared_sentence_speaks_for_the_option_its_own_clause_fits(garden):
    from studyrag.rag.clauses import option_clauses

    sentence = "Drip lines keep the leaves of tomatoes dry, while sprinklers wet the leaves and invite blight."
    assert option_clauses(["Drip lines", "Sprinklers"], [sentence]) == [
        [(0, "Drip lines keep the leaves of tomatoes dry")], [(0, "sprinklers wet the leaves and invite blight.")]]
    ans = garden.ask("Which watering method keeps tomato foliage from getting wet?",
                     options={"A": "Sprinklers", "B": "Drip lines", "C": "Rain barrels", "D": "Mains water"})
    assert ans.choice == ["B"], ans.answer


def test_a_follow_ups_conversational_opening_does_not_hide_what_it_asks():
    from studyrag.rag.question import parse

    assert parse("OK, and how do I switch the schedule off for the winter?").kind(0) == "explain"
    assert parse("And if I leave the pause alone, where does the rain water end up?").kind(0) == "fact"
    assert parse("So which timer would water the single bed by the shed?").kind(0) == "which"
