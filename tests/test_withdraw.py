"""`civicstats withdraw`: a file's figures leave the current view as if never sent, history keeps
them marked, what they had replaced comes back, and an ingest by name restores them.

Every test builds real workbooks, ingests them into a real store and withdraws through the
command line or the API.
"""

from pathlib import Path

import pytest

from civicstats import report
from civicstats import store as st
from civicstats.cli import main
from civicstats.messages import language
from tests.test_store import workbook as table

HEADER = ("社区", "居民合伙人", "团体合伙人")


def workbook(path: Path, month: int, rows, year: int = 2023) -> Path:
    """A partners return for one month: a title, a header row, one row per area."""
    return table(path, f"{year}年{month}月社区合伙人统计", rows, HEADER)


def figure(area="天悦社区", measure="resident_partners", period="2023-09"):
    """The current value of one key, or None."""
    df = st.load("partners", periods=period, areas=area)
    hit = df[df.measure == measure]
    return None if hit.empty else hit.value.tolist()


def run(args, capsys) -> tuple[int, str, str]:
    with language("en"):
        code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def months(tmp_path):
    """August and September returns in a raw folder, ingested."""
    raw = tmp_path / "raw"
    aug = workbook(raw / "partners_2023-08.xlsx", 8, [("天悦社区", 18, 30), ("工人路社区", 9, 11)])
    sep = workbook(raw / "partners_2023-09.xlsx", 9, [("天悦社区", 20, 35), ("工人路社区", 10, 12)])
    st.ingest([raw])
    return raw, aug, sep


def test_a_withdrawn_file_leaves_load_periods_latest_and_status_but_history_keeps_it(months, capsys):
    raw, aug, sep = months
    before = st.status()
    hash_before = report.gather_inputs("2023-09", raw=False).records_hash
    code, out, _ = run(["withdraw", sep], capsys)
    assert code == 0
    assert "withdrawn: 4 figures out of the current view, 0 earlier figures back" in out
    assert st.periods() == ["2023-08"]
    assert report.latest_period(raw=False) == "2023-08"
    assert set(st.load().file) == {st._file_id(aug)}
    assert st.status().period.tolist() == ["2023-08"] != before.period.tolist()
    assert report.gather_inputs("2023-09", raw=False).records_hash != hash_before
    h = st.history(periods="2023-09")
    assert len(h) == 4 and h.withdrawn_at.notna().all() and h.superseded_by.isna().all()
    code, out, _ = run(["status"], capsys)
    assert f"withdrawn: {st._file_id(sep)} ({st.file_sha256(sep)[:12]})" in out


def test_an_ingest_of_the_folder_skips_withdrawn_content_and_an_ingest_by_name_restores_it(
        months, capsys):
    raw, _, sep = months
    run(["withdraw", sep.name], capsys)  # a stored file's name is enough when it fits one
    code, out, _ = run(["ingest", raw], capsys)
    assert code == 0
    assert f"{st._file_id(sep)}: skipped: withdrawn on " in out and "1 skipped" in out
    assert st.periods() == ["2023-08"]
    code, out, _ = run(["ingest", sep], capsys)
    assert code == 0 and "ingested 4 records" in out
    assert st.periods() == ["2023-08", "2023-09"] and figure() == [20.0]
    h = st.history(periods="2023-09")
    assert len(h) == 8 and h.withdrawn_at.notna().sum() == 4  # both loads, the first marked
    code, out, _ = run(["status"], capsys)
    assert "withdrawn:" not in out


def test_in_a_chain_a_b_c_withdrawing_c_brings_b_back_and_then_b_brings_a_back(tmp_path):
    files = [workbook(tmp_path / f"partners_{name}.xlsx", 9, [("天悦社区", v, 35)])
             for name, v in (("a", 20), ("b", 21), ("c", 22))]
    for f in files:
        st.ingest([f])
    assert figure() == [22.0]
    from civicstats.withdraw import withdraw

    withdraw(files[2])
    assert figure() == [21.0]
    withdraw(files[1])
    assert figure() == [20.0]
    assert figure(measure="group_partners") == [35.0]  # one figure per key, never two


