"""The standard return: the form a street fills in so that next month's file cleans with no issue.

One sheet named for the month (``2024年3月``) holds a title naming domain, area and
month, a 填报单位/填报人/联系电话/填报日期 block, a header of the vocabulary's labels
with their units (``居民合伙人（人）``, units from ``form_units.csv``), and one row per
community of the street (or per street of the district) from
``data/reference/areas.csv``. There is no 合计 row: the office adds up, and a
formula's total would have no saved value until Excel opens the file.

Data validation: whole numbers ≥ 0 for counts, decimals ≥ 0 for hours and money
(as a warning, so that a figure known only as ``10余`` can still be written), a
drop-down of the areas. The sheet is protected with the cells to fill unlocked, the
header frozen, A4 landscape fitted to the width. A ``填表说明`` sheet says how to fill it.

>>> import tempfile, pathlib
>>> from civicstats.messages import language
>>> out = pathlib.Path(tempfile.mkdtemp()) / "form.xlsx"
>>> with language("zh"):
...     form = write_template("partners", "2024-03", street="北干", out=out)
>>> form.title, form.areas, form.headers[:2]
('北干街道社区合伙人情况统计表（2024年3月）', ['天悦社区', '育才东苑社区'], ['社区', '居民合伙人（人）'])
>>> from civicstats.clean import clean
>>> clean(out).issues.empty
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from civicstats import places, vocab
from civicstats.errors import UsageError
from civicstats.feedback.annotate import save
from civicstats.feedback.options import checked_domain, checked_period
from civicstats.feedback.sheets import header, print_setup, put
from civicstats.messages import N_, _, say

UNITS = Path(__file__).with_name("form_units.csv")
HEADER_ROW = 5
"""Row 1 the title, rows 2-3 the 填报 block, row 4 blank, then the header."""
LIST_SHEET = "名单"
"""A hidden sheet with the areas the drop-down offers (a list in the formula is capped at 255 characters)."""
NOTES_SHEET = "填表说明"
REMARKS = "备注"
"""A last column for the sender's remarks: declared never-data in the vocabulary, read quietly."""

TITLES = {
    "partners": N_("{area} community partners return ({year}-{month})"),
    "childcare": N_("{area} childcare slots return ({year}-{month})"),
    "volunteers": N_("{area} volunteering return ({year}-{month})"),
}
BLOCK = [[N_("Reporting unit:"), N_("Filled in by:")], [N_("Telephone:"), N_("Date filled in:")]]
"""The 填报 block, two label/answer pairs per row."""
NOTES = [
    N_("How to fill in the {title}"),
    N_("1. One return per month: this one is for {month}. Do not rename the sheet or change the title."),
    N_("2. One row per {kind}. The names are filled in from the district's list; do not rename, "
       "merge or delete rows. A {kind} missing from the list: say so in the 备注 column and tell the district office."),
    N_("3. Give the count as of the end of {month} (what there is), not what was added during the month."),
    N_("4. The unit of each column is in brackets in its header: {units}. Write the number only, without the unit."),
    N_("5. Counts are whole numbers (e.g. 20); hours and money may have decimals (e.g. 12.5). No negative numbers."),
    N_("6. Only when a figure is known roughly may you write it as 10余 (more than 10) or 约300 "
       "(about 300); any other words go in the 备注 column."),
    N_("7. Nothing to report: write 0. Not known yet: leave the cell empty (empty means not reported, not 0)."),
    N_("8. Do not merge cells, and do not add 合计 or 小计 rows: the district adds up."),
    N_("9. Do not add, remove or reword columns; remarks go in the 备注 column."),
    N_("10. Save it as .xlsx and send it. If it comes back as an annotated copy (批注), correct the cells "
       "its 问题清单 sheet lists and send it again."),
]
"""The 填表说明 sheet, one message per line."""

_BRACKETS = re.compile(r"[（(][^）)]*[）)]")


@dataclass(frozen=True)
class Form:
    """What :func:`write_template` wrote."""

    path: Path
    title: str
    sheet: str
    areas: list[str]
    headers: list[str]
    measures: list[str]
    first_row: int
    """The sheet row (1-based) of the first area; measures fill the columns after the area's."""


@cache
def _units() -> dict[str, str]:
    df = pd.read_csv(UNITS, dtype=str)
    return dict(zip(df.measure, df.unit, strict=True))


def measure_header(measure: str) -> str:
    """A measure's column header: its vocabulary label with its unit in brackets.

    >>> measure_header("resident_partners"), measure_header("service_hours")
    ('居民合伙人（人）', '服务时长（小时）')
    """
    return f"{_BRACKETS.sub('', vocab.label(measure))}（{_units()[measure]}）"


def form_areas(street: str | None) -> tuple[str, list[str], str]:
    """(area of the form, its rows, the area column's header) for ``--street`` or the district.

    >>> form_areas("北干")
    ('北干街道', ['天悦社区', '育才东苑社区'], '社区')
    >>> form_areas("南阳街道")[1:], form_areas(None)[0]
    ((['赭东村', '南阳社区'], '村（社区）'), '萧山区')
    """
    areas = vocab.areas()
    if street is None or not str(street).strip():
        district = areas.loc[areas.kind == "district", "area"].iat[0]
        return district, areas.loc[areas.kind == "street", "area"].tolist(), "街道"
    name = places.resolve_area(street).area
    streets = areas.loc[areas.kind == "street", "area"].tolist()
    if name not in streets:
        raise UsageError("--street", say("'{street}' is not a street in data/reference/areas.csv",
                                          street=street),
                         say("use one of: {streets}", streets="、".join(streets)))
    rows = areas[(areas.parent == name) & areas.kind.isin(["community", "village"])]
    if rows.empty:
        raise UsageError("--street", say("data/reference/areas.csv lists no community of {street}",
                                          street=name),
                         say("add its communities to areas.csv, or make the form without --street"))
    column = "社区" if (rows.kind == "community").all() else "村（社区）"
    return name, rows.area.tolist(), column


