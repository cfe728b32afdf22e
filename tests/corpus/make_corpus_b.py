#!/usr/bin/env python
"""Blind test corpus, part B, for the civicstats cleaner.

Writes workbooks ``b01_…`` … ``b26_…`` into ``files/``, their expected tidy
records into ``expected/<file>.records.csv`` and, where a file must raise
errors, ``expected/<file>.issues.csv``; ``cases_b.csv`` lists every case.

The expected results come from the data contract (design.md) and from what a
careful statistician would read off the sheet, never from the cleaner.
Layout kinds (issue 10) covered here:

* 3  the period in the header, the file name or the sheet (and a 填报日期
     line that is not the period),
* 4  indicator tables (rows are indicators; 其中：普惠 rows; ratio rows),
* 5  several tables on one sheet; hidden and text-only sheets,
* 9  months as people write them (and quarters, ranges, a future month).

Run:  /work/main/.venv/bin/python tests/corpus/make_corpus_b.py
Deterministic: the same files and expectations on every run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import xlwt
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
EXPECTED = HERE / "expected"
CASES = HERE / "cases_b.csv"
FIXED_TIME = dt.datetime(2024, 1, 1, 8, 0, 0)

RECORD_COLUMNS = ["area", "group", "period", "measure", "value", "qualifier", "cell"]


# ---------------------------------------------------------------- values --

FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
MISSING = {"", "—", "-", "/", "无", "——"}


def read_value(raw, mult=1):
    """What a careful statistician reads in a cell: (value, qualifier) or None.

    Only the forms this corpus writes: numbers, full-width digits, 余/多
    (at_least), 约 (approx); blank, —, -, /, 无 are missing.
    """
    if raw is None:
        return None
    if isinstance(raw, (int, float)):
        return plain(raw * mult), "exact"
    text = str(raw).strip().translate(FULL_WIDTH)
    if text in MISSING:
        return None
    qualifier = "exact"
    if text.startswith("约"):
        qualifier, text = "approx", text[1:]
    elif text.endswith(("余", "多")):
        qualifier, text = "at_least", text[:-1]
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        raise ValueError(f"corpus bug: {raw!r} is not a value this corpus reads")
    return plain(float(text) * mult), qualifier


def plain(number):
    """A number written plainly: 10, 25000, 12.5 (never 10.0 or 1e4)."""
    number = round(float(number), 6)
    if number.is_integer():
        return str(int(number))
    return repr(number)


# ------------------------------------------------------------ expectations --

class Expect:
    """Expected records and error-level issues of one file."""

    def __init__(self, filename, domain, kind, note):
        self.filename, self.domain, self.kind, self.note = filename, domain, kind, note
        self.records: list[list[str]] = []
        self.issues: list[list[str]] = []

    def rec(self, sheet, row, col, area, group, period, measure, raw, mult=1):
        """Expect a record for the cell (row, col) holding raw, unless missing."""
        read = read_value(raw, mult)
        if read is None:
            return
        value, qualifier = read
        self.records.append([area, group or "", period, measure, value, qualifier,
                             sheet.addr(row, col)])

    def issue(self, sheet, row, col, rule):
        self.issues.append([sheet.addr(row, col), rule])

    def write(self):
        with open(EXPECTED / f"{self.filename}.records.csv", "w", newline="",
                  encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(RECORD_COLUMNS)
            w.writerows(self.records)
        issues_path = EXPECTED / f"{self.filename}.issues.csv"
        if self.issues:
            with open(issues_path, "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(["cell", "rule"])
                w.writerows(self.issues)
        elif issues_path.exists():
            issues_path.unlink()


# ---------------------------------------------------------------- writers --
# Three back ends with the same small interface: put(row, col, value, style),
# merge(r1, c1, r2, c2, value, style), width(col, chars); rows and columns
# are 1-based as Excel shows them.

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
XLSX_STYLES = {
    "title": dict(font=Font(name="宋体", size=16, bold=True),
                  alignment=Alignment(horizontal="center", vertical="center")),
    "subtitle": dict(font=Font(name="宋体", size=11),
                     alignment=Alignment(horizontal="left", vertical="center")),
    "header": dict(font=Font(name="宋体", size=11, bold=True), border=BOX,
                   fill=PatternFill("solid", fgColor="DDEBF7"),
                   alignment=Alignment(horizontal="center", vertical="center",
                                       wrap_text=True)),
    "cell": dict(font=Font(name="宋体", size=11), border=BOX,
                 alignment=Alignment(horizontal="center", vertical="center")),
    "label": dict(font=Font(name="宋体", size=11), border=BOX,
                  alignment=Alignment(horizontal="left", vertical="center")),
    "total": dict(font=Font(name="宋体", size=11, bold=True), border=BOX,
                  fill=PatternFill("solid", fgColor="F2F2F2"),
                  alignment=Alignment(horizontal="center", vertical="center")),
    "section": dict(font=Font(name="黑体", size=12, bold=True),
                    alignment=Alignment(horizontal="left", vertical="center")),
    "note": dict(font=Font(name="宋体", size=10, italic=True),
                 alignment=Alignment(horizontal="left", vertical="top",
                                     wrap_text=True)),
}


class XlsxSheet:
    def __init__(self, ws):
        self.ws = ws
        self.name = ws.title

    def addr(self, row, col):
        return f"{self.name}!{get_column_letter(col)}{row}"

    def put(self, row, col, value, style="cell", number_format=None):
        cell = self.ws.cell(row=row, column=col, value=value)
        for attr, val in XLSX_STYLES.get(style, {}).items():
            setattr(cell, attr, val)
        if number_format:
            cell.number_format = number_format
        return cell

    def merge(self, r1, c1, r2, c2, value, style="cell"):
        self.put(r1, c1, value, style)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1) and style in ("header", "cell", "total", "label"):
                    self.put(r, c, None, style)
        self.ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)

    def width(self, col, chars):
        self.ws.column_dimensions[get_column_letter(col)].width = chars

    def height(self, row, points):
        self.ws.row_dimensions[row].height = points


class XlsxBook:
    def __init__(self, filename):
        self.filename = filename
        self.wb = openpyxl.Workbook()
        self.wb.remove(self.wb.active)

    def sheet(self, title):
        return XlsxSheet(self.wb.create_sheet(title))

    def save(self):
        # Byte-for-byte reproducible: fixed document dates and zip timestamps,
        # so that re-running the generator does not change committed files.
        self.wb.properties.creator = "街道社区办"
        self.wb.properties.created = FIXED_TIME
        buffer = io.BytesIO()
        self.wb.save(buffer)
        stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
        with zipfile.ZipFile(buffer) as src, \
                zipfile.ZipFile(FILES / self.filename, "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == "docProps/core.xml":
                    data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                  rb"\g<1>" + stamp + rb"\g<2>", data)
                member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
                member.compress_type = zipfile.ZIP_DEFLATED
                out.writestr(member, data)


_XLS_FONT = "font: name 宋体, height 220"
XLS_STYLES = {
    "title": xlwt.easyxf("font: name 宋体, height 320, bold on; align: horiz center, vert center"),
    "subtitle": xlwt.easyxf(_XLS_FONT + "; align: horiz left"),
    "header": xlwt.easyxf(_XLS_FONT + ", bold on; align: horiz center, vert center, wrap on;"
                          " borders: left thin, right thin, top thin, bottom thin;"
                          " pattern: pattern solid, fore_colour pale_blue"),
    "cell": xlwt.easyxf(_XLS_FONT + "; align: horiz center, vert center;"
                        " borders: left thin, right thin, top thin, bottom thin"),
    "label": xlwt.easyxf(_XLS_FONT + "; align: horiz left, vert center;"
                         " borders: left thin, right thin, top thin, bottom thin"),
    "total": xlwt.easyxf(_XLS_FONT + ", bold on; align: horiz center, vert center;"
                         " borders: left thin, right thin, top thin, bottom thin;"
                         " pattern: pattern solid, fore_colour gray25"),
    "section": xlwt.easyxf("font: name 黑体, height 240, bold on; align: horiz left"),
    "note": xlwt.easyxf("font: name 宋体, height 200, italic on; align: horiz left, wrap on"),
}


class XlsSheet:
    def __init__(self, ws, name):
        self.ws = ws
        self.name = name

    def addr(self, row, col):
        return f"{self.name}!{get_column_letter(col)}{row}"

    def put(self, row, col, value, style="cell", number_format=None):
        if value is None:
            self.ws.write(row - 1, col - 1, "", XLS_STYLES[style])
        else:
            self.ws.write(row - 1, col - 1, value, XLS_STYLES[style])

    def merge(self, r1, c1, r2, c2, value, style="cell"):
        self.ws.write_merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1, value, XLS_STYLES[style])

    def width(self, col, chars):
        self.ws.col(col - 1).width = int(chars * 256)

    def height(self, row, points):
        r = self.ws.row(row - 1)
        r.height_mismatch = True
        r.height = int(points * 20)


class XlsBook:
    def __init__(self, filename):
        self.filename = filename
        self.wb = xlwt.Workbook(encoding="utf-8")

    def sheet(self, title):
        return XlsSheet(self.wb.add_sheet(title), title)

    def save(self):
        self.wb.save(str(FILES / self.filename))


class CsvSheet:
    """A CSV as a grid; the 'sheet' in a cell address is the file stem."""

    def __init__(self, filename, encoding):
        self.filename = filename
        self.encoding = encoding
        self.name = Path(filename).stem
        self.cells: dict[tuple[int, int], str] = {}

    def addr(self, row, col):
        return f"{self.name}!{get_column_letter(col)}{row}"

    def put(self, row, col, value, style=None, number_format=None):
        self.cells[(row, col)] = "" if value is None else str(value)

    def merge(self, r1, c1, r2, c2, value, style=None):
        self.put(r1, c1, value)

    def width(self, col, chars):
        pass

    def height(self, row, points):
        pass

    def save(self):
        nrows = max(r for r, _ in self.cells)
        ncols = max(c for _, c in self.cells)
        with open(FILES / self.filename, "w", newline="", encoding=self.encoding) as fh:
            w = csv.writer(fh, lineterminator="\r\n")
            for r in range(1, nrows + 1):
                w.writerow([self.cells.get((r, c), "") for c in range(1, ncols + 1)])


# ----------------------------------------------------------- small helpers --

def header_row(sh, row, col, labels, style="header"):
    for i, label in enumerate(labels):
        sh.put(row, col + i, label, style)


def column_sums(rows, start):
    """Sums of the numeric columns of rows from index start on (for 合计 rows)."""
    width = len(rows[0])
    return [sum(r[i] for r in rows) for i in range(start, width)]


def widths(sh, *chars):
    for i, w in enumerate(chars, start=1):
        sh.width(i, w)


CASES_ROWS: list[list[str]] = []
SUMMARY: list[tuple[str, int, int]] = []


def finish(book, exp):
    book.save()
    exp.write()
    CASES_ROWS.append([exp.filename, exp.domain, exp.kind, exp.note])
    SUMMARY.append((exp.filename, len(exp.records), len(exp.issues)))


# ============================================================== workbooks ==

def b01_months_as_columns():
    """Volunteers; months as columns under two measures; year only in the title."""
    name = "b01_months_as_columns.xlsx"
    exp = Expect(name, "volunteers", "3",
                 "1月|2月|3月 under 志愿者人数 and 服务时长, year only in the title 2024年一季度; "
                 "a 合计 column and a 合计 row; 填报日期 in April")
    book = XlsxBook(name)
    sh = book.sheet("一季度")
    sh.merge(1, 1, 1, 10, "2024年一季度北干街道各社区志愿服务情况统计表", "title")
    sh.height(1, 30)
    sh.put(2, 1, "填报单位：北干街道社会事务办公室", "subtitle")
    sh.put(2, 7, "填报日期：2024年4月8日", "subtitle")
    sh.merge(3, 1, 4, 1, "序号", "header")
    sh.merge(3, 2, 4, 2, "社区", "header")
    sh.merge(3, 3, 3, 5, "志愿者人数（人）", "header")
    sh.merge(3, 6, 3, 9, "服务时长（小时）", "header")
    sh.merge(3, 10, 4, 10, "备注", "header")
    header_row(sh, 4, 3, ["1月", "2月", "3月", "1月", "2月", "3月", "合计"])
    rows = [
        ["天悦社区", 120, 126, 131, 360, 410, 455, ""],
        ["育才东苑社区", 85, 85, 90, 240, 255, 300.5, "3月新组建助老队1支"],
    ]
    measures = ["volunteers"] * 3 + ["service_hours"] * 3
    months = ["2024-01", "2024-02", "2024-03"] * 2
    for i, (area, *nums, remark) in enumerate(rows):
        r = 5 + i
        sh.put(r, 1, i + 1)
        sh.put(r, 2, area, "label")
        for j, (raw, measure, period) in enumerate(zip(nums, measures, months)):
            sh.put(r, 3 + j, raw)
            exp.rec(sh, r, 3 + j, area, "", period, measure, raw)
        sh.put(r, 9, sum(nums[3:6]))           # quarter total of hours: not loaded
        sh.put(r, 10, remark, "label")
    sh.merge(7, 1, 7, 2, "合计", "total")
    col_totals = [sum(row[1 + j] for row in rows) for j in range(6)]
    for j, total in enumerate(col_totals + [sum(col_totals[3:6])]):
        sh.put(7, 3 + j, total, "total")
    sh.put(7, 10, None, "total")
    sh.merge(9, 1, 9, 10, "注：志愿者人数为各月末在册人数；服务时长以“志愿汇”平台记录为准。", "note")
    sh.put(10, 1, "填报人：陈晓燕        审核人：周建华        联系电话：0571-82xxxx01", "subtitle")
    widths(sh, 6, 16, 9, 9, 9, 9, 9, 9, 9, 22)
    finish(book, exp)


def b02_year_in_file_name():
    """Childcare; sheets 1月 … 6月, the year only in the file name."""
    name = "b02_2024年上半年托育统计.xlsx"
    exp = Expect(name, "childcare", "3",
                 "sheets 1月…6月 with the year only in the file name; each sheet has a "
                 "填报日期 of the following month; 完成比例 column and 合计 row not loaded")
    book = XlsxBook(name)
    targets = {"北干街道": (120, 70), "城厢街道": (100, 60), "新塘街道": (80, 50)}
    added = {
        "北干街道": [(10, 6), (18, 10), (35, 20), (52, 30), (70, 41), (88, 52)],
        "城厢街道": [(8, 5), (8, 5), (26, 15), (40, 24), (55, 33), (72, 44)],
        "新塘街道": [(0, 0), (6, 4), (12, 8), (20, 12), (31, 18), (45, 27)],
    }
    measures = ["slots_target", "inclusive_slots_target", "slots_added",
                "inclusive_slots_added"]
    for m in range(1, 7):
        sh = book.sheet(f"{m}月")
        period = f"2024-{m:02d}"
        sh.merge(1, 1, 1, 8, "各街道托育服务工作推进情况表", "title")
        sh.put(2, 1, "填报单位：区卫生健康局（盖章）", "subtitle")
        sh.put(2, 6, f"填报日期：2024年{m + 1}月5日", "subtitle")
        header_row(sh, 3, 1, ["序号", "街道", "计划新增托位（个）", "计划新增普惠托位（个）",
                              "已完成新增托位（个）", "完成普惠托位（个）", "完成比例", "备注"])
        sh.height(3, 32)
        body = []
        for i, (street, (target, inclusive)) in enumerate(targets.items()):
            r = 4 + i
            done, done_inclusive = added[street][m - 1]
            nums = [target, inclusive, done, done_inclusive]
            body.append(nums)
            sh.put(r, 1, i + 1)
            sh.put(r, 2, street, "label")
            for j, (raw, measure) in enumerate(zip(nums, measures)):
                sh.put(r, 3 + j, raw)
                exp.rec(sh, r, 3 + j, street, "", period, measure, raw)
            sh.put(r, 7, round(done / target, 3), number_format="0.0%")
            sh.put(r, 8, "", "label")
        r = 4 + len(targets)
        sh.merge(r, 1, r, 2, "合计", "total")
        totals = [sum(col) for col in zip(*body)]
        for j, t in enumerate(totals):
            sh.put(r, 3 + j, t, "total")
        sh.put(r, 7, round(totals[2] / totals[0], 3), "total", number_format="0.0%")
        sh.put(r, 8, None, "total")
        sh.put(r + 2, 1, "说明：托位数均为截至当月底累计数，完成比例＝已完成新增托位÷计划新增托位。", "note")
        widths(sh, 6, 12, 12, 14, 14, 12, 10, 14)
    finish(book, exp)


def b03_fill_date_not_period():
    """Partners; period in the title, a 填报日期 line of the next month."""
    name = "b03_填报日期_not_period.xlsx"
    exp = Expect(name, "partners", "3",
                 "title （2024年5月）; 填报日期：2024年6月5日 is not the period; "
                 "10余 and 约30 qualifiers, full-width １２, 序号/备注 columns")
    book = XlsxBook(name)
    sh = book.sheet("Sheet1")
    sh.merge(1, 1, 1, 7, "北干街道社区合伙人情况统计表（2024年5月）", "title")
    sh.merge(2, 1, 2, 4, "填报单位：北干街道社区服务办公室", "subtitle")
    sh.merge(2, 5, 2, 7, "填报日期：2024年6月5日", "subtitle")
    header_row(sh, 3, 1, ["序号", "社区名称", "居民合伙人（名）", "团体合伙人（家）",
                          "合伙人项目（个）", "社会组织（家）", "备注"])
    period = "2024-05"
    measures = ["resident_partners", "group_partners", "partner_projects",
                "social_organisations"]
    rows = [
        ["天悦社区", 20, 35, 18, "１２", "含驻区学校3所"],
        ["育才东苑社区", 15, 22, "10余", "约30", ""],
    ]
    for i, (area, *nums, remark) in enumerate(rows):
        r = 4 + i
        sh.put(r, 1, i + 1)
        sh.put(r, 2, area, "label")
        for j, (raw, measure) in enumerate(zip(nums, measures)):
            sh.put(r, 3 + j, raw)
            exp.rec(sh, r, 3 + j, area, "", period, measure, raw)
        sh.put(r, 7, remark, "label")
    sh.put(7, 1, "填报人：王丽          审核人：沈国强          联系电话：82xxxx36", "subtitle")
    widths(sh, 6, 16, 14, 14, 14, 14, 18)
    finish(book, exp)


def b04_single_area_indicator():
    """Partners; one community, an indicator table, a real date cell for 填报日期."""
    name = "b04_天悦社区2024年5月合伙人情况.xlsx"
    exp = Expect(name, "partners", "3,4",
                 "title names one area and the month; indicator rows 项目|计量单位|本期数; "
                 "填报日期 is a real Excel date in June")
    book = XlsxBook(name)
    sh = book.sheet("Sheet1")
    sh.merge(1, 1, 1, 4, "天悦社区2024年5月合伙人情况", "title")
    sh.put(2, 1, "填报日期：", "subtitle")
    sh.put(2, 2, dt.datetime(2024, 6, 3), "subtitle", number_format="yyyy-mm-dd")
    header_row(sh, 3, 1, ["项目", "计量单位", "本期数", "备注"])
    area, period = "天悦社区", "2024-05"
    rows = [
        ("居民合伙人", "名", 20, "2023年5月启动时10名"),
        ("团体合伙人", "家", 35, "含企业、社会组织、学校"),
        ("合伙人项目", "项", "20余", ""),
        ("社会组织", "家", 34, ""),
    ]
    measures = ["resident_partners", "group_partners", "partner_projects",
                "social_organisations"]
    for i, ((label, unit, raw, remark), measure) in enumerate(zip(rows, measures)):
        r = 4 + i
        sh.put(r, 1, label, "label")
        sh.put(r, 2, unit)
        sh.put(r, 3, raw)
        sh.put(r, 4, remark, "label")
        exp.rec(sh, r, 3, area, "", period, measure, raw)
    sh.put(9, 1, "填报人：天悦社区 李敏", "subtitle")
    widths(sh, 16, 10, 10, 26)
    finish(book, exp)


def b05_indicator_district_xls():
    """Childcare; the district's indicator table with 其中：普惠 and ratio rows."""
    name = "b05_indicator_childcare_district.xls"
    exp = Expect(name, "childcare", "4,3",
                 "legacy xls; 项目|计量单位|本期数|备注 with 其中：普惠 under target and under added; "
                 "完成比例 and 1:3 ratio rows load nothing; 截至2023年9月底")
    book = XlsBook(name)
    sh = book.sheet("托育")
    sh.merge(1, 1, 1, 4, "萧山区2023年托育服务工作进展情况", "title")
    sh.merge(2, 1, 2, 4, "（截至2023年9月底）", "subtitle")
    header_row(sh, 3, 1, ["项目", "计量单位", "本期数", "备注"])
    area, period = "萧山区", "2023-09"
    rows = [
        ("计划新增托位", "个", 600, "全年目标", "slots_target"),
        ("  其中：普惠", "个", 360, "", "inclusive_slots_target"),
        ("已完成新增托位", "个", 923, "", "slots_added"),
        ("  其中：普惠", "个", 568, "", "inclusive_slots_added"),
        ("新增托位完成比例", "%", "153.8%", "", None),
        ("普惠托位完成比例", "%", "157.8%", "", None),
        ("婴幼儿成长驿站", "个", 40, "2023年新建", "growth_stations"),
        ("乳儿班保育人员与婴幼儿比例", "—", "1:3", "按省标准", None),
    ]
    for i, (label, unit, raw, remark, measure) in enumerate(rows):
        r = 4 + i
        sh.put(r, 1, label, "label")
        sh.put(r, 2, unit)
        sh.put(r, 3, raw)
        sh.put(r, 4, remark, "label")
        if measure:
            exp.rec(sh, r, 3, area, "", period, measure, raw)
    sh.put(13, 1, "注：完成比例＝已完成数÷计划数。", "note")
    sh.put(14, 1, "报送单位：区卫生健康局    报送日期：2023年10月10日", "subtitle")
    widths(sh, 28, 10, 12, 16)
    finish(book, exp)


