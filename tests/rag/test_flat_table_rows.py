"""A table saved without its cell borders (a web page's table, as in the seed guide's .txt format).

- Each row opens with the thing it describes: the rest of the line is evidence for that row's
  thing, not for the section's umbrella.
- A sentence of the section that names one of its rows is about that row ("… is the Reach
  Stacker signal").
- "What kind of crane …?" about one row's job is answered with that row, never with the
  umbrella ("Terminal Crane Fleet"); `decide.part_of_kind`'s doctest holds the umbrella case.

Invented port-equipment notes in the seed's plain-text layout, ingested for real; answers are
extractive."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

GUIDE = """portnotes .io revision pages
Vol. II

Terminal Crane Fleet — moving boxes between ship and quay

The Terminal Crane Fleet is the set of machines a container terminal uses to lift boxes on and off ships and
around the yard. Every terminal runs several kinds, and the exam asks which one fits a job.
The Terminal Crane Fleet keeps boxes moving in the yard, stacking them between blocks until a truck
or a ship takes them. It is planned per terminal, and its machines run on tyres, rails or tracks.

Crane Reach Typical job Limits
Ship-to-Shore Crane 22 rows across a vessel Loads and unloads ocean-going ships at the berth Fixed to quay rails, cannot leave the berth
Rubber-Tyred Gantry 6 stacks plus a truck lane Stacks boxes in the yard and moves between blocks on tyres Slow between blocks, diesel or cable power
Reach Stacker 3 rows deep Picks boxes from the front of a stack and drives them anywhere on site Light lifts only, cannot reach the back rows
Mobile Harbour Crane 40 metres Serves small ports without fixed cranes, drives along the quay Slower cycle than a Ship-to-Shore Crane

Exam tip: a Ship-to-Shore Crane never leaves its berth and a Mobile Harbour Crane drives along
the quay. A Rubber-Tyred Gantry works the yard blocks. A Reach Stacker is cheap and goes anywhere.
A small empty-box depot with no rails and narrow lanes is the Reach Stacker signal.
The Terminal Crane Fleet is inspected every twelve months by the port authority.

Pilot Service — bringing ships into the harbour

The Pilot Service puts a local pilot aboard every large ship before it enters the harbour. The
Pilot Service knows the channel's depths and currents and steers the ship to its berth.

Customs Scanners — checking boxes at the gate

Customs Scanners X-ray boxes on trucks at the terminal gate. Customs Scanners flag a box for a
manual search when its image does not match its papers.
"""


@pytest.fixture(scope="module")
def port_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("port"), "port-equipment-guide.txt", GUIDE)


def _lead(answer) -> str:
    return answer.answer.split("\n", 1)[0]


def test_a_flat_row_is_evidence_for_its_own_thing(port_tutor):
    k = port_tutor.knowledge
    rows = {st.targets for st in k.signals.statements if st.chunk_kind == "table"}
    assert ("Rubber-Tyred Gantry",) in rows and ("Reach Stacker",) in rows
    assert k.parent_of.get("Reach Stacker") == "Terminal Crane Fleet"


def test_a_sentence_naming_a_row_is_about_that_row(port_tutor):
    said = [st.targets for st in port_tutor.knowledge.signals.statements if "empty-box depot" in st.signal]
    assert said and all(t == ("Reach Stacker",) for t in said)


def test_what_kind_of_is_answered_with_a_row_not_the_umbrella(port_tutor):
    answer = port_tutor.ask("Our terminal needs something to stack boxes out in the yard and roll between "
                            "the blocks on tyres. What kind of crane is that?")
    assert "Rubber-Tyred Gantry" in _lead(answer)
    assert "Terminal Crane Fleet" not in _lead(answer)
