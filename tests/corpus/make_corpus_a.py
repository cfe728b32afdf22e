#!/usr/bin/env python
"""Blind test corpus, part A, for the civicstats cleaner.

Writes workbooks into ``files/`` and, for each, the records a careful
statistician would load into ``expected/<file>.records.csv`` and (only when the
file should raise errors) the error-level issues into
``expected/<file>.issues.csv``.  One row per file goes into ``cases_a.csv``.

The expectations come from the data contract (design.md) and issue 10, not
from the cleaner: nothing here imports civicstats.

Layout kinds exercised (numbers from issue 10):
  1 units in headers, 2 generic leaf under a specific parent,
  6 stock and flow side by side, 7 area names as people type them,
  8 context headers in longer forms.

Run:  /work/main/.venv/bin/python tests/corpus/make_corpus_a.py
Deterministic: same inputs, same cells, same expectations on every run.
Only files whose names start with ``a`` + two digits are touched.
"""
from __future__ import annotations

import csv
import re
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import xlwt
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
EXPECTED = HERE / "expected"
CASES_CSV = HERE / "cases_a.csv"

WAN = Decimal(10000)  # 万元 -> 元

# --------------------------------------------------------------------------
# What a statistician reads out of a raw cell (the *expectation*, written by
# hand for this corpus: missing markers, qualifiers, full-width digits).
# --------------------------------------------------------------------------
MISSING = {"", "—", "——", "-", "－", "/", "无"}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def expect(raw):
    """raw cell -> (Decimal, qualifier) or None when the cell is missing."""
    if raw is None:
        return None
    if isinstance(raw, (int, float)):
        return Decimal(str(raw)), "exact"
    s = str(raw).translate(_FULLWIDTH).strip().replace("\u3000", "")
    if s in MISSING:
        return None
    qual = "exact"
    for pre, q in (("大约", "approx"), ("约", "approx"), ("近", "approx"),
                   ("不到", "at_most"), ("不足", "at_most")):
        if s.startswith(pre):
            s, qual = s[len(pre):], q
            break
    for suf, q in (("以上", "at_least"), ("余", "at_least"), ("多", "at_least"),
                   ("+", "at_least"), ("左右", "approx"), ("以下", "at_most")):
        if s.endswith(suf):
            s, qual = s[: -len(suf)], q
            break
    if not re.fullmatch(r"\d+(\.\d+)?", s):
        raise ValueError(f"corpus bug: {raw!r} is not a readable value")
    return Decimal(s), qual


def plain(d: Decimal) -> str:
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def addr(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


# --------------------------------------------------------------------------
# Sheet writers: one small interface over openpyxl, xlwt and CSV grids,
# 1-based rows and columns like Excel shows them.
# --------------------------------------------------------------------------
_thin = Side(style="thin", color="000000")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
XLSX_STYLES = {
    "title": dict(font=Font(name="宋体", size=16, bold=True),
                  alignment=Alignment(horizontal="center", vertical="center")),
    "sub": dict(font=Font(name="宋体", size=11),
                alignment=Alignment(horizontal="left", vertical="center")),
    "right": dict(font=Font(name="宋体", size=11),
                  alignment=Alignment(horizontal="right", vertical="center")),
    "header": dict(font=Font(name="黑体", size=11, bold=True),
                   fill=PatternFill("solid", fgColor="D9E1F2"),
                   alignment=Alignment(horizontal="center", vertical="center",
                                       wrap_text=True),
                   border=_BORDER),
    "cell": dict(font=Font(name="宋体", size=11),
                 alignment=Alignment(horizontal="center", vertical="center"),
                 border=_BORDER),
    "total": dict(font=Font(name="宋体", size=11, bold=True),
                  alignment=Alignment(horizontal="center", vertical="center"),
                  border=_BORDER),
    "note": dict(font=Font(name="宋体", size=10, italic=True),
                 alignment=Alignment(horizontal="left", vertical="center")),
}
XLS_STYLES = {
    "title": xlwt.easyxf("font: name 宋体, bold on, height 320; "
                         "align: horiz center, vert center"),
    "sub": xlwt.easyxf("font: name 宋体, height 220; align: horiz left"),
    "right": xlwt.easyxf("font: name 宋体, height 220; align: horiz right"),
    "header": xlwt.easyxf("font: name 黑体, bold on, height 220; "
                          "align: horiz center, vert center, wrap on; "
                          "borders: left thin, right thin, top thin, bottom thin; "
                          "pattern: pattern solid, fore_colour pale_blue"),
    "cell": xlwt.easyxf("font: name 宋体, height 220; align: horiz center, vert center; "
                        "borders: left thin, right thin, top thin, bottom thin"),
    "total": xlwt.easyxf("font: name 宋体, bold on, height 220; "
                         "align: horiz center, vert center; "
                         "borders: left thin, right thin, top thin, bottom thin"),
    "note": xlwt.easyxf("font: name 宋体, italic on, height 200; align: horiz left"),
}


class XlsxSheet:
    def __init__(self, ws):
        self.ws, self.name = ws, ws.title

    def w(self, r, c, v, style="cell"):
        cell = self.ws.cell(row=r, column=c, value=v)
        for k, val in XLSX_STYLES.get(style, {}).items():
            setattr(cell, k, val)

    def merge(self, r1, c1, r2, c2, v, style="header"):
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self.w(r, c, v if (r, c) == (r1, c1) else None, style)
        self.ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)

    def widths(self, *ws):
        for i, wdt in enumerate(ws, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = wdt


class XlsSheet:
    def __init__(self, ws, name):
        self.ws, self.name = ws, name

    def w(self, r, c, v, style="cell"):
        self.ws.write(r - 1, c - 1, v, XLS_STYLES[style])

    def merge(self, r1, c1, r2, c2, v, style="header"):
        self.ws.write_merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1, v, XLS_STYLES[style])

    def widths(self, *ws):
        for i, wdt in enumerate(ws):
            self.ws.col(i).width = int(wdt * 256)


class CsvSheet:
    """A grid of text; the sheet name of a CSV is the file stem."""

    def __init__(self, name):
        self.name, self.grid = name, {}

    def w(self, r, c, v, style=None):
        self.grid[(r, c)] = "" if v is None else str(v)

    def merge(self, r1, c1, r2, c2, v, style=None):
        self.w(r1, c1, v)

    def widths(self, *ws):
        pass

    def save(self, path, encoding, newline="\r\n"):
        nrows = max(r for r, _ in self.grid)
        ncols = max(c for _, c in self.grid)
        with open(path, "w", encoding=encoding, newline="") as fh:
            out = csv.writer(fh, lineterminator=newline)
            for r in range(1, nrows + 1):
                out.writerow([self.grid.get((r, c), "") for c in range(1, ncols + 1)])


