"""Numbered table rows, questions that ask for values without saying "how", and opposite follow-ups.

- A table whose first column only numbers its rows ("| 3 | Pupa | …") names each row by its
  next cell: those names are things a "which …?" question can be answered with.
- "list the … pls", "rough temperatures for …?", "roughly what does … cost?" ask for facts,
  answered with the sentences that hold them, not with a name.
- "and the weaker one?" after a question on the strong version asks it of the weak one.

Invented beekeeping notes in Markdown, ingested for real; answers are extractive."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """# Beekeeping revision notes

## Hive types

| # | Hive type | Frames | Typical keeper |
|---|---|---|---|
| 1 | National hive | 11 frames with short lugs in a square box | Most hobbyists in Britain |
| 2 | Langstroth hive | 10 frames with long lugs, the most common size worldwide | Commercial beekeepers |
| 3 | Warré hive | Top bars only, new boxes added underneath | Natural beekeepers |
| 4 | Long hive | One horizontal box of bars, no frames to lift | Keepers with bad backs |

A swarm is usually hived in a National hive or a Langstroth hive; the Long hive suits those who
never want to lift a box, and the Warré hive those who want to leave the comb alone.

## The brood nest

The brood nest is kept at 34-35 °C all year round while there is brood; the winter cluster
lets its core fall to about 20 °C when there is none. A full-size colony in summer holds 40,000
to 60,000 workers.

## Buying bees

A nucleus colony (nuc) of five frames costs roughly 180 to 250 pounds in spring. A package of
loose bees with a mated queen costs about 120 pounds and builds up more slowly.

## Castes

The three castes are the **queen**, the **workers** and the **drones**. Only the queen lays
fertilised eggs; drones come from unfertilised eggs and never sting.

## Swarm control

The swarm-control rule comes in two versions. The strong version, known as the
**Demaree split**, moves all the brood above a queen excluder so the queen starts again below.
The weak version, known as the **Snelgrove board method**, only diverts the flying bees with a
board of small doors and leaves the brood where it is.
"""


@pytest.fixture(scope="module")
def bee_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("bees"), "beekeeping-revision-notes.md", NOTES)


def test_a_row_numbered_in_its_first_cell_is_named_by_its_next_cell(bee_tutor):
    ans = bee_tutor.ask("Which hive type is one horizontal box of bars, so there are no frames to lift?")
    assert ans.answer.splitlines()[0].startswith("Answer: Long hive"), ans.answer


@pytest.mark.parametrize("question, fact", [
    ("list the castes pls", "drones"),
    ("rough temperatures for the brood nest, with and without brood?", "34-35 °C"),
    ("roughly what does a nucleus colony cost in spring?", "180 to 250 pounds"),
])
def test_a_question_asking_for_a_value_without_how_gets_the_sentence_that_holds_it(bee_tutor, question, fact):
    ans = bee_tutor.ask(question)
    assert not ans.answer.startswith("Answer:") and fact in ans.answer, ans.answer


def test_a_follow_up_asking_for_the_opposite_swaps_the_word_it_opposes(bee_tutor):
    history = [{"role": "user", "content": "What's the strong version of the swarm-control rule called?"},
               {"role": "assistant", "content": bee_tutor.ask("What's the strong version of the swarm-control rule called?").answer}]
    ans = bee_tutor.ask("and the weaker one?", history=history)
    assert "Snelgrove" in ans.answer.splitlines()[0], ans.answer
