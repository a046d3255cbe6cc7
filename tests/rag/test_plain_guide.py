"""A plain-text guide's own structure: tables without bars, "X is a ..." definitions,
sentences that point back with "It", a FAQ's subject, lists after a lead-in colon, and
names the guide never uses.

A small invented guide (a city's transit network) is ingested with the real embedder;
answers are extractive (deciding does not depend on the model)."""

from __future__ import annotations

import pytest

from .conftest import catalog_names, extractive_tutor_on

TRANSIT_GUIDE = """Riverton Transit Study Guide

How to use this page

This page covers the tickets, services and rules of the Riverton transit network for the driver exam.

Day Rover

Day Rover is a paper ticket for unlimited rides on buses and trams until midnight on the day it is stamped. It costs 7 dollars and is not valid on the Airport Shuttle.

Flexi Card

Flexi Card is a rechargeable smart card that deducts each fare as you tap in. Its daily spending is capped at the price of a Day Rover, so frequent riders never overpay. It also works on the Night Owl buses after midnight and on the Riverton Harbour Ferry. Cards can be registered online and blocked if lost.

Riverton Harbour Ferry

Riverton Harbour Ferry is a commuter boat between the old port and the university pier, every twenty minutes from 6 am. Bicycles travel free on the Harbour Ferry outside rush hours.

Night Owl and Airport Shuttle

The Night Owl buses run every hour between midnight and 5 am on the four main lines. The Airport Shuttle is an express coach from the central station to the terminal every fifteen minutes. Luggage racks on the Airport Shuttle take two suitcases per rider.

Other services

Kerbside Express is a door-to-door minibus for riders with reduced mobility, booked by phone a day ahead. Drivers help riders with wheelchairs on and off the minibus, and Kerbside Express costs the same as a single fare. Kerbside Express minibuses also stop at the Airport Shuttle terminal on request.

Fare zones compared

Zone | Covers | Single fare | Transfer window
Zone A | City centre and the old town | 2 dollars | 60 minutes
Zone B | Inner suburbs and the university | 3 dollars | 90 minutes
Zone C | Outer suburbs and the airport | 5 dollars | 120 minutes

A trip that crosses from Zone A into Zone C is charged at the Zone C fare. Inside Zone A and Zone B riders may change lines freely, and the university pier is in Zone B.

Concessions

Reduced fares cut every single fare by half. A concession can be claimed by:
  • Students — with a valid university card
  • Seniors — aged 65 and over
  • Jobseekers — with a letter from the benefits office

Frequently asked questions

1. Do I need a Flexi Card if I already have a Day Rover?
Only if you also plan to ride to the terminal by coach, which the paper ticket does not cover.

2. Can I take a bicycle on a tram?
No. Folding bicycles are allowed on trams only when they are folded and bagged.

Summary

Riverton sells the Day Rover for a day of unlimited rides and the Flexi Card for pay-as-you-go travel.
"""


@pytest.fixture(scope="module")
def transit(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("transit"), "transit-guide.txt", TRANSIT_GUIDE)


def test_table_rows_without_bars_and_is_a_sentences_name_things(transit):
    names = catalog_names(transit)
    assert {"Zone A", "Zone B", "Zone C"} <= names  # first cells of a bar-less table
    assert "Zone" not in names and "Covers" not in names  # its header row is no thing
    assert "Kerbside Express" in names  # "Kerbside Express is a door-to-door minibus ..."


def test_a_heading_joining_two_names_is_not_a_third_thing(transit):
    names = catalog_names(transit)
    assert {"Night Owl", "Airport Shuttle"} <= names
    assert "Night Owl and Airport Shuttle" not in names


def test_a_thing_is_also_found_by_its_last_words(transit):
    found = transit.knowledge.catalog.find("Does the Harbour Ferry take bicycles?")
    assert [s.name for s in found] == ["Riverton Harbour Ferry"]


def test_it_in_a_things_own_section_is_that_thing(transit):
    def targets(opening):
        return [st.targets for st in transit.knowledge.signals.statements if st.signal.startswith(opening)]

    # names the Night Owl and the ferry, but the sentence is about the card its section teaches
    assert targets("It also works on the Night Owl") == [("Flexi Card",)]
    # a FAQ's answer is about what its question asks of, not about what it mentions
    assert targets("Only if you also plan to ride") == [("Flexi Card",)]


def test_a_which_question_finds_a_thing_defined_only_by_an_is_a_sentence(transit):
    # The decision itself: on a text this small the refusal floors are high (docs/any-material.md).
    from studyrag.rag.decide import decide
    from studyrag.rag.signals import scenario_text

    k = transit.knowledge
    situation = scenario_text("My grandmother uses a wheelchair and needs to be picked up at her front "
                              "door tomorrow morning. Which service should she book?", k.catalog.prefixes)
    svec = k.embedder.embed_queries([situation])[0]
    hits = k.retriever.search(situation, qvec=svec, k=6)
    assert decide(k, svec, hits, query=situation).services == ("Kerbside Express",)


def test_a_list_after_a_lead_in_colon_answers_a_list_question(transit):
    ans = transit.ask("Which three groups of riders can claim a concession fare?")
    for item in ("Students", "Seniors", "Jobseekers"):
        assert item in ans.answer, ans.answer


def test_each_thing_a_fact_question_names_gets_its_own_row(transit):
    ans = transit.ask("What are the transfer windows in Zone A and Zone C?")
    assert "60 minutes" in ans.answer and "120 minutes" in ans.answer, ans.answer


def test_a_question_about_a_name_the_guide_never_uses_is_refused(transit):
    assert transit.ask("How do I reserve a seat on the Riverton Monorail?").refused
    ans = transit.ask("How do I block a lost Flexi Card?")
    assert not ans.refused and "blocked if lost" in ans.answer, ans.answer


def test_a_table_row_is_matched_in_its_headers_words(transit):
    rows = [st for st in transit.knowledge.signals.statements if st.targets == ("Zone C",)]
    assert any(st.signal.startswith("Covers: Outer suburbs and the airport. Single fare: 5 dollars") for st in rows)


def test_a_follow_up_to_a_question_sent_without_its_answer_points_to_what_it_decided(transit):
    history = [{"role": "user", "content": "Which ticket also works on the Night Owl buses after midnight?"}]
    ans = transit.ask("Can it be blocked if I lose it?", history=history)
    assert not ans.refused and "blocked if lost" in ans.answer, ans.answer


def test_the_asked_kind_leaves_out_the_name_it_belongs_to():
    from studyrag.rag.catalog import Service
    from studyrag.rag.engine import _kind_beyond_names

    cloud = Service("Cloud Storage", "cloud storage", True)
    assert _kind_beyond_names(frozenset({"cloud", "storage", "class"}), [cloud]) == {"class"}
    levels = Service("Isolation Levels", "isolation level", True)
    assert _kind_beyond_names(frozenset({"isolation", "level"}), [levels]) == {"isolation", "level"}
