"""Cleaning rules, one per test, on small workbooks and CSVs the tests build."""

import re
import zipfile

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicstats import headers
from civicstats.clean import ISSUE_COLUMNS, RECORD_COLUMNS, clean, clean_grids
from civicstats.cli import main
from civicstats.errors import UsageError
from civicstats.read import Grid


def book(path, sheets):
    """Write an xlsx: ``sheets`` maps sheet name -> rows, or -> (rows, merged ranges like "A1:C1")."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, spec in sheets.items():
        rows, merges = spec if isinstance(spec, tuple) else (spec, [])
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for rng in merges:
            ws.merge_cells(rng)
    wb.save(path)
    return path


def values(records, measure=None):
    df = records if measure is None else records[records.measure == measure]
    return dict(zip(df.area + df.group.map(lambda g: f"/{g}" if g else ""), df.value, strict=True))


def rules(issues, severity=None):
    df = issues if severity is None else issues[issues.severity == severity]
    return df.rule.tolist()


CHILDCARE = [
    ["2023年9月萧山区托位建设进度表", None, None, None, None],
    ["填报单位：萧山区卫健局", None, None, None, "单位：个"],
    ["序号", "街道", "已完成新增托位", None, "完成率"],
    [None, None, None, "其中：普惠托位", None],
    [1, "北干街道", 120, "68", "90%"],
    [2, "城厢街道", "１００", "约50", "80%"],
    [None, "合计", 220, 118, None],
    ["注：普惠托位为已完成新增托位的一部分", None, None, None, None],
    ["填报人：王五", None, None, None, None],
]
CHILDCARE_MERGES = ["A1:E1", "A3:A4", "B3:B4", "C3:D3", "E3:E4"]


def test_a_merged_two_row_header_with_a_qizhong_column_gives_the_inclusive_measure(tmp_path):
    path = book(tmp_path / "托位_2023-09.xlsx", {"Sheet1": (CHILDCARE, CHILDCARE_MERGES)})
    records, issues, domain = clean(path)
    assert domain == "childcare"
    assert values(records, "slots_added") == {"北干街道": 120, "城厢街道": 100}
    assert values(records, "inclusive_slots_added") == {"北干街道": 68, "城厢街道": 50}
    approx = records[(records.area == "城厢街道") & (records.measure == "inclusive_slots_added")]
    assert approx.qualifier.tolist() == ["approx"]
    assert approx.source.tolist() == ["托位_2023-09.xlsx#Sheet1!D6"]
    assert set(records.period.astype(str)) == {"2023-09"}
    # 序号 and 完成率 are declared never-data columns: skipped quietly; notes and 合计 make no record
    assert rules(issues) == []


def test_records_are_typed_and_in_contract_order(tmp_path):
    path = book(tmp_path / "a.xlsx", {"Sheet1": (CHILDCARE, CHILDCARE_MERGES)})
    records, issues, _ = clean(path, "childcare")
    assert list(records.columns) == RECORD_COLUMNS
    assert list(issues.columns) == ISSUE_COLUMNS
    assert str(records.period.dtype) == "period[M]"
    assert records.measure.dtype == "category" and records.qualifier.dtype == "category"
    assert records.value.dtype == "float64"
    assert set(records.group) == {""}


def test_a_total_that_matches_its_rows_raises_no_issue_and_a_mismatch_names_both_figures(tmp_path):
    rows = [r[:] for r in CHILDCARE]
    rows[6] = [None, "合计", 230, 118, None]
    path = book(tmp_path / "a.xlsx", {"Sheet1": (rows, CHILDCARE_MERGES)})
    _, issues, _ = clean(path, "childcare")
    mismatch = issues[issues.rule == "total_mismatch"]
    assert mismatch.source.tolist() == ["a.xlsx#Sheet1!C7"]
    assert mismatch.severity.tolist() == ["error"]
    # the sender reads, in Chinese, which row to check and both figures
    assert re.fullmatch(r"请核对‘合计’行：各行（共 \d+ 行）相加为 220，表中为 230；请改正合计或各行数据",
                        mismatch.message.iat[0])
    # the 普惠 total (118 vs 68 + 约50) is not checked: an estimate is among its parts


@pytest.mark.parametrize(
    ("stated", "mismatch"),
    [("30", False), ("40", False), ("25", True), ("30余", False), ("50余", False), ("不到20", True)],
)
def test_at_least_parts_make_the_computed_total_a_lower_bound(tmp_path, stated, mismatch):
    rows = [
        ["2023年9月合伙人统计", None],
        ["社区", "居民合伙人"],
        ["天悦社区", "20余"],
        ["工人路社区", 10],
        ["合计", stated],
    ]
    _, issues, _ = clean(book(tmp_path / "p.xlsx", {"Sheet1": rows}), "partners")
    assert ("total_mismatch" in rules(issues)) is mismatch


def test_subtotals_are_checked_against_their_street_or_the_rows_since_the_previous_one(tmp_path):
    rows = [
        ["2023年9月志愿者统计", None, None],
        ["所属街道", "社区", "志愿者人数"],
        ["北干街道", "天悦社区", 30],
        ["北干街道", "育才东苑社区", 20],
        ["北干街道小计", None, 50],
        ["城厢街道", "工人路社区", 15],
        ["城厢街道", "湘湖社区", 5],
        ["小计", None, 21],
        ["总合计", None, 70],
    ]
    records, issues, _ = clean(book(tmp_path / "v.xlsx", {"Sheet1": rows}), "volunteers")
    assert len(records) == 4  # subtotal and total rows are never loaded
    mismatch = issues[issues.rule == "total_mismatch"]
    assert mismatch.source.tolist() == ["v.xlsx#Sheet1!C8"]  # 21 stated, 20 computed; 70 = 50 + 20
    assert "21" in mismatch.message.iat[0] and "20" in mismatch.message.iat[0]


def test_a_grand_total_at_the_top_of_the_table_is_checked_not_loaded(tmp_path):
    rows = [
        ["月份", "社区", "志愿者人数"],
        ["总合计", None, 9],
        ["2023年9月", "天悦社区", 4],
        ["2023年9月", "工人路社区", 4],
    ]
    records, issues, _ = clean(book(tmp_path / "v.xlsx", {"Sheet1": rows}), "volunteers")
    assert values(records) == {"天悦社区": 4, "工人路社区": 4}
    assert issues[issues.rule == "total_mismatch"].source.tolist() == ["v.xlsx#Sheet1!C2"]


def test_columns_outside_the_vocabulary_and_other_domains_get_one_warning_each(tmp_path):
    rows = [
        ["2023年9月"],
        ["序号", "社区", "居民合伙人", "志愿者人数", "备注"],
        [1, "天悦社区", 20, 5, "好"],
        [2, "工人路社区", 10, 6, None],
    ]
    records, issues, _ = clean(book(tmp_path / "p.xlsx", {"Sheet1": rows}), "partners")
    assert set(records.measure) == {"resident_partners"}
    warned = issues[issues.rule == "unknown_column"]
    assert sorted(warned.raw) == ["志愿者人数"]  # 序号 and 备注 are declared never-data: quiet
    # the sender is told where such figures go, in their words; nothing about project files
    assert warned.message.iat[0] == "‘志愿者人数’列属于志愿服务统计，不属于本表（社区合伙人），未读入；请填在志愿服务报表中"
    assert set(issues.severity) == {"warning"}


def partners_rows(title="天悦社区合伙人统计"):
    return [[title, None], ["居民合伙人", "团体合伙人"], [20, "35"]]


def test_period_comes_from_the_period_option_when_the_table_has_none(tmp_path):
    path = book(tmp_path / "p.xlsx", {"Sheet1": partners_rows()})
    records, _, _ = clean(path, "partners", period="2023-09")
    assert set(records.period.astype(str)) == {"2023-09"}
    assert set(records.area) == {"天悦社区"}  # from the title


def test_period_comes_from_the_sheet_name_and_area_from_the_area_option(tmp_path):
    path = book(tmp_path / "p.xlsx", {"2023年8月": partners_rows("合伙人统计")})
    records, _, _ = clean(path, "partners", area="　工人路社区 ")
    assert set(records.period.astype(str)) == {"2023-08"}
    assert set(records.area) == {"工人路社区"}


def test_period_comes_from_a_title_saying_end_of_month_with_the_year_elsewhere(tmp_path):
    path = book(tmp_path / "p.xlsx", {"Sheet1": partners_rows("天悦社区2023年社区合伙人统计（截至9月底）")})
    records, _, _ = clean(path, "partners")
    assert set(records.period.astype(str)) == {"2023-09"}


def test_no_period_anywhere_is_one_error_for_the_table_and_no_records(tmp_path):
    path = book(tmp_path / "p.xlsx", {"Sheet1": partners_rows()})
    records, issues, _ = clean(path, "partners")
    assert records.empty
    assert rules(issues, "error") == ["missing_period"]


def test_a_period_column_in_many_forms_gives_the_month_of_each_row(tmp_path):
    rows = [
        ["统计月份", "社区", "居民合伙人"],
        ["2023年9月", "天悦社区", 1],
        ["2023/10/20", "天悦社区", 2],
        [45260, "天悦社区", 3],  # Excel serial: 2023-11-30
        ["九月上半", "天悦社区", 4],
    ]
    records, issues, _ = clean(book(tmp_path / "p.xlsx", {"Sheet1": rows}), "partners")
    assert records.period.astype(str).tolist() == ["2023-09", "2023-10", "2023-11"]
    bad = issues[issues.rule == "bad_period"]
    assert bad.source.tolist() == ["p.xlsx#Sheet1!A5"] and bad.raw.tolist() == ["九月上半"]


def test_a_street_merged_over_its_communities_fills_them_but_a_plain_blank_area_is_an_error(tmp_path):
    rows = [
        ["2023年9月志愿者统计", None],
        ["所属街道", "志愿者人数"],
        ["北干街道", 3],
        [None, 4],
        [None, 5],
    ]
    records, issues, _ = clean(book(tmp_path / "v.xlsx", {"Sheet1": (rows, ["A3:A4"])}), "volunteers")
    assert records.area.tolist() == ["北干街道", "北干街道"]
    missing = issues[issues.rule == "missing_area"]
    assert missing.source.tolist() == ["v.xlsx#Sheet1!A5"]


def test_a_community_column_outranks_a_street_column_and_unknown_areas_warn_once(tmp_path):
    rows = [
        ["2023年9月"],
        ["街道", "社区名称", "居民合伙人", "团体合伙人"],
        ["北干街道", "北干街道天悦社区", 1, 2],
        ["北干街道", "火星社区", 3, 4],
    ]
    records, issues, _ = clean(book(tmp_path / "p.xlsx", {"Sheet1": rows}), "partners")
    assert sorted(set(records.area)) == ["天悦社区", "火星社区"]
    unknown = issues[issues.rule == "unknown_area"]
    assert unknown.raw.tolist() == ["火星社区"] and unknown.source.tolist() == ["p.xlsx#Sheet1!B4"]


def test_each_sheet_with_a_table_is_cleaned_one_month_per_sheet(tmp_path):
    sheets = {f"2023年{m}月": [["社区", "居民合伙人"], ["天悦社区", m]] for m in (7, 8, 9)}
    sheets["说明"] = [["本表由社区填报"]]
    records, issues, _ = clean(book(tmp_path / "p.xlsx", sheets), "partners")
    assert dict(zip(records.period.astype(str), records.value, strict=True)) == {
        "2023-07": 7, "2023-08": 8, "2023-09": 9}
    assert issues.empty


def test_a_three_level_header_gives_volunteer_counts_and_hours_per_volunteer_type(tmp_path):
    rows = [
        ["活动统计表", None, None, None, None, None, None],
        ["活动日期", "志愿者服务人数及时长统计", None, None, None, None, None],
        [None, "儿童", None, "家长", None, "合计", None],
        [None, "人数", "小时", "人数", "小时", "人数", "小时"],
        ["总合计", None, None, None, None, None, None],
        [45390, 2, 4, 1, 2.5, 3, 6.5],
        [45421, 1, 2, 0, 0, 1, 2],
    ]
    rows[4] = ["总合计", 3, 6, 1, 2.5, 4, 8.5]
    merges = ["A1:G1", "A2:A4", "B2:G2", "B3:C3", "D3:E3", "F3:G3"]
    records, issues, _ = clean(book(tmp_path / "v.xlsx", {"Sheet1": (rows, merges)}), "volunteers",
                               area="天悦社区")
    hours = records[records.measure == "service_hours"]
    assert hours.group.tolist() == ["儿童", "儿童", "家长", "家长"]
    assert hours.value.tolist() == [4, 2, 2.5, 0]
    assert hours.period.astype(str).tolist() == ["2024-04", "2024-05", "2024-04", "2024-05"]
    assert "total_mismatch" not in rules(issues)
    assert rules(issues) == ["unknown_column", "unknown_column"]  # the two 合计 columns


def test_a_value_that_cannot_be_read_is_an_error_with_its_cell_and_the_rest_is_kept(tmp_path):
    rows = [["2023年9月"], ["社区", "居民合伙人", "物资金额"], ["天悦社区", "1,2", "30万元"], ["工人路社区", -3, "若干"]]
    path = book(tmp_path / "v.xlsx", {"Sheet1": rows})
    records, issues, _ = clean(path, "volunteers")
    assert values(records, "funds_yuan") == {"天悦社区": 300000}
    errors = issues[issues.severity == "error"]
    assert dict(zip(errors.source, errors.rule, strict=True)) == {"v.xlsx#Sheet1!C4": "unreadable_value"}
    records, issues, _ = clean(path, "partners")
    assert records.empty
    errors = issues[issues.severity == "error"]
    assert dict(zip(errors.source, errors.rule, strict=True)) == {
        "v.xlsx#Sheet1!B3": "ambiguous_number", "v.xlsx#Sheet1!B4": "negative_count"}
    assert errors.set_index("source").raw.to_dict() == {"v.xlsx#Sheet1!B3": "1,2", "v.xlsx#Sheet1!B4": "-3"}


def test_an_excel_error_value_in_a_csv_is_an_error_naming_its_cell(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("社区,志愿者人数\n天悦社区,#DIV/0!\n工人路社区,5\n", encoding="utf-8")
    records, issues, _ = clean(path, "volunteers", period="2023-09")
    assert values(records) == {"工人路社区": 5}
    assert issues[["source", "rule", "raw"]].values.tolist() == [["v.csv#v!B2", "excel_error", "#DIV/0!"]]


def test_a_gbk_csv_is_read(tmp_path):
    path = tmp_path / "志愿者_2023-09.csv"
    path.write_bytes("社区,志愿者人数,服务时长（小时）\n天悦社区,39,120.5\n工人路社区,70余,\n".encode("gbk"))
    records, issues, domain = clean(path, period="2023-09")
    assert domain == "volunteers"
    assert values(records, "volunteers") == {"天悦社区": 39, "工人路社区": 70}
    assert values(records, "service_hours") == {"天悦社区": 120.5}
    assert records.source.iat[0] == "志愿者_2023-09.csv#志愿者_2023-09!B2"


def test_the_domain_is_inferred_from_headers_and_an_unknowable_domain_is_a_usage_error(tmp_path):
    path = book(tmp_path / "report.xlsx", {"Sheet1": [["社区", "居民合伙人", "团体合伙人"], ["天悦社区", 1, 2]]})
    assert clean(path, period="2023-09").domain == "partners"
    other = book(tmp_path / "report2.xlsx", {"Sheet1": [["地区", "GDP"], ["北京", 1]]})
    with pytest.raises(UsageError, match="无法判断文件属于哪一类统计"):
        clean(other)
    assert main(["clean", str(other)]) == 2


def run(capsys, *args):
    code = main(["clean", *map(str, args)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out


def test_the_command_writes_contract_csvs_with_months_and_plain_whole_numbers(tmp_path, capsys):
    path = book(tmp_path / "a.xlsx", {"Sheet1": (CHILDCARE, CHILDCARE_MERGES)})
    code, _ = run(capsys, path, "--domain", "childcare", "--out", tmp_path / "r.csv", "--issues", tmp_path / "i.csv")
    assert code == 0
    written = pd.read_csv(tmp_path / "r.csv", dtype=str, encoding="utf-8-sig")
    assert list(written.columns) == RECORD_COLUMNS
    assert written.period.unique().tolist() == ["2023-09"]
    assert written[written.area == "北干街道"].value.tolist() == ["120", "68"]
    assert list(pd.read_csv(tmp_path / "i.csv", encoding="utf-8-sig").columns) == ISSUE_COLUMNS


def test_without_out_the_command_prints_records_per_measure_and_issues_per_rule(tmp_path, capsys):
    path = book(tmp_path / "a.xlsx", {"Sheet1": (CHILDCARE, CHILDCARE_MERGES)})
    code, out = run(capsys, path, "--domain", "childcare")
    assert code == 0
    assert "读出 4 条记录" in out.out and "slots_added" in out.out and "共 0 个问题" in out.out


def test_rejected_cells_exit_1_with_the_rest_written_and_strict_writes_nothing(tmp_path, capsys):
    rows = [["2023年9月"], ["社区", "居民合伙人"], ["天悦社区", 20], ["工人路社区", "1,2"]]
    path = book(tmp_path / "p.xlsx", {"Sheet1": rows})
    code, out = run(capsys, path, "--domain", "partners", "--out", tmp_path / "r.csv")
    assert code == 1
    assert "p.xlsx#Sheet1!B4" in out.err
    assert len(pd.read_csv(tmp_path / "r.csv", encoding="utf-8-sig")) == 1
    code, out = run(capsys, path, "--domain", "partners", "--out", tmp_path / "s.csv", "--strict")
    assert code == 1 and not (tmp_path / "s.csv").exists()
    assert clean(path, "partners", strict=True).records.empty


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.xlsx", b"this is not a workbook at all"[:0] + b"\x00\x01\x02 not a workbook \xff\xfe"),
        ("empty.csv", b""),
        ("truncated.xlsx", None),
    ],
    ids=["not-a-workbook", "zero-bytes", "truncated-xlsx"],
)
def test_a_file_that_cannot_be_opened_exits_2_with_one_line_and_no_traceback(tmp_path, capsys, name, content):
    path = tmp_path / name
    if content is None:
        book(tmp_path / "whole.xlsx", {"Sheet1": (CHILDCARE, CHILDCARE_MERGES)})
        data = (tmp_path / "whole.xlsx").read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(content)
    code, out = run(capsys, path, "--domain", "childcare")
    assert code == 2
    assert out.err.startswith("错误：") and name in out.err and out.err.count("\n") == 1


def test_an_empty_workbook_exits_2(tmp_path, capsys):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    assert zipfile.is_zipfile(path)
    code, out = run(capsys, path, "--domain", "partners")
    assert code == 2 and "没有任何填有内容的单元格" in out.err


def test_a_bad_period_option_is_a_usage_error(tmp_path, capsys):
    path = book(tmp_path / "p.xlsx", {"Sheet1": partners_rows()})
    code, out = run(capsys, path, "--domain", "partners", "--period", "2023年9月")
    assert code == 2 and "YYYY-MM" in out.err


def test_a_two_up_layout_with_the_header_repeated_side_by_side_gives_every_block(tmp_path):
    rows = [["2023年9月志愿者统计"], ["社区", "志愿者人数", None, "社区", "志愿者人数"],
            ["天悦社区", 3, None, "工人路社区", 4], ["育才东苑社区", 5, None, "湘湖社区", 6]]
    records, issues, _ = clean(book(tmp_path / "v.xlsx", {"Sheet1": rows}), "volunteers")
    assert values(records) == {"天悦社区": 3, "育才东苑社区": 5, "工人路社区": 4, "湘湖社区": 6}
    assert records[records.area == "湘湖社区"].source.tolist() == ["v.xlsx#Sheet1!E4"]
    assert issues.empty


def test_a_header_repeated_down_the_sheet_is_not_read_as_data(tmp_path):
    rows = [["社区", "居民合伙人"], ["天悦社区", 20], ["社区", "居民合伙人"], ["工人路社区", 7]]
    records, issues, _ = clean(book(tmp_path / "p.xlsx", {"2023年9月": rows}), "partners")
    assert values(records) == {"天悦社区": 20, "工人路社区": 7}
    assert issues.empty


def test_notes_from_reading_the_file_become_issues_with_their_cell(tmp_path):
    rows = [["2023年9月"], ["社区", "居民合伙人"], ["天悦社区", 20], ["工人路社区", "=B3+1"]]
    records, issues, _ = clean(book(tmp_path / "p.xlsx", {"Sheet1": rows}), "partners")
    assert values(records) == {"天悦社区": 20}
    assert "p.xlsx#Sheet1!B4" in issues.source.tolist()


def test_an_unknown_area_is_kept_without_whitespace_and_warned_once_however_it_is_padded(tmp_path):
    rows = [["2023年9月"], ["社区", "居民合伙人"], ["火星 社区", 1], ["　火星社区", 2], ["天悦社区", 3]]
    records, issues, _ = clean(book(tmp_path / "p.xlsx", {"Sheet1": rows}), "partners")
    assert records.area.tolist() == ["火星社区", "火星社区", "天悦社区"]
    assert issues[["rule", "raw", "source"]].values.tolist() == [["unknown_area", "火星社区", "p.xlsx#Sheet1!A3"]]


@pytest.fixture
def vocab_copy(tmp_path, monkeypatch):
    """A private copy of the vocabulary CSVs, with every cache that holds them emptied."""
    import shutil

    from civicstats import vocab

    folder = tmp_path / "vocab"
    shutil.copytree(vocab.VOCAB_DIR, folder)
    monkeypatch.setattr(vocab, "VOCAB_DIR", folder)
    headers.clear_caches()
    yield folder
    headers.clear_caches()


def test_a_new_header_variant_is_one_line_in_the_vocabulary(tmp_path, vocab_copy):
    rows = [["2023年9月"], ["社区", "居民伙伴数"], ["天悦社区", 20]]
    path = book(tmp_path / "p.xlsx", {"Sheet1": rows})
    assert clean(path, "partners").records.empty
    measures = vocab_copy / "measures.csv"
    text = measures.read_text(encoding="utf-8").replace(",居民合伙人|个人合伙人|", ",居民合伙人|居民伙伴数|个人合伙人|")
    measures.write_text(text, encoding="utf-8")
    headers.clear_caches()
    assert values(clean(path, "partners").records, "resident_partners") == {"天悦社区": 20}


def test_values_in_a_column_without_a_header_are_warned_about_not_skipped_silently(tmp_path):
    rows = [["2023年9月"], ["社区", "居民合伙人", None], ["天悦社区", 20, 7], ["合计", 20, None]]
    records, issues, _ = clean(book(tmp_path / "p.xlsx", {"Sheet1": rows}), "partners")
    assert values(records) == {"天悦社区": 20}
    assert issues[["source", "rule"]].values.tolist() == [["p.xlsx#Sheet1!C3", "unknown_column"]]


CELLS = st.one_of(
    st.none(),
    st.sampled_from(["社区", "所属街道", "月份", "居民合伙人", "志愿者人数", "已完成新增托位", "其中：普惠托位",
                     "合计", "北干街道小计", "总合计", "注：说明", "序号", "天悦社区", "火星社区", "2023年9月",
                     "10余", "约5", "1,2", "—", "#REF!", " ", "　", "人数", "小时", "志愿者服务人数及时长统计"]),
    st.integers(-5, 50_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=6),
)


@st.composite
def grids(draw):
    rows, cols = draw(st.integers(0, 9)), draw(st.integers(1, 6))
    cells = pd.DataFrame([[draw(CELLS) for _ in range(cols)] for _ in range(rows)], dtype=object)
    merged = []
    for _ in range(draw(st.integers(0, 3))):
        if rows:
            r0, c0 = draw(st.integers(0, rows - 1)), draw(st.integers(0, cols - 1))
            merged.append((r0, c0, draw(st.integers(r0, rows - 1)), draw(st.integers(c0, cols - 1))))
    return Grid("f.xlsx", draw(st.sampled_from(["Sheet1", "2023年9月", "天悦社区"])), cells, merged)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=grids(), domain=st.sampled_from(["partners", "childcare", "volunteers"]))
def test_any_grid_cleans_to_records_and_issues_without_raising(grid, domain):
    records, issues, _ = clean_grids([grid], domain)
    assert list(records.columns) == RECORD_COLUMNS and list(issues.columns) == ISSUE_COLUMNS
    assert records.value.notna().all()
    assert set(issues.severity) <= {"error", "warning"}
    assert records.source.str.startswith("f.xlsx#").all()


def test_months_as_header_columns_under_a_measure_give_each_column_its_month(tmp_path):
    rows = [["合伙人统计"], ["社区", "居民合伙人", None], [None, "2023年8月", "2023年9月"], ["天悦社区", 18, 20]]
    path = book(tmp_path / "p.xlsx", {"Sheet1": (rows, ["A2:A3", "B2:C2"])})
    records, issues, _ = clean(path, "partners")
    assert dict(zip(records.period.astype(str), records.value, strict=True)) == {"2023-08": 18, "2023-09": 20}
    assert set(records.group) == {""} and issues.empty


def test_a_remark_mentioning_a_subtotal_does_not_make_its_row_a_total(tmp_path):
    rows = [["2023年9月"], ["社区", "居民合伙人", "备注"], ["天悦社区", 20, "已含小计外数据"], ["合计", 20, None]]
    records, issues, _ = clean(book(tmp_path / "p.xlsx", {"Sheet1": rows}), "partners")
    assert values(records) == {"天悦社区": 20}
    assert rules(issues) == []


def test_cs_clean_is_callable_however_the_package_was_imported(tmp_path):
    import civicstats as cs
    import civicstats.clean  # noqa: F401 - binds the module on the package

    path = book(tmp_path / "p.xlsx", {"2023年9月": [["社区", "居民合伙人"], ["天悦社区", 20]]})
    records, issues, domain = cs.clean(path, "partners")
    assert values(records) == {"天悦社区": 20} and domain == "partners"
