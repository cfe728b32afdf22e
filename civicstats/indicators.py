"""Indicator tables: the measures are row labels, the numbers sit in value columns.

Statistics offices often lay a return out transposed::

    项目            计量单位  本期数          指标        计量单位  城厢街道  北干街道  合计
    计划新增托位      个      600           居民合伙人      人       48       52     100
    其中：普惠        个      360           团体合伙人      个       30       41      71
    新增托位完成比例   %     153.8%

A column whose cells name two or more measures of the domain is the label
column. Each run of indicator rows is a block with its own header row (the
text row just above it) and its own title lines (一、…（2024年3月）). Each
column right of the labels is classified by its header as data:
``COLUMN_WORDS`` below says which header words mean "the value of this
period", which name a unit column, and which are never loaded (上年同期, 同比,
合计); an area name or a month in the header gives the value's area or period.
A ``其中：`` row is the part of the measure row above it; ratio rows load nothing.

>>> import pandas as pd
>>> cells = pd.DataFrame([["项目", "计量单位", "本期数"], ["计划新增托位", "个", 600],
...                       ["其中：普惠", "个", 360], ["已完成新增托位", "个", 923],
...                       ["完成比例", "%", "50%"]], dtype=object)
>>> [(b.header, b.rows, sorted(b.columns)) for b in find_blocks(cells, "childcare")]
[(0, [1, 2, 3], [1, 2])]
>>> [measure_of(cells, r, 0, "childcare")[0] for r in (1, 2, 3, 4)]
['slots_target', 'inclusive_slots_target', 'slots_added', None]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from civicstats import headers, places, table, vocab
from civicstats.values import parse_period

LABEL_COLUMNS = 3
"""Indicator labels are looked for in the first few columns only (序号 may come first)."""
MIN_INDICATORS = 2
"""A column is the label column when it names at least this many measures of the domain."""

COLUMN_WORDS = {
    "value": ("本期数", "本期", "本月数", "本月", "当月", "数值", "数量", "数据", "指标值", "完成数", "实际数",
              "累计数", "累计", "现有数", "截至本月", "截至月底", "当前数", "统计数", "填报数", "数"),
    "unit": ("计量单位", "单位"),
    "never": ("上年同期", "去年同期", "同比", "环比", "增减", "增长", "比上月", "上月", "目标值", "备注",
              "说明", "合计", "总计", "小计"),
}
"""Header words of a value column, a unit column, and columns never loaded (checked in that order
of specificity: 'never' first, since 上月 contains 月)."""

_NUMBERING = re.compile(r"^([(（]?[一二三四五六七八九十0-9]{1,3}[)）、.．]|[0-9]{1,2}\s)\s*")
_AREA_SUFFIX = re.compile(r"(街道|社区|村|镇|乡)$")


@dataclass(frozen=True)
class Value:
    """What a value column's header says about its numbers."""

    kind: str  # "value" | "unit"
    area: str = ""
    period: str = ""
    month: int = 0
    group: str = ""  # a team or provider named as the column (文明劝导队)


@dataclass
class Block:
    """One run of indicator rows with its header row, title lines and value columns."""

    header: int
    """The lowest header row (the one right above the indicator rows)."""
    rows: list[int]
    columns: dict[int, Value] = field(default_factory=dict)
    above: list[str] = field(default_factory=list)
    label: int = 0
    top: int = -1
    """The first header row: parent headers (天悦社区 merged over 2024年5月 | 2024年6月) sit above."""


def label_text(value) -> str:
    """A row label without its numbering (``1.居民合伙人``, ``（一）计划新增托位``).

    >>> label_text("（一）计划新增托位"), label_text("2.其中：普惠")
    ('计划新增托位', '其中：普惠')
    """
    return _NUMBERING.sub("", table.text(value))


def measure_of(cells: pd.DataFrame, row: int, col: int, domain: str):
    """(measure, header Column) of an indicator row, or (None, Column); a 其中 row reads its parent."""
    text = label_text(cells.iat[row, col])
    if not text:
        return None, headers.Column(None)
    parts = (text,)
    if text.startswith("其中"):
        for r in range(row - 1, -1, -1):
            above = label_text(cells.iat[r, col])
            if above and not above.startswith("其中"):
                parts = (above, text)
                break
    c = headers.resolve(parts)
    return (c.name if c.kind == "measure" and c.domain == domain else None), c


def _never(text: str) -> bool:
    return any(w in vocab.normalize_text(text) for w in COLUMN_WORDS["never"])


def never_loaded(parts) -> bool:
    """Whether a column header says its numbers are never loaded (合计, 上年同期, 同比 …).

    >>> never_loaded(("北干街道", "合计")), never_loaded(("天悦社区",))
    (True, False)
    """
    return any(_never(p) for p in parts)


def classify(parts) -> Value | None:
    """What a value column's header parts (top to bottom) say: None when it is not one.

    Any part saying 'never' (合计, 上年同期) rules the column out; a unit part makes it the unit
    column; otherwise the lowest part naming an area, a month or a group gives it.

    >>> classify(("天悦社区", "2024年5月"))
    Value(kind='value', area='天悦社区', period='2024-05', month=0, group='')
    >>> classify(("北干街道", "合计")), classify(("文明劝导队",)).group, classify(("计量单位",)).kind
    (None, '文明劝导队', 'unit')
    """
    if never_loaded(parts):
        return None
    found = [v for v in map(_classify, parts) if v is not None]
    if not found:
        return None
    if any(v.kind == "unit" for v in found):
        return Value("unit")

    def lowest(name, empty):
        return next((x for v in reversed(found) if (x := getattr(v, name))), empty)

    return Value("value", area=lowest("area", ""), period=lowest("period", ""), month=lowest("month", 0),
                 group=lowest("group", ""))


