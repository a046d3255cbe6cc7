"""How a student's Markdown notes say what their things are: "(b) Name — …" list items, a
bold name with an arrow to what it gives ("**Espresso** → a 30 ml shot"), a formula that
computes a name from others, headings that only label worked examples, and a cram-list
line that lists the asked number of things.

Invented notes (coffee brewing), ingested with the real embedder; answers are extractive
(deciding does not depend on the model)."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on, lead

COFFEE_NOTES = """# Coffee Brewing — Revision Notes

## 1. Brew methods

1. **(a) Pour-over** — hot water poured by hand through a paper filter; a clean cup and full control of the flow.
2. **(b) French press** — coarse grounds steeped for four minutes, then a metal mesh plunger is pushed down; heavy body and some sediment.
3. **(c) Cold brew** — coarse grounds steeped in cold water for 12 to 24 hours; low acidity and a smooth, sweet taste.

Pour-over, French press and Cold brew all start from beans ground just before brewing.

### Worked example — Hilltop Cafe
Hilltop serves 300 cups a day from two grinders and one kettle station; the French press is kept for tables of four.

### Worked example — Riverside Kiosk
The kiosk sells 120 iced drinks a day and makes its Cold brew the evening before, in 20-litre batches.

## 2. Extraction

- **Espresso** → a concentrated 30 ml shot pulled in about 25 seconds under 9 bar of pressure.
- **Lungo** → the same dose pulled long, about 60 ml, thinner and more bitter.
- **Brew ratio** = Coffee dose ÷ Water weight; a ratio of 1:16 suits most filter brews.
- **Extraction yield** — the share of the dose that dissolves into the cup; aim for 18 to 22 percent.

## 3. Grinders

- **Burr grinder** — two abrasive burrs crush beans to an even size; the choice for espresso.
- **Blade grinder** — a spinning blade chops beans unevenly; cheap, but the cup turns muddy.

## 4. Cram list

- Grind sizes: coarse / medium / fine / extra-fine.
- Espresso = 9 bar, 25 seconds, 30 ml.
"""


@pytest.fixture(scope="module")
def coffee(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("coffee"), "coffee-notes.md", COFFEE_NOTES)


def test_a_lettered_list_item_defines_its_thing(coffee):
    ans = coffee.ask("I want something smooth with hardly any acidity, made by soaking the grounds overnight "
                     "in the fridge. Which brew method?")
    assert not ans.refused and "Cold brew" in lead(ans), ans.answer


def test_a_bold_name_with_an_arrow_is_what_the_arrow_gives(coffee):
    ans = coffee.ask("I need a tiny, very strong drink made in under half a minute at high pressure. "
                     "Which drink is that?")
    assert not ans.refused and "Espresso" in lead(ans), ans.answer


def test_headings_that_only_label_worked_examples_are_not_things(coffee):
    names = {s.name for s in coffee.knowledge.catalog.services}
    assert "Worked example" not in names
    assert {"Pour-over", "French press", "Cold brew"} <= names, names


def test_a_line_listing_the_asked_number_of_things_is_quoted(coffee):
    ans = coffee.ask("What are the four grind sizes?")
    assert not ans.refused and "coarse / medium / fine / extra-fine" in ans.answer, ans.answer


def test_a_line_opening_with_a_list_of_names_is_not_a_definition_of_the_first(coffee):
    stmts = coffee.knowledge.signals.statements
    about_list = [st for st in stmts if "all start from beans" in st.signal]
    defining = [st for st in stmts if st.kind == "definition"]
    assert defining and all(st.kind != "definition" for st in about_list), about_list
