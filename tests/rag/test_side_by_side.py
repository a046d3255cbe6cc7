"""A comparison section that describes each side in turn is quoted side by side: each side's
opening sentence and, for each, the sentence on the point asked ("It is stateful" beside
"It is stateless"), so neither side is left out.

Invented notes (a tea course), ingested with the real embedder; extractive answers.
"""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

TEA_NOTES = """# Tea Course — Notes

## Processing

Every tea starts as the same leaf; processing decides what it becomes.

## Green Tea vs Black Tea

Green tea is heated soon after picking, which stops the leaf from browning. It keeps a grassy, fresh taste and a pale cup. It is brewed cooler, around 75 degrees, for two minutes at most. Green tea keeps for about six months once opened. Most green tea here comes from Japan and China.

Black tea is rolled and left to oxidise fully before it is dried. It turns dark and tastes malty, often with notes of honey. It is brewed with boiling water for four to five minutes. Black tea keeps for two years in a sealed tin. Breakfast blends are almost always black tea.

## Storage

Keep every tea away from light, air and strong smells.
"""


@pytest.fixture(scope="module")
def tea(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("tea"), "tea-notes.md", TEA_NOTES)


def test_each_side_of_a_comparison_section_is_quoted_on_the_point_asked(tea):
    ans = tea.ask("Green vs black tea: how differently do I brew them, water temperature and time?")
    text = ans.answer
    assert "Green tea is heated" in text and "Black tea is rolled" in text, text
    assert "75 degrees" in text and "boiling water" in text, text
