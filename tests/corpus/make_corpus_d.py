#!/usr/bin/env python
"""Blind corpus D: twenty returns as street and community clerks fill them in.

Written from ``shared/design.md`` (the data contract), ``data/reference/areas.csv``
and the public sheets in ``shared/realworld/`` (read for realism only), never
from the cleaner's code or output.  Every expected record below is what a
careful statistician reads off the sheet; the raw text of each value cell and
the record it must give are written side by side, so the two cannot drift.

Writes ``files/d01_*`` … ``files/d20_*`` (xlsx, one legacy xls, a GBK CSV and a
UTF-8-with-BOM CSV), ``expected/<file>.records.csv`` and, where the file must
raise errors, ``expected/<file>.issues.csv``; then re-opens every file and
checks that each cell holds exactly the raw value claimed here.

Deterministic: xlsx zip members carry a fixed date and docProps/core.xml a
fixed created/modified stamp, so reruns are byte-identical.

    python tests/corpus/make_corpus_d.py        # needs openpyxl, xlwt, xlrd
"""
from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
import xlwt
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries
from openpyxl.worksheet.pagebreak import Break

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
EXPECTED = HERE / "expected"

ZIP_DATE = (2024, 1, 1, 0, 0, 0)
CORE_DATE = b"2024-01-01T00:00:00Z"

KNOWN_AREAS = {
    "萧山区", "北干街道", "南阳街道", "新街街道", "新塘街道", "城厢街道", "盈丰街道",
    "天悦社区", "工人路社区", "育才东苑社区", "盈二社区", "赭东村", "新街社区",
    "新塘社区", "湘湖社区", "南阳社区",
}
# written on purpose as a community that is not in areas.csv: kept as written
UNKNOWN_AREAS = {"崇化社区"}


# --------------------------------------------------------------------------
# value specs: the raw cell and what a careful reader takes from it
# --------------------------------------------------------------------------
def Q(raw, value, qual="exact"):
    """A value cell: raw as typed, the value in base units, the qualifier."""
    return (raw, value, qual)


def M(raw):
    """A missing-value cell (—, /, 无, 暂无): no record, no error."""
    return (raw, None, None)


def E(raw):
    """A cell that must not give a record (an error cell; see the issues)."""
    return (raw, None, None)


def spec(s):
    if isinstance(s, tuple):
        return s
    if isinstance(s, bool) or not isinstance(s, (int, float)):
        raise TypeError(f"value cell needs Q()/M()/E() or a number: {s!r}")
    return (s, s, "exact")


def fmt_value(v):
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


# --------------------------------------------------------------------------
# a sheet as a grid of raw cells, a book as sheets + expectations
# --------------------------------------------------------------------------
class Grid:
    def __init__(self, name):
        self.name = name
        self.cells: dict[str, object] = {}
        self.merges: list[str] = []
        self.breaks: list[int] = []
        self.widths: dict[str, float] = {}
        self.formats: dict[str, str] = {}
        self.bold: set[str] = set()
        self.header_rows: set[int] = set()

    def set(self, addr, raw):
        if raw is None or raw == "":
            return
        if addr in self.cells:
            raise ValueError(f"{self.name}!{addr} written twice")
        self.cells[addr] = raw

    def row(self, r, vals, c0=1):
        for i, v in enumerate(vals):
            self.set(f"{get_column_letter(c0 + i)}{r}", v)

    def merge(self, rng, raw=None):
        self.merges.append(rng)
        self.set(rng.split(":")[0], raw)

    def title(self, rng, text):
        self.merge(rng, text)
        self.bold.add(rng.split(":")[0])


class Book:
    def __init__(self, fname, domain, kind, note):
        self.fname, self.domain, self.kind, self.note = fname, domain, kind, note
        self.sheets: list[Grid] = []
        self.records: list[tuple] = []
        self.issues: list[tuple] = []
        self.csv = None  # (encoding, bom, line terminator) for CSV files

    @property
    def stem(self):
        return self.fname.rsplit(".", 1)[0]

    def sheet(self, name):
        g = Grid(self.stem if self.csv else name)
        self.sheets.append(g)
        return g

    def line(self, g, r, vals, mcols, area, group, period):
        """One table row: vals from column A; columns in mcols are value cells."""
        for i, v in enumerate(vals):
            col = get_column_letter(i + 1)
            addr = f"{col}{r}"
            if col in mcols:
                if v is None:
                    continue
                raw, value, qual = spec(v)
                g.set(addr, raw)
                if value is not None:
                    self.records.append((area, group or "", period, mcols[col],
                                         fmt_value(value), qual, f"{g.name}!{addr}"))
            else:
                if isinstance(v, tuple):
                    raise TypeError(f"{addr}: a spec in a context column")
                g.set(addr, v)

    def issue(self, g, addr, rule):
        self.issues.append((f"{g.name}!{addr}", rule))


BOOKS: list[Book] = []


def book(fname, domain, kind, note):
    b = Book(fname, domain, kind, note)
    BOOKS.append(b)
    return b


# ==========================================================================
# partners
# ==========================================================================
def d01():
    b = book("d01_partners_total_col_persons_units.xlsx", "partners", "2,1,9,8",
             "合伙人总数 merged over 合伙人数（人） | 其中：个人 | 其中：单位: the 合伙人数 column is the "
             "whole (not a measure), only the parts load (个人 → resident, 单位 → group); "
             "\"20 \" with a trailing space, 22 人, 35家, 20余; — / 暂无 give no record; 0 is a value; "
             "合计 row correct; 填报人/填报日期 line")
    g = b.sheet("合伙人招募")
    P = "2024-10"
    g.title("A1:G1", "萧山区社区合伙人招募情况统计表（2024年10月）")
    g.merge("A3:A4", "序号")
    g.merge("B3:B4", "社区名称")
    g.merge("C3:E3", "合伙人总数")
    g.merge("F3:F4", "合伙人项目（个）")
    g.merge("G3:G4", "备注")
    g.row(4, ["合伙人数（人）", "其中：个人", "其中：单位"], c0=3)
    g.header_rows |= {3, 4}
    mc = {"D": "resident_partners", "E": "group_partners", "F": "partner_projects"}
    rows = [
        (5, "天悦社区", 55, Q("20 ", 20), Q("35家", 35), 18, None),
        (6, "育才东苑社区", 26, 12, 14, 7, None),
        (7, "工人路社区", 34, Q("22 人", 22), 12, Q("20余", 20, "at_least"), "项目含“红色议事厅”"),
        (8, "湘湖社区", 19, 11, 8, 5, None),
        (9, "盈二社区", 9, 9, M("—"), M("/"), "单位合伙人正在对接"),
        (10, "新街社区", 6, 0, 6, M("暂无"), None),
    ]
    for r, area, tot, *rest in rows:
        b.line(g, r, [r - 4, area, tot, *rest], mc, area, "", P)
    g.merge("A11:B11", "合计")
    g.row(11, [149, 74, 75, 50], c0=3)
    g.merge("A13:G13", "填报人：张敏        联系电话：8266××××        填报日期：2024年11月4日")
    g.widths.update({"A": 6, "B": 16, "C": 14, "D": 12, "E": 12, "F": 16, "G": 22})
    return b