def new_xlsx(*sheet_names):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    sheets = [XlsxSheet(wb.create_sheet(n)) for n in sheet_names]
    return wb, sheets


def new_xls(*sheet_names):
    wb = xlwt.Workbook(encoding="utf-8")
    sheets = [XlsSheet(wb.add_sheet(n), n) for n in sheet_names]
    return wb, sheets


# --------------------------------------------------------------------------
# A case: one file, its expected records and issues.
# --------------------------------------------------------------------------
class Case:
    def __init__(self, file, domain, kind, note):
        self.file, self.domain, self.kind, self.note = file, domain, kind, note
        self.records, self.issues = [], []

    @property
    def path(self):
        return FILES / self.file

    def value(self, sh, r, c, raw, measure, area, group, period, mult=1, style="cell"):
        """Write a value cell and expect one record from it (unless missing)."""
        sh.w(r, c, raw, style)
        got = expect(raw)
        if got is None:
            return
        num, qual = got
        self.records.append(dict(area=area, group=group or "", period=period,
                                 measure=measure, value=plain(num * Decimal(mult)),
                                 qualifier=qual, cell=f"{sh.name}!{addr(r, c)}"))

    def row(self, sh, r, cells, cols, area, group=None, period=None, style="cell"):
        """Write a data row starting at column 1.

        cells: raw values, one per column; cols: per column either None (not a
        measure: context, 序号, 备注, a flow column ...), a measure id, or
        (measure id, multiplier).
        """
        for c, (raw, spec) in enumerate(zip(cells, cols), start=1):
            if spec is None:
                sh.w(r, c, raw, style)
                continue
            measure, mult = (spec, 1) if isinstance(spec, str) else spec
            self.value(sh, r, c, raw, measure, area, group, period, mult, style)

    def plain_row(self, sh, r, cells, style="cell", start=1):
        """A row that loads nothing (合计/小计 rows, headers)."""
        for c, raw in enumerate(cells, start=start):
            sh.w(r, c, raw, style)

    def issue(self, sh, r, c, rule):
        self.issues.append(dict(cell=f"{sh.name}!{addr(r, c)}", rule=rule))


def headers(sh, r, names):
    for c, n in enumerate(names, start=1):
        sh.w(r, c, n, "header")


# ==========================================================================
# The workbooks.  One function per file.
# ==========================================================================

def a01(case):
    """Units in brackets on every measure header; 填报日期 is not the period."""
    wb, (sh,) = new_xlsx("Sheet1")
    sh.merge(1, 1, 1, 7, "城厢街道社区合伙人工作情况统计表（2024年3月）", "title")
    sh.w(2, 1, "填报单位：城厢街道", "sub")
    sh.w(2, 5, "填报日期：2024年4月3日", "right")
    headers(sh, 3, ["序号", "社区", "居民合伙人（名）", "合伙单位（个）",
                    "合伙人项目（项）", "社会组织（家）", "备注"])
    cols = [None, None, "resident_partners", "group_partners",
            "partner_projects", "social_organisations", None]
    P = "2024-03"
    case.row(sh, 4, [1, "工人路社区", 15, "10余", "20余", 34, ""], cols, "工人路社区", period=P)
    case.row(sh, 5, [2, "湘湖社区", 12, 8, 6, 5, "3月新增2个项目"], cols, "湘湖社区", period=P)
    sh.w(7, 1, "注：合伙单位包括辖区企业、学校、社会组织等。", "note")
    sh.widths(6, 14, 16, 14, 16, 14, 18)
    wb.save(case.path)


def a02(case):
    """万元 in the header is applied; teams with 服务队伍名称 and 所属村社."""
    wb, (sh,) = new_xlsx("9月")
    sh.merge(1, 1, 1, 8, "新街街道2023年9月志愿服务队伍情况表", "title")
    headers(sh, 2, ["序号", "服务队伍名称", "所属村社", "团队人数（人）",
                    "服务时长（小时）", "服务人次", "捐赠金额（万元）", "联系电话"])
    cols = [None, None, None, "volunteers", "service_hours", "people_served",
            ("funds_yuan", WAN), None]
    P = "2023-09"
    rows = [
        ([1, "工人宣讲团", "新街社区", 39, 120, "200余", 0.5, "0571-82661001"], "新街社区"),
        ([2, "春之歌艺术团", "新街社区", "70余", 260, 1500, "—", "0571-82661002"], "新街社区"),
        ([3, "亚运城市志愿者服务队", "新街街道", 86, 1032, 3400, 30, "0571-82661003"], "新街街道"),
        ([4, "暖阳帮扶队", "新街社区", 22, 88, 180, 1.25, ""], "新街社区"),
    ]
    for i, (cells, area) in enumerate(rows, start=3):
        case.row(sh, i, cells, cols, area, group=cells[1], period=P)
    sh.w(8, 1, "填报人：陈某某　　审核人：周某某", "note")
    sh.widths(6, 22, 12, 14, 16, 10, 16, 16)
    wb.save(case.path)


def a03(case):
    """金额单位：万元 line above the table; merged community cells; 小计 and 合计."""
    wb, (sh,) = new_xls("Sheet1")
    sh.merge(1, 1, 1, 7, "盈丰街道2024年6月志愿服务及物资捐赠统计表", "title")
    sh.w(2, 6, "金额单位：万元", "right")
    headers(sh, 3, ["序号", "社区", "志愿队伍", "志愿者人数", "服务时长（小时）",
                    "物资金额", "备注"])
    P = "2024-06"
    cols = [None, None, None, "volunteers", "service_hours", ("funds_yuan", WAN), None]

    def team(r, no, area, name, n, h, money, note=""):
        # column 2 (社区) is part of a vertical merge written separately
        for c, (raw, spec) in enumerate(zip([no, None, name, n, h, money, note], cols), 1):
            if c == 2:
                continue
            if spec is None:
                sh.w(r, c, raw)
            else:
                m, mult = (spec, 1) if isinstance(spec, str) else spec
                case.value(sh, r, c, raw, m, area, name, P, mult)

    sh.merge(4, 2, 6, 2, "盈二社区", "cell")
    team(4, 1, "盈二社区", "盈二红马甲志愿队", 32, 96, 1.2)
    team(5, 2, "盈二社区", "盈二银发护卫队", 18, 40, 0.35)
    team(6, 3, "盈二社区", "盈二青年突击队", 25, 75, "—", "本月未接收物资")
    sh.w(7, 1, "", "total")
    sh.merge(7, 2, 7, 3, "小计", "total")
    case.plain_row(sh, 7, [75, 211, 1.55, ""], "total", start=4)
    # 盈一社区 is not in the reference list: kept as written, unknown_area warning
    sh.merge(8, 2, 9, 2, "盈一社区", "cell")
    team(8, 4, "盈一社区", "盈一邻里帮帮团", 20, 60, 2)
    team(9, 5, "盈一社区", "盈一文明劝导队", 15, 30, 0)
    sh.w(10, 1, "", "total")
    sh.merge(10, 2, 10, 3, "小计", "total")
    case.plain_row(sh, 10, [35, 90, 2, ""], "total", start=4)
    sh.merge(11, 1, 11, 3, "合计", "total")
    case.plain_row(sh, 11, [110, 301, 3.55, ""], "total", start=4)
    sh.w(13, 1, "填报人：沈某　　联系电话：0571-82890000　　填报日期：2024年7月3日", "note")
    sh.widths(6, 12, 20, 12, 16, 10, 16)
    wb.save(str(case.path))


