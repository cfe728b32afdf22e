#!/usr/bin/env python3
"""Blind corpus C: 24 workbooks of layouts not covered by corpora A and B.

Written from ``shared/design.md`` (contracts 1 and 2), ``data/reference/areas.csv``
and what a careful statistician would take from each sheet -- never from the
cleaner's code or output.  Deterministic: run it again and every file is the
same, byte for byte.

    python tests/corpus/make_corpus_c.py          # needs openpyxl and xlwt

Every value cell is written through ``Book.rec`` (the cell and the record it
must give come from one call) and every cell that must raise an error through
``Book.err``; all else goes through ``Sheet.put`` and must yield nothing.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string, range_boundaries

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
EXPECTED = HERE / "expected"

MISSING = (None, "", "—", "-", "/", "无")


class V:
    """A raw cell and the value / qualifier a careful reader takes from it."""

    def __init__(self, raw, value, q="exact"):
        self.raw, self.value, self.q = raw, value, q


class Err:
    """A raw cell that must raise ``rule`` and give no record."""

    def __init__(self, raw, rule):
        self.raw, self.rule = raw, rule


class Sheet:
    def __init__(self, name, hidden=False):
        self.name = name
        self.hidden = hidden
        self.cells: dict[tuple[int, int], object] = {}
        self.merges: list[str] = []

    def put(self, addr, raw):
        col, row = coordinate_from_string(addr)
        self.cells[(row, column_index_from_string(col))] = raw

    def row(self, r, values, start="A"):
        c0 = column_index_from_string(start)
        for i, v in enumerate(values):
            if v is not None:
                self.put(f"{get_column_letter(c0 + i)}{r}", v)

    def merge(self, rng, raw=None):
        self.merges.append(rng)
        if raw is not None:
            self.put(rng.split(":")[0], raw)


class Book:
    def __init__(self, name, domain, kind, note):
        self.name, self.domain, self.kind, self.note = name, domain, kind, note
        self.sheets: list[Sheet] = []
        self.records: list[tuple] = []
        self.issues: list[tuple] = []

    @property
    def stem(self):
        return self.name.rsplit(".", 1)[0]

    def sheet(self, name=None, hidden=False):
        s = Sheet(name if name is not None else self.stem, hidden)
        self.sheets.append(s)
        return s

    def rec(self, s, addr, raw, area, group, period, measure):
        """Write ``raw`` at ``addr`` and expect a record (or an issue) from it."""
        if isinstance(raw, Err):
            s.put(addr, raw.raw)
            self.issues.append((f"{s.name}!{addr}", raw.rule))
            return
        if isinstance(raw, V):
            s.put(addr, raw.raw)
            value, q = raw.value, raw.q
        else:
            if raw not in MISSING:
                assert isinstance(raw, (int, float)), (self.name, addr, raw)
            if raw is not None:
                s.put(addr, raw)
            if raw in MISSING:
                return
            value, q = raw, "exact"
        self.records.append((area, group, period, measure, value, q, f"{s.name}!{addr}"))

    def line(self, s, r, start, raws, measures, area, group, period):
        """One table row: raws across from column ``start``; measure None = no data."""
        c0 = column_index_from_string(start)
        for i, (raw, m) in enumerate(zip(raws, measures)):
            addr = f"{get_column_letter(c0 + i)}{r}"
            if m is None:
                if raw is not None:
                    s.put(addr, raw)
            else:
                self.rec(s, addr, raw, area, group, period, m)

    def err(self, s, addr, raw, rule):
        s.put(addr, raw)
        self.issues.append((f"{s.name}!{addr}", rule))


# ---------------------------------------------------------------- writers


def merged_tails(s: Sheet):
    """Cells covered by a merge other than its top-left one: nothing may be written there."""
    tails = set()
    for m in s.merges:
        c1, r1, c2, r2 = range_boundaries(m)
        for rr in range(r1, r2 + 1):
            for cc in range(c1, c2 + 1):
                if (rr, cc) != (r1, c1):
                    tails.add((rr, cc))
    assert not tails & set(s.cells), (s.name, sorted(tails & set(s.cells)))
    return tails


def write_xlsx(book: Book, path: Path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for s in book.sheets:
        merged_tails(s)
        ws = wb.create_sheet(s.name)
        for (r, c), v in sorted(s.cells.items()):
            ws.cell(row=r, column=c, value=v)
        for m in s.merges:
            ws.merge_cells(m)
        if s.hidden:
            ws.sheet_state = "hidden"
    wb.active = next(i for i, s in enumerate(book.sheets) if not s.hidden)
    # fixed document times so the script is reproducible
    import datetime as _dt

    wb.properties.created = _dt.datetime(2025, 1, 1)
    wb.properties.modified = _dt.datetime(2025, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    # re-pack with fixed member times so that the bytes do not change between runs
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" at save time
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", data)
            zout.writestr(fixed, data)
    path.write_bytes(out.getvalue())


def write_xls(book: Book, path: Path):
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for s in book.sheets:
        ws = wb.add_sheet(s.name, cell_overwrite_ok=True)
        merged_tails(s)
        for (r, c), v in sorted(s.cells.items()):
            ws.write(r - 1, c - 1, v)
        for m in s.merges:
            c1, r1, c2, r2 = range_boundaries(m)
            ws.merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1)
        if s.hidden:
            ws.visibility = 1
    wb.save(str(path))


def grid_rows(s: Sheet):
    nrow = max(r for r, _ in s.cells)
    ncol = max(c for _, c in s.cells)
    out = []
    for r in range(1, nrow + 1):
        row = []
        for c in range(1, ncol + 1):
            v = s.cells.get((r, c))
            if v is None:
                row.append("")
            elif isinstance(v, float) and v.is_integer():
                row.append(str(int(v)))
            else:
                row.append(str(v))
        out.append(row)
    return out


def write_csv(book: Book, path: Path, encoding: str, delimiter=",", bom=False):
    assert len(book.sheets) == 1 and book.sheets[0].name == book.stem
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in grid_rows(book.sheets[0]):
        w.writerow(row)
    data = buf.getvalue().encode(encoding)
    if bom:
        data = b"\xff\xfe" + data
    path.write_bytes(data)


# ---------------------------------------------------------------- the files

BOOKS: list[tuple[Book, str]] = []  # (book, writer)


def book(name, domain, kind, note, writer):
    b = Book(name, domain, kind, note)
    BOOKS.append((b, writer))
    return b


PARTNERS3 = ["resident_partners", "group_partners", "partner_projects"]


def c01():
    b = book("c01_street_subtotals_partners.xlsx", "partners", "8,1",
             "街道 merged down over 社区 rows with a 小计 per street and 合计 at the end; "
             "统计月份 line; units （人）/（家）/（个）; 序号/备注; 填表人/审核人/联系电话 line; "
             "合计 of 合伙人项目 is 55, the parts add to 53 (total_mismatch)", "xlsx")
    s = b.sheet("汇总")
    P = "2024-09"
    s.merge("A1:G1", "萧山区社区合伙人情况汇总表")
    s.put("A2", "统计月份：2024年9月")
    s.put("F2", "填报日期：2024年10月8日")
    s.row(3, ["序号", "街道", "社区", "居民合伙人（人）", "团体合伙人（家）", "合伙人项目（个）", "备注"])
    rows = [
        (4, 1, "天悦社区", [20, 35, 18], ""),
        (5, 2, "育才东苑社区", [11, 14, 6], ""),
        (7, 3, "工人路社区", [15, 12, 20], "含社会组织"),
        (8, 4, "湘湖社区", [9, 7, 5], ""),
        (10, 5, "盈二社区", [8, 6, 4], ""),
    ]
    for r, no, area, vals, note in rows:
        s.put(f"A{r}", no)
        s.put(f"C{r}", area)
        b.line(s, r, "D", vals, PARTNERS3, area, "", P)
        if note:
            s.put(f"G{r}", note)
    s.merge("B4:B6", "北干街道")
    s.merge("B7:B9", "城厢街道")
    s.merge("B10:B11", "盈丰街道")
    s.row(6, ["小计", 31, 49, 24], "C")
    s.row(9, ["小计", 24, 19, 25], "C")
    s.row(11, ["小计", 8, 6, 4], "C")
    s.merge("A12:C12", "合计")
    s.put("D12", 63)
    s.put("E12", 74)
    b.err(s, "F12", 55, "total_mismatch")  # 18+6+20+5+4 = 53
    s.put("A14", "填表人：张丽　　审核人：王建国　　联系电话：0571-82731234")


def c02():
    b = book("c02_transposed_two_months_partners.xlsx", "partners", "4,2,3,6",
             "transposed: measures as rows (指标|单位), communities as merged column headers over "
             "2024年5月|2024年6月; a 本月新增居民合伙人 row (flow) loads nothing; 20余; notes below", "xlsx")
    s = b.sheet("5-6月")
    s.merge("A1:F1", "北干街道社区合伙人情况对比表（2024年5—6月）")
    s.put("A2", "填报单位：北干街道社区建设办公室")
    s.merge("A3:A4", "指标")
    s.merge("B3:B4", "单位")
    s.merge("C3:D3", "天悦社区")
    s.merge("E3:F3", "育才东苑社区")
    s.row(4, ["2024年5月", "2024年6月", "2024年5月", "2024年6月"], "C")
    cols = [("C", "天悦社区", "2024-05"), ("D", "天悦社区", "2024-06"),
            ("E", "育才东苑社区", "2024-05"), ("F", "育才东苑社区", "2024-06")]
    table = [
        (5, "居民合伙人", "人", "resident_partners", [18, 20, 12, 13]),
        (6, "团体合伙人", "家", "group_partners", [30, 35, 15, 15]),
        (7, "本月新增居民合伙人", "人", None, [1, 2, 0, 1]),
        (8, "合伙人项目", "项", "partner_projects", [12, 14, 6, 7]),
        (9, "社会组织", "家", "social_organisations", [V("20余", 20, "at_least"), 22, 8, 8]),
    ]
    for r, label, unit, m, vals in table:
        s.put(f"A{r}", label)
        s.put(f"B{r}", unit)
        for (col, area, per), raw in zip(cols, vals):
            if m is None:
                s.put(f"{col}{r}", raw)
            else:
                b.rec(s, f"{col}{r}", raw, area, "", per, m)
    s.put("A11", "注：本月新增为当月新加入的居民合伙人人数。")
    s.put("A12", "审核人：陈立新　　联系电话：0571-82712345")


def c03():
    b = book("c03_long_sheet_partners.xlsx", "partners", "4,9,1",
             "tall sheet 序号|社区|月份|指标|数值|备注, one row per figure; 月份 as text 2024.10 / 2024.11; "
             "10余/20余; a 当月新增 row and an unknown 合伙人活动场次 row load nothing; 见附件 is unreadable_value",
             "xlsx")
    s = b.sheet("Sheet1")
    s.merge("A1:F1", "城厢街道社区合伙人数据登记表")
    s.row(2, ["序号", "社区", "月份", "指标", "数值", "备注"])
    M = {"居民合伙人": "resident_partners", "团体合伙人": "group_partners",
         "合伙人项目": "partner_projects", "社会组织": "social_organisations"}
    rows = [
        ("工人路社区", "2024.10", "居民合伙人", 15, ""),
        ("工人路社区", "2024.10", "团体合伙人", V("10余", 10, "at_least"), ""),
        ("工人路社区", "2024.10", "合伙人项目", V("20余", 20, "at_least"), ""),
        ("工人路社区", "2024.10", "社会组织", 34, ""),
        ("工人路社区", "2024.10", "当月新增居民合伙人", 2, ""),
        ("湘湖社区", "2024.10", "居民合伙人", 9, ""),
        ("湘湖社区", "2024.10", "团体合伙人", 7, ""),
        ("湘湖社区", "2024.10", "合伙人项目", Err("见附件", "unreadable_value"), "项目清单另附"),
        ("工人路社区", "2024.11", "居民合伙人", 16, ""),
        ("工人路社区", "2024.11", "团体合伙人", 12, ""),
        ("工人路社区", "2024.11", "合伙人项目", 21, ""),
        ("工人路社区", "2024.11", "社会组织", 34, ""),
        ("湘湖社区", "2024.11", "居民合伙人", 10, ""),
        ("湘湖社区", "2024.11", "团体合伙人", 7, ""),
        ("湘湖社区", "2024.11", "合伙人项目", 6, ""),
        ("湘湖社区", "2024.11", "合伙人活动场次", 3, "本月开展活动"),
    ]
    for i, (area, month, label, raw, note) in enumerate(rows):
        r = 3 + i
        s.row(r, [i + 1, area, month, label])
        per = "2024-" + month.split(".")[1]
        if label in M:
            b.rec(s, f"E{r}", raw, area, "", per, M[label])
        else:
            s.put(f"E{r}", raw)
        if note:
            s.put(f"F{r}", note)
    s.put("A20", "填表人：吴磊　　联系电话：0571-82756789")


def c04():
    b = book("c04_gbk_title_blank_line_partners.csv", "partners", "1,7,3",
             "GBK CSV (CRLF) as Excel saves it: title line with （2024.03）, an empty line, then the header; "
             "units in brackets, 单位合伙人; full-width ２０; 30多; 居委会/村委会 suffixes and a leading street name; "
             "填报人 and 联系电话 columns; note and 填报日期 lines below", "csv-gbk")
    s = b.sheet()
    P = "2024-03"
    s.put("A1", "萧山区社区合伙人统计表（2024.03）")  # line 2 stays empty
    s.row(3, ["序号", "社区名称", "居民合伙人（人）", "单位合伙人（家）", "合伙人项目（个）", "填报人", "联系电话"])
    rows = [
        ("天悦社区居委会", "天悦社区", [V("２０", 20), V("３５", 35), V("１８", 18)], "李敏", "13805710001"),
        ("北干街道育才东苑社区", "育才东苑社区", [12, 15, 7], "陈晓", "0571-82710002"),
        ("新街社区", "新街社区", [V("30多", 30, "at_least"), 20, 10], "王芳", "13905710003"),
        ("赭东村村委会", "赭东村", [14, 9, 6], "钱进", "13705710005"),
    ]
    for i, (written, area, vals, who, tel) in enumerate(rows):
        r = 4 + i
        s.row(r, [i + 1, written])
        b.line(s, r, "C", vals, PARTNERS3, area, "", P)
        s.row(r, [who, tel], "F")
    s.put("A9", "注：单位合伙人含企业、社会组织、学校等。")
    s.put("A10", "填报日期：2024年4月3日")


def c05():
    b = book("c05_sheet_per_community_partners.xlsx", "partners", "3,7,5",
             "one sheet per community named only in the sheet name (天悦 and 工人路, aliases); 月份 written "
             "7月份/8月份/9月份 with the year only in the title 2024年第三季度; a — cell; an empty form sheet "
             "(title and header only) loads nothing and raises nothing", "xlsx")
    data = {
        "天悦": ("天悦社区", [[20, 35, 18], [20, 36, 19], [21, 36, 20]]),
        "工人路": ("工人路社区", [[14, 12, 20], [15, 12, 21], [15, "—", 22]]),
    }
    for sheet, (area, months) in data.items():
        s = b.sheet(sheet)
        s.merge("A1:E1", "2024年第三季度社区合伙人月报")
        s.row(2, ["月份", "居民合伙人", "团体合伙人", "合伙人项目", "备注"])
        for i, vals in enumerate(months):
            r = 3 + i
            s.put(f"A{r}", f"{7 + i}月份")
            b.line(s, r, "B", vals, PARTNERS3, area, "", f"2024-{7 + i:02d}")
        s.put("A7", "填表人：社区工作站")
    s = b.sheet("空白模板")
    s.merge("A1:E1", "2024年第三季度社区合伙人月报")
    s.row(2, ["月份", "居民合伙人", "团体合伙人", "合伙人项目", "备注"])


def c06():
    b = book("c06_traditional_committee_names_partners.xls", "partners", "7,1",
             "legacy xls; 村（社区） names in traditional characters with 居委會 suffix, 北干街道　育才東苑社區 "
             "with U+3000, 湘 湖 社 区 spaced, 居委会 suffix; 个人合伙人(名)/团体合伙人(个)/项目数(个); "
             "待核实 is unreadable_value; 说明 column", "xls")
    s = b.sheet("Sheet1")
    P = "2025-01"
    s.merge("A1:E1", "2025年1月社区合伙人情况表")
    s.put("A2", "填报单位（盖章）：")
    s.row(3, ["村（社区）", "个人合伙人(名)", "团体合伙人(个)", "项目数(个)", "说明"])
    rows = [
        ("天悅社區", "天悦社区", [21, 36, 19], ""),
        ("工人路社區居委會", "工人路社区", [16, 11, 22], ""),
        ("北干街道\u3000育才東苑社區", "育才东苑社区", [12, 15, 8], ""),
        ("湘 湖 社 区", "湘湖社区", [10, 8, Err("待核实", "unreadable_value")], "项目数待核实后补报"),
        ("新街社区居委会", "新街社区", [25, 12, 9], ""),
    ]
    for i, (written, area, vals, note) in enumerate(rows):
        r = 4 + i
        s.put(f"A{r}", written)
        b.line(s, r, "B", vals, PARTNERS3, area, "", P)
        if note:
            s.put(f"E{r}", note)
    s.put("A10", "注：个人合伙人指以个人身份加入的居民。")


def c07():
    b = book("c07_side_by_side_months_partners.xlsx", "partners", "5,8",
             "two tables side by side on one sheet, each with its own title 一、2024年11月… / 二、2024年12月… "
             "(A–D and F–I, a blank column between); the second lists the communities in another order; "
             "合计 rows (correct)", "xlsx")
    s = b.sheet("11-12月")
    s.merge("A1:D1", "一、2024年11月社区合伙人情况")
    s.merge("F1:I1", "二、2024年12月社区合伙人情况")
    hdr = ["社区", "居民合伙人", "团体合伙人", "合伙人项目"]
    s.row(2, hdr, "A")
    s.row(2, hdr, "F")
    left = [("新街社区", [30, 20, 10]), ("新塘社区", [18, 12, 8]), ("南阳社区", [11, 7, 5])]
    right = [("南阳社区", [12, 8, 6]), ("新街社区", [32, 21, 11]), ("新塘社区", [18, 13, 9])]
    for start, lab, per, rows in (("A", "B", "2024-11", left), ("F", "G", "2024-12", right)):
        for i, (area, vals) in enumerate(rows):
            r = 3 + i
            s.put(f"{start}{r}", area)
            b.line(s, r, lab, vals, PARTNERS3, area, "", per)
        s.put(f"{start}6", "合计")
        s.row(6, [sum(v[k] for _, v in rows) for k in range(3)], lab)
    s.put("A8", "审核人：李晓峰")


def c08():
    b = book("c08_text_numbers_chinese_numerals_partners.xlsx", "partners", "1",
             "numbers stored as text: Chinese numerals 十二/十五/二十余, full-width ２４/１０余, units in cells "
             "8家/5个/18人, 约10; a — cell; -2 is negative_count, 12.5 partners is fractional_count", "xlsx")
    s = b.sheet("Sheet1")
    P = "2024-12"
    s.merge("A1:G1", "萧山区部分社区合伙人情况（2024年12月）")
    s.row(2, ["序号", "社区", "居民合伙人", "团体合伙人", "合伙人项目", "社会组织", "备注"])
    M4 = PARTNERS3 + ["social_organisations"]
    rows = [
        ("南阳社区", [V("十二", 12), V("8家", 8), V("5个", 5), V("3", 3)], ""),
        ("赭东村", [V("２４", 24), V("１０余", 10, "at_least"), V("十五", 15), "—"], ""),
        ("新塘社区", [V("18人", 18), Err(-2, "negative_count"), V("9", 9), V("2", 2)], "团体合伙人数据待更正"),
        ("新街社区", [V("31", 31), Err(12.5, "fractional_count"), V("二十余", 20, "at_least"),
                    V("约10", 10, "approx")], ""),
    ]
    for i, (area, vals, note) in enumerate(rows):
        r = 3 + i
        s.row(r, [i + 1, area])
        b.line(s, r, "C", vals, M4, area, "", P)
        if note:
            s.put(f"G{r}", note)
    s.put("A8", "注：数据由各社区自行填报，街道汇总。")


def c09():
    b = book("c09_plan_done_total_on_top_childcare.xlsx", "childcare", "2,8,3",
             "three header rows: 2024年托位建设情况 over 计划新增托位 | 已完成新增托位, each over 总数 | 其中：普惠; "
             "合计 row at the TOP (correct); 完成率(%) column loads nothing; 单位：个 line; 截至2024年10月底",
             "xlsx")
    s = b.sheet("10月")
    P = "2024-10"
    s.merge("A1:F1", "萧山区2024年托位建设进度表（截至2024年10月底）")
    s.put("F2", "单位：个")
    s.merge("A3:A5", "镇街")
    s.merge("B3:F3", "2024年托位建设情况")
    s.merge("B4:C4", "计划新增托位")
    s.merge("D4:E4", "已完成新增托位")
    s.merge("F4:F5", "完成率(%)")
    s.row(5, ["总数", "其中：普惠", "总数", "其中：普惠"], "B")
    M = ["slots_target", "inclusive_slots_target", "slots_added", "inclusive_slots_added", None]
    rows = [
        ("北干街道", [120, 72, 150, 90, 125.0]),
        ("城厢街道", [100, 60, 96, 58, 96.0]),
        ("新塘街道", [80, 48, 88, 50, 110.0]),
        ("南阳街道", [90, 54, 60, 36, 66.7]),
        ("新街街道", [110, 66, 132, 80, 120.0]),
        ("盈丰街道", [100, 60, 97, 61, 97.0]),
    ]
    s.put("A6", "合计")
    s.row(6, [600, 360, 623, 375, 103.8], "B")
    for i, (area, vals) in enumerate(rows):
        r = 7 + i
        s.put(f"A{r}", area)
        b.line(s, r, "B", vals, M, area, "", P)
    s.put("A14", "注：完成率=已完成新增托位/计划新增托位。")
    s.put("A15", "填报日期：2024年11月5日")


def c10():
    b = book("c10_providers_merged_community_childcare.xlsx", "childcare", "8,3",
             "托育机构名称 rows grouped under a merged 所属社区 cell; period 2024/3 in the title; "
             "a — cell; 见附件 is unreadable_value; 序号/备注; 填表人/审核人/联系电话 line", "xlsx")
    s = b.sheet("Sheet1")
    P = "2024-03"
    s.merge("A1:G1", "北干街道托育机构托位建设进度（2024/3）")
    s.row(2, ["序号", "所属社区", "托育机构名称", "计划新增托位", "完成新增托位", "完成普惠托位", "备注"])
    M = ["slots_target", "slots_added", "inclusive_slots_added"]
    rows = [
        (3, "天悦社区", "天悦宝贝托育园", [40, 36, 20], ""),
        (4, "天悦社区", "小橡树托育中心", [30, 30, 18], ""),
        (5, "天悦社区", "天悦社区婴幼儿成长驿站", [10, Err("见附件", "unreadable_value"), 10], "验收材料见附件"),
        (6, "育才东苑社区", "育才东苑托育园", [45, 50, 30], ""),
        (7, "育才东苑社区", "贝贝乐托育", [20, 12, "—"], "普惠资质申报中"),
    ]
    for r, area, grp, vals, note in rows:
        s.put(f"A{r}", r - 2)
        s.put(f"C{r}", grp)
        b.line(s, r, "D", vals, M, area, grp, P)
        if note:
            s.put(f"G{r}", note)
    s.merge("B3:B5", "天悦社区")
    s.merge("B6:B7", "育才东苑社区")
    s.put("A9", "填表人：刘洋　　审核人：孙伟　　联系电话：0571-82798888")


def c11():
    b = book("c11_utf16_tab_childcare.txt", "childcare", "3,8",
             "Excel 'Unicode 文本' save: UTF-16LE with BOM, tab-separated, CRLF, .txt; title line with "
             "2025年3月; 镇街 rows; 合计 row with a thousands separator 1,200 (correct); note line", "txt-utf16")
    s = b.sheet()
    P = "2025-03"
    s.put("A1", "萧山区2025年3月各镇街托位建设进度")
    s.row(2, ["镇街", "计划新增托位", "计划新增普惠托位", "已完成新增托位", "完成普惠托位"])
    M = ["slots_target", "inclusive_slots_target", "slots_added", "inclusive_slots_added"]
    rows = [
        ("北干街道", [220, 130, 60, 35]),
        ("城厢街道", [200, 120, 45, 30]),
        ("新塘街道", [180, 110, 38, 20]),
        ("南阳街道", [190, 115, 40, 26]),
        ("新街街道", [210, 125, 52, 31]),
        ("盈丰街道", [200, 120, 47, 28]),
    ]
    for i, (area, vals) in enumerate(rows):
        r = 3 + i
        s.put(f"A{r}", area)
        b.line(s, r, "B", vals, M, area, "", P)
    s.row(9, ["合计", "1,200", 720, 282, 170])
    s.put("A10", "注：完成数为年初以来累计完成数。")


def c12():
    b = book("c12_hidden_old_sheet_childcare.xls", "childcare", "5,3,8,2",
             "legacy xls; period only in the sheet name 2024年6月; one header row 计划新增托位 | 其中：普惠 | "
             "已完成新增托位 | 其中：普惠 (each 其中 belongs to the column on its left); 村社 + 托育机构; "
             "合计 row (correct); a hidden sheet 2024年1月（旧） with an old draft loads nothing", "xls")
    s = b.sheet("2024年6月")
    s.merge("A1:G1", "城厢街道托育机构托位情况")
    s.row(2, ["村社", "托育机构", "计划新增托位", "其中：普惠", "已完成新增托位", "其中：普惠", "备注"])
    M = ["slots_target", "inclusive_slots_target", "slots_added", "inclusive_slots_added"]
    rows = [
        ("工人路社区", "工人路阳光托育园", [30, 18, 32, 20]),
        ("工人路社区", "城厢幼儿园托班", [20, 20, 24, 24]),
        ("湘湖社区", "湘湖宝贝之家", [25, 15, 18, 10]),
        ("湘湖社区", "蓝天托育中心", [15, 6, 15, 0]),
    ]
    for i, (area, grp, vals) in enumerate(rows):
        r = 3 + i
        s.row(r, [area, grp])
        b.line(s, r, "C", vals, M, area, grp, "2024-06")
    s.row(7, ["合计", None, 90, 59, 89, 54])
    s.put("A9", "审核人：周敏")
    h = b.sheet("2024年1月（旧）", hidden=True)
    h.put("A1", "城厢街道托育机构托位情况（初稿）")
    h.row(2, ["村社", "托育机构", "计划新增托位", "其中：普惠", "已完成新增托位", "其中：普惠", "备注"])
    h.row(3, ["工人路社区", "工人路阳光托育园", 30, 18, 5, 3])
    h.row(4, ["湘湖社区", "湘湖宝贝之家", 25, 15, 2, 0])


def c13():
    b = book("c13_communities_as_columns_childcare.xlsx", "childcare", "4,2,8",
             "indicator rows 指标|计量单位 with communities as columns under merged street headers "
             "(北干街道 over 天悦社区|育才东苑社区, 城厢街道 over 工人路社区|湘湖社区): the community is the area; "
             "two 其中：普惠 rows; a 完成率 row loads nothing; 截至2024年12月31日", "xlsx")
    s = b.sheet("Sheet1")
    P = "2024-12"
    s.merge("A1:F1", "部分社区托位建设情况（数据截至2024年12月31日）")
    s.merge("A2:A3", "指标")
    s.merge("B2:B3", "计量单位")
    s.merge("C2:D2", "北干街道")
    s.merge("E2:F2", "城厢街道")
    areas = ["天悦社区", "育才东苑社区", "工人路社区", "湘湖社区"]
    s.row(3, areas, "C")
    rows = [
        ("计划新增托位", "个", "slots_target", [40, 35, 30, 25]),
        ("其中：普惠", "个", "inclusive_slots_target", [24, 20, 18, 15]),
        ("已完成新增托位", "个", "slots_added", [46, 30, 32, 20]),
        ("其中：普惠", "个", "inclusive_slots_added", [28, 18, 20, 12]),
        ("婴幼儿成长驿站", "个", "growth_stations", [2, 1, 1, 1]),
        ("完成率", "%", None, [115.0, 85.7, 106.7, 80.0]),
    ]
    for i, (label, unit, m, vals) in enumerate(rows):
        r = 4 + i
        s.row(r, [label, unit])
        for j, raw in enumerate(vals):
            addr = f"{get_column_letter(3 + j)}{r}"
            if m is None:
                s.put(addr, raw)
            else:
                b.rec(s, addr, raw, areas[j], "", P, m)
    s.put("A11", "注：托位数按卫健部门备案口径统计。")


def c14():
    b = book("c14_form_and_text_sheets_childcare.xlsx", "childcare", "5,3",
             "sheets 填报说明 (text only), 2025年4月 (data; the period only in the sheet name), 空表 (title and "
             "header only); 完成率(%) column loads nothing; #N/A in a value cell is excel_error", "xlsx")
    t = b.sheet("填报说明")
    t.put("A1", "填报说明")
    t.put("A2", "1. 请各社区于每月5日前报送上月数据。")
    t.put("A3", "2. 计划新增托位按区下达的年度任务填写，完成数填累计数。")
    t.put("A4", "3. 如有疑问请联系街道社会事务办，电话：0571-82601234。")
    s = b.sheet("2025年4月")
    P = "2025-04"
    s.merge("A1:G1", "南阳街道托位情况表")
    s.row(2, ["社区", "计划新增托位", "已完成新增托位", "完成普惠托位", "婴幼儿成长驿站", "完成率(%)", "备注"])
    M = ["slots_target", "slots_added", "inclusive_slots_added", "growth_stations", None]
    s.put("A3", "南阳社区")
    b.line(s, 3, "B", [25, 27, 15, 2, 108.0], M, "南阳社区", "", P)
    s.put("A4", "赭东村")
    b.line(s, 4, "B", [20, 16, 10, Err("#N/A", "excel_error"), 80.0], M, "赭东村", "", P)
    s.put("G4", "驿站数引用出错")
    e = b.sheet("空表")
    e.merge("A1:G1", "南阳街道托位情况表")
    e.row(2, ["社区", "计划新增托位", "已完成新增托位", "完成普惠托位", "婴幼儿成长驿站", "完成率(%)", "备注"])


def c15():
    b = book("c15_nested_subtotals_wrong_childcare.xls", "childcare", "8",
             "legacy xls; 街道 merged down over 村社 rows, 小计 per street, 合计 at the end; the 南阳街道 小计 "
             "of 婴幼儿成长驿站 says 3, its parts add to 2 (total_mismatch); 合计 equals the sum of the "
             "communities", "xls")
    s = b.sheet("6月")
    P = "2025-06"
    s.merge("A1:F1", "萧山区各社区托位建设完成情况（2025年6月）")
    s.row(2, ["街道", "村社", "已完成新增托位", "完成普惠托位", "婴幼儿成长驿站", "备注"])
    M = ["slots_added", "inclusive_slots_added", "growth_stations"]
    rows = {
        3: ("天悦社区", [52, 30, 2]), 4: ("育才东苑社区", [38, 22, 1]),
        6: ("工人路社区", [41, 25, 2]), 7: ("湘湖社区", [27, 16, 1]),
        9: ("南阳社区", [33, 20, 1]), 10: ("赭东村", [18, 10, 1]),
    }
    for r, (area, vals) in rows.items():
        s.put(f"B{r}", area)
        b.line(s, r, "C", vals, M, area, "", P)
    s.merge("A3:A5", "北干街道")
    s.merge("A6:A8", "城厢街道")
    s.merge("A9:A11", "南阳街道")
    s.row(5, ["小计", 90, 52, 3], "B")
    s.row(8, ["小计", 68, 41, 3], "B")
    s.row(11, ["小计", 51, 30], "B")
    b.err(s, "E11", 3, "total_mismatch")
    s.merge("A12:B12", "合计")
    s.row(12, [209, 123, 8], "C")
    s.put("A14", "填表人：郑洁")


def c16():
    b = book("c16_gbk_providers_qualifiers_childcare.csv", "childcare", "1,7,3",
             "GBK CSV; title （2024年第3月）; 街道 column with the aliases 盈丰/新街 and 托育机构 groups; "
             "约50, 40余, 不足20, 20以上; — cells; 序号/备注; 填报人 line", "csv-gbk")
    s = b.sheet()
    P = "2024-03"
    s.put("A1", "盈丰街道、新街街道托位情况（2024年第3月）")
    s.row(2, ["序号", "街道", "托育机构", "计划新增托位", "已完成新增托位", "完成普惠托位", "备注"])
    M = ["slots_target", "slots_added", "inclusive_slots_added"]
    rows = [
        ("盈丰", "盈丰街道", "盈丰阳光托育园", [60, V("约50", 50, "approx"), 30], ""),
        ("盈丰", "盈丰街道", "童趣托育中心", [40, V("40余", 40, "at_least"), V("不足20", 20, "at_most")], ""),
        ("新街", "新街街道", "新街社区托育点", [30, 28, V("20以上", 20, "at_least")], ""),
        ("新街", "新街街道", "小太阳托育园", [20, "—", "—"], "尚未开园"),
    ]
    for i, (written, area, grp, vals, note) in enumerate(rows):
        r = 3 + i
        s.row(r, [i + 1, written, grp])
        b.line(s, r, "D", vals, M, area, grp, P)
        if note:
            s.put(f"G{r}", note)
    s.put("A8", "填报人：何佳　　联系电话：13600571234")


VOL = ["volunteers", "service_hours", "people_served", "funds_yuan"]


def c17():
    b = book("c17_three_row_header_unit_row_volunteers.xlsx", "volunteers", "2,8,1,3",
             "three header rows: 志愿服务开展情况 over the measures, then a 单位 row (人|小时|人次|万元) — "
             "万元 applies to 捐赠金额 (0.5 → 5000); 社区 merged down over its team rows; 二〇二四年三月 in the title; "
             "a — and a 0", "xlsx")
    s = b.sheet("Sheet1")
    P = "2024-03"
    s.merge("A1:F1", "南阳街道志愿服务情况统计表（二〇二四年三月）")
    s.merge("A2:A3", "社区")
    s.merge("B2:B3", "志愿队伍")
    s.merge("C2:F2", "志愿服务开展情况")
    s.row(3, ["志愿者人数", "服务时长", "服务人次", "捐赠金额"], "C")
    s.merge("A4:B4", "单位")
    s.row(4, ["人", "小时", "人次", "万元"], "C")
    rows = [
        (5, "南阳社区", "南阳红马甲服务队", [35, 140, 420, V(0.5, 5000)]),
        (6, "南阳社区", "银龄互助队", [22, 88, 300, "—"]),
        (7, "南阳社区", "南阳青年志愿队", [18, 54, 150, V(1.2, 12000)]),
        (8, "赭东村", "赭东党员先锋队", [26, 104, 260, V(2, 20000)]),
        (9, "赭东村", "赭东巾帼志愿队", [15, 45.5, 120, V(0, 0)]),
    ]
    for r, area, grp, vals in rows:
        s.put(f"B{r}", grp)
        b.line(s, r, "C", vals, VOL, area, grp, P)
    s.merge("A5:A7", "南阳社区")
    s.merge("A8:A9", "赭东村")
    s.put("A11", "注：捐赠金额含物资折价。")
    s.put("A12", "审核人：胡明　　联系电话：0571-82635678")


def c18():
    b = book("c18_long_with_unit_column_volunteers.xlsx", "volunteers", "4,1,8",
             "tall sheet 序号|志愿队伍|指标|数值|单位|备注 for one community named in the title (2024年7月); "
             "单位 万元 on the 物资金额 row (1.5 → 15000) and 元 on 捐赠金额; 约600, 70余, 1,200; "
             "团队人数/参与人数 as volunteers; a 本月新增志愿者 row loads nothing", "xlsx")
    s = b.sheet("Sheet1")
    P = "2024-07"
    A = "天悦社区"
    s.merge("A1:F1", "天悦社区志愿服务数据（2024年7月）")
    s.row(2, ["序号", "志愿队伍", "指标", "数值", "单位", "备注"])
    rows = [
        ("天悦红马甲", "志愿者人数", 42, "人", "volunteers"),
        ("天悦红马甲", "服务时长", 126, "小时", "service_hours"),
        ("天悦红马甲", "服务人次", V("约600", 600, "approx"), "人次", "people_served"),
        ("天悦红马甲", "物资金额", V(1.5, 15000), "万元", "funds_yuan"),
        ("春之歌艺术团", "团队人数", V("70余", 70, "at_least"), "人", "volunteers"),
        ("春之歌艺术团", "服务时长", 96, "小时", "service_hours"),
        ("春之歌艺术团", "服务人次", V("1,200", 1200), "人次", "people_served"),
        ("春之歌艺术团", "本月新增志愿者", 3, "人", None),
        ("邻里帮帮团", "参与人数", 16, "人", "volunteers"),
        ("邻里帮帮团", "服务时长", 32.5, "小时", "service_hours"),
        ("邻里帮帮团", "捐赠金额", V(3000, 3000), "元", "funds_yuan"),
    ]
    for i, (grp, label, raw, unit, m) in enumerate(rows):
        r = 3 + i
        s.row(r, [i + 1, grp, label])
        s.put(f"E{r}", unit)
        if m is None:
            s.put(f"D{r}", raw)
        else:
            b.rec(s, f"D{r}", raw, A, grp, P, m)
    s.put("F6", "含慰问物资折价")
    s.put("A15", "填表人：天悦社区　俞婷")


def c19():
    b = book("c19_teams_as_columns_volunteers.xlsx", "volunteers", "4,1",
             "transposed: 项目 rows (units in brackets) × team columns, so the group comes from the column "
             "header; area and period from the title; a 合计 column (correct); a 本月新增人数 row (flow) and a "
             "— cell load nothing; a 0", "xlsx")
    s = b.sheet("5月")
    P = "2025-05"
    A = "工人路社区"
    s.merge("A1:E1", "工人路社区志愿服务队伍情况（2025年5月）")
    teams = ["工人路职工宣讲团", "红色跑腿志愿服务队", "文明劝导队"]
    s.row(2, ["项目"] + teams + ["合计"])
    rows = [
        ("志愿者人数（人）", "volunteers", [39, 25, 12]),
        ("服务时长（小时）", "service_hours", [86, 300, 24]),
        ("服务人次", "people_served", [210, 450, 60]),
        ("本月新增人数", None, [2, 0, 1]),
        ("物资金额（元）", "funds_yuan", [0, 1500, "—"]),
    ]
    for i, (label, m, vals) in enumerate(rows):
        r = 3 + i
        s.put(f"A{r}", label)
        for j, raw in enumerate(vals):
            addr = f"{get_column_letter(2 + j)}{r}"
            if m is None:
                s.put(addr, raw)
            else:
                b.rec(s, addr, raw, A, teams[j], P, m)
        s.put(f"E{r}", sum(v for v in vals if isinstance(v, (int, float))))
    s.put("A9", "注：宣讲团人数含退休职工。")


def c20():
    b = book("c20_gbk_month_column_volunteers.csv", "volunteers", "9,8,1",
             "GBK CSV; 月份 column written 2024/3 and 2024/4; 社区 + 队伍名称; 受益人数 as people_served; "
             "约500, 600余, —; 联系电话 column; note and 填表人 lines", "csv-gbk")
    s = b.sheet()
    s.put("A1", "新街街道志愿服务队伍月报")
    s.row(2, ["月份", "社区", "队伍名称", "志愿者人数", "服务时长（小时）", "受益人数", "联系电话"])
    M = ["volunteers", "service_hours", "people_served"]
    rows = [
        ("2024/3", "新街邻里守望队", [28, 84, 300], "13905710012"),
        ("2024/3", "新街银发宣讲团", [16, 32, V("约500", 500, "approx")], "13905710013"),
        ("2024/4", "新街邻里守望队", [30, 90, 320], "13905710012"),
        ("2024/4", "新街银发宣讲团", [16, 40, V("600余", 600, "at_least")], "13905710013"),
        ("2024/4", "新街小候鸟志愿队", [12, 36, "—"], "13905710014"),
    ]
    for i, (month, grp, vals, tel) in enumerate(rows):
        r = 3 + i
        s.row(r, [month, "新街社区", grp])
        per = "2024-%02d" % int(month.split("/")[1])
        b.line(s, r, "D", vals, M, "新街社区", grp, per)
        s.put(f"G{r}", tel)
    s.put("A9", "注：受益人数按人次统计。")
    s.put("A10", "填表人：赵静　联系电话：0571-82890123")


def c21():
    b = book("c21_money_in_cells_volunteers.xls", "volunteers", "1",
             "legacy xls; amounts with units inside the cells under a unit-less 物资金额 header: 30万元, 5000元, "
             "1.5万元; 服务人次 as 1.2万, 12,500, 约3000; 70余; 无 gives no record", "xls")
    s = b.sheet("Sheet1")
    P = "2024-08"
    s.merge("A1:F1", "北干街道志愿服务物资保障情况（2024年8月）")
    s.row(2, ["社区", "志愿队伍", "志愿者人数", "服务人次", "物资金额", "备注"])
    M = ["volunteers", "people_served", "funds_yuan"]
    rows = [
        ("天悦社区", "天悦红马甲", [45, V("1.2万", 12000), V("30万元", 300000)], "含企业捐赠物资"),
        ("天悦社区", "春之歌艺术团", [V("70余", 70, "at_least"), V("12,500", 12500), V("5000元", 5000)], ""),
        ("育才东苑社区", "育才东苑护学队", [20, V("约3000", 3000, "approx"), V("1.5万元", 15000)], ""),
        ("育才东苑社区", "育才东苑党员服务队", [18, 860, "无"], ""),
    ]
    for i, (area, grp, vals, note) in enumerate(rows):
        r = 3 + i
        s.row(r, [area, grp])
        b.line(s, r, "C", vals, M, area, grp, P)
        if note:
            s.put(f"F{r}", note)
    s.put("A8", "填报日期：2024年9月2日")


def c22():
    b = book("c22_total_mismatch_flow_volunteers.xlsx", "volunteers", "6,8",
             "teams with 社区 repeated on every row; a 本月新增志愿者 (flow) column beside 志愿者人数 loads nothing; "
             "合计 of 志愿者人数 says 112, the teams add to 102 (total_mismatch); other totals correct; "
             "填报单位 line", "xlsx")
    s = b.sheet("Sheet1")
    P = "2025-05"
    s.merge("A1:H1", "城厢街道志愿服务情况（2025年5月）")
    s.put("A2", "填报单位：城厢街道志愿服务中心")
    s.row(3, ["序号", "社区", "志愿队伍", "志愿者人数", "本月新增志愿者", "服务时长（小时）", "服务人次", "备注"])
    M = ["volunteers", None, "service_hours", "people_served"]
    rows = [
        ("工人路社区", "工人路职工宣讲团", [39, 2, 86, 210]),
        ("工人路社区", "红色跑腿志愿服务队", [25, 0, 300, 450]),
        ("湘湖社区", "湘湖环保志愿队", [18, 1, 54, 160]),
        ("湘湖社区", "银龄互助队", [20, 3, 120, 500]),
    ]
    for i, (area, grp, vals) in enumerate(rows):
        r = 4 + i
        s.row(r, [i + 1, area, grp])
        b.line(s, r, "D", vals, M, area, grp, P)
    s.merge("A8:C8", "合计")
    b.err(s, "D8", 112, "total_mismatch")  # 39+25+18+20 = 102
    s.row(8, [6, 560, 1320], "E")
    s.put("A10", "审核人：杨帆　　填报日期：2025年6月3日")


def c23():
    b = book("c23_month_section_rows_volunteers.xlsx", "volunteers", "5,9",
             "one table whose months are section rows (2024年10月 / 2024年11月 merged across the table) above "
             "their team rows; a team added in November; 近400; title names the street and both months", "xlsx")
    s = b.sheet("Sheet1")
    s.merge("A1:E1", "新塘街道志愿服务队伍情况（2024年10—11月）")
    s.row(2, ["社区", "志愿队伍", "志愿者人数", "服务时长（小时）", "服务人次"])
    M = ["volunteers", "service_hours", "people_served"]
    blocks = [
        (3, "2024年10月", "2024-10", [("新塘文体志愿队", [40, 120, 800]), ("新塘平安巡防队", [24, 96, 350])]),
        (6, "2024年11月", "2024-11", [("新塘文体志愿队", [42, 130, 860]),
                                    ("新塘平安巡防队", [24, 100, V("近400", 400, "approx")]),
                                    ("新塘助老服务队", [15, 45, 90])]),
    ]
    for r0, label, per, teams in blocks:
        s.merge(f"A{r0}:E{r0}", label)
        for i, (grp, vals) in enumerate(teams):
            r = r0 + 1 + i
            s.row(r, ["新塘社区", grp])
            b.line(s, r, "C", vals, M, "新塘社区", grp, per)
    s.put("A11", "注：新塘助老服务队11月成立。")


def c24():
    b = book("c24_prefixed_names_formula_volunteers.xlsx", "volunteers", "7,1,3",
             "村（社区） written with a leading street (北干街道天悦社区, 南阳街道赭东村), 居委会 / 居民委员会 "
             "suffixes and a U+3000 inside; 团队/团队人数/服务对象 headers; 50+, 300余, 不到400; a formula "
             "=9*4 saved without a value is formula_without_value; 2025年3月份 in the title", "xlsx")
    s = b.sheet("Sheet1")
    P = "2025-03"
    s.merge("A1:G1", "2025年3月份志愿服务队伍情况")
    s.row(2, ["序号", "村（社区）", "团队", "团队人数", "服务时长（小时）", "服务对象", "备注"])
    M = ["volunteers", "service_hours", "people_served"]
    rows = [
        ("北干街道天悦社区", "天悦社区", "天悦红马甲", [V("50+", 50, "at_least"), 150, 600], ""),
        ("盈丰街道盈二社区居委会", "盈二社区", "盈二银发护卫队",
         [18, Err("=9*4", "formula_without_value"), 120], "时长按9人×4小时计"),
        ("育才东苑\u3000社区", "育才东苑社区", "育才东苑护学队", [20, 60, V("300余", 300, "at_least")], ""),
        ("新街社区居民委员会", "新街社区", "新街邻里守望队", [30, 90, V("不到400", 400, "at_most")], ""),
        ("南阳街道赭东村", "赭东村", "赭东党员先锋队", [26, 78, 260], ""),
    ]
    for i, (written, area, grp, vals, note) in enumerate(rows):
        r = 3 + i
        s.row(r, [i + 1, written, grp])
        b.line(s, r, "D", vals, M, area, grp, P)
        if note:
            s.put(f"G{r}", note)
    s.put("A9", "填表人：街道志愿者协会")


# ---------------------------------------------------------------- output


def fmt_value(v):
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def main():
    for fn in (c01, c02, c03, c04, c05, c06, c07, c08, c09, c10, c11, c12,
               c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23, c24):
        fn()
    FILES.mkdir(exist_ok=True)
    EXPECTED.mkdir(exist_ok=True)
    cases = []
    for b, writer in BOOKS:
        path = FILES / b.name
        if writer == "xlsx":
            write_xlsx(b, path)
        elif writer == "xls":
            write_xls(b, path)
        elif writer == "csv-gbk":
            write_csv(b, path, "gbk")
        elif writer == "txt-utf16":
            write_csv(b, path, "utf-16-le", delimiter="\t", bom=True)
        else:
            raise ValueError(writer)
        cells = [r[6] for r in b.records] + [i[0] for i in b.issues]
        assert len(cells) == len(set(cells)), b.name
        with open(EXPECTED / f"{b.name}.records.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["area", "group", "period", "measure", "value", "qualifier", "cell"])
            for area, group, period, measure, value, q, cell in b.records:
                w.writerow([area, group, period, measure, fmt_value(value), q, cell])
        ipath = EXPECTED / f"{b.name}.issues.csv"
        if b.issues:
            with open(ipath, "w", encoding="utf-8", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(["cell", "rule"])
                w.writerows(b.issues)
        elif ipath.exists():
            ipath.unlink()
        cases.append([b.name, b.domain, b.kind, b.note])
    with open(HERE / "cases_c.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "domain", "kind", "note"])
        w.writerows(cases)
    n = {}
    for b, _ in BOOKS:
        n[b.domain] = n.get(b.domain, 0) + len(b.records)
    print(f"{len(BOOKS)} files, records per domain: {n}, total {sum(n.values())}")


if __name__ == "__main__":
    main()
