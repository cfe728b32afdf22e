"""Plausibility checks (审核): real workbooks written here, really ingested into a temp store.

Each test writes monthly returns with openpyxl, runs them through ``civicstats.store.ingest``
(clean + load + the checks in the same transaction) and reads the store's ``issues`` table.
Each test has its own store (tests/conftest.py sets $CIVICSTATS_STORE).
"""

import importlib.util
import re
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from civicstats import checks, config, messages
from civicstats import store as st
from civicstats.cli import main

ROOT = Path(__file__).resolve().parent.parent
STREETS = ["北干街道", "南阳街道", "新街街道", "新塘街道", "城厢街道", "盈丰街道"]
COMMUNITIES = ["天悦社区", "工人路社区", "育才东苑社区", "盈二社区", "新街社区", "新塘社区",
               "湘湖社区", "南阳社区"]
TEAMS = [(c, c[:-2] + "志愿队") for c in COMMUNITIES]


# -- returns as streets fill them in ------------------------------------------------


def workbook(path: Path, title: str, header: list, rows: list, sheet: str = "Sheet1") -> Path:
    """A return: a title line, one header row, data rows from row 3 (row 3 = first data row)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def childcare(folder: Path, period: str, rows: dict, name: str | None = None) -> Path:
    """rows: street -> (target, inclusive target, added, inclusive added)."""
    year, month = period.split("-")
    return workbook(folder / (name or f"childcare_{period}.xlsx"),
                    f"{year}年{int(month)}月托位建设进度",
                    ["街道", "计划新增托位", "计划新增普惠托位", "已完成新增托位", "完成普惠托位"],
                    [[s, *v] for s, v in rows.items()])


def partners(folder: Path, period: str, rows: dict, name: str | None = None) -> Path:
    """rows: community -> (resident partners, group partners)."""
    year, month = period.split("-")
    return workbook(folder / (name or f"partners_{period}.xlsx"),
                    f"{year}年{int(month)}月社区合伙人统计", ["社区", "居民合伙人", "团体合伙人"],
                    [[c, *v] for c, v in rows.items()])


def volunteers(folder: Path, period: str, rows: dict) -> Path:
    """rows: (community, team) -> (volunteers, people served)."""
    year, month = period.split("-")
    return workbook(folder / f"volunteers_{period}.xlsx", f"{year}年{int(month)}月志愿服务统计",
                    ["社区", "志愿队伍", "志愿者人数", "服务人次"],
                    [[c, t, *v] for (c, t), v in rows.items()])


def normal_childcare(period: str) -> dict:
    k = int(period[-2:])
    return {s: (100 + 10 * i, 60 + 6 * i, 40 + 8 * k + i, 24 + 5 * k + i)
            for i, s in enumerate(STREETS)}


def wrong_childcare() -> dict:
    """March's childcare rows with 北干街道's 普惠 slots done (620) above all slots done (580)."""
    rows = normal_childcare("2024-03")
    rows["北干街道"] = (600, 360, 580, 620)
    return rows


def normal_partners(period: str) -> dict:
    k = int(period[-2:])
    return {c: (15 + i + k, 20 + 2 * i + k) for i, c in enumerate(COMMUNITIES)}


def normal_volunteers(period: str) -> dict:
    k = int(period[-2:])
    return {key: (30 + i + k, 180 + 25 * i + 7 * k) for i, key in enumerate(TEAMS)}


def ingest(*paths):
    return st.ingest(list(paths))


def check_issues(open_only: bool = True) -> pd.DataFrame:
    """The store's check_ issues (all of them, or only the open ones), oldest first."""
    con = duckdb.connect(str(config.store_path()), read_only=True)
    try:
        where = " AND closed_at IS NULL" if open_only else ""
        return con.sql("SELECT rule, severity, source, file, raw, message, "
                       "strftime(period, '%Y-%m') AS period, ingested_at, closed_at FROM issues "
                       f"WHERE rule LIKE 'check%'{where} ORDER BY ingested_at, source").df()
    finally:
        con.close()


def cell_of(path: Path, text) -> str:
    """The ``FILE#SHEET!CELL`` address of the first cell holding ``text``."""
    ws = openpyxl.load_workbook(path).active
    for row in ws.iter_rows():
        for c in row:
            if c.value == text:
                return f"{path.name}#{ws.title}!{c.coordinate}"
    raise AssertionError(f"{text!r} not in {path}")


