"""A thing's own section speaks for it: a bullet with no subject of its own is about the
section's thing even when it names another thing in passing, and a heading that spells its
name out in brackets ("HMS (Hive Monitoring Scale)") is that one thing's section.

Invented Markdown notes (beekeeping equipment), ingested with the real embedder; answers are
extractive (deciding does not depend on the model)."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

BEE_NOTES = """# Beekeeping Equipment Notes

## 1. Hive hardware

### Langstroth hive
- **Langstroth hive** — stacked boxes with removable frames; the standard for honey production.
- The Langstroth hive needs lifting of heavy supers, up to 25 kg each.

### Top-bar hive
- **Top-bar hive** — one long horizontal box, bars instead of frames; no heavy lifting.
- The Top-bar hive gives less honey than a Langstroth hive.

## 2. Monitoring

### HMS (Hive Monitoring Scale)
- Collects the weight of every colony in the apiary (Langstroth hive, Top-bar hive) into one phone app, hour by hour, and alerts when a swarm leaves.
- Needs a level stand and a solar panel in remote apiaries.

### SBC (Smoker Board Count)
- Counts the mites that fall onto a sticky board under the mesh floor over three days.
- Gives a mite load per day, compared against a treatment threshold.

### Smoker
- **Smoker** — burns pine needles or hessian to calm the bees before a hive is opened.
- The Smoker must be lit away from dry grass.
"""


@pytest.fixture(scope="module")
def bees(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("bees"), "bee-notes.md", BEE_NOTES)


def test_a_heading_that_spells_out_its_name_is_that_things_section(bees):
    k = bees.knowledge
    owners = {k.section_service[r].name for r, c in enumerate(k.chunks)
              if r in k.section_service and k.section_service[r] is not None and "mite" in c.text}
    assert owners == {"SBC"}, owners  # not a section about both SBC and the Smoker


def test_a_subjectless_bullet_speaks_for_its_sections_thing_not_for_what_it_mentions(bees):
    ans = bees.ask("My apiary is two hours away. I want the weight of all my colonies gathered in one "
                   "phone app. Which equipment should I install?")
    assert not ans.refused and "HMS" in ans.answer.split("\n")[0], ans.answer


def test_what_are_the_maximum_durations_asks_for_facts():
    from studyrag.rag.question import parse

    q = parse("For a four-week season, what are the maximum durations of the smoking and the inspection?")
    assert q.kind(0) == "fact" and q.kind(2) == "fact"


def test_how_do_two_things_differ_compares_those_two_not_a_third_named_in_passing(bees):
    ans = bees.ask("For a remote apiary with an HMS already running, how do the Langstroth hive and "
                   "the Top-bar hive differ?")
    head = ans.answer.split("\n")[0]
    assert ans.kind == "compare" and "Langstroth hive" in head and "Top-bar hive" in head, ans.answer
    assert "HMS" not in head, head