def b06_indicator_by_street():
    """Partners; indicators as rows, one column per street, a 合计 column."""
    name = "b06_indicator_by_street.xlsx"
    exp = Expect(name, "partners", "4",
                 "指标|计量单位|城厢街道|宁围街道|北干街道|合计; 宁围街道 is not in the reference "
                 "(kept as written, a warning only); a 完成比例 row")
    book = XlsxBook(name)
    sh = book.sheet("6月")
    sh.merge(1, 1, 1, 6, "2024年6月各街道社区合伙人工作情况汇总表", "title")
    sh.put(2, 1, "制表单位：区民政局基层政权科", "subtitle")
    streets = ["城厢街道", "宁围街道", "北干街道"]
    header_row(sh, 3, 1, ["指标", "计量单位"] + streets + ["合计"])
    period = "2024-06"
    rows = [
        ("居民合伙人", "人", [48, 36, 52], "resident_partners"),
        ("团体合伙人", "个", [30, 25, 41], "group_partners"),
        ("合伙人项目", "项", [22, 18, 27], "partner_projects"),
        ("社会组织", "家", [34, 21, 29], "social_organisations"),
    ]
    for i, (label, unit, nums, measure) in enumerate(rows):
        r = 4 + i
        sh.put(r, 1, label, "label")
        sh.put(r, 2, unit)
        for j, raw in enumerate(nums):
            sh.put(r, 3 + j, raw)
            exp.rec(sh, r, 3 + j, streets[j], "", period, measure, raw)
        sh.put(r, 6, sum(nums), "total")
    r = 4 + len(rows)
    sh.put(r, 1, "年度目标完成比例", "label")
    sh.put(r, 2, "%")
    for j, ratio in enumerate([96.0, 90.0, 104.0, 97.1]):
        sh.put(r, 3 + j, ratio, "total" if j == 3 else "cell", number_format="0.0")
    sh.merge(r + 2, 1, r + 2, 6, "注：合伙人、项目数为截至月底在册数；社会组织含备案类社区社会组织。", "note")
    widths(sh, 18, 10, 12, 12, 12, 10)
    finish(book, exp)


