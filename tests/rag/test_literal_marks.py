"""A material whose own text holds "[2]" (an index in code, a reference list) is quoted without
that "[2]" reading as citation 2: every marker an answer shows resolves to one of its
citations, and every quote is still the source text at [start:end].

A small invented study note (a spreadsheet-scripting course, Markdown) is ingested with the
real embedder; answers are extractive."""

from __future__ import annotations

import re

import pytest

from .conftest import extractive_tutor_on

SHEET_NOTES = """# Sheet Scripting 101 — Revision Notes

## 1. Ranges and cells

- A **range** is a block of cells read in one call; reading cell by cell is slow.
- Rows come back as a list of lists: `rows[2]` is the third row, because counting starts at zero.
- The last row is `rows[-1]`; asking for `rows[9]` on a five-row range raises an error.

## 2. Triggers

- A **time-driven trigger** runs a function on a schedule, at most once a minute.
- An **edit trigger** runs when a user changes a cell; it cannot send email on its own.
"""


@pytest.fixture(scope="module")
def sheet_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("sheets"), "sheet-scripting-notes.md", SHEET_NOTES)


def test_a_bracketed_number_in_a_quote_is_not_a_citation_marker(sheet_tutor):
    ans = sheet_tutor.ask("When I read a range, which row does rows[2] give me and why?")
    assert "third row" in ans.answer, ans.answer
    ids = {c.id for c in ans.citations}
    shown = {int(n) for n in re.findall(r"\[(\d+)\]", ans.answer)}
    assert shown and shown <= ids, (shown, ids, ans.answer)
    for c in ans.citations:
        assert sheet_tutor.knowledge.text_of(c.source)[c.start:c.end] == c.quote
