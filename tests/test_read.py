"""civicstats.read: files -> grids of raw cells positioned from A1."""

import datetime as dt
import shutil

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill

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
    assert "=SUM(B3:B4)" in message and "open the file in Excel, save it" in message


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