def b07_indicator_childcare_by_street_xls():
    """Childcare; legacy xls, indicators as rows, one column per street."""
    name = "b07_indicator_childcare_by_street.xls"
    exp = Expect(name, "childcare", "4",
                 "legacy xls; 指标 rows × street columns, two 其中：普惠 rows, a — cell, "
                 "a 完成比例（%） row; 截至2024年10月底 in the title")
    book = XlsBook(name)
    sh = book.sheet("Sheet1")
    streets = ["北干街道", "城厢街道", "新塘街道", "南阳街道"]
    sh.merge(1, 1, 1, 5, "截至2024年10月底各街道托育服务工作进度", "title")
    sh.put(2, 5, "单位：个", "subtitle")
    header_row(sh, 3, 1, ["指标"] + streets)
    period = "2024-10"
    rows = [
        ("计划新增托位", [120, 100, 80, 90], "slots_target"),
        ("其中：普惠", [70, 60, 50, 50], "inclusive_slots_target"),
        ("已完成新增托位", [96, 110, 64, 45], "slots_added"),
        ("其中：普惠", [60, 62, 38, "—"], "inclusive_slots_added"),
        ("完成比例（%）", [80.0, 110.0, 80.0, 50.0], None),
    ]
    for i, (label, nums, measure) in enumerate(rows):
        r = 4 + i
        sh.put(r, 1, label, "label")
        for j, raw in enumerate(nums):
            sh.put(r, 2 + j, raw)
            if measure:
                exp.rec(sh, r, 2 + j, streets[j], "", period, measure, raw)
    sh.put(10, 1, "备注：南阳街道普惠托位认定尚未完成，暂不填报。", "note")
    widths(sh, 18, 12, 12, 12, 12)
    finish(book, exp)


