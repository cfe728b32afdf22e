"""What the report notebooks show: month totals, changes, targets, gaps and profiles."""

import re

import pandas as pd
import pytest

from civicstats import views


def records(rows) -> pd.DataFrame:
    """Records in the store's shape from (area, group, period, domain, measure, value, qualifier)."""
    df = pd.DataFrame(rows, columns=["area", "group", "period", "domain", "measure", "value",
                                     "qualifier"])
    df["period"] = pd.PeriodIndex(df["period"], freq="M")
    df["value"] = df["value"].astype("float64")
    df["measure"] = df["measure"].astype("category")
    df["qualifier"] = df["qualifier"].astype("category")
    df["source"] = "t.xlsx#s!A1"
    return df


@pytest.mark.parametrize(("value", "qualifier", "text"), [
    pytest.param(10, "at_least", "10余", id="10余 is shown as 10余"),
    pytest.param(300, "approx", "约300", id="约300 is shown as 约300"),
    pytest.param(5, "at_most", "不足5", id="不到5 is shown as 不足5"),
    pytest.param(130000000, "exact", "130,000,000", id="big numbers get separators"),
    pytest.param(2.5, "exact", "2.5", id="fractions keep one decimal"),
])
def test_figures_are_written_with_their_qualifier(value, qualifier, text):
    assert views.format_value(value, qualifier) == text


def test_a_district_figure_is_not_added_to_its_streets_and_communities():
    recs = records([
        ("萧山区", "", "2023-09", "childcare", "slots_added", 923, "exact"),
        ("北干街道", "", "2023-09", "childcare", "slots_added", 200, "exact"),
        ("天悦社区", "", "2023-09", "partners", "resident_partners", 20, "exact"),
        ("北干街道", "", "2023-09", "partners", "resident_partners", 50, "exact"),
        ("赭东村", "", "2023-09", "partners", "resident_partners", 12, "exact"),
    ])
    totals = views.month_totals(recs, "2023-09").set_index("measure")
    assert totals.loc["slots_added", "value"] == 923
    # 天悦社区 is inside 北干街道; 赭东村 (南阳街道) has no parent reporting
    assert totals.loc["resident_partners", "value"] == 62


def test_a_sum_with_an_at_least_part_is_at_least():
    recs = records([
        ("天悦社区", "", "2023-09", "partners", "group_partners", 35, "exact"),
        ("工人路社区", "", "2023-09", "partners", "group_partners", 10, "at_least"),
    ])
    row = views.month_totals(recs, "2023-09").iloc[0]
    assert (row.value, row.qualifier, row.display) == (45, "at_least", "45余")


def test_the_change_against_last_month_counts_only_areas_that_reported_both_months():
    recs = records([
        ("天悦社区", "", "2023-08", "partners", "resident_partners", 18, "exact"),
        ("天悦社区", "", "2023-09", "partners", "resident_partners", 20, "exact"),
        ("工人路社区", "", "2023-09", "partners", "resident_partners", 9, "exact"),
    ])
    row = views.change_vs_last_month(recs, "2023-09").iloc[0]
    assert (row.value, row.previous, row.change) == (29, 18, 2)
    assert row.change_text == "+2 (+11.1%)"


def test_a_measure_new_this_month_says_so():
    recs = records([("天悦社区", "", "2023-09", "partners", "partner_projects", 3, "exact")])
    assert views.change_vs_last_month(recs, "2023-09").change_text.tolist() == ["本月新增"]


def test_childcare_progress_gives_completion_and_the_inclusive_share_per_area():
    recs = records([
        ("萧山区", "", "2023-09", "childcare", "slots_target", 600, "exact"),
        ("萧山区", "", "2023-09", "childcare", "slots_added", 923, "exact"),
        ("萧山区", "", "2023-09", "childcare", "inclusive_slots_target", 360, "exact"),
        ("萧山区", "", "2023-09", "childcare", "inclusive_slots_added", 568, "exact"),
        ("北干街道", "", "2023-09", "childcare", "slots_added", 100, "exact"),
    ])
    table = views.childcare_progress(recs, "2023-09").set_index("area")
    assert table.loc["萧山区", "completion"] == "153.8%"
    assert table.loc["萧山区", "inclusive_completion"] == "157.8%"
    assert table.loc["萧山区", "inclusive_share"] == "61.5%"
    assert table.loc["北干街道", "completion"] == "—"  # no target: no rate, not a division error


def test_areas_that_stopped_reporting_are_listed_with_their_last_month():
    recs = records([
        ("天悦社区", "", "2023-07", "partners", "resident_partners", 15, "exact"),
        ("工人路社区", "", "2023-08", "partners", "resident_partners", 8, "exact"),
        ("天悦社区", "", "2023-09", "partners", "resident_partners", 20, "exact"),
        ("新街街道", "讲师团", "2023-08", "volunteers", "volunteers", 39, "exact"),
    ])
    gone = views.areas_not_reported(recs, "2023-09")
    assert gone.values.tolist() == [["partners", "工人路社区", "2023-08"],
                                    ["volunteers", "新街街道", "2023-08"]]


