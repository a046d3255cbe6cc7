"""A follow-up that points at a noun of its own ("that list") after a question whose answer
decided nothing: the last question's thing does not stand in for the noun ("Ledger map
list"); the last question's words help find the passage, and the follow-up is answered from it.

Invented notes on a made-up storage library, in Markdown; answers are extractive."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """# Quill storage library notes

## Ledger map

The **Ledger map** is Quill's sorted dictionary. It keeps its keys in order by storing them in a skip list, so a
range scan walks the bottom level from the first key to the last. Lookups, inserts and deletes take O(log n) on average.
The Ledger map can grow its trace output through three levels: quiet, normal and verbose.

## Skip list

A **skip list** stacks sorted linked lists on top of each other; each key is promoted to the next level with
probability one half. With n keys the expected number of levels is about log2(n), and Quill caps it at 32 levels.

## Hash bag

The **Hash bag** stores unordered keys in open-addressing buckets and resizes when it is 70 % full.

## Write-ahead log

Every change is appended to the write-ahead log before it touches the Ledger map, so a crash loses nothing that was acknowledged.
"""


@pytest.fixture(scope="module")
def quill_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("quill"), "quill-notes.md", NOTES)


def test_that_noun_is_not_replaced_by_the_last_questions_thing(quill_tutor):
    history = [{"role": "user", "content": "How does the Ledger map keep its keys in order?"}]
    ans = quill_tutor.ask("and how many levels can that list grow to for n keys?", history=history)
    first = ans.answer.split("[2]")[0]
    assert not ans.refused and "log2(n)" in first and "verbose" not in first, ans.answer


def test_that_noun_stays_in_the_standalone_question(quill_tutor):
    """Read with the material's own catalog: "that list" stays, the last question's thing is
    only added as the topic; a decided answer ("Answer: Skip list") still stands in for it."""
    from studyrag.rag.followup import standalone

    catalog = quill_tutor.knowledge.catalog
    asked = {"role": "user", "content": "How does the Ledger map keep its keys in order?"}
    quoted = {"role": "assistant", "content": "It keeps its keys in order by storing them in a skip list. [1]"}
    follow = standalone("so how many levels does that list have?", [asked, quoted], catalog)
    assert "that list" in follow.text and "Ledger map list" not in follow.text, follow
    decided = {"role": "assistant", "content": "Answer: Skip list [1]"}
    follow = standalone("so how many levels does that list have?", [asked, decided], catalog)
    assert follow.text.startswith("so how many levels does Skip list"), follow

