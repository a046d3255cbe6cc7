"""Comparison tables whose columns are the things compared, read column by column.

Study notes often set two things against each other in a table with one column each:

    | | Green tea | Black tea |
    |---|---|---|
    | Leaves | Unoxidised | Fully oxidised |
    | Water | 75-80 °C | Boiling |

Read as sentences, the header row says nothing and each row mixes both sides. Read by column,
each side gets its own cells, each under its row's label: "Green tea: Leaves: Unoxidised;
Water: 75-80 °C". The header is found among the material's sentences (one per table line);
its rows are the table lines that follow it.

>>> cells("| | Green tea | **Black tea** |")
['', 'Green tea', 'Black tea']
>>> cells("Leaves | Unoxidised | Oxidised")
['Leaves', 'Unoxidised', 'Oxidised']
>>> cells("Green tea is unoxidised.") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studyrag.rag.entities import BARE_ROW_RE

MAX_ROWS = 5  # a longer table: the rows nearest the question, in the table's order
SEPARATOR_RE = re.compile(r"^[\s|:\-]+$")


@dataclass(frozen=True)
class ColumnTable:
    header: int  # sentence index of the header row
    columns: tuple[int, ...]  # per side, the column that describes it
    rows: tuple[int, ...]  # sentence indexes of the body rows, in order


def cells(text: str) -> list[str] | None:
    """The cells of a table line ("| a | b |" or "a | b"), emphasis dropped; None for prose."""
    line = text.strip()
    if not (line.startswith("|") or BARE_ROW_RE.match(line)):
        return None
    return [re.sub(r"[*_`]+", "", c).strip() for c in line.strip("|").split("|")]


def names_side(cell: str, side) -> bool:
    """Does a header cell name the side? Whole, or by the side's own words ("Periodic" for
    the Periodic inventory system, "Symmetric encryption" for Symmetric), with at most one
    word more ("AWS Glue ETL job" names a job, not Glue).

    >>> class Side: name, aliases = "Periodic inventory system", {"Periodic inventory system"}
    >>> names_side("Periodic", Side()), names_side("Perpetual", Side())
    (True, False)
    """
    if not cell:
        return False
    pattern = getattr(side, "pattern", None)
    if pattern is not None:  # a side the material has no name for: its words
        return bool(pattern.search(cell))
    words = set(re.findall(r"\w{3,}", cell.lower()))
    for name in {side.name, *side.aliases}:
        own = set(re.findall(r"\w{3,}", name.lower()))
        if cell.lower() == name.lower() or words and own and (words <= own or own <= words and len(words - own) <= 1):
            return True
    return False


def find(sentence_texts: list[str], sides: list) -> list[ColumnTable]:
    """The tables whose header (a table's first line) gives each side a column of its own
    (not the first, which labels the rows), with at least two rows under each.

    >>> class Side:
    ...     def __init__(self, name): self.name, self.aliases = name, {name}
    >>> texts = ["Tea notes.", "| | Green tea | Black tea |", "|---|---|---|", "| Leaves | Unoxidised | Oxidised |",
    ...          "| Water | 75-80 °C | Boiling |", "Steep briefly."]
    >>> find(texts, [Side("Green tea"), Side("Black tea")])
    [ColumnTable(header=1, columns=(1, 2), rows=(3, 4))]
    """
    found = []
    for i, text in enumerate(sentence_texts):
        head = cells(text)
        if head is None or len(head) < len(sides) + 1 or i and cells(sentence_texts[i - 1]) is not None:
            continue
        columns = [next((c for c in range(1, len(head)) if names_side(head[c], side)), None) for side in sides]
        if None in columns or len(set(columns)) < len(sides):
            continue
        rows = []
        for j in range(i + 1, len(sentence_texts)):
            if cells(sentence_texts[j]) is None:
                break
            if not SEPARATOR_RE.match(sentence_texts[j]):
                rows.append(j)
        if len(rows) >= 2:
            found.append(ColumnTable(i, tuple(columns), tuple(rows)))
    return found


def side_cells(row_text: str, column: int) -> tuple[str, str] | None:
    """(row label, the side's cell) of one body row; None when the cell is empty.

    >>> side_cells("| Water | 75-80 °C | Boiling |", 2)
    ('Water', 'Boiling')
    """
    row = cells(row_text) or []
    if column >= len(row) or not row[column]:
        return None
    return row[0], row[column]


def row_cells(line: str) -> list[str]:
    """A table line's cells, "|"-separated or set apart by runs of spaces, emphasis dropped.

    >>> row_cells("| **Oolong** | partly oxidised |"), row_cells("Oolong    partly oxidised")
    (['Oolong', 'partly oxidised'], ['Oolong', 'partly oxidised'])
    """
    from studyrag.rag.entities import ALIGNED_CELL_SEP_RE

    return cells(line) or [re.sub(r"[*_`]+", "", c).strip() for c in ALIGNED_CELL_SEP_RE.split(line.strip())]


def words_of(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower())) - {"a", "an", "the", "of"}


def said_of(src: str, start: int, name: str) -> str | None:
    """What the table row at ``start`` says of ``name`` (all of its words in one cell): for the
    row's own label, the rest of the row under its column headers; for a later cell, the row's
    label and that cell's column. None outside a table, or when no cell holds the name.

    >>> src = "| Tea | Water | Kept by |\\n|---|---|---|\\n| Green tea | 75-80 °C | tin, jar |\\n"
    >>> said_of(src, src.index("| Green"), "green tea"), said_of(src, src.index("| Green"), "jar")
    ('Water: 75-80 °C; Kept by: tin, jar', 'Green tea, Kept by')
    """
    from studyrag.rag.entities import table_lines

    lines = table_lines(src, start)
    if not lines or len(lines) < 2:
        return None
    head, row = row_cells(lines[0]), row_cells(lines[-1])
    wanted = words_of(name)
    for c, cell in enumerate(row):
        if wanted and wanted <= words_of(cell):
            if c == 0:
                return "; ".join(f"{head[j] if j < len(head) else ''}: {row[j]}" for j in range(1, len(row)))
            return f"{row[0]}, {head[c] if c < len(head) else ''}"
    return None