def a04(case):
    """志愿者（小时）: a unit that contradicts the measure -> unit_conflict."""
    wb, (sh,) = new_xlsx("4月")
    sh.merge(1, 1, 1, 5, "湘湖社区志愿服务情况（2024年4月）", "title")
    headers(sh, 2, ["序号", "志愿队伍", "志愿者（小时）", "服务人次", "备注"])
    case.issue(sh, 2, 3, "unit_conflict")
    # column C loads nothing: people or hours cannot be told from the header
    cols = [None, None, None, "people_served", None]
    P = "2024-04"
    for r, cells in enumerate([
        [1, "湘湖护河队", 64, 120, ""],
        [2, "湘湖银龄互助队", 150, 300, ""],
        [3, "湘湖青年志愿队", 40, 85, "4月新组建"],
    ], start=3):
        case.row(sh, r, cells, cols, "湘湖社区", group=cells[1], period=P)
    sh.widths(6, 18, 16, 12, 14)
    wb.save(case.path)


def a05(case):
    """Period only in the file name; traditional 天悅社區, suffix-less 育才东苑."""
    wb, (sh,) = new_xlsx("Sheet1")
    sh.merge(1, 1, 1, 5, "北干街道社区合伙人情况统计", "title")
    sh.w(2, 1, "填报日期：2024年4月2日", "sub")
    headers(sh, 3, ["社区", "居民合伙人", "团体合伙人", "合伙人项目", "备注"])
    cols = [None, "resident_partners", "group_partners", "partner_projects", None]
    P = "2024-03"
    case.row(sh, 4, ["天悅社區", 20, 35, 12, ""], cols, "天悦社区", period=P)
    case.row(sh, 5, ["育才东苑", 14, 9, 7, ""], cols, "育才东苑社区", period=P)
    case.plain_row(sh, 6, ["合计", 34, 44, 19, ""], "total")
    sh.w(8, 1, "注：合伙人数为截至月底的累计数。", "note")
    sh.widths(14, 12, 12, 12, 16)
    wb.save(case.path)


def a06(case):
    """总数 beside 当月新增: only the stock loads; 居民委员会/村民委员会 names."""
    wb, (sh,) = new_xlsx("Sheet1")
    sh.merge(1, 1, 1, 8, "南阳街道2024年5月社区合伙人发展情况", "title")
    sh.w(2, 8, "单位：名、个", "right")
    headers(sh, 3, ["序号", "社区（村）名称", "居民合伙人总数", "当月新增居民合伙人",
                    "团体合伙人总数", "当月新增团体合伙人", "合伙人项目", "备注"])
    cols = [None, None, "resident_partners", None, "group_partners", None,
            "partner_projects", None]
    P = "2024-05"
    case.row(sh, 4, [1, "南阳社区居民委员会", 25, 3, 16, 2, 9, "新增2家企业"], cols,
             "南阳社区", period=P)
    case.row(sh, 5, [2, "赭东村村民委员会", 18, 0, 11, 1, 6, ""], cols, "赭东村", period=P)
    case.plain_row(sh, 6, ["合计", "", 43, 3, 27, 3, 15, ""], "total")
    sh.widths(6, 22, 14, 18, 14, 18, 12, 14)
    wb.save(case.path)


def a07(case):
    """GBK CSV export: title line, full-width digits, 约/多/余, — and 无."""
    sh = CsvSheet(Path(case.file).stem)
    sh.w(1, 1, "城厢街道2024年2月志愿服务统计表")
    sh.w(3, 1, "序号")
    for c, h in enumerate(["序号", "社区", "志愿队伍", "志愿者人数（人）",
                           "服务时长（小时）", "服务人次", "备注"], start=1):
        sh.w(3, c, h)
    cols = [None, None, None, "volunteers", "service_hours", "people_served", None]
    P = "2024-02"
    rows = [
        [1, "工人路社区", "工人路职工宣讲团", 39, 86, "200余", ""],
        [2, "工人路社区", "红色跑腿志愿服务队", "２５", "约300", "—", ""],
        [3, "湘湖社区", "湘湖环保志愿队", 18, 54, "无", ""],
        [4, "湘湖社区", "银龄互助队", "20多", 120, "约500", "含外来务工人员"],
    ]
    for r, cells in enumerate(rows, start=4):
        case.row(sh, r, cells, cols, cells[1], group=cells[2], period=P)
    sh.w(9, 1, "填报人：李某")
    sh.w(10, 1, "填报日期：2024年3月1日")
    sh.w(10, 7, "")
    sh.save(case.path, "gbk")


def a08(case):
    """GBK CSV: 街道（镇）and 托育园所名称 as context; street alias 城厢."""
    sh = CsvSheet(Path(case.file).stem)
    sh.w(1, 1, "2024年9月托育机构托位建设进度表")
    for c, h in enumerate(["街道（镇）", "托育园所名称", "计划新增托位", "计划新增普惠托位",
                           "已完成新增托位", "完成普惠托位", "联系电话"], start=1):
        sh.w(2, c, h)
    cols = [None, None, "slots_target", "inclusive_slots_target", "slots_added",
            "inclusive_slots_added", None]
    P = "2024-09"
    rows = [
        (["北干街道", "小橙子托育园", 60, 40, 72, 45, "0571-82660001"], "北干街道"),
        (["北干街道", "贝贝乐婴幼儿照护中心", 40, 20, 35, 20, ""], "北干街道"),
        (["城厢", "童之梦托育园", 50, 30, 50, 30, "0571-82660003"], "城厢街道"),
        (["南阳街道", "小太阳托育中心", 30, 30, 20, "—", ""], "南阳街道"),
        (["新塘街道", "新塘宝贝托育园", 25, 15, 10, 6, ""], "新塘街道"),
    ]
    for r, (cells, area) in enumerate(rows, start=3):
        case.row(sh, r, cells, cols, area, group=cells[1], period=P)
    case.plain_row(sh, 8, ["合计", "", 205, 135, 187, 101, ""])
    sh.save(case.path, "gbk", newline="\n")


