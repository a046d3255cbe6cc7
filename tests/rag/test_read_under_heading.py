"""A sentence is read under its heading.

"Leading case: Hale v Pennant (1921), decided by Commodore Hale." says nothing of right of
way; it is about right of way only because it sits in the section "Right of way". A multiple-choice
stem that asks which case is about right of way is answered from the heading and the sentence
together, not from the sentence that happens to share the stem's words elsewhere.

The model that explains an answer reads each chosen sentence with its neighbours in the same
passage (``Knowledge.around``): a bullet alone gives it too few of the material's words.

Invented material (a sailing club's rule book), ingested with the real embedder."""

from __future__ import annotations

import pytest

from .conftest import assert_said_together, extractive_tutor_on

NOTES = """# Sailing club rules: revision notes

*Notes for the club's racing certificate.*

## Right of way

- Leading case: Hale v Pennant (1921), decided by Commodore Hale.
- A boat on port tack keeps clear of a boat on starboard tack.
- A windward boat keeps clear of a leeward boat.

## Protests

- A protest must be lodged within 90 minutes of finishing.
- Leading case: Marlow v Quay (1934), where a late protest was dismissed.
- A protest about right of way is heard by three judges.

## Moorings

- Visiting boats pay a mooring fee of 12 pounds a night.
- Leading case: Tern v Harbourside (1950), where an unpaid fee was recovered.

## Safety boats

- Two safety boats are afloat whenever juniors race.
- Leading case: Gull v Slipway (1962), on lifejackets for helpers.
"""


@pytest.fixture(scope="module")
def tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("sailing"), "sailing-club-notes.md", NOTES)


def test_an_option_counts_what_its_heading_says(tutor):
    ans = tutor.ask("Which case is about right of way?",
                    options={"A": "Marlow v Quay", "B": "Hale v Pennant", "C": "Tern v Harbourside",
                             "D": "Gull v Slipway"})
    assert ans.answer.startswith("Answer: B."), ans.answer


def test_the_model_reads_a_bullet_with_its_neighbours(tutor):
    k = tutor.knowledge
    i = next(j for j, s in enumerate(k.sentences) if "90 minutes" in s.text)
    row, start, end = k.around(i)
    window = k.text_of(k.chunks[row].source)[start:end]
    assert row == k.sentences[i].row
    assert k.sentences[i].text in window and "Marlow v Quay" in window, window
    assert end - start <= 400
    assert "Two safety boats" not in window  # another section is another passage


def test_a_sentence_holds_the_words_of_its_heading(tutor):
    assert_said_together(tutor, "Which case is about right of way?", "Hale v Pennant", "Marlow v Quay")
