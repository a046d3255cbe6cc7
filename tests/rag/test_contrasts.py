"""Comparisons whose sides the question leaves unnamed are answered from the comparison the
material draws itself: its "X vs Y" section or its "X vs Y" line, quoted.

Invented notes (home brewing), ingested with the real embedder; extractive answers.
"""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on, lead

BREWING_NOTES = """# Home Brewing — Course Notes

## Yeast

Yeast turns the sugars of the wort into alcohol and carbon dioxide; the strain decides the
temperature of the ferment and much of the flavour.

- **Top-fermenting strains** — rise to the surface, work at 18 to 22 degrees, finish in about a week.
- **Bottom-fermenting strains** — settle at the bottom, work at 8 to 12 degrees, need weeks of cold storage.

## Ale yeast vs lager yeast

Ale yeast ferments warm and fast and leaves fruity esters in the beer. Lager yeast ferments
cold and slowly and gives a clean, crisp taste after a long conditioning period. Pick ale
yeast without a cold cellar; pick lager yeast only when the fermenter can be kept under 12 degrees.

## Hops

Hops give bitterness, aroma and preservation; the time they spend in the boil decides which.

- **Bittering additions** go in at the start of a 60-minute boil.
- **Aroma additions** go in for the last 5 minutes.
- **Dry hopping vs late boil hopping**: dry hopping adds hops to the cooled beer in the fermenter for aroma without bitterness, vs late boil hopping which still extracts a little bitterness from the heat.

## Sanitising

Everything that touches cooled wort must be sanitised; star-shaped foam sanitisers need no
rinsing and take two minutes of contact time.

## Bottling

Priming sugar, 6 grams per litre, is added before bottling so the beer carbonates in the bottle
over two weeks at room temperature.
"""


@pytest.fixture(scope="module")
def brewing(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("brewing"), "brewing-notes.md", BREWING_NOTES)


def test_a_comparison_of_unnamed_sides_quotes_the_materials_comparison_section(brewing):
    ans = brewing.ask("My fermenter sits in a warm garage. What actually separates the two kinds of "
                      "brewing microbes the course covers, temperature-wise and in taste?")
    assert lead(ans) == "Comparison: Ale yeast vs lager yeast", ans.answer
    assert "fruity esters" in ans.answer and "crisp" in ans.answer, ans.answer
    assert ans.kind == "compare" and ans.citations


def test_a_comparison_of_unnamed_sides_quotes_the_materials_comparison_line(brewing):
    ans = brewing.ask("How are the two ways of adding hops near or after the end of brewing different?")
    assert lead(ans) == "Comparison: Dry hopping vs late boil hopping", ans.answer
    assert "without bitterness" in ans.answer


def test_a_question_that_asks_no_difference_is_not_answered_with_a_comparison(brewing):
    ans = brewing.ask("How long does the bottled beer need to carbonate at room temperature?")
    assert not lead(ans).startswith("Comparison"), ans.answer
    assert "two weeks" in ans.answer


def test_a_scenario_that_mentions_a_difference_but_asks_which_is_not_a_comparison(brewing):
    ans = brewing.ask("Our beer tastes different from last year's batch and the garage is warm all summer. "
                      "Which kind of yeast suits a warm fermenter?")
    assert not lead(ans).startswith("Comparison"), ans.answer