def d02():
    b = book("d02_partners_sheet1_报送月份.xlsx", "partners", "3,7,9",
             "sheet Sheet1, title without a date; the period only in the cell 报送月份：2025-04 "
             "(填报日期 in May is not the period); 城厢街道工人路社区居委会, 湘湖社区 + NBSP, "
             "unknown 崇化社区 kept as written; 10余/20余; 暂无 and / give no record; 0 social organisations")
    g = b.sheet("Sheet1")
    P = "2025-04"
    g.title("A1:G1", "社区合伙人情况报表")
    g.set("A2", "填报单位：城厢街道")
    g.merge("F2:G2", "报送月份：2025-04")
    g.row(3, ["序号", "村（社区）", "居民合伙人\n（名）", "团体合伙人\n（家）", "合伙人项目数（个）",
              "社会组织（家）", "备注"])
    g.header_rows.add(3)
    mc = {"C": "resident_partners", "D": "group_partners", "E": "partner_projects",
          "F": "social_organisations"}
    b.line(g, 4, [1, "城厢街道工人路社区居委会", 16, Q("10余", 10, "at_least"),
                  Q("20余", 20, "at_least"), 34, None], mc, "工人路社区", "", P)
    b.line(g, 5, [2, "湘湖社区\u00a0", 21, 9, M("暂无"), 6, None], mc, "湘湖社区", "", P)
    b.line(g, 6, [3, "崇化社区", 7, M("/"), 3, 0, "新成立社区"], mc, "崇化社区", "", P)
    g.set("A8", "填报人：李晓燕　　审核人：王建国　　联系电话：0571-8××××××")
    g.set("A9", "填报日期：2025年5月6日")
    g.widths.update({"A": 6, "B": 26, "C": 12, "D": 12, "E": 18, "F": 14, "G": 14})
    return b


def d03():
    b = book("d03_partners_repeated_header_blank_row.xlsx", "partners", "8,9,3",
             "a blank row inside the table and, after a manual page break, the header row repeated "
             "(it is not data); 统计时间：2024年12月 line; 10+ and ≥12 are at_least; — and / give no "
             "record; 合计 at the end covers both pages (correct)")
    g = b.sheet("汇总")
    P = "2024-12"
    g.title("A1:G1", "萧山区社区合伙人工作推进情况表")
    g.set("A2", "统计时间：2024年12月")
    header = ["序号", "镇街", "村社", "居民合伙人", "团体合伙人", "合伙人项目", "备注"]
    g.row(3, header)
    g.header_rows.add(3)
    mc = {"D": "resident_partners", "E": "group_partners", "F": "partner_projects"}
    page1 = [
        (4, 1, "北干街道", "天悦社区", 20, 35, 18),
        (5, 2, "北干街道", "育才东苑社区", 13, 15, 7),
        # row 6 left blank by the clerk
        (7, 3, "城厢街道", "工人路社区", 18, Q("10+", 10, "at_least"), 22),
        (8, 4, "城厢街道", "湘湖社区", 9, 7, M("—")),
    ]
    for r, n, street, area, *vals in page1:
        b.line(g, r, [n, street, area, *vals], mc, area, "", P)
    g.breaks.append(8)
    g.row(9, header)  # the header printed again on the second page
    g.header_rows.add(9)
    page2 = [
        (10, 5, "盈丰街道", "盈二社区", 8, 6, Q("≥12", 12, "at_least")),
        (11, 6, "南阳街道", "赭东村", 14, 9, 6),
        (12, 7, "南阳街道", "南阳社区", 11, 5, 4),
        (13, 8, "新塘街道", "新塘社区", 10, 8, M("/")),
    ]
    for r, n, street, area, *vals in page2:
        b.line(g, r, [n, street, area, *vals], mc, area, "", P)
    g.merge("A14:C14", "合计")
    g.row(14, [103, 95, 69], c0=4)
    g.widths.update({"A": 6, "B": 12, "C": 16, "D": 12, "E": 12, "F": 12, "G": 12})
    return b


def d04():
    b = book("d04_partners_monthly_new_vs_cumulative.xlsx", "partners", "6,2,7",
             "居民/团体合伙人 and 合伙人项目 each merged over 本月新增 | 累计: only 累计 (the stock) loads; "
             "社会组织（家） alone is a stock; 赭东村村委会 / 南阳社区居委会 suffixes; 合计 row; 2025年3月 in the title")
    g = b.sheet("南阳街道")
    P = "2025-03"
    g.title("A1:H1", "南阳街道社区合伙人发展情况（2025年3月）")
    g.merge("A3:A4", "村（社区）")
    g.merge("B3:C3", "居民合伙人")
    g.merge("D3:E3", "团体合伙人")
    g.merge("F3:G3", "合伙人项目")
    g.merge("H3:H4", "社会组织（家）")
    g.row(4, ["本月新增", "累计", "本月新增", "累计", "本月新增", "累计"], c0=2)
    g.header_rows |= {3, 4}
    mc = {"C": "resident_partners", "E": "group_partners", "G": "partner_projects",
          "H": "social_organisations"}
    b.line(g, 5, ["赭东村村委会", 2, 16, 1, 11, 0, 7, 3], mc, "赭东村", "", P)
    b.line(g, 6, ["南阳社区居委会", 0, 12, 2, 8, 1, 5, 2], mc, "南阳社区", "", P)
    g.row(7, ["合计", 2, 28, 3, 19, 1, 12, 5])
    g.widths.update({"A": 18})
    return b


