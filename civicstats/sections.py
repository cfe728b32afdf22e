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
period and area.

>>> import pandas as pd
>>> cells = pd.DataFrame([["社区", "志愿者人数"], ["2024年10月", None], ["新塘社区", 40],
...                       ["2024年11月", None], ["新塘社区", 42]], dtype=object)
>>> labels = lone_labels(cells, np.arange(1, 5), [0, 1])
>>> labels
{1: '2024年10月', 3: '2024年11月'}
>>> spans(labels, lambda t: t[-3:])
[(None, -inf, 1), ('10月', 1, 3), ('11月', 3, inf)]
"""

from __future__ import annotations

from collections.abc import Callable

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


def spans(labels: dict[int, str], read: Callable[[str], str | None]) -> list[tuple[str | None, float, float]]:
    """(value, after, before) per block: rows strictly between ``after`` and ``before`` belong to it.

    The first block (value None) holds the rows above the first section row; a label that ``read``
    gives nothing for is not a section row.
    """
    starts = sorted((r, v) for r, t in labels.items() if (v := read(t)))
    if not starts:
        return [(None, -np.inf, np.inf)]
    bounds = [r for r, _ in starts] + [np.inf]
    return [(None, -np.inf, starts[0][0])] + [(v, r, nxt) for (r, v), nxt in zip(starts, bounds[1:], strict=True)]
