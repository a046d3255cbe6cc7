"""A follow-up pointing back ("when was that signed?") at a thing the last question called only by
its kind ("the pact it agreed with the River League"), which the quoted answer then named.

- "That" is the pact the answer names ("Pact of Orvale"), not what its first quote
  happens to name (the Toll War).
- The last question's other words ("River League", "gave up") would pull the search to another
  passage that shares them (the Charter of Kell); the name the answer gave is searched instead.

Invented guild-history notes in Markdown; answers are extractive."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """# Harbour Guild history notes

## The guild wars

The Salt Guild and the River League fought the **Toll War** over the harbour tolls for seven
years. Merchants called the quarrel "Tolls, Wharves and Bread".

By the **Pact of Orvale**, signed on 12 May 1409, the Salt Guild gave up the northern wharves,
two toll bridges and its fishing rights, losing about a third of its income.

The **Truce of Dunmere** had paused the fighting for one winter, from November 1407.

## The lake war

The River League gave up its lake forts and paid a heavy fine to the Lantern Company under
the **Charter of Kell**, which was signed on 9 June 1412 in the hall of the Lantern Company.
The River League also lost its seat on the harbour council.

## The Lantern Company

The **Lantern Company** kept the harbour lights and collected a levy from every ship that
entered after dark.
"""


@pytest.fixture(scope="module")
def guild_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("guild"), "guild-history-notes.md", NOTES)


def test_that_is_the_thing_the_answer_named_for_the_last_questions_noun(guild_tutor):
    first_question = "What did the Salt Guild give up in the pact it signed with the River League?"
    first = guild_tutor.ask(first_question)
    assert "Pact of Orvale" in first.answer, first.answer
    history = [{"role": "user", "content": first_question}, {"role": "assistant", "content": first.answer}]
    answer = guild_tutor.ask("when was that signed?", history=history)
    assert "12 May 1409" in answer.answer.split("[1]")[0], answer.answer