def d05():
    b = book("d05_partners_street_totals_gbk.csv", "partners", "8,7,1",
             "GBK CSV (CRLF, padded like Excel): title line, 街道 | 社区 list with a 街道合计 row per street "
             "and a 全区合计 row; the street totals are right, the 全区合计 of 居民合伙人 says 71 where the "
             "communities add to 69 (total_mismatch); unknown 崇化社区; a — cell; note line")
    b.csv = ("gbk", False, "\r\n")
    g = b.sheet(None)
    P = "2024-06"
    g.set("A1", "萧山区社区合伙人统计汇总表（2024年6月）")
    g.row(2, ["街道", "社区", "居民合伙人（人）", "团体合伙人（个）", "合伙人项目（个）", "备注"])
    mc = {"C": "resident_partners", "D": "group_partners", "E": "partner_projects"}
    b.line(g, 3, ["北干街道", "天悦社区", 20, 35, 18], mc, "天悦社区", "", P)
    b.line(g, 4, ["北干街道", "育才东苑社区", 11, 14, 6], mc, "育才东苑社区", "", P)
    g.row(5, ["北干街道", "街道合计", 31, 49, 24])
    b.line(g, 6, ["城厢街道", "工人路社区", 15, 12, 20], mc, "工人路社区", "", P)
    b.line(g, 7, ["城厢街道", "湘湖社区", 9, 7, 5], mc, "湘湖社区", "", P)
    b.line(g, 8, ["城厢街道", "崇化社区", 6, 4, M("—"), "新成立"], mc, "崇化社区", "", P)
    g.row(9, ["城厢街道", "街道合计", 30, 23, 25])
    b.line(g, 10, ["盈丰街道", "盈二社区", 8, 6, 4], mc, "盈二社区", "", P)
    g.row(11, ["盈丰街道", "街道合计", 8, 6, 4])
    g.row(12, ["全区合计", None, 71, 78, 53])  # 20+11+15+9+6+8 = 69, not 71
    b.issue(g, "C12", "total_mismatch")
    g.set("A13", "注：数据截至6月30日，由各街道汇总报送。")
    return b


def d06():
    b = book("d06_partners_tianyue_names_month_column.xlsx", "partners", "7,9,3",
             "monthly ledger appended row by row: 月份 as text 2025-07 and as the number 202508 (YYYYMM); "
             "天悦 (alias) and 北干街道天悦社区居委会 are both 天悦社区, 育才东苑 (alias); "
             "居民合伙人数/单位合伙人数/项目数 headers")
    g = b.sheet("台账")
    g.title("A1:F1", "北干街道社区合伙人月度台账")
    g.row(2, ["社区", "月份", "居民合伙人数", "单位合伙人数", "项目数", "备注"])
    g.header_rows.add(2)
    mc = {"C": "resident_partners", "D": "group_partners", "E": "partner_projects"}
    b.line(g, 3, ["天悦", "2025-07", 20, 35, 18], mc, "天悦社区", "", "2025-07")
    b.line(g, 4, ["育才东苑", "2025-07", 12, 15, 7], mc, "育才东苑社区", "", "2025-07")
    b.line(g, 5, ["北干街道天悦社区居委会", 202508, 22, 36, 19], mc, "天悦社区", "", "2025-08")
    b.line(g, 6, ["育才东苑社区", 202508, 13, 15, 8, "8月新增项目1个"], mc, "育才东苑社区", "",
           "2025-08")
    g.widths.update({"A": 24, "B": 10, "C": 14, "D": 14, "E": 10, "F": 18})
    return b


def d07():
    b = book("d07_partners_wps_title_notes.xlsx", "partners", "3,1",
             "WPS-style title merged across 12 columns (A1:L1) naming 2026年一季度 and 截至2026年3月底 "
             "(the period is 2026-03); 单位：名、家、个 line; 招募完成率 as numbers formatted 0% (62% …) "
             "loads nothing; 议事会成立 是/否, 牵头负责人, 联系电话 columns; 说明： paragraph merged A10:L13; "
             "— and 无 give no record; a 0")
    g = b.sheet("一季度")
    P = "2026-03"
    g.title("A1:L1", "萧山区2026年一季度社区合伙人工作情况表（截至2026年3月底）")
    g.set("L2", "单位：名、家、个")
    g.row(3, ["序号", "镇街", "村（社区）", "居民合伙人", "团体合伙人", "合伙人项目", "社会组织",
              "招募完成率", "议事会成立", "牵头负责人", "联系电话", "备注"])
    g.header_rows.add(3)
    mc = {"D": "resident_partners", "E": "group_partners", "F": "partner_projects",
          "G": "social_organisations"}
    rows = [
        (4, "北干街道", "天悦社区", 24, 38, 21, 3, 0.96, "是", "陈晓", "138****5621", None),
        (5, "北干街道", "育才东苑社区", 14, 16, 9, 2, 0.8, "是", "周丽", "139****0712", None),
        (6, "新街街道", "新街社区", 10, 8, 5, M("—"), 0.62, "否", "沈伟", "135****3308",
         "社会组织数据待民政核对"),
        (7, "新塘街道", "新塘社区", 9, 11, M("无"), 1, 0.7, "是", "俞芳", "137****6645", None),
        (8, "南阳街道", "赭东村", 15, 10, 6, 0, 1, "是", "汪建", "136****9027", None),
    ]
    for r, street, area, *rest in rows:
        b.line(g, r, [r - 3, street, area, *rest], mc, area, "", P)
        g.formats[f"H{r}"] = "0%"
    g.merge("A10:L13", "说明：1．居民合伙人指以个人身份参与社区治理的居民；团体合伙人含辖区企业、社会组织、"
                       "学校等。\n2．本表数据截至2026年3月31日，由各镇街汇总上报。\n3．合伙人项目以签约立项"
                       "为准，不含意向项目。")
    g.widths.update({"A": 6, "B": 12, "C": 16, "J": 12, "K": 14, "L": 24})
    return b


# ==========================================================================
# childcare
# ==========================================================================
def d08():
    b = book("d08_childcare_plan_done_two_tables.xlsx", "childcare", "5,2,8",
             "one sheet, two tables 一、计划新增托位 / 二、完成新增托位 each with 街道 | 托位数 | "
             "其中普惠性托位: the measure comes from the table title (target vs added); the second lists "
             "the streets in another order; 统计月份：2025年6月 line above both; 合计 rows (correct, the "
             "second sums what is there beside a / cell); 完成率 strings 62% load nothing")
    g = b.sheet("托位建设")
    P = "2025-06"
    g.title("A1:D1", "萧山区托位建设情况统计表")
    g.set("A2", "统计月份：2025年6月")
    g.title("A4:D4", "一、计划新增托位")
    g.row(5, ["街道", "托位数", "其中普惠性托位", "备注"])
    g.header_rows.add(5)
    mc1 = {"B": "slots_target", "C": "inclusive_slots_target"}
    plan = [("北干街道", 120, 70), ("城厢街道", 150, 90), ("盈丰街道", 80, 48),
            ("南阳街道", 60, 36), ("新街街道", 100, 60), ("新塘街道", 90, 56)]
    for i, (area, s, inc) in enumerate(plan):
        b.line(g, 6 + i, [area, s, inc], mc1, area, "", P)
    g.row(12, ["合计", 600, 360])
    g.title("A14:D14", "二、完成新增托位")
    g.row(15, ["街道", "托位数", "其中普惠性托位", "完成率"])
    g.header_rows.add(15)
    mc2 = {"B": "slots_added", "C": "inclusive_slots_added"}
    done = [("新塘街道", 56, 35, "62%"), ("新街街道", 88, 50, "88%"), ("南阳街道", 0, 0, "0%"),
            ("盈丰街道", 45, M("/"), "56%"), ("城厢街道", 140, 85, "93%"),
            ("北干街道", 112, 66, "93%")]
    for i, (area, s, inc, rate) in enumerate(done):
        b.line(g, 16 + i, [area, s, inc, rate], mc2, area, "", P)
    g.row(22, ["合计", 441, 236, "73.5%"])
    g.set("A24", "填报日期：2025年7月5日")
    g.widths.update({"A": 14, "B": 10, "C": 16, "D": 10})
    return b


