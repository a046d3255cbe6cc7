"""Notes written as a glossary ("Term: definition" lines, each term said once) teach each
term; a "Rule of thumb:" line among prose does not. A command written whole with its options
is a thing. Terms marked in italics where they are
defined are terms; a "vs" heading's lower-case sides are names; a heading family ("Worked
example: …") is a label. The thing the title names and the text keeps naming is the
subject, never the answer to "which …?". A name in capitals that is also a word of the text
("FEED", "feed") is only that name when written in capitals.

Invented notes (sailing as plain text, beekeeping as Markdown), ingested with the real
embedder; extractive answers.
"""

from __future__ import annotations

import pytest

from studyrag.rag.question import parse

from .conftest import catalog_names, extractive_tutor_on, lead

SAILING_NOTES = """SMALL-BOAT SAILING - REVISION NOTES
Club dinghy course, level 2. Figures are the ones the instructors use.


1 POINTS OF SAIL

The wind decides which way a dinghy can go, and the sails are trimmed to the angle of the wind.
Close-hauled: sailing as close to the wind as the sails allow, about 45 degrees off it, sheets pulled in tight.
Beam reach: the wind comes straight over the side; the fastest and easiest point of sail for a beginner.
Broad reach: the wind comes over the back quarter; sails eased well out.
Running: the wind comes from straight behind; the boom is let right out and the boat rolls.
No-go zone: the arc of about 90 degrees either side of the wind where no sail can drive the boat.

Most capsizes in the club happen on the run, when the crew relax too soon.
Keep your weight low and move smoothly when you change sides.
Rule of thumb: when in doubt, let the sheet out until the sail flaps, then pull it in until it stops.


2 MANOEUVRES

Every manoeuvre starts with a call to the crew, and the crew answers before the helm moves.
Tacking: turning the bow through the wind so the wind comes over the other side.
Gybing: turning the stern through the wind; the boom swings across fast and hard.
Heaving to: backing the jib against the main so the dinghy drifts slowly and safely while the crew rests.
Irons: stalled head-to-wind after a failed tack, with no steerage until the bow falls off.
Luffing up: steering towards the wind to spill power in a gust.


3 RIGGING AND HARDWARE

Kicking strap: the line from the boom to the foot of the mast that stops the boom lifting in a gust.
Cunningham: a line that pulls the luff of the mainsail down to flatten the sail in strong wind.
Outhaul: a line that stretches the foot of the mainsail along the boom.
Bung: the plug in the transom that lets water drain out of the hull after a capsize.
Painter: the bow line used to tie the dinghy up or tow it.
"""

BEE_NOTES = """# Beekeeping — my apiary course notes

## 1. Hive parts

Beekeeping starts with the hive. Beekeeping clubs lend kit for the first season.

- *Brood box*: the bottom box where the queen lays her eggs; beekeeping guides call it the nursery.
- *Super*: a shallow box stacked on top where the bees store surplus honey for the harvest.
- *Queen excluder*: a slotted grid between brood box and supers that workers pass but the queen cannot.
- *Smoker*: a can that puffs cool smoke so the bees stay calm while the hive is open.

### Worked example: counting frames

A national brood box holds 11 frames; a super holds 10. Beekeeping inspections count both.

## 2. Feeding and treatment

Bees feed on nectar in summer. In autumn beekeeping moves to feeding syrup when stores run low.

Each hive card takes commands for the club's log app, written in capitals.

### FEED — log a feed

`FEED` records the syrup strength and how many litres went in; FEED 2:1 is the autumn mix.

### TREAT — log a treatment

`TREAT` records a varroa treatment and its start date; TREAT again after 28 days.
If a phone loses its log, recover it with `hivelog restore --from-backup` before the next inspection.

### Worked example: autumn feed

A colony needs about 18 kg of stores for winter. Beekeeping records show most hives need topping up.

## 3. Swarming: queen cells vs artificial swarms vs shook swarms

Beekeeping in May is mostly swarm control.

- queen cells appear along the bottom of brood frames when the colony is about to swarm.
- artificial swarms split the colony: the old queen and flying bees go to a new box on the old site.
- shook swarms move every bee onto fresh foundation, which also clears old comb and disease.

Beekeeping clubs run shook swarms in spring, when the colony is strong.

## 4. Beekeeping and the seasons

Beekeeping follows the season: build-up in spring, swarm control and shook swarms in May, harvest in August.
"""


@pytest.fixture(scope="module")
def sailing(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("sailing"), "sailing-notes.txt", SAILING_NOTES)


@pytest.fixture(scope="module")
def bees(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("bees"), "beekeeping-notes.md", BEE_NOTES)


def test_terms_of_glossary_lines_said_once_are_things(sailing):
    names = catalog_names(sailing)
    assert {"Heaving to", "Kicking strap", "Cunningham", "Bung", "Irons"} <= names, sorted(names)


def test_a_label_line_among_prose_is_no_thing(sailing):
    assert "Rule of thumb" not in catalog_names(sailing)


def test_a_glossary_term_said_once_answers_which(sailing):
    ans = sailing.ask("We stalled head to wind after a botched tack and can't steer. What's that called?")
    assert "Irons" in lead(ans), ans.answer


def test_terms_in_italics_a_vs_headings_sides_are_things_and_a_heading_family_is_not(bees):
    names = catalog_names(bees)
    assert {"Brood box", "Queen excluder", "Smoker", "shook swarms"} <= names, sorted(names)
    assert "Worked example" not in names


def test_the_subject_the_title_names_is_never_the_answer(bees):
    assert "Beekeeping" in bees.knowledge.subjects
    ans = bees.ask("Inspections count frames in both boxes. Which one holds 11?")
    assert "Brood box" in lead(ans), ans.answer


def test_a_command_written_whole_with_its_options_is_a_thing_wherever_it_stands(bees):
    assert "hivelog restore --from-backup" in catalog_names(bees)


def test_a_name_in_capitals_is_not_the_plain_word(bees):
    catalog = bees.knowledge.catalog
    assert [s.name for s in catalog.find("bees feed on nectar")] == []
    assert [s.name for s in catalog.find("log it with FEED")] == ["FEED"]


@pytest.mark.parametrize("text", [
    "And type II - what are the blood gas cut-offs for that one?",
    "What are the diagnostic criteria for a gale warning?",
    "Once that's done, at what path does the app read it?",
    "Where exactly does the file need to be placed?",
])
def test_asking_for_cut_offs_criteria_or_a_place_asks_for_a_fact(text):
    assert parse(text).kind(0) == "fact"


@pytest.mark.parametrize("text", [
    "Which storage option fits a nightly batch?",
    "What flag do I use to rebuild the cluster?",
])
def test_asking_which_option_or_flag_still_asks_for_a_thing(text):
    assert parse(text).kind(0) == "which"