def b08_two_tables_one_sheet():
    """Partners; two blocks on one sheet, each with its month, columns reordered."""
    name = "b08_two_tables_one_sheet.xlsx"
    exp = Expect(name, "partners", "5",
                 "一、…（2024年3月） and 二、…（2024年4月） blocks on one sheet, the second with "
                 "columns in another order; 小计 rows; a text-only 填表说明 sheet")
    book = XlsxBook(name)
    sh = book.sheet("合伙人")
    sh.merge(1, 1, 1, 6, "城厢街道社区合伙人情况", "title")
    blocks = [
        (2, "一、城厢街道社区合伙人情况（2024年3月）", "2024-03",
         ["居民合伙人", "团体合伙人", "合伙人项目"],
         ["resident_partners", "group_partners", "partner_projects"],
         [["工人路社区", 18, 10, 20], ["湘湖社区", 25, 14, 16]]),
        (10, "二、城厢街道社区合伙人情况（2024年4月）", "2024-04",
         ["合伙人项目", "团体合伙人", "居民合伙人"],
         ["partner_projects", "group_partners", "resident_partners"],
         [["湘湖社区", 17, 15, 27], ["工人路社区", 22, 11, 18]]),
    ]
    for top, title, period, heads, measures, rows in blocks:
        sh.merge(top, 1, top, 6, title, "section")
        header_row(sh, top + 1, 1, ["序号", "社区"] + heads + ["备注"])
        for i, (area, *nums) in enumerate(rows):
            r = top + 2 + i
            sh.put(r, 1, i + 1)
            sh.put(r, 2, area, "label")
            for j, (raw, measure) in enumerate(zip(nums, measures)):
                sh.put(r, 3 + j, raw)
                exp.rec(sh, r, 3 + j, area, "", period, measure, raw)
            sh.put(r, 6, None, "label")
        r = top + 2 + len(rows)
        sh.merge(r, 1, r, 2, "小计", "total")
        for j, t in enumerate(column_sums(rows, 1)):
            sh.put(r, 3 + j, t, "total")
        sh.put(r, 6, None, "total")
    sh.put(17, 1, "注：4月起湘湖社区新增“湖畔议事”合伙人项目1项。", "note")
    widths(sh, 6, 14, 12, 12, 12, 16)
    info = book.sheet("填表说明")
    lines = [
        "填表说明",
        "1. 居民合伙人：以个人身份签约加入社区合伙人计划的居民，按截至月底在册人数填报。",
        "2. 团体合伙人：签约的企业、社会组织、学校等单位，按截至月底在册数填报。",
        "3. 合伙人项目：由合伙人牵头、已立项实施的项目数。",
        "4. 每月5日前报街道社区办，数据请勿填写文字。",
    ]
    for i, line in enumerate(lines):
        info.put(1 + i, 1, line, "section" if i == 0 else "note")
    info.width(1, 80)
    finish(book, exp)


def b09_hidden_and_blank_sheets():
    """Volunteers; a data sheet plus a hidden draft, an empty form and instructions."""
    name = "b09_hidden_and_blank_sheets.xlsx"
    exp = Expect(name, "volunteers", "5",
                 "one data sheet with groups; a hidden sheet holding an old draft, an empty form "
                 "sheet and a 填表说明 sheet load nothing; 70余, 200余, 无")
    book = XlsxBook(name)
    sh = book.sheet("5月")
    sh.merge(1, 1, 1, 7, "新街街道2024年5月志愿服务队伍情况", "title")
    heads = ["序号", "队伍名称", "所属社区", "团队人数（人）", "服务时长（小时）", "服务人次", "备注"]
    header_row(sh, 2, 1, heads)
    period = "2024-05"
    measures = ["volunteers", "service_hours", "people_served"]
    rows = [
        ["红马甲志愿服务队", "新街社区", 39, 120, "200余", "职工宣讲"],
        ["春之歌艺术团", "新街社区", "70余", 86, 1200, "平均年龄65岁，节目13个"],
        ["邻里帮帮团", "新街社区", 16, 32.5, "无", "本月以入户走访为主"],
    ]
    for i, (group, area, *nums, remark) in enumerate(rows):
        r = 3 + i
        sh.put(r, 1, i + 1)
        sh.put(r, 2, group, "label")
        sh.put(r, 3, area, "label")
        for j, (raw, measure) in enumerate(zip(nums, measures)):
            sh.put(r, 4 + j, raw)
            exp.rec(sh, r, 4 + j, area, group, period, measure, raw)
        sh.put(r, 7, remark, "label")
    sh.put(7, 1, "填报人：新街社区 徐红     联系电话：13xxxxxxx21", "subtitle")
    widths(sh, 6, 20, 12, 14, 16, 10, 24)

    draft = book.sheet("Sheet2")            # an April draft someone hid: not data
    draft.ws.sheet_state = "hidden"
    draft.put(1, 1, "新街街道2024年4月志愿服务队伍情况（草稿）", "title")
    header_row(draft, 2, 1, heads)
    for i, row in enumerate([["红马甲志愿服务队", "新街社区", 35, 100, 180, ""],
                             ["春之歌艺术团", "新街社区", 68, 70, 900, ""]]):
        draft.put(3 + i, 1, i + 1)
        for j, raw in enumerate(row):
            draft.put(3 + i, 2 + j, raw)

    form = book.sheet("空表")                # the blank form as the street sent it
    form.merge(1, 1, 1, 7, "新街街道    年  月志愿服务队伍情况", "title")
    header_row(form, 2, 1, heads)
    for r in range(3, 8):
        for c in range(1, 8):
            form.put(r, c, None)
    widths(form, 6, 20, 12, 14, 16, 10, 24)

    info = book.sheet("填表说明")
    for i, line in enumerate(["填表说明：",
                              "一、团队人数填报截至月底在册志愿者人数。",
                              "二、服务时长以小时计，保留一位小数。",
                              "三、服务人次指本月服务对象人次。"]):
        info.put(1 + i, 1, line, "note")
    info.width(1, 60)
    finish(book, exp)


