"""The monthly run in a real month: domains arriving one by one, partial reruns, the cron line.

Each test ingests real files (the bundled samples or small CSVs) into a temporary
store and runs real notebooks through papermill.
"""

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from civicstats import cli, report
from tests.conftest import ROOT
from tests.notebooks import PARAMS, write_nb

PARTNERS_NOVEMBER = "社区,居民合伙人,团体合伙人\n天悦社区,21,36\n工人路社区,9,12\n"


def reports_root() -> Path:
    return Path(os.environ["CIVICSTATS_REPORTS"])


def samples(tmp_path, pattern: str) -> Path:
    """A raw folder with the bundled sample files matching ``pattern``."""
    raw = tmp_path / "raw"
    for f in sorted((ROOT / "data" / "raw").rglob(pattern)):
        dest = raw / f.relative_to(ROOT / "data" / "raw")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, dest)
    return raw


def test_a_month_where_only_partners_reported_renders_every_page_and_names_the_missing(tmp_path):
    raw = samples(tmp_path, "*_2023-10*")
    (raw / "partners" / "partners_2023-11.csv").write_text(PARTNERS_NOVEMBER, encoding="utf-8")

    run = report.run_reports("latest", raw=raw, areas="天悦社区", progress="off")

    assert run.period == "2023-11" and run.exit_code == 0, run.summary()
    folder = reports_root() / "2023-11"
    for r in run.results:
        page = (folder / r.html).read_text("utf-8")
        assert "Traceback" not in page and "An Exception was encountered" not in page, r.name
    index = (folder / "index.html").read_text("utf-8")
    for sentence in ("本月托位数据尚未报送（最近一次：2023年10月）",
                     "本月志愿服务数据尚未报送（最近一次：2023年10月）"):
        assert sentence in index
        assert sentence in (folder / "overview.html").read_text("utf-8")
    assert "本月托位数据尚未报送" in (folder / "childcare.html").read_text("utf-8")
    assert "本月志愿服务数据尚未报送" in (folder / "volunteers.html").read_text("utf-8")
    assert "社区合伙人：本月 2 个地区已报送" in index
    assert "尚未报送" not in (folder / "partners.html").read_text("utf-8")


def area_notebooks(tmp_path) -> Path:
    """Two tiny report notebooks: one for the month, one per area (like area_profile)."""
    nbs = tmp_path / "nbs"
    write_nb(nbs / "overview.ipynb", "print('month', period)")
    write_nb(nbs / "area_profile.ipynb", "print('area', area, period)",
             params_src=PARAMS + "\narea = ''")
    return nbs


TWO_AREAS = ("社区,月份,居民合伙人,团体合伙人\n"
             "天悦社区,2023-09,20,35\n工人路社区,2023-09,9,10余\n湘湖社区,2023-09,5,3\n")


def test_a_partial_rerun_replaces_only_its_pages_and_the_index_lists_them_all(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "partners_2023-09.csv").write_text(TWO_AREAS, encoding="utf-8")
    nbs = area_notebooks(tmp_path)
    full = report.run_reports("2023-09", raw=raw, notebooks=nbs, progress="off")
    folder = reports_root() / "2023-09"
    pages = sorted(p.name for p in folder.iterdir())
    assert len(full.results) == 4
    other = folder / "area_profile-湘湖社区.html"
    before = other.read_bytes()

    again = report.run_reports("2023-09", raw=raw, notebooks=nbs, areas="天悦社区", force=True,
                               progress="off")

    assert again.exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == pages
    assert other.read_bytes() == before
    statuses = {r.name: r.status for r in again.results}
    assert statuses == {"overview": "ok", "area_profile-天悦社区": "ok",
                        "area_profile-工人路社区": "kept", "area_profile-湘湖社区": "kept"}
    index = (folder / "index.html").read_text("utf-8")
    assert all(f'href="area_profile-{a}.html"' in index for a in ("天悦社区", "工人路社区", "湘湖社区"))
    assert "保留上次结果" in index
    manifest = report.read_manifest(folder)
    assert {e["name"] for e in manifest["notebooks"]} == set(statuses)
    # a full run again drops nothing either, and reruns what was kept
    assert {r.status for r in report.run_reports("2023-09", raw=raw, notebooks=nbs, force=True,
                                                 progress="off").results} == {"ok"}


def test_a_partial_rerun_killed_midway_leaves_the_whole_previous_month(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "partners_2023-09.csv").write_text(TWO_AREAS, encoding="utf-8")
    nbs = area_notebooks(tmp_path)
    report.run_reports("2023-09", raw=raw, notebooks=nbs, progress="off")
    folder = reports_root() / "2023-09"
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}

    slow = tmp_path / "slow"
    write_nb(slow / "overview.ipynb", "print('month', period)")
    write_nb(slow / "area_profile.ipynb", "import time\ntime.sleep(60)",
             params_src=PARAMS + "\narea = ''")
    root = tmp_path / "root"
    shutil.copytree(ROOT / "data" / "reference", root / "data" / "reference")
    shutil.copytree(raw, root / "data" / "raw")
    env = {**os.environ, "CIVICSTATS_ROOT": str(root), report.ENV_NOTEBOOKS: str(slow)}
    proc = subprocess.Popen([sys.executable, "-c", "from civicstats.cli import main; main()",
                             "report", "--period", "2023-09", "--areas", "天悦社区", "--force"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    scratch = reports_root() / f".2023-09.tmp-{proc.pid}"
    deadline = time.monotonic() + 90
    while not (scratch / "area_profile-天悦社区.ipynb").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert scratch.is_dir(), proc.communicate(timeout=5)[0]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


def readme_cron_command() -> str:
    """The command of the README's cron line (after the five time fields)."""
    text = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"```cron\n(.+?)\n```", text, re.S).group(1)
    return block.strip().split(None, 5)[5]


def test_the_readme_cron_line_runs_as_written_on_a_fresh_checkout(tmp_path):
    command = readme_cron_command()
    assert command.startswith("cd /srv/civicstats && ")
    srv = tmp_path / "srv"
    srv.mkdir()
    if not (Path(sys.prefix) / "bin" / "civicstats").exists():
        pytest.skip("the civicstats command is not installed in this Python's environment")
    (srv / ".venv").symlink_to(Path(sys.prefix))  # the checkout's .venv, as `make` builds it
    nbs = tmp_path / "nbs"
    write_nb(nbs / "overview.ipynb", "print('month', period)")
    raw = tmp_path / "root" / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "partners_2023-09.csv").write_text(TWO_AREAS, encoding="utf-8")
    shutil.copytree(ROOT / "data" / "reference", tmp_path / "root" / "data" / "reference")
    env = {**os.environ, "CIVICSTATS_ROOT": str(tmp_path / "root"),
           report.ENV_NOTEBOOKS: str(nbs)}
    done = subprocess.run(["/bin/sh", "-c", command.replace("/srv/civicstats",
                                                             shlex.quote(str(srv)))],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    log = (srv / "logs" / "report.log").read_text("utf-8")
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 2023-09 月报：1 个页面已生成", log, re.M), log
    assert (reports_root() / "2023-09" / "overview.html").is_file()


def test_the_log_option_records_a_refused_run_too(tmp_path, capsys):
    log = tmp_path / "new" / "folder" / "report.log"
    assert cli.main(["report", "--period", "2023-13", "--log", str(log)]) == 2
    assert "2023-13" in log.read_text("utf-8")
