"""A comparison table whose columns are the things compared is read column by column: each
side gets its own cells under the rows' labels, instead of the header row quoted alone.

Invented notes (a photography course), ingested with the real embedder; extractive answers.
"""

from __future__ import annotations

import pytest

from studyrag.rag import columns

from .conftest import extractive_tutor_on

LENS_NOTES = """# Photography Basics — Lenses

## Focal length

Focal length, in millimetres, decides how much of the scene the lens takes in.

## Prime Lens vs Zoom Lens

Both mount the same way; what differs is whether the focal length can change.

| | Prime lens | Zoom lens |
|---|---|---|
| Focal length | Fixed, one value only | Variable across a range |
| Widest aperture | Very wide, often f/1.8 | Narrower, often f/4 |
| Weight | Light and compact | Heavier, longer barrel |
| Typical use | Portraits in dim light | Events where you cannot move |

A prime lens makes you walk to frame a shot. A zoom lens lets you reframe from where you stand.

## Choosing a lens

| Need | Lens to pick | Why not the other |
|---|---|---|
| Low-light portraits | Prime lens | Zoom lens — narrower aperture |
| Wedding ceremony from the back | Zoom lens | Prime lens — cannot reframe |

## Filters

A polarising filter cuts reflections from water and glass.
"""


@pytest.fixture(scope="module")
def lenses(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("lenses"), "lens-notes.md", LENS_NOTES)


def test_each_side_gets_its_own_column_of_the_table(lenses):
    ans = lenses.ask("Prime lens or zoom lens: what actually separates them?")
    lines = ans.answer.splitlines()
    prime = next(x for x in lines if x.lower().startswith("- **prime"))
    zoom = next(x for x in lines if x.lower().startswith("- **zoom"))
    assert "Fixed, one value only" in prime and "Variable across a range" not in prime, ans.answer
    assert "Variable across a range" in zoom and "Fixed, one value only" not in zoom, ans.answer
    assert "Widest aperture: Very wide" in prime and "Widest aperture: Narrower" in zoom, ans.answer
    assert "A zoom lens lets you reframe" not in prime, ans.answer


def test_a_row_naming_both_things_is_no_header():
    """In a need -> thing table, a body row may name both things; only a table's first line heads it."""
    texts = [line for line in LENS_NOTES.splitlines() if line.strip()]

    class Side:
        def __init__(self, name):
            self.name, self.aliases = name, {name}

    found = columns.find(texts, [Side("Prime lens"), Side("Zoom lens")])
    assert [texts[t.header] for t in found] == ["| | Prime lens | Zoom lens |"]