def address(path: Path, row_label, column_header) -> str:
    """The cell at the row whose first cell is ``row_label`` and the column ``column_header``."""
    ws = openpyxl.load_workbook(path).active
    rows = list(ws.iter_rows())
    col = next(c.column_letter for c in rows[1] if c.value == column_header)
    row = next(r[0].row for r in rows if r[0].value == row_label)
    return f"{path.name}#{ws.title}!{col}{row}"


# -- the three cases of issue 14 -----------------------------------------------------------


def test_inclusive_slots_above_all_slots_done_is_one_error_at_the_inclusive_cell(tmp_path):
    rows = wrong_childcare()
    f = childcare(tmp_path / "raw", "2024-03", rows)
    ingest(f)
    found = check_issues()
    assert len(found) == 1
    issue = found.iloc[0]
    assert (issue.rule, issue.severity, issue.period) == ("check_part_whole", "error", "2024-03")
    assert issue.source == address(f, "北干街道", "完成普惠托位")
    assert issue.file.endswith("raw/childcare_2024-03.xlsx") and issue.raw == "620"
    whole = address(f, "北干街道", "已完成新增托位").rpartition("!")[2]
    assert f"620（{issue.source.rpartition('!')[2]}）" in issue.message
    assert f"580（{whole}）" in issue.message


def twenty_to_two(tmp_path) -> tuple[Path, Path]:
    """February and March returns, ingested: 天悦社区's resident partners fall from 20 to 2."""
    feb, mar = normal_partners("2024-02"), normal_partners("2024-03")
    feb["天悦社区"] = (20, 35)
    mar["天悦社区"] = (2, 36)
    f2 = partners(tmp_path, "2024-02", feb)
    f3 = partners(tmp_path, "2024-03", mar)
    ingest(f2, f3)
    return f2, f3


def test_resident_partners_falling_from_20_to_2_is_one_drop_naming_last_months_cell(tmp_path):
    f2, f3 = twenty_to_two(tmp_path)
    found = check_issues()
    assert found[["rule", "period"]].values.tolist() == [["check_drop", "2024-03"]]
    issue = found.iloc[0]
    assert issue.source == address(f3, "天悦社区", "居民合伙人")
    assert issue.file.endswith("partners_2024-03.xlsx")
    assert f"由上月 20（{address(f2, '天悦社区', '居民合伙人')}）降至 2，降幅 90%" in issue.message


def test_people_served_jumping_100_times_is_one_spike_naming_the_median_and_last_month(tmp_path):
    paths = []
    for period in ["2024-01", "2024-02", "2024-03"]:
        rows = normal_volunteers(period)
        if period == "2024-03":
            rows[TEAMS[2]] = (40, 24000)
        paths.append(volunteers(tmp_path, period, rows))
    ingest(*paths)
    found = check_issues()
    assert found[["rule", "period"]].values.tolist() == [["check_spike", "2024-03"]]
    issue = found.iloc[0]
    team_row = address(paths[2], TEAMS[2][0], "服务人次")
    assert issue.source == team_row and issue.raw == "24000"
    before = [normal_volunteers(p)[TEAMS[2]][1] for p in ["2024-01", "2024-02"]]
    median = sum(before) / 2
    assert f"中位数 {median:g}" in issue.message
    assert f"上月 {before[1]}，{address(paths[1], TEAMS[2][0], '服务人次')}" in issue.message
    assert f"{24000 / median:.0f} 倍" in issue.message


def test_normal_months_of_every_domain_raise_no_check(tmp_path):
    paths = []
    for period in ["2024-01", "2024-02", "2024-03"]:
        paths += [childcare(tmp_path, period, normal_childcare(period)),
                  partners(tmp_path, period, normal_partners(period)),
                  volunteers(tmp_path, period, normal_volunteers(period))]
    outcomes = ingest(*paths)
    assert {o.outcome for o in outcomes} == {"ok"}
    assert check_issues(open_only=False).empty
    assert st.load().shape[0] == 3 * (6 * 4 + 8 * 2 + 8 * 2)


# -- corrections close what they fixed; what still holds stays as it was ---------------


def test_a_corrected_version_of_the_file_closes_the_part_whole_error(tmp_path):
    rows = wrong_childcare()
    f = childcare(tmp_path, "2024-03", rows)
    ingest(f)
    assert check_issues().rule.tolist() == ["check_part_whole"]
    rows["北干街道"] = (600, 360, 580, 350)
    childcare(tmp_path, "2024-03", rows)  # the same file, corrected and sent again
    ingest(f)
    assert check_issues().empty
    every = check_issues(open_only=False)
    assert len(every) == 1 and every.closed_at.notna().all()
    assert st.issues()["rule"].str.startswith("check").sum() == 0


