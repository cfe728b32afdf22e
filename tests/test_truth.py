"""Every sentence true: a month rendered from returns the test ingests, every number re-counted.

Three months of partner returns (one community skips August and comes back, one sends
August but not September, one September cell cannot be read), a district childcare return
and a volunteers return are ingested into a real store; the overview page is rendered by
papermill. Then every number in every card, alt text and table caption is parsed out of the
page and compared with what the records themselves give, summed here with plain pandas.
"""

import re
import shutil

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from civicstats import charts, report, store, views
from tests.conftest import ROOT

PARTNERS = {  # month -> CSV body (社区, 居民合伙人, 团体合伙人)
    "2023-07": "天悦社区,10,20\n工人路社区,8,10余\n盈二社区,5,6\n新塘社区,7,9\n",
    "2023-08": "天悦社区,15,25\n工人路社区,9,10余\n新塘社区,8,9\n",  # 盈二 skips August
    "2023-09": "天悦社区,20,35\n盈二社区,6,8\n新塘社区,二十?,12\n",  # 工人路 not sent, 新塘 unreadable
}
CHILDCARE = ("地区,月份,计划新增托位,计划新增普惠托位,已完成新增托位,完成普惠托位\n"
             "萧山区,2023-09,600,360,923,568\n")
VOLUNTEERS = ("社区,队伍名称,月份,志愿者人数\n天悦社区,红管家,2023-09,30\n"
              "天悦社区,讲师团,2023-09,39\n盈二社区,春之歌艺术团,2023-09,70余\n")
LABELS = {"居民合伙人": "resident_partners", "团体合伙人": "group_partners",
          "已完成新增托位": "slots_added", "年度计划": "slots_target",
          "普惠托位已完成": "inclusive_slots_added", "志愿者": "volunteers"}
QUALIFIED = r"(约|不足)?([\d,]+(?:\.\d)?)(余)?"


def _write(raw, name, text):
    path = raw / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("truth")
    mp = pytest.MonkeyPatch()
    mp.setenv("CIVICSTATS_STORE", str(tmp / "store.duckdb"))
    mp.setenv("CIVICSTATS_REPORTS", str(tmp / "reports"))
    mp.setenv("CIVICSTATS_PDF", "0")
    mp.setenv("MPLBACKEND", "Agg")
    raw = tmp / "raw"
    for period, body in PARTNERS.items():
        _write(raw, f"partners/partners_{period}.csv", "社区,居民合伙人,团体合伙人\n" + body)
    _write(raw, "childcare/childcare_2023-09.csv", CHILDCARE)
    _write(raw, "volunteers/volunteers_2023-09.csv", VOLUNTEERS)
    nbs = tmp / "notebooks"
    nbs.mkdir()
    shutil.copy2(ROOT / "notebooks" / "overview.ipynb", nbs)
    result = report.run_reports("2023-09", notebooks=nbs, raw=raw, progress="off")
    assert result.exit_code == 0, result.summary()
    page = BeautifulSoup((tmp / "reports" / "2023-09" / "overview.html").read_text("utf-8"),
                         "html.parser")
    yield store.load(), store.issues("2023-09"), page, tmp / "reports" / "2023-09" / "charts"
    mp.undo()


def truth(records, measure, period="2023-09", areas=None):
    """The figure the records give: plain pandas over the ingested records."""
    part = records[(records.measure.astype(str) == measure)
                   & (records.period.astype(str) == period)]
    if areas is not None:
        part = part[part.area.isin(areas)]
    q = set(part.qualifier.astype(str))
    qualifier = "at_least" if q == {"at_least"} or q == {"at_least", "exact"} else (
        "exact" if q <= {"exact"} else "approx")
    return float(part.value.sum()), qualifier


def written(value, qualifier):
    return views.format_value(value, qualifier)


def numbers(text):
    """Every number in ``text`` that is not part of a month (2023年9月) or of a place name."""
    text = re.sub(r"\d{4}年\d{1,2}月", "", text)
    return re.findall(r"\d[\d,]*(?:\.\d+)?", text)


def test_the_rejected_cell_is_an_open_error_and_the_figure_is_not_loaded(month):
    records, issues, _, _ = month
    assert (issues.severity == "error").any()
    assert views.rejected(records, issues, "2023-09").values.tolist() == [
        ["新塘社区", "resident_partners"]]


