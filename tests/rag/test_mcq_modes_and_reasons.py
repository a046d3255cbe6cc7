"""Multiple choice where an option's words read against the question in a way that misleads.

- A mode written in capitals ("STACKED") is not the everyday word ("stacked pallets"): the
  material's lines about stacked pallets say nothing of the mode.
- A side clause that says what does *not* happen ("so a later sailing never overtakes an
  earlier one") is no description of the answer: the clause of the material that says a later
  sailing overtakes belongs to the wrong option.

Invented ferry-harbour notes, ingested for real; answers are extractive."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """# Harbour Operations Revision Notes

## Ferry Dispatch Board

The Ferry Dispatch Board decides the order in which ferries leave the ramps. It has three dispatch modes,
and the exam asks which mode fits a timetable.

In ROLLING mode a later sailing can overtake an earlier one waiting at the ramp; STACKED handles sailings one by one in arrival order; SCATTER runs sailings independently of each other.


Deck crews move stacked pallets with forklifts, and stacked pallets are counted twice a shift.
Stacked cargo on an open deck is strapped down before any sailing in rough weather.
Freight sheds keep stacked crates away from the doors so the forklifts can turn.

## Hull coatings

Three coatings protect a hull, and each suits a different part of the ship.

- **Zinc primer** is inactivated by salt spray, so it is never used on open decks; it is kept for enclosed holds.
- **Epoxy coating** resists salt spray and abrasion and is the usual choice for open decks.
- **Copper paint** stops barnacles growing below the waterline.

Silicone sealant is used on window frames, not on hulls.

## Navigation lights

| Family | Lamps | Mechanism |
|---|---|---|
| Sector lights | Kestrel lamp, Harrow lamp | Turn a tri-(2,6)-D-prism that splits the beam into coloured sectors |
| Leading lights | Osprey lamp | Line up two range towers one behind the other |
| Flash beacons | Merlin lamp | Pulse a xenon tube on a timer |

Leading lights mark a safe channel: a pilot keeps the two range towers in line.
"""


@pytest.fixture(scope="module")
def harbour(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("harbour"), "harbour-operations-notes.md", NOTES)


def test_a_mode_in_capitals_and_a_denied_side_clause(harbour):
    answer = harbour.ask("Which dispatch mode sends ferries off one after another in the order they arrived, "
                         "so a later sailing never overtakes an earlier one?",
                         options={"A": "ROLLING", "B": "STACKED", "C": "SCATTER", "D": "LOCKSTEP"})
    assert answer.choice == ["B"], answer.answer

