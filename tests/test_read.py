"""civicstats.read: files -> grids of raw cells positioned from A1."""

import base64
import datetime as dt
import re
import shutil
import zipfile
import zlib

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill

import civicstats.read
from civicstats.clean import clean
from civicstats.errors import FileUnreadable
from civicstats.read import address, parse_address, read_grids, source
from tests.conftest import SHARED

REALWORLD = SHARED / "realworld"


def _workbook(path, build):
    wb = openpyxl.Workbook()
    build(wb)
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("row", "col", "ref"),
    [(0, 0, "A1"), (6, 2, "C7"), (0, 25, "Z1"), (0, 26, "AA1"), (9, 701, "ZZ10"),
     (1_048_575, 16_383, "XFD1048576")],
)
def test_addresses_are_spreadsheet_style_and_round_trip(row, col, ref):
    assert address(row, col) == ref
    assert parse_address(ref) == (row, col)


def test_xlsx_cells_sit_at_their_sheet_position_counted_from_a1(tmp_path):
    def build(wb):
        ws = wb.active
        ws.title = "9月"
        ws["C3"] = "社区"
        ws["D3"] = "人数"
        ws["C4"] = "北干"
        ws["D4"] = 12
        ws["E4"] = 1.5
        ws["F4"] = True
        ws["G4"] = dt.datetime(2023, 9, 25, 10, 30)

    path = _workbook(tmp_path / "partners_2023-09.xlsx", build)
    [grid] = read_grids(path)
    cells = grid.cells
    assert (grid.file, grid.sheet) == ("partners_2023-09.xlsx", "9月")
    assert cells.shape == (4, 7)
    assert list(cells.index) == [0, 1, 2, 3] and list(cells.columns) == list(range(7))
    assert cells.iat[2, 2] == "社区" and cells.iat[3, 2] == "北干"
    assert cells.iat[3, 3] == 12 and cells.iat[3, 4] == 1.5 and cells.iat[3, 5] is True
    assert cells.iat[3, 6] == dt.datetime(2023, 9, 25, 10, 30)
    assert cells.iat[0, 0] is None and cells.iat[2, 4] is None  # empty cells are None, not ""
    assert all(str(t) == "object" for t in cells.dtypes)
    assert source(grid, 3, 3) == "partners_2023-09.xlsx#9月!D4"


def test_merged_ranges_are_zero_based_and_inclusive(tmp_path):
    def build(wb):
        ws = wb.active
        ws["B2"] = "已完成新增托位"
        ws.merge_cells("B2:D2")
        ws["A2"] = "社区"
        ws.merge_cells("A2:A3")
        ws["B3"] = "合计"

    [grid] = read_grids(_workbook(tmp_path / "m.xlsx", build))
    assert sorted(grid.merged) == [(1, 0, 2, 0), (1, 1, 1, 3)]
    assert grid.cells.shape == (3, 4)  # the grid reaches the end of the last merged range
    assert grid.cells.iat[1, 1] == "已完成新增托位" and grid.cells.iat[1, 2] is None


def test_every_sheet_with_values_becomes_a_grid_and_formatting_only_sheets_are_skipped(tmp_path):
    def build(wb):
        wb.active.title = "8月"
        wb.active["A1"] = 1
        styled = wb.create_sheet("样式")
        styled["B2"].font = Font(bold=True)
        styled["C3"].fill = PatternFill("solid", fgColor="FFFF00")
        styled.column_dimensions["D"].width = 40
        wb.create_sheet("空白")
        wb.create_sheet("9月")["B5"] = "x"

    grids = read_grids(_workbook(tmp_path / "months.xlsx", build))
    assert [g.sheet for g in grids] == ["8月", "9月"]
    assert grids[1].cells.iat[4, 1] == "x"


def test_a_workbook_with_no_values_at_all_gives_no_grids(tmp_path):
    def build(wb):
        wb.active["A1"].font = Font(italic=True)

    assert read_grids(_workbook(tmp_path / "blank.xlsx", build)) == []


