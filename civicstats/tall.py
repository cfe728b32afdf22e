"""Tall (long) tables: one row per figure, the measure named in a cell of the row.

Offices that keep a register rather than a form write one line per figure::

    序号  社区        月份     指标        数值   单位   备注
    1     工人路社区  2024.10  居民合伙人  15     人
    2     工人路社区  2024.10  物资金额    1.5    万元

The **name column** is a column whose cells name two or more measures of the
domain (the indicator rule of ``civicstats.indicators``); **value columns**
are the columns right of it whose header says "the value" (数值, 本期数 …) or
names a month, an area or a group (``indicators.classify``); a **unit column**
(单位, 计量单位) gives each row its unit. Each row's name and unit are then read
exactly as a column header would be (``headers.resolve``): 物资金额 in 万元 is
``funds_yuan`` times 10,000, 志愿者人数 in 小时 a unit conflict, 本月新增… a flow,
``其中：普惠`` the part of the row above. The other columns (社区, 月份, 志愿队伍)
are context read per row, as in any table.

>>> import pandas as pd
>>> from civicstats.table import Table
>>> cells = pd.DataFrame([["社区", "指标", "数值", "单位"], ["天悦社区", "志愿者人数", 42, "人"],
...                       ["天悦社区", "物资金额", 1.5, "万元"]], dtype=object)
>>> t = Table(header=range(0, 1), names={0: ("社区",), 1: ("指标",), 2: ("数值",), 3: ("单位",)},
...           body=np.array([1, 2]))
>>> shape = find(cells, t, "volunteers")
>>> shape.name, sorted(shape.values), shape.unit
(1, [2], 3)
>>> [(c.name, c.factor) for c in row_headers(cells, t.body, shape)]
[('volunteers', 1.0), ('funds_yuan', 10000.0)]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from civicstats import headers, indicators, table, vocab
from civicstats.headers import Column


@dataclass(frozen=True)
class Shape:
    """Where a tall table keeps each row's measure name, its values and its unit."""

    name: int
    values: dict[int, indicators.Value]
    unit: int | None = None
    never: frozenset[int] = frozenset()
    """Columns right of the name that are never loaded (合计, 上年同期): skipped quietly."""

    @property
    def columns(self) -> set[int]:
        """The columns the shape accounts for (the others are context, or skipped, as in any table)."""
        return {self.name, *self.values, *([self.unit] if self.unit is not None else []), *self.never}


def find(cells: pd.DataFrame, t: table.Table, domain: str) -> Shape | None:
    """The tall shape of a table, or None: a name column and at least one value column right of it."""
    for c in sorted(t.names):
        if headers.resolve(t.names[c]).kind == "context" or not _names_measures(cells, t.body, c, domain):
            continue
        kinds = {o: indicators.classify(t.names[o]) for o in sorted(t.names) if o > c}
        values = {o: v for o, v in kinds.items() if v is not None and v.kind == "value"}
        units = [o for o, v in kinds.items() if v is not None and v.kind == "unit"]
        never = frozenset(o for o in kinds if indicators.never_loaded(t.names[o]))
        if values:
            return Shape(c, values, units[0] if units else None, never)
    return None


def _names_measures(cells, rows, col, domain) -> bool:
    labels = {indicators.label_text(v) for v in pd.unique(cells.iloc[rows, col].to_numpy(dtype=object))
              if isinstance(v, str)}
    named = {h.name for t in labels if not t.startswith("其中")
             and (h := headers.resolve((t,))).kind == "measure" and h.domain == domain}
    return len(named) >= indicators.MIN_INDICATORS


def _is_ratio(unit: str) -> bool:
    return headers.units().get(vocab.normalize_text(unit), ("",))[0] == "ratio"


def row_headers(cells: pd.DataFrame, rows: np.ndarray, shape: Shape) -> list[Column]:
    """What each row's name (with its unit, and for a 其中 row the name above it) says, row by row."""
    names = [indicators.label_text(v) for v in cells.iloc[rows, shape.name].to_numpy(dtype=object)]
    units = ([table.text(v) for v in cells.iloc[rows, shape.unit].to_numpy(dtype=object)]
             if shape.unit is not None else [""] * len(rows))
    out, parent = [], ""
    for name, unit in zip(names, units, strict=True):
        parts = (parent, name) if name.startswith("其中") and parent else (name,)
        parent = parent if name.startswith("其中") else name
        if not name or _is_ratio(unit):  # a share (%) is never a count: no record, no issue
            out.append(Column(None, why="ratio" if name else ""))
        else:
            out.append(headers.resolve(parts + ((f"({unit})",) if unit else ())))
    return out


def groups(cells: pd.DataFrame, rows: np.ndarray, shape: Shape) -> list[tuple[Column, np.ndarray]]:
    """The rows grouped by what their name says (one measure, unit and part each), first seen first.

    >>> cells = pd.DataFrame([["指标", "数值"], ["服务时长", 3], ["志愿者人数", 2], ["服务时长", 4]], dtype=object)
    >>> [(c.name, r.tolist()) for c, r in groups(cells, np.array([1, 2, 3]), Shape(0, {1: None}))]
    [('service_hours', [1, 3]), ('volunteers', [2])]
    """
    by: dict[Column, list[int]] = {}
    for r, head in zip(rows, row_headers(cells, rows, shape), strict=True):
        by.setdefault(head, []).append(int(r))
    return [(head, np.array(rs, dtype=int)) for head, rs in by.items()]
