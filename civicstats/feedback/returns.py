"""A month's returns to send back: the annotated copy of every file with open errors,
and ``退回清单_<period>.xlsx``, one row per file to resend.

The files and their open issues come from the store (``store.issues``, ``store.ingests``);
the file itself is read again from the path in the ingest log, so that the marks sit
on the cells as they are now. A file that is gone is listed as such. The store's
plausibility checks (``check_…`` issues) are marked beside the cleaner's own.

>>> import tempfile, pathlib
>>> from civicstats.messages import language
>>> from civicstats.store import ingest
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "partners_2023-09.csv").write_text(
...     "2023年9月合伙人统计\\n社区,居民合伙人,团体合伙人\\n天悦社区,待核实,22\\n育才东苑社区,12,9\\n", encoding="utf-8")
>>> _ = ingest([d], store=d / "s.duckdb")
>>> with language("zh"):
...     sent = send_back("2023-09", out_dir=d / "out", store=d / "s.duckdb")
>>> [(r.unit, r.file, r.errors, r.summary, r.annotated) for r in sent.rows]
[('北干街道', 'partners_2023-09.csv', 1, '数值无法识别 1 处', 'partners_2023-09_批注.xlsx')]
>>> sent.path.name, sent.exit_code
('退回清单_2023-09.xlsx', 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from civicstats import config, vocab
from civicstats.errors import CivicstatsError
from civicstats.feedback.annotate import annotate, save
from civicstats.feedback.options import checked_period
from civicstats.feedback.sheets import header, link, print_setup, put, table_layout
from civicstats.feedback.words import rule_words
from civicstats.messages import N_, _, say

COLUMNS = [N_("Reporting unit"), N_("File"), N_("Errors"), N_("Warnings"), N_("What to correct"),
           N_("Annotated copy")]
"""The columns of the 退回清单 (填报单位, 文件, 错误数, 警告数, 要改什么, 批注文件)."""
WIDTHS = [16, 34, 8, 8, 50, 38]
HEADER_ROW = 3
SUMMARY_KINDS = 3
"""How many kinds of problem the 要改什么 cell names before it says 等 (and more)."""
LOADED = ("ok", "rejected-cells")


@dataclass(frozen=True)
class Resend:
    """One row of the 退回清单."""

    unit: str
    file: str
    errors: int
    warnings: int
    summary: str
    annotated: str
    out: Path | None = None


@dataclass(frozen=True)
class SentBack:
    """What :func:`send_back` wrote: the list's path, its rows, and the command's exit code."""

    path: Path
    rows: list[Resend]

    @property
    def exit_code(self) -> int:
        """1 when some file must be resent, else 0."""
        return 1 if self.rows else 0


def send_back(period: str, *, out_dir, store=None) -> SentBack:
    """Annotate every file of ``period`` that has open errors and write the 退回清单."""
    from civicstats import store as st

    period = checked_period(period)
    out_dir = Path(out_dir)
    issues = st.issues(store=store)
    records = st.load(store=store)
    files = files_to_resend(issues, records, period)
    log = st.ingests(store=store)
    rows = [_resend(file, issues[issues.file == file], records[records.file == file], log, out_dir)
            for file in files]
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"退回清单_{period}.xlsx"
    save(resend_workbook(period, rows), path)
    return SentBack(path, rows)


def files_to_resend(issues: pd.DataFrame, records: pd.DataFrame, period: str) -> list[str]:
    """The files with an open error in ``period``: an error of that month, or an error of
    no known month in a file that has figures for that month or none at all.

    >>> iss = pd.DataFrame({"file": ["a", "b", "c", "d"], "severity": ["error", "error", "warning", "error"],
    ...                     "period": pd.PeriodIndex(["2023-09", None, "2023-09", None], freq="M")})
    >>> rec = pd.DataFrame({"file": ["b", "d"], "period": pd.PeriodIndex(["2023-09", "2023-08"], freq="M")})
    >>> files_to_resend(iss, rec, "2023-09")
    ['a', 'b']
    """
    errors = issues[issues.severity == "error"]
    month = pd.Period(period, freq="M")
    rec_periods = records.groupby("file")["period"].agg(set).to_dict() if len(records) else {}
    keep = []
    for file, rows in errors.groupby("file", sort=False):
        periods = rows["period"]
        if (periods == month).any() or (
                periods.isna().any() and (file not in rec_periods or month in rec_periods[file])):
            keep.append(file)
    return keep


def _resend(file: str, issues: pd.DataFrame, records: pd.DataFrame, log: pd.DataFrame,
            out_dir: Path) -> Resend:
    """One file's row of the list, writing its annotated copy when the file is still there."""
    from civicstats.store import file_sha256

    path = Path(file) if Path(file).is_absolute() else config.project_root() / file
    areas = records["area"].tolist()
    if not path.is_file():
        return _row(file, areas, issues, say("(file not found: {path})", path=str(path)))
    mine = log[(log.path == file) & log.outcome.isin(LOADED)]
    domain = mine["domain"].iloc[-1] if len(mine) else None
    changed = bool(len(mine)) and file_sha256(path) != mine["sha256"].iloc[-1]
    # the store's checks point at the cells of the version it loaded: marked only on that version
    checks = issues[issues.rule.astype(str).str.startswith("check_")] if not changed else None
    try:
        done = annotate(path, domain, out_dir=out_dir, more_issues=checks)
    except CivicstatsError as exc:
        return _row(file, areas, issues, say("(cannot be annotated: {why})", why=str(exc)))
    note = say(" (the file changed after it was loaded; the marks are on the file as it is now)") if changed else ""
    return _row(file, areas or done.records["area"].tolist(), done.issues, done.out.name + note, done.out)


