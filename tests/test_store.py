"""The store: idempotent ingest, superseding with history, typed reads, status and export.

The database half is tested with record frames built here (``_load_file``); the whole
path with real workbooks written by openpyxl, cleaned by ``civicstats.clean``.
Each test has its own DuckDB file (tests/conftest.py sets $CIVICSTATS_STORE).
"""

import shutil
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from civicstats import config
from civicstats import store as st
from civicstats.cli import main

# -- frames as clean returns them --------------------------------------------------


def records(rows, file="f.xlsx"):
    """rows: (area, period, measure, value[, group]) -> a records frame typed like clean's."""
    rows = [r if len(r) == 5 else (*r, "") for r in rows]
    return pd.DataFrame({
        "area": [r[0] for r in rows],
        "group": [r[4] for r in rows],
        "period": pd.PeriodIndex([r[1] for r in rows], freq="M"),
        "measure": pd.Categorical([r[2] for r in rows]),
        "value": [float(r[3]) for r in rows],
        "qualifier": pd.Categorical(["exact"] * len(rows)),
        "source": [f"{file}#S!B{i + 3}" for i in range(len(rows))],
    })


def issues(rows=(), file="f.xlsx"):
    """rows: (cell, severity, rule) -> an issues frame."""
    return pd.DataFrame({
        "source": [f"{file}#S!{r[0]}" for r in rows],
        "severity": [r[1] for r in rows], "rule": [r[2] for r in rows],
        "raw": ["x"] * len(rows), "message": [f"problem {r[2]}" for r in rows]},
        columns=st.ISSUE_COLUMNS)


def put(file, sha, recs, iss=None, domain="partners"):
    """Load one file version straight through the database half of the store."""
    con = st._writer(None)
    try:
        return st._load_file(con, st.FileMeta(file, sha, 1, domain), recs,
                             iss if iss is not None else issues())
    finally:
        con.close()


def current(**kw):
    df = st.load(**kw)
    return {(r.area, str(r.period), r.measure): (r.value, r.file) for r in df.itertuples()}


# -- the database half ---------------------------------------------------------------


def test_loaded_records_come_back_typed_like_clean_records_with_domain_and_file():
    recs = records([("天悦社区", "2023-09", "resident_partners", 20),
                    ("天悦社区", "2023-09", "group_partners", 35)])
    put("a.xlsx", "s1", recs)
    df = st.load("partners")
    assert df.columns.tolist() == [*st.RECORD_COLUMNS, "domain", "file", "ingested_at"]
    assert str(df.period.dtype) == "period[M]" and df.value.dtype == "float64"
    assert isinstance(df.measure.dtype, pd.CategoricalDtype)
    assert isinstance(df.qualifier.dtype, pd.CategoricalDtype)
    pd.testing.assert_frame_equal(
        df[["area", "group", "period", "value", "source"]].reset_index(drop=True),
        recs[["area", "group", "period", "value", "source"]], check_dtype=False)
    assert set(df.file) == {"a.xlsx"} and set(df.domain) == {"partners"}


def test_another_file_resending_a_key_supersedes_exactly_that_key_and_keeps_the_old_row():
    put("a.xlsx", "s1", records([("天悦社区", "2023-09", "resident_partners", 20),
                                 ("天悦社区", "2023-09", "group_partners", 35)]))
    put("b.xlsx", "s2", records([("天悦社区", "2023-09", "resident_partners", 21)]))
    assert current() == {("天悦社区", "2023-09", "resident_partners"): (21.0, "b.xlsx"),
                         ("天悦社区", "2023-09", "group_partners"): (35.0, "a.xlsx")}
    h = st.history()
    old = h[(h.file == "a.xlsx") & (h.measure == "resident_partners")].iloc[0]
    assert old.value == 20.0 and old.superseded_by == "b.xlsx"
    assert old.superseded_at == h[h.file == "b.xlsx"].ingested_at.iloc[0]
    assert len(h) == 3


