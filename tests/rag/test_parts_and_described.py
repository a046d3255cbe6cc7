"""Parts of things, things described instead of named, and things a line defines in passing.

A question asking for a part ("what do I configure …", "which <thing> feature …") is answered
with a feature defined inside the winning thing's section, not with the thing as a whole; a
question about the thing still gets the thing. A comparison whose sides are described ("the
card you tap on trains and the service for renting bicycles") compares the two things those
descriptions decide. "Tickets: Single (…), Return (…), and Carnet (…)" defines each item; a
"**X** = …" line is X's statement also when an arrow stands inside it ("(e.g. 3.00 → 2.10)").

Invented notes (a city's transit products), ingested with the real embedder; extractive answers.
"""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on, lead

TRANSIT_GUIDE = """# Harbor City Transit Products — Study Guide

## Metro Card

Metro Card is the reloadable smart card for the metro and the trams: riders tap it on the gate
reader when they enter and again when they leave, and the fare is taken from its stored balance.

- **Auto top-up** — links a bank card so the balance is refilled with 20 dollars whenever it falls under 5 dollars.
- **Fare capping** — stops charging once a rider has paid the price of a weekly pass in seven days; later trips that week are free.
- **Concession profile** — a half-price fare for students and seniors, set once at a service desk with proof of status.

## Bike Share

Bike Share rents bicycles from 400 street docks across the city; a ride starts when a bicycle is
unlocked from a dock and ends when it is returned to any dock.

- **Day pass** — unlimited rides of up to 45 minutes each for 24 hours.
- **Dock alerts** — a phone notification when the dock nearest the rider's destination is full.

## Ferry Link

Ferry Link runs the harbor boats between the four piers every 20 minutes from 6 am to midnight;
tickets are bought at the pier machines and are valid for 90 minutes.

## Ferry fares

Ticket types: Single (one crossing, valid 90 minutes), Return (out and back on the same day), and Carnet (ten crossings at a discount, shareable within a family).

- **Off-peak fare** = the fare for crossings after 7 pm, 30% below the day fare (e.g. 3.00 → 2.10 dollars).
- Day fares apply from 6 am to 7 pm.

## Exam signals

- "refill the balance automatically" → Auto top-up.
- "rent a bicycle from a street dock" → Bike Share.
- "tap a card at the metro gates every day" → Metro Card.
- "cross the harbor by boat" → Ferry Link.
"""


@pytest.fixture(scope="module")
def transit(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("transit"), "transit-guide.md", TRANSIT_GUIDE)


def test_a_question_asking_what_to_configure_gets_the_part(transit):
    ans = transit.ask("I ride the metro to work daily, and a heavy week should never cost me more than "
                      "a weekly pass. What do I configure?")
    assert "Fare capping" in lead(ans), ans.answer


def test_a_question_naming_the_thing_and_asking_for_its_feature_gets_the_feature(transit):
    ans = transit.ask("Which Metro Card feature refills my balance on its own when it runs low?")
    assert "Auto top-up" in lead(ans), ans.answer


def test_a_question_about_the_thing_itself_still_gets_the_thing(transit):
    ans = transit.ask("Which product should a tourist use to rent a bicycle from a street dock and return "
                      "it to any dock later?")
    assert "Bike Share" in lead(ans) and "Day pass" not in lead(ans), ans.answer


def test_a_comparison_of_described_sides_compares_the_things_they_describe(transit):
    ans = transit.ask("How do the card you tap at the metro gates and the service that rents out "
                      "bicycles differ?")
    assert ans.kind == "compare", ans.answer
    assert "Metro Card" in ans.answer and "Bike Share" in ans.answer, ans.answer


def test_an_item_glossed_in_a_listing_line_is_a_thing_of_its_own(transit):
    ans = transit.ask("My family crosses the harbor a lot and wants to buy ten crossings at once at a lower "
                      "price and share them. Which ticket type should we buy?")
    assert "Carnet" in lead(ans), ans.answer


def test_an_equals_definition_with_an_arrow_inside_is_the_things_statement(transit):
    ans = transit.ask("Crossing the harbor after 7 pm in the evening costs me 2.10 dollars instead of 3.00. "
                      "Which fare is that?")
    assert "Off-peak fare" in lead(ans), ans.answer


def test_a_follow_up_asking_which_of_its_parts_would_fit_reads_the_whole_need(transit):
    # "... would fit <the need>": the need after "fit" is the situation, not asking words.
    ans = transit.ask("Which of its features would fit a commuter whose heavy weeks should never cost more "
                      "than a weekly pass?", history=[{"role": "user", "content": "What is the Metro Card?"}])
    assert "Fare capping" in lead(ans), ans.answer
