"""Notes that define each term in a bold paragraph ("**Pollarding** – …"), then add sentences
and a short list under it ("- Example: …", "- Risk: …"): those sentences and list lines are
about the term, not about the chapter they sit in, and a label that opens a list line under
every term ("Example") is no thing to answer with.

Invented tree-care revision notes in Markdown; answers are extractive."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """# Tree care revision notes

## 1. Planting

Plant bare-root trees between November and March. Water a new tree weekly for its first two summers. Stake a tall tree low on the stem for one year.

## 2. Pruning

Pruning removes branches to shape a tree, keep it safe or control its size. Most deciduous trees are pruned in late winter.

**Pollarding** – cut every branch back to the same points on the trunk. It keeps avenue trees small under power lines for decades.
- Example: a town's avenue of limes cut back every second winter.
- Risk: a neglected pollard grows heavy limbs that split.

**Crown lifting** – remove the lowest branches of the crown. Buses and lorries then pass underneath.
- Example: an oak over a bus route, raised to 5 metres.

**Coppicing** – cut the whole tree to a stump near the ground. Many straight stems regrow.
- Example: hazel cut every seven years for bean poles and hurdles.

## 3. Pests

Aphids suck sap from young shoots. Ladybirds eat aphids. Vine weevil grubs eat roots in pots.
"""


@pytest.fixture(scope="module")
def tree_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("definition-paragraphs"), "tree-care-notes.md", NOTES)


def test_a_list_label_is_no_thing(tree_tutor):
    assert tree_tutor.knowledge.catalog.get("Example") is None
    assert tree_tutor.knowledge.catalog.get("Pollarding") is not None


def test_a_scenario_told_by_a_terms_example_gets_that_term(tree_tutor):
    ans = tree_tutor.ask("The council trims the limes along our avenue every second winter so they stay small "
                         "under the power lines. What is this called?")
    assert ans.answer.startswith("Answer: Pollarding"), ans.answer
