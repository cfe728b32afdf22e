#!/usr/bin/env python3
"""Blind scenarios for the plausibility checks (审核, contract 5 of shared/design.md).

Each scenario ``sNN_<name>/`` holds small, cleanly laid out monthly returns, to be
ingested into a fresh store one by one in file-name order, and
``expected_checks.csv`` (``file,cell,rule``): exactly the ``check_*`` issues that
must be open once every file of the scenario is in.  Written from the rule
definitions only, never from the program's output.  Deterministic, byte for byte.

    python tests/checks_corpus/make_checks_corpus.py     # needs openpyxl

Rules (fixed for this exercise): check_part_whole (error), check_done_vs_plan
(warning, done > 3 x plan), check_drop (warning, a fall of more than 50 % from a
previous value of at least 10), check_spike (warning, more than 10 x the median
of at least 2 previous months, value at least 100), check_conflict (error, one
key with two values from two files), check_missing (warning, reported last month
and not this month while files of this month exist).  The source is the cell of
the newer / part / done value; for check_missing, which has no new cell, the
cell of last month's value.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent

PARTNER_HEADER = ["社区", "居民合伙人", "团体合伙人", "合伙人项目"]
CHILDCARE_HEADER = ["社区", "计划新增托位", "计划新增普惠托位", "已完成新增托位", "完成普惠托位"]
VOLUNTEER_HEADER = ["社区", "志愿者人数", "服务时长（小时）", "服务人次"]


def table_rows(title, header, rows):
    """Title on row 1, header on row 2, one area per row from row 3."""
    return [[title], header] + [[area] + list(vals) for area, vals in rows]


def save_xlsx(path: Path, grid, sheet="Sheet1"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(grid, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(row=r, column=c, value=v)
    ws.merge_cells(f"A1:{get_column_letter(len(grid[1]))}1")
    wb.properties.created = wb.properties.modified = dt.datetime(2025, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", data)
            zout.writestr(zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0)), data,
                          compress_type=zipfile.ZIP_DEFLATED)
    path.write_bytes(out.getvalue())


def save_csv(path: Path, grid):
    """UTF-8 with a BOM, CRLF, every line as wide as the header (as Excel writes it)."""
    width = len(grid[1])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for row in grid:
        w.writerow([("" if v is None else v) for v in row] + [""] * (width - len(row)))
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))


SCENARIOS: dict[str, tuple[list, list, str]] = {}


def scenario(name, files, expected, readme):
    SCENARIOS[name] = (files, expected, readme)


# s01 -------------------------------------------------------------------------
AREAS5 = ["天悦社区", "育才东苑社区", "工人路社区", "湘湖社区", "盈二社区"]
scenario(
    "s01_partners_drops",
    [
        ("partners_2024-01.xlsx", "萧山区社区合伙人情况（2024年1月）", PARTNER_HEADER,
         list(zip(AREAS5, [(20, 35, 18), (3, 12, 6), (14, 20, 20), (9, 7, 5), (8, 6, 4)]))),
        ("partners_2024-02.xlsx", "萧山区社区合伙人情况（2024年2月）", PARTNER_HEADER,
         list(zip(AREAS5, [(21, 36, 19), (1, 12, 6), (15, 21, 12), (10, 7, 5), (8, 6, 4)]))),
        ("partners_2024-03.xlsx", "萧山区社区合伙人情况（2024年3月）", PARTNER_HEADER,
         list(zip(AREAS5, [(2, 37, 19), (2, 13, 6), (16, 11, 6), (11, 7, 5), (9, 6, 4)]))),
    ],
    [("partners_2024-03.xlsx", "Sheet1!B3", "check_drop")],
    """Three monthly partner returns for five communities.

- 天悦社区 居民合伙人 21 (Feb) → 2 (Mar): a fall of 90 % from a value ≥ 10 → **check_drop** at
  `partners_2024-03.xlsx` `Sheet1!B3`.
