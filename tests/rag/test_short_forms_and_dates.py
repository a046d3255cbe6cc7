"""A material's own short forms, dates and attribute rows: "Colony collapse disorder (CCD)"
in a heading and "CCD" in a table are one thing, shown with both names; a timeline's dates
and the row labels of a table whose columns are the things ("Main source") are not things;
a comparison quotes the sentence that goes on about a side ("It fills the brood nest …").

A small invented study note (a beekeeping course, Markdown) is ingested with the real
embedder; answers are extractive (deciding does not depend on the model)."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

BEE_NOTES = """# Apiculture 210 — Revision Notes

## 1. Colony health

### 1.1 Colony collapse disorder (CCD)
- Workers vanish from an otherwise healthy hive, leaving the queen, the brood and full stores behind.
- Suspected drivers are mites, viruses, pesticide exposure and poor forage, often together.

### 1.2 Varroa mite load (VML)
- The load is the number of mites counted per 100 bees in an alcohol wash.
- A load above 3 in late summer calls for treatment before the winter bees are raised.

## 2. Diagnosis table

| Sign | Likely cause | First check |
|---|---|---|
| CCD | Sudden loss of adult workers | Count the frames covered by bees |
| VML | Deformed wings on newly hatched bees | Alcohol wash of 300 bees |
| Chalkbrood | White mummified larvae in the cells | Look for damp combs |

## 3. Honey flows compared

| | Spring flow | Summer flow |
|---|---|---|
| Main source | Fruit blossom and dandelion | Clover and lime trees |
| Colony mood | Swarming is likely | Calm and busy |
| Harvest | Light honey that sets quickly | Dark honey that stays runny |

- **Spring flow** starts when the fruit trees bloom. It fills the brood nest fast, so the colony often swarms unless the keeper adds space.
- **Summer flow** is the main crop of the year. It comes from clover and lime and gives most of the honey harvested.
- Check the colony mood before you open a hive: the main source of nectar that week decides it.

## 4. Swarm control

**Swarm control** — everything a keeper does in May and June to stop a colony leaving; good swarm control keeps the crop at home.

### 4.1 The options
- **Demaree method** — the queen goes into a new box below a queen excluder and the brood is lifted above it.
  - It breaks up the crowding that triggers swarming without making a second colony.
- **Artificial swarm** — the old queen and the flying bees go to a new hive left on the old site.
  - It copies a natural swarm, so the colony loses the urge to leave.

### 4.2 Queen clipping
- Clipping one wing stops the queen flying off with a swarm, so the bees return to the hive.

## 5. Hive types

**Hives** — the boxes a colony lives in; they differ mostly in how the combs hang inside them.

| Hive | Combs hang from | Best for |
|---|---|---|
| Langstroth hive | Removable wooden frames | Large honey crops and moving boxes |
| Top-bar hive | Bars across the top, no frames | Cutting out comb honey with little kit |
| Warré hive | Bars in small boxes added below | Keepers who inspect rarely |

- The **Langstroth hive** is the commercial standard.
- A **Top-bar hive** is cheap to build from scrap timber.
- A **Warré hive** grows downwards, the way a wild colony builds.

## 6. Timeline of the county association
- 14 May 1921 – the county beekeepers' association is founded
- 3 March 1947 – the first county honey show is held in the market hall
- 9 September 1978 – the association opens its teaching apiary
"""


@pytest.fixture(scope="module")
def bee_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("bees"), "apiculture-notes.md", BEE_NOTES)


def test_a_short_form_in_a_heading_and_its_own_table_row_are_one_thing(bee_tutor):
    catalog = bee_tutor.knowledge.catalog
    assert catalog.get("CCD") is None and [s.name for s in catalog.find("signs of CCD")] == ["Colony collapse disorder"]
    ans = bee_tutor.ask("The workers just disappeared from one of my hives but the queen and all the honey "
                        "are still there. What is this called?")
    assert ans.answer.splitlines()[0].startswith("Answer: Colony collapse disorder (CCD)"), ans.answer


def test_dates_and_attribute_rows_are_not_things(bee_tutor):
    names = {s.name for s in bee_tutor.knowledge.catalog.services}
    assert not names & {"14 May 1921", "3 March 1947", "9 September 1978", "May", "March", "September"}, names
    assert not names & {"Main source", "Colony mood", "Harvest"}, names
    assert {"Spring flow", "Summer flow"} <= names


def test_a_chapter_is_not_the_answer_for_what_its_subsections_teach(bee_tutor):
    ans = bee_tutor.ask("What's the name of the method where the queen is put in a box under an excluder "
                        "and the brood is lifted above her?")
    assert ans.answer.splitlines()[0] == "Answer: Demaree method [1]", ans.answer


def test_a_plural_naming_the_kind_of_other_things_is_not_an_answer(bee_tutor):
    hives = [s for s in bee_tutor.knowledge.catalog.services if s.name in ("Hives", "Hive")]
    assert all(s.generic for s in hives), hives
    ans = bee_tutor.ask("Which hive has just bars across the top and no frames, so you can cut out the comb?")
    assert ans.answer.splitlines()[0].startswith("Answer: Top-bar hive"), ans.answer


def test_a_when_question_is_answered_from_the_timeline(bee_tutor):
    ans = bee_tutor.ask("When was the first county honey show?")
    assert not ans.refused and "3 March 1947" in ans.answer, ans.answer


def test_a_comparison_quotes_the_sentence_that_goes_on_about_a_side(bee_tutor):
    ans = bee_tutor.ask("spring flow vs summer flow, what's the real difference for the colony?")
    assert "It fills the brood nest fast" in ans.answer, ans.answer
    quote = next(c.quote for c in ans.citations if "It fills the brood nest" in c.quote)
    assert quote in BEE_NOTES and "**Spring flow** starts when" in quote