def d09():
    b = book("d09_childcare_providers_month_vs_year.xlsx", "childcare", "6,2,7,8",
             "托育机构 rows, two per community under a merged 社区 cell; 年度计划新增托位 | 其中：普惠 "
             "(target) then 完成新增托位 and 完成普惠托位 each over 本月 | 本年累计: 本年累计 is the stock, "
             "本月 the flow (not loaded); 完成率 numbers formatted 0% load nothing; 合计 row; "
             "截至2024年11月 in the title")
    g = b.sheet("进度")
    P = "2024-11"
    g.title("A1:K1", "北干街道托育机构托位建设进度表（截至2024年11月）")
    g.set("A2", "单位：个")
    for rng, text in [("A3:A4", "序号"), ("B3:B4", "社区"), ("C3:C4", "托育机构名称"),
                      ("D3:D4", "年度计划新增托位"), ("E3:E4", "其中：普惠"),
                      ("F3:G3", "完成新增托位"), ("H3:I3", "完成普惠托位"),
                      ("J3:J4", "完成率"), ("K3:K4", "备注")]:
        g.merge(rng, text)
    g.row(4, ["本月", "本年累计", "本月", "本年累计"], c0=6)
    g.header_rows |= {3, 4}
    mc = {"D": "slots_target", "E": "inclusive_slots_target", "G": "slots_added",
          "I": "inclusive_slots_added"}
    g.merge("B5:B6", "天悦社区")
    g.merge("B7:B8", "育才东苑社区")
    rows = [
        (5, "天悦社区", "天悦宝贝托育园", 40, 24, 6, 36, 4, 20, 0.9),
        (6, "天悦社区", "小橡树托育中心", 30, 18, 0, 30, 0, 18, 1),
        (7, "育才东苑社区", "育才东苑托育园", 45, 27, 5, 28, 3, 15, 0.62),
        (8, "育才东苑社区", "东苑社区婴幼儿成长驿站", 10, 10, 2, 6, 2, 6, 0.6),
    ]
    for r, area, grp, *vals in rows:
        b.line(g, r, [r - 4, None, grp, *vals], mc, area, grp, P)
        g.formats[f"J{r}"] = "0%"
    g.merge("A9:C9", "合计")
    g.row(9, [125, 79, 13, 100, 9, 59, 0.8], c0=4)
    g.formats["J9"] = "0%"
    g.widths.update({"B": 14, "C": 24, "D": 12})
    return b


def d10():
    b = book("d10_childcare_2024年度_quarters.xlsx", "childcare", "3,8",
             "sheet 2024年9月: stations by street, period from the sheet name, 合计 row; sheet 分季度: "
             "title 2024年度… and columns 第一季度 | 第二季度 | 第三季度 under 婴幼儿成长驿站（个）: a quarter "
             "is not a month, so each quarter header is bad_period and that sheet loads nothing")
    g = b.sheet("2024年9月")
    P = "2024-09"
    g.title("A1:C1", "各街道婴幼儿成长驿站建设情况")
    g.row(3, ["镇街", "婴幼儿成长驿站（个）", "备注"])
    g.header_rows.add(3)
    mc = {"B": "growth_stations"}
    q3 = [("北干街道", 8), ("城厢街道", 9), ("盈丰街道", 5), ("南阳街道", 6), ("新街街道", 7),
          ("新塘街道", 5)]
    for i, (area, n) in enumerate(q3):
        b.line(g, 4 + i, [area, n], mc, area, "", P)
    g.row(10, ["合计", 40])
    g.widths.update({"A": 12, "B": 22, "C": 12})

    h = b.sheet("分季度")
    h.title("A1:D1", "2024年度婴幼儿成长驿站建设情况（分季度）")
    h.merge("A3:A4", "镇街")
    h.merge("B3:D3", "婴幼儿成长驿站（个）")
    h.row(4, ["第一季度", "第二季度", "第三季度"], c0=2)
    h.header_rows |= {3, 4}
    q1 = [2, 3, 1, 2, 2, 1]
    q2 = [5, 6, 3, 4, 4, 3]
    for i, (area, n) in enumerate(q3):
        h.row(5 + i, [area, q1[i], q2[i], n])
    h.row(11, ["合计", 11, 25, 40])
    for addr in ("B4", "C4", "D4"):
        b.issue(h, addr, "bad_period")
    h.widths.update({"A": 12, "B": 12, "C": 12, "D": 12})
    return b


def d11():
    b = book("d11_childcare_indicator_xintang.xls", "childcare", "4,3,9",
             "legacy xls; indicator table 指标名称 | 计量单位 | 本期数 | 备注 for 新塘街道 (title); the year "
             "only in the title (2025年), the month only in the sheet name 8月; two 其中：普惠性托位 rows "
             "indented with U+3000; numbers as text 126/78 and 3个; 托位完成率 84%, 每千人口托位数 4.2 and a "
             "1:3 ratio row load nothing; 填报日期 in September is not the period")
    g = b.sheet("8月")
    P = "2025-08"
    A = "新塘街道"
    g.title("A1:D1", "新塘街道2025年托育服务工作进展情况")
    g.row(3, ["指标名称", "计量单位", "本期数", "备注"])
    g.header_rows.add(3)
    rows = [
        (4, "计划新增托位", "个", 150, "slots_target", None),
        (5, "\u3000其中：普惠性托位", "个", 90, "inclusive_slots_target", None),
        (6, "已完成新增托位", "个", Q("126", 126), "slots_added", None),
        (7, "\u3000其中：普惠性托位", "个", Q("78", 78), "inclusive_slots_added", None),
        (8, "婴幼儿成长驿站", "个", Q("3个", 3), "growth_stations", "含新塘社区驿站1个"),
    ]
    for r, label, unit, v, measure, note in rows:
        b.line(g, r, [label, unit, v, note], {"C": measure}, A, "", P)
    g.row(9, ["托位完成率", "%", "84%"])
    g.row(10, ["每千人口托位数", "个", 4.2])
    g.row(11, ["保育人员与婴幼儿比例", "—", "1:3", "托班"])
    g.set("A13", "填报人：沈佳　　填报日期：2025年9月3日")
    g.widths.update({"A": 26, "B": 10, "C": 10, "D": 20})
    return b


