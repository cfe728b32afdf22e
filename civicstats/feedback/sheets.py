"""The look every sheet this room writes shares: header row, list layout, links, print setup.

>>> from openpyxl import Workbook
>>> ws = Workbook().active
>>> header(ws, 3, ["文件", "错误数"])
>>> table_layout(ws, 3, 2, [30, 8])
>>> ws.freeze_panes, ws.auto_filter.ref, ws["A3"].font.b
('A4', 'A3:B5', True)
>>> put(ws, 4, 1, "=HYPERLINK(1)").data_type
's'
"""

from __future__ import annotations

from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

HEADER_FILL = "D9D9D9"
LINK_COLOUR = "0563C1"


def put(ws, row: int, col: int, value):
    """Write one value; text stays text (a message starting with ``=`` is no formula)."""
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def header(ws, row: int, names: list[str]) -> None:
    """Bold, grey column names on ``row``."""
    for c, name in enumerate(names, start=1):
        cell = put(ws, row, c, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)


def table_layout(ws, header_row: int, rows: int, widths: list[int]) -> None:
    """Column widths, the header frozen, an autofilter over the header and its ``rows``."""
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = f"A{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(widths))}{header_row + max(1, rows)}"
    ws.print_title_rows = f"{header_row}:{header_row}"


def link(cell, *, location: str | None = None, target: str | None = None) -> None:
    """Make ``cell`` a link: to a place in this workbook (``'9月'!C7``) or to a file beside it."""
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=location, target=target,
                               display=str(cell.value))
    cell.font = Font(color=LINK_COLOUR, underline="single")


def cell_ref(sheet: str, cell: str) -> str:
    """A cell reference for a link, the sheet name quoted.

    >>> cell_ref("O'Neil 9月", "C7")
    "'O''Neil 9月'!C7"
    """
    return "'" + sheet.replace("'", "''") + "'!" + cell


def print_setup(ws) -> None:
    """A4 landscape, fitted to the page width (as many pages down as it needs)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