def a09(case):
    """GB18030 CSV (a remark holds a character GBK lacks); 月份 column."""
    sh = CsvSheet(Path(case.file).stem)
    for c, h in enumerate(["月份", "所属街道", "社区名称", "居民合伙人", "单位合伙人",
                           "社会组织", "备注"], start=1):
        sh.w(1, c, h)
    cols = [None, None, None, "resident_partners", "group_partners",
            "social_organisations", None]
    P = "2023-12"
    rows = [
        (["2023年12月", "城厢街道", "城厢街道湘湖社区", 22, 14, 6, ""], "湘湖社区"),
        (["2023年12月", "城厢街道", "工人路社区居委会", 16, "10余", 34, "含“𠮷祥”便民服务点"],
         "工人路社区"),
        (["2023年12月", "南阳街道", "赭东村村委会", 9, 7, 2, ""], "赭东村"),
        (["2023年12月", "北干街道", "天悦社区", 20, 35, 5, ""], "天悦社区"),
        (["2023年12月", "新塘", "新塘社区", 11, 6, 3, ""], "新塘社区"),
    ]
    for r, (cells, area) in enumerate(rows, start=2):
        case.row(sh, r, cells, cols, area, period=P)
    sh.save(case.path, "gb18030")


def a10(case):
    """新增托位任务 / 完成新增托位 merged over 总数 | 其中：普惠; remarks say 合计/小计."""
    wb, (sh,) = new_xls("托位进度")
    sh.merge(1, 1, 1, 8, "萧山区2024年新增托位任务完成情况（截至2024年6月底）", "title")
    sh.merge(3, 1, 4, 1, "序号")
    sh.merge(3, 2, 4, 2, "街道")
    sh.merge(3, 3, 3, 4, "新增托位任务")
    sh.merge(3, 5, 3, 6, "完成新增托位")
    sh.merge(3, 7, 4, 7, "婴幼儿成长驿站（个）")
    sh.merge(3, 8, 4, 8, "备注")
    for c, h in zip(range(3, 7), ["总数", "其中：普惠", "总数", "其中：普惠"]):
        sh.w(4, c, h, "header")
    cols = [None, None, "slots_target", "inclusive_slots_target", "slots_added",
            "inclusive_slots_added", "growth_stations", None]
    P = "2024-06"
    rows = [
        [1, "北干街道", 130, 75, 70, 40, 3, "完成数合计含2家新开园所"],
        [2, "城厢街道", 120, 70, 65, 38, 4, ""],
        [3, "南阳街道", 90, 55, 42, 25, 2, "小计数据已核对"],
        [4, "新街街道", 110, 65, 58, 30, 3, ""],
        [5, "新塘街道", 100, 60, 47, 28, 2, ""],
        [6, "盈丰街道", 100, 65, 51, 31, 2, ""],
    ]
    for r, cells in enumerate(rows, start=5):
        case.row(sh, r, cells, cols, cells[1], period=P)
    sh.merge(11, 1, 11, 2, "合计", "total")
    case.plain_row(sh, 11, [650, 390, 333, 192, 16, ""], "total", start=3)
    sh.w(13, 1, "注：1.婴幼儿成长驿站为2024年新建数；2.普惠托位含在总数中。", "note")
    sh.w(14, 1, "填报单位：萧山区卫生健康局　　填报日期：2024年7月5日", "note")
    sh.widths(6, 12, 10, 12, 10, 12, 14, 26)
    wb.save(str(case.path))


def a11(case):
    """合伙人情况 merged over 个人 | 单位; street and community columns."""
    wb, (sh,) = new_xlsx("汇总")
    sh.merge(1, 1, 1, 7, "萧山区2024年8月社区合伙人情况汇总表", "title")
    sh.merge(3, 1, 4, 1, "序号")
    sh.merge(3, 2, 4, 2, "街道")
    sh.merge(3, 3, 4, 3, "社区")
    sh.merge(3, 4, 3, 5, "合伙人情况")
    sh.w(4, 4, "个人", "header")
    sh.w(4, 5, "单位", "header")
    sh.merge(3, 6, 4, 6, "合伙人项目（个）")
    sh.merge(3, 7, 4, 7, "备注")
    cols = [None, None, None, "resident_partners", "group_partners", "partner_projects", None]
    P = "2024-08"
    rows = [
        [1, "北干街道", "天悦社区", 30, 45, 15, ""],
        [2, "北干街道", "育才东苑社区", 16, 10, 8, ""],
        [3, "城厢街道", "工人路社区", 26, 12, 21, ""],
        [4, "城厢街道", "湘湖社区", 20, 9, 8, ""],
        [5, "盈丰街道", "盈二社区", 14, 7, 6, ""],
        [6, "新街街道", "新街社区", 18, 11, 9, ""],
    ]
    for r, cells in enumerate(rows, start=5):
        case.row(sh, r, cells, cols, cells[2], period=P)
    sh.merge(11, 1, 11, 3, "合计", "total")
    case.plain_row(sh, 11, [124, 94, 67, ""], "total", start=4)
    sh.w(13, 1, "注：个人指居民合伙人，单位指企业、社会组织、学校等团体合伙人。", "note")
    sh.widths(6, 12, 14, 10, 10, 16, 14)
    wb.save(case.path)


def a12(case):
    """志愿服务 / 参与情况 / 人数 | 小时数: three header rows; spaced name."""
    wb, (sh,) = new_xlsx("7月")
    sh.merge(1, 1, 1, 6, "南阳街道2024年7月志愿服务情况统计", "title")
    sh.w(2, 1, "填报单位：南阳街道", "sub")
    sh.merge(3, 1, 5, 1, "序号")
    sh.merge(3, 2, 5, 2, "社区")
    sh.merge(3, 3, 3, 5, "志愿服务")
    sh.merge(3, 6, 5, 6, "备注")
    sh.merge(4, 3, 4, 4, "参与情况")
    sh.merge(4, 5, 5, 5, "服务人次")
    sh.w(5, 3, "人数", "header")
    sh.w(5, 4, "小时数", "header")
    cols = [None, None, "volunteers", "service_hours", "people_served", None]
    P = "2024-07"
    case.row(sh, 6, [1, "南\u3000阳\u3000社\u3000区", 45, 180, 620, ""], cols, "南阳社区", period=P)
    case.row(sh, 7, [2, "赭东村", 30, 110, 400, "含夏季防汛值守"], cols, "赭东村", period=P)
    sh.merge(8, 1, 8, 2, "合计", "total")
    case.plain_row(sh, 8, [75, 290, 1020, ""], "total", start=3)
    sh.widths(6, 16, 10, 10, 12, 18)
    wb.save(case.path)