def b10_stacked_months_xls():
    """Volunteers; legacy xls, two month blocks on one sheet with groups."""
    name = "b10_stacked_months.xls"
    exp = Expect(name, "volunteers", "5",
                 "legacy xls; 一、…（2023年11月） and 二、…（2023年12月） blocks with 小计 rows; "
                 "the second block swaps the area/group and measure columns")
    book = XlsBook(name)
    sh = book.sheet("志愿服务")
    sh.merge(1, 1, 1, 4, "盈丰街道志愿服务队伍月报", "title")
    # block 1: 社区 | 队伍名称 | 志愿者人数 | 服务时长（小时）
    sh.merge(3, 1, 3, 4, "一、志愿服务队伍情况（2023年11月）", "section")
    header_row(sh, 4, 1, ["社区", "队伍名称", "志愿者人数", "服务时长（小时）"])
    b1 = [["盈二社区", "盈二先锋志愿队", 45, 180], ["盈二社区", "银龄互助队", 28, 96]]
    for i, (area, group, vol, hours) in enumerate(b1):
        r = 5 + i
        sh.put(r, 1, area, "label")
        sh.put(r, 2, group, "label")
        sh.put(r, 3, vol)
        sh.put(r, 4, hours)
        exp.rec(sh, r, 3, area, group, "2023-11", "volunteers", vol)
        exp.rec(sh, r, 4, area, group, "2023-11", "service_hours", hours)
    sh.merge(7, 1, 7, 2, "小计", "total")
    sh.put(7, 3, sum(r[2] for r in b1), "total")
    sh.put(7, 4, sum(r[3] for r in b1), "total")
    # block 2: 队伍名称 | 社区 | 服务时长（小时） | 志愿者人数
    sh.merge(10, 1, 10, 4, "二、志愿服务队伍情况（2023年12月）", "section")
    header_row(sh, 11, 1, ["队伍名称", "社区", "服务时长（小时）", "志愿者人数"])
    b2 = [["盈二先锋志愿队", "盈二社区", 210, 47], ["银龄互助队", "盈二社区", 88, 28]]
    for i, (group, area, hours, vol) in enumerate(b2):
        r = 12 + i
        sh.put(r, 1, group, "label")
        sh.put(r, 2, area, "label")
        sh.put(r, 3, hours)
        sh.put(r, 4, vol)
        exp.rec(sh, r, 3, area, group, "2023-12", "service_hours", hours)
        exp.rec(sh, r, 4, area, group, "2023-12", "volunteers", vol)
    sh.merge(14, 1, 14, 2, "小计", "total")
    sh.put(14, 3, sum(r[2] for r in b2), "total")
    sh.put(14, 4, sum(r[3] for r in b2), "total")
    sh.put(16, 1, "注：12月先锋志愿队新招募志愿者2名。", "note")
    widths(sh, 16, 18, 14, 18)
    finish(book, exp)


def b11_month_formats():
    """Partners; one community's monthly series, the 月份 column in five styles."""
    name = "b11_month_formats.xlsx"
    exp = Expect(name, "partners", "9",
                 "月份 written as text 2023.05, 2023年6月份, 23年7月, 2023/8/31 and as a real "
                 "Excel date; area from the sheet name and title")
    book = XlsxBook(name)
    sh = book.sheet("天悦社区")
    sh.merge(1, 1, 1, 5, "天悦社区合伙人发展情况（按月）", "title")
    header_row(sh, 2, 1, ["月份", "居民合伙人", "团体合伙人", "合伙人项目", "备注"])
    area = "天悦社区"
    measures = ["resident_partners", "group_partners", "partner_projects"]
    rows = [
        ("2023.05", None, "2023-05", [10, 22, 5], "5月13日启动招募"),
        ("2023年6月份", None, "2023-06", [12, 25, 8], ""),
        ("23年7月", None, "2023-07", [15, 28, 10], ""),
        ("2023/8/31", None, "2023-08", [18, 32, 12], ""),
        (dt.datetime(2023, 9, 30), "yyyy\"年\"m\"月\"", "2023-09", [20, 35, 15], "四个月回顾"),
    ]
    for i, (month, fmt, period, nums, remark) in enumerate(rows):
        r = 3 + i
        sh.put(r, 1, month, number_format=fmt)
        for j, (raw, measure) in enumerate(zip(nums, measures)):
            sh.put(r, 2 + j, raw)
            exp.rec(sh, r, 2 + j, area, "", period, measure, raw)
        sh.put(r, 5, remark, "label")
    sh.put(9, 1, "注：各月数据为月末在册数，由社区党群服务中心统计。", "note")
    widths(sh, 14, 12, 12, 12, 18)
    finish(book, exp)


def b12_excel_date_cells():
    """Volunteers; real Excel dates in 统计月份; street and community columns."""
    name = "b12_excel_date_cells.xlsx"
    exp = Expect(name, "volunteers", "9",
                 "统计月份 holds real Excel dates (first and last day of a month) shown as yyyy年m月; "
                 "所属街道 and 社区 columns: the community is the area; 志愿队伍 is the group")
    book = XlsxBook(name)
    sh = book.sheet("Sheet1")
    sh.merge(1, 1, 1, 7, "城厢街道志愿服务队伍月度统计", "title")
    header_row(sh, 2, 1, ["统计月份", "所属街道", "社区", "志愿队伍", "志愿者人数",
                          "服务时长（小时）", "受益人数"])
    measures = ["volunteers", "service_hours", "people_served"]
    rows = [
        (dt.datetime(2024, 3, 1), "2024-03", "工人路社区", "工人路职工宣讲团", [39, 52, 230]),
        (dt.datetime(2024, 3, 1), "2024-03", "湘湖社区", "湘湖护河志愿队", [26, 78, 0]),
        (dt.datetime(2024, 4, 30), "2024-04", "工人路社区", "工人路职工宣讲团", [41, 60, 260]),
        (dt.datetime(2024, 4, 30), "2024-04", "湘湖社区", "湘湖护河志愿队", [26, 84, 150]),
    ]
    for i, (day, period, area, group, nums) in enumerate(rows):
        r = 3 + i
        sh.put(r, 1, day, number_format="yyyy\"年\"m\"月\"")
        sh.put(r, 2, "城厢街道", "label")
        sh.put(r, 3, area, "label")
        sh.put(r, 4, group, "label")
        for j, (raw, measure) in enumerate(zip(nums, measures)):
            sh.put(r, 5 + j, raw)
            exp.rec(sh, r, 5 + j, area, group, period, measure, raw)
    sh.put(8, 1, "注：护河队3月以巡河为主，无直接服务对象。", "note")
    widths(sh, 12, 12, 12, 20, 12, 16, 10)
    finish(book, exp)


def b13_chinese_month_names():
    """Childcare; 一月 … 四月 in the 月份 column, year and area in the title."""
    name = "b13_chinese_month_names.xlsx"
    exp = Expect(name, "childcare", "9,3",
                 "月份 written 一月…四月 with the year 2025 and the street only in the title; "
                 "0 stations in 一月 is a value")
    book = XlsxBook(name)
    sh = book.sheet("2025")
    sh.merge(1, 1, 1, 6, "南阳街道2025年托育服务工作月报", "title")
    sh.put(2, 1, "填报单位：南阳街道社区卫生服务中心", "subtitle")
    header_row(sh, 3, 1, ["月份", "计划新增托位", "计划新增普惠托位", "已完成新增托位",
                          "完成普惠托位", "婴幼儿成长驿站（个）"])
    sh.height(3, 32)
    area = "南阳街道"
    measures = ["slots_target", "inclusive_slots_target", "slots_added",
                "inclusive_slots_added", "growth_stations"]
    rows = [
        ("一月", "2025-01", [90, 50, 5, 3, 0]),
        ("二月", "2025-02", [90, 50, 12, 8, 1]),
        ("三月", "2025-03", [90, 50, 20, 12, 2]),
        ("四月", "2025-04", [90, 50, 31, 19, 3]),
    ]
    for i, (month, period, nums) in enumerate(rows):
        r = 4 + i
        sh.put(r, 1, month)
        for j, (raw, measure) in enumerate(zip(nums, measures)):
            sh.put(r, 2 + j, raw)
            exp.rec(sh, r, 2 + j, area, "", period, measure, raw)
    sh.put(9, 1, "注：计划数为2025年全年目标。", "note")
    widths(sh, 10, 14, 16, 14, 14, 18)
    finish(book, exp)


