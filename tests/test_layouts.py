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
