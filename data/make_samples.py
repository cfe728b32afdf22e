"""Write the bundled SYNTHETIC sample workbooks and the truth the cleaner must recover from them.

    python data/make_samples.py              # data/raw/<domain>/ and tests/expected/<domain>/
    python data/make_samples.py --out DIR    # DIR/raw/<domain>/ and DIR/expected/<domain>/

Every number here is made up ("样例数据（合成，非真实统计）"), except where the seed
article states it (data/published/seed_figures.csv): 天悦社区 partners 10/22 in
2023-05 and 20/35 in 2023-09, 工人路社区 10余 units / 20余 projects / 34 social
organisations, the district's 2023 childcare figures 600/360/923/568/40 (the
street rows of childcare_2023-09.xlsx add up to them) and the volunteer figures.

The files show, spread over them, every kind of mess design.md lists. Each cell
that holds a value is written together with the record it must become
(:class:`Rec`), so the truth files name exact cells. The output is
deterministic: a fixed seed, fixed workbook dates and fixed zip timestamps.
"""

import argparse
import csv
import datetime as dt
import io
import random
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from civicstats.csvsafe import write_csv  # noqa: E402

SEED = 20230913
FIXED_TIME = dt.datetime(2023, 11, 1, 9, 0, 0)
SYNTHETIC = "样例数据（合成，非真实统计）"
MONTHS = ["2023-05", "2023-06", "2023-07", "2023-08", "2023-09", "2023-10"]

RECORD_COLUMNS = ["area", "group", "period", "measure", "value", "qualifier", "source"]
ISSUE_COLUMNS = ["source", "severity", "rule"]
RULE_UNREADABLE = "unreadable_value"
"""Rule of a value cell that cannot be read (design.md names no rule for it; the engine's name)."""

STREET_OF = {
    "天悦社区": "北干街道", "育才东苑社区": "北干街道",
    "工人路社区": "城厢街道", "湘湖社区": "城厢街道",
    "盈二社区": "盈丰街道",
    "赭东村": "南阳街道", "南阳社区": "南阳街道",
    "新街社区": "新街街道",
    "新塘社区": "新塘街道",
}
COMMUNITIES = list(STREET_OF)
STREETS = ["北干街道", "城厢街道", "盈丰街道", "南阳街道", "新街街道", "新塘街道"]
PARTNER_MEASURES = ["resident_partners", "group_partners", "partner_projects", "social_organisations"]
CHILDCARE_MEASURES = ["slots_target", "inclusive_slots_target", "slots_added",
                      "inclusive_slots_added", "growth_stations"]


# -- cells that know what they must become ------------------------------------------


@dataclass(frozen=True)
class Rec:
    """A value cell: ``raw`` is written, (measure, value, qualifier) is the record it must give."""

    raw: object
    measure: str
    value: float
    qualifier: str = "exact"


@dataclass(frozen=True)
class Bad:
    """A value cell nobody can read: expected as an error issue, never a record."""

    raw: str
    rule: str = RULE_UNREADABLE


@dataclass(frozen=True)
class Unknown:
    """A header outside the vocabulary: one ``unknown_column`` warning, unless it is one every
    form has and that is never data (序号, 备注, 完成率 ...), which the contract skips quietly."""

    text: str

    @property
    def quiet(self) -> bool:
        return self.text in QUIET_HEADERS


QUIET_HEADERS = frozenset({"序号", "备注", "完成率"})


@dataclass(frozen=True)
class WrongTotal:
    """A 合计 cell whose stated figure disagrees with its parts: a ``total_mismatch`` error."""

    raw: object


@dataclass
class Row:
    cells: list
    area: str = ""
    group: str = ""
    period: str = ""


@dataclass
class Sheet:
    name: str
    rows: list  # of Row
    merges: list = field(default_factory=list)


def ex(v, m):
    """A plain numeric cell."""
    return Rec(v, m, float(v))


def tx(v, m):
    """A number stored as text."""
    return Rec(str(v), m, float(v))