INSTRUCTIONS = [
    "填表说明",
    "1. 居民合伙人数、团体合伙人数填写截至当月底的累计数，不填当月新增数；",
    "2. 合计行由汇总表自动计算，各社区无需填写合计；",
    "3. 如无数据请填“无”，请勿留空；",
    "4. 项目数指正在实施的合伙人项目个数；",
    "5. 请于每月5日前报送街道社会事务办。",
]


def instruction_sheet(sh):
    for r, text in enumerate(INSTRUCTIONS, start=1):
        sh.w(r, 1, text, "title" if r == 1 else "sub")
    sh.widths(80)


def a13(case):
    """A 填表说明 text sheet first; 镇街 + 社区 columns; 居委会 suffix; 项目数."""
    wb, (ins, sh, empty) = new_xlsx("填表说明", "2024年10月", "Sheet3")
    instruction_sheet(ins)
    sh.merge(1, 1, 1, 8, "萧山区社区合伙人情况统计表", "title")
    headers(sh, 2, ["序号", "镇街", "社区", "居民合伙人数", "团体合伙人数", "项目数",
                    "填报人", "联系电话"])
    cols = [None, None, None, "resident_partners", "group_partners", "partner_projects",
            None, None]
    P = "2024-10"
    rows = [
        ([1, "北干街道", "天悦社区", 28, 44, 14, "王某", "0571-82661101"], "天悦社区"),
        ([2, "北干街道", "育才东苑社区", 17, 11, 9, "赵某", "0571-82661102"], "育才东苑社区"),
        ([3, "城厢街道", "湘湖社区居委会", 21, 10, 8, "钱某", "0571-82661103"], "湘湖社区"),
        ([4, "新塘街道", "新塘社区", 13, 8, 5, "孙某", "0571-82661104"], "新塘社区"),
        ([5, "新街街道", "新街社区", 19, 12, 10, "李某", "0571-82661105"], "新街社区"),
        ([6, "盈丰街道", "盈二社区", 15, 8, 7, "周某", "0571-82661106"], "盈二社区"),
    ]
    for r, (cells, area) in enumerate(rows, start=3):
        case.row(sh, r, cells, cols, area, period=P)
    sh.widths(6, 12, 16, 14, 14, 10, 10, 16)
    wb.save(case.path)


def a14(case):
    """One street (from the title), providers as groups; 0 values; a ratio column."""
    wb, (sh,) = new_xlsx("Sheet1")
    sh.merge(1, 1, 1, 8, "城厢街道2024年11月托育机构托位情况", "title")
    headers(sh, 3, ["序号", "托育园所名称", "计划新增托位（个）", "计划新增普惠托位（个）",
                    "已完成新增托位（个）", "完成普惠托位（个）", "保育人员与婴幼儿配比",
                    "备注"])
    cols = [None, None, "slots_target", "inclusive_slots_target", "slots_added",
            "inclusive_slots_added", None, None]
    P, A = "2024-11", "城厢街道"
    rows = [
        [1, "工人路托育园", 40, 20, 45, 20, "1:3", ""],
        [2, "湘湖宝贝托育中心", 30, 0, 30, 0, "1:5", "民办非普惠机构"],
        [3, "小星星托育园", 20, 10, "/", "/", "1:4", "在建，预计12月开园"],
        [4, "七彩童年婴幼儿照护中心", 25, 15, 12, 8, "1:3", ""],
    ]
    for r, cells in enumerate(rows, start=4):
        case.row(sh, r, cells, cols, A, group=cells[1], period=P)
    sh.merge(8, 1, 8, 2, "合计", "total")
    case.plain_row(sh, 8, [115, 45, 87, 28, "", ""], "total", start=3)
    sh.w(10, 1, "填报人：吴某　　联系电话：0571-82770000", "note")
    sh.widths(6, 24, 14, 16, 16, 14, 14, 20)
    wb.save(case.path)


def a15(case):
    """Area names typed every way: traditional, no suffix, street prefix, spaces."""
    wb, (sh,) = new_xls("11月")
    sh.merge(1, 1, 1, 6, "萧山区2023年11月社区志愿服务统计表", "title")
    headers(sh, 3, ["序号", "社区", "志愿者人数（人）", "服务时长（小时）", "服务人次", "备注"])
    cols = [None, None, "volunteers", "service_hours", "people_served", None]
    P = "2023-11"
    rows = [
        ([1, "天悅社區", 56, 320, 860, ""], "天悦社区"),
        ([2, "育才東苑", 41, 205, 530, ""], "育才东苑社区"),
        ([3, "城厢街道湘湖社区", 33, 150, 410, ""], "湘湖社区"),
        ([4, "南 阳 社 区", 28, 96, 300, ""], "南阳社区"),
        ([5, "工人路社区居委会", 62, 410, 1200, "含亚运后续服务"], "工人路社区"),
        ([6, "\u3000新塘社区\u3000", 25, 88, 260, ""], "新塘社区"),
    ]
    for r, (cells, area) in enumerate(rows, start=4):
        case.row(sh, r, cells, cols, area, period=P)
    sh.merge(10, 1, 10, 2, "合计", "total")
    case.plain_row(sh, 10, [245, 1269, 3560, ""], "total", start=3)
    sh.w(12, 1, "填报日期：2023年12月4日", "note")
    sh.widths(6, 20, 16, 16, 12, 18)
    wb.save(str(case.path))


def a16(case):
    """本月新增 beside 累计完成 for slots; a 完成率 column that is a ratio."""
    wb, (sh,) = new_xlsx("进度表")
    sh.merge(1, 1, 1, 8, "萧山区2025年3月托位建设进度", "title")
    sh.w(2, 8, "单位：个", "right")
    headers(sh, 3, ["街道", "计划新增托位", "计划新增普惠托位", "本月新增托位",
                    "累计完成新增托位", "本月新增普惠托位", "累计完成普惠托位", "完成率"])
    cols = [None, "slots_target", "inclusive_slots_target", None, "slots_added", None,
            "inclusive_slots_added", None]
    P = "2025-03"
    rows = [
        ["北干街道", 100, 60, 8, 30, 5, 18, "30.0%"],
        ["城厢街道", 100, 60, 10, 34, 6, 20, "34.0%"],
        ["南阳街道", 80, 50, 5, 18, 3, 10, "22.5%"],
        ["新街街道", 90, 55, 6, 25, 4, 15, "27.8%"],
        ["新塘街道", 70, 40, 4, 15, 2, 9, "21.4%"],
        ["盈丰街道", 60, 35, 3, 12, 2, 7, "20.0%"],
    ]
    for r, cells in enumerate(rows, start=4):
        case.row(sh, r, cells, cols, cells[0], period=P)
    case.plain_row(sh, 10, ["合计", 500, 300, 36, 134, 22, 79, "26.8%"], "total")
    sh.w(12, 1, "注：完成率＝累计完成新增托位÷计划新增托位。", "note")
    sh.widths(12, 14, 16, 14, 16, 16, 16, 10)
    wb.save(case.path)


