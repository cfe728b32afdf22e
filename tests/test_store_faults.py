"""The store under faults: a real ``civicstats ingest`` killed mid-file, and two ingests at once.

The test-only hook $CIVICSTATS_TEST_SLEEP_IN_TXN makes each file's transaction announce itself
on stderr and sleep before COMMIT, so a test can SIGKILL the process while a file is half
written and check that the store holds exactly the files whose ingest finished.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

from civicstats import config
from civicstats import store as st
from civicstats.errors import StoreBusy

pytest.importorskip("civicstats.clean")

MARK = "civicstats-test: in transaction for "


def month_workbook(folder: Path, month: int) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([f"2023年{month}月社区合伙人统计"])
    ws.append(["社区", "居民合伙人", "团体合伙人"])
    ws.append(["天悦社区", 10 + month, 20 + month])
    ws.append(["工人路社区", month, 2 * month])
    path = folder / f"partners_2023-{month:02d}.xlsx"
    wb.save(path)
    return path


def start_ingest(paths, *, sleep=None, timeout=None, release=None) -> subprocess.Popen:
    env = dict(os.environ)  # carries $CIVICSTATS_STORE from conftest
    env.pop(st.ENV_TEST_SLEEP, None)
    if sleep is not None:
        env[st.ENV_TEST_SLEEP] = str(sleep)
    if release is not None:
        env[st.ENV_TEST_RELEASE] = str(release)
    if timeout is not None:
        env[st.ENV_TIMEOUT] = str(timeout)
    return subprocess.Popen([sys.executable, "-u", "-m", "civicstats.cli", "ingest",
                             *map(str, paths)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def wait_for_transaction(proc: subprocess.Popen, nth: int, mark: str = MARK) -> str:
    """Read stderr until the ``nth`` file (1-based) is inside its transaction; return its name."""
    seen = 0
    for line in proc.stderr:
        if line.startswith(mark):
            seen += 1
            if seen == nth:
                return line[len(MARK):].strip()
    raise AssertionError(f"ingest ended before file {nth} started: rc={proc.wait()}")


def contents(store=None):
    """The store's records and ingests, without times, comparable between stores."""
    con = duckdb.connect(str(config.store_path(store)), read_only=True)
    try:
        recs = con.execute('SELECT file, sha256, domain, area, "group", period, measure, value, '
                           "superseded_at IS NULL FROM records ORDER BY ALL").fetchall()
        log = con.execute("SELECT path, sha256, outcome, records FROM ingests ORDER BY ALL"
                          ).fetchall()
        return recs, log
    finally:
        con.close()


@pytest.mark.parametrize("finished", [0, 1, 2])
def test_a_killed_ingest_leaves_exactly_the_files_whose_ingest_finished(tmp_path, finished):
    files = [month_workbook(tmp_path, m) for m in (6, 7, 8)]
    proc = start_ingest(files, sleep=f"60@{finished + 1}")
    inside = wait_for_transaction(proc, finished + 1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert Path(inside).name == files[finished].name

    done = [st._file_id(f) for f in files[:finished]]
    log = st.ingests()
    assert log.path.tolist() == done and set(log.outcome) <= {"ok"}
    now = st.load()
    assert sorted(set(now.file)) == done
    assert len(now) == 4 * finished and len(st.history()) == 4 * finished

    # rerunning completes, and the result is what an uninterrupted ingest gives
    outcomes = st.ingest(files)
    assert [o.outcome for o in outcomes] == ["unchanged"] * finished + ["ok"] * (3 - finished)
    killed_then_rerun = contents()
    reference = tmp_path / "reference.duckdb"
    st.ingest(files, store=reference)
    assert contents(reference) == killed_then_rerun


def test_a_second_ingest_while_one_runs_fails_with_a_clear_message_and_changes_nothing(
        tmp_path, monkeypatch):
    first_file, second_file = month_workbook(tmp_path, 6), month_workbook(tmp_path, 7)
    release = tmp_path / "release"
    first = start_ingest([first_file], sleep="120@1", release=release)
    wait_for_transaction(first, 1)
    second = subprocess.run([sys.executable, "-m", "civicstats.cli", "ingest", str(second_file)],
                            capture_output=True, text=True,
                            env={**os.environ, st.ENV_TIMEOUT: "0.5"}, timeout=120)
    assert second.returncode == 2
    assert "数据库正被另一个 civicstats 进程使用" in second.stderr
    assert str(config.store_path()) in second.stderr and "Traceback" not in second.stderr
    # a reader waits too, then says the same
    monkeypatch.setenv(st.ENV_TIMEOUT, "0.2")
    with pytest.raises(StoreBusy):
        st.load()
    release.touch()
    assert first.wait(timeout=120) == 0
    assert st.ingests().path.tolist() == [st._file_id(first_file)]
    assert set(st.load().file) == {st._file_id(first_file)}


def test_a_second_ingest_waits_for_the_first_then_completes(tmp_path):
    first_file, second_file = month_workbook(tmp_path, 6), month_workbook(tmp_path, 7)
    release = tmp_path / "release"
    first = start_ingest([first_file], sleep="120@1", release=release)
    wait_for_transaction(first, 1)
    second = start_ingest([second_file], timeout=120)
    wait_for_transaction(second, 1, mark="正在等待数据库")
    release.touch()
    assert second.wait(timeout=120) == 0 and first.wait(timeout=120) == 0
    assert "已入库 4 条记录" in second.stdout.read()
    assert sorted(st.ingests().path) == sorted(st._file_id(f) for f in (first_file, second_file))
    assert len(st.load()) == 8
