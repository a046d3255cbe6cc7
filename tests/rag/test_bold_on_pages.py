"""A saved web page marks the terms it teaches in bold (<strong>) inside running prose; those
terms are things of the material, as bold terms of Markdown notes are.

Invented material (a sourdough course page in plain <div>s), ingested with the real embedder;
extractive answers."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

PAGE = """<!doctype html><html><head><title>Sourdough starter care</title></head><body>
<div class="page">
<h1>Sourdough starter care</h1>
<h2>Feeding routines</h2>
<p>A starter is fed on a routine that suits the kitchen. Three routines are taught on this course.
<strong>Discard feeding</strong>, the everyday routine, keeps 20 g of starter and refreshes it with equal weights
of flour and water every morning. <strong>Stiff levain</strong>, kept at 50 % hydration, slows a starter that
peaks too early in a warm summer kitchen, because the firm dough ferments more slowly.
<strong>Rye boost</strong>, one spoon of wholemeal rye flour, wakes a sluggish starter after a week in the fridge.</p>
<h2>Storing a starter</h2>
<p>A starter kept in the fridge needs feeding once a week. Before a holiday, dry a thin layer on baking paper,
crumble it and keep the flakes in a jar for up to a year.</p>
<h2>Reading the jar</h2>
<p>A starter is ready to bake with when it has doubled and its surface is domed and full of bubbles. A layer of
grey liquid on top means it is hungry: pour it off and feed it.</p>
</div></body></html>
"""


@pytest.fixture(scope="module")
def page_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("sourdough"), "sourdough-starter-care.html", PAGE)


def test_bold_terms_in_prose_are_things(page_tutor):
    catalog = page_tutor.knowledge.catalog
    assert {"Discard feeding", "Stiff levain", "Rye boost"} <= {s.name for s in catalog.services}


def test_a_which_question_is_answered_with_a_bold_term(page_tutor):
    ans = page_tutor.ask("It's summer, my kitchen is hot and the starter peaks way too early now. "
                         "Which routine slows it down?")
    assert ans.answer.startswith("Answer: Stiff levain"), ans.answer