def test_an_area_profile_lists_the_month_with_last_month_and_the_change():
    recs = records([
        ("天悦社区", "", "2023-08", "partners", "resident_partners", 18, "exact"),
        ("天悦社区", "", "2023-09", "partners", "resident_partners", 20, "exact"),
        ("天悦社区", "红管家", "2023-09", "volunteers", "volunteers", 30, "at_least"),
        ("工人路社区", "", "2023-09", "partners", "resident_partners", 9, "exact"),
    ])
    profile = views.area_profile(recs, "天悦社区", "2023-09")
    assert profile[["label", "display", "previous", "change"]].values.tolist() == [
        ["居民合伙人", "20", "18", "+2 (+11.1%)"],
        ["志愿者人数", "30余", "—", "本月新增"],
    ]
    assert views.area_profile(recs, "赭东村", "2023-09").empty


def test_growth_since_launch_keeps_the_at_least_mark():
    recs = records([
        ("工人路社区", "", "2023-05", "partners", "group_partners", 6, "exact"),
        ("工人路社区", "", "2023-09", "partners", "group_partners", 10, "at_least"),
    ])
    row = views.growth_since_start(recs, "group_partners", "2023-09").iloc[0]
    assert (row.since, row.first, row.now, row.growth) == ("2023-05", "6", "10余", "+4")


def test_issues_are_counted_per_domain_and_listed_errors_first():
    issues = pd.DataFrame({
        "file": ["partners_2023-09.xlsx", "volunteers_2023-09.csv", "partners_2023-09.xlsx"],
        "source": ["partners_2023-09.xlsx#9月!C7", "volunteers_2023-09.csv#v!B2",
                   "partners_2023-09.xlsx#9月!D7"],
        "severity": ["warning", "error", "error"], "rule": ["a", "b", "c"],
        "raw": ["", "x", "y"], "message": ["m", "m", "m"]})
    assert views.issue_count(issues) == 3 and views.issue_count(issues, "partners") == 2
    assert views.issues_table(issues).severity.tolist() == ["error", "error", "warning"]
    assert views.issue_count(pd.DataFrame()) == 0


def test_long_tables_for_charts_sum_groups_and_carry_the_indicator_label():
    recs = records([
        ("天悦社区", "红管家", "2023-09", "volunteers", "volunteers", 30, "exact"),
        ("天悦社区", "讲师团", "2023-09", "volunteers", "volunteers", 10, "at_least"),
        ("天悦社区", "", "2023-10", "volunteers", "volunteers", 45, "exact"),
    ])
    long = views.area_series(recs, "天悦社区", until="2023-09")
    assert long[["period", "value", "qualifier", "indicator"]].values.tolist() == [
        ["2023-09", 40.0, "at_least", "志愿者人数"]]
    assert views.series(recs, "volunteers", by="group").group.tolist() == [
        "红管家", "讲师团", ""]


# -- tables as readers see them -----------------------------------------------------------------


def cells(styler) -> tuple[list[str], list[list[str]]]:
    """The headings and body cells of a Styler's HTML, as the browser's text (entities kept)."""
    page = styler.to_html()
    heads = re.findall(r"<th\b[^>]*>(.*?)</th>", page, flags=re.S)
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>")[1], flags=re.S)]
    return heads, rows


def test_a_table_writes_counts_as_whole_numbers_with_separators_and_no_index():
    df = pd.DataFrame({"area": ["萧山区", "北干街道"], "slots_added": [1234.0, 91.0],
                       "service_hours": [2.5, float("nan")]})
    heads, rows = cells(views.table(df))
    assert rows == [["萧山区", "1,234", "2.5"], ["北干街道", "91", "—"]]
    assert "0" not in heads and len(heads) == 3  # no index column, no index heading


def test_a_table_relabels_measures_and_derived_columns_in_chinese():
    df = pd.DataFrame({"area": ["萧山区"], "slots_target": [600], "completion": ["153.8%"],
                       "inclusive_share": [0.62], "change_text": ["+2"], "own": ["x"]})
    heads, rows = cells(views.table(df, labels={"own": "自定义"}))
    assert heads == ["地区", "计划新增托位", "完成率", "普惠占比", "较上月", "自定义"]
    assert rows == [["萧山区", "600", "153.8%", "62.0%", "+2", "x"]]


def test_a_table_keeps_qualified_figures_as_written_and_joins_value_with_its_qualifier():
    df = pd.DataFrame({"display": ["10余", "约183"], "value": [10.0, 2000.0],
                       "qualifier": ["at_least", "exact"], "domain": ["partners", "childcare"]})
    heads, rows = cells(views.table(df))
    assert heads == ["本月", "数值", "领域"]
    assert rows == [["10余", "10余", "社区合伙人"], ["约183", "2,000", "托位建设"]]


def test_a_table_escapes_hostile_text_in_cells_and_headings():
    evil = "<script>alert(1)</script>"
    wide = pd.DataFrame({evil: [1.0]}, index=pd.Index(["2023-09"], name="period"))
    heads, rows = cells(views.table(pd.DataFrame({"area": [evil], "group": ['"><img src=x>']})))
    page = views.table(wide).to_html() + views.table(pd.DataFrame({"area": [evil]})).to_html()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert rows == [["&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x&gt;"]]
    # a meaningful index (the months) stays, as the first column
    assert cells(views.table(wide))[1] == [["2023年9月", "1"]]  # months as on the charts


def test_a_table_aligns_figures_right_and_text_left():
    df = pd.DataFrame({"area": ["天悦社区"], "display": ["10余"], "change_text": ["+2 (+11.1%)"],
                       "slots_added": [5.0]})
    page = views.table(df).to_html()
    assert [a for _, a in re.findall(r"td\.col(\d) \{\s*text-align: (\w+)", page)] == [
        "left", "right", "right", "right"]
