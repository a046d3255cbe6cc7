"""A short option is judged by what the material says of it alone.

"Writes the programme notes." is the dramaturg's line: it follows the bullet that names the
dramaturg and names no other role. A stem that asks who puts together the reading printed for
the audience is answered from what each option's own lines say, not from whichever sentence
anywhere reads closest to "stem + option" (a producer's line about ticket income).

Invented material (a theatre production's revision notes), ingested with the real embedder."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """# Theatre production: revision notes

*Notes for the stagecraft certificate.*

## Production roles

- **Stage manager**: runs each performance from the prompt desk.
  Calls every lighting and sound cue once the curtain is up.
- **Producer**: raises the money and hires the creative team.
  Signs the theatre's rental contract.
- **Director**: shapes the actors' performances in the rehearsal room.
  Leaves the company after opening night.
- **Dramaturg**: researches the play's history and its earlier productions.
  Writes the programme notes.

## Lighting

- Lighting cues are numbered in the prompt copy, and a lighting cue is plotted by the designer with the director during the technical rehearsal.
- The director and the designer agree the cue numbers before the dress rehearsal.

## Sound

- Sound cues are played from a laptop at the back of the stalls.
- The director approves the sound levels during the technical rehearsal.

## Money

- Ticket income goes to the producer's account.
- A show that sells under half its seats in the first week may close early.
"""


@pytest.fixture(scope="module")
def tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("theatre"), "theatre-notes.md", NOTES)


def test_an_option_is_judged_by_its_own_lines(tutor):
    ans = tutor.ask("Who puts together the background reading printed for the audience?",
                    options={"A": "Director", "B": "Producer", "C": "Dramaturg", "D": "Stage manager"})
    assert ans.choice == ["C"], ans.answer


def test_the_line_that_decides_is_the_options_own(tutor):
    ans = tutor.ask("During a performance, who tells the crew exactly when each lighting change happens?",
                    options={"A": "Director", "B": "Stage manager", "C": "Producer", "D": "Dramaturg"})
    assert ans.choice == ["B"], ans.answer