- Must not fire: 育才东苑社区 居民合伙人 3 → 1 (previous value below the floor of 10);
  工人路社区 合伙人项目 20 → 12 (−40 %) and then 12 → 6 (exactly −50 %, not *more* than 50 %);
  工人路社区 团体合伙人 21 → 11 (−47.6 %); ordinary rises (天悦社区 团体合伙人 35 → 36 → 37,
  湘湖社区 居民合伙人 9 → 10 → 11, 盈二社区 8 → 8 → 9); no value reaches 100, so no spike.""",
)

# s02 -------------------------------------------------------------------------
scenario(
    "s02_partners_missing_and_late_returns",
    [
        ("partners_2024-05.xlsx", "萧山区社区合伙人情况（2024年5月）", PARTNER_HEADER,
         list(zip(AREAS5, [(22, 38, 20), (13, 15, 7), (16, 12, 21), (10, 7, 6), (9, 6, 4)]))),
        ("partners_2024-06.xlsx", "萧山区社区合伙人情况（2024年6月）", PARTNER_HEADER,
         [("天悦社区", (23, "待核实", 21)), ("育才东苑社区", (13, 16, 7)), ("工人路社区", (17, 12, 22))]),
        ("partners_2024-06_更正.xlsx", "天悦社区合伙人情况更正（2024年6月）", PARTNER_HEADER,
         [("天悦社区", (23, 38, 21))]),
        ("partners_2024-06_补报.xlsx", "盈二社区合伙人情况补报（2024年6月）", PARTNER_HEADER,
         [("盈二社区", (9, 6, 5))]),
    ],
    [
        ("partners_2024-05.xlsx", "Sheet1!B6", "check_missing"),
        ("partners_2024-05.xlsx", "Sheet1!C6", "check_missing"),
        ("partners_2024-05.xlsx", "Sheet1!D6", "check_missing"),
    ],
    """May has five communities; the June return lists only three, and its 天悦社区 团体合伙人
cell reads `待核实`. Two later files with other names follow: `_更正` re-sends the 天悦社区 row
with 团体合伙人 filled in (居民合伙人 and 合伙人项目 unchanged), `_补报` sends 盈二社区's June row.

- 湘湖社区 reported all three measures in May and nothing in June → three **check_missing**,
  at its May cells `partners_2024-05.xlsx` `Sheet1!B6`, `C6`, `D6`.
- Must not be open at the end: 天悦社区 团体合伙人 for June (whatever the June file raised, the
  `_更正` file supplies it); 盈二社区 (supplied by `_补报`); no check_conflict for 天悦社区
  居民合伙人 23 and 合伙人项目 21, sent twice with the same values.
- Not a check, so not in `expected_checks.csv`: the `unreadable_value` error of
  `partners_2024-06.xlsx` `Sheet1!C3` (`待核实`) stays open, that file being unchanged.""",
)

# s03 -------------------------------------------------------------------------
AREAS_CC = ["天悦社区", "育才东苑社区", "工人路社区", "湘湖社区", "南阳社区"]
scenario(
    "s03_childcare_part_whole_and_plan",
    [
        ("childcare_2024-09.xlsx", "萧山区社区托位建设进度（2024年9月）", CHILDCARE_HEADER,
         list(zip(AREAS_CC, [(40, 24, 30, 18), (35, 20, 20, 12), (30, 18, 28, 16), (10, 6, 25, 15),
                             (20, 24, 15, 9)]))),
        ("childcare_2024-10.xlsx", "萧山区社区托位建设进度（2024年10月）", CHILDCARE_HEADER,
         list(zip(AREAS_CC, [(40, 24, 38, 40), (35, 20, 24, 14), (30, 18, 32, 18), (10, 6, 45, 20),
                             (20, 12, 60, 30)]))),
    ],
    [
        ("childcare_2024-09.xlsx", "Sheet1!C7", "check_part_whole"),
        ("childcare_2024-10.xlsx", "Sheet1!E3", "check_part_whole"),
        ("childcare_2024-10.xlsx", "Sheet1!D6", "check_done_vs_plan"),
    ],
    """Two monthly childcare returns (columns 计划新增托位 | 计划新增普惠托位 | 已完成新增托位 | 完成普惠托位).

