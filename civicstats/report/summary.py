"""The month's summary workbook for leadership: ``汇总表_<period>.xlsx``.

One sheet per domain (areas as rows, measures as columns headed with the vocabulary's
label and unit), a sheet of the month's open issues and one of who has not reported.
Figures stay numbers that Excel can sum; a qualifier is shown by the cell's number format,
so ``10余`` is the number 10 formatted ``#,##0"余"`` (the wording of sentences:
``10余``, ``约183``, ``不到5``).

>>> import pandas as pd
>>> recs = pd.DataFrame({"domain": ["partners"] * 2, "area": ["工人路社区", "天悦社区"],
...                      "group": ["", ""], "measure": ["group_partners"] * 2,
...                      "value": [10.0, 35.0], "qualifier": ["at_least", "exact"],
...                      "period": pd.PeriodIndex(["2023-09"] * 2, freq="M")})
>>> domain_table(recs, "partners", "2023-09").values.tolist()  # in the order of areas.csv
[['天悦社区', '', 'group_partners', 35.0, 'exact'], ['工人路社区', '', 'group_partners', 10.0, 'at_least']]
>>> shown(10, "at_least"), shown(183, "approx"), shown(1234.5, "exact")
('10余', '约183', '1,234.5')
"""

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from civicstats.coverage import (
    DOMAIN_ORDER,
    DOMAIN_WORDS,
    domain_status,
    month_coverage,
    month_words,
)
from civicstats.messages import N_, say
from civicstats.values import combine_qualifiers

QUALIFIER_FORMATS = {"exact": "{n}", "at_least": '{n}"余"', "approx": '"约"{n}',
                     "at_most": '"不到"{n}'}
"""Excel number format per qualifier, around the number's own format ``{n}``."""

NUMBER_FORMATS = {True: "#,##0", False: "#,##0.0"}
"""A whole number without decimals, a fraction with one (keyed by "is whole")."""

FONT = "CivicSans SC"
"""The bundled font's family; Excel falls back to the reader's CJK font when it is absent."""

HEADER_FILL = PatternFill("solid", fgColor="DDE8F3")
TITLE_FONT, HEADER_FONT, BODY_FONT = Font(name=FONT, size=13, bold=True), \
    Font(name=FONT, size=10, bold=True), Font(name=FONT, size=10)
THIN = Border(bottom=Side(style="thin", color="999999"))

SHEET_WORDS = {"issues": N_("Open issues"), "missing": N_("Not reported")}
"""Names of the two sheets after the domains (a domain sheet is named for its domain)."""

FILE_NAME = "汇总表_{period}.xlsx"


def number_format(value: float, qualifier: str = "exact") -> str:
    """The Excel number format of one figure.

    >>> number_format(10, "at_least"), number_format(2.5)
    ('#,##0"余"', '#,##0.0')
    """
    n = NUMBER_FORMATS[float(value).is_integer()]
    return QUALIFIER_FORMATS.get(str(qualifier), "{n}").format(n=n)


def shown(value: float, qualifier: str = "exact") -> str:
    """What Excel shows for a figure written with :func:`number_format` (for checks)."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return QUALIFIER_FORMATS.get(str(qualifier), "{n}").format(n=text).replace('"', "")


def heading(measure: str) -> str:
    """A measure's column heading: the vocabulary's label with its unit.

    >>> heading("resident_partners"), heading("service_hours")
    ('居民合伙人（位）', '服务时长（小时）')
    """
    from civicstats import vocab
    from civicstats.charts import UNITS

    label = vocab.label(measure)
    unit = UNITS.get(measure, "")
    return label if not unit or label.endswith("）") else f"{label}（{unit}）"


def _area_order() -> dict[str, int]:
    from civicstats import vocab

    return {a: i for i, a in enumerate(vocab.areas().area)}


def domain_table(records: pd.DataFrame, domain: str, period) -> pd.DataFrame:
    """The month's figures of one domain, one row per area, group and measure, in the order
    of ``areas.csv`` (district, streets, communities) and of the vocabulary."""
    from civicstats import vocab

    p = pd.Period(str(period), freq="M")
    cols = ["area", "group", "measure", "value", "qualifier"]
    part = records[(records["domain"].astype(str) == domain) & (records["period"] == p)]
    if part.empty:
        return pd.DataFrame(columns=cols)
    part = part.assign(measure=part["measure"].astype(str), qualifier=part["qualifier"].astype(str),
                       group=part["group"].fillna("").astype(str))
    out = (part.groupby(["area", "group", "measure"], sort=False)
           .agg(value=("value", "sum"), qualifier=("qualifier", combine_qualifiers)).reset_index())
    areas, measures = _area_order(), {m: i for i, m in enumerate(vocab.domain_measures(domain))}
    key = (out["area"].map(areas).fillna(len(areas)), out["area"], out["group"],
           out["measure"].map(measures).fillna(len(measures)))
    order = sorted(range(len(out)), key=lambda i: tuple(k.iat[i] for k in key))
    return out.iloc[order].reset_index(drop=True)[cols]


def _text(cell, value) -> None:
    """A text cell that Excel never runs as a formula (an area called ``=HYPERLINK(…)``)."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    cell.font = BODY_FONT


