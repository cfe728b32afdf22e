"""Corrections close what they fix: a later file (another name) that sends the figure an earlier
file's error cell was meant to hold closes that error, `superseded_by` the new file; errors at
other cells stay open. Tested on a column table and on an indicator table, real workbooks
cleaned and ingested into a real store.
"""

from pathlib import Path

import duckdb
import openpyxl

from civicstats import config
from civicstats import store as st
from civicstats.withdraw import withdraw
from tests.test_store import workbook


def column_table(path: Path, rows) -> Path:
    return workbook(path, "2023年9月社区合伙人统计", rows)


def indicator_table(path: Path, rows) -> Path:
    """项目 | 计量单位 | one column per street: a row is a measure, a column an area."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "9月"
    ws.append(["2023年9月社区合伙人情况表"])
    ws.append(["指标", "计量单位", "城厢街道", "北干街道"])
    for row in rows:
        ws.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def open_errors() -> dict[str, str]:
    """source -> raw of the open errors."""
    got = st.issues()
    got = got[got.severity == "error"]
    return dict(zip(got.source, got.raw, strict=True))


def closed_by() -> dict[str, str]:
    """source -> superseded_by of the closed issues."""
    con = duckdb.connect(str(config.store_path()), read_only=True)
    try:
        return dict(con.execute("SELECT source, superseded_by FROM issues "
                                "WHERE closed_at IS NOT NULL").fetchall())
    finally:
        con.close()


def test_a_later_file_sending_the_figure_closes_the_error_in_a_column_table(tmp_path):
    first = column_table(tmp_path / "partners_2023-09_北干街道.xlsx",
                         [("天悦社区", "二十?", 35), ("工人路社区", 10, 12), ("南阳社区", 8, "十二?")])
    st.ingest([first])
    assert set(open_errors()) == {f"{first.name}#Sheet1!B3", f"{first.name}#Sheet1!C5"}
    fix = column_table(tmp_path / "partners_2023-09_北干街道_更正.xlsx", [("天悦社区", 20, 35)])
    st.ingest([fix])
    assert open_errors() == {f"{first.name}#Sheet1!C5": "十二?"}  # 南阳社区 not re-sent
    assert closed_by() == {f"{first.name}#Sheet1!B3": st._file_id(fix)}


def test_a_later_file_sending_the_figure_closes_the_error_in_an_indicator_table(tmp_path):
    first = indicator_table(tmp_path / "partners_2023-09.xlsx",
                            [("居民合伙人", "人", 12, "二十?"), ("团体合伙人", "家", "三十?", 35),
                             ("合伙人项目", "个", 5, 6)])
    st.ingest([first])
    assert set(open_errors()) == {f"{first.name}#9月!D3", f"{first.name}#9月!C4"}
    # the correction comes as a column table from the street: a layout of its own
    fix = column_table(tmp_path / "partners_2023-09_更正.xlsx", [("北干街道", 20, 35)])
    st.ingest([fix])
    assert open_errors() == {f"{first.name}#9月!C4": "三十?"}  # 城厢街道 团体 still wrong
    assert closed_by() == {f"{first.name}#9月!D3": st._file_id(fix)}


def test_a_figure_of_another_month_or_measure_closes_nothing(tmp_path):
    first = column_table(tmp_path / "partners_2023-09.xlsx", [("天悦社区", "二十?", 35), ("工人路社区", 10, 12)])
    st.ingest([first])
    other_month = workbook(tmp_path / "partners_2023-10.xlsx", "2023年10月社区合伙人统计",
                           [("天悦社区", 21, 36)])
    other_measure = workbook(tmp_path / "projects_2023-09.xlsx", "2023年9月社区合伙人统计",
                             [("天悦社区", 4)], header=("社区", "合伙人项目"))
    st.ingest([other_month, other_measure])
    assert set(open_errors()) == {f"{first.name}#Sheet1!B3"}


def test_withdrawing_the_correction_reopens_the_error_it_had_closed(tmp_path):
    first = column_table(tmp_path / "partners_2023-09.xlsx", [("天悦社区", "二十?", 35), ("工人路社区", 10, 12)])
    fix = column_table(tmp_path / "partners_2023-09_更正.xlsx", [("天悦社区", 20, 35)])
    st.ingest([first, fix])
    assert open_errors() == {}
    withdraw(fix)
    assert open_errors() == {f"{first.name}#Sheet1!B3": "二十?"}
    assert closed_by() == {}


def test_an_older_store_gets_keys_for_its_open_errors_and_corrections_then_close_them(tmp_path):
    first = column_table(tmp_path / "partners_2023-09.xlsx", [("天悦社区", "二十?", 35), ("工人路社区", 10, 12)])
    st.ingest([first])
    con = duckdb.connect(str(config.store_path()))
    for col in ("superseded_by", "area", '"group"', "measure"):  # as a store made before
        con.execute(f"ALTER TABLE issues DROP COLUMN {col}")
    con.close()
    fix = column_table(tmp_path / "partners_2023-09_更正.xlsx", [("天悦社区", 20, 35)])
    st.ingest([fix])
    assert open_errors() == {}
    assert closed_by() == {f"{first.name}#Sheet1!B3": st._file_id(fix)}