def test_a_new_version_of_a_file_replaces_its_old_figures_even_keys_it_no_longer_sends():
    put("a.xlsx", "v1", records([("天悦社区", "2023-09", "resident_partners", 20),
                                 ("天悦社区", "2023-09", "group_partners", 35)]))
    put("b.xlsx", "s2", records([("工人路社区", "2023-09", "resident_partners", 7)]))
    put("a.xlsx", "v2", records([("天悦社区", "2023-09", "resident_partners", 22)]))
    assert current() == {("天悦社区", "2023-09", "resident_partners"): (22.0, "a.xlsx"),
                         ("工人路社区", "2023-09", "resident_partners"): (7.0, "b.xlsx")}
    h = st.history()
    gone = h[h.measure == "group_partners"].iloc[0]
    assert gone.value == 35.0 and gone.superseded_by == "a.xlsx"
    assert len(h) == 4  # nothing deleted


def test_keys_differing_only_in_group_or_domain_do_not_supersede_each_other():
    put("a.xlsx", "s1", records([("天悦社区", "2023-09", "volunteers", 10, "春之歌艺术团")]),
        domain="volunteers")
    put("b.xlsx", "s2", records([("天悦社区", "2023-09", "volunteers", 39, "宣讲队")]),
        domain="volunteers")
    assert sorted(st.load("volunteers").group) == ["宣讲队", "春之歌艺术团"]


def test_issues_of_a_replaced_file_version_are_closed_and_other_files_issues_stay_open():
    put("a.xlsx", "v1", records([("天悦社区", "2023-09", "resident_partners", 20)]),
        issues([("C3", "error", "unreadable_value")]))
    put("b.xlsx", "s2", records([("工人路社区", "2023-08", "resident_partners", 7)], "b.xlsx"),
        issues([("B3", "warning", "unknown_area")], "b.xlsx"))
    put("a.xlsx", "v2", records([("天悦社区", "2023-09", "resident_partners", 21)]))
    open_ = st.issues()
    open_ = open_[~open_.rule.str.startswith("check_")]  # 工人路 missing in 09 is a check of its own
    assert open_[["file", "rule"]].values.tolist() == [["b.xlsx", "unknown_area"]]
    con = duckdb.connect(str(config.store_path()), read_only=True)
    assert con.execute("SELECT count(*) FROM issues WHERE closed_at IS NOT NULL "
                       "AND rule NOT LIKE 'check%'").fetchall() == [(1,)]
    con.close()


def test_an_issue_gets_the_period_of_the_records_on_its_row_and_filters_by_period():
    recs = records([("天悦社区", "2023-08", "resident_partners", 20),
                    ("天悦社区", "2023-09", "resident_partners", 21)])  # rows 3 and 4
    put("a.xlsx", "s1", recs, issues([("D4", "error", "unreadable_value"),
                                      ("Z99", "warning", "unknown_column")]))
    got = st.issues()
    assert {s: None if pd.isna(p) else str(p) for s, p in zip(got.source, got.period, strict=True)} \
        == {"f.xlsx#S!D4": "2023-09", "f.xlsx#S!Z99": None}
    # unknown-period issues show under every month asked for
    assert sorted(st.issues("2023-08").source) == ["f.xlsx#S!Z99"]
    assert sorted(st.issues("2023-09").source) == ["f.xlsx#S!D4", "f.xlsx#S!Z99"]


def test_a_failing_load_rolls_back_and_leaves_the_store_as_it_was():
    put("a.xlsx", "s1", records([("天悦社区", "2023-09", "resident_partners", 20)]))
    before = st.history(), st.ingests()
    bad = records([("天悦社区", "2023-09", "resident_partners", 99),
                   ("天悦社区", "2023-09", "group_partners", 1)])
    bad.loc[1, "area"] = None  # NOT NULL violation after the supersede UPDATE ran
    with pytest.raises(duckdb.ConstraintException):
        put("b.xlsx", "s2", bad)
    pd.testing.assert_frame_equal(st.history(), before[0])
    pd.testing.assert_frame_equal(st.ingests(), before[1])


