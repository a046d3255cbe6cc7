"""A table whose columns are the things: "| Feature | Postbox Standard | Postbox Ordered |".

Its first column ("Ordering", "Price (eu-north)") holds what is said of each thing, not things:
a question asking which queue to use is answered with a column's name, never with a row's label.
A table whose header cells are not written as names ("| Queue | Use case | Limit |") keeps its
rows as things.

Invented material (a fictional messaging product's study notes), ingested with the real
embedder; extractive answers."""

from __future__ import annotations

import pytest

from .conftest import catalog_names, extractive_tutor_on

NOTES = """# Postbox messaging: revision notes

## Postbox Standard vs Postbox Ordered

Postbox Standard is the default queue; Postbox Ordered keeps the order of messages.

| Feature           | Postbox Standard            | Postbox Ordered                    |
|-------------------|-----------------------------|------------------------------------|
| Ordering          | Best-effort                 | Strict, per message group          |
| Delivery          | At least once               | Exactly once                       |
| Throughput        | Nearly unlimited            | 400 calls per second per action    |
| Price (eu-north)  | 0.30 per million requests   | 0.45 per million requests          |

- Pick Postbox Ordered when a payment must never be processed twice.
- Pick Postbox Standard when volume matters more than order.

## Dead letters

| Queue        | Use case                        | Limit        |
|--------------|---------------------------------|--------------|
| Holdbox      | Keeps messages that failed      | 14 days      |
| Returnbox    | Sends failed messages back      | 3 retries    |

- Holdbox is where a message goes after its last failed try; Returnbox hands it back to the sender.
"""


@pytest.fixture(scope="module")
def tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("postbox"), "postbox-notes.md", NOTES)


def test_row_labels_of_a_table_of_things_are_not_things():
    from studyrag.rag.entities import definitions

    table_rows = {d.name for d in definitions(NOTES, ("Postbox messaging",), NOTES.lower()) if d.how == "table"}
    assert not table_rows & {"Price (eu-north)", "Price", "Ordering", "Throughput", "Delivery"}, table_rows
    assert {"Holdbox", "Returnbox"} <= table_rows  # a table whose header names no things keeps its rows


def test_which_question_gets_a_column_not_a_row_label(tutor):
    ans = tutor.ask("A payment must never be processed twice. Which queue should we pick?")
    assert ans.answer.startswith("Answer: Postbox Ordered"), ans.answer
