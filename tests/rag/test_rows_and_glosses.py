"""A table cell alone describes its row's thing (and a row may describe two); "**X**, which …"
says what X does whatever section it stands in; "what would have prevented …?" asks for the
remedy the material gives for the problem described; a command written as code is a thing; a table row is read under its header; a
short follow-up asking a question of its own is decided by its own words; a question naming one part of a thing asks
for another part, not the whole; bold definitions in one line are sentences of their own;
"What exactly is X?" and "X does Y, right?" ask to be explained.

Invented notes (dinghy sailing), ingested with the real embedder; extractive answers.
"""

from __future__ import annotations

import pytest

from studyrag.rag.question import parse

from .conftest import extractive_tutor_on, lead

SAILING_NOTES = """# Dinghy Sailing — Course Notes

## Knots

| Knot | What it does | Typical use | Strength | Common mistake |
|---|---|---|---|---|
| **Bowline** | Makes a fixed loop that does not slip or jam under load | Dropping a loop over a bollard when coming alongside the pontoon | Keeps most of the rope's breaking load | Tied round the wrong way, it capsizes into a slip knot |
| **Clove hitch** | Grips a post quickly but can work loose when the load changes | Hanging fenders from the guard rail | Weak when the pull comes from the side | Left without a stopper on a moving boat |
| **Figure-eight** | A stopper knot that is easy to untie after heavy load | Keeping a sheet end from running out through its block | Not a load-bearing knot | Tied too close to the rope's end |
| **Rolling hitch** | Grips another line or a spar when pulled along its length | Taking the strain off a jammed sheet so it can be freed | Holds only in one direction | Pulled the wrong way, it slides |

## Sail handling

| Response | Means | Response | Means |
|---|---|---|---|
| **Reef** | Reduce the sail area before the wind builds | **Shake out** | Restore the full sail area once the wind has eased |
| **Ease** | Let a sheet out so the sail spills wind | **Harden up** | Pull a sheet in so the sail drives harder |

## Gybing

A gybe turns the stern through the wind, and the boom swings across the boat with force.

- **Accidental gybe**: the boom crosses without warning when the wind gets behind the sail on a run, and it can injure the crew or capsize the boat. Defense: **Preventer**, which ties the boom forward so that it cannot swing across the cockpit.
- **Chinese gybe**: the boom goes over but the top of the sail stays on the old side, twisting the sail round the shrouds. Prevention: **Kicker**, which holds the boom down so the upper sail cannot twist.
- **Controlled gybe**: the helm calls "stand by to gybe", the crew ducks, and the mainsheet is pulled in before the boom crosses.

## Spinnaker

The spinnaker is the large, light downwind sail flown in front of the forestay. The spinnaker
is hoisted only on a broad reach or a run and is dropped before rounding the leeward mark.

- **Spinnaker sock**: a fabric tube pulled down over the sail to douse it without a fight.
- **Spinnaker pole**: a spar that holds the sail's windward corner out from the boat so the sail stays full.
- **Spinnaker halyard**: the line that hoists the sail to the top of the mast.

## Start sequence

| Signal | Minutes before the start |
|---|---|
| Class flag up | 5 |
| Preparatory flag up | 4 |
| Preparatory flag down | 1 |

The class flag goes up with one sound signal, and 4 minutes of the sequence still remain after the class flag's signal when the preparatory flag rises.

## Logbook app

The club logs every sail in the `logbook` command-line app.

- `logbook add` = records a new sail with its crew and wind.
- `logbook gaps -w` = shows the weeks nobody sailed, so the rota can be fixed.
- `logbook export --csv` writes every entry to a spreadsheet file.

## Rules of the road

- **Port tack** — the wind comes over the port side. **Starboard tack** — the wind comes over the starboard side; this boat has right of way over a boat on the other tack.
- **Windward boat** — the boat nearer the wind; it keeps clear of a leeward boat on the same tack.
"""


@pytest.fixture(scope="module")
def sailing(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("sailing"), "sailing-notes.md", SAILING_NOTES)


def test_a_cell_alone_matches_a_scenario_its_whole_row_dilutes(sailing):
    ans = sailing.ask("We come in next to the floating dock and I want to throw a loop over the post that "
                      "won't tighten up on it. Which knot do I tie?")
    assert "Bowline" in lead(ans), ans.answer


def test_a_row_that_describes_two_things_credits_each_its_own_cells(sailing):
    ans = sailing.ask("The squall has passed and the wind has eased. What do I do to get my full sail "
                      "area back?")
    assert "Shake out" in lead(ans), ans.answer


def test_a_relative_clause_says_what_the_thing_before_it_does(sailing):
    ans = sailing.ask("Which line stops the boom from swinging across if we gybe by accident?")
    assert "Preventer" in lead(ans), ans.answer


def test_a_question_asking_what_prevents_a_problem_gets_the_remedy_the_material_gives(sailing):
    ans = sailing.ask("Halfway through the turn the top of my sail stayed on the old side and wrapped "
                      "around the shrouds. What would have prevented that?")
    assert "Kicker" in lead(ans), ans.answer


def test_a_question_naming_one_part_asks_for_another_part(sailing):
    ans = sailing.ask("The spinnaker sock is rigged. How do I keep the sail's windward corner held out "
                      "away from the boat so it stays full?")
    assert "Spinnaker pole" in lead(ans), ans.answer


def test_bold_definitions_in_one_line_are_sentences_of_their_own(sailing):
    ans = sailing.ask("Two boats on opposite tacks are closing. Which tack gets right of way?")
    assert "Starboard tack" in lead(ans), ans.answer


def test_a_command_written_as_code_is_a_thing_to_answer_with(sailing):
    ans = sailing.ask("The rota has holes in it. Which command lists the weeks when no one went out?")
    assert "logbook gaps -w" in lead(ans), ans.answer


def test_a_table_row_is_read_with_its_header_when_options_are_values(sailing):
    ans = sailing.ask("How many minutes before the start does the class flag go up?",
                      options={"A": "4", "B": "5", "C": "1", "D": "10"})
    assert ans.choice == ["B"], ans.answer


def test_a_short_follow_up_with_a_question_of_its_own_is_decided_by_its_own_words(sailing):
    history = [{"role": "user", "content": "A boat on port tack has the wind over its port side, right?"}]
    ans = sailing.ask("then which tack has right of way over it?", history=history)
    assert "Starboard tack" in lead(ans), ans.answer


@pytest.mark.parametrize("text", ["What exactly is a bowline?", "A reef reduces sail area, right?"])
def test_a_definition_or_a_statement_to_confirm_is_explained(text):
    assert parse(text).kind(1, asked_about=True) == "explain"


@pytest.mark.parametrize("text, lists", [
    ("When you set up a labeling job, what types of workforce can you pick from?", True),
    ("What's the word for the help a tutor gives, which gets taken away as the child improves?", False),
])
def test_a_relative_which_asks_for_no_list_and_a_question_after_a_comma_still_may(text, lists):
    from studyrag.rag.evidence import LIST_RE

    assert bool(LIST_RE.search(text)) is lists