def _sheet(wb: Workbook, title: str, caption: str, headings: list[str], first_data_col: int):
    ws = wb.create_sheet(title[:31])
    ws.cell(1, 1, caption).font = TITLE_FONT
    for col, text in enumerate(headings, start=1):
        cell = ws.cell(2, col)
        _text(cell, text)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, THIN
        cell.alignment = Alignment(wrap_text=True, vertical="center",
                                   horizontal="left" if col < first_data_col else "right")
    ws.freeze_panes = ws.cell(3, first_data_col)
    ws.row_dimensions[2].height = 30
    return ws


def _widths(ws, widths: list[float]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _text_width(values) -> float:
    # a 汉字 is about two Latin characters wide in Excel's width unit
    return max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(v)) for v in values), default=4) + 2


def write_domain(wb: Workbook, records: pd.DataFrame, domain: str, period) -> None:
    from civicstats import views, vocab

    table = domain_table(records, domain, period)
    what = say(DOMAIN_WORDS[domain])
    caption = say("{what}, {month}", what=what, month=month_words(period))
    present = set(table["measure"])
    known = vocab.domain_measures(domain)
    measures = [m for m in known if m in present] + sorted(present - set(known))
    has_groups = bool((table["group"] != "").any())
    labels = [views.COLUMN_LABELS["area"]] + ([views.COLUMN_LABELS["group"]] if has_groups else [])
    ws = _sheet(wb, what, caption, labels + [heading(m) for m in measures], len(labels) + 1)
    if table.empty:
        _text(ws.cell(3, 1), domain_status(records, domain, period).sentence)
        _widths(ws, [40])
        return
    rows = table.groupby(["area", "group"], sort=False)
    for r, ((area, group), part) in enumerate(rows, start=3):
        _text(ws.cell(r, 1), area)
        if has_groups:
            _text(ws.cell(r, 2), group)
        for m, value, q in zip(part["measure"], part["value"], part["qualifier"], strict=True):
            cell = ws.cell(r, len(labels) + 1 + measures.index(m), float(value))
            cell.number_format, cell.font = number_format(value, q), BODY_FONT
    label_widths = [_text_width(table["area"]) + 1] + ([_text_width(table["group"])] if has_groups
                                                       else [])
    _widths(ws, label_widths + [max(10.0, _text_width([heading(m)]) / 2 + 2) for m in measures])
    ws.auto_filter.ref = f"A2:{get_column_letter(len(labels) + len(measures))}{ws.max_row}"


def write_issues(wb: Workbook, issues: pd.DataFrame, period) -> None:
    from civicstats import views

    table = views.issues_table(issues)
    cols = ["file", "source", "severity", "rule", "raw", "message"]
    caption = say("Open issues, {month}", month=month_words(period))
    ws = _sheet(wb, say(SHEET_WORDS["issues"]), caption, [views.COLUMN_LABELS[c] for c in cols], 1)
    if table.empty:
        _text(ws.cell(3, 1), say("no open issues this month"))
    for r, row in enumerate(table.itertuples(index=False), start=3):
        for c, col in enumerate(cols, start=1):
            value = getattr(row, col)
            if col == "file":  # the file's name, not the machine path it was read from
                value = Path(str(value)).name
            elif col == "severity":
                value = views.VALUE_LABELS["severity"].get(value, value)
            _text(ws.cell(r, c), str(value))
            ws.cell(r, c).alignment = Alignment(wrap_text=col == "message", vertical="top")
    _widths(ws, [28, 26, 8, 22, 16, 60])


def not_reported(records: pd.DataFrame, period) -> pd.DataFrame:
    """Who has not reported the month: whole domains first, then each area that reported
    the domain before but not this month (domain, area, last, note)."""
    from civicstats import views

    rows = [(s.domain, say("all areas"), s.last or "", s.sentence)
            for s in month_coverage(records, period) if not s.reported]
    gone = views.areas_not_reported(records, period)
    rows += [(d, a, last, say("not reported this month"))
             for d, a, last in gone.itertuples(index=False)
             if d in {s.domain for s in month_coverage(records, period) if s.reported}]
    return pd.DataFrame(rows, columns=["domain", "area", "last", "note"])


def write_missing(wb: Workbook, records: pd.DataFrame, period) -> None:
    from civicstats import views

    table = not_reported(records, period)
    heads = [views.COLUMN_LABELS[c] for c in ("domain", "area", "last_reported")] + [say("note")]
    caption = say("Not reported, {month}", month=month_words(period))
    ws = _sheet(wb, say(SHEET_WORDS["missing"]), caption, heads, 1)
    if table.empty:
        _text(ws.cell(3, 1), say("every area that reported before has reported this month"))
    for r, row in enumerate(table.itertuples(index=False), start=3):
        values = [say(DOMAIN_WORDS.get(row.domain, row.domain)), row.area,
                  month_words(row.last) if row.last else "", row.note]
        for c, value in enumerate(values, start=1):
            _text(ws.cell(r, c), value)
    _widths(ws, [12, 16, 14, 50])


def write_summary(records: pd.DataFrame, issues: pd.DataFrame, period, folder: Path) -> Path:
    """Write ``汇总表_<period>.xlsx`` into ``folder`` from the run's records and issues."""
    wb = Workbook()
    wb.remove(wb.active)
    for domain in DOMAIN_ORDER:
        write_domain(wb, records, domain, period)
    write_issues(wb, issues, period)
    write_missing(wb, records, period)
    path = Path(folder) / FILE_NAME.format(period=period)
    wb.save(path)
    return path