def test_formulas_without_saved_values_are_noted_and_not_evaluated(tmp_path):
    def build(wb):
        ws = wb.active
        ws.title = "S"
        ws["B3"], ws["B4"] = 2, 3
        ws["B5"] = "=SUM(B3:B4)"

    [grid] = read_grids(_workbook(tmp_path / "f.xlsx", build))
    values = set(grid.cells.to_numpy().ravel())
    assert 5 not in values and "5" not in values  # never evaluated
    [(cell, rule, message)] = grid.notes
    assert (cell, rule) == ("B5", "formula_without_value")
    assert "=SUM(B3:B4)" in message and "请用 Excel 打开文件、保存后重新发送" in message


def test_an_xlsx_named_csv_is_read_as_the_workbook_it_is(tmp_path):
    path = _workbook(tmp_path / "book.xlsx", lambda wb: wb.active.__setitem__("A1", "值"))
    renamed = tmp_path / "book.csv"
    path.rename(renamed)
    [grid] = read_grids(renamed)
    assert grid.cells.iat[0, 0] == "值"


def test_csv_cells_are_strings_with_ragged_metadata_lines_above_the_header(tmp_path):
    header = ",".join(["地区"] + [f"{y}年" for y in range(2017, 1992, -1)])
    lines = ["数据库：分省年度数据", "指标：地区生产总值(亿元)", header,
             "北京市," + ",".join(["28014.94"] * 25), "", "注：数据来源"]
    path = tmp_path / "gdp.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [grid] = read_grids(path)
    assert (grid.file, grid.sheet) == ("gdp.csv", "gdp")
    assert grid.cells.shape == (6, 26)
    assert grid.cells.iat[0, 0] == "数据库：分省年度数据" and grid.cells.iat[0, 1] is None
    assert grid.cells.iat[3, 1] == "28014.94"  # numbers stay text
    assert grid.cells.iloc[4].isna().all()
    assert source(grid, 3, 25) == "gdp.csv#gdp!Z4"


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param("a;b;c\n1;2;3\n", ["1", "2", "3"], id="semicolon"),
     pytest.param("a\tb\tc\n1\t2\t3\n", ["1", "2", "3"], id="tab"),
     pytest.param('a,b,c\n"1,200","多行\n备注",3\n', ["1,200", "多行\n备注", "3"], id="quoted")],
)
def test_csv_delimiter_is_sniffed_and_quotes_are_respected(tmp_path, text, expected):
    path = tmp_path / "d.csv"
    path.write_text(text, encoding="utf-8", newline="")
    [grid] = read_grids(path)
    assert list(grid.cells.iloc[1]) == expected


