"""Notes that teach through nested lists: what a bullet's detail is about, what is a name and
what is only a field label, and a "which <kind>?" question answered with a thing of that kind.

A small invented Markdown text (a home-brewing course) is ingested with the real embedder;
answers are extractive (deciding does not depend on the model)."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

BREW_NOTES = """# Home Brewing — Course Notes

## 1. Vessels

- **Fermenter** — the sealed bucket or carboy where yeast turns wort into beer.
  - Keep it between 18 and 22 °C for ales.
  - Never fill it above 80% or the foam escapes through the airlock.
- **Kettle** — the pot the wort is boiled in for 60 minutes with the hops.
  - Stainless steel or aluminium; at least 30 litres for a 20-litre batch.
- Defaults: `batch: 20 l`, `boil: 60 min`, `pitch: 1 packet`.
- Units: gravity in SG points, colour in EBC.

## 2. Tests

- **HydrometerTest** — floats a hydrometer in a sample to read the sugar left.
  - Repeat it on three days in a row: equal readings mean fermentation has finished.
- **TasteTest** — a sip of the sample before bottling.
  - Sour or vinegary flavours point to an infection; pour the batch away.
- A Fermenter needs cleaning after every batch, and the Kettle after every boil.

## 3. Ingredients

| Hop variety | Alpha acid | Character |
|---|---|---|
| Cascade | 5-7% | grapefruit and flowers |
| Saaz | 3-4% | spicy, earthy |
| Citra | 11-13% | tropical fruit |

- Off-flavours:
  - Diacetyl — buttery, from stressing the yeast.
  - Acetaldehyde — green apple, from bottling too early.

## 4. BottleConditioning

In BottleConditioning, priming sugar added at bottling makes the yeast carbonate each bottle in about two weeks.
"""


@pytest.fixture(scope="module")
def brew_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("brew"), "brew-notes.md", BREW_NOTES)


def test_a_one_word_field_label_is_not_a_thing_taught_but_a_named_term_is(brew_tutor):
    names = {s.name for s in brew_tutor.knowledge.catalog.services}
    assert {"Fermenter", "Kettle", "HydrometerTest", "TasteTest"} <= names
    assert "BottleConditioning" in names  # a heading written like an identifier, used once more
    assert not {"Defaults", "Units"} & names


def test_a_sub_bullet_is_evidence_for_the_term_it_hangs_from(brew_tutor):
    owners = {st.signal: st.targets for st in brew_tutor.knowledge.signals.statements}
    equal = next(t for s, t in owners.items() if "equal readings" in s)
    foam = next(t for s, t in owners.items() if "foam escapes" in s)
    assert equal == ("HydrometerTest",) and foam == ("Fermenter",)


def test_which_test_is_answered_with_a_test(brew_tutor):
    ans = brew_tutor.ask("My readings have not moved for several days and I want to be sure the yeast "
                         "is done before I bottle. Which test tells me that?")
    assert ans.answer.splitlines()[0].startswith("Answer: HydrometerTest"), ans.answer


@pytest.mark.parametrize("question, items", [
    ("What hop varieties can I brew with?", ["Cascade", "Saaz", "Citra"]),
    ("What are the typical off-flavours in home-brewed beer?", ["Diacetyl", "Acetaldehyde"]),
])
def test_a_list_question_gets_the_list_headed_with_what_it_asks_for(brew_tutor, question, items):
    ans = brew_tutor.ask(question)
    assert all(item in ans.answer for item in items), ans.answer