def a17(case):
    """现有 beside 本月/当月新增 (xls, period in the sheet name); a wrong 合计."""
    wb, (sh,) = new_xls("2025年1月")
    sh.merge(1, 1, 1, 8, "城厢街道社区合伙人月报", "title")
    headers(sh, 2, ["序号", "村社", "现有居民合伙人", "本月新增居民合伙人", "现有团体合伙人",
                    "当月新增团体合伙人", "合伙人项目（个）", "社会组织（个）"])
    cols = [None, None, "resident_partners", None, "group_partners", None,
            "partner_projects", "social_organisations"]
    P = "2025-01"
    case.row(sh, 3, [1, "工人路", 28, 2, 15, 1, 22, 36], cols, "工人路社区", period=P)
    case.row(sh, 4, [2, "湘湖社区", 24, 0, 13, 0, 10, 5], cols, "湘湖社区", period=P)
    # 现有团体合伙人: 15 + 13 = 28, the sheet says 29
    sh.merge(5, 1, 5, 2, "合计", "total")
    case.plain_row(sh, 5, [52, 2, 29, 1, 32, 41], "total", start=3)
    case.issue(sh, 5, 5, "total_mismatch")
    sh.w(7, 1, "填报人：钱某　　填报日期：2025年2月6日", "note")
    sh.widths(6, 12, 16, 18, 16, 18, 16, 14)
    wb.save(str(case.path))


def a18(case):
    """One community named in the title; months as rows; 总数 beside 当月新增."""
    wb, (sh,) = new_xlsx("天悦社区")
    sh.merge(1, 1, 1, 7, "天悦社区2024年社区合伙人发展情况", "title")
    headers(sh, 2, ["月份", "居民合伙人总数", "当月新增居民合伙人", "团体合伙人总数",
                    "当月新增团体合伙人", "合伙人项目", "备注"])
    cols = [None, "resident_partners", None, "group_partners", None, "partner_projects", None]
    rows = [
        ("2024-01", ["2024年1月", 21, 1, 36, 1, 8, ""]),
        ("2024-02", ["2024年2月", 22, 1, 37, 1, 8, "春节期间暂停招募"]),
        ("2024-03", ["2024年3月", 24, 2, 39, 2, 9, ""]),
        ("2024-04", ["2024年4月", 25, 1, 40, 1, 11, ""]),
        ("2024-05", ["2024年5月", 27, 2, 42, 2, 12, "5月启动新一轮招募"]),
    ]
    for r, (period, cells) in enumerate(rows, start=3):
        case.row(sh, r, cells, cols, "天悦社区", period=period)
    sh.w(9, 1, "注：总数为截至当月底累计数。", "note")
    sh.widths(12, 16, 18, 16, 18, 12, 20)
    wb.save(case.path)


def a19(case):
    """Teams of one community; 多/约/以上/近/不到 and full-width digits; zeros."""
    wb, (sh,) = new_xlsx("12月")
    sh.merge(1, 1, 1, 7, "育才东苑社区志愿服务队伍情况汇总（2024年12月）", "title")
    headers(sh, 2, ["序号", "队伍名称", "团队人数（人）", "服务时长（小时）",
                    "受益人数（人次）", "负责人", "联系电话"])
    cols = [None, None, "volunteers", "service_hours", "people_served", None, None]
    P, A = "2024-12", "育才东苑社区"
    rows = [
        [1, "东苑邻里守望队", "20多", 160, "约300", "方某", "13800000001"],
        [2, "东苑银龄书画社", 12, "１２０", "100以上", "黄某", "13800000002"],
        [3, "东苑小候鸟护学队", "近40", 240, "不到500", "徐某", "13800000003"],
        [4, "东苑文明劝导队", 8, 0, 0, "杨某", "13800000004"],
    ]
    for r, cells in enumerate(rows, start=3):
        case.row(sh, r, cells, cols, A, group=cells[1], period=P)
    sh.w(8, 1, "注：东苑文明劝导队为12月新成立，尚未开展服务。", "note")
    sh.widths(6, 20, 14, 16, 16, 10, 14)
    wb.save(case.path)


def a20(case):
    """街道（镇）merged down, 社区（村）名称, 小计 per street, blank spacer rows."""
    wb, (sh,) = new_xlsx("2024年12月")
    sh.merge(1, 1, 1, 6, "萧山区婴幼儿成长驿站及托位建设情况（分社区）", "title")
    headers(sh, 3, ["街道（镇）", "社区（村）名称", "婴幼儿成长驿站（个）",
                    "完成新增托位（个）", "完成普惠托位（个）", "备注"])
    P = "2024-12"
    cols = [None, None, "growth_stations", "slots_added", "inclusive_slots_added", None]

    def block(top, street, comms, sub):
        sh.merge(top, 1, top + len(comms), 1, street, "cell")
        for i, (name, area, vals) in enumerate(comms):
            r = top + i
            for c, (raw, spec) in enumerate(zip([None, name, *vals, ""], cols), 1):
                if c == 1:
                    continue
                if spec is None:
                    sh.w(r, c, raw)
                else:
                    case.value(sh, r, c, raw, spec, area, None, P)
        case.plain_row(sh, top + len(comms), ["小计", *sub, ""], "total", start=2)

    block(4, "北干街道", [("天悦社区", "天悦社区", [2, 30, 18]),
                         ("育才东苑社区", "育才东苑社区", [1, 20, 12])], [3, 50, 30])
    block(8, "城厢街道", [("工人路社区", "工人路社区", [2, 35, 20]),
                         ("湘湖社区", "湘湖社区", [1, 15, 10])], [3, 50, 30])
    block(12, "南阳街道", [("南阳社区", "南阳社区", [1, 12, 8]),
                          ("赭东村", "赭东村", [1, 10, 6])], [2, 22, 14])
    sh.merge(15, 1, 15, 2, "合计", "total")
    case.plain_row(sh, 15, [8, 122, 74, ""], "total", start=3)
    sh.w(17, 1, "注：托位数为2024年累计完成数。", "note")
    sh.widths(12, 16, 18, 16, 16, 14)
    wb.save(case.path)