def b14_quarter_and_range_in_month_column():
    """Partners; a quarter and a range in the 月份 column are errors at that cell."""
    name = "b14_quarter_in_month_column.xlsx"
    exp = Expect(name, "partners", "9",
                 "月份 column with 2024年1月…; the rows 一季度 and 4-6月 are bad_period at the "
                 "month cell and load nothing")
    book = XlsxBook(name)
    sh = book.sheet("盈二社区")
    sh.merge(1, 1, 1, 4, "盈二社区合伙人情况登记表", "title")
    header_row(sh, 2, 1, ["月份", "居民合伙人（人）", "团体合伙人（个）", "合伙人项目（项）"])
    area = "盈二社区"
    measures = ["resident_partners", "group_partners", "partner_projects"]
    rows = [
        ("2024年1月", "2024-01", [8, 5, 3]),
        ("2024年2月", "2024-02", [9, 5, 4]),
        ("一季度", None, [9, 6, 4]),
        ("2024年4月", "2024-04", [11, 6, 4]),
        ("2024年5月", "2024-05", [12, 7, 5]),
        ("4-6月", None, [12, 7, 6]),
    ]
    for i, (month, period, nums) in enumerate(rows):
        r = 3 + i
        sh.put(r, 1, month)
        for j, (raw, measure) in enumerate(zip(nums, measures)):
            sh.put(r, 2 + j, raw)
            if period:
                exp.rec(sh, r, 2 + j, area, "", period, measure, raw)
        if period is None:
            exp.issue(sh, r, 1, "bad_period")
    widths(sh, 12, 16, 16, 16)
    finish(book, exp)


def b15_future_period():
    """Volunteers; one row dated 2031年5月 (typing slip): bad_period, row loads nothing."""
    name = "b15_future_period.xlsx"
    exp = Expect(name, "volunteers", "9",
                 "月份 2024年4月, 2024年5月 and a slip 2031年5月 (future): bad_period at that "
                 "cell, its row loads nothing")
    book = XlsxBook(name)
    sh = book.sheet("北干街道")
    sh.merge(1, 1, 1, 6, "北干街道志愿服务情况月报表", "title")
    header_row(sh, 2, 1, ["月份", "社区", "志愿队伍", "参与人数", "服务时长（小时）", "服务人次"])
    measures = ["volunteers", "service_hours", "people_served"]
    rows = [
        ("2024年4月", "2024-04", "天悦社区", "天悦邻里志愿队", [32, 96, 410]),
        ("2024年4月", "2024-04", "育才东苑社区", "东苑银发先锋队", [18, 54, 120]),
        ("2024年5月", "2024-05", "天悦社区", "天悦邻里志愿队", [35, 110, "约500"]),
        ("2024年5月", "2024-05", "育才东苑社区", "东苑银发先锋队", [18, 60, 135]),
        ("2031年5月", None, "天悦社区", "天悦邻里志愿队", [36, 120, 520]),
    ]
    for i, (month, period, area, group, nums) in enumerate(rows):
        r = 3 + i
        sh.put(r, 1, month)
        sh.put(r, 2, area, "label")
        sh.put(r, 3, group, "label")
        for j, (raw, measure) in enumerate(zip(nums, measures)):
            sh.put(r, 4 + j, raw)
            if period:
                exp.rec(sh, r, 4 + j, area, group, period, measure, raw)
        if period is None:
            exp.issue(sh, r, 1, "bad_period")
    widths(sh, 12, 14, 18, 10, 16, 10)
    finish(book, exp)


def b16_gbk_partners_csv():
    """Partners; GBK CSV export with title, 填报日期, 序号/备注, 合计 row and a note."""
    name = "b16_gbk_partners.csv"
    exp = Expect(name, "partners", "3",
                 "GBK CSV with a title line (2024年9月), a 填报日期 line of October, 序号/备注, "
                 "a 合计 row, full-width ２５ and a note line")
    sh = CsvSheet(name, "gbk")
    sh.put(1, 1, "2024年9月北干街道社区合伙人统计表")
    sh.put(2, 1, "填报单位：北干街道")
    sh.put(2, 5, "填报日期：2024年10月8日")
    header_row(sh, 3, 1, ["序号", "社区", "居民合伙人（人）", "团体合伙人（个）",
                          "合伙人项目（项）", "备注"])
    period = "2024-09"
    measures = ["resident_partners", "group_partners", "partner_projects"]
    rows = [
        ["天悦社区", 24, 38, 21, ""],
        ["育才东苑社区", 16, "２５", 12, "新增共建单位3家"],
    ]
    for i, (area, *nums, remark) in enumerate(rows):
        r = 4 + i
        sh.put(r, 1, i + 1)
        sh.put(r, 2, area)
        for j, (raw, measure) in enumerate(zip(nums, measures)):
            sh.put(r, 3 + j, raw)
            exp.rec(sh, r, 3 + j, area, "", period, measure, raw)
        sh.put(r, 6, remark)
    sh.put(6, 1, "合计")
    sh.put(6, 3, 24 + 16)
    sh.put(6, 4, 38 + 25)
    sh.put(6, 5, 21 + 12)
    sh.put(8, 1, "注：本表由街道社区办汇总，数据截至9月30日。")
    finish(sh, exp)


def b17_gbk_volunteers_month_formats_csv():
    """Volunteers; GBK CSV with the 月份 column in four styles."""
    name = "b17_gbk_volunteer_months.csv"
    exp = Expect(name, "volunteers", "9",
                 "GBK CSV; 月份 written 2023年10月份, 2023.11, 23年12月, 2024/1/31; groups; "
                 "a — and a blank cell give no record")
    sh = CsvSheet(name, "gbk")
    header_row(sh, 1, 1, ["月份", "村社", "队伍名称", "志愿者人数", "服务时长（小时）",
                          "服务人次", "备注"])
    measures = ["volunteers", "service_hours", "people_served"]
    rows = [
        ("2023年10月份", "2023-10", "赭东村", "赭东乡贤志愿队", [18, 40, "约300"], ""),
        ("2023年10月份", "2023-10", "盈二社区", "盈二先锋志愿队", [45, 176, 520], ""),
        ("2023.11", "2023-11", "赭东村", "赭东乡贤志愿队", [19, 36, "—"], "统计中"),
        ("2023.11", "2023-11", "盈二社区", "盈二先锋志愿队", [45, 180, 560], ""),
        ("23年12月", "2023-12", "赭东村", "赭东乡贤志愿队", [19, 52, 340], ""),
        ("23年12月", "2023-12", "盈二社区", "盈二先锋志愿队", [47, 210, ""], "未报"),
        ("2024/1/31", "2024-01", "赭东村", "赭东乡贤志愿队", [20, 48, 310], ""),
        ("2024/1/31", "2024-01", "盈二社区", "盈二先锋志愿队", [47, 195, 600], ""),
    ]
    for i, (month, period, area, group, nums, remark) in enumerate(rows):
        r = 2 + i
        sh.put(r, 1, month)
        sh.put(r, 2, area)
        sh.put(r, 3, group)
        for j, (raw, measure) in enumerate(zip(nums, measures)):
            sh.put(r, 4 + j, raw)
            exp.rec(sh, r, 4 + j, area, group, period, measure, raw)
        sh.put(r, 7, remark)
    finish(sh, exp)


def b18_gb18030_indicator_csv():
    """Childcare; GB18030 CSV, one community's indicator table."""
    name = "b18_gb18030_childcare.csv"
    exp = Expect(name, "childcare", "4,3",
                 "GB18030 CSV (the 填报人 name needs a 4-byte GB18030 character); "
                 "项目|计量单位|本期数 with 其中：普惠 rows and a 完成比例 row; 填报日期 in September")
    sh = CsvSheet(name, "gb18030")
    sh.put(1, 1, "湘湖社区2024年8月托育服务情况")
    sh.put(2, 1, "填报人：李\U0002CB5A")
    sh.put(2, 3, "填报日期：2024年9月2日")
    header_row(sh, 3, 1, ["项目", "计量单位", "本期数", "备注"])
    area, period = "湘湖社区", "2024-08"
    rows = [
        ("计划新增托位", "个", 30, "", "slots_target"),
        ("其中：普惠", "个", 20, "", "inclusive_slots_target"),
        ("已完成新增托位", "个", 24, "", "slots_added"),
        ("其中：普惠", "个", 15, "", "inclusive_slots_added"),
        ("完成比例", "%", 80.0, "", None),
        ("婴幼儿成长驿站", "个", 2, "湘湖、湖畔各1个", "growth_stations"),
    ]
    for i, (label, unit, raw, remark, measure) in enumerate(rows):
        r = 4 + i
        sh.put(r, 1, label)
        sh.put(r, 2, unit)
        sh.put(r, 3, raw)
        sh.put(r, 4, remark)
        if measure:
            exp.rec(sh, r, 3, area, "", period, measure, raw)
    finish(sh, exp)