def _classify(text: str) -> Value | None:
    t = vocab.normalize_text(text)
    if not t:
        return None
    if _never(t):
        return None
    if t in COLUMN_WORDS["unit"]:
        return Value("unit")
    if p := parse_period(t):
        return Value("value", period=p)
    if m := headers.month_of(t):
        return Value("value", month=m)
    hit = places.resolve_area(t)
    if hit.area or (_AREA_SUFFIX.search(t) and len(t) > 2):
        return Value("value", area=hit.area or places.kept_as_written(text))
    if any(t == w or t.startswith(w) for w in COLUMN_WORDS["value"]):
        return Value("value")
    if headers.names_group(t):
        return Value("value", group=table.text(text))
    return None


def find_blocks(cells: pd.DataFrame, domain: str, merged=()) -> list[Block]:
    """The indicator blocks of a sheet (empty when it has no label column for ``domain``).

    A block's header may be several rows (merged parents spread over their columns): each
    column is classified by all its parts (:func:`classify`)."""
    label = _label_column(cells, domain)
    if label is None:
        return []
    # only rows whose label could name a measure are read one by one (a 其中 row needs the row above)
    maybe = table.per_unique(cells.iloc[:, label].to_numpy(dtype=object), _may_name_measure, bool)
    is_indicator = [r for r in map(int, np.flatnonzero(maybe)) if measure_of(cells, r, label, domain)[0]]
    blocks: list[Block] = []
    prev_end = -1
    for r in is_indicator:
        if blocks and _same_block(cells, blocks[-1].rows[-1], r, label):
            blocks[-1].rows.append(r)
            continue
        header = _header_row(cells, r, label, prev_end)
        top = header if header is None else _band_top(cells, header, label, prev_end)
        above = [table.text(v) for h in range(prev_end + 1, top if top is not None else r)
                 for v in cells.iloc[h] if table.text(v)]
        blocks.append(Block(header=header if header is not None else -1, rows=[r], above=above, label=label,
                            top=top if top is not None else -1))
        prev_end = r
    out = []
    for b in blocks:
        if b.header < 0:
            continue
        spread = table.spread_merged(cells, merged, b.header + 1, b.top)
        for c in range(label + 1, cells.shape[1]):
            v = classify(tuple(dict.fromkeys(t for t in spread[b.top:, c] if t)))
            if v is not None:
                b.columns[c] = v
        if any(v.kind == "value" for v in b.columns.values()):
            out.append(b)
    return out


def _may_name_measure(value) -> bool:
    if not isinstance(value, str):
        return False
    t = label_text(value)
    return t.startswith("其中") or headers.resolve((t,)).kind == "measure"


def _label_column(cells: pd.DataFrame, domain: str) -> int | None:
    for c in range(min(LABEL_COLUMNS, cells.shape[1])):
        col = pd.unique(cells.iloc[:, c].to_numpy(dtype=object))
        texts = {label_text(v) for v in col if isinstance(v, str)}
        named = sum(1 for t in texts if not t.startswith("其中")
                    and (h := headers.resolve((t,))).kind == "measure" and h.domain == domain)
        if named >= MIN_INDICATORS:
            return c
    return None


def _same_block(cells, last: int, row: int, label: int) -> bool:
    """Rows belong to one block unless a header-like text row or a title sits between them."""
    for r in range(last + 1, row):
        if _is_header_row(cells, r, label) or _is_title(cells, r):
            return False
    return True


def _is_title(cells, r) -> bool:
    filled = [table.text(v) for v in cells.iloc[r] if table.text(v)]
    return len(filled) == 1 and bool(table.TITLE_HINT.search(filled[0]))


def _is_header_row(cells, r, label) -> bool:
    row = cells.iloc[r].to_numpy(dtype=object)
    right = [v for v in row[label + 1:] if v is not None and table.text(v)]
    return bool(right) and not any(table.is_numberish(v) for v in right)


def _header_row(cells, first: int, label: int, stop: int) -> int | None:
    for r in range(first - 1, stop, -1):
        if _is_header_row(cells, r, label):
            return r
        if any(table.is_numberish(v) for v in cells.iloc[r].to_numpy(dtype=object)[label + 1:]
               if v is not None):
            return None
    return None


MAX_HEADER_ROWS = 4
"""The tallest column header of an indicator block (community over month over …)."""


def _band_top(cells, header: int, label: int, stop: int) -> int:
    """The first row of the header band ending at ``header``: header-like rows above it, not a
    ``label：value`` line about the form (填报单位：…)."""
    top = header
    while top - 1 > stop and header - top + 1 < MAX_HEADER_ROWS and _is_header_row(cells, top - 1, label):
        if any(table.LABELLED.match(table.text(v)) for v in cells.iloc[top - 1] if table.text(v)):
            break
        top -= 1
    return top


def unit_cells(cells: pd.DataFrame, block: Block) -> np.ndarray:
    """The unit written on each indicator row (from a 计量单位 column), '' when none."""
    units = [c for c, v in block.columns.items() if v.kind == "unit"]
    if not units:
        return np.full(len(block.rows), "", dtype=object)
    return np.array([vocab.normalize_text(table.text(cells.iat[r, units[0]])) for r in block.rows], dtype=object)
