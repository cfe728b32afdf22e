"""Section rows: one label across the table that sets the month or the area of the rows under it.

A table may carry its months (or its streets) as rows of their own, one label
merged across the table above each block::

    社区      志愿队伍        志愿者人数
    2024年10月                              <- a section row
    新塘社区  新塘文体志愿队  40
    2024年11月
    新塘社区  新塘文体志愿队  42

A section row is a body row whose only filled cell is a text that ``read``
turns into a value (a month, a known area); each block runs from its section
row down to the next one. Rows above the first section keep the table's own
period and area; a column that says (a 月份 column, a 社区 column) still wins.

>>> import pandas as pd
>>> cells = pd.DataFrame([["社区", "志愿者人数"], ["2024年10月", None], ["新塘社区", 40],
...                       ["2024年11月", None], ["新塘社区", 42]], dtype=object)
>>> labels = lone_labels(cells, np.arange(1, 5), [0, 1])
>>> labels
{1: '2024年10月', 3: '2024年11月'}
>>> find(labels, lambda t: {"period": t}).of(np.arange(1, 5), "period").tolist()
['2024年10月', '2024年10月', '2024年11月', '2024年11月']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from civicstats import table


def lone_labels(cells: pd.DataFrame, rows: np.ndarray, cols) -> dict[int, str]:
    """Rows among ``rows`` whose one filled cell (in ``cols``) is a text: row -> its text.

    Whole-column work: only the rows holding a single cell are looked at one by one.
    """
    if not len(rows):
        return {}
    values = cells.iloc[rows, list(cols)].to_numpy(dtype=object)
    filled = pd.notna(values)
    one = np.flatnonzero(filled.sum(axis=1) == 1)
    out = {}
    for i in one:
        v = values[i][filled[i]][0]
        if isinstance(v, str) and table.text(v):
            out[int(rows[i])] = table.text(v)
    return out


@dataclass(frozen=True)
class Sections:
    """The section rows of a table, top to bottom, and what each says (carried from the ones above)."""

    starts: np.ndarray
    values: tuple[dict[str, str], ...]

    def of(self, rows: np.ndarray, name: str) -> np.ndarray | None:
        """Per row, the ``name`` ('period', 'area') of the section it sits in ('' above the first one);
        None when the table has no section row."""
        if not len(self.starts):
            return None
        above = np.searchsorted(self.starts, rows, side="right")  # 0: above every section row
        return np.array(["", *(v.get(name, "") for v in self.values)], dtype=object)[above]

    def block(self, row: int) -> int:
        """Which block a row sits in: 0 above the first section row, i for the i-th section."""
        return int(np.searchsorted(self.starts, row, side="right"))


def find(labels: dict[int, str], read: Callable[[str], dict[str, str] | None]) -> Sections:
    """The section rows among ``labels`` (a label ``read`` says nothing about is not one); each keeps
    what the sections above it said and it does not change (a month, then an area inside it).

    >>> secs = find({1: "2024年10月", 4: "备注", 6: "2024年11月"}, lambda t: {"period": t[:7]} if "年" in t else None)
    >>> secs.of(np.array([0, 2, 5, 7]), "period").tolist(), secs.block(7)
    (['', '2024年10', '2024年10', '2024年11'], 2)
    """
    starts, values, current = [], [], {}
    for row in sorted(labels):
        if change := read(labels[row]):
            current = {**current, **change}
            starts.append(row)
            values.append(current)
    return Sections(np.array(starts, dtype=int), tuple(values))