def test_a_key_sent_twice_by_one_file_keeps_both_figures_and_warns():
    put("a.xlsx", "s1", records([("天悦社区", "2023-09", "resident_partners", 20),
                                 ("天悦社区", "2023-09", "resident_partners", 22)]))
    assert sorted(st.load().value) == [20.0, 22.0]
    warn = st.issues("2023-09")
    assert warn[["source", "severity", "rule"]].values.tolist() == [
        ["f.xlsx#S!B4", "warning", "duplicate_key"]]
    assert "f.xlsx#S!B3" in warn.message.iloc[0]


def test_load_filters_by_domain_periods_and_areas():
    put("a.xlsx", "s1", records([("天悦社区", "2023-08", "resident_partners", 1),
                                 ("天悦社区", "2023-09", "resident_partners", 2),
                                 ("工人路社区", "2023-09", "resident_partners", 3)]))
    put("c.xlsx", "s2", records([("天悦社区", "2023-09", "slots_added", 4)]), domain="childcare")
    assert sorted(st.load("partners", periods=["2023-09"]).value) == [2.0, 3.0]
    assert sorted(st.load(periods="2023-09", areas="天悦社区").value) == [2.0, 4.0]
    assert sorted(st.load(domain="childcare").value) == [4.0]
    assert st.periods() == ["2023-08", "2023-09"] and st.periods("childcare") == ["2023-09"]


def test_reading_a_store_that_does_not_exist_gives_empty_typed_frames_and_creates_nothing():
    path = config.store_path()
    df = st.load("partners")
    assert df.empty and str(df.period.dtype) == "period[M]" and df.value.dtype == "float64"
    assert st.history().empty and st.issues().empty and st.periods() == []
    assert st.status().empty
    assert not path.exists() and not path.parent.exists()


def test_status_counts_areas_files_records_and_open_issues_per_domain_and_period():
    put("a.xlsx", "s1", records([("天悦社区", "2023-09", "resident_partners", 1),
                                 ("工人路社区", "2023-09", "resident_partners", 2)]),
        issues([("D3", "error", "unreadable_value"), ("E3", "warning", "unknown_column")]))
    put("b.xlsx", "s2", records([("新街社区", "2023-09", "resident_partners", 3)], "b.xlsx"))
    s = st.status()
    assert s[["domain", "period", "areas", "files", "records", "errors", "warnings"]] \
        .values.tolist() == [["partners", "2023-09", 3, 2, 3, 1, 1]]
    assert s.last_ingest.iloc[0] == st.load().ingested_at.max()


def test_parquet_export_is_partitioned_by_domain_and_period_and_holds_the_current_records(tmp_path):
    put("a.xlsx", "s1", records([("天悦社区", "2023-08", "resident_partners", 1),
                                 ("天悦社区", "2023-09", "resident_partners", 2)]))
    put("b.xlsx", "s2", records([("天悦社区", "2023-09", "resident_partners", 5)]))
    put("c.xlsx", "s3", records([("天悦社区", "2023-09", "slots_added", 4)]), domain="childcare")
    out = tmp_path / "export"
    assert main(["export", "--format", "parquet", str(out)]) == 0
    parts = sorted(p.parent.relative_to(out).as_posix() for p in out.rglob("*.parquet"))
    assert parts == ["domain=childcare/period=2023-09", "domain=partners/period=2023-08",
                     "domain=partners/period=2023-09"]
    back = pd.read_parquet(out)
    assert sorted(back.value) == sorted(st.load().value) == [1.0, 4.0, 5.0]
    # exporting again replaces the previous export
    assert main(["export", "--format", "parquet", str(out)]) == 0
    assert len(pd.read_parquet(out)) == 3