def test_a_correction_under_a_new_name_closes_the_error_and_is_no_conflict(tmp_path):
    rows = wrong_childcare()
    ingest(childcare(tmp_path, "2024-03", rows))
    fix = childcare(tmp_path, "2024-03", {"北干街道": (600, 360, 580, 350)},
                    name="childcare_2024-03_北干街道更正.xlsx")
    ingest(fix)
    assert check_issues().empty


def test_a_new_version_that_still_has_the_problem_keeps_the_same_issue_open(tmp_path):
    rows = wrong_childcare()
    f = childcare(tmp_path, "2024-03", rows)
    ingest(f)
    first = check_issues(open_only=False)
    rows["南阳街道"] = (91, 55, 70, 40)  # another street changes; 北干's error still holds
    childcare(tmp_path, "2024-03", rows)
    ingest(f)
    again = check_issues(open_only=False)
    assert len(again) == 1 and again.closed_at.isna().all()  # never closed and reopened
    assert again.ingested_at.tolist() == first.ingested_at.tolist()
    assert st.ingests()["path"].str.endswith("childcare_2024-03.xlsx").sum() == 2


def test_correcting_last_month_closes_the_drop_it_caused_in_this_month(tmp_path):
    feb, mar = normal_partners("2024-02"), normal_partners("2024-03")
    feb["天悦社区"], mar["天悦社区"] = (20, 35), (2, 36)
    f2 = partners(tmp_path, "2024-02", feb)
    ingest(f2, partners(tmp_path, "2024-03", mar))
    assert check_issues().file.str.endswith("partners_2024-03.xlsx").tolist() == [True]
    feb["天悦社区"] = (2, 35)  # February's 20 was the mistake
    partners(tmp_path, "2024-02", feb)
    ingest(f2)  # only February's file changes; March's drop no longer holds
    assert check_issues().empty


# -- the other checks ------------------------------------------------------------------------


def test_done_more_than_three_times_the_plan_is_a_warning_naming_the_plan(tmp_path):
    rows = normal_childcare("2024-03")
    rows["城厢街道"] = (100, 60, 1900, 50)
    f = childcare(tmp_path, "2024-03", rows)
    ingest(f)
    found = check_issues()
    assert found[["rule", "severity"]].values.tolist() == [["check_done_vs_plan", "warning"]]
    assert found.source[0] == address(f, "城厢街道", "已完成新增托位")
    assert "1,900" in found.message[0] and "100（" in found.message[0] and "3 倍" in found.message[0]


