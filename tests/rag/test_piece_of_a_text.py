""""Which part of <a text the material teaches> …?", when the text itself wins, asks for a piece of it,
(a section, a clause) that a sentence says, not for the text; so does one won by a thing the
material does not place within the text.

Invented local-history notes in Markdown; answers are extractive."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """# Kestrel Bay local history

## The Harbour Act 1872

The Harbour Act 1872 reorganised the port of Kestrel Bay and created the harbour board. Its main provisions:

| Topic | Provision |
|---|---|
| Tolls | Section 12 set a toll of one penny per ton on every ship entering the bay. |
| Pilots | Section 19 required a licensed pilot on board ships over 200 tons. |
| Lights | Section 23 made the harbour board keep the lighthouse lit from dusk to dawn. |

- **Alderman Pike** chaired the first harbour board and argued for the Harbour Act in the town council.

Fishermen resented the Harbour Act 1872 for years, and the tolls of the Harbour Act 1872 were cut in 1890.

## Before the Act

- **Beacon Committee**: a committee of fishermen that kept the lighthouse lit from dusk to dawn before 1872, paid by a
  collection at the quay.

## The railway

The branch line reached Kestrel Bay in 1881 and ended the coastal trade in coal within a decade.
"""


@pytest.fixture(scope="module")
def history_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("harbour"), "kestrel-bay-notes.md", NOTES)


def test_a_piece_of_the_text_is_answered_by_the_sentence_that_says_it(history_tutor):
    ans = history_tutor.ask("which section of the Harbour Act was the one about charging ships to come into the bay?")
    first = ans.answer.split("\n")[0]
    assert "Section 12" in first, ans.answer


def test_a_part_of_the_text_that_wins_is_said_by_a_sentence(history_tutor):
    ans = history_tutor.ask("which part of the Harbour Act 1872 dealt with the big ships needing someone local on board?")
    first = ans.answer.split("\n")[0]
    assert "Section 19" in first, ans.answer


def test_a_part_asked_of_a_text_is_not_a_thing_placed_elsewhere(history_tutor):
    """The Beacon Committee says the most about the lighthouse, but the notes do not place it
    within the Act: the sentence that says the Act's piece answers."""
    ans = history_tutor.ask("which part of the Harbour Act made someone keep the lighthouse lit from dusk to dawn?")
    lead = ans.answer.split("[1]")[0]
    assert "Section 23" in lead and "Beacon Committee" not in lead, ans.answer