def test_withdrawing_the_middle_of_a_chain_changes_nothing_in_view_until_the_last_goes(tmp_path):
    from civicstats.withdraw import withdraw

    files = [workbook(tmp_path / f"partners_{name}.xlsx", 9, [("天悦社区", v, 35)])
             for name, v in (("a", 20), ("b", 21), ("c", 22))]
    st.ingest(files)
    [done] = withdraw(files[1])
    assert (done.records, done.restored) == (0, 0)  # B's figures were no longer current
    assert figure() == [22.0]
    withdraw(files[2])
    assert figure() == [20.0]  # B stays out: it was withdrawn


def test_withdrawing_a_version_by_sha_brings_the_older_version_back_and_reopens_its_issues(
        tmp_path):
    from civicstats.withdraw import withdraw

    path = tmp_path / "partners_2023-09.xlsx"
    workbook(path, 9, [("天悦社区", "二十?", 35), ("工人路社区", 10, 12)])
    st.ingest([path])
    old_bytes = path.read_bytes()
    assert len(st.issues("2023-09")) == 1
    workbook(path, 9, [("天悦社区", 20, 35)])  # corrected, and 工人路社区 left out
    new_sha = st.file_sha256(path)
    st.ingest([path])
    assert st.issues("2023-09").empty and figure(area="工人路社区") is None
    withdraw(new_sha[:10].upper())
    assert figure() is None and figure(area="工人路社区") == [10.0]
    assert st.issues("2023-09").raw.tolist() == ["二十?"]
    # content that is current is unchanged; the withdrawn version loads again when named
    path.write_bytes(old_bytes)
    assert [o.outcome for o in st.ingest([path])] == ["unchanged"]


def test_withdrawing_a_file_by_name_takes_out_every_version_of_it(tmp_path):
    from civicstats.withdraw import withdraw

    path = tmp_path / "partners_2023-09.xlsx"
    workbook(path, 9, [("天悦社区", 20, 35)])
    st.ingest([path])
    workbook(path, 9, [("天悦社区", 21, 35)])
    st.ingest([path])
    done = withdraw(path)
    assert len(done) == 2 and st.load().empty
    assert st.history().withdrawn_at.notna().all()


def test_a_withdrawn_files_open_issues_are_closed(months, tmp_path):
    from civicstats.withdraw import withdraw

    bad = workbook(tmp_path / "partners_2023-10.xlsx", 10, [("天悦社区", "待核实", 40)])
    st.ingest([bad])
    found = st.issues("2023-10")
    assert found.rule.tolist().count("unreadable_value") == 1  # and check_missing for 工人路社区
    [done] = withdraw(bad)
    assert done.issues == 1 and st.issues("2023-10").empty and st.periods()[-1] == "2023-09"


def test_an_unknown_file_or_sha_exits_2_naming_what_the_store_holds(months, capsys):
    _, aug, sep = months
    before = st.history()
    for target in ("partners_2023-11.xlsx", "deadbeef00"):
        code, out, err = run(["withdraw", target], capsys)
        assert code == 2 and "Traceback" not in err
        assert target in err and st._file_id(aug) in err and st._file_id(sep) in err
        assert st.file_sha256(sep)[:12] in err
    assert len(st.history()) == len(before) and st.history().withdrawn_at.isna().all()


def test_withdrawing_twice_says_it_was_already_withdrawn_and_changes_nothing(months, capsys):
    _, _, sep = months
    run(["withdraw", sep], capsys)
    log = st.ingests()
    code, out, _ = run(["withdraw", sep], capsys)
    assert code == 0 and "already withdrawn on" in out
    assert len(st.ingests()) == len(log)


def test_a_store_made_before_withdrawals_is_migrated_and_read(tmp_path):
    import duckdb

    store = tmp_path / "old.duckdb"
    con = duckdb.connect(str(store))
    old_schema = st.SCHEMA.split("-- added later")[0]
    con.execute(old_schema)
    con.close()
    assert st.history(store=store).columns[-1] == "withdrawn_at"  # read before any write
    path = workbook(tmp_path / "partners_2023-09.xlsx", 9, [("天悦社区", 20, 35)])
    st.ingest([path], store=store)
    from civicstats.withdraw import withdraw

    withdraw(path, store=store)
    assert st.load(store=store).empty and len(st.history(store=store)) == 2
