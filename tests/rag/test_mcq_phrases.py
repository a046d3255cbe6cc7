"""A multiple-choice item whose right option is a phrase of the material, not a named thing,
against distractors that name things the material teaches: the thing the question is about
is not among the options, so a distractor's thing, far below it, earns its option little.

The invented museum study page of test_lead_in_lists.py, with a section on receipts; answers
are extractive (the options are scored from the material, not by the model)."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on
from .test_lead_in_lists import MUSEUM_PAGE

RECEIPTS = """
Lantern Till — the shop and café register

Lantern Till runs every shop and café register of the group. Lantern Till prints a hidden microtext stamp on each receipt it issues, so staff can tell a genuine receipt from a forged one at the returns desk. Refunds over 50 euros need a supervisor's card.

Ticket Vault — the online ticket store

Ticket Vault sells timed tickets for the special exhibitions and stores every buyer's order history for two years. Ticket Vault sends a reminder e-mail the day before the visit.
"""


@pytest.fixture(scope="module")
def museum_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("museum-mcq"), "museum-guide.txt", MUSEUM_PAGE + RECEIPTS)


def test_the_phrase_that_does_it_beats_a_thing_that_only_sits_nearby(museum_tutor):
    ans = museum_tutor.ask(
        "Visitors hand in paper proofs of purchase at the returns counter, and a few turn out to be "
        "home-printed copies. Which feature lets the team check that a proof is real?",
        options={"A": "Ticket Vault order history", "B": "hidden microtext stamp",
                 "C": "Gallery Sentinel door alerts", "D": "Curator Desk loan records"})
    assert ans.choice == ["B"], ans.answer
