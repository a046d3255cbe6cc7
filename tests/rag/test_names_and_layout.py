"""Questions that lean on the material's names and layout rather than its wording.

- An acronym the material spells out ("IALA") and a name asked in lower case ("skerrybrae")
  are the material's, not a reason to refuse.
- A plain-text table with inner bars under a title line is the list "what are the kinds …?" asks for.
- A question that names a person by surname or possessive asks about something else of theirs.

Invented harbour-signalling notes in plain text, ingested for real; answers are extractive."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """Harbour signalling - revision notes

1. Harbour lights

The three kinds of harbour light

  Light type        | What it marks                              | Colour
  ------------------|--------------------------------------------|---------------------
  Leading light     | The safe line into the harbour mouth       | White
  Sector light      | A safe arc of water between two dangers    | White, red and green
  Pier-head light   | The seaward end of a breakwater            | Red or green

A skipper lines up the two leading lights, one above the other, to stay in the dredged channel.

2. Radio

The Port Operations Service works on VHF channel 14. The pilot boats answer on VHF channel 12, so
a master asking for a pilot calls them there. Distress calls go on channel 16 and nowhere else.
The International Association of Lighthouse Authorities agreed the present buoyage system in 1980,
after a run of collisions in the Dover Strait; its two regions, A and B, differ in the colour of
the port-hand marks.

3. Engineers

- **Thomas Stevenson** designed the louvred lamp screen in 1855. Stevenson also measured the force
  of waves with a spring dynamometer he called the marine dynamometer.
- **Robert Mallory** built the **Skerrybrae breakwater**, a rubble mound that reached 410 m before a
  winter gale in 1871 tore away its head. Mallory rebuilt it with concrete blocks of 30 tonnes.
- **Agnes Kerr** drew up the **Kerr tide tables** for the Forth in 1890, the first to give the
  height of every high water of the year.

4. Common traps

- Channel 16 is for distress and calling only; working traffic moves to another channel.
- A sector light is not a leading light: it shows a colour for each arc, not a line.
"""


@pytest.fixture(scope="module")
def harbour_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("harbour"), "harbour-signalling-notes.txt", NOTES)


def test_an_acronym_of_a_name_the_material_spells_out_is_not_refused(harbour_tutor):
    ans = harbour_tutor.ask("When did IALA agree the present buoyage system, after the collisions in the Dover Strait?")
    assert not ans.refused and "1980" in ans.answer.splitlines()[0], ans.answer


def test_a_name_asked_in_lower_case_is_the_materials(harbour_tutor):
    ans = harbour_tutor.ask("how far did skerrybrae reach?")
    assert not ans.refused and "410 m" in ans.answer, ans.answer


def test_a_plain_text_table_under_its_title_is_the_list_asked_for(harbour_tutor):
    ans = harbour_tutor.ask("what are the 3 kinds of harbour light?")
    for kind in ("Leading light", "Sector light", "Pier-head light"):
        assert kind in ans.answer, ans.answer


def test_a_surname_in_the_question_names_its_person_and_the_answer_is_something_else(harbour_tutor):
    ans = harbour_tutor.ask("Mallory's rubble mound lost its head in a winter gale. Which structure was that?")
    lead = ans.answer.splitlines()[0]
    assert "Skerrybrae breakwater" in lead and not lead.startswith("Answer: Robert Mallory"), ans.answer