def d12():
    b = book("d12_childcare_street_sections_code_row.xlsx", "childcare", "8,1",
             "村（社区） rows grouped under street section rows (北干街道 / 城厢街道 / 盈丰街道 merged across "
             "the table, no figures); a column-number row 甲 | 1 | 2 | 3 | 4 | 5 under the header is not data; "
             "单位：个 line; — cells; the 合计 of 完成普惠托位 says 80, the communities add to 74 "
             "(total_mismatch); 说明 paragraph below; （2024年12月份） in the title")
    g = b.sheet("汇总表")
    P = "2024-12"
    g.title("A1:G1", "萧山区村（社区）托育服务建设情况表（2024年12月份）")
    g.set("G2", "单位：个")
    g.row(3, ["村（社区）", "计划新增托位", "计划新增普惠托位", "已完成新增托位", "完成普惠托位",
              "婴幼儿成长驿站", "备注"])
    g.row(4, ["甲", 1, 2, 3, 4, 5])
    g.header_rows |= {3, 4}
    mc = {"B": "slots_target", "C": "inclusive_slots_target", "D": "slots_added",
          "E": "inclusive_slots_added", "F": "growth_stations"}
    g.merge("A5:G5", "北干街道")
    b.line(g, 6, ["天悦社区", 40, 24, 36, 20, 2], mc, "天悦社区", "", P)
    b.line(g, 7, ["育才东苑社区", 45, 27, 50, 30, 1, "超额完成"], mc, "育才东苑社区", "", P)
    g.merge("A8:G8", "城厢街道")
    b.line(g, 9, ["工人路社区", 30, 18, 30, 18, 1], mc, "工人路社区", "", P)
    b.line(g, 10, ["湘湖社区", 25, 15, M("—"), M("—"), 1, "项目在建"], mc, "湘湖社区", "", P)
    g.merge("A11:G11", "盈丰街道")
    b.line(g, 12, ["盈二社区", 20, 12, 12, 6, 0], mc, "盈二社区", "", P)
    g.row(13, ["合计", 160, 96, 128, 80, 5])  # E: 20+30+18+6 = 74
    b.issue(g, "E13", "total_mismatch")
    g.merge("A15:G16", "说明：1.计划数为2024年全年任务；2.完成数为截至12月底累计数；"
                       "3.“—”表示尚未完成验收。")
    g.widths.update({"A": 16, "B": 14, "C": 18, "D": 16, "E": 14, "F": 16, "G": 12})
    return b


def d13():
    b = book("d13_城厢街道托育机构托位_2026年5月.xlsx", "childcare", "3,7,9",
             "sheet Sheet1 and a title without a date: the period 2026-05 only in the file name; "
             "所属社区 | 托育机构 with the alias 工人路 and a street-level provider (城厢街道); "
             "举办性质 column (民办/公办) loads nothing; 30 个 with a space, 15 as text, 暂无; 0 values")
    g = b.sheet("Sheet1")
    P = "2026-05"
    g.title("A1:H1", "城厢街道托育机构托位情况")
    g.row(2, ["序号", "所属社区", "托育机构", "举办性质", "计划新增托位", "已完成新增托位",
              "完成普惠托位", "备注"])
    g.header_rows.add(2)
    mc = {"E": "slots_target", "F": "slots_added", "G": "inclusive_slots_added"}
    rows = [
        (3, "工人路", "工人路社区", "城厢阳光托育园", "民办", 30, Q("30 个", 30), 18, None),
        (4, "工人路社区", "工人路社区", "工人路社区婴幼儿成长驿站", "公办", 10, 10, 10, None),
        (5, "湘湖社区", "湘湖社区", "湘湖小太阳托育中心", "民办", 40, 32, M("暂无"), "普惠认定中"),
        (6, "湘湖社区", "湘湖社区", "湘湖社区托育点", "公建民营", 20, 0, 0, None),
        (7, "城厢街道", "城厢街道", "城厢街道机关托育室", "机关", 15, Q("15", 15), 15, None),
    ]
    for r, written, area, grp, kind, *vals in rows:
        b.line(g, r, [r - 2, written, grp, kind, *vals], mc, area, grp, P)
    g.widths.update({"B": 12, "C": 26, "D": 10, "E": 14, "F": 16, "G": 14, "H": 14})
    return b


def d14():
    b = book("d14_childcare_year_month_header.xlsx", "childcare", "3,2",
             "three header rows: 婴幼儿成长驿站（个） over 2025年 | 2026年 over 11月 12月 | 1月 2月: the year "
             "of each month comes from the merged year cell above it (across the year end); 合计 row; "
             "填报日期 line")
    g = b.sheet("驿站")
    g.title("A1:E1", "各街道婴幼儿成长驿站建成情况")
    g.merge("A3:A5", "街道")
    g.merge("B3:E3", "婴幼儿成长驿站（个）")
    g.merge("B4:C4", "2025年")
    g.merge("D4:E4", "2026年")
    g.row(5, ["11月", "12月", "1月", "2月"], c0=2)
    g.header_rows |= {3, 4, 5}
    periods = {"B": "2025-11", "C": "2025-12", "D": "2026-01", "E": "2026-02"}
    data = [(6, "北干街道", [8, 9, 9, 10]), (7, "城厢街道", [9, 9, 10, 10]),
            (8, "南阳街道", [6, 6, 7, 7])]
    for r, area, vals in data:
        g.set(f"A{r}", area)
        for col, v in zip("BCDE", vals):
            b.line(g, r, [None] * (column_index_from_string(col) - 1) + [v],
                   {col: "growth_stations"}, area, "", periods[col])
    g.row(9, ["合计", 23, 24, 26, 27])
    g.set("A11", "填报日期：2026年3月2日")
    g.widths.update({"A": 12})
    return b


# ==========================================================================
# volunteers
# ==========================================================================
def d15():
    b = book("d15_volunteers_merged_area_two_teams.xlsx", "volunteers", "7,9",
             "社区 cells merged over two team rows each (天悦 short name = 天悦社区, 工人路社区, "
             "赭东村村委会); 70余, 200余, 20 人, 约 30 (space), 86.5 hours; a —; （2025年9月） in the title")
    g = b.sheet("志愿服务")
    P = "2025-09"
    g.title("A1:F1", "社区志愿服务队伍情况统计（2025年9月）")
    g.row(3, ["社区", "志愿队伍", "志愿者人数", "服务时长（小时）", "服务人次", "备注"])
    g.header_rows.add(3)
    mc = {"C": "volunteers", "D": "service_hours", "E": "people_served"}
    teams = [
        ("A4:A5", "天悦", "天悦社区", [
            ("春之歌艺术团", Q("70余", 70, "at_least"), 260, Q("200余", 200, "at_least"),
             "平均年龄65岁"),
            ("天悦邻里帮帮团", Q("20 人", 20), 86.5, Q("约 30", 30, "approx"), None)]),
        ("A6:A7", "工人路社区", "工人路社区", [
            ("工人讲师团", 39, 120, Q("200余", 200, "at_least"), "面向辖区职工宣讲"),
            ("工人路红马甲巡防队", 25, 300, 450, None)]),
        ("A8:A9", "赭东村村委会", "赭东村", [
            ("赭东村乡风文明宣讲队", 18, 54, 320, None),
            ("赭东村护河队", 12, 96, M("—"), None)]),
    ]
    for rng, written, area, rows in teams:
        g.merge(rng, written)
        r0 = int(rng.split(":")[0][1:])
        for i, (grp, *vals) in enumerate(rows):
            b.line(g, r0 + i, [None, grp, *vals], mc, area, grp, P)
    g.widths.update({"A": 14, "B": 22, "C": 12, "D": 18, "E": 10, "F": 16})
    return b


