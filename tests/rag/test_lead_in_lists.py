"""Lists under a lead-in sentence ending with a colon: "The Atlas pass comes in four
tiers:" over short bullets, or "It has three check types:" over numbered lines that explain
each. A question for the list gets the whole list.

A small invented study page (a city museum's membership guide, saved as text) is ingested
with the real embedder; answers are extractive (deciding does not depend on the model)."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

MUSEUM_PAGE = """Riverside Museums — Membership and Visitor Services Study Guide

Atlas Pass — the annual membership

The Atlas Pass is the annual membership of the Riverside Museums group. It opens every gallery of the group without a ticket and is renewed each spring.

The Atlas Pass comes in five tiers:

  • Student
  • Single
  • Duo
  • Family
  • Patron Circle

Members of every tier get the quarterly magazine. Only the Patron Circle tier includes the private evening tours.

Gallery Sentinel — the visitor counting system

Gallery Sentinel counts visitors at each doorway and warns the duty manager before a room gets crowded. It has three alert types:

  1. Occupancy alert — a room holds more visitors than its fire limit allows.
  2. Dwell alert — a group has stayed in front of one fragile exhibit for too long.
  3. Door alert — an emergency exit has been opened while the museum is open.

The duty manager reads every alert on a handheld pager and can silence it for ten minutes.

Curator Desk — the loans register

Curator Desk records every object lent to or borrowed from other museums. Each loan moves through a review status:

  • Proposed — entered by a curator, waiting for the registrar.
  • Agreed — both museums signed the loan contract.
  • Cancelled — the loan will not happen.

Visitor Pulse — the feedback kiosk

Visitor Pulse asks leaving visitors two questions on a touch screen. The kiosk staff also check its screens every morning, and the cleaning team checks the stand every evening.

  • Screens are wiped with a dry cloth.
  • Cables are kept behind the stand.
"""


@pytest.fixture(scope="module")
def museum_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("museum"), "museum-guide.txt", MUSEUM_PAGE)


def test_a_lead_in_and_its_short_items_are_one_sentence(museum_tutor):
    texts = museum_tutor.knowledge.sentence_texts
    tiers = [t for t in texts if "five tiers" in t]
    assert tiers == ["The Atlas Pass comes in five tiers: • Student • Single • Duo • Family • Patron Circle"]
    assert not any(t.startswith("• Duo") for t in texts)


@pytest.mark.parametrize("question, items", [
    ("What tiers can you buy the Atlas Pass in?", ["Student", "Single", "Duo", "Family", "Patron Circle"]),
    ("atlas pass - what are all five levels of it?", ["Student", "Duo", "Patron Circle"]),
    ("What three kinds of warnings does the visitor counting system raise?",
     ["Occupancy alert", "Dwell alert", "Door alert"]),
    ("When a loan gets entered in Curator Desk, what review statuses can it end up with?",
     ["Proposed", "Agreed", "Cancelled"]),
])
def test_a_list_question_gets_the_list_under_its_lead_in(museum_tutor, question, items):
    ans = museum_tutor.ask(question)
    assert not ans.refused, ans.answer
    missing = [x for x in items if x not in ans.answer]
    assert not missing, ans.answer


def test_a_lead_in_list_is_quoted_exactly(museum_tutor):
    ans = museum_tutor.ask("What tiers can you buy the Atlas Pass in?")
    quote = next(c.quote for c in ans.citations if "five tiers" in c.quote)
    assert quote in MUSEUM_PAGE and quote.endswith("Patron Circle")