def write_template(domain: str, period: str, *, street: str | None = None, out) -> Form:
    """Write the standard return of ``domain`` for ``period`` (``YYYY-MM``) to ``out``."""
    from civicstats.clean import NOT_COUNTS

    domain, period = checked_domain(domain), checked_period(period)
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(str(out), say("the form is an .xlsx workbook"), say("name the file …/name.xlsx"))
    area, rows, area_header = form_areas(street)
    year, month = int(period[:4]), int(period[5:])
    measures = vocab.domain_measures(domain)
    headers = [area_header, *map(measure_header, measures), REMARKS]
    title = say(TITLES[domain], area=area, year=year, month=month)
    sheet = f"{year}年{month}月"
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    _title_and_block(ws, title, len(headers), area if street else "")
    header(ws, HEADER_ROW, headers)
    first = HEADER_ROW + 1
    last = first + len(rows) - 1
    for r, name in enumerate(rows, start=first):
        put(ws, r, 1, name)
    thin = Side(style="thin", color="808080")
    for r in range(HEADER_ROW, last + 1):
        for c in range(1, len(headers) + 1):
            cell = ws.cell(row=r, column=c)
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=r == HEADER_ROW)
            if r > HEADER_ROW:
                cell.protection = Protection(locked=False)
    _validate(wb, ws, rows, first, last, measures, NOT_COUNTS)
    for c, text in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(c)].width = max(12, min(24, 2 * len(text) + 2))
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.freeze_panes = f"B{first}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    print_setup(ws)
    _protect(ws)
    _notes(wb.create_sheet(NOTES_SHEET), title, period, area_header, measures)
    wb.active = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    save(wb, out)
    return Form(out, title, sheet, rows, headers, measures, first)


def _title_and_block(ws, title: str, width: int, unit: str) -> None:
    last = get_column_letter(width)
    put(ws, 1, 1, title).font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 32
    for r, pairs in enumerate(BLOCK, start=2):
        for i, label in enumerate(pairs):
            col = 1 + i * max(2, width // 2)
            put(ws, r, col, _(label)).alignment = Alignment(horizontal="right")
            answer = ws.cell(row=r, column=col + 1)
            answer.protection = Protection(locked=False)
            answer.border = Border(bottom=Side(style="thin"))
    if unit:
        put(ws, 2, 2, unit)


def _validate(wb, ws, rows: list[str], first: int, last: int, measures: list[str], decimals) -> None:
    """Whole numbers or decimals ≥ 0 under each measure, the area list under the area column."""
    names = wb.create_sheet(LIST_SHEET)
    for i, name in enumerate(rows, start=1):
        put(names, i, 1, name)
    names.sheet_state = "hidden"
    names.protection.sheet = True
    area = DataValidation(type="list", formula1=f"'{LIST_SHEET}'!$A$1:$A${len(rows)}", allow_blank=True,
                          showErrorMessage=True, errorTitle=_("Not on the list"),
                          error=_("Choose a name from the list; a missing one goes in the 备注 column."))
    area.add(f"A{first}:A{last}")
    ws.add_data_validation(area)
    for c, measure in enumerate(measures, start=2):
        whole = measure not in decimals
        rule = DataValidation(
            type="whole" if whole else "decimal", operator="greaterThanOrEqual", formula1="0",
            allow_blank=True, showErrorMessage=True, showInputMessage=True, errorStyle="warning",
            errorTitle=_("Check the number"),
            error=_("A whole number of 0 or more, e.g. 20. Only a rough figure may be 10余 or 约300.")
            if whole else _("A number of 0 or more, e.g. 12.5."),
            promptTitle=measure_header(measure)[:32],
            prompt=_("Whole number ≥ 0") if whole else _("Number ≥ 0, decimals allowed"))
        rule.add(f"{get_column_letter(c)}{first}:{get_column_letter(c)}{last}")
        ws.add_data_validation(rule)
        for r in range(first, last + 1):
            ws.cell(row=r, column=c).number_format = "0" if whole else "0.##"


def _protect(ws) -> None:
    """Protect the title and header; the unlocked cells (answers, data) stay editable."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # False = allowed: widen a column to read it
    ws.protection.formatRows = False


def _notes(ws, title: str, period: str, area_header: str, measures: list[str]) -> None:
    year, month = int(period[:4]), int(period[5:])
    units = "、".join(measure_header(m) for m in measures)
    fields = {"title": title, "month": say("{year}-{month}", year=year, month=month),
              "kind": area_header, "units": units}
    ws.column_dimensions["A"].width = 110
    for r, line in enumerate(NOTES, start=1):
        cell = put(ws, r, 1, say(line, **fields))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = Font(bold=True, size=14)
    _protect(ws)