def fw(v, m):
    """A number typed with full-width digits (２０)."""
    return Rec(str(v).translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"}), m, float(v))


def r(cells, area="", group="", period=""):
    return Row(list(cells), area, group, period)


def plain(*cells):
    """A row with no records: title, note, header, total or blank."""
    return Row(list(cells))


BLANK = plain()


def raw_of(cell):
    if isinstance(cell, Rec | Bad | WrongTotal):
        return cell.raw
    if isinstance(cell, Unknown):
        return cell.text
    return cell


def total_row(label_cells, rows, measures_at, *, wrong=None):
    """A 合计/小计 row: ``label_cells`` then, at each (column index, measure), the sum of ``rows``.

    ``wrong`` = (measure, delta) makes that one cell a deliberately wrong total.
    """
    cells = list(label_cells)
    for col, measure in measures_at:
        total = sum(c.value for row in rows for c in row.cells if isinstance(c, Rec) and c.measure == measure)
        while len(cells) <= col:
            cells.append(None)
        if wrong and wrong[0] == measure:
            cells[col] = WrongTotal(int(total) + wrong[1])
        else:
            cells[col] = int(total)
    return plain(*cells)


# -- the truth -----------------------------------------------------------------


def truth(file_name: str, sheets: list[Sheet]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The records and issues a correct cleaner returns for this file."""
    records, issues = [], []
    for sheet in sheets:
        for i, row in enumerate(sheet.rows, start=1):
            for j, cell in enumerate(row.cells, start=1):
                source = f"{file_name}#{sheet.name}!{get_column_letter(j)}{i}"
                if isinstance(cell, Rec):
                    records.append((row.area, row.group, row.period, cell.measure,
                                    cell.value, cell.qualifier, source))
                elif isinstance(cell, Bad):
                    issues.append((source, "error", cell.rule))
                elif isinstance(cell, Unknown) and not cell.quiet:
                    issues.append((source, "warning", "unknown_column"))
                elif isinstance(cell, WrongTotal):
                    issues.append((source, "error", "total_mismatch"))
    # Rows come out in reading order (sheet, row, column): deterministic and easy to check by eye.
    return pd.DataFrame(records, columns=RECORD_COLUMNS), pd.DataFrame(issues, columns=ISSUE_COLUMNS)


# -- writers -------------------------------------------------------------------


def write_xlsx(path: Path, sheets: list[Sheet]) -> None:
    """Write the sheets with fixed document dates and zip timestamps (byte-stable output)."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        for i, row in enumerate(sheet.rows, start=1):
            for j, cell in enumerate(row.cells, start=1):
                value = raw_of(cell)
                if value is not None:
                    ws.cell(i, j, value)
        for rng in sheet.merges:
            ws.merge_cells(rng)
    wb.properties.creator = "civicstats data/make_samples.py"
    wb.properties.title = SYNTHETIC
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()  # not save_workbook: it stamps "modified" with now()
    # openpyxl stamps every zip member with the current time; restamp them.
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2023, 11, 1, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    path.write_bytes(out.getvalue())


def write_text_csv(path: Path, sheet: Sheet, encoding: str) -> None:
    """A CSV export as a street office sends it (title and notes included), in ``encoding``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in sheet.rows:
        writer.writerow(["" if raw_of(c) is None else raw_of(c) for c in row.cells])
    path.write_bytes(buf.getvalue().encode(encoding))


# -- plausible series ------------------------------------------------------------


def partner_series(rng: random.Random) -> dict:
    """{community: {measure: [value per month]}}; monotone, published points fixed."""
    out = {
        "天悦社区": {"resident_partners": [10, 12, 14, 17, 20, 22],
                 "group_partners": [22, 25, 28, 31, 35, 37],
                 "partner_projects": [3, 5, 6, 8, 10, 11],
                 "social_organisations": [12, 12, 13, 13, 14, 14]},
        "工人路社区": {"resident_partners": [6, 7, 8, 9, 11, 12],
                  "group_partners": [7, 8, 9, 10, 10, 12],  # 2023-09 is "10余"
                  "partner_projects": [14, 16, 17, 19, 20, 22],  # 2023-09 is "20余"
                  "social_organisations": [30, 31, 32, 33, 34, 34]},
    }
    for name in COMMUNITIES:
        if name in out:
            continue
        series = {}
        for measure, (lo, hi), step in [("resident_partners", (4, 12), 3), ("group_partners", (6, 18), 3),
                                        ("partner_projects", (2, 8), 2), ("social_organisations", (8, 25), 1)]:
            v = rng.randint(lo, hi)
            values = []
            for _ in MONTHS:
                values.append(v)
                v += rng.randint(0, step)
            series[measure] = values
        out[name] = series
    return out


CHILDCARE_TARGET = {"北干街道": (120, 72), "城厢街道": (110, 66), "盈丰街道": (100, 60),
                    "南阳街道": (90, 54), "新街街道": (100, 60), "新塘街道": (80, 48)}
"""2023 targets per street (new slots, of which 普惠); they add up to 600 / 360."""
CHILDCARE_DONE_SEP = {"北干街道": (190, 118, 8), "城厢街道": (170, 104, 7), "盈丰街道": (150, 92, 7),
                      "南阳街道": (130, 80, 6), "新街街道": (160, 98, 7), "新塘街道": (123, 76, 5)}
"""Done by September per street (slots, 普惠, growth stations); they add up to 923 / 568 / 40."""
CHILDCARE_PACE = dict(zip(MONTHS, [0.45, 0.60, 0.72, 0.85, 1.0, 1.08], strict=True))


def childcare_values(period: str) -> dict:
    """{street: {measure: value}} for one month (cumulative since January)."""
    f = CHILDCARE_PACE[period]
    out = {}
    for street in STREETS:
        target, inclusive = CHILDCARE_TARGET[street]
        slots, inc, stations = CHILDCARE_DONE_SEP[street]
        out[street] = {"slots_target": target, "inclusive_slots_target": inclusive,
                       "slots_added": round(slots * f), "inclusive_slots_added": round(inc * f),
                       "growth_stations": round(stations * f)}
    return out


TEAMS = [
    ("天悦社区", "天悦红管家志愿队"), ("育才东苑社区", "育才东苑邻里帮志愿队"),
    ("工人路社区", "工人路先锋志愿队"), ("湘湖社区", "湘湖护河志愿队"),
    ("盈二社区", "盈二巾帼志愿队"), ("赭东村", "赭东乡贤志愿队"),
    ("南阳社区", "南阳邻里守望队"), ("新街社区", "新街文明劝导队"),
    ("新塘社区", "新塘亚运城市志愿者服务队"),
]


def volunteer_series(rng: random.Random) -> dict:
    """{team: {measure: [per month]}}: headcount (monotone), hours and people served per month."""
    out = {}
    for _, team in TEAMS:
        v = rng.randint(15, 45)
        series = {"volunteers": [], "service_hours": [], "people_served": []}
        for _ in MONTHS:
            series["volunteers"].append(v)
            series["service_hours"].append(v * rng.randint(3, 8))
            series["people_served"].append(rng.randint(60, 400))
            v += rng.randint(0, 4)
        out[team] = series
    return out


# -- the files ----------------------------------------------------------------------


def note_rows(*extra):
    return [plain(f"注：{SYNTHETIC}。{''.join(extra)}"), plain("填报人：张某某　　联系电话：（略）　　审核人：李某某")]


def partners_files(rng: random.Random) -> dict:
    s = partner_series(rng)
    files = {}
    measures4 = PARTNER_MEASURES

    def vals(name, period, kinds=("ex",) * 4):
        i = MONTHS.index(period)
        maker = {"ex": ex, "tx": tx, "fw": fw}
        return [maker[k](s[name][m][i], m) for k, m in zip(kinds, measures4, strict=True)]

    # 2023-05: no period column; the period comes from the sheet name "5月" and the title's year.
    p = "2023-05"
    rows = [plain(f"2023年度社区合伙人统计表（{SYNTHETIC}）"), plain("填报单位：区民政局（汇总）"),
            plain(Unknown("序号"), "街道", "社区", "居民合伙人", "团体合伙人", "合伙人项目", "社会组织", Unknown("备注"))]
    body = []
    for k, name in enumerate(COMMUNITIES, start=1):
        remark = "5月13日发布招募令" if name == "天悦社区" else None
        body.append(r([k, STREET_OF[name], name, *vals(name, p), remark], area=name, period=p))
    rows += body + [total_row([None, "合计"], body, [(3 + k, m) for k, m in enumerate(measures4)])]
    rows += [BLANK, *note_rows("天悦社区于5月13日发布“社区合伙人”招募令。")]
    files["partners_2023-05.xlsx"] = [Sheet("5月", rows, merges=["A1:H1", "A2:H2"])]

    # 2023-06: period column with Chinese dates, numbers stored as text, full-width digits,
    # U+3000 / NBSP padding, a blank row inside the table.
    p = "2023-06"
    rows = [plain(f"2023年6月社区合伙人情况（{SYNTHETIC}）"), BLANK,
            plain("统计月份", "所属街道", "社区名称", "居民合伙人数", "团体合伙人数", "合伙人项目数", "社会组织数")]
    kinds = [("tx",) * 4, ("fw",) * 4, ("ex",) * 4]
    for k, name in enumerate(COMMUNITIES):
        shown = {"工人路社区": "\u3000工人路社区", "湘湖社区": "湘湖社区\u00a0", "盈二社区": "\u3000盈二社区\u3000"}.get(name, name)
        rows.append(r(["2023年6月", STREET_OF[name], shown, *vals(name, p, kinds[k % 3])], area=name, period=p))
        if k == 4:
            rows.append(BLANK)
    rows += [BLANK, *note_rows()]
    files["partners_2023-06.xlsx"] = [Sheet("Sheet1", rows)]

    # 2023-07: 小计 per street and ONE deliberately wrong 合计 (group partners +3).
    p = "2023-07"
    cols = [(2 + k, m) for k, m in enumerate(measures4)]
    rows = [plain(f"2023年7月社区合伙人统计（{SYNTHETIC}）"), plain("填报单位：区民政局"),
            plain("街道", "社区", "居民合伙人", "团体合伙人", "合伙人项目", "社会组织")]
    body = []
    for street in STREETS:
        part = [r([street, name, *vals(name, p)], area=name, period=p)
                for name in COMMUNITIES if STREET_OF[name] == street]
        body += part
        rows += part + [total_row([f"{street}小计"], part, cols)]
    rows.append(total_row(["合计"], body, cols, wrong=("group_partners", 3)))
    rows += note_rows()
    files["partners_2023-07.xlsx"] = [Sheet("7月", rows)]

    # 2023-08: blank leading rows/columns and a blank column inside the table; aliases for
    # area names; dates as text and as a real date cell.
    p = "2023-08"
    rows = [BLANK, plain(None, f"社区合伙人月报 2023年8月（{SYNTHETIC}）"), BLANK,
            plain(None, "社区", "日期", None, "居民合伙人", "团体合伙人", "合伙人项目", "社会组织")]
    alias = {"天悦社区": "北干街道天悦社区", "工人路社区": "城厢街道工人路社区", "赭东村": "南阳街道赭东村"}
    for k, name in enumerate(COMMUNITIES):
        date = dt.datetime(2023, 8, 25) if k == 0 else "2023/8/25"
        rows.append(r([None, alias.get(name, name), date, None, *vals(name, p)], area=name, period=p))
    rows += [BLANK, BLANK, plain(None, f"注：{SYNTHETIC}。")]
    files["partners_2023-08.xlsx"] = [Sheet("8月", rows, merges=["B2:H2"])]

    # 2023-09, one file per street. 北干街道: the published 20 / 35 for 天悦社区, a 合计 row.
    p = "2023-09"
    names = ["天悦社区", "育才东苑社区"]
    rows = [plain(f"北干街道2023年9月社区合伙人统计表（{SYNTHETIC}）"), plain("填报单位：北干街道"),
            plain("社区", "居民合伙人", "团体合伙人", "合伙人项目", "社会组织", "填报时间")]
    body = [r([n, *vals(n, p), "2023/9/20"], area=n, period=p) for n in names]
    rows += body + [total_row(["合计"], body, [(1 + k, m) for k, m in enumerate(measures4)])]
    rows += note_rows("天悦社区数据与区报报道一致（居民合伙人20位、团体合伙人35家）。")
    files["partners_2023-09_北干街道.xlsx"] = [Sheet("9月", rows, merges=["A1:F1"])]

    # 城厢街道: the published 10余 units, 20余 projects, 34 social organisations of 工人路社区.
    i = MONTHS.index(p)
    rows = [plain(f"城厢街道社区合伙人情况 2023年9月（{SYNTHETIC}）"),
            plain("村（社区）", "居民合伙人", "单位合伙人", "项目数", "社会组织"),
            r(["工人路社区", ex(s["工人路社区"]["resident_partners"][i], "resident_partners"),
               Rec("10余", "group_partners", 10.0, "at_least"),
               Rec("20余", "partner_projects", 20.0, "at_least"),
               ex(34, "social_organisations")], area="工人路社区", period=p),
            r(["湘湖社区", *vals("湘湖社区", p)], area="湘湖社区", period=p),
            *note_rows()]
    files["partners_2023-09_城厢街道.xlsx"] = [Sheet("Sheet1", rows)]

    # 南阳街道: "截至9月底" with the year in the title.
    rows = [plain(f"2023年南阳街道社区合伙人统计（截至9月底）（{SYNTHETIC}）"),
            plain("社区", "个人合伙人", "合伙人单位", "项目数量", "社会组织")]
    rows += [r([n, *vals(n, p)], area=n, period=p) for n in ["赭东村", "南阳社区"]]
    rows += note_rows()
    files["partners_2023-09_南阳街道.xlsx"] = [Sheet("统计表", rows)]

    # 2023-10: an unreadable cell (待核实), an 约 qualifier, a missing marker (—).
    p = "2023-10"
    rows = [plain(f"2023年10月社区合伙人统计（{SYNTHETIC}）"),
            plain("所属街道", "社区", "居民合伙人", "团体合伙人", "合伙人项目", "社会组织")]
    for name in COMMUNITIES:
        cells = vals(name, p)
        if name == "新塘社区":
            cells[0] = Bad("待核实")
        if name == "盈二社区":
            v = s[name]["group_partners"][MONTHS.index(p)]
            cells[1] = Rec(f"约{v}", "group_partners", float(v), "approx")
        if name == "新街社区":
            cells[3] = "—"
        rows.append(r([STREET_OF[name], name, *cells], area=name, period=p))
    rows += note_rows("新塘社区居民合伙人数待核实。")
    files["partners_2023-10.xlsx"] = [Sheet("10月", rows)]
    return files


def childcare_table(period, *, first_row_cells=None, kinds=None):
    """Street rows of the two-row-header layout: 序号 街道 | 计划(合计, 其中普惠) | 完成(合计, 其中普惠) | 驿站 | 备注."""
    values = childcare_values(period)
    rows = []
    for k, street in enumerate(STREETS, start=1):
        maker = (kinds or {}).get(street, ex)
        cells = [maker(values[street][m], m) for m in CHILDCARE_MEASURES]
        rows.append(r([k, street, *cells, None], area=street, period=period))
    return rows


MERGED_HEADER = [
    plain(Unknown("序号"), "街道", "计划新增托位", None, "已完成新增托位", None, "婴幼儿成长驿站", Unknown("备注")),
    plain(None, None, "合计", "其中：普惠托位", "合计", "其中：普惠托位"),
]


def childcare_files() -> dict:
    files = {}
    cols = [(2 + k, m) for k, m in enumerate(CHILDCARE_MEASURES)]

    def merged(top):  # merges for a two-row header starting at row ``top``
        return [f"A{top}:A{top + 1}", f"B{top}:B{top + 1}", f"C{top}:D{top}", f"E{top}:F{top}",
                f"G{top}:G{top + 1}", f"H{top}:H{top + 1}"]

    # 2023-05: the merged two-row header; period from the sheet name "2023年5月".
    body = childcare_table("2023-05")
    rows = [plain(f"2023年民生实事新增托位建设进度表（{SYNTHETIC}）"), plain("填报单位：区卫生健康局"), BLANK,
            *MERGED_HEADER, *body, total_row([None, "合计"], body, cols), *note_rows("托位数为年内累计。")]
    files["childcare_2023-05.xlsx"] = [Sheet("2023年5月", rows, merges=["A1:H1", *merged(4)])]

    # 2023-06 and 2023-07 in one workbook, one sheet per month; single-row headers, 7月 as text.
    sheets = []
    for period, sheet_name, maker in [("2023-06", "6月", ex), ("2023-07", "7月", tx)]:
        values = childcare_values(period)
        rows = [plain(f"2023年托位建设月报（{SYNTHETIC}）"),
                plain("街道", "计划新增托位", "计划新增普惠托位", "已完成新增托位", "已完成普惠托位", "婴幼儿成长驿站")]
        rows += [r([st, *[maker(values[st][m], m) for m in CHILDCARE_MEASURES]], area=st, period=period)
                 for st in STREETS]
        rows += note_rows()
        sheets.append(Sheet(sheet_name, rows))
    files["childcare_2023-06_07.xlsx"] = sheets

    # 2023-08: 所属镇街 with short aliases, a blank column, a 完成率 column, a period column.
    p = "2023-08"
    values = childcare_values(p)
    short = {"北干街道": "北干", "城厢街道": "城厢", "南阳街道": "南阳"}
    rows = [plain(f"各镇街托位建设情况（{SYNTHETIC}）"),
            plain("统计月份", "所属镇街", None, "计划新增托位", "其中：普惠", "完成新增托位", "其中：普惠",
                  "婴幼儿成长驿站数", Unknown("完成率"))]
    body = []
    for st in STREETS:
        cells = [ex(values[st][m], m) for m in CHILDCARE_MEASURES]
        rate = f"{values[st]['slots_added'] / values[st]['slots_target']:.1%}"
        body.append(r(["2023年8月", short.get(st, st), None, *cells, rate], area=st, period=p))
    rows += body + [total_row([None, "合计"], body, [(3 + k, m) for k, m in enumerate(CHILDCARE_MEASURES)]),
                    *note_rows()]
    files["childcare_2023-08.xlsx"] = [Sheet("Sheet1", rows)]

    # 2023-09: the published month. Street rows add up to 600/360 target, 923/568 done, 40 stations.
    body = childcare_table("2023-09")
    rows = [plain(f"萧山区2023年民生实事新增托位完成情况（截至2023年9月）（{SYNTHETIC}）"),
            plain("填报单位：区卫生健康局　　单位：个、家"),
            *MERGED_HEADER, *body, total_row([None, "合计"], body, cols),
            plain("注：计划新增托位600个，其中普惠托位360个；已完成923个，其中普惠568个；新增婴幼儿成长驿站40家。"),
            *note_rows()]
    files["childcare_2023-09.xlsx"] = [Sheet("9月", rows, merges=["A1:H1", *merged(3)])]

    # 2023-10: full-width digits, blank rows between the streets, period column 2023年10月.
    p = "2023-10"
    values = childcare_values(p)
    rows = [plain(f"2023年10月托位建设进度（{SYNTHETIC}）"), BLANK,
            plain("街道", "月份", "计划新增托位", "计划新增普惠托位", "已完成新增托位", "完成普惠托位", "婴幼儿成长驿站")]
    body = []
    for k, st in enumerate(STREETS):
        maker = fw if k % 2 == 0 else ex
        body.append(r([st, "2023年10月", *[maker(values[st][m], m) for m in CHILDCARE_MEASURES]], area=st, period=p))
    for k, row in enumerate(body):
        rows.append(row)
        if k == 2:
            rows.append(BLANK)
    rows += [total_row(["合计"], body, [(2 + k, m) for k, m in enumerate(CHILDCARE_MEASURES)]), *note_rows()]
    files["childcare_2023-10.xlsx"] = [Sheet("10月", rows)]
    return files


def volunteers_files(rng: random.Random) -> dict:
    s = volunteer_series(rng)
    files = {}
    vm = ["volunteers", "service_hours", "people_served"]

    def vals(team, period, maker=ex):
        i = MONTHS.index(period)
        return [maker(s[team][m][i], m) for m in vm]

    # 2023-05: 序号, Chinese dates in 活动日期, 余 / 约 qualifiers.
    p = "2023-05"
    rows = [plain(f"2023年5月志愿服务情况统计（{SYNTHETIC}）"), plain("填报单位：区志愿者协会"),
            plain(Unknown("序号"), "街道", "社区", "志愿队伍", "志愿者人数", "服务时长（小时）", "服务人次", "活动日期")]
    for k, (comm, team) in enumerate(TEAMS, start=1):
        cells = vals(team, p)
        if k == 2:
            v = s[team]["volunteers"][0]
            cells[0] = Rec(f"{v}余人", "volunteers", float(v), "at_least")
        if k == 4:
            v = s[team]["people_served"][0]
            cells[2] = Rec(f"约{v}", "people_served", float(v), "approx")
        rows.append(r([k, STREET_OF[comm], comm, team, *cells, f"2023年5月{10 + k}日"], area=comm, group=team, period=p))
    rows += note_rows()
    files["volunteers_2023-05.xlsx"] = [Sheet("Sheet1", rows)]

    # 2023-06: 地区 column, 万 / 万元 / 亿元 units.
    p = "2023-06"
    rows = [plain(f"志愿服务月报（2023年6月）（{SYNTHETIC}）"),
            plain("地区", "团队名称", "参与人数", "服务人次", "捐赠金额", "日期")]
    for k, (comm, team) in enumerate(TEAMS):
        i = MONTHS.index(p)
        cells = [ex(s[team]["volunteers"][i], "volunteers"), ex(s[team]["people_served"][i], "people_served"), None]
        if k == 0:
            cells[1] = Rec("1.2万", "people_served", 12000.0)
        if k == 3:
            cells[2] = Rec("5万元", "funds_yuan", 50000.0)
        if k == 6:
            cells[2] = Rec("0.8万元", "funds_yuan", 8000.0)
        if k == 8:  # 亚运 sponsorship in 亿元
            cells[2] = Rec("0.012亿元", "funds_yuan", 1200000.0)
        rows.append(r([comm, team, *cells, "2023年6月"], area=comm, group=team, period=p))
    rows += note_rows("捐赠金额含物资折价。")
    files["volunteers_2023-06.xlsx"] = [Sheet("6月", rows)]

    # 2023-07: 小计 per street and a correct 合计.
    p = "2023-07"
    cols = [(3 + k, m) for k, m in enumerate(vm)]
    rows = [plain(f"2023年7月志愿服务统计（{SYNTHETIC}）"),
            plain("街道", "社区", "志愿队伍", "志愿者人数", "服务时长（小时）", "服务人次")]
    body = []
    for street in STREETS:
        part = [r([street, comm, team, *vals(team, p)], area=comm, group=team, period=p)
                for comm, team in TEAMS if STREET_OF[comm] == street]
        body += part
        rows += part + [total_row([f"{street}小计"], part, cols)]
    rows += [total_row(["合计"], body, cols), *note_rows()]
    files["volunteers_2023-07.xlsx"] = [Sheet("7月", rows)]

    # 2023-08: numbers stored as text, NBSP / U+3000 padding, blank rows and columns, 备注.
    p = "2023-08"
    rows = [BLANK, plain(None, f"2023年8月志愿服务统计（{SYNTHETIC}）"), BLANK,
            plain(None, "社区", "志愿队伍", None, "志愿者人数", "服务时长", "服务人次", "统计月份", Unknown("备注"))]
    for k, (comm, team) in enumerate(TEAMS):
        shown = comm + "\u00a0" if k % 3 == 0 else ("\u3000" + comm if k % 3 == 1 else comm)
        remark = "亚运保障" if comm == "新塘社区" else None
        rows.append(r([None, shown, team, None, *vals(team, p, tx), "2023-08", remark], area=comm, group=team, period=p))
        if k == 4:
            rows.append(BLANK)
    rows += [BLANK, plain(None, f"注：{SYNTHETIC}。")]
    files["volunteers_2023-08.xlsx"] = [Sheet("8月", rows)]

    # 2023-09: the published district teams (39 / 200余, 70余, 30万元), aliases, 多, dates 2023/9/20.
    p = "2023-09"
    rows = [plain(f"2023年9月志愿服务统计（{SYNTHETIC}）"),
            plain("地区", "志愿队伍", "志愿者人数", "服务时长（小时）", "服务人次", "物资金额", "活动日期"),
            r(["萧山区", "志愿宣讲团", ex(39, "volunteers"), None, Rec("200余", "people_served", 200.0, "at_least"),
               None, "2023/9/20"], area="萧山区", group="志愿宣讲团", period=p),
            r(["萧山区", "春之歌艺术团", Rec("70余", "volunteers", 70.0, "at_least"), None, None, None, "2023年9月"],
              area="萧山区", group="春之歌艺术团", period=p),
            r(["萧山区", "荣盛慈善基金", None, None, None, Rec("30万元", "funds_yuan", 300000.0), "2023/9/22"],
              area="萧山区", group="荣盛慈善基金", period=p)]
    alias = {"天悦社区": "北干街道天悦社区", "盈二社区": "盈丰街道盈二社区"}
    for k, (comm, team) in enumerate(TEAMS):
        cells = vals(team, p)
        if comm == "赭东村":
            v = s[team]["volunteers"][MONTHS.index(p)]
            cells[0] = Rec(f"{v}多", "volunteers", float(v), "at_least")
        rows.append(r([alias.get(comm, comm), team, *cells, None, f"2023/9/{5 + k}"], area=comm, group=team, period=p))
    rows += note_rows("区级队伍数据来自区报报道。")
    files["volunteers_2023-09.xlsx"] = [Sheet("9月", rows)]

    # 2023-10: the GBK CSV export, with a title line, notes and an unreadable "10-20".
    p = "2023-10"
    stem = "volunteers_2023-10"
    rows = [plain(f"2023年10月志愿服务统计（{SYNTHETIC}）"),
            plain("街道", "社区", "志愿队伍", "志愿者人数", "服务时长（小时）", "服务人次", "活动日期")]
    for k, (comm, team) in enumerate(TEAMS):
        cells = vals(team, p)
        if comm == "湘湖社区":
            cells[2] = Bad("10-20")
        if comm == "新街社区":
            cells[1] = fw(s[team]["service_hours"][MONTHS.index(p)], "service_hours")
        rows.append(r([STREET_OF[comm], comm, team, *cells, f"2023年10月{8 + k}日"], area=comm, group=team, period=p))
    rows += [BLANK, *note_rows("湘湖社区服务人次为区间，待核实。")]
    files[f"{stem}.csv"] = [Sheet(stem, rows)]
    return files


def all_files() -> dict:
    """{(domain, file name): [Sheet, ...]} for every sample file, built from one seeded generator."""
    rng = random.Random(SEED)
    out = {}
    for domain, files in [("partners", partners_files(rng)), ("childcare", childcare_files()),
                          ("volunteers", volunteers_files(rng))]:
        for name, sheets in files.items():
            out[(domain, name)] = sheets
    return out


def generate(raw_dir: Path, expected_dir: Path) -> list[Path]:
    """Write every sample file into ``raw_dir/<domain>/`` and its truth into ``expected_dir/<domain>/``."""
    written = []
    for (domain, name), sheets in all_files().items():
        (raw_dir / domain).mkdir(parents=True, exist_ok=True)
        (expected_dir / domain).mkdir(parents=True, exist_ok=True)
        path = raw_dir / domain / name
        if name.endswith(".csv"):
            write_text_csv(path, sheets[0], encoding="gbk")
        else:
            write_xlsx(path, sheets)
        records, issues = truth(name, sheets)
        write_csv(records, expected_dir / domain / f"{name}.records.csv")
        write_csv(issues, expected_dir / domain / f"{name}.issues.csv")
        written.append(path)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write DIR/raw and DIR/expected instead of the repo folders")
    args = parser.parse_args(argv)
    if args.out:
        raw, expected = args.out / "raw", args.out / "expected"
    else:
        raw, expected = ROOT / "data" / "raw", ROOT / "tests" / "expected"
    written = generate(raw, expected)
    print(f"wrote {len(written)} synthetic sample files under {raw} and their truth under {expected}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
