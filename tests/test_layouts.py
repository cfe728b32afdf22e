"""Layout kinds of corpus C, one rule per test on small workbooks: section rows, unit rows,
tables side by side, tall (long) tables, transposed tables with groups or areas as columns."""

from civicstats.clean import clean
from tests.test_clean import book, rules, values


def test_a_month_section_row_sets_the_period_of_the_rows_under_it(tmp_path):
    rows = [["新塘街道志愿服务（2024年10—11月）"], ["社区", "志愿队伍", "志愿者人数"],
            ["2024年10月"], ["新塘社区", "文体队", 40], ["2024年11月"], ["新塘社区", "文体队", 42],
            ["新塘社区", "助老队", 15]]
    records, issues, _ = clean(book(tmp_path / "v.xlsx", {"Sheet1": (rows, ["A3:C3", "A5:C5"])}), "volunteers")
    got = sorted(zip(records.group, records.period.astype(str), records.value, strict=True))
    assert got == [("助老队", "2024-11", 15), ("文体队", "2024-10", 40), ("文体队", "2024-11", 42)]
    assert issues.empty


def test_an_area_section_row_is_the_area_of_the_teams_under_it(tmp_path):
    rows = [["2024年3月志愿服务"], ["志愿队伍", "志愿者人数"], ["天悦社区"], ["红马甲", 40],
            ["工人路社区"], ["宣讲团", 39]]
    records, issues, _ = clean(book(tmp_path / "v.xlsx", {"Sheet1": rows}), "volunteers")
    assert values(records) == {"天悦社区/红马甲": 40, "工人路社区/宣讲团": 39}
    assert "missing_area" not in rules(issues)


def test_a_unit_row_under_the_header_applies_its_units_and_a_contradicting_one_is_an_issue(tmp_path):
    rows = [["天悦社区志愿服务2024年3月"], ["志愿队伍", "志愿者人数", "服务时长", "捐赠金额"],
            ["单位", "小时", "小时", "万元"], ["红马甲", 35, 140, 0.5]]
    records, issues, _ = clean(book(tmp_path / "v.xlsx", {"Sheet1": rows}), "volunteers")
    assert dict(zip(records.measure, records.value, strict=True)) == {"service_hours": 140, "funds_yuan": 5000}
    assert issues[["source", "rule"]].values.tolist() == [["v.xlsx#Sheet1!B3", "unit_conflict"]]


def test_two_tables_side_by_side_each_keep_their_own_title_and_columns(tmp_path):
    rows = [["一、2024年11月", None, None, "二、2024年12月"], ["社区", "居民合伙人", None, "社区", "居民合伙人"],
            ["新街社区", 30, None, "南阳社区", 12], ["南阳社区", 11, None, "新街社区", 32],
            ["合计", 41, None, "合计", 44]]
    records, issues, _ = clean(book(tmp_path / "p.xlsx", {"11-12月": rows}), "partners")
    got = sorted(zip(records.area, records.period.astype(str), records.value, records.source, strict=True))
    assert got == [("南阳社区", "2024-11", 11, "p.xlsx#11-12月!B4"), ("南阳社区", "2024-12", 12, "p.xlsx#11-12月!E3"),
                   ("新街社区", "2024-11", 30, "p.xlsx#11-12月!B3"), ("新街社区", "2024-12", 32, "p.xlsx#11-12月!E4")]
    assert issues.empty


def test_an_empty_spacer_column_inside_one_table_does_not_split_it(tmp_path):
    rows = [["2024年3月天悦社区合伙人"], ["社区", "居民合伙人", None, "团体合伙人"], ["天悦社区", 20, None, 35]]
    records, issues, _ = clean(book(tmp_path / "p.xlsx", {"Sheet1": rows}), "partners")
    assert dict(zip(records.measure, records.value, strict=True)) == {"resident_partners": 20, "group_partners": 35}
    assert set(records.area) == {"天悦社区"}


def test_a_transposed_table_reads_each_column_by_all_its_header_rows(tmp_path):
    rows = [["北干街道社区合伙人对比（2024年5—6月）"], ["指标", "单位", "天悦社区", None, "育才东苑社区", None],
            [None, None, "2024年5月", "2024年6月", "2024年5月", "2024年6月"], ["居民合伙人", "人", 18, 20, 12, 13],
            ["团体合伙人", "家", 30, 35, 15, 15]]
    merges = ["A2:A3", "B2:B3", "C2:D2", "E2:F2"]
    records, issues, _ = clean(book(tmp_path / "p.xlsx", {"Sheet1": (rows, merges)}), "partners")
    got = records[records.measure == "resident_partners"]
    assert sorted(zip(got.area, got.period.astype(str), got.value, strict=True)) == [
        ("天悦社区", "2024-05", 18), ("天悦社区", "2024-06", 20), ("育才东苑社区", "2024-05", 12),
        ("育才东苑社区", "2024-06", 13)]


def test_teams_as_columns_of_an_indicator_table_are_the_groups_and_the_total_column_is_not_loaded(tmp_path):
    rows = [["工人路社区志愿服务队伍（2024年5月）"], ["项目", "职工宣讲团", "文明劝导队", "合计"],
            ["志愿者人数（人）", 39, 12, 51], ["服务时长（小时）", 86, 24, 110]]
    records, issues, _ = clean(book(tmp_path / "v.xlsx", {"Sheet1": rows}), "volunteers")
    assert values(records, "volunteers") == {"工人路社区/职工宣讲团": 39, "工人路社区/文明劝导队": 12}
    assert len(records) == 4