def d16():
    b = book("d16_volunteers_utf8_bom.csv", "volunteers", "9,1,3",
             "UTF-8 CSV with a BOM and LF line ends, header on the first line; 月份 2026年10月 / 2026年11月; "
             "1,200 with a thousands separator, 约 300, 10+, 2.5万 under 捐赠金额（元） (= 25000 yuan), "
             "5000 and 0 yuan; — and 无 give no record")
    b.csv = ("utf-8", True, "\n")
    g = b.sheet(None)
    g.row(1, ["社区", "志愿队伍", "月份", "志愿者人数（人）", "服务时长（小时）", "服务人次",
              "捐赠金额（元）", "备注"])
    mc = {"D": "volunteers", "E": "service_hours", "F": "people_served", "G": "funds_yuan"}
    rows = [
        ("育才东苑社区", "东苑邻里守望队", "2026年10月", "2026-10",
         [22, 176, Q("1,200", 1200), M("—"), None]),
        ("育才东苑社区", "东苑银龄书画社", "2026年10月", "2026-10", [12, 96, 300, 5000, None]),
        ("育才东苑社区", "东苑邻里守望队", "2026年11月", "2026-11",
         [23, 184, Q("1,350", 1350), M("—"), None]),
        ("育才东苑社区", "东苑银龄书画社", "2026年11月", "2026-11",
         [12, 90, Q("约 300", 300, "approx"), M("无"), None]),
        ("新街社区", "新街青年突击队", "2026年11月", "2026-11",
         [Q("10+", 10, "at_least"), 48, M("—"), 0, None]),
        ("新街社区", "新街夕阳红服务队", "2026年11月", "2026-11",
         [15, 60, 200, Q("2.5万", 25000), "爱心企业捐赠"]),
    ]
    for i, (area, grp, month, P, vals) in enumerate(rows):
        b.line(g, 2 + i, [area, grp, month, *vals], mc, area, grp, P)
    return b


def d17():
    b = book("d17_volunteers_month_vs_year.xlsx", "volunteers", "6,2,8",
             "teams of one community (title, 2026年2月); 团队人数（人） then 服务时长（小时） and 服务人次 each "
             "merged over 本月 | 本年累计: 本年累计 loads as the stock, 本月 does not; — cells and 0s; "
             "合计 row (correct)")
    g = b.sheet("队伍活动")
    P = "2026-02"
    A = "育才东苑社区"
    g.title("A1:H1", "育才东苑社区志愿服务队伍活动统计表（2026年2月）")
    for rng, text in [("A3:A4", "序号"), ("B3:B4", "志愿队伍"), ("C3:C4", "团队人数（人）"),
                      ("D3:E3", "服务时长（小时）"), ("F3:G3", "服务人次"), ("H3:H4", "备注")]:
        g.merge(rng, text)
    g.row(4, ["本月", "本年累计", "本月", "本年累计"], c0=4)
    g.header_rows |= {3, 4}
    mc = {"C": "volunteers", "E": "service_hours", "G": "people_served"}
    # columns D and F (本月) are flows: written as typed, never records
    rows = [
        ("东苑邻里守望队", 22, 40, 86, 150, 310, None),
        ("东苑银龄书画社", 12, 18, 30, 60, 95, None),
        ("东苑小候鸟护学队", 40, 0, 64, 0, 520, "寒假暂停"),
        ("东苑文明劝导队", 8, 16, 32, 40, 88, None),
        ("东苑健康讲堂志愿队", 15, "—", 20, "—", 60, "本月未开展"),
    ]
    for i, (grp, *vals) in enumerate(rows):
        b.line(g, 5 + i, [i + 1, grp, *vals], mc, A, grp, P)
    g.merge("A10:B10", "合计")
    g.row(10, [97, 74, 232, 250, 1073], c0=3)
    g.widths.update({"B": 22, "C": 14, "H": 12})
    return b


def d18():
    b = book("d18_volunteers_funds_wanyuan_subtotals.xlsx", "volunteers", "1,8,7",
             "社区 repeated on each row, a street-level team (area 北干街道); 物资金额（万元） applied "
             "(30 → 300000, 0.5 → 5000, 1.25 → 12500, 0 → 0); 1.5万 people served; a 小计 row per community "
             "in the team column and a 合计 row (all correct); a —")
    g = b.sheet("北干")
    P = "2024-10"
    g.title("A1:G1", "北干街道志愿服务及爱心物资情况（2024年10月）")
    g.row(3, ["社区", "队伍名称", "志愿者人数", "服务时长（小时）", "服务人次", "物资金额（万元）", "备注"])
    g.header_rows.add(3)
    mc = {"C": "volunteers", "D": "service_hours", "E": "people_served", "F": "funds_yuan"}

    def wan(x):
        return Q(x, round(x * 10000))

    b.line(g, 4, ["北干街道", "北干街道志愿服务总队", 120, 960, Q("1.5万", 15000), wan(30),
                  "含爱心企业捐赠物资"], mc, "北干街道", "北干街道志愿服务总队", P)
    b.line(g, 5, ["天悦社区", "天悦春之歌艺术团", 70, 210, 600, wan(0.5)], mc, "天悦社区",
           "天悦春之歌艺术团", P)
    b.line(g, 6, ["天悦社区", "天悦邻里帮帮团", 25, 150, 380, M("—")], mc, "天悦社区",
           "天悦邻里帮帮团", P)
    g.row(7, ["天悦社区", "小计", 95, 360, 980, 0.5])
    b.line(g, 8, ["育才东苑社区", "东苑邻里守望队", 22, 176, 300, wan(1.25)], mc, "育才东苑社区",
           "东苑邻里守望队", P)
    b.line(g, 9, ["育才东苑社区", "东苑银龄书画社", 12, 96, 150, wan(0)], mc, "育才东苑社区",
           "东苑银龄书画社", P)
    g.row(10, ["育才东苑社区", "小计", 34, 272, 450, 1.25])
    g.merge("A11:B11", "合计")
    g.row(11, [249, 1592, 16430, 31.75], c0=3)
    g.widths.update({"A": 14, "B": 24, "C": 12, "D": 18, "E": 10, "F": 18, "G": 20})
    return b


