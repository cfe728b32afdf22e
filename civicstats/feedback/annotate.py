"""``<stem>_批注.xlsx``: the return with every issue cell marked, and a list of the issues.

Each cell with an issue is filled (red for an error, amber for a warning, as in
``marks.csv``), gets a stronger border so that it shows in print too, and an
Excel comment (批注) with the message; several issues on one cell share one
comment. A first sheet ``问题清单`` lists every issue with a link to its cell.
Issues that name no cell (a file without a table) are listed and mark nothing.
The original file is only ever read.

>>> import tempfile, pathlib
>>> from civicstats.messages import language
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> p = d / "partners_2023-09.csv"
>>> _ = p.write_text("社区,居民合伙人\\n天悦社区,待核实\\n", encoding="utf-8")
>>> with language("zh"):
...     done = annotate(p, out_dir=d / "out")
>>> done.out.name, done.errors, done.warnings
('partners_2023-09_批注.xlsx', 1, 0)
>>> from openpyxl import load_workbook
>>> wb = load_workbook(done.out)
>>> wb.sheetnames, wb["partners_2023-09"]["B2"].fill.fgColor.rgb
(['问题清单', 'partners_2023-09'], '00FFC7CE')
>>> wb["问题清单"]["C6"].value, wb["问题清单"]["C6"].hyperlink.location
('B2', "'partners_2023-09'!B2")
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from civicstats.errors import UsageError
from civicstats.feedback.sheets import cell_ref, header, link, print_setup, put, table_layout
from civicstats.feedback.words import rule_words, severity_words
from civicstats.feedback.workbook import Opened, open_return
from civicstats.messages import N_, _, say
from civicstats.read import parse_address

LIST_SHEET = "问题清单"
"""The first sheet of an annotated copy (a fixed name, like ``_批注``: streets look for it)."""
SUFFIX = "_批注"
AUTHOR = "civicstats"
MARKS = Path(__file__).with_name("marks.csv")

COLUMNS = [N_("No."), N_("Sheet"), N_("Cell"), N_("Severity"), N_("Problem"), N_("What to change")]
"""The columns of the issue list (序号, 工作表, 单元格, 严重程度, 问题, 说明)."""
WIDTHS = [6, 16, 10, 10, 22, 90]
HEADER_ROW = 5
"""Rows 1-3 hold the title and the summary sentences; the issue table starts here."""


@dataclass(frozen=True)
class Located:
    """One issue, placed: sheet title in the copy (None: the whole file), cell (None: no cell)."""

    sheet: str | None
    cell: str | None
    severity: str
    rule: str
    message: str


@dataclass(frozen=True)
class Annotated:
    """What :func:`annotate` wrote: the copy, and the counts of the issues in it."""

    path: Path
    out: Path
    domain: str
    errors: int
    warnings: int
    issues: pd.DataFrame
    records: pd.DataFrame


def out_path(path, out_dir) -> Path:
    """Where the annotated copy of ``path`` goes.

    >>> out_path("data/raw/partners_2023-09.xls", "fb").as_posix()
    'fb/partners_2023-09_批注.xlsx'
    """
    return Path(out_dir) / f"{Path(path).stem}{SUFFIX}.xlsx"


def annotate(path, domain: str | None = None, *, out_dir, area=None, period=None,
             more_issues: pd.DataFrame | None = None) -> Annotated:
    """Clean ``path`` and write its annotated copy into ``out_dir``.

    ``more_issues`` (same columns as the cleaner's issues) are marked too: the store's
    plausibility checks, say. Raises :class:`~civicstats.errors.FileUnreadable` when the
    file cannot be read, :class:`~civicstats.errors.UsageError` for bad arguments.
    """
    from civicstats.clean import clean

    path = Path(path)
    out = out_path(path, out_dir)
    if out.resolve() == path.resolve():
        raise UsageError(str(out), say("the annotated copy would replace the return itself"),
                         say("choose another --out folder"))
    result = clean(path, domain, area=area, period=period)
    issues = result.issues
    if more_issues is not None and len(more_issues):
        issues = pd.concat([issues, more_issues[issues.columns]], ignore_index=True)
        issues = issues.drop_duplicates(["source", "rule", "message"], ignore_index=True)
    opened = open_return(path)
    loaded = {split_source(s, path.name)[0] for s in result.records.source.unique()}
    annotated_workbook(opened, path.name, issues, loaded)
    out.parent.mkdir(parents=True, exist_ok=True)
    save(opened.workbook, out)
    errors = int((issues.severity == "error").sum())
    return Annotated(path, out, result.domain, errors, len(issues) - errors, issues, result.records)


def save(wb, out: Path) -> None:
    """Write ``wb`` beside ``out`` and rename it into place: never half a file."""
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def split_source(source: str, file: str) -> tuple[str | None, str | None]:
    """(sheet, cell) of a ``FILE#SHEET!CELL`` source; None for the parts it does not name.

    >>> split_source("a.xlsx#9月!C7", "a.xlsx"), split_source("a.xlsx#x!y!B2", "a.xlsx")
    (('9月', 'C7'), ('x!y', 'B2'))
    >>> split_source("--area", "a.xlsx"), split_source("a.xlsx#9月!?", "a.xlsx")
    ((None, None), ('9月', None))
    """
    prefix = f"{file}#"
    if not str(source).startswith(prefix):
        return None, None
    sheet, _bang, cell = str(source)[len(prefix):].rpartition("!")
    if not sheet:
        return None, None
    try:
        parse_address(cell)
    except ValueError:
        return sheet, None
    return sheet, cell.upper()


def locate(issues: pd.DataFrame, file: str, sheets: dict[str, str]) -> list[Located]:
    """The issues placed in the copy, in sheet order, then row, then column.

    Whole-file issues (a file without a table, ``no_table``, points at its first cell only
    to name the file) come first and mark nothing.

    >>> iss = pd.DataFrame({"source": ["a.xlsx#S!B10", "a.xlsx#S!C2", "a.xlsx#S!A1"],
    ...                     "severity": ["error", "warning", "error"],
    ...                     "rule": ["total_mismatch", "unknown_column", "no_table"],
    ...                     "raw": "", "message": ["m1", "m2", "m3"]})
    >>> [(x.sheet, x.cell, x.rule) for x in locate(iss, "a.xlsx", {"S": "S"})]
    [(None, None, 'no_table'), ('S', 'C2', 'unknown_column'), ('S', 'B10', 'total_mismatch')]
    """
    order = {title: i for i, title in enumerate(sheets.values())}
    out = []
    for row in issues.itertuples(index=False):
        sheet, cell = split_source(row.source, file)
        title = sheets.get(sheet) if sheet is not None else None
        if row.rule == "no_table" or title is None:
            title, cell = None, None
        out.append(Located(title, cell, row.severity, row.rule, str(row.message)))

    def key(x: Located):
        r, c = parse_address(x.cell) if x.cell else (-1, -1)
        return (x.sheet is not None, order.get(x.sheet, -1), r, c, x.severity != "error")

    return sorted(out, key=key)


def annotated_workbook(opened: Opened, file: str, issues: pd.DataFrame, loaded: set) -> None:
    """Mark and comment every issue cell of ``opened`` and put the issue list first.

    ``loaded`` are the sheets (source names) that gave records, so that a sheet that
    loaded cleanly can say so.
    """
    wb = opened.workbook
    if LIST_SHEET in wb.sheetnames:  # a copy sent back with its old list: the list is made anew
        wb.remove(wb[LIST_SHEET])
        opened.sheets.pop(LIST_SHEET, None)
    placed = locate(issues, file, opened.sheets)
    for ws in wb.worksheets:
        unmark(ws)
    by_cell: dict[tuple[str, str], list[Located]] = {}
    for x in placed:
        if x.cell:
            by_cell.setdefault((x.sheet, x.cell), []).append(x)
    for (sheet, cell), found in by_cell.items():
        mark(wb[sheet], cell, found)
    with_issues = {x.sheet for x in placed if x.sheet}
    clean = [t for s, t in opened.sheets.items() if s in loaded and t not in with_issues]
    empty = [t for s, t in opened.sheets.items()
             if s not in loaded and t not in with_issues and wb[t].sheet_state == "visible"]
    lines = summary(file, placed, clean, empty, opened.converted)
    issue_list(wb.create_sheet(LIST_SHEET, 0), lines, placed)
    wb.active = 0
    for ws in wb.worksheets[1:]:
        ws.sheet_view.tabSelected = False
    wb.calculation.fullCalcOnLoad = True  # openpyxl keeps formulas but not their saved values


@cache
def _marks() -> dict[str, dict[str, str]]:
    df = pd.read_csv(MARKS, dtype=str)
    return {r.severity: {"fill": r.fill, "border": r.border, "font": r.font} for r in df.itertuples()}


def _style(severity: str) -> dict[str, str]:
    return _marks().get(severity, _marks()["warning"])


def unmark(ws) -> None:
    """Take off the marks of an earlier round: a corrected copy sent back keeps our comments
    and fills, which would show problems already fixed. The sender's own comments stay."""
    ours = {m[k] for m in _marks().values() for k in ("fill", "border")}
    for cell in list(ws._cells.values()):  # only the cells that exist; iter_rows would create more
        if cell.comment is None or cell.comment.author != AUTHOR:
            continue
        cell.comment = None
        if str(cell.fill.fgColor.rgb)[-6:] in ours:
            cell.fill = PatternFill(fill_type=None)
        if str(cell.border.left.color.rgb if cell.border.left.color else "")[-6:] in ours:
            cell.border = Border()


def mark(ws, cell: str, found: list[Located]) -> None:
    """Fill and border one cell and comment it with every issue.

    A cell inside a merged range marks the range: its first cell carries the fill, the
    comment and the border, which openpyxl draws around the whole range when it saves.
    """
    worst = "error" if any(x.severity == "error" for x in found) else "warning"
    style = _style(worst)
    anchor = next((rng.start_cell.coordinate for rng in ws.merged_cells.ranges if cell in rng), cell)
    side = Side(style="medium", color=style["border"])
    ws[anchor].fill = PatternFill("solid", fgColor=style["fill"])
    ws[anchor].border = Border(left=side, right=side, top=side, bottom=side)
    target = ws[anchor]
    text = "\n".join(f"【{severity_words(x.severity)}｜{rule_words(x.rule)}】{x.message}" for x in found)
    if anchor != cell:
        text = say("(cell {cell}) ", cell=cell) + text
    if target.comment is not None:  # the sender's own comment stays, ours follows it
        text = f"{target.comment.text}\n——\n{text}"
    comment = Comment(text, AUTHOR)
    comment.width = 320
    comment.height = min(400, 40 + 18 * (text.count("\n") + len(text) // 24))
    target.comment = comment


def summary(file: str, placed: list[Located], clean: list[str], empty: list[str],
            converted: bool) -> list[str]:
    """The sentences above the issue table: counts, the sheets that loaded cleanly, the format.

    >>> from civicstats.messages import language
    >>> with language("zh"):
    ...     summary("a.xlsx", [], ["9月"], [], False)
    ['问题清单：a.xlsx', '本表已全部读入，没有发现问题。', '工作表“9月”已全部读入，没有发现问题。']
    """
    errors = sum(x.severity == "error" for x in placed)
    lines = [say("Issues of {file}", file=file)]
    if placed:
        lines.append(say("{n} problems: {errors} errors (red: must be corrected), {warnings} warnings "
                         "(amber: please check). Correct the cells below, then send the return again.",
                         n=len(placed), errors=errors, warnings=len(placed) - errors))
    else:
        lines.append(say("This return was read in full; no problem was found."))
    notes = []
    if clean:
        notes.append(say("Sheet “{sheets}” was read in full; no problem was found.",
                         sheets="”“".join(clean)))
    if empty and placed:
        notes.append(say("No figures were read from sheet “{sheets}”.", sheets="”“".join(empty)))
    if converted:
        notes.append(say("The return was converted to .xlsx for these marks; its own formatting "
                         "(colours, widths) is not kept here. Correct your original file."))
    lines.append(" ".join(notes))
    return [line for line in lines if line]


def issue_list(ws, lines: list[str], placed: list[Located]) -> None:
    """Fill the ``问题清单`` sheet: summary lines, then one row per issue with a link to its cell."""
    last = get_column_letter(len(COLUMNS))
    for i, line in enumerate(lines, start=1):
        put(ws, i, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(f"A{i}:{last}{i}")
        ws.row_dimensions[i].height = 20 if i == 1 else 36
    ws["A1"].font = Font(bold=True, size=14)
    header(ws, HEADER_ROW, [_(name) for name in COLUMNS])
    for i, x in enumerate(placed, start=1):
        r = HEADER_ROW + i
        values = [i, x.sheet or _("(whole file)"), x.cell or "—", severity_words(x.severity),
                  rule_words(x.rule), x.message]
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value).alignment = Alignment(wrap_text=c == len(values), vertical="top")
        ws.cell(row=r, column=4).fill = PatternFill("solid", fgColor=_style(x.severity)["fill"])
        if x.sheet:
            link(ws.cell(row=r, column=3), location=cell_ref(x.sheet, x.cell or "A1"))
    table_layout(ws, HEADER_ROW, len(placed), WIDTHS)
    print_setup(ws)