def test_a_tall_table_takes_each_rows_measure_from_its_name_and_its_context_from_its_own_cells(tmp_path):
    rows = [["城厢街道社区合伙人登记"], ["序号", "社区", "月份", "指标", "数值", "备注"],
            [1, "工人路社区", "2024.10", "居民合伙人", 15, None], [2, "工人路社区", "2024.10", "团体合伙人", "10余", None],
            [3, "湘湖社区", "2024.11", "居民合伙人", 9, None], [4, "湘湖社区", "2024.11", "当月新增居民合伙人", 2, None],
            [5, "湘湖社区", "2024.11", "合伙人活动场次", 3, None]]
    records, issues, _ = clean(book(tmp_path / "p.xlsx", {"Sheet1": rows}), "partners")
    got = sorted(zip(records.area, records.period.astype(str), records.measure, records.value, strict=True))
    assert got == [("工人路社区", "2024-10", "group_partners", 10), ("工人路社区", "2024-10", "resident_partners", 15),
                   ("湘湖社区", "2024-11", "resident_partners", 9)]
    assert issues[["source", "rule", "raw"]].values.tolist() == [
        ["p.xlsx#Sheet1!D6", "unknown_column", "当月新增居民合伙人"], ["p.xlsx#Sheet1!D7", "unknown_column", "合伙人活动场次"]]


def test_a_unit_column_in_a_tall_table_applies_per_row_and_a_contradicting_unit_is_an_error(tmp_path):
    rows = [["天悦社区志愿服务（2024年7月）"], ["志愿队伍", "指标", "数值", "单位"],
            ["红马甲", "物资金额", 1.5, "万元"], ["红马甲", "捐赠金额", 3000, "元"], ["红马甲", "志愿者人数", 42, "小时"],
            ["春之歌", "服务时长", 96, "小时"], ["春之歌", "服务时长占比", 40, "%"]]
    records, issues, _ = clean(book(tmp_path / "v.xlsx", {"Sheet1": rows}), "volunteers")
    assert sorted(zip(records.group, records.measure, records.value, strict=True)) == [
        ("春之歌", "service_hours", 96), ("红马甲", "funds_yuan", 3000), ("红马甲", "funds_yuan", 15000)]
    assert issues[["source", "rule"]].values.tolist() == [["v.xlsx#Sheet1!D5", "unit_conflict"]]


def test_a_qizhong_row_of_a_tall_table_is_the_part_of_the_row_above(tmp_path):
    rows = [["2024年10月托位"], ["社区", "指标", "数值"], ["天悦社区", "计划新增托位", 60], ["天悦社区", "其中：普惠", 36],
            ["天悦社区", "已完成新增托位", 50]]
    records, issues, _ = clean(book(tmp_path / "c.xlsx", {"Sheet1": rows}), "childcare")
    assert dict(zip(records.measure, records.value, strict=True)) == {
        "slots_target": 60, "inclusive_slots_target": 36, "slots_added": 50}
    assert issues.empty


def test_a_line_of_label_value_texts_above_the_header_is_about_the_form_not_a_header(tmp_path):
    rows = [["萧山区社区合伙人情况汇总表"], ["统计月份：2024年9月", None, "填报日期：2024年10月8日"],
            ["街道", "社区", "居民合伙人（人）"], ["北干街道", "天悦社区", 20], [None, "小计", 20]]
    records, issues, _ = clean(book(tmp_path / "p.xlsx", {"汇总": (rows, ["A4:A5"])}), "partners")
    assert records[["area", "value"]].values.tolist() == [["天悦社区", 20]]
    assert records.period.astype(str).tolist() == ["2024-09"] and issues.empty


def test_a_grand_total_under_street_section_rows_sums_the_whole_table(tmp_path):
    rows = [["2024年3月合伙人"], ["社区", "居民合伙人"], ["北干街道"], ["天悦社区", 20], ["育才东苑社区", 11],
            ["城厢街道"], ["工人路社区", 15], ["合计", 46]]
    records, issues, _ = clean(book(tmp_path / "p.xlsx", {"Sheet1": rows}), "partners")
    assert values(records) == {"天悦社区": 20, "育才东苑社区": 11, "工人路社区": 15}
    assert issues.empty


def test_a_total_in_every_month_section_sums_its_own_month(tmp_path):
    rows = [["天悦社区志愿服务"], ["志愿队伍", "志愿者人数"], ["2024年10月"], ["红马甲", 40], ["宣讲团", 20], ["合计", 60],
            ["2024年11月"], ["红马甲", 42], ["宣讲团", 20], ["合计", 72]]
    records, issues, _ = clean(book(tmp_path / "v.xlsx", {"Sheet1": rows}), "volunteers")
    assert len(records) == 4
    assert issues[["source", "rule"]].values.tolist() == [["v.xlsx#Sheet1!B10", "total_mismatch"]]


def test_rows_above_the_first_month_section_with_no_month_anywhere_are_an_error_not_dropped(tmp_path):
    rows = [["天悦社区志愿服务"], ["志愿队伍", "志愿者人数"], ["红马甲", 40], ["2024年11月"], ["红马甲", 42]]
    records, issues, _ = clean(book(tmp_path / "v.xlsx", {"Sheet1": rows}), "volunteers")
    assert records.period.astype(str).tolist() == ["2024-11"]
    assert issues[["source", "rule"]].values.tolist() == [["v.xlsx#Sheet1!B3", "missing_period"]]
