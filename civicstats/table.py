"""Find the table in a grid: the header band, one name per column, the body, totals and notes.

This module knows nothing of measures: the caller passes ``known(parts)``, which
says whether a flattened column name is in its vocabulary. The header band is
the run of text rows (no numbers, no title, no note) near the top whose
column names match the vocabulary best; merged cells are spread over their
range first, so a parent header merged over two columns names both children.

>>> import pandas as pd
>>> cells = pd.DataFrame([
...     ["2023年9月托位统计表", None, None],
...     ["街道", "已完成新增托位", None],
...     [None, None, "其中：普惠托位"],
...     ["北干街道", 10, 6],
...     ["合计", 10, 6],
...     ["注：数据为初步统计", None, None],
... ], dtype=object)
>>> merged = [(0, 0, 0, 2), (1, 0, 2, 0), (1, 1, 2, 1), (1, 1, 1, 2)]
>>> known = lambda parts: parts[-1] in ("街道", "已完成新增托位") or parts[-1].startswith("其中")
>>> t = find_table(cells, merged, known)
>>> t.header, t.names
(range(1, 3), {0: ('街道',), 1: ('已完成新增托位',), 2: ('已完成新增托位', '其中：普惠托位')})
>>> t.body.tolist(), t.above
([3, 4], ['2023年9月托位统计表'])
>>> total_rows(cells, t.body, [0]).to_dict("records")
[{'row': 4, 'kind': 'total', 'label': '合计'}]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from numbers import Number

import numpy as np
import pandas as pd

SCAN_ROWS = 60
"""How many rows from the top are searched for the header band."""
MAX_HEADER_ROWS = 8
"""The tallest header band looked for (real yearbook tables use up to 8 rows)."""

TOTAL_WORDS = re.compile(r"合计|总计|小计|总数|总和")
"""A label cell holding one of these marks a total row (or a total column in a header)."""
SUBTOTAL_WORD = "小计"

FOOTER = re.compile(
    r"^\s*(注[:：\s0-9一1]|注$|说明|备注[:：]|填报人|填表人|制表|审核|负责人|联系人|联系电话|"
    r"数据来源|资料来源|来源[:：]|更多数据|Note|Source)",
    re.IGNORECASE,
)
"""The first cell of a note or footer row; the table ends at the first one below the header."""

META = re.compile(
    r"^\s*(填报单位|填报日期|填表日期|报送单位|统计单位|单位|制表单位|计量单位)\s*[:：]"
)
"""A line above the table about the form (who filled it in, the unit), not a header."""

LABELLED = re.compile(r"^(?!其中)[^:：]{1,8}[:：]\s*\S")
"""A ``label：value`` text (``统计月份：2024年9月``); a row holding only such texts is a line about the
form, not a header (a 其中：普惠 header is not one)."""

TITLE_HINT = re.compile(r"(19|20)[0-9]{2}|表$|^[一二三四五六七八九十]+[、.]|^[(（][一二三四五六七八九十]+[)）]")
"""A lone text with a year, ending in 表, or numbered 一、 is a title even when it names a measure."""

NUMBERISH = re.compile(
    r"^[约近大概超逾不足到]*[-+]?[0-9][0-9,，.\s]*(余|多|以上|\+|左右|以下|万|亿|千)*"
    r"(人次|人|家|个|名|元|小时|次|户|项|支|%)?$"
)
"""A cell that reads as a number (so its row is data, not header)."""


UNIT_CELL = re.compile(r"^[(（]?(单位[:：]?)?[^\s()（）]{0,4}[)）]$|^(人|个|家|名|元|万元|小时|人次|户|项|支|%)$")
"""A cell that is only a unit, for callers that pass no unit list of their own."""
UNIT_LABEL = re.compile(r"^(计量)?单位[:：]?$")
"""The label cell of a unit row (``单位 | 人 | 小时``)."""


@dataclass
class Table:
    """Where the table sits in a grid (row and column numbers are the grid's, 0-based)."""

    header: range
    """The rows of the header band."""
    names: dict[int, tuple[str, ...]]
    """Column -> its header parts from top to bottom (merged cells spread, repeats dropped)."""
    body: np.ndarray
    """Rows below the header and above the first note row that hold anything."""
    above: list[str] = field(default_factory=list)
    """Texts above the header band (titles, 填报单位 lines), top to bottom."""
    footer: int | None = None
    """The first note/footer row below the body, if any."""
    cols: range | None = None
    """The grid columns the table spans (None: the whole width); tables side by side each have theirs."""

    def name(self, col: int) -> str:
        """The flattened column name, parts joined with ``/``."""
        return "/".join(self.names.get(col, ()))


def text(value) -> str:
    """A cell as trimmed text ("" for empty); numbers without a trailing ``.0``.

    >>> text(None), text(" 天悦社区\\u3000"), text(2023.0), text("其中：普惠")
    ('', '天悦社区', '2023', '其中：普惠')
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().strip("\u3000\u00a0").strip()


def per_unique(values, fn, dtype=object) -> np.ndarray:
    """``fn`` of every cell of a column, computed once per distinct value (columns repeat a lot).

    >>> per_unique(np.array(["a", None, "a", 2.0], dtype=object), repr).tolist()
    ["'a'", 'None', "'a'", '2.0']
    """
    arr = np.asarray(values, dtype=object)
    if not len(arr):
        return np.empty(0, dtype=dtype)
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=dtype)
    for i, u in enumerate(uniques):
        mapped[i] = fn(u)
    mapped[-1] = fn(None)  # code -1: an empty cell
    return mapped[codes]


def texts(values) -> np.ndarray:
    """``text`` of a whole column, each distinct value converted once.

    >>> texts(pd.Series([" 天悦社区\u3000", None, 3.0, "其中"], dtype=object)).tolist()
    ['天悦社区', '', '3', '其中']
    """
    return per_unique(values, text)


def _is_str(arr) -> np.ndarray:
    return per_unique(arr, lambda v: v.__class__ is str, bool)


def is_numberish(value) -> bool:
    """True when a cell reads as a number (a row holding one is data, not header).

    >>> [is_numberish(x) for x in (12, "１２", "10余人", "约300", "2023年9月", "居民合伙人", True)]
    [True, True, True, True, False, False, False]
    """
    if isinstance(value, bool):
        return False
    if isinstance(value, Number):
        return True
    if not isinstance(value, str):
        return False
    return bool(NUMBERISH.match(unicodedata.normalize("NFKC", value).strip()))


def spread_merged(cells: pd.DataFrame, merged, rows: int, start: int = 0) -> np.ndarray:
    """Text of the first ``rows`` rows, each merged range's value copied over the whole range
    (rows above ``start`` are left empty: a later table's search never reads them)."""
    top = cells.iloc[:rows]
    out = np.full(top.shape, "", dtype=object)
    if rows > start:
        out[start:] = np.array([[text(v) for v in row] for row in top.iloc[start:].itertuples(index=False)],
                               dtype=object).reshape(-1, top.shape[1])
    for r0, c0, r1, c1 in merged:
        if r0 >= rows:
            continue
        value = out[r0, c0]
        out[r0 : min(r1, rows - 1) + 1, c0 : c1 + 1] = value
    return out


def _row_kind(row: np.ndarray, raw: pd.Series, known) -> str:
    """'blank', 'data' (a number in it), 'title' (one text), 'note', or 'text' (a header candidate)."""
    filled = [t for t in row if t]
    if not filled:
        return "blank"
    if any(is_numberish(v) for v in raw if v is not None and not isinstance(v, str)):
        return "data"
    if any(is_numberish(t) for t in filled):
        return "data"
    if META.match(filled[0]) or FOOTER.match(filled[0]) or all(LABELLED.match(t) for t in filled):
        return "note"
    if len(set(filled)) == 1 and not filled[0].startswith("其中") and (
            not known((filled[0],)) or TITLE_HINT.search(filled[0])):
        return "title"
    return "text"


def band_names(spread: np.ndarray, rows: range) -> dict[int, tuple[str, ...]]:
    """Column -> header parts over ``rows`` (empty parts and vertical repeats dropped).

    >>> import numpy as np
    >>> band_names(np.array([["社区", "志愿者"], ["社区", "人数"]], dtype=object), range(0, 2))
    {0: ('社区',), 1: ('志愿者', '人数')}
    """
    out = {}
    for c in range(spread.shape[1]):
        parts: list[str] = []
        for r in rows:
            t = spread[r, c]
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        if parts:
            out[c] = tuple(parts)
    return out


def find_table(
    cells: pd.DataFrame,
    merged,
    known: Callable[[tuple[str, ...]], bool],
    *,
    scan: int = SCAN_ROWS,
    start: int = 0,
    stop: int | None = None,
    is_unit: Callable[[str], object] = UNIT_CELL.match,
) -> Table | None:
    """The table in a grid's cells, or None when no header band names a known column.

    The band is chosen by the number of columns ``known`` accepts; on a tie the
    taller band wins (its names are more specific), and title, note, blank and
    number-holding rows never join a band. ``start``/``stop`` bound the rows
    searched (a later table on the same sheet); the body ends before ``stop``.
    A unit row right under the band (``单位 | 人 | 小时 | 万元``, see :func:`unit_row`)
    joins it: each unit becomes the last part of its column's name.
    """
    first = start
    end = len(cells) if stop is None else min(stop, len(cells))
    scan = min(start + scan, end)
    if scan <= start:
        return None
    spread = spread_merged(cells, merged, scan, start)
    kinds = [""] * start + [_row_kind(spread[r], cells.iloc[r], known) for r in range(start, scan)]
    for r in _banner_rows(merged, cells.shape[1], start, scan):  # a title merged across the table
        if kinds[r] == "text" and len(set(filter(None, spread[r]))) == 1:
            kinds[r] = "title"
    wide = np.zeros(spread.shape, dtype=bool)  # cells inside a horizontally merged range
    for r0, c0, r1, c1 in merged:
        if c1 > c0 and r0 < scan:
            wide[r0 : min(r1, scan - 1) + 1, c0 : c1 + 1] = True
    best = None  # (score, height, start)
    for start in range(first, scan):
        if kinds[start] != "text":
            continue
        last = 0
        for height in range(1, MAX_HEADER_ROWS + 1):
            stop = start + height
            if stop > scan or kinds[stop - 1] != "text":
                break
            names = band_names(spread, range(start, stop))
            score = sum(1 for parts in names.values() if known(parts))
            if score < last:
                break
            if score == last and not _sub_header(cells.iloc[stop - 1], wide, start, stop - 1, known):
                continue  # adds no match and does not read as header: likely the first data row
            last = score
            if score and (best is None or (score, height) > best[:2]):
                best = (score, height, start)
    if best is None:
        return None
    _, height, start = best
    header = range(start, start + height)
    names = band_names(spread, header)
    if header.stop < scan and (units := unit_row(spread[header.stop], is_unit)):
        names = {c: (*parts, units[c]) if c in units else parts for c, parts in names.items()}
        header = range(header.start, header.stop + 1)
    if header.stop < scan and is_column_numbers(spread[header.stop]):  # 甲 | 1 | 2 | 3 …
        header = range(header.start, header.stop + 1)
    above = [t for r in range(first, start) for t in dict.fromkeys(spread[r]) if t]
    body, footer = _body(cells.iloc[:end], header.stop)
    return Table(header=header, names=names, body=body, above=above, footer=footer)


_COLUMN_LETTER = re.compile(r"^(甲|乙|丙|丁|栏次|栏号|序|[A-Za-z])$")


def is_column_numbers(texts) -> bool:
    """A row numbering the columns under a statistical form's header (``甲 | 乙 | 1 | 2 | 3``,
    ``栏次 | 1 | 2``): part of the form, never data.

    >>> is_column_numbers(["甲", "1", "2", "3"]), is_column_numbers(["甲", "乙", "1", "2"])
    (True, True)
    >>> is_column_numbers(["天悦社区", "1", "2"]), is_column_numbers(["1", "20", "35"])
    (False, False)
    """
    filled = [str(t).strip() for t in texts if str(t or "").strip()]
    letters = [t for t in filled if _COLUMN_LETTER.match(t)]
    numbers = [t for t in filled if t.isdigit()]
    if not letters or len(numbers) < 2 or len(letters) + len(numbers) != len(filled):
        return False
    values = [int(t) for t in numbers]
    return values == list(range(values[0], values[0] + len(values))) and values[0] in (0, 1)


def unit_row(texts, is_unit) -> dict[int, str] | None:
    """Column -> unit of a row whose every filled cell is a unit or a 单位 label; None otherwise.

    >>> unit_row(["单位", "单位", "人", "小时", "", "万元"], UNIT_CELL.match)
    {2: '人', 3: '小时', 5: '万元'}
    >>> unit_row(["单位", "天悦社区", "人"], UNIT_CELL.match) is None, unit_row(["单位", ""], UNIT_CELL.match)
    (True, None)
    """
    out = {}
    for c, t in enumerate(texts):
        if not t or UNIT_LABEL.match(t):
            continue
        if not is_unit(t):
            return None
        out[c] = t
    return out or None


def _banner_rows(merged, width: int, start: int, stop: int) -> set[int]:
    """Rows holding one merged cell across (nearly) the whole sheet width: a title's shape.

    >>> sorted(_banner_rows([(0, 0, 0, 5), (2, 3, 2, 4)], 6, 0, 10))
    [0]
    """
    need = max(3, int(0.8 * width))
    return {r0 for r0, c0, r1, c1 in merged if r0 == r1 and start <= r0 < stop and c1 - c0 + 1 >= need}


MAX_TABLES = 50
"""The most tables read from one sheet (a sheet of forms printed one under another)."""


def find_tables(cells: pd.DataFrame, merged, known: Callable[[tuple[str, ...]], bool], *,
                is_unit: Callable[[str], object] = UNIT_CELL.match) -> list[Table]:
    """Every table on a sheet, left to right (:func:`side_by_side`), then top to bottom, each with
    its own title block, header and body.

    A later table starts at a row below the body that reads as a header (two or
    more known texts, no number); the text rows just above it (``二、…（2024年4月）``)
    are its title, not the previous table's rows. A table after a note row is
    looked for below the note. A table with no title of its own (a header
    repeated after a page break, or beside the first table) keeps the one above or left of it.
    """
    out: list[Table] = []
    for cols in side_by_side(cells, merged, known, is_unit=is_unit):
        part = _tables_down(*_part(cells, merged, cols), known, is_unit)
        for t in part:
            t.names = {c + cols.start: parts for c, parts in t.names.items()}
            t.cols = cols
        if part and not part[0].above and out:
            part[0].above = list(out[0].above)
        out += part
    return out


def _part(cells: pd.DataFrame, merged, cols: range):
    """The cells of columns ``cols`` and the merged ranges that start in them, renumbered from 0."""
    if cols.start == 0 and cols.stop == cells.shape[1]:
        return cells, merged
    inside = [(r0, c0 - cols.start, r1, min(c1, cols.stop - 1) - cols.start)
              for r0, c0, r1, c1 in merged if cols.start <= c0 < cols.stop]
    return cells.iloc[:, cols.start:cols.stop], inside


def side_by_side(cells: pd.DataFrame, merged, known, *, is_unit=UNIT_CELL.match) -> list[range]:
    """The column spans of tables laid side by side, split at empty columns.

    A run of columns right of an empty column is a table of its own when it has a header band
    of its own and either a title of its own or the same first column as the table on its left
    (``社区 | …`` twice); else it is the same table (a spacer column inside one table).

    >>> grid = pd.DataFrame([["一、11月", None, None, "二、12月", None], ["社区", "居民合伙人", None, "社区", "居民合伙人"],
    ...                      ["新街社区", 30, None, "南阳社区", 12]], dtype=object)
    >>> side_by_side(grid, [], lambda parts: parts[-1] in ("社区", "居民合伙人"))
    [range(0, 2), range(3, 5)]
    """
    width = cells.shape[1]
    used = pd.notna(cells.iloc[:SCAN_ROWS].to_numpy(dtype=object)).any(axis=0)
    for c in np.flatnonzero(~used):  # only a column empty at the top is read down to the end
        used[c] = cells.iloc[:, c].notna().any()
    filled = np.flatnonzero(used)
    if not len(filled):
        return [range(0, width)]
    breaks = np.flatnonzero(np.diff(filled) > 1)
    if not len(breaks):
        return [range(0, width)]
    runs = [range(int(a[0]), int(a[-1]) + 1) for a in np.split(filled, breaks + 1)]
    spans = [runs[0]]
    first = find_table(*_part(cells, merged, runs[0]), known, is_unit=is_unit)
    for run in runs[1:]:
        t = find_table(*_part(cells, merged, range(run.start, width)), known, is_unit=is_unit)
        alone = first is not None and t is not None and (
            _titled(t) or t.names.get(min(t.names)) == first.names.get(min(first.names)))
        if alone:
            spans.append(run)
        else:
            spans[-1] = range(spans[-1].start, run.stop)
    spans[0] = range(0, spans[0].stop)
    spans[-1] = range(spans[-1].start, width)
    return spans


def _titled(t: Table) -> bool:
    """Whether a table has a title of its own (a 单位：万元 or 填报日期 line is not one)."""
    return any(not (META.match(a) or LABELLED.match(a)) for a in t.above)


def _tables_down(cells: pd.DataFrame, merged, known, is_unit) -> list[Table]:
    """The tables of one column span, top to bottom (see :func:`find_tables`)."""
    out: list[Table] = []
    start = 0
    while len(out) < MAX_TABLES:
        t = find_table(cells, merged, known, start=start, is_unit=is_unit)
        if t is None:
            break
        cut = _next_band(cells, t, known)
        if cut is not None:
            t.body = t.body[t.body < cut]
            t.footer = None
        if not t.above and out:
            t.above = list(out[-1].above)
        out.append(t)
        start = cut if cut is not None else (t.footer + 1 if t.footer is not None else None)
        if start is None or start >= len(cells):
            break
    return out


def _next_band(cells: pd.DataFrame, t: Table, known) -> int | None:
    """The first row of the next table's title block inside ``t``'s body, or None."""
    body = t.body
    if len(body) < 2:
        return None
    sub = cells.iloc[body].to_numpy(dtype=object)
    numeric = np.zeros(len(body), dtype=bool)
    named = np.zeros(len(body), dtype=int)
    for c in range(sub.shape[1]):
        is_number, is_name = _band_flags(sub[:, c], known)
        numeric |= is_number
        named += is_name
    heads = np.flatnonzero((named >= 2) & ~numeric)
    data = np.flatnonzero(numeric)
    for h in heads:
        before = data[data < h]
        if len(before) and (data > h).any():
            return int(body[before[-1]]) + 1
    return None




_PLAIN_NUMBERS = (float, int)


def _band_flags(column: np.ndarray, known) -> tuple[np.ndarray, np.ndarray]:
    """Per cell of a body column: reads as a number; is a known header. Each distinct value is
    judged once, and plain numbers (most of a big column's distinct values: 序号 1..N) by
    their type alone, without a Python call each: this ran over every cell of every table.

    >>> [f.tolist() for f in _band_flags(np.array([3.0, "居民合伙人", None, "10余", True],
    ...                                              dtype=object), lambda p: p == ("居民合伙人",))]
    [[True, False, False, True, False], [False, True, False, False, False]]
    """
    if not len(column):
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    kinds = np.frompyfunc(type, 1, 1)(np.asarray(uniques, dtype=object))
    plain = np.isin(kinds, _PLAIN_NUMBERS)
    number = np.append(plain, False)  # code -1: an empty cell
    name = np.zeros(len(uniques) + 1, dtype=bool)
    for i in np.flatnonzero(~plain):
        v = uniques[i]
        number[i] = is_numberish(v)
        name[i] = isinstance(v, str) and bool(v.strip()) and known((text(v),))
    return number[codes], name[codes]


def _sub_header(raw: pd.Series, wide: np.ndarray, start: int, row: int, known) -> bool:
    """Whether a row below a header band reads as more header: every cell it holds is a
    其中 part, a unit, a known header, or sits under a parent merged across columns."""
    for c, v in enumerate(raw):
        t = text(v)
        if not t:
            continue
        if t.startswith("其中") or UNIT_CELL.match(t) or known((t,)) or wide[start:row, c].any():
            continue
        return False
    return True


def _body(cells: pd.DataFrame, start: int) -> tuple[np.ndarray, int | None]:
    """Non-blank rows from ``start`` up to the first note/footer row (whole-column work)."""
    rest = cells.iloc[start:]
    if rest.empty:
        return np.empty(0, dtype=int), None
    values = rest.to_numpy(dtype=object)
    filled = pd.notna(values)
    # a row whose few cells are all whitespace (" ", U+3000) is blank too; checked one by one,
    # since real data rows hold more than a couple of cells
    few = np.flatnonzero((filled.sum(axis=1) <= 2) & filled.any(axis=1))
    for i in few:
        if all(isinstance(v, str) and not v.strip() for v in values[i][filled[i]]):
            filled[i] = False
    nonblank = filled.any(axis=1)
    first = values[np.arange(len(values)), filled.argmax(axis=1)]
    is_footer = per_unique(first, lambda v: isinstance(v, str) and bool(FOOTER.match(v)), bool) & nonblank
    footer = None
    if is_footer.any():
        cut = int(np.argmax(is_footer))
        footer = start + cut
        nonblank[cut:] = False
    return start + np.flatnonzero(nonblank), footer


def total_rows(cells: pd.DataFrame, body: np.ndarray, label_cols) -> pd.DataFrame:
    """The body rows with 合计/总计/小计 in a label cell: row, kind (total|subtotal), label.

    The word may sit anywhere in the label ("北干街道小计", "总合计").
    """
    found: dict[int, str] = {}
    squeeze = re.compile(r"\s+")
    for col in label_cols:
        if col >= cells.shape[1] or not len(body):
            continue
        arr = cells.iloc[body, col].to_numpy(dtype=object)
        hit = per_unique(arr, lambda v: isinstance(v, str) and bool(TOTAL_WORDS.search(squeeze.sub("", v))), bool)
        for row, label in zip(body[hit], arr[hit], strict=True):
            found.setdefault(int(row), label.strip())
    rows = sorted(found)
    return pd.DataFrame(
        {
            "row": pd.Series(rows, dtype=int),
            "kind": ["subtotal" if SUBTOTAL_WORD in found[r] else "total" for r in rows],
            "label": [found[r] for r in rows],
        }
    )


def fill_down_merged(cells: pd.DataFrame, merged, col: int, rows: np.ndarray) -> pd.Series:
    """Column ``col`` at ``rows``, each vertically merged range's value copied down its range.

    Only merged ranges fill: a blank under a filled cell that is not merged stays blank.

    >>> cells = pd.DataFrame({0: ["北干街道", None, None], 1: [1, 2, 3]}, dtype=object)
    >>> fill_down_merged(cells, [(0, 0, 1, 0)], 0, np.array([0, 1, 2])).tolist()
    ['北干街道', '北干街道', None]
    """
    out = cells.iloc[rows, col].copy()
    for r0, c0, r1, c1 in merged:
        if c0 <= col <= c1 and r1 > r0:
            inside = (out.index > r0) & (out.index <= r1)
            top = cells.iat[r0, c0]
            if inside.any() and top is not None:
                out[inside] = top
    return out