def test_a_first_report_far_above_its_peers_is_a_warning(tmp_path):
    feb = normal_partners("2024-02")
    new = feb.pop("湘湖社区")
    ingest(partners(tmp_path, "2024-02", feb))
    mar = normal_partners("2024-03")
    mar["湘湖社区"] = (new[0], 900)
    f = partners(tmp_path, "2024-03", mar)
    ingest(f)
    found = check_issues()
    assert found.rule.tolist() == ["check_first_outlier"]
    assert found.source[0] == address(f, "湘湖社区", "团体合伙人")
    peers = sorted(v[1] for c, v in mar.items() if c != "湘湖社区")
    median = (peers[3] + peers[4]) / 2 if len(peers) % 2 == 0 else peers[len(peers) // 2]
    assert f"其他 {len(peers)} 个单位中位数 {median:g}" in found.message[0]


def test_the_same_figure_from_two_files_with_two_values_is_a_conflict_error(tmp_path):
    rows = normal_partners("2024-03")
    a = partners(tmp_path, "2024-03", rows)
    b = partners(tmp_path, "2024-03", {"天悦社区": (rows["天悦社区"][0] + 5, rows["天悦社区"][1])},
                 name="partners_2024-03_北干街道.xlsx")
    ingest(a, b)
    found = check_issues()
    assert found[["rule", "severity"]].values.tolist() == [["check_conflict", "error"]]
    assert found.source[0] == address(b, "天悦社区", "居民合伙人")
    assert address(a, "天悦社区", "居民合伙人") in found.message[0]
    # the second file sent again with the first file's figure: one value, no conflict
    partners(tmp_path, "2024-03", {"天悦社区": rows["天悦社区"]}, name=b.name)
    ingest(b)
    assert check_issues().empty


def test_a_community_that_stops_reporting_is_missing_unless_its_cell_was_unreadable(tmp_path):
    feb = normal_partners("2024-02")
    ingest(partners(tmp_path, "2024-02", feb))
    mar = normal_partners("2024-03")
    del mar["新塘社区"]
    mar["湘湖社区"] = ("待核实", mar["湘湖社区"][1])  # unreadable: the cleaner's error asks for it
    f3 = partners(tmp_path, "2024-03", mar)
    ingest(f3)
    found = check_issues()
    assert found.rule.unique().tolist() == ["check_missing"]
    assert sorted(found.source) == sorted(
        [address(tmp_path / "partners_2024-02.xlsx", "新塘社区", h) for h in ("居民合伙人", "团体合伙人")])
    assert (found.period == "2024-03").all()
    assert "本月没有报送" in found.message[0]
    # the community's figures arrive in a file of their own: nothing is missing any more
    ingest(partners(tmp_path, "2024-03", {"新塘社区": feb["新塘社区"]}, name="partners_2024-03_新塘.xlsx"))
    assert check_issues().empty


# -- thresholds are data ---------------------------------------------------------------------


def test_a_changed_threshold_in_a_copy_of_the_rules_file_changes_the_result(tmp_path, monkeypatch):
    feb, mar = normal_partners("2024-02"), normal_partners("2024-03")
    feb["天悦社区"], mar["天悦社区"] = (20, 35), (2, 36)
    ingest(partners(tmp_path, "2024-02", feb), partners(tmp_path, "2024-03", mar))
    assert check_issues().rule.tolist() == ["check_drop"]
    strict = tmp_path / "checks.toml"
    text = (ROOT / "civicstats/vocab/checks.toml").read_text(encoding="utf-8")
    strict.write_text(re.sub(r"(?m)^share = 0.5$", "share = 0.95", text), encoding="utf-8")
    monkeypatch.setenv("CIVICSTATS_CHECKS", str(strict))
    assert main(["check"]) == 0
    assert check_issues().empty  # a 90 % fall is below the new 95 %
    only = tmp_path / "only.toml"  # a file holding just the key it changes
    only.write_text("[check_drop]\nshare = 0.8\n", encoding="utf-8")
    monkeypatch.setenv("CIVICSTATS_CHECKS", str(only))
    assert main(["check"]) == 0
    assert check_issues().rule.tolist() == ["check_drop"]


def test_a_bad_rules_file_is_a_clear_message_and_exit_2(tmp_path, monkeypatch, capsys):
    ingest(partners(tmp_path, "2024-02", normal_partners("2024-02")))
    bad = tmp_path / "bad.toml"
    bad.write_text("[check_drop]\nshrae = 0.8\n", encoding="utf-8")
    monkeypatch.setenv("CIVICSTATS_CHECKS", str(bad))
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert f"{bad} [check_drop] shrae" in err and "share" in err and "Traceback" not in err
    bad.write_text("[check_spike]\nmessage.zh = \"{who} {valeu}\"\n", encoding="utf-8")
    assert main(["check"]) == 2
    assert "{valeu}" in capsys.readouterr().err


# -- civicstats check ------------------------------------------------------------------------


def test_check_exits_1_while_an_error_level_check_is_open_and_0_after_the_fix(
        tmp_path, capsys, monkeypatch):
    # --lang sets the language for the process: put it back after this test
    monkeypatch.setattr(messages, "_chosen", None)
    monkeypatch.setenv(messages.ENV_LANG, "zh")
    rows = wrong_childcare()
    f = childcare(tmp_path, "2024-03", rows)
    ingest(f)
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "check_part_whole  部分大于总数（错误）：1 条未处理" in out
    assert "共 1 条错误、0 条警告未处理；本次新增 0 条、关闭 0 条" in out
    assert main(["check", "--period", "2024-02"]) == 0
    assert main(["--lang", "en", "check", "--period", "2024-03"]) == 1
    assert "check_part_whole  part above its whole (error): 1 open" in capsys.readouterr().out
    rows["北干街道"] = (600, 360, 580, 350)
    childcare(tmp_path, "2024-03", rows)
    ingest(f)
    assert main(["check"]) == 0
    assert main(["check", "--period", "2024-13"]) == 2
    assert "2024-13" in capsys.readouterr().err


def test_check_on_an_empty_store_says_so(capsys):
    assert main(["check"]) == 0
    assert "还没有记录" in capsys.readouterr().out


def test_checks_appear_in_status_counts(tmp_path):
    rows = wrong_childcare()
    ingest(childcare(tmp_path, "2024-03", rows))
    row = st.status().set_index(["domain", "period"]).loc[("childcare", "2024-03")]
    assert (row.errors, row.warnings) == (1, 0)


# -- the bundled samples -----------------------------------------------------------------------

# What the bundled samples deserve (README, "Plausibility checks"): (rule, period, file, cells).
SAMPLE_CHECKS = [
    ("check_spike", "2023-06", "volunteers_2023-06.xlsx", ["D3"]),  # 天悦 服务人次 1.2万 after 349
    # the June form has no 服务时长 column: every team's hours are missing
    ("check_missing", "2023-06", "volunteers_2023-05.xlsx", [f"F{r}" for r in range(4, 13)]),
    # no September return from 新街, 新塘 and 盈丰 streets: their communities' figures are missing
    ("check_missing", "2023-09", "partners_2023-08.xlsx",
     [f"{c}{r}" for c in "EFGH" for r in (9, 12, 13)]),
    # the district teams of September (from the newspaper) are not in October's return
    ("check_missing", "2023-10", "volunteers_2023-09.xlsx", ["C3", "E3", "C4"]),
]


def test_the_bundled_samples_raise_exactly_the_checks_they_deserve(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    ingest(raw)
    found = check_issues()
    got = sorted((r.rule, r.period, r.source) for r in found.itertuples())
    want = sorted((rule, period, f"{name}#{sheet}!{c}")
                  for rule, period, name, cells in SAMPLE_CHECKS
                  for sheet in [_sheet_of(raw, name)] for c in cells)
    assert got == want
    spike = found[found.rule == "check_spike"].iloc[0]
    assert spike.raw == "12000" and "天悦社区" in spike.message and "349" in spike.message
    # the checks run on each ingest give what a full re-run gives
    assert checks.check_store().changes == {"opened": 0, "kept": len(want), "closed": 0}


def _sheet_of(raw: Path, name: str) -> str:
    return openpyxl.load_workbook(next(raw.rglob(name)), read_only=True).sheetnames[0]


# -- the SQL against a plain pandas implementation ---------------------------------------------


def test_the_sql_checks_find_what_the_plain_pandas_checks_find():
    spec = importlib.util.spec_from_file_location("bench_checks", ROOT / "benchmarks" / "bench_checks.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    store = config.store_path()
    bench.synthetic_store(store, areas=200, months=24)
    con = st._writer(store)
    try:
        sql = bench.sql_findings(con)
        plain = bench.pandas_findings(bench.current_records(con))
    finally:
        con.close()
    assert len(sql) > 20 and set(sql.rule) >= {"check_part_whole", "check_drop", "check_spike",
                                                  "check_first_outlier", "check_missing"}
    pd.testing.assert_frame_equal(sql, plain)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_rule_has_a_title_and_messages_in_both_languages(lang):
    for rule in checks.load_rules():
        assert rule.title[lang] and rule.severity in ("error", "warning")
        for variant in rule.messages:
            assert rule.template(variant, lang)


# -- the blind scenarios (tests/checks_corpus, written from the rules without the code) ---------

CORPUS = ROOT / "tests" / "checks_corpus"
SCENARIOS = sorted(p for p in CORPUS.glob("s[0-9]*_*") if p.is_dir())


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_the_blind_scenarios_raise_exactly_the_checks_a_statistician_expects(scenario):
    returns = sorted((p for p in scenario.iterdir() if p.suffix in (".xlsx", ".csv", ".xls")
                      and p.name != "expected_checks.csv"), key=lambda p: p.name)
    for path in returns:  # one at a time, in file-name order, as the scenario says
        ingest(path)
    got = sorted((Path(r.file).name, r.source.partition("#")[2], r.rule)
                 for r in check_issues().itertuples())
    want = pd.read_csv(scenario / "expected_checks.csv", dtype=str)
    assert got == sorted(want.itertuples(index=False, name=None))


def test_withdrawing_a_file_closes_the_checks_its_figures_raised_and_rechecks_the_next_month(tmp_path):
    from civicstats.withdraw import withdraw

    f2, f3 = twenty_to_two(tmp_path)
    assert check_issues().rule.tolist() == ["check_drop"]
    withdraw(str(f3))  # March sent by mistake: its drop is no longer in view
    assert check_issues().empty
    ingest(f3)  # sent again by name: the drop is back, at the same cell
    assert check_issues().source.tolist() == [address(f3, "天悦社区", "居民合伙人")]
    withdraw(str(f2))  # without February there is no month to fall from
    assert check_issues().empty