def d19():
    b = book("d19_volunteers_values_as_written.xlsx", "volunteers", "9",
             "teams of 新塘社区 (title, 2025年5月) with 团队/参与人数/服务对象 headers; values typed every way: "
             "35名, 120小时, 约 200, ≥12, 48 as text, 不足50, 20 人, 36.5 hours, 0; / cells; 待统计 is "
             "unreadable_value, #REF! is excel_error; 10-15人 (a range) gives no record")
    g = b.sheet("团队")
    P = "2025-05"
    A = "新塘社区"
    g.title("A1:F1", "新塘社区志愿服务团队情况（2025年5月）")
    g.row(3, ["序号", "团队", "参与人数", "服务时长（小时）", "服务对象", "备注"])
    g.header_rows.add(3)
    mc = {"C": "volunteers", "D": "service_hours", "E": "people_served"}
    rows = [
        ("新塘社区文体志愿队", Q("35名", 35), Q("120小时", 120), Q("约 200", 200, "approx"), None),
        ("新塘社区护苗队", Q("≥12", 12, "at_least"), Q("48", 48), Q("不足50", 50, "at_most"), None),
        ("新塘社区平安巡防队", Q("20 人", 20), E("待统计"), 150, None),
        ("新塘社区助老服务队", E("10-15人"), 60, E("#REF!"), None),
        ("新塘社区垃圾分类督导队", 18, Q("36.5", 36.5), 0, None),
        ("新塘社区红领巾小队", M("/"), M("/"), M("/"), "暑期启动"),
    ]
    for i, (grp, *vals) in enumerate(rows):
        b.line(g, 4 + i, [i + 1, grp, *vals], mc, A, grp, P)
    b.issue(g, "D6", "unreadable_value")
    b.issue(g, "E7", "excel_error")
    g.widths.update({"B": 24, "C": 10, "D": 18, "E": 10, "F": 12})
    return b


def d20():
    b = book("d20_volunteers_spaced_headers_total_wrong.xlsx", "volunteers", "8,3,1",
             "headers typed with spaces and line breaks (序  号, 志愿者\\n人数, 服务时长\\n（小时）, 服务\\n人次, "
             "备  注); 所在村社 | 团队名称; the year only in the title （2026年）, the month only in the "
             "sheet name 6月; 单位：人、小时、人次 line; 64.5 hours; a street-level team; the 合计 of 服务时长 "
             "says 644.5, the teams add to 634.5 (total_mismatch)")
    g = b.sheet("6月")
    P = "2026-06"
    g.title("A1:G1", "南阳街道志愿服务情况统计（2026年）")
    g.set("A2", "单位：人、小时、人次")
    g.row(3, ["序  号", "所在村社", "团队名称", "志愿者\n人数", "服务时长\n（小时）", "服务\n人次", "备  注"])
    g.header_rows.add(3)
    mc = {"D": "volunteers", "E": "service_hours", "F": "people_served"}
    rows = [
        ("赭东村", "赭东村乡风文明宣讲队", 18, 54, 320),
        ("赭东村", "赭东村护河队", 12, 96, 80),
        ("南阳社区", "南阳社区春晖志愿队", 30, 150, 420),
        ("南阳社区", "南阳社区“银发先锋”服务队", 16, 64.5, 128),
        ("南阳街道", "南阳街道新时代文明实践志愿服务队", 45, 270, 900),
    ]
    for i, (area, grp, *vals) in enumerate(rows):
        b.line(g, 4 + i, [i + 1, area, grp, *vals], mc, area, grp, P)
    g.merge("A9:C9", "合计")
    g.row(9, [121, 644.5, 1848], c0=4)  # hours: 54+96+150+64.5+270 = 634.5
    b.issue(g, "E9", "total_mismatch")
    g.widths.update({"B": 12, "C": 32, "D": 10, "E": 12, "F": 10})
    return b


# ==========================================================================
# writers
# ==========================================================================
def _style_xlsx(ws, g):
    merged_tl = {rng.split(":")[0] for rng in g.merges}
    for addr in g.cells:
        c = ws[addr]
        row = coordinate_from_string(addr)[1]
        wrap = isinstance(c.value, str) and "\n" in c.value
        if addr in g.bold:
            c.font = Font(bold=True, size=14)
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        elif row in g.header_rows or addr in merged_tl:
            c.font = Font(bold=row in g.header_rows)
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        elif wrap:
            c.alignment = Alignment(vertical="top", wrap_text=True)


