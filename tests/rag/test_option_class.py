"""A "which of these are X?" item is answered by where the material files each option.

Notes file things under classes by their layout: a parent bullet over its kinds ("**Leavened
breads** – …" over Brioche and Focaccia), a table column that says Yes or No ("Enriched?"). A
"Choose two" that names the class picks the two options filed under it, not the two whose
sentences read closest to the stem or the thing the stem's words point to most.

Invented material (a baker's revision notes), ingested with the real embedder."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """# Bread baking: revision notes

*Notes for the baking certificate, level 2.*

## Families of bread

- **Leavened breads** – the dough rises with yeast or a sourdough starter before baking.
  - **Brioche**: a soft loaf with a golden crumb, baked in fluted tins.
  - **Focaccia**: a flat oven bread dimpled by hand and dressed with oil and salt.
- **Unleavened breads** – the dough is rolled out and baked at once, without any rise.
  - **Matzo**: a thin cracker-like sheet baked in under eighteen minutes.
  - **Chapati**: a whole-wheat disc cooked on a hot tawa and puffed over a flame.

## Loaves compared

| Bread | Crust | Enriched? | Proving time |
|---|---|---|---|
| Brioche | Soft, glossy | Yes | 2 hours |
| Focaccia | Crisp base | No | 1 hour |
| Matzo | Brittle | No | none |
| Chapati | Blistered | No | none |
| Challah | Soft, glazed | Yes | 2 hours |

## Oven notes

- A focaccia bakes hot and fast; brioche needs a lower oven so its butter does not burn.
- Chapati and focaccia are both served warm, and flatbreads of every kind dry out quickly.
- Brioche dough is chilled overnight so that the butter firms up and the dough can be shaped.
"""


@pytest.fixture(scope="module")
def tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("bread"), "bread-notes.md", NOTES)


def test_the_parent_item_files_its_kinds(tutor):
    ans = tutor.ask("Which of these are unleavened breads? (Choose two.)",
                    options={"A": "Brioche", "B": "Matzo", "C": "Focaccia", "D": "Chapati"})
    assert ans.choice == ["B", "D"], ans.answer


def test_a_yes_no_column_files_its_rows(tutor):
    ans = tutor.ask("Which two of these loaves are enriched? (Choose two.)",
                    options={"A": "Focaccia", "B": "Challah", "C": "Chapati", "D": "Brioche"})
    assert ans.choice == ["B", "D"], ans.answer
