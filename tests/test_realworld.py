"""The 14 real public spreadsheets in ../shared/realworld: every one, as every domain, a clear outcome.

The files are not part of the project (see SOURCES.md there); the tests skip when
the folder is absent.
"""

import pytest

from civicstats import DOMAINS, config
from civicstats.clean import clean
from civicstats.cli import main
from tests.conftest import SHARED

REALWORLD = SHARED / "realworld"
FILES = sorted(p for p in REALWORLD.glob("*") if p.suffix in (".xls", ".xlsx", ".csv")) if REALWORLD.is_dir() else []
NGO = REALWORLD / "ngo-volunteer_2024.xls"

pytestmark = pytest.mark.skipif(not FILES, reason="../shared/realworld is not here")


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_real_file_cleans_as_every_domain_with_a_clear_outcome_and_no_traceback(path, capsys):
    for domain in DOMAINS:
        code = main(["clean", str(path), "--domain", domain])
        out = capsys.readouterr()
        assert code in (0, 1, 2), (domain, out.err)
        assert "Traceback" not in out.out + out.err
        assert "unexpected" not in out.err, out.err  # only the last-resort handler says this
        assert out.out or out.err


def test_the_ngo_workbook_gives_volunteer_counts_and_hours_per_volunteer_type():
    records, issues, domain = clean(NGO, "volunteers", area="天悦社区")
    assert domain == "volunteers"
    assert set(records.area) == {"天悦社区"}
    by = records.groupby(["measure", "group"], observed=True).value.sum()
    # the grand total row 总合计 at the top (row 5) states 2 children and 68 members of the public
    assert by[("volunteers", "儿童")] == 2 and by[("volunteers", "社会人士")] == 68
    assert by[("service_hours", "社会人士")] == 142
    # the volunteer columns (S..AD) add up; the beneficiary columns' own 总合计 row does not
    mismatched = issues[issues.rule == "total_mismatch"].source.str.extract(r"!([A-Z]+)")[0]
    assert not set(mismatched) & {"S", "T", "U", "V", "W", "X", "Y", "Z", "AA", "AB"}
    assert set(records.period.astype(str)) <= {f"2024-{m:02d}" for m in range(1, 13)}
    # the 合计 columns beside the types are skipped, not double counted
    assert {"志愿者服务人数及时长统计/合计/人数", "志愿者服务人数及时长统计/合计/小时"} <= set(issues.raw)


def test_the_ngo_workbook_without_an_area_is_one_clear_error(capsys):
    code = main(["clean", str(NGO), "--domain", "volunteers"])
    out = capsys.readouterr()
    assert code == 1 and "missing_area" in out.err and "请增加“社区”或“街道”列" in out.err
    # the option that would fix it is the analyst's business: in the analyst's log, named on stderr
    log = config.log_dir() / "analyst.log"
    assert str(log) in out.err and "--area" in log.read_text(encoding="utf-8")