def test_every_number_on_every_card_is_what_the_records_give(month):
    records, _, page, out = month
    alts = {p.stem.removesuffix(".alt"): p.read_text("utf-8").strip()
            for p in out.glob("headline_*.alt.txt")}
    shown = {img.get("alt", "") for img in page.find_all("img")}
    assert set(alts.values()) <= shown  # the page carries each card with its alt text
    checked = 0
    for name, alt in alts.items():
        found = []
        for label, measure in LABELS.items():
            for m in re.finditer(label + QUALIFIED, alt):
                if measure == "slots_target" and alt[m.start() - 2:m.start()] == "普惠":
                    continue
                found.append(m.group(0))
                value, q = truth(records, measure)
                assert m.group(0) == label + written(value, q), (name, m.group(0))
        for m in re.finditer(r"（计划" + QUALIFIED + "个）", alt):  # 普惠 planned, after its done
            found.append(m.group(0))
            assert m.group(0) == f"（计划{written(*truth(records, 'inclusive_slots_target'))}个）"
        for m in re.finditer(r"年度计划的(\d+)%", alt):
            found.append(m.group(0))
            done, goal = truth(records, "slots_added")[0], truth(records, "slots_target")[0]
            assert int(m.group(1)) == round(done / goal * 100)
        for m in re.finditer(r"(\d+)支", alt):
            found.append(m.group(0))
            teams = records[(records.measure == "volunteers") & (records.period.astype(str) == "2023-09")]
            assert int(m.group(1)) == teams.group.nunique()
        # every number of the alt text was one of the figures checked above
        assert len(numbers(alt)) == sum(len(numbers(f)) for f in found), (name, alt, found)
        checked += len(found)
    assert checked >= 12
    partners = alts["headline_partners"]
    # persons and organisations are never added into one figure; what is left out is said
    assert "居民合伙人26位" in partners and "团体合伙人55家" in partners
    assert "居民合伙人不含新塘社区（数据待核实）、工人路社区（本月未报送）" in partners
    assert "团体合伙人不含工人路社区（本月未报送）" in partners
    assert "其中普惠托位已完成568个（计划360个）" in alts["headline_childcare"]


def test_the_key_figures_table_compares_like_with_like_and_says_so_in_chinese(month):
    records, _, page, _ = month
    [tab] = [t for t in page.find_all("table") if t.caption and "较上月" in t.caption.text]
    assert "只比较本月和上月都报送的地区" in tab.caption.text
    heads = [th.text.strip() for th in tab.find("thead").find_all("th")]
    rows = [dict(zip(heads, [td.text.strip() for td in tr.find_all("td")], strict=True))
            for tr in tab.find("tbody").find_all("tr")]
    by_label = {r["指标"]: r for r in rows}
    now = records[records.period.astype(str) == "2023-09"]
    before = records[records.period.astype(str) == "2023-08"]
    for label, measure in (("居民合伙人", "resident_partners"), ("团体合伙人", "group_partners")):
        row = by_label[label]
        assert row["本月"] == written(*truth(records, measure))
        both = sorted(set(now.loc[now.measure == measure, "area"])
                      & set(before.loc[before.measure == measure, "area"]))
        common_now = truth(records, measure, areas=both)
        common_before = truth(records, measure, "2023-08", areas=both)
        assert row["本月（同口径）"] == written(*common_now)
        assert row["上月（同口径）"] == written(*common_before)
        change = common_now[0] - common_before[0]
        assert row["较上月"].startswith(f"{change:+,.0f} ({change / common_before[0] * 100:+.1f}%)")
        for n in numbers(row["说明"]):
            pytest.fail(f"a number in the remark {row['说明']!r}: {n}")
    assert by_label["居民合伙人"]["说明"] == "不含新塘社区（数据待核实）、工人路社区（本月未报送）"
    assert by_label["团体合伙人"]["说明"] == "不含工人路社区（本月未报送）"
    assert by_label["已完成新增托位"]["较上月"] == "本月新增"  # first report ever
    assert "Change against last month" not in page.text


def test_new_only_for_a_first_report_and_not_reported_for_a_gap(month):
    records, issues, _, _ = month
    came_back = views.area_profile(records, "盈二社区", "2023-09", issues).set_index("label")
    assert came_back.loc["居民合伙人", "change"] == "上月未报送"  # skipped August: not new
    assert came_back.loc["志愿者人数", "change"] == "本月新增"  # its first volunteers return
    gone = views.area_profile(records, "工人路社区", "2023-09", issues).set_index("label")
    assert gone.loc["居民合伙人", ["display", "previous"]].tolist() == ["本月未报送", "9"]
    growth = views.growth_since_start(records, "resident_partners", "2023-09", issues).set_index("area")
    assert growth.loc["工人路社区", "now"] == "本月未报送"  # not its August 9
    assert growth.loc["新塘社区", "now"] == "数据待核实"
    assert growth.loc["天悦社区", ["now", "growth"]].tolist() == ["20", "+10"]


def test_the_newsletter_source_line_and_byline_are_the_editors(month, tmp_path):
    records, issues, _, out = month
    alt = (out / "childcare_slots.alt.txt").read_text("utf-8")
    assert "数据来源：萧山区各街道、社区报表" in alt and ".csv" not in alt
    nl = charts.newsletter(records, "2023-09", issues=issues, source="区民政局", byline="制图：区统计局")
    texts = [t.get_text() for t in nl.charts["childcare_slots"].figure("web").texts]
    assert "数据来源：区民政局　制图：区统计局" in texts