def write_xlsx(b, path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for g in b.sheets:
        ws = wb.create_sheet(g.name)
        for addr, raw in g.cells.items():
            ws[addr] = raw
        for rng in g.merges:
            ws.merge_cells(rng)
        for r in g.breaks:
            ws.row_breaks.append(Break(id=r))
        for col, w in g.widths.items():
            ws.column_dimensions[col].width = w
        for addr, f in g.formats.items():
            ws[addr].number_format = f
        _style_xlsx(ws, g)
    wb.properties.creator = "街道办"
    wb.properties.lastModifiedBy = "街道办"
    wb.save(path)
    _repack(path)


def _repack(path):
    """Rewrite the zip with fixed member dates and fixed core.xml stamps."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                              rb"\g<1>" + CORE_DATE, data)
            zi = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            z.writestr(zi, data)
    path.write_bytes(buf.getvalue())


def write_xls(b, path):
    wb = xlwt.Workbook(encoding="utf-8")
    title = xlwt.easyxf("font: bold on, height 280; align: horiz center, vert center, wrap on")
    head = xlwt.easyxf("font: bold on; align: horiz center, vert center, wrap on")
    plain = xlwt.easyxf("")
    for g in b.sheets:
        ws = wb.add_sheet(g.name)
        done = set()
        for rng in g.merges:
            c1, r1, c2, r2 = range_boundaries(rng)
            tl = rng.split(":")[0]
            st = title if tl in g.bold else head
            ws.write_merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1, g.cells.get(tl, ""), st)
            done.add(tl)
        for addr, raw in g.cells.items():
            if addr in done:
                continue
            col, row = coordinate_from_string(addr)
            st = head if row in g.header_rows else plain
            ws.write(row - 1, column_index_from_string(col) - 1, raw, st)
        for col, w in g.widths.items():
            ws.col(column_index_from_string(col) - 1).width = int(w * 256)
    wb.save(str(path))


def _csv_rows(g):
    maxr = max(coordinate_from_string(a)[1] for a in g.cells)
    maxc = max(column_index_from_string(coordinate_from_string(a)[0]) for a in g.cells)
    rows = []
    for r in range(1, maxr + 1):
        rows.append([fmt_value(g.cells[f"{get_column_letter(c)}{r}"])
                     if f"{get_column_letter(c)}{r}" in g.cells else ""
                     for c in range(1, maxc + 1)])
    return rows


def write_csv(b, path):
    enc, bom, eol = b.csv
    out = io.StringIO()
    w = csv.writer(out, lineterminator=eol)
    w.writerows(_csv_rows(b.sheets[0]))
    data = out.getvalue().encode(enc)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)


def write_expected(b):
    def dump(name, header, rows):
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        (EXPECTED / name).write_bytes(out.getvalue().encode("utf-8"))

    dump(f"{b.fname}.records.csv",
         ["area", "group", "period", "measure", "value", "qualifier", "cell"], b.records)
    if b.issues:
        dump(f"{b.fname}.issues.csv", ["cell", "rule"], b.issues)


# ==========================================================================
# verification: re-open every file and compare every claimed cell
# ==========================================================================
def _same(got, raw):
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return isinstance(got, (int, float)) and float(got) == float(raw)
    return got == raw


def verify(b, path):
    problems = []
    ext = path.suffix.lower()
    if ext == ".xlsx":
        wb = openpyxl.load_workbook(path)
        if wb.sheetnames != [g.name for g in b.sheets]:
            problems.append(f"sheets {wb.sheetnames}")
        for g in b.sheets:
            ws = wb[g.name]
            for addr, raw in g.cells.items():
                if not _same(ws[addr].value, raw):
                    problems.append(f"{g.name}!{addr}: {ws[addr].value!r} != {raw!r}")
            found = {c.coordinate for row in ws.iter_rows() for c in row if c.value is not None}
            if found != set(g.cells):
                problems.append(f"{g.name}: unclaimed {sorted(found - set(g.cells))}")
            if {str(r) for r in ws.merged_cells.ranges} != set(g.merges):
                problems.append(f"{g.name}: merges differ")
            if "#REF!" in g.cells.values():
                for addr, raw in g.cells.items():
                    if raw == "#REF!" and ws[addr].data_type != "e":
                        problems.append(f"{g.name}!{addr} is not an error cell")
    elif ext == ".xls":
        import xlrd
        wb = xlrd.open_workbook(str(path), formatting_info=True)
        if wb.sheet_names() != [g.name for g in b.sheets]:
            problems.append(f"sheets {wb.sheet_names()}")
        for g in b.sheets:
            sh = wb.sheet_by_name(g.name)
            for addr, raw in g.cells.items():
                col, row = coordinate_from_string(addr)
                got = sh.cell_value(row - 1, column_index_from_string(col) - 1)
                if not _same(got, raw):
                    problems.append(f"{g.name}!{addr}: {got!r} != {raw!r}")
            found = {f"{get_column_letter(c + 1)}{r + 1}" for r in range(sh.nrows)
                     for c in range(sh.ncols) if sh.cell_value(r, c) != ""}
            if found != set(g.cells):
                problems.append(f"{g.name}: unclaimed {sorted(found - set(g.cells))}")
            merges = {f"{get_column_letter(c1 + 1)}{r1 + 1}:{get_column_letter(c2)}{r2}"
                      for r1, r2, c1, c2 in sh.merged_cells}
            if merges != set(g.merges):
                problems.append(f"{g.name}: merges differ {merges}")
    else:
        enc, bom, eol = b.csv
        data = path.read_bytes()
        if data.startswith(b"\xef\xbb\xbf") != bom:
            problems.append("BOM")
        text = data[3:].decode(enc) if bom else data.decode(enc)
        if eol == "\r\n" and text.replace("\r\n", "").count("\n"):
            problems.append("line ends")
        if eol == "\n" and "\r" in text:
            problems.append("line ends")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        g = b.sheets[0]
        for r, row in enumerate(rows, 1):
            for c, got in enumerate(row, 1):
                addr = f"{get_column_letter(c)}{r}"
                want = fmt_value(g.cells[addr]) if addr in g.cells else ""
                if got != want:
                    problems.append(f"{addr}: {got!r} != {want!r}")
    # the expectations themselves
    for area, group, period, measure, value, qual, cell in b.records:
        sheet, addr = cell.rsplit("!", 1)
        g = next(s for s in b.sheets if s.name == sheet)
        raw = g.cells.get(addr)
        if raw is None:
            problems.append(f"record at empty cell {cell}")
        if isinstance(raw, (int, float)) and float(raw) != float(value) and \
                "万元" not in measure and measure != "funds_yuan":
            problems.append(f"{cell}: number {raw} but value {value}")
        if area not in KNOWN_AREAS | UNKNOWN_AREAS:
            problems.append(f"{cell}: area {area}")
        if not ("2024-01" <= period <= "2026-11") or not re.fullmatch(r"\d{4}-\d{2}", period):
            problems.append(f"{cell}: period {period}")
        if qual not in ("exact", "at_least", "approx", "at_most"):
            problems.append(f"{cell}: qualifier {qual}")
    keys = [(r[0], r[1], r[2], r[3]) for r in b.records]
    if len(keys) != len(set(keys)):
        problems.append("duplicate keys in the expected records")
    for cell, rule in b.issues:
        sheet, addr = cell.rsplit("!", 1)
        if addr not in next(s for s in b.sheets if s.name == sheet).cells:
            problems.append(f"issue at empty cell {cell}")
    return problems


# ==========================================================================
def main():
    for fn in (d01, d02, d03, d04, d05, d06, d07, d08, d09, d10,
               d11, d12, d13, d14, d15, d16, d17, d18, d19, d20):
        fn()
    FILES.mkdir(exist_ok=True)
    EXPECTED.mkdir(exist_ok=True)
    for old in list(FILES.glob("d[0-9][0-9]_*")) + list(EXPECTED.glob("d[0-9][0-9]_*")):
        old.unlink()
    failures = 0
    for b in BOOKS:
        path = FILES / b.fname
        if b.csv:
            write_csv(b, path)
        elif b.fname.endswith(".xls"):
            write_xls(b, path)
        else:
            write_xlsx(b, path)
        write_expected(b)
        problems = verify(b, path)
        for p in problems:
            print(f"{b.fname}: {p}", file=sys.stderr)
        failures += bool(problems)
    with open(HERE / "cases_d.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "domain", "kind", "note"])
        for b in BOOKS:
            w.writerow([b.fname, b.domain, b.kind, b.note])
    per = {}
    for b in BOOKS:
        per[b.domain] = per.get(b.domain, 0) + len(b.records)
    print(f"{len(BOOKS)} files, {sum(per.values())} records "
          + ", ".join(f"{k} {v}" for k, v in per.items())
          + f", {sum(len(b.issues) for b in BOOKS)} expected errors")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
