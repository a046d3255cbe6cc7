"""Names joined by "and", things defined in lower case, and the parts a table lists.

- "Loans and Returns Ledger" is one name when its halves are not used on their own; it is
  not read as "Loans" plus "Returns Ledger".
- "Hold queues are the Shelfwise feature that …" makes "Hold queues" a thing, though the text
  writes it in lower case after its first word.
- A table under a thing's heading lists its parts: "Which Guard rule …?" is answered with
  the row that says it, never with the Guard itself.
- "All of the following are … EXCEPT" is answered by the list under a line with the stem's
  words: the option none of its items names.

Invented library-software notes in Markdown, ingested for real; answers are extractive."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """# Shelfwise library system revision notes

## Loan Explorer — charts of past loans

Loan Explorer draws charts of the loans a branch has already made, grouped by genre, with a
forecast of next month's demand. Use it to see trends at a glance.

## Loans and Returns Ledger (LRL) — the most detailed record

The Loans and Returns Ledger lists every single loan and return, hour by hour, with the copy
barcode and the reader card, and it is written as a file you can load into a spreadsheet or a
database. Nothing is drawn until you query it yourself.

## Loan Explorer vs Loans and Returns Ledger

- Loan Explorer answers "which genre grew last term?" with a chart.
- The Loans and Returns Ledger is the raw, line-by-line record for your own analysis.

## Holds

Hold queues are the Shelfwise feature that keeps the next returned copy of a title for the
reader first in line. A reader is told by text message when the copy is waiting, and it stays
on the hold shelf for seven days.

## Shelfwise Guard — rules for the counter

Shelfwise Guard checks every loan at the counter against the branch's rules before the copy
leaves the building. One set of rules can be shared by every branch of a library.

| Rule | What it catches |
|---|---|
| Overdue lock | Readers with a copy more than 30 days late cannot borrow another |
| Fine cap | Stops fines growing past the price of the copy |
| Quiet hours | Blocks self-service loans while the building is closed |
| Age check | Keeps titles marked adult-only away from junior cards |

Shelfwise Guard writes a line to the audit log each time a rule stops a loan.

## Reader badges

Shelfwise awards four reader badges, shown on the reader's card page:

1. **Bookworm**: fifty loans within one calendar year, counted across every branch.
2. **Night owl**: ten loans collected after eight in the evening at a late-opening branch.
3. **Early bird**: ten loans collected before nine in the morning on weekdays.
4. **Globetrotter**: loans from five different branches of the same library.
"""


@pytest.fixture(scope="module")
def shelf_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("shelf"), "shelfwise-notes.md", NOTES)


def _lead(answer) -> str:
    return answer.answer.split("\n", 1)[0]


def test_a_name_joined_by_and_is_one_thing(shelf_tutor):
    names = {s.name for s in shelf_tutor.knowledge.catalog.services}
    assert "Loans and Returns Ledger" in names
    assert not {"Returns Ledger", "Loans"} & names
    answer = shelf_tutor.ask("we need every single loan, hour by hour, as a file to crunch in a spreadsheet. "
                             "which shelfwise record is that?")
    assert "Loans and Returns Ledger" in _lead(answer)


def test_a_thing_defined_in_lower_case_is_an_answer(shelf_tutor):
    assert "Hold queues" in {s.name for s in shelf_tutor.knowledge.catalog.services}
    answer = shelf_tutor.ask("A reader is first in line for a title and wants the next returned copy kept "
                             "for her. Which feature does that?")
    assert "Hold queues" in _lead(answer)


def test_which_feature_of_a_named_thing_is_one_of_its_table_rows(shelf_tutor):
    answer = shelf_tutor.ask("Teenagers keep walking out with books meant for grown-ups. "
                             "Which Shelfwise Guard rule stops that?")
    assert "Age check" in _lead(answer)
    assert "Shelfwise Guard" not in _lead(answer)


def test_except_is_the_option_the_stems_list_leaves_out(shelf_tutor):
    answer = shelf_tutor.ask("All of the following are Shelfwise reader badges EXCEPT:",
                             options={"A": "Night owl", "B": "Quiet hours", "C": "Globetrotter", "D": "Early bird"})
    assert answer.choice == ["B"]