- September, 南阳社区: 计划新增普惠托位 24 above 计划新增托位 20 → **check_part_whole** at
  `childcare_2024-09.xlsx` `Sheet1!C7` (stays open: October's corrected 12 is another month).
- October, 天悦社区: 完成普惠托位 40 above 已完成新增托位 38 → **check_part_whole** at
  `childcare_2024-10.xlsx` `Sheet1!E3`.
- October, 湘湖社区: 已完成新增托位 45 against a plan of 10 (4.5×) → **check_done_vs_plan** at
  `childcare_2024-10.xlsx` `Sheet1!D6`.
- Must not fire: 湘湖社区 in September, 25 done against 10 planned (2.5×); 南阳社区 in October,
  60 done against 20 (exactly 3×, not more); 南阳社区 计划新增普惠托位 24 → 12 (exactly −50 %,
  not a drop); 普惠 equal to or below the whole everywhere else.""",
)

# s04 -------------------------------------------------------------------------
AREAS_V = ["新街社区", "新塘社区", "南阳社区", "赭东村"]
scenario(
    "s04_volunteers_spike",
    [
        ("volunteers_2025-01.csv", "萧山区部分社区志愿服务情况（2025年1月）", VOLUNTEER_HEADER,
         list(zip(AREAS_V, [(30, 90, 200), (40, 120, 180), (25, 75, 150), (5, 12, 8)]))),
        ("volunteers_2025-02.csv", "萧山区部分社区志愿服务情况（2025年2月）", VOLUNTEER_HEADER,
         list(zip(AREAS_V + ["湘湖社区"],
                  [(32, 96, 210), (41, 125, 190), (26, 80, 160), (6, 15, 9), (10, 30, 30)]))),
        ("volunteers_2025-03.xlsx", "萧山区部分社区志愿服务情况（2025年3月）", VOLUNTEER_HEADER,
         list(zip(AREAS_V + ["湘湖社区"],
                  [(33, 100, 50000), (42, 130, 220), (27, 82, 170), (6, 16, 90), (12, 36, 400)]))),
    ],
    [("volunteers_2025-03.xlsx", "Sheet1!D3", "check_spike")],
    """Three months of volunteer returns (two UTF-8 CSVs, then an xlsx).

- 新街社区 服务人次 200, 210, then 50000: more than 10 × the median 205 of two previous months →
  **check_spike** at `volunteers_2025-03.xlsx` `Sheet1!D3`.
- Must not fire: 赭东村 服务人次 8, 9 → 90 (more than 10 × 8.5, but below the floor of 100);
  湘湖社区, new in February, 服务人次 30 → 400 (only one previous month); steady rises elsewhere;
  湘湖社区 absent in January is not a missing return (it had not reported before).""",
)

# s05 -------------------------------------------------------------------------
scenario(
    "s05_partners_conflict",
    [
        ("partners_2024-03_北干街道.xlsx", "北干街道社区合伙人情况（2024年3月）", PARTNER_HEADER,
         [("天悦社区", (20, 35, 18)), ("育才东苑社区", (12, 15, 6))]),
        ("partners_2024-04_北干街道.xlsx", "北干街道社区合伙人情况（2024年4月）", PARTNER_HEADER,
         [("天悦社区", (22, 36, 19)), ("育才东苑社区", (13, 15, 7))]),
        ("partners_2024-04_天悦社区.xlsx", "天悦社区合伙人情况（2024年4月）", PARTNER_HEADER,
         [("天悦社区", (24, 36, 19))]),
    ],
    [("partners_2024-04_天悦社区.xlsx", "Sheet1!B3", "check_conflict")],
    """The street sends its April return, and 天悦社区 sends its own April return too.

- 天悦社区 居民合伙人 for 2024-04 is 22 in `partners_2024-04_北干街道.xlsx` and 24 in
  `partners_2024-04_天悦社区.xlsx` (ingested later: 北 sorts before 天) → **check_conflict** at
  `partners_2024-04_天悦社区.xlsx` `Sheet1!B3`.
- Must not fire: 团体合伙人 36 and 合伙人项目 19, sent by both files with the same value; 育才东苑社区,
  sent once; the rises from March (20 → 22/24, 12 → 13); no missing return (both communities are in
  the April street file).""",
)


def main():
    readme = ["# Plausibility-check scenarios (审核), blind", "",
              "Written by a helper that had read only `shared/design.md` (contract 5) and the rule",
              "definitions below, never the checker's code; expected results are not derived from",
              "the program's output. Regenerate with `python tests/checks_corpus/make_checks_corpus.py`.",
              "",
              "Each `sNN_<name>/` folder is one scenario: ingest its return files into a **fresh store**,",
              "one at a time, in file-name order (Python `sorted()` order of the names), then list the",
              "open issues whose rule starts `check_`. `expected_checks.csv` (`file,cell,rule`) holds",
              "exactly those (no more, no fewer); `cell` is `SHEET!CELL` as in the `source` of",
              "contract 1 (for CSV the sheet is the file stem). Every return has its title on row 1",
              "(the month in it and in the file name), the header on row 2 and one community per row",
              "from row 3; xlsx sheets are named `Sheet1`, CSVs are UTF-8 with a BOM.",
              "",
              "| rule | severity | fires when | source |",
              "| --- | --- | --- | --- |",
              "| `check_part_whole` | error | inclusive_slots_added > slots_added, or inclusive_slots_target > slots_target (same area, period) | the part |",
              "| `check_done_vs_plan` | warning | slots_added > 3 × slots_target (same area, period) | the done value |",
              "| `check_drop` | warning | a value more than 50 % below last month's (same area/group/measure), last month ≥ 10 | the newer value |",
              "| `check_spike` | warning | a value > 10 × the median of at least 2 previous months, value ≥ 100 | the newer value |",
              "| `check_conflict` | error | one area/group/period/measure with different values from two files | the later file's value |",
              "| `check_missing` | warning | reported last month, not this month, while this month has files of the domain | last month's value (there is no newer cell) |",
              "",
              "Boundaries are strict as worded: exactly −50 % is not a drop and exactly 3× is not",
              "\"more than 3×\"."]
    for name, (files, expected, text) in SCENARIOS.items():
        d = HERE / name
        d.mkdir(exist_ok=True)
        for old in d.iterdir():
            old.unlink()
        for fname, title, header, rows in files:
            grid = table_rows(title, header, rows)
            if fname.endswith(".csv"):
                save_csv(d / fname, grid)
            else:
                save_xlsx(d / fname, grid)
        with open(d / "expected_checks.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["file", "cell", "rule"])
            w.writerows(expected)
        readme += ["", f"## {name}", "", "Files, in ingest order: " +
                   ", ".join(f"`{fn}`" for fn, *_ in sorted(files)) + ".", "", text]
        if not expected:
            readme += ["", "Expected open checks: none."]
    readme += ["", "## Left out on purpose", "",
               "A later file under another name that *changes* a figure already sent (say 天悦社区 居民合伙人",
               "2 → 21 for the same month, to undo a check_drop) is, by the rule's own words, a check_conflict",
               "(two files, one key, two values), while contract 5 says a correcting file closes the issue.",
               "Until the contract says how a correction is told from a conflict (a withdraw first, a",
               "marker in the name, the later file winning), no scenario relies on it: the corrections",
               "here (s02) fill a figure the earlier file did not give, so both readings agree."]
    (HERE / "README.md").write_text("\n".join(readme) + "\n", encoding="utf-8")
    print(f"{len(SCENARIOS)} scenarios written to {HERE}")


if __name__ == "__main__":
    main()
