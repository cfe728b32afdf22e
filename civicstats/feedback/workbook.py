"""A return opened as an editable xlsx workbook, never touching the file itself.

An xlsx is loaded with openpyxl, so its sheets, merged cells, widths,
formatting and formulas come along. An xls, a WPS ``.et``, a CSV (or an xlsx
openpyxl cannot load) is rebuilt from the cells :func:`civicstats.read.read_grids`
reads: values and merged ranges, with widths fitted to the text; its own
formatting is lost, and :attr:`Opened.converted` says so.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "partners_2023-09.csv"
>>> _ = p.write_bytes("社区,居民合伙人\\n天悦社区,20余\\n".encode("gbk"))
>>> book = open_return(p)
>>> book.converted, book.sheets, book.workbook["partners_2023-09"]["B2"].value
(True, {'partners_2023-09': 'partners_2023-09'}, '20余')
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from civicstats.read import ZIP_MAGIC, Grid, read_grids

MAX_WIDTH = 60
"""Widest column (in characters) of a rebuilt sheet: long notes wrap instead."""
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")  # characters Excel does not allow in a sheet name


@dataclass
class Opened:
    """An editable copy of a return: the workbook, and the sheet name each grid has in it."""

    workbook: Workbook
    sheets: dict[str, str]
    """Sheet name in the issue sources (``FILE#SHEET!CELL``) -> sheet title in the workbook."""
    converted: bool
    """True when rebuilt from cells (xls, et, csv): the original's formatting is not kept."""


def open_return(path, grids: list[Grid] | None = None) -> Opened:
    """The return at ``path`` as a workbook to annotate; ``grids`` are its cells if already read.

    The format is taken from the file's first bytes, as :mod:`civicstats.read` does.
    """
    path = Path(path)
    data = path.read_bytes()  # one read; the file is never opened for writing
    if data.startswith(ZIP_MAGIC):
        try:
            with warnings.catch_warnings():
                # openpyxl warns of parts it drops (extensions, images) on stderr; not for a street
                warnings.simplefilter("ignore")
                # a file object, not the path: openpyxl refuses names it does not know (.et, .xls)
                wb = load_workbook(io.BytesIO(data), rich_text=True)
        except Exception:  # noqa: BLE001 - openpyxl cannot load it: rebuild it from its cells
            wb = None
        if wb is not None:
            return Opened(wb, {ws.title: ws.title for ws in wb.worksheets}, converted=False)
    return rebuilt(grids if grids is not None else read_grids(path))


def rebuilt(grids: list[Grid]) -> Opened:
    """A new workbook holding the cells and merged ranges of ``grids``, one sheet each.

    >>> import pandas as pd
    >>> g = Grid("x.csv", "a/b", pd.DataFrame([["=1+1", 2.0], [None, "x"]], dtype=object), [(0, 0, 0, 1)])
    >>> book = rebuilt([g])
    >>> ws = book.workbook["a_b"]
    >>> book.sheets, ws["A1"].value, ws["A1"].data_type, [r.coord for r in ws.merged_cells.ranges]
    ({'a/b': 'a_b'}, '=1+1', 's', ['A1:B1'])
    """
    wb = Workbook()
    wb.remove(wb.active)
    names: dict[str, str] = {}
    for grid in grids:
        ws = wb.create_sheet(sheet_title(grid.sheet, set(names.values())))
        names[grid.sheet] = ws.title
        _fill(ws, grid)
        if grid.hidden:
            ws.sheet_state = "hidden"
    if not wb.worksheets:
        wb.create_sheet("Sheet1")
    return Opened(wb, names, converted=True)


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unused sheet title for ``name`` (Excel: ≤ 31 characters, none of ``[]:*?/\\``).

    >>> sheet_title("2023/9月", set()), sheet_title("a" * 40, set()), sheet_title("9月", {"9月"})
    ('2023_9月', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '9月 (2)')
    """
    base = _BAD_TITLE.sub("_", str(name)).strip("'")[:31] or "Sheet"
    title, n = base, 1
    while title in taken:
        n += 1
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
    return title


def _fill(ws, grid: Grid) -> None:
    # a title merged over many columns should not make its first column wide
    spans = {(r0, c0) for r0, c0, _, c1 in grid.merged if c1 > c0}
    widths: dict[int, int] = {}
    for r, row in enumerate(grid.cells.itertuples(index=False)):
        for c, value in enumerate(row):
            if value is None:
                continue
            cell = ws.cell(row=r + 1, column=c + 1, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text: "=HYPERLINK(...)" in a CSV is not a formula
            if (r, c) not in spans:
                widths[c] = max(widths.get(c, 0), _text_width(value))
    for r0, c0, r1, c1 in grid.merged:
        ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    for c, width in widths.items():
        ws.column_dimensions[get_column_letter(c + 1)].width = min(MAX_WIDTH, max(8, width + 2))


def _text_width(value) -> int:
    """Display width of a cell's text: a CJK character is two columns wide.

    >>> _text_width("天悦社区"), _text_width(20.5)
    (8, 4)
    """
    text = str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
