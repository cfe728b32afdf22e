"""An ingest checks its files once at its end (civicstats.batchchecks): the open issues after
it are exactly those of ingesting the same files one at a time, and a kill between files
loses no check.
"""

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from civicstats import store as st
from tests.test_checks import (
    COMMUNITIES,
    childcare,
    normal_childcare,
    normal_partners,
    partners,
    wrong_childcare,
)

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted(p for p in (ROOT / "tests" / "checks_corpus").glob("s[0-9]*_*") if p.is_dir())


def open_issues(store: Path) -> pd.DataFrame:
    """Every open issue as ``civicstats issues`` lists it, with the ingest and file version it
    belongs to (every column of the table but the time it was written)."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.sql("SELECT source, severity, rule, raw, message, domain, period, file, sha256, "
                       'ingest_id, area, "group", measure, superseded_by FROM issues '
                       "WHERE closed_at IS NULL ORDER BY period NULLS FIRST, file, ingest_id, source"
                       ).df().astype(str)
    finally:
        con.close()


def pending(store: Path) -> int:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM checks_pending").fetchall()[0][0]
    finally:
        con.close()


def one_at_a_time(paths, store: Path) -> None:
    for p in paths:  # a batch of one: its checks run right after it, as before batching
        st.ingest([p], store=store)


def returns(scenario: Path) -> list[Path]:
    return sorted((p for p in scenario.iterdir() if p.suffix in (".xlsx", ".csv", ".xls")
                   and p.name != "expected_checks.csv"), key=lambda p: p.name)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_one_ingest_of_a_scenario_leaves_the_open_issues_of_one_file_at_a_time(scenario, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(scenario, folder)
    paths = returns(folder)
    one_at_a_time(paths, tmp_path / "each.duckdb")
    st.ingest(paths, store=tmp_path / "batch.duckdb")
    each, batch = open_issues(tmp_path / "each.duckdb"), open_issues(tmp_path / "batch.duckdb")
    assert each.rule.str.startswith("check_").any()
    pd.testing.assert_frame_equal(batch, each)
    assert pending(tmp_path / "batch.duckdb") == 0


def months_with_a_correction(folder: Path) -> list[Path]:
    """Feb and March partners (a drop in March), then March's childcare with a part above its
    whole, a new version of the March partners file under the same name (still a drop, other
    figures) and April's (the drop's area missing)."""
    feb, mar = normal_partners("2024-02"), normal_partners("2024-03")
    mar[COMMUNITIES[0]] = (2, 36)
    apr = normal_partners("2024-04")
    del apr[COMMUNITIES[1]]
    return [partners(folder, "2024-02", feb), partners(folder, "2024-03", mar),
            childcare(folder, "2024-02", normal_childcare("2024-02")),
            childcare(folder, "2024-03", wrong_childcare()), partners(folder, "2024-04", apr)]


def resend_march(folder: Path) -> Path:
    mar = normal_partners("2024-03")
    mar[COMMUNITIES[0]] = (3, 37)
    mar[COMMUNITIES[2]] = (1, 1)
    return partners(folder, "2024-03", mar)


def test_a_new_version_inside_the_batch_keeps_the_checks_that_still_hold_as_they_were(tmp_path):
    first = months_with_a_correction(tmp_path / "src")
    again = resend_march(tmp_path / "src2")
    for name in ("each", "batch"):  # the same bytes (and sha256) in both stores
        folder = tmp_path / name
        shutil.copytree(tmp_path / "src", folder)
        paths = [folder / p.name for p in first]
        st.ingest(paths[:3], store=tmp_path / f"{name}.duckdb")
        shutil.copy(again, folder / again.name)  # March's new version, under the same name
        later = [paths[3], folder / again.name, paths[4]]
        if name == "each":
            one_at_a_time(later, tmp_path / "each.duckdb")
        else:
            st.ingest(later, store=tmp_path / "batch.duckdb")
    each, batch = open_issues(tmp_path / "each.duckdb"), open_issues(tmp_path / "batch.duckdb")
    assert {"check_drop", "check_part_whole", "check_missing"} <= set(each.rule)
    pd.testing.assert_frame_equal(batch.replace("batch", "each", regex=True), each)


def test_a_kill_between_files_leaves_their_checks_pending_and_the_next_writer_runs_them(
        tmp_path, monkeypatch):
    paths = months_with_a_correction(tmp_path / "in")
    one_at_a_time(paths, tmp_path / "each.duckdb")
    store = tmp_path / "killed.duckdb"
    with monkeypatch.context() as m:  # as if killed after the last file's commit
        m.setattr(st, "_settle", lambda con, file: None)
        st.ingest(paths, store=store)
    assert pending(store) == len(paths)
    assert not open_issues(store).rule.str.startswith("check_").any()
    st._writer(store).close()  # any command that writes checks first
    assert pending(store) == 0
    pd.testing.assert_frame_equal(open_issues(store), open_issues(tmp_path / "each.duckdb"))
