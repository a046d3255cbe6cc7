"""Which-questions whose answer is a function written as code, or a setting of a named thing.

- A function or method the notes write as code in several places ("`blend(a, b)`") is a
  thing they teach, so "which function …?" is answered with it.
- "Which <thing> setting …?" is never answered with the thing itself: when no part of it is
  known, the sentence that says the setting answers, with the sentence before it when it
  points back ("If a brew outlasts it, …").

A small invented study note (a tea-shop scripting course, Markdown) is ingested with the real
embedder; answers are extractive."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

TEA_NOTES = """# Teapot Scripting — Revision Notes

## 1. Leaf lists

- `blend(a, b)` mixes two leaf lists and returns a new list; both inputs are left exactly as they were.
- `sift()` removes broken leaves from a list in place and returns None.
- Reach for `blend(a, b)` when the original lists are needed later, and for `sift()` when memory is tight.
- `weigh()` returns the weight of a list in grams, as a float.
- Remember: `sift()` changes the list you pass, `blend(a, b)` never does, and `weigh()` only reads.

## 2. The Brew Queue

The **Brew Queue** holds tea orders until a brewer takes one. Orders wait at most three days before they are dropped.
The hold period hides a taken order from the other brewers for 45 seconds by default. If a brew outlasts it, another brewer receives the same order and the customer gets two identical pots.
Brewers take up to ten orders at a time from the Brew Queue, and an order that fails five times moves to the spill tray.

## 3. Timers

- A **steep timer** rings when the leaves have steeped for the set time.
- A **cool-down timer** blocks the next pour from the same pot for two minutes.
"""


@pytest.fixture(scope="module")
def tea_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("tea"), "teapot-scripting-notes.md", TEA_NOTES)


def _lead(answer: str) -> str:
    return answer.strip().split("\n", 1)[0]


def test_a_function_written_as_code_is_an_answer(tea_tutor):
    ans = tea_tutor.ask("I need both of my original leaf lists afterwards. Which function gives me a mixed list "
                        "without touching the two inputs?")
    lead = _lead(ans.answer)
    assert lead.startswith("Answer:") and "blend(a, b)" in lead, ans.answer


def test_a_setting_of_a_named_thing_is_not_the_thing(tea_tutor):
    ans = tea_tutor.ask("Brews run long now and customers keep receiving the same order twice. "
                        "Which Brew Queue setting is most likely the culprit?")
    lead = _lead(ans.answer)
    assert not lead.startswith("Answer: Brew Queue"), ans.answer
    assert "hold period" in lead, ans.answer
