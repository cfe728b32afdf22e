"""The monthly report run: real notebooks executed by papermill on real kernels.

Machinery tests use small notebooks written into tmp_path and a tiny CSV
ingested into a temporary store; one test runs the bundled notebooks on the
bundled samples for one month.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell

from civicstats import cli, params, report
from civicstats.errors import UsageError
from tests.conftest import ROOT
from tests.notebooks import PARAMS, write_nb  # noqa: F401 - re-exported

TINY_CSV = ("社区,月份,居民合伙人,团体合伙人\n"
            "天悦社区,2023-08,18,30\n工人路社区,2023-08,8,10余\n"
            "天悦社区,2023-09,20,35\n工人路社区,2023-09,9,10余\n")


OK_CELLS = (
    new_markdown_cell("# 合伙人月报"),
    "from civicstats import report\n"
    "report.parameter_table('ok', period=period, store=store, output_dir=output_dir)",
    "import matplotlib.pyplot as plt\n"
    "fig, ax = plt.subplots(figsize=(2, 2)); ax.bar(['a', 'b'], [1, 2])\n"
    "plt.show()\n"
    "print('天悦社区 居民合伙人 20')\n"
    "import os; open('cwd-ok.txt', 'w').write(os.getcwd())",
)


@pytest.fixture
def raw(tmp_path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "partners_tiny.csv").write_text(TINY_CSV, encoding="utf-8")
    return folder


def reports_root() -> Path:
    return Path(os.environ["CIVICSTATS_REPORTS"])


def run(period="2023-09", **kw):
    kw.setdefault("progress", "off")
    return report.run_reports(period, **kw)


# -- parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["2023-13", "../x", "", "2023-9", "2023-09; rm -rf /"])
def test_a_malformed_period_is_a_usage_error_before_anything_runs(period, tmp_path, raw):
    nbs = tmp_path / "nbs"
    write_nb(nbs / "ok.ipynb", "print(1)")
    with pytest.raises(UsageError, match="period"):
        run(period, notebooks=nbs, raw=raw)
    assert not reports_root().exists()
    assert not Path(os.environ["CIVICSTATS_STORE"]).exists()  # not even ingested


def test_the_report_command_exits_2_for_bad_parameters_without_starting_a_kernel(tmp_path, raw,
                                                                                  monkeypatch,
                                                                                  capsys):
    nbs = tmp_path / "nbs"
    write_nb(nbs / "area_profile.ipynb", "print(area)", params_src=PARAMS + "\narea = ''")
    monkeypatch.setenv(report.ENV_NOTEBOOKS, str(nbs))
    assert cli.main(["report", "--period", "2023-13"]) == 2
    assert "2023-13" in capsys.readouterr().err
    assert cli.main(["report"]) == 2
    # an unknown area and a known area that did not report: both refused before any kernel
    with pytest.raises(UsageError, match="火星社区"):
        run(notebooks=nbs, raw=raw, areas="火星社区")
    with pytest.raises(UsageError, match="没有数据"):
        run(notebooks=nbs, raw=raw, areas="赭东村")
    assert not (reports_root() / "2023-09").exists()
    assert not list(reports_root().glob(".*tmp*"))  # nothing was rendered


def test_a_second_run_for_the_same_month_stops_while_the_first_holds_the_lock(tmp_path, raw):
    import fcntl

    nbs = tmp_path / "nbs"
    write_nb(nbs / "ok.ipynb", "print(1)")
    reports_root().mkdir(parents=True)
    with open(reports_root() / ".2023-09.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(UsageError, match="另一次 civicstats 报告生成仍在进行"):
            run(notebooks=nbs, raw=raw)


def test_unknown_parameter_names_and_unknown_areas_are_refused_by_the_registry():
    with pytest.raises(UsageError, match="未知参数‘colour’"):
        params.validate("overview", {"period": "2023-09", "colour": "red"})
    with pytest.raises(UsageError, match="不是已知地区"):
        params.validate("area_profile", {"period": "2023-09", "area": "../../etc/passwd"})
    assert params.validate("area_profile", {"period": "2023-09", "area": "某新社区"},
                           known_areas=["某新社区"])["area"] == "某新社区"


def test_a_month_without_records_is_a_usage_error_naming_the_months_there_are(tmp_path, raw):
    nbs = tmp_path / "nbs"
    write_nb(nbs / "ok.ipynb", "print(1)")
    with pytest.raises(UsageError, match="2023-08, 2023-09"):
        run("2023-11", notebooks=nbs, raw=raw)


def test_a_hostile_parameter_value_stays_a_string_in_the_kernel(tmp_path):
    marker = tmp_path / "pwned"
    hostile = f'"); import pathlib; pathlib.Path(r"{marker}").touch(); ("\\"\'\n'
    nb = write_nb(tmp_path / "nbs" / "echo.ipynb", "open('seen.txt', 'w').write(area)",
                  params_src="area = ''")
    out = tmp_path / "out"
    out.mkdir()
    spec = report.write_kernelspec(tmp_path / "spec")
    pool = report.KernelPool(spec, out, needed=1, ahead=1)
    try:
        job = report.NotebookResult("echo", str(nb), {"area": hostile}, key="k")
        report.run_one(job, pool.take(), out, timeout=60, release=pool.release)
    finally:
        pool.close()
    assert job.status == "ok", job.error
    assert (out / "seen.txt").read_text() == hostile
    assert not marker.exists()


# -- a run ------------------------------------------------------------------------------------


def test_a_run_renders_html_without_code_keeps_failures_and_writes_the_manifest(tmp_path, raw):
    nbs = tmp_path / "nbs"
    write_nb(nbs / "ok.ipynb", *OK_CELLS)
    write_nb(nbs / "fails.ipynb", "x = 1", "raise ValueError('故意失败')", "print('never')")
    write_nb(nbs / "area_profile.ipynb", "print('profile of', area)",
             params_src=PARAMS + "\narea = ''")
    result = run(notebooks=nbs, raw=raw, jobs=2, areas="天悦社区")
    folder = reports_root() / "2023-09"
    assert result.exit_code == 1 and result.swapped
    by_name = {r.name: r for r in result.results}
    assert set(by_name) == {"ok", "fails", "area_profile-天悦社区"}

    page = (folder / "ok.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page
    assert "天悦社区 居民合伙人 20" in page and "合伙人月报" in page
    assert "plt.subplots" not in page and "report.parameter_table" not in page  # no code
    assert ">given<" in page and ">default<" in page  # the parameter table
    assert (folder / "profile.html").exists() is False
    assert "profile of 天悦社区" in (folder / "area_profile-天悦社区.html").read_text("utf-8")

    failed = by_name["fails"]
    assert failed.status == "failed" and failed.failing_cell["cell"] == 3
    assert "故意失败" in failed.error and "cell 3" in failed.error
    executed = nbformat.read(str(folder / "fails.ipynb"), as_version=4)
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and errors[0].ename == "ValueError"
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "失败" in index and "故意失败" in index and "cell 3" in index
    assert 'href="ok.html"' in index
    failed_page = (folder / "fails.html").read_text(encoding="utf-8")
    assert "本节未能生成（ValueError）" in failed_page
    assert "Traceback" not in failed_page and "An Exception was encountered" not in failed_page

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["period"] == "2023-09" and manifest["status"] == "failed"
    assert manifest["input_files"] and all(len(h) == 64 for h in manifest["input_files"].values())
    assert {"civicstats", "pandas", "matplotlib", "papermill", "duckdb"} <= set(
        manifest["packages"])
    entries = {e["name"]: e for e in manifest["notebooks"]}
    assert entries["ok"]["parameters"]["period"] == "2023-09"
    assert entries["ok"]["seconds"] > 0 and entries["fails"]["failing_cell"]["cell"] == 3
    # kernels ran in the report folder, this process never changed directory
    assert Path((folder / "cwd-ok.txt").read_text()).name.startswith(".2023-09.tmp-")
    assert Path.cwd() == Path(os.getcwd())
    assert not [p for p in reports_root().glob(".*") if p.is_dir()]  # no scratch folders left


def test_an_unchanged_rerun_skips_every_notebook_and_force_reruns_them(tmp_path, raw, capsys):
    nbs = tmp_path / "nbs"
    write_nb(nbs / "ok.ipynb", *OK_CELLS)
    first = run(notebooks=nbs, raw=raw)
    assert first.exit_code == 0 and [r.status for r in first.results] == ["ok"]
    page = reports_root() / "2023-09" / "ok.html"
    stamp = page.stat().st_mtime_ns

    again = run(notebooks=nbs, raw=raw, progress="plain")
    assert [r.status for r in again.results] == ["skipped"] and not again.swapped
    assert page.stat().st_mtime_ns == stamp
    assert "没有变化" in capsys.readouterr().err

    forced = run(notebooks=nbs, raw=raw, force=True)
    assert [r.status for r in forced.results] == ["ok"] and forced.swapped
    assert page.stat().st_mtime_ns != stamp

    # a changed notebook reruns; changed data reruns
    write_nb(nbs / "ok.ipynb", *OK_CELLS, "print('one more cell')")
    assert [r.status for r in run(notebooks=nbs, raw=raw).results] == ["ok"]
    (raw / "partners_tiny.csv").write_text(TINY_CSV.replace(",20,", ",21,"), encoding="utf-8")
    assert [r.status for r in run(notebooks=nbs, raw=raw).results] == ["ok"]


def project_root(tmp_path, raw) -> Path:
    """A project folder of our own (reference areas + the tiny raw data) for the command."""
    root = tmp_path / "root"
    shutil.copytree(ROOT / "data" / "reference", root / "data" / "reference")
    shutil.copytree(raw, root / "data" / "raw")
    return root


def test_a_hanging_notebook_is_stopped_at_the_timeout_and_the_command_exits_1(tmp_path, raw,
                                                                              monkeypatch, capsys):
    nbs = tmp_path / "nbs"
    write_nb(nbs / "hangs.ipynb", "print('start')", "import time\ntime.sleep(600)")
    monkeypatch.setenv("CIVICSTATS_ROOT", str(project_root(tmp_path, raw)))
    monkeypatch.setenv(report.ENV_NOTEBOOKS, str(nbs))
    started = time.monotonic()
    assert cli.main(["report", "--period", "2023-09", "--timeout", "2"]) == 1
    assert time.monotonic() - started < 60
    err = capsys.readouterr().err
    assert "失败 hangs" in err and "timed out after 2 s" in err and "cell 3" in err
    index = (reports_root() / "2023-09" / "index.html").read_text("utf-8")
    assert "timed out" in index and "失败" in index


def test_a_killed_run_leaves_the_previous_report_untouched(tmp_path, raw):
    nbs = tmp_path / "nbs"
    write_nb(nbs / "ok.ipynb", *OK_CELLS)
    assert run(notebooks=nbs, raw=raw).exit_code == 0
    folder = reports_root() / "2023-09"
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}

    root = project_root(tmp_path, raw)  # so the subprocess ingests only the tiny CSV
    slow = tmp_path / "slow"
    write_nb(slow / "ok.ipynb", "import time\ntime.sleep(60)")
    env = {**os.environ, "CIVICSTATS_ROOT": str(root), report.ENV_NOTEBOOKS: str(slow)}
    proc = subprocess.Popen([sys.executable, "-c", "from civicstats.cli import main; main()",
                             "report", "--period", "2023-09", "--force"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    scratch = reports_root() / f".2023-09.tmp-{proc.pid}"
    deadline = time.monotonic() + 60
    while not (scratch / "ok.ipynb").exists() and time.monotonic() < deadline:
        time.sleep(0.2)  # papermill writes the notebook as soon as the first cell runs
    assert scratch.is_dir(), proc.communicate(timeout=5)[0]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    assert scratch.is_dir()  # what the dead run left behind ...
    run(notebooks=nbs, raw=raw, force=True)
    assert not scratch.exists()  # ... is cleaned by the next run


def test_stale_scratch_folders_are_removed_and_a_report_moved_aside_is_put_back(tmp_path):
    root = tmp_path / "r"
    (root / ".2023-09.old-999999999").mkdir(parents=True)
    (root / ".2023-09.old-999999999" / "index.html").write_text("last month")
    (root / ".2023-08.tmp-999999999").mkdir()
    report.clean_stale(root)
    assert (root / "2023-09" / "index.html").read_text() == "last month"
    assert sorted(p.name for p in root.iterdir()) == ["2023-09"]


def test_index_escapes_every_user_string_and_file_names_stay_inside_the_folder():
    evil = '<script>alert(1)</script>"../../etc/passwd'
    job = report.NotebookResult(report.safe_name("area_profile", evil), "x.ipynb",
                                {"area": evil}, key="k", status="failed",
                                error=f"ValueError: {evil} in cell 2",
                                failing_cell={"cell": 2}, html="a.html")
    page = report.index_html(report.ReportRun("2023-09", Path("."), [job]))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "/" not in job.name and ".." not in job.name


# -- the bundled notebooks ----------------------------------------------------------------------


def test_the_bundled_notebooks_are_committed_without_outputs():
    found = report.list_notebooks(ROOT / "notebooks")
    assert [p.stem for p in found] == list(report.ORDER)
    for path in found:
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name
        tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, path.name


def test_the_bundled_notebooks_render_one_month_end_to_end(tmp_path):
    samples = sorted((ROOT / "data" / "raw").rglob("*_2023-0[89]*.xlsx"))
    if not samples or not (ROOT / "civicstats" / "charts.py").exists():
        pytest.skip("sample data or civicstats.charts not there yet")
    raw = tmp_path / "raw"
    for f in samples:
        dest = raw / f.relative_to(ROOT / "data" / "raw")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, dest)
    result = run(raw=raw, jobs=2, areas="天悦社区")
    folder = reports_root() / "2023-09"
    assert result.exit_code == 0, result.summary()
    assert [r.name for r in result.results] == [
        "overview", "partners", "childcare", "volunteers", "area_profile-天悦社区", "explore"]
    store = os.environ["CIVICSTATS_STORE"]
    for r in result.results:
        page = (folder / r.html).read_text(encoding="utf-8")
        assert "data:image/png;base64," in page, r.name
        assert "import civicstats" not in page, r.name
        assert '<html lang="zh-CN"' in page and store not in page, r.name
        imgs = re.findall(r"<img\b[^>]*>", page)
        assert imgs and all(re.search(r'alt="[^"]*[\u4e00-\u9fff][^"]*"', i) for i in imgs), r.name
        assert "No description has been provided" not in page, r.name
        assert "月份：2023年9月" in page, r.name
    assert "天悦社区" in (folder / "area_profile-天悦社区.html").read_text("utf-8")
    charts = list((folder / "charts").iterdir())
    assert any(p.suffix == ".png" for p in charts) and any(p.suffix == ".svg" for p in charts)