def a21(case):
    """GBK CSV with ASCII-bracket units; committee name; one unknown community."""
    sh = CsvSheet(Path(case.file).stem)
    sh.w(1, 1, "城厢街道社区合伙人情况统计表（2025年2月）")
    for c, h in enumerate(["序号", "社区", "个人合伙人(人)", "单位合伙人(家)", "项目数量(项)",
                           "社会组织(家)", "填报人", "联系电话"], start=1):
        sh.w(2, c, h)
    cols = [None, None, "resident_partners", "group_partners", "partner_projects",
            "social_organisations", None, None]
    P = "2025-02"
    rows = [
        ([1, "工人路社区", 25, 12, "20余", 35, "张某", "0571-82880001"], "工人路社区"),
        ([2, "湘湖社区居民委员会", 19, 8, 7, 4, "刘某", "0571-82880002"], "湘湖社区"),
        # not in the reference list: kept as written with an unknown_area warning
        ([3, "高桥社区", 11, 5, 3, 2, "何某", "0571-82880003"], "高桥社区"),
    ]
    for r, (cells, area) in enumerate(rows, start=3):
        case.row(sh, r, cells, cols, area, period=P)
    sh.w(7, 1, "注：单位合伙人含辖区企业、学校和社会组织。")
    sh.w(7, 8, "")
    sh.save(case.path, "gbk")


def a22(case):
    """单位：万元 line applies to the money column only, not to 志愿者人数."""
    wb, (sh,) = new_xlsx("Sheet1")
    sh.merge(1, 1, 1, 5, "萧山区2023年10月亚运志愿者保障物资统计表", "title")
    sh.w(2, 5, "单位：万元", "right")
    headers(sh, 3, ["序号", "街道", "志愿者人数", "物资金额", "备注"])
    cols = [None, None, "volunteers", ("funds_yuan", WAN), None]
    P = "2023-10"
    rows = [
        [1, "北干街道", 420, 6.5, "含饮用水、防暑用品"],
        [2, "城厢街道", 380, 5.2, ""],
        [3, "南阳街道", 260, 4, ""],
        [4, "新街街道", 300, 5.3, ""],
        [5, "新塘街道", 240, 4.5, ""],
        [6, "盈丰街道", 200, 4.5, ""],
    ]
    for r, cells in enumerate(rows, start=4):
        case.row(sh, r, cells, cols, cells[1], period=P)
    sh.merge(10, 1, 10, 2, "合计", "total")
    case.plain_row(sh, 10, [1800, 30, ""], "total", start=3)
    sh.w(12, 1, "填报单位：萧山区志愿者协会　　填报日期：2023年11月8日", "note")
    sh.widths(6, 12, 12, 12, 22)
    wb.save(case.path)


def a23(case):
    """所属村社 + 托育机构 with two merged parents over 总数 | 其中：普惠."""
    wb, (sh, ins) = new_xlsx("2025年6月", "填表说明")
    sh.merge(1, 1, 1, 8, "北干街道托育机构托位任务完成情况", "title")
    sh.merge(3, 1, 4, 1, "序号")
    sh.merge(3, 2, 4, 2, "所属村社")
    sh.merge(3, 3, 4, 3, "托育机构")
    sh.merge(3, 4, 3, 5, "新增托位任务")
    sh.merge(3, 6, 3, 7, "完成新增托位")
    sh.merge(3, 8, 4, 8, "备注")
    for c, h in zip(range(4, 8), ["总数", "其中：普惠", "总数", "其中：普惠"]):
        sh.w(4, c, h, "header")
    cols = [None, None, None, "slots_target", "inclusive_slots_target", "slots_added",
            "inclusive_slots_added", None]
    P = "2025-06"
    rows = [
        ([1, "天悦社区", "天悦托育园", 40, 25, 22, 14, "本行已计入街道小计"], "天悦社区"),
        ([2, "天悦社区", "悦宝婴幼儿照护中心", 30, 15, 18, 9, ""], "天悦社区"),
        ([3, "育才东苑社区", "东苑宝贝托育中心", 35, 20, 16, 10, ""], "育才东苑社区"),
        ([4, "育才东苑", "蒲公英托育园", 25, 15, 0, 0, "合计数据待下月开园后更新"],
         "育才东苑社区"),
    ]
    for r, (cells, area) in enumerate(rows, start=5):
        case.row(sh, r, cells, cols, area, group=cells[2], period=P)
    sh.merge(9, 1, 9, 3, "合计", "total")
    case.plain_row(sh, 9, [130, 75, 56, 33, ""], "total", start=4)
    sh.widths(6, 14, 22, 10, 12, 10, 12, 26)
    instruction_sheet(ins)
    wb.save(case.path)


def a24(case):
    """Units after a slash; 街道（镇）+ 社区 + 服务队伍名称; an unreadable cell."""
    wb, (sh,) = new_xlsx("Sheet1")
    sh.merge(1, 1, 1, 7, "2025年5月城厢街道志愿服务情况", "title")
    headers(sh, 2, ["街道（镇）", "社区", "服务队伍名称", "参与人数/人", "服务时长/小时",
                    "受益人数/人次", "备注"])
    cols = [None, None, None, "volunteers", "service_hours", "people_served", None]
    P = "2025-05"
    rows = [
        ["城厢街道", "工人路社区", "工人路职工宣讲团", "３９", "１２０", "200余", ""],
        ["城厢街道", "工人路社区", "工人路助老服务队", 24, 96, 150, ""],
        ["城厢街道", "湘湖社区", "湘湖护河队", 16, 48, None, ""],
        ["城厢街道", "湘湖社区", "湘湖新青年志愿队", 12, 0, 0, "5月新组建"],
    ]
    for r, cells in enumerate(rows, start=3):
        case.row(sh, r, cells, cols, cells[1], group=cells[2], period=P)
    # a value that cannot be read: never guessed, an error at its cell
    sh.w(5, 6, "见附表")
    case.issue(sh, 5, 6, "unreadable_value")
    sh.w(8, 1, "填报人：郑某　　联系电话：0571-82990000", "note")
    sh.widths(12, 14, 20, 12, 14, 14, 14)
    wb.save(case.path)