def b19_qualifiers_xls():
    """Partners; legacy xls with 约30, 10余, 20多, —, 无 and 0."""
    name = "b19_qualifiers.xls"
    exp = Expect(name, "partners", "3",
                 "legacy xls; 2023年9月 in the title; 约30, 10余, 20余, 20多 qualifiers; — and 无 "
                 "give no record; 0 is a value; 单位合伙人 is group_partners")
    book = XlsBook(name)
    sh = book.sheet("9月")
    sh.merge(1, 1, 1, 7, "2023年9月社区合伙人工作情况汇总", "title")
    header_row(sh, 2, 1, ["序号", "社区", "居民合伙人", "单位合伙人", "合伙人项目",
                          "社会组织", "备注"])
    period = "2023-09"
    measures = ["resident_partners", "group_partners", "partner_projects",
                "social_organisations"]
    rows = [
        ["工人路社区", "约30", "10余", "20余", 34, "“工人有约”项目持续开展"],
        ["湘湖社区", "20多", 12, "—", "无", "项目正在梳理"],
        ["南阳社区", 6, 0, 0, 2, "9月新启动"],
    ]
    for i, (area, *nums, remark) in enumerate(rows):
        r = 3 + i
        sh.put(r, 1, i + 1)
        sh.put(r, 2, area, "label")
        for j, (raw, measure) in enumerate(zip(nums, measures)):
            sh.put(r, 3 + j, raw)
            exp.rec(sh, r, 3 + j, area, "", period, measure, raw)
        sh.put(r, 7, remark, "label")
    sh.put(7, 1, "说明：“—”表示暂无统计。", "note")
    widths(sh, 6, 14, 12, 12, 12, 10, 26)
    finish(book, exp)


def b20_period_in_sheet_name_xls():
    """Volunteers; legacy xls, month only in the sheet name, street merged down."""
    name = "b20_street_and_community.xls"
    exp = Expect(name, "volunteers", "3",
                 "legacy xls; the period only in the sheet name 2024年7月; 所属街道 merged down "
                 "beside 社区 (community is the area); 捐赠金额（万元） ×10000; 0 values")
    book = XlsBook(name)
    sh = book.sheet("2024年7月")
    sh.merge(1, 1, 1, 8, "各街道志愿服务队伍情况统计表", "title")
    header_row(sh, 2, 1, ["序号", "所属街道", "社区", "队伍名称", "团队人数（人）",
                          "服务时长（小时）", "服务人次", "捐赠金额（万元）"])
    period = "2024-07"
    measures = ["volunteers", "service_hours", "people_served", "funds_yuan"]
    mults = {"funds_yuan": 10000}
    rows = [
        ("城厢街道", "工人路社区", "工人路职工宣讲团", [39, 60, "200余", "—"]),
        ("城厢街道", "湘湖社区", "湘湖护河志愿队", [26, 84, 150, 0.5]),
        ("南阳街道", "赭东村", "赭东乡贤志愿队", [18, 40, "约300", 1.2]),
        ("南阳街道", "南阳社区", "南阳巾帼志愿队", [22, 0, 0, "—"]),
    ]
    sh.merge(3, 2, 4, 2, "城厢街道", "cell")
    sh.merge(5, 2, 6, 2, "南阳街道", "cell")
    for i, (street, area, group, nums) in enumerate(rows):
        r = 3 + i
        sh.put(r, 1, i + 1)
        sh.put(r, 3, area, "label")
        sh.put(r, 4, group, "label")
        for j, (raw, measure) in enumerate(zip(nums, measures)):
            sh.put(r, 5 + j, raw)
            exp.rec(sh, r, 5 + j, area, group, period, measure, raw, mults.get(measure, 1))
    sh.put(8, 1, "注：捐赠金额含物资折价；南阳巾帼志愿队7月因高温暂停活动。", "note")
    widths(sh, 6, 12, 12, 20, 14, 16, 10, 16)
    finish(book, exp)


def b21_period_in_sheet_names():
    """Partners; one sheet per month named 2023年10月 …, no month in the titles."""
    name = "b21_month_sheets.xlsx"
    exp = Expect(name, "partners", "3",
                 "sheets 2023年10月, 2023年11月, 2023年12月 carry the period; title has none; "
                 "村（社区） column; 合计 rows")
    book = XlsxBook(name)
    measures = ["resident_partners", "group_partners", "partner_projects"]
    data = {
        "2023年10月": [["赭东村", 14, 9, 6], ["南阳社区", 11, 7, 5]],
        "2023年11月": [["赭东村", 16, 9, 7], ["南阳社区", 12, 8, 5]],
        "2023年12月": [["赭东村", 17, 10, 8], ["南阳社区", 15, 8, 6]],
    }
    for sheet_name, rows in data.items():
        sh = book.sheet(sheet_name)
        period = "2023-" + re.search(r"年(\d+)月", sheet_name).group(1).zfill(2)
        sh.merge(1, 1, 1, 5, "南阳街道村社合伙人情况统计表", "title")
        header_row(sh, 2, 1, ["序号", "村（社区）", "居民合伙人", "团体合伙人", "合伙人项目"])
        for i, (area, *nums) in enumerate(rows):
            r = 3 + i
            sh.put(r, 1, i + 1)
            sh.put(r, 2, area, "label")
            for j, (raw, measure) in enumerate(zip(nums, measures)):
                sh.put(r, 3 + j, raw)
                exp.rec(sh, r, 3 + j, area, "", period, measure, raw)
        r = 3 + len(rows)
        sh.merge(r, 1, r, 2, "合计", "total")
        for j, t in enumerate(column_sums(rows, 1)):
            sh.put(r, 3 + j, t, "total")
        widths(sh, 6, 14, 12, 12, 12)
    finish(book, exp)


def b22_indicator_units_column():
    """Volunteers; indicator table whose 计量单位 column says 万元 for the money row."""
    name = "b22_volunteer_indicators.xlsx"
    exp = Expect(name, "volunteers", "4,3",
                 "项目|计量单位|本期数 for one street in 2023年9月; 物资金额 in 万元 ×10000; "
                 "约5000; a 注册率 ratio row loads nothing")
    book = XlsxBook(name)
    sh = book.sheet("志愿服务")
    sh.merge(1, 1, 1, 4, "新塘街道2023年9月志愿服务工作情况", "title")
    sh.put(2, 1, "报送单位：新塘街道文体中心", "subtitle")
    sh.put(2, 3, "报送日期：2023年10月9日", "subtitle")
    header_row(sh, 3, 1, ["项目", "计量单位", "本期数", "备注"])
    area, period = "新塘街道", "2023-09"
    rows = [
        ("志愿者人数", "人", 1250, "", "volunteers", 1),
        ("服务时长", "小时", 3680.5, "", "service_hours", 1),
        ("服务人次", "人次", "约5000", "", "people_served", 1),
        ("物资金额", "万元", 30, "亚运志愿者保障物资", "funds_yuan", 10000),
        ("志愿者注册率", "%", 12.6, "占常住人口", None, 1),
    ]
    for i, (label, unit, raw, remark, measure, mult) in enumerate(rows):
        r = 4 + i
        sh.put(r, 1, label, "label")
        sh.put(r, 2, unit)
        sh.put(r, 3, raw)
        sh.put(r, 4, remark, "label")
        if measure:
            exp.rec(sh, r, 3, area, "", period, measure, raw, mult)
    widths(sh, 16, 10, 12, 22)
    finish(book, exp)