def _row(file: str, areas: list[str], issues: pd.DataFrame, annotated: str, out: Path | None = None) -> Resend:
    errors = int((issues.severity == "error").sum())
    return Resend(reporting_unit(areas, Path(file).stem), Path(file).name, errors,
                  len(issues) - errors, what_to_change(issues), annotated, out)


def reporting_unit(areas: list[str], stem: str = "") -> str:
    """The place a file is about: the area its name gives when that holds all its areas, else
    the one area or the street (or district) holding all of them, else the name's area.

    >>> reporting_unit(["天悦社区", "育才东苑社区"]), reporting_unit(["天悦社区", "赭东村"])
    ('北干街道', '萧山区')
    >>> reporting_unit(["南阳社区"], "partners_2023-09_南阳街道"), reporting_unit(["火星社区"])
    ('南阳街道', '火星社区')
    >>> reporting_unit([], "partners_2023-09")
    '（未能确定）'
    """
    parent = dict(zip(vocab.areas().area, vocab.areas().parent, strict=True))

    def chain(area: str) -> list[str]:
        out = [area]
        while parent.get(out[-1]) and len(out) < 10:
            out.append(parent[out[-1]])
        return out

    names = list(dict.fromkeys(a for a in areas if a))
    named = vocab.find_area_in(stem)
    if named and all(named in chain(n) for n in names):
        return named
    common = [a for a in chain(names[0]) if all(a in chain(n) for n in names[1:])] if names else []
    return common[0] if common else named or _("(unknown)")


def what_to_change(issues: pd.DataFrame) -> str:
    """A short summary: how many cells of each kind of problem, errors first.

    >>> from civicstats.messages import language
    >>> iss = pd.DataFrame({"severity": ["error", "warning", "error"],
    ...                     "rule": ["unreadable_value", "unknown_column", "unreadable_value"]})
    >>> with language("zh"):
    ...     what_to_change(iss)
    '数值无法识别 2 处；该栏未读入 1 处'
    """
    if issues.empty:
        return ""
    counts = (issues.assign(error=issues.severity == "error")
              .groupby(["error", "rule"], sort=False).size().reset_index(name="n")
              .sort_values(["error", "n"], ascending=[False, False], kind="stable"))
    parts = [say("{words} {n} cells", words=rule_words(r.rule), n=int(r.n))
             for r in counts.head(SUMMARY_KINDS).itertuples()]
    more = say("; and more") if len(counts) > SUMMARY_KINDS else ""
    return _("; ").join(parts) + more


def resend_workbook(period: str, rows: list[Resend]) -> Workbook:
    """The 退回清单 workbook: a title, then one row per file, the annotated copy linked."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Returns to resend")
    year, month = period.split("-")
    title = (say("Returns to resend ({year}-{month}): correct them as their annotated copies say "
                 "and send them again", year=year, month=int(month)) if rows else
             say("Returns to resend ({year}-{month}): no file of this month has open errors",
                 year=year, month=int(month)))
    put(ws, 1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(f"A1:{get_column_letter(len(COLUMNS))}1")
    header(ws, HEADER_ROW, [_(name) for name in COLUMNS])
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        values = [row.unit, row.file, row.errors, row.warnings, row.summary, row.annotated]
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value).alignment = Alignment(wrap_text=c >= 5, vertical="top")
        if row.out is not None:  # the copy sits beside this list: a relative link opens it
            link(ws.cell(row=r, column=6), target=row.out.name)
    table_layout(ws, HEADER_ROW, len(rows), WIDTHS)
    print_setup(ws)
    return wb
