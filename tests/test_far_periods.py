"""A month years away from every other month (a mistyped year) is `bad_period` at its cell and
its figures never load, so it never becomes the latest month; the good figures beside it load.

Real workbooks cleaned and ingested into a real store; the limits come from
`civicstats/vocab/far_periods.csv`.
"""

from pathlib import Path

from civicstats import store as st
from civicstats.cli import main
from civicstats.farperiods import limits
from civicstats.messages import language
from tests.test_store import workbook


def month_file(folder: Path, year: int, month: int, name: str | None = None) -> Path:
    return workbook(folder / (name or f"partners_{year}-{month:02d}.xlsx"),
                    f"{year}年{month}月社区合伙人统计", [("天悦社区", 20, 35), ("工人路社区", 10, 12)])


def store_of_2023(folder: Path) -> None:
    st.ingest([month_file(folder, 2023, m) for m in range(5, 11)])


def test_a_mistyped_year_is_a_bad_period_error_and_never_the_latest_month(tmp_path, capsys):
    store_of_2023(tmp_path / "raw")
    typo = month_file(tmp_path / "late", 2013, 10, name="partners_2023-10_北干街道.xlsx")
    assert main(["ingest", str(typo)]) == 1
    assert st.periods() == [f"2023-{m:02d}" for m in range(5, 11)]
    [bad] = st.issues().itertuples()
    assert (bad.rule, bad.severity, bad.raw) == ("bad_period", "error", "2013-10")
    assert bad.source == f"{typo.name}#Sheet1!B3"
    assert "月份 2013-10 与库中其他月份（2023-05 至 2023-10）相差 10 年，请核对年份" in bad.message
    assert "1 个单元格未通过，已入库 0 条记录" in capsys.readouterr().out


def test_the_first_file_of_a_new_store_is_judged_against_the_rest_of_its_batch(tmp_path):
    raw = tmp_path / "raw"
    files = [month_file(raw, 2023, m) for m in (5, 6, 7)]
    typo = month_file(raw, 2013, 9, name="partners_2023-04.xlsx")  # sorts first
    with language("en"):
        outcomes = st.ingest([raw])
    assert [Path(o.file).name for o in outcomes] == [typo.name] + [f.name for f in files]
    assert [o.outcome for o in outcomes] == ["rejected-cells", "ok", "ok", "ok"]
    assert st.periods() == ["2023-05", "2023-06", "2023-07"]
    [bad] = st.issues().itertuples()
    assert bad.message.startswith("the month 2013-09 is 10 years away from the other months "
                                  "in the store (2023-05 to 2023-06)")  # known when judged


def test_one_other_month_proves_nothing_and_nearby_months_are_kept(tmp_path):
    raw = tmp_path / "raw"
    month_file(raw, 2013, 10)
    month_file(raw, 2023, 10)
    st.ingest([raw])  # two months ten years apart: which one is wrong cannot be told
    assert st.periods() == ["2013-10", "2023-10"] and st.issues().empty
    assert limits()["min_other_months"] == 2


def test_the_gap_limit_is_data_and_counts_months_to_the_nearest_other_month(tmp_path):
    store_of_2023(tmp_path / "raw")
    gap = limits()["gap_months"]
    y, m = divmod(2023 * 12 + 4 - gap, 12)  # exactly the limit before 2023-05: kept
    edge = month_file(tmp_path / "late", y, m + 1)
    y, m = divmod(2023 * 12 + 4 - gap - 1, 12)  # one month further: far
    beyond = month_file(tmp_path / "late", y, m + 1)
    # one ingest each: in one batch either would be a month from the other, so not far
    outcomes = st.ingest([beyond]) + st.ingest([edge])
    assert [o.outcome for o in outcomes] == ["rejected-cells", "ok"]
    assert st.periods()[0] == edge.stem.split("_")[1]
    assert st.issues().raw.tolist() == [beyond.stem.split("_")[1]]