def b23_indicator_blocks_one_sheet():
    """Childcare; two indicator blocks on one sheet, different months and column order."""
    name = "b23_indicator_blocks.xlsx"
    exp = Expect(name, "childcare", "5,4",
                 "two indicator blocks 一、（2024年3月） 项目|计量单位|本期数 and 二、（2024年4月） "
                 "项目|本期数|计量单位; area 北干街道 from the sheet title")
    book = XlsxBook(name)
    sh = book.sheet("北干街道")
    sh.merge(1, 1, 1, 3, "北干街道托育服务工作进展", "title")
    area = "北干街道"
    labels = [("计划新增托位", "slots_target"), ("其中：普惠", "inclusive_slots_target"),
              ("已完成新增托位", "slots_added"), ("其中：普惠", "inclusive_slots_added"),
              ("完成比例", None), ("婴幼儿成长驿站", "growth_stations")]
    units = ["个", "个", "个", "个", "%", "个"]
    blocks = [
        (3, "一、2024年3月托育工作进展", "2024-03", ["项目", "计量单位", "本期数"],
         [120, 70, 35, 20, 29.2, 4]),
        (13, "二、2024年4月托育工作进展", "2024-04", ["项目", "本期数", "计量单位"],
         [120, 70, 52, 30, 43.3, 5]),
    ]
    for top, title, period, heads, values in blocks:
        sh.merge(top, 1, top, 3, title, "section")
        header_row(sh, top + 1, 1, heads)
        value_col = heads.index("本期数") + 1
        unit_col = heads.index("计量单位") + 1
        for i, ((label, measure), unit, raw) in enumerate(zip(labels, units, values)):
            r = top + 2 + i
            sh.put(r, 1, label, "label")
            sh.put(r, unit_col, unit)
            sh.put(r, value_col, raw)
            if measure:
                exp.rec(sh, r, value_col, area, "", period, measure, raw)
    sh.put(22, 1, "注：计划数为2024年全年目标，完成数为截至当月底累计数。", "note")
    widths(sh, 18, 12, 12)
    finish(book, exp)


def b24_measure_in_title_xls():
    """Childcare; legacy xls, months 7月…12月 as columns, measure and year in the title."""
    name = "b24_months_columns_measure_in_title.xls"
    exp = Expect(name, "childcare", "3",
                 "legacy xls; the measure 已完成新增托位 and the year 2023 only in the title; "
                 "7月…12月 as columns; 合计 row")
    book = XlsBook(name)
    sh = book.sheet("下半年")
    sh.merge(1, 1, 1, 7, "2023年下半年各街道已完成新增托位数（个）", "title")
    header_row(sh, 2, 1, ["街道", "7月", "8月", "9月", "10月", "11月", "12月"])
    rows = [
        ["北干街道", 210, 236, 251, 262, 270, 281],
        ["城厢街道", 188, 199, 230, 236, 240, 246],
        ["盈丰街道", 120, 128, 140, 150, 152, 160],
        ["新塘街道", 260, 282, 302, 310, 318, 330],
    ]
    for i, (street, *nums) in enumerate(rows):
        r = 3 + i
        sh.put(r, 1, street, "label")
        for j, raw in enumerate(nums):
            sh.put(r, 2 + j, raw)
            exp.rec(sh, r, 2 + j, street, "", f"2023-{7 + j:02d}", "slots_added", raw)
    r = 3 + len(rows)
    sh.put(r, 1, "合计", "total")
    for j, t in enumerate(column_sums(rows, 1)):
        sh.put(r, 2 + j, t, "total")
    sh.put(r + 2, 1, "注：为年内累计完成数。", "note")
    widths(sh, 12, 8, 8, 8, 8, 8, 8)
    finish(book, exp)


def b25_gbk_indicator_months_csv():
    """Partners; GBK CSV, indicators as rows and 1月|2月|3月 as columns."""
    name = "b25_gbk_indicator_months.csv"
    exp = Expect(name, "partners", "3,4",
                 "GBK CSV; indicator rows × month columns 1月|2月|3月, year and area only in the "
                 "title 2025年第一季度盈二社区…; a 完成比例 row")
    sh = CsvSheet(name, "gbk")
    sh.put(1, 1, "2025年第一季度盈二社区合伙人情况")
    header_row(sh, 2, 1, ["指标", "计量单位", "1月", "2月", "3月"])
    area = "盈二社区"
    rows = [
        ("居民合伙人", "人", [21, 23, 26], "resident_partners"),
        ("团体合伙人", "个", [14, 14, 15], "group_partners"),
        ("合伙人项目", "项", [9, 10, 12], "partner_projects"),
        ("项目年度目标完成比例", "%", ["45.0%", "50.0%", "60.0%"], None),
    ]
    for i, (label, unit, nums, measure) in enumerate(rows):
        r = 3 + i
        sh.put(r, 1, label)
        sh.put(r, 2, unit)
        for j, raw in enumerate(nums):
            sh.put(r, 3 + j, raw)
            if measure:
                exp.rec(sh, r, 3 + j, area, "", f"2025-{j + 1:02d}", measure, raw)
    sh.put(8, 1, "填报日期：2025年4月3日")
    finish(sh, exp)


def b26_merged_month_cells():
    """Volunteers; 月份 merged down over each month's rows, written 2024年3月份."""
    name = "b26_merged_month_cells.xlsx"
    exp = Expect(name, "volunteers", "9",
                 "月份 cells 2024年3月份 / 2024年4月份 merged down over three team rows each; "
                 "社区 column; 20多 and ０ full-width")
    book = XlsxBook(name)
    sh = book.sheet("志愿队伍")
    sh.merge(1, 1, 1, 6, "工人路社区志愿服务队伍情况", "title")
    header_row(sh, 2, 1, ["月份", "队伍名称", "社区", "志愿者人数", "服务时长（小时）", "服务人次"])
    measures = ["volunteers", "service_hours", "people_served"]
    blocks = [
        ("2024年3月份", "2024-03", [["职工宣讲团", 39, 52, "200余"],
                                    ["春风助老队", "20多", 64, 96],
                                    ["青禾护学队", 12, 30, 450]]),
        ("2024年4月份", "2024-04", [["职工宣讲团", 40, 58, 240],
                                    ["春风助老队", 24, 70, 102],
                                    ["青禾护学队", 12, "０", "０"]]),
    ]
    area = "工人路社区"
    r = 3
    for month, period, rows in blocks:
        sh.merge(r, 1, r + len(rows) - 1, 1, month, "cell")
        for group, *nums in rows:
            sh.put(r, 2, group, "label")
            sh.put(r, 3, area, "label")
            for j, (raw, measure) in enumerate(zip(nums, measures)):
                sh.put(r, 4 + j, raw)
                exp.rec(sh, r, 4 + j, area, group, period, measure, raw)
            r += 1
    sh.put(r + 1, 1, "注：青禾护学队4月因学校春假未开展活动。", "note")
    widths(sh, 14, 16, 12, 12, 16, 10)
    finish(book, exp)


WORKBOOKS = [
    b01_months_as_columns, b02_year_in_file_name, b03_fill_date_not_period,
    b04_single_area_indicator, b05_indicator_district_xls, b06_indicator_by_street,
    b07_indicator_childcare_by_street_xls, b08_two_tables_one_sheet,
    b09_hidden_and_blank_sheets, b10_stacked_months_xls, b11_month_formats,
    b12_excel_date_cells, b13_chinese_month_names, b14_quarter_and_range_in_month_column,
    b15_future_period, b16_gbk_partners_csv, b17_gbk_volunteers_month_formats_csv,
    b18_gb18030_indicator_csv, b19_qualifiers_xls, b20_period_in_sheet_name_xls,
    b21_period_in_sheet_names, b22_indicator_units_column, b23_indicator_blocks_one_sheet,
    b24_measure_in_title_xls, b25_gbk_indicator_months_csv, b26_merged_month_cells,
]


def main():
    FILES.mkdir(parents=True, exist_ok=True)
    EXPECTED.mkdir(parents=True, exist_ok=True)
    for old in list(FILES.glob("b[0-9][0-9]_*")) + list(EXPECTED.glob("b[0-9][0-9]_*")):
        old.unlink()
    for make in WORKBOOKS:
        make()
    with open(CASES, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["file", "domain", "kind", "note"])
        w.writerows(CASES_ROWS)
    width = max(len(f) for f, _, _ in SUMMARY)
    print(f"{'file':<{width}}  records  errors")
    for filename, nrec, nissue in SUMMARY:
        print(f"{filename:<{width}}  {nrec:>7}  {nissue:>6}")
    print(f"{len(SUMMARY)} files, {sum(n for _, n, _ in SUMMARY)} records, "
          f"{sum(i for _, _, i in SUMMARY)} expected errors")


if __name__ == "__main__":
    main()