# --------------------------------------------------------------------------
CASES = [
    (a01, "a01_units_in_headers.xlsx", "partners", "1",
     "Units in brackets on every measure header (名/个/项/家); 10余 and 20余; 填报日期 line is not the period."),
    (a02, "a02_team_funds_wanyuan.xlsx", "volunteers", "1,8",
     "捐赠金额（万元） applied (0.5 -> 5000, 30 -> 300000); 服务队伍名称 and 所属村社 as context; a street-level team."),
    (a03, "a03_unit_line_wanyuan.xls", "volunteers", "1,7",
     "金额单位：万元 line above the table applies to 物资金额 only; merged community cells, 小计 and 合计; unknown 盈一社区; a 0."),
    (a04, "a04_unit_conflict_hours.xlsx", "volunteers", "1",
     "志愿者（小时） contradicts the measure: unit_conflict, column loads nothing; area from the title."),
    (a05, "a05_2024年3月_北干街道.xlsx", "partners", "7",
     "Period only in the file name (填报日期 is April); traditional 天悅社區 and suffix-less 育才东苑."),
    (a06, "a06_stock_flow_committee_names.xlsx", "partners", "6,7,8",
     "居民/团体合伙人总数 beside 当月新增 (flow loads nothing); 居民委员会/村民委员会 names; 社区（村）名称."),
    (a07, "a07_volunteers_gbk.csv", "volunteers", "1",
     "GBK CSV with a title line, units in full-width brackets, full-width ２５, 约/多/余 qualifiers, — and 无."),
    (a08, "a08_childcare_providers_gbk.csv", "childcare", "7,8",
     "GBK CSV (LF endings): 街道（镇） and 托育园所名称 as context, street alias 城厢, 合计 row."),
    (a09, "a09_partners_month_column_gb18030.csv", "partners", "7,8",
     "GB18030 CSV (a remark needs GB18030); 月份 column; 城厢街道湘湖社区, 居委会, 村委会 names under 社区名称."),
    (a10, "a10_childcare_two_row_header.xls", "childcare", "2",
     "新增托位任务 / 完成新增托位 merged over 总数 | 其中：普惠; remarks mention 合计/小计; 截至2024年6月底."),
    (a11, "a11_partner_persons_units.xlsx", "partners", "2",
     "合伙人情况 merged over 个人 | 单位; street and community columns, community is the area."),
    (a12, "a12_volunteer_three_level_header.xlsx", "volunteers", "2,7",
     "Three header rows 志愿服务 / 参与情况 / 人数 | 小时数; 南　阳　社　区 with full-width spaces."),
    (a13, "a13_instructions_sheet.xlsx", "partners", "7,8",
     "First sheet 填表说明 is text only and an empty Sheet3; period in the sheet name; 镇街 + 社区; 居委会 suffix."),
    (a14, "a14_providers_one_street.xlsx", "childcare", "1,8",
     "Area from the title, 托育园所名称 groups, units （个）, 0 values, / cells, a 1:3 ratio column that loads nothing."),
    (a15, "a15_traditional_spaced_names.xls", "volunteers", "7",
     "Area names typed every way: 天悅社區, 育才東苑, 城厢街道湘湖社区, 南 阳 社 区, 居委会, full-width padding."),
    (a16, "a16_childcare_month_vs_cumulative.xlsx", "childcare", "6",
     "本月新增托位 beside 累计完成新增托位 (only cumulative loads); 完成率 percentages load nothing."),
    (a17, "a17_existing_vs_new_partners.xls", "partners", "6,7",
     "现有 beside 本月/当月新增; period from the sheet name; alias 工人路; 合计 of 现有团体合伙人 is wrong."),
    (a18, "a18_tianyue_monthly_rows.xlsx", "partners", "6",
     "One community named in the title, one row per month in a 月份 column, 总数 beside 当月新增."),
    (a19, "a19_team_qualifiers.xlsx", "volunteers", "1",
     "Teams of one community (title); 20多, 约300, 100以上, 近40, 不到500, full-width １２０, zeros."),
    (a20, "a20_stations_by_community_blank_rows.xlsx", "childcare", "8",
     "街道（镇） merged down over 社区（村）名称 rows with 小计 per street and blank spacer rows; period in sheet name."),
    (a21, "a21_partners_units_gbk.csv", "partners", "1,7",
     "GBK CSV with ASCII-bracket units (人)/(家)/(项); 居民委员会 name; unknown 高桥社区 kept as written."),
    (a22, "a22_asian_games_funds_wanyuan.xlsx", "volunteers", "1",
     "单位：万元 line above the table applies to 物资金额 but not to 志愿者人数; 合计 row."),
    (a23, "a23_provider_tasks_by_community.xlsx", "childcare", "2,7,8",
     "所属村社 + 托育机构; 新增托位任务/完成新增托位 over 总数 | 其中：普惠; remarks mention 合计/小计; 填表说明 sheet last."),
    (a24, "a24_slash_units_teams.xlsx", "volunteers", "1,8",
     "Units after a slash (参与人数/人); 街道（镇） + 社区 + 服务队伍名称; full-width digits; 见附表 is unreadable_value."),
]


def clear_old():
    for folder in (FILES, EXPECTED):
        folder.mkdir(parents=True, exist_ok=True)
        for p in folder.iterdir():
            if re.match(r"a\d\d_", p.name):
                p.unlink()


def write_expected(case):
    with open(EXPECTED / f"{case.file}.records.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=["area", "group", "period", "measure", "value",
                                             "qualifier", "cell"], lineterminator="\n")
        out.writeheader()
        out.writerows(case.records)
    if case.issues:
        with open(EXPECTED / f"{case.file}.issues.csv", "w", encoding="utf-8", newline="") as fh:
            out = csv.DictWriter(fh, fieldnames=["cell", "rule"], lineterminator="\n")
            out.writeheader()
            out.writerows(case.issues)


def sanity(case):
    keys = [(r["area"], r["group"], r["period"], r["measure"]) for r in case.records]
    assert len(keys) == len(set(keys)), f"{case.file}: duplicate record key"
    cells = [r["cell"] for r in case.records]
    assert len(cells) == len(set(cells)), f"{case.file}: two records from one cell"
    for r in case.records:
        assert re.fullmatch(r"20(23|24|25)-(0[1-9]|1[0-2])", r["period"]), r


def main():
    clear_old()
    cases = []
    for fn, file, domain, kind, note in CASES:
        case = Case(file, domain, kind, note)
        fn(case)
        sanity(case)
        write_expected(case)
        cases.append(case)
    with open(CASES_CSV, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["file", "domain", "kind", "note"])
        for c in cases:
            out.writerow([c.file, c.domain, c.kind, c.note])
    width = max(len(c.file) for c in cases)
    print(f"{'file':<{width}}  {'domain':<10} {'kind':<6} {'records':>7} {'errors':>6}")
    for c in cases:
        print(f"{c.file:<{width}}  {c.domain:<10} {c.kind:<6} {len(c.records):>7} "
              f"{len(c.issues):>6}")
    print(f"{len(cases)} files, {sum(len(c.records) for c in cases)} records, "
          f"{sum(len(c.issues) for c in cases)} expected errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