def test_parquet_export_refuses_to_overwrite_a_folder_that_is_not_an_export(tmp_path):
    put("a.xlsx", "s1", records([("天悦社区", "2023-08", "resident_partners", 1)]))
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("precious")
    assert main(["export", "--format", "parquet", str(tmp_path / "mine")]) == 2
    assert (tmp_path / "mine" / "thesis.docx").read_text() == "precious"


def test_csv_export_writes_the_current_records_formula_safe(tmp_path):
    put("a.xlsx", "s1", records([("=cmd()", "2023-08", "resident_partners", 1),
                                 ("天悦社区", "2023-09", "resident_partners", 2)]))
    out = tmp_path / "all.csv"
    assert main(["export", "--format", "csv", str(out)]) == 0
    back = pd.read_csv(out, dtype=str)
    assert back.columns.tolist() == [*st.RECORD_COLUMNS, "domain", "file", "ingested_at"]
    assert back.area.tolist() == ["'=cmd()", "天悦社区"] and back.period.tolist() == ["2023-08", "2023-09"]


# -- the whole path: real workbooks through clean ------------------------------------------

clean_mod = pytest.importorskip("civicstats.clean")


def test_the_store_uses_the_record_and_issue_columns_of_clean():
    assert list(clean_mod.RECORD_COLUMNS) == st.RECORD_COLUMNS
    assert list(clean_mod.ISSUE_COLUMNS) == st.ISSUE_COLUMNS


