"""A whole command written as code is a thing, and the tool it runs is not what a need for it
asks for; a paragraph label the notes repeat ("**Studio tip:**") is no thing taught; a term
defined with a spaced hyphen ("**Bisque firing** - …") is defined there; a grid cell that
names and glosses its own thing, or ends with its term, describes that thing, not its row's;
"What's the command for …?" asks for a thing.

Invented notes (a pottery studio), ingested with the real embedder; extractive answers.
"""

from __future__ import annotations

import pytest

from studyrag.rag.question import parse

from .conftest import extractive_tutor_on, lead

POTTERY_NOTES = """# Pottery Studio — Course Notes

## Firing

Every piece is fired twice in the studio kiln, which the `kilnctl` program drives.

- **Bisque firing** - the first, low firing that hardens dry greenware so it can be handled and glazed without crumbling.
- **Glaze firing** - the second, hotter firing that melts the glaze into a glassy coat.

**Studio tip:** label every shelf before loading, the kiln hides names once it is hot.

```bash
# load the shelves, then
kilnctl start --cone 06
# watch it climb
kilnctl status
```

| Need | Command |
|---|---|
| Slow the climb for thick pots so trapped water escapes without cracking them | `kilnctl ramp --slow 2h` |
| Hold the top temperature so the glaze can smooth out its pinholes | `kilnctl hold --minutes 15` |
| Read what happened during an earlier firing | `kilnctl log <date>` |

## Clay bodies

- **Earthenware** - porous clay fired low; pots need a glaze to hold water.
- **Stoneware** - dense clay fired high; pots hold water without a glaze.
- **Porcelain** - white, translucent clay that warps easily on the wheel.

**Studio tip:** wedge every bag of clay before throwing.

## Glaze faults

| | Too thin | Too thick |
|---|---|---|
| **Runs off the pot** | **Dry matte patch** (the clay body shows through a rough, starved surface) | **Glaze run** (a drip that welds the pot to the kiln shelf) |
| **Stays put** | Pale and streaky colour (**underglazing**) | Cracked, raised flakes that lift off the pot (**crawling**) |

## Wheel work

- **Centering** - pressing the spinning clay into a steady mound before opening it.
- **Trimming** - shaving the leather-hard pot's base to form its foot ring.

**Studio tip:** keep the wheel head wet but never flooded.
"""


@pytest.fixture(scope="module")
def pottery(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("pottery"), "pottery-notes.md", POTTERY_NOTES)


def test_a_whole_command_with_options_is_the_answer_not_the_tool_it_runs(pottery):
    ans = pottery.ask("My bowls have really thick walls and I'm scared they'll crack in the kiln as the water steams out. "
                      "Which command do I run first?")
    assert "kilnctl ramp --slow 2h" in lead(ans), ans.answer


def test_a_command_with_a_placeholder_is_named_without_it(pottery):
    ans = pottery.ask("Last month's firing went wrong and I want to see what the kiln did. Which command shows me?")
    assert "kilnctl log" in lead(ans) and "<date>" not in lead(ans), ans.answer


def test_a_repeated_paragraph_label_is_no_thing_taught(pottery):
    names = {s.name for s in pottery.knowledge.catalog.services}
    assert "Studio tip" not in names and "Bisque firing" in names, sorted(names)


def test_a_term_defined_with_a_spaced_hyphen_is_defined_there(pottery):
    ans = pottery.ask("My greenware is bone dry but too fragile to glaze. Which firing gets it ready?")
    assert "Bisque firing" in lead(ans), ans.answer
    said = {st.signal.split(" - ")[0].strip("*- "): (st.kind, st.targets) for st in pottery.knowledge.signals.statements}
    assert said["Centering"] == ("definition", ("Centering",)), said


def test_a_grid_cell_that_names_and_glosses_its_own_thing_describes_that_thing(pottery):
    ans = pottery.ask("After the glaze firing my pot was stuck fast to the shelf by a drip at its foot. "
                      "What's the term for that fault?")
    assert "Glaze run" in lead(ans), ans.answer


def test_a_grid_cell_that_ends_with_its_term_describes_that_term(pottery):
    ans = pottery.ask("The glaze pulled back into raised flakes that peeled off the bowl. Which fault is that?")
    assert "crawling" in lead(ans).lower(), ans.answer


@pytest.mark.parametrize("text", [
    "What's the command for holding the kiln at its top temperature?",
    "What is the term for pressing the clay into a steady mound?",
])
def test_what_is_the_command_or_term_for_asks_for_a_thing(text):
    assert parse(text).kind(0) == "which"