def _figure(records, measure, area=None, period="2023-09", group=None):
    part = records[(records.measure.astype(str) == measure) & (records.period.astype(str) == period)]
    part = part if area is None else part[part.area == area]
    part = part if group is None else part[part.group == group]
    return written(*truth(part, measure, period))


def test_every_number_in_the_chart_alt_texts_is_what_the_records_give(month):
    records, _, _, out = month
    for name, measure, unit in (("partners_resident", "resident_partners", "位"),
                                ("partners_group", "group_partners", "家")):
        alt = (out / f"{name}.alt.txt").read_text("utf-8")
        found = []
        for m in re.finditer(rf"(\w+?社区)由(\d{{4}})年(\d+)月的{QUALIFIED}{unit}变为(\d{{4}})年(\d+)月的{QUALIFIED}{unit}", alt):
            area, y1, m1, y2, m2 = m.group(1), m.group(2), m.group(3), m.group(7), m.group(8)
            first = m.group(0).split("的")[1].split(unit)[0]
            last = m.group(0).split("的")[2].split(unit)[0]
            assert first == _figure(records, measure, area, f"{y1}-{int(m1):02d}"), m.group(0)
            assert last == _figure(records, measure, area, f"{y2}-{int(m2):02d}"), m.group(0)
            found.append(m.group(0))
        title = re.search(rf"(\w+?社区){'居民' if unit == '位' else '团体'}合伙人由{QUALIFIED}{unit}增至{QUALIFIED}{unit}", alt)
        found.append(title.group(0))
        assert len(numbers(alt)) == sum(len(numbers(f)) for f in found), alt
    alt = (out / "volunteers_teams.alt.txt").read_text("utf-8")
    teams = re.findall(rf"(春之歌艺术团|讲师团|红管家)(?:人数)?(?:最多，为)?{QUALIFIED}人", alt)
    for team, *_ in teams:
        assert f"{team}{_figure(records, 'volunteers', group=team)}人" in re.sub("(人数)?最多，为", "", alt)
    assert len(numbers(alt)) == len(teams)
    for name, added, target in (("childcare_slots", "slots_added", "slots_target"),
                                ("childcare_inclusive", "inclusive_slots_added",
                                 "inclusive_slots_target")):
        alt = (out / f"{name}.alt.txt").read_text("utf-8")
        done, goal = truth(records, added)[0], truth(records, target)[0]
        assert re.findall(r"\d[\d,]*(?=个|%)", re.sub(r"\d{4}年\d+月", "", alt)) == [
            f"{done:.0f}", f"{done / goal * 100:.0f}", f"{done:.0f}", f"{goal:.0f}"], alt


def test_the_area_profile_is_one_panel_per_indicator_and_a_gap_breaks_the_line(month):
    records, _, _, _ = month
    data = views.area_series(records, "盈二社区", until="2023-09")
    chart = charts.small_multiples(data, x="period", y="value", panel="indicator",
                                   title="盈二社区各项指标逐月变化")
    fig = chart.figure("web")
    assert len(fig.axes) == data.indicator.nunique() == 3  # own axis for persons, organisations, volunteers
    heads = {t.get_text() for t in fig.texts}
    assert {"居民合伙人（位）", "团体合伙人（家）", "志愿者人数（人）"} <= heads
    [resident] = [ax for ax in fig.axes if ax.lines and list(ax.lines[0].get_ydata()[:1]) == [5.0]]
    ys = resident.lines[0].get_ydata()
    assert list(ys[[0, 2]]) == [5.0, 6.0] and pd.isna(ys[1])  # August skipped: a break, not a line
    assert "居民合伙人（位）：2023年9月为6位（有1个月无数据）" in chart.alt
    assert "团体合伙人（家）：2023年9月为8家" in chart.alt


def test_the_volunteers_trend_never_puts_money_and_counts_on_one_axis():
    recs = views.example_records()
    more = recs.iloc[[-1, -1, -1]].assign(
        period=pd.PeriodIndex(["2023-07", "2023-07", "2023-09"], freq="M"),
        measure=["volunteers", "funds_yuan", "funds_yuan"], value=[30.0, 1_200_000.0, 1_300_000.0])
    data = views.totals_over_time(pd.concat([recs, more]), "volunteers", until="2023-09")
    chart = charts.small_multiples(data, x="period", y="value", panel="indicator", title="志愿服务逐月")
    fig = chart.figure("column")
    tops = sorted(ax.get_ylim()[1] for ax in fig.axes)
    assert len(fig.axes) == 2 and tops[0] < 100 and tops[1] >= 1_300_000
    money = next(ax for ax in fig.axes if ax.get_ylim()[1] >= 1_300_000)
    assert pd.isna(money.lines[0].get_ydata()[1])  # no 物资金额 in August: the line breaks
    assert "物资金额（元）：2023年9月为1,300,000元（有1个月无数据）" in chart.alt