def workbook(path: Path, title: str, rows, header=("社区", "居民合伙人", "团体合伙人")) -> Path:
    """A simple one-row-header table under a title, as a street sends it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([title])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def september(folder: Path, resident=20, name="partners_2023-09.xlsx") -> Path:
    return workbook(folder / name, "2023年9月社区合伙人统计",
                    [("天悦社区", resident, 35), ("工人路社区", 10, 12)])


def snapshot():
    """Everything the store holds, comparable between runs."""
    con = duckdb.connect(str(config.store_path()), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("ingests", "records", "issues")}
    finally:
        con.close()


def test_ingesting_the_same_content_twice_is_a_no_op_that_says_unchanged(tmp_path, capsys):
    raw = tmp_path / "raw"
    september(raw)
    workbook(raw / "partners_2023-08.xlsx", "2023年8月社区合伙人统计", [("天悦社区", 18, 30)])
    assert main(["ingest", str(raw)]) == 0
    first = snapshot()
    assert len(first["records"]) == 6
    assert main(["ingest", str(raw)]) == 0
    out = capsys.readouterr().out
    assert out.count(": 未变化") == 2 and "2 个未变化" in out
    assert snapshot() == first


def test_a_copy_of_loaded_content_under_another_name_is_unchanged_and_noted_once(tmp_path):
    a = september(tmp_path)
    b = tmp_path / "copy" / "partners_2023-09 (1).xlsx"
    b.parent.mkdir()
    shutil.copy(a, b)
    st.ingest([a])
    assert [o.outcome for o in st.ingest([b])] == ["unchanged"]
    assert [o.outcome for o in st.ingest([b])] == ["unchanged"]
    log = st.ingests()
    assert log.outcome.tolist() == ["ok", "unchanged"]
    assert set(st.load().file) == {st._file_id(a)}


def test_a_corrected_file_with_the_same_name_supersedes_and_history_keeps_both(tmp_path, capsys):
    path = september(tmp_path, resident=20)
    assert main(["ingest", str(path)]) == 0
    september(tmp_path, resident=21)
    assert main(["ingest", str(path)]) == 0
    assert "已入库 4 条记录" in capsys.readouterr().out
    now = st.load("partners")
    assert now.set_index(["area", "measure"]).value[("天悦社区", "resident_partners")] == 21.0
    assert len(now) == 4
    h = st.history("partners", areas="天悦社区")
    old = h[h.superseded_at.notna()]
    assert sorted(old.value) == [20.0, 35.0]
    assert set(old.superseded_by) == {st._file_id(path)}
    assert st.ingests().sha256.nunique() == 2


def test_a_file_that_cannot_be_opened_changes_nothing_and_is_recorded_as_failed(tmp_path, capsys):
    good = september(tmp_path)
    st.ingest([good])
    before = snapshot()
    bad = tmp_path / "partners_2023-10.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a workbook")
    assert main(["ingest", str(bad)]) == 2
    assert f"{st._file_id(bad)}: 失败：" in capsys.readouterr().out
    after = snapshot()
    assert after["records"] == before["records"] and after["issues"] == before["issues"]
    log = st.ingests()
    assert log.outcome.tolist() == ["ok", "failed"]
    assert log.path.iloc[1] == st._file_id(bad) and log.message.iloc[1]


def test_status_names_a_file_whose_latest_version_failed_until_it_is_fixed(tmp_path, capsys):
    path = september(tmp_path)
    good = path.read_bytes()
    st.ingest([path])
    path.write_bytes(b"PK\x03\x04 broken on the way")
    assert [o.outcome for o in st.ingest([path])] == ["failed"]
    st.ingest([path])  # the same failure again adds no row
    assert st.ingests().outcome.tolist() == ["ok", "failed"]
    main(["status"])
    assert f"失败（最新版本未入库）：{st._file_id(path)}" in capsys.readouterr().out
    assert len(st.load()) == 4  # the loaded version is still current
    path.write_bytes(good)
    assert [o.outcome for o in st.ingest([path])] == ["unchanged"]
    main(["status"])
    assert "失败" not in capsys.readouterr().out
    assert st.ingests().outcome.tolist() == ["ok", "failed", "unchanged"]


def test_rejected_cells_exit_1_and_the_readable_cells_are_still_loaded(tmp_path, capsys):
    path = workbook(tmp_path / "partners_2023-09.xlsx", "2023年9月社区合伙人统计",
                    [("天悦社区", "二十?", 35), ("工人路社区", 10, 12)])
    assert main(["ingest", str(path)]) == 1
    assert "rejected" in capsys.readouterr().out
    assert len(st.load()) == 3
    assert (st.issues("2023-09").severity == "error").sum() >= 1


def test_folders_are_walked_recursively_skipping_lock_hidden_and_other_files_with_a_line(tmp_path):
    september(tmp_path / "raw" / "partners")
    (tmp_path / "raw" / "partners" / "~$partners_2023-09.xlsx").write_bytes(b"lock")
    (tmp_path / "raw" / ".hidden.csv").write_text("x")
    (tmp_path / "raw" / "readme.txt").write_text("x")
    outcomes = st.ingest([tmp_path / "raw"])
    assert [(Path(o.file).name, o.outcome) for o in outcomes] == [
        (".hidden.csv", "skipped"), ("partners_2023-09.xlsx", "ok"),
        ("~$partners_2023-09.xlsx", "skipped"), ("readme.txt", "skipped")]
    assert st.ingests().path.map(lambda p: Path(p).name).tolist() == ["partners_2023-09.xlsx"]


def test_status_command_shows_every_domain_and_month_ingested(tmp_path, capsys):
    september(tmp_path)
    workbook(tmp_path / "partners_2023-08.xlsx", "2023年8月社区合伙人统计", [("天悦社区", 18, 30)])
    main(["ingest", str(tmp_path)])
    capsys.readouterr()
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "partners" in out and "2023-08" in out and "2023-09" in out


def test_store_option_overrides_the_environment(tmp_path):
    other = tmp_path / "elsewhere.duckdb"
    assert main(["ingest", str(september(tmp_path)), "--store", str(other)]) == 0
    assert other.is_file() and not config.store_path().exists()
    assert len(st.load(store=other)) == 4
