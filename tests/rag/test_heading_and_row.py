"""A name that a heading gives and a summary table's row repeats is a thing the material
teaches, though its running text never says it again ("### 1) Gravel bed – the cheapest base"
and the row "| Gravel bed | … |").

Invented shed-building notes in Markdown; the catalog and the answer come from the real index."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """# Garden shed notes

## Bases

### 1) Gravel bed – the cheapest base
- Dig out 100 mm, lay a weed membrane and tamp in 20 mm crushed stone.
- Drains freely, so the floor joists stay dry; fine for sheds up to 8 x 6 feet.

### 2) Concrete slab – the strongest base
- 75 mm of concrete on 100 mm of hardcore, with a damp-proof membrane between them.
- Takes a week to cure before the shed can go on it.

### 3) Plastic grid – the quickest base
- Interlocking recycled-plastic cells pegged to level ground and filled with pea shingle.
- Two people can lay one in an afternoon with no digging.

## Summary

| Base | Cost | Time | Load |
|---|---|---|---|
| Gravel bed | lowest | a day | light sheds |
| Concrete slab | highest | a week | workshops |
| Plastic grid | middle | an afternoon | light sheds |
"""


@pytest.fixture(scope="module")
def shed_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("shed"), "shed-notes.md", NOTES)


def test_a_heading_its_summary_row_repeats_is_a_thing(shed_tutor):
    catalog = shed_tutor.knowledge.catalog
    assert catalog.get("Gravel bed") is not None
    assert catalog.get("Plastic grid") is not None


def test_such_a_thing_answers_a_which_question(shed_tutor):
    ans = shed_tutor.ask("we need a shed base down by tonight, no digging allowed. which base?")
    assert ans.answer.startswith("Answer: Plastic grid"), ans.answer
