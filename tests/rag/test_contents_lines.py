"""A table of contents repeats each heading once; that is no use of a name. A chapter heading
that the text uses only once more ("2. PUMPS AND FILTERS", listed in the contents and in the
exam's objectives) is not a thing; the things its chapter teaches are.

Invented pond-keeping guide, the catalog built by the real code from its passages."""

from __future__ import annotations

from studyrag.rag.catalog import Catalog

PASSAGES = [
    "ON THIS PAGE\n- 1. Pond liners\n- 2. Pumps and filters\n- 3. Plants",
    "Objectives:\n- Choose pond liners: 30%\n- Size pumps and filters: 40%\n- Pick plants: 30%",
    "A box filter sits beside the pond; water trickles through foam and bio-media back to the pond.",
    "A box filter must sit higher than the pond, since its water returns by gravity.",
    "A pressurised filter can be buried out of sight and still push water up to a waterfall.",
    "Clean a pressurised filter's foams monthly by backwashing.",
]
HEADINGS = ["1. POND LINERS", "2. PUMPS AND FILTERS", "2.1 Box filter", "2.2 Pressurised filter", "3. PLANTS"]


def test_a_heading_repeated_only_by_the_contents_is_no_thing():
    catalog = Catalog.from_texts(PASSAGES, HEADINGS)
    assert catalog.get("Pressurised filter") is not None
    assert catalog.get("Box filter") is not None
    assert catalog.get("PUMPS AND FILTERS") is None