def test_a_csv_with_only_blank_lines_gives_no_grids(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("\n\n , \n", encoding="utf-8")
    assert read_grids(path) == []


def test_a_missing_file_is_unreadable_with_its_name(tmp_path):
    with pytest.raises(FileUnreadable, match="nothere.xlsx"):
        read_grids(tmp_path / "nothere.xlsx")


REAL_FILES = sorted(p for p in REALWORLD.glob("*") if p.suffix.lower() in {".xls", ".xlsx", ".csv"}
                    ) if REALWORLD.is_dir() else []


@pytest.mark.skipif(not REAL_FILES, reason="shared/realworld is not present")
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_every_real_public_spreadsheet_reads_into_grids_with_values(path):
    grids = read_grids(path)
    assert grids
    for grid in grids:
        assert grid.file == path.name
        assert grid.cells.notna().to_numpy().any()
        for r0, c0, r1, c1 in grid.merged:
            assert 0 <= r0 <= r1 < grid.cells.shape[0] and 0 <= c0 <= c1 < grid.cells.shape[1]


@pytest.mark.skipif(not REAL_FILES, reason="shared/realworld is not present")
def test_real_gbk_csv_decodes_to_chinese_text():
    [path] = [p for p in REAL_FILES if p.name.startswith("nbs-export-gbk_")]
    [grid] = read_grids(path)
    assert grid.cells.iat[0, 0].startswith("数据库")
    assert "北京市" in set(grid.cells[0])


@pytest.mark.skipif(not REAL_FILES, reason="shared/realworld is not present")
def test_real_legacy_xls_keeps_its_merged_header(tmp_path):
    [path] = [p for p in REAL_FILES if p.name.startswith("ngo-volunteer")]
    [first, *_] = read_grids(path)
    assert len(first.merged) > 10


@pytest.mark.skipif(not REAL_FILES, reason="shared/realworld is not present")
def test_an_xls_saved_with_an_xlsx_name_is_read_by_its_content(tmp_path):
    original = next(p for p in REAL_FILES if p.suffix == ".xls")
    renamed = tmp_path / "renamed.xlsx"
    shutil.copyfile(original, renamed)
    expected = read_grids(original)
    got = read_grids(renamed)
    assert [g.sheet for g in got] == [g.sheet for g in expected]
    assert got[0].cells.equals(expected[0].cells)
    assert got[0].merged == expected[0].merged


# --- Excel error values -------------------------------------------------------------------


def _with_formula_in(path, ref, formula):
    """Rewrite one error cell of an openpyxl-written xlsx to carry a formula, as Excel does."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data, n = re.subn(rb'(<c r="%s"[^>]*>)' % ref.encode(),
                                  rb"\1<f>%s</f>" % formula.encode(), data)
                assert n == 1
            dst.writestr(info, data)
    tmp.replace(path)
    return path


def test_openpyxl_writes_error_strings_as_excel_error_cells(tmp_path):
    def build(wb):
        wb.active["B2"] = "#REF!"

    path = _workbook(tmp_path / "e.xlsx", build)
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert b'<c r="B2" t="e"><v>#REF!</v></c>' in xml  # what the reader must recognise


def test_xlsx_error_cells_keep_their_error_text_at_their_address(tmp_path):
    codes = ["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"]

    def build(wb):
        ws = wb.active
        ws["A1"] = "社区"
        ws["B1"] = "居民合伙人"
        for i, code in enumerate(codes):
            ws.cell(row=i + 2, column=1, value=f"社区{i}")
            ws.cell(row=i + 2, column=2, value=code)
        ws["C3"] = 5

    path = _with_formula_in(_workbook(tmp_path / "e.xlsx", build), "B3", "1/0")
    [grid] = read_grids(path)
    assert [grid.cells.iat[i + 1, 1] for i in range(len(codes))] == codes
    assert grid.cells.iat[2, 2] == 5 and grid.cells.iat[0, 2] is None
    assert grid.cells.shape == (8, 3)
    assert grid.notes == []  # a formula with a saved error value is not "without value"


def test_a_sheet_whose_only_value_is_an_error_is_still_a_grid_and_merges_still_fit(tmp_path):
    def build(wb):
        wb.active.title = "错误"
        wb.active["D4"] = "#N/A"
        wb.active.merge_cells("A6:B7")
        other = wb.create_sheet("合并")
        other["A1"] = "#REF!"
        other.merge_cells("A1:C2")

    [only, merged] = read_grids(_workbook(tmp_path / "e.xlsx", build))
    assert only.sheet == "错误" and only.cells.shape == (7, 4)
    assert only.cells.iat[3, 3] == "#N/A" and only.merged == [(5, 0, 6, 1)]
    assert [v for v in only.cells.values.ravel() if v is not None] == ["#N/A"]
    assert merged.cells.shape == (2, 3) and merged.cells.iat[0, 0] == "#REF!"
    assert merged.merged == [(0, 0, 1, 2)]


def test_an_excel_error_becomes_an_excel_error_issue_at_its_cell_when_cleaned(tmp_path):
    def build(wb):
        ws = wb.active
        for row in [["2023年9月合伙人统计", None], ["社区", "居民合伙人"],
                    ["天悦社区", "#REF!"], ["工人路社区", 10]]:
            ws.append(row)

    path = _with_formula_in(_workbook(tmp_path / "partners.xlsx", build), "B3", "Sheet2!A1")
    records, issues, _ = clean(path, "partners")
    errors = issues[issues.rule == "excel_error"]
    assert errors.source.tolist() == ["partners.xlsx#Sheet!B3"]
    assert errors.raw.tolist() == ["#REF!"]
    assert records.value.tolist() == [10.0]  # the good row beside it is kept


# xlwt 1.3 output (not a project dependency), zlib + base64: sheet 9月 with A1 title,
# A2:B2 社区 | 居民合伙人, A3 天悦社区, B3 #REF!, A4 工人路社区, B4 10, C5 #N/A
XLS_WITH_ERRORS = (
    "eNrtWEtoE1EUPW8yaT6kaVJbJRVKKFht7ELbjQpNVKhdmdYP+KFqUxtEGlIJ3dRFrdaspCC4UtwEiuCm6sZPdaE7"
    "F0JFF4IgJoorF6IouGgz3nszQ9OaRQNa/MwZ3n333Xfu+39m5vlcMJ+701TAMkThQNHwoKbMpih4rEQAlG8YrFqx"
    "m4Jh46+Cx00TWePEw9pnLp5Dnu8CNNzWn5AE3lHoxxnER9LJ8Cpit7QhobgNXSQVrpPFj5C0ql7kSZFrRN4S5iOR"
    "O8UyJbKLuHl1FHOxeGSbuYoPay2S5weXe098XotlKxrxlFfxucuqxHViV+Z0IvVnZjTrPkyD5q0nmU5mEqk8GmgC"
    "p/HNCANfrZ36OGzbV9euQPbvS+2uCvYrmg5MwBiQBZ6FD18cnKOp7XCfmkcvTTQk+KA6sAUd6MTocc50Hwz1zsbf"
    "jucukWt0bMcBJ1R3fzBVsutQbUduDJj2D8dm45+mOOHlE1x2fGDJjq+VneAjOYQ60YOyHwJ0ps/f/Pxi72Bf7IRY"
    "JuSUL90FG7j5MHCePcjZLzlOkdyPiHhsFnlBSl0vepPIBmJS3NrXaCp7JoVzUXJbqZ5OwcvYxjJ9E+nZj/vuN2ff"
    "x9pIn+kpnG2YeRXLoYXupiHy52cS7apdXbvKeBCzYmWeG29Ehn46Q9xawOybYV54dViAV9SgSGZwz7VlDCUMlqWU"
    "NX7M1yrwNeHzGDk1tzne6xSzHRXYDmHzWI9rnGJ2xCxdl7Fe5HN5OpVADBXV6nGXq6ITcRFe2LBhw4YNGzZs2Ph/"
    "UXqbLb2v6+bbO38RuMz/OgsUivZvkn8W+zFCzyh9mHYjTXEGY1Wtn7VwKqsstUIf638h4xDVnsEwBqUdw1WvX/qi"
    "U+X9WbFj4NdtoWrrL1bTzt9c/w9ZlNOk"
)


def test_small_xls_error_cells_keep_their_error_text(tmp_path):
    path = tmp_path / "partners.xls"
    path.write_bytes(zlib.decompress(base64.b64decode(XLS_WITH_ERRORS)))
    [grid] = read_grids(path)
    assert grid.sheet == "9月" and grid.cells.shape == (5, 3)
    assert grid.cells.iat[2, 1] == "#REF!" and grid.cells.iat[4, 2] == "#N/A"
    assert grid.cells.iat[3, 1] == 10 and grid.cells.iat[2, 0] == "天悦社区"
    _, issues, _ = clean(path, "partners")
    assert "partners.xls#9月!B3" in issues[issues.rule == "excel_error"].source.tolist()


@pytest.mark.parametrize("chunk", [23, 64, 301])
def test_error_cells_cut_between_xml_chunks_are_all_found(tmp_path, monkeypatch, chunk):
    def build(wb):
        ws = wb.active
        for r in range(1, 41):
            ws.cell(row=r, column=1, value=f"社区{r}")
            ws.cell(row=r, column=2, value="#DIV/0!" if r % 3 else r)

    path = _with_formula_in(_workbook(tmp_path / "e.xlsx", build), "B20", "SUM(" + "A1," * 150 + "A2)")
    expected = {r: "#DIV/0!" if r % 3 else r for r in range(1, 41)}
    monkeypatch.setattr(civicstats.read, "SCAN_CHUNK", chunk)  # Excel's XML, tiny steps
    [grid] = read_grids(path)
    assert {r + 1: grid.cells.iat[r, 1] for r in range(40)} == expected
