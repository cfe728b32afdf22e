"""Faults: runs killed at random moments, a full disk, an output folder that cannot be made,
a notebook cell that hangs. Nothing that was complete before may be lost.

Runs are the real command (``civicstats.cli.main``) in processes forked from a pre-loaded
server (tests.hardening.forked), killed with SIGKILL after seeded random delays spread over
the time an uninterrupted run takes. A full disk is RLIMIT_FSIZE in the child (tests run as
root, so permission bits stop nothing): every write past the limit fails with EFBIG.
"""

import os
import random
import resource
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest

from civicstats import report
from civicstats import store as st
from tests.hardening.helpers import (
    Forked,
    forked_cli,
    make_root,
    partners_month,
    pids_with_env,
    snapshot,
    write_nb,
)

SEED = 20231005
RUN_MARK = "CIVICSTATS_HARDENING_RUN"
"""An env var every process of one test carries, so that leftover kernels can be found."""


def stored(store: Path) -> tuple[pd.DataFrame, list[str]]:
    """The store's current records (without load times) and the files loaded, comparable
    between stores; empty when the killed run never created the store."""
    if not store.exists():
        return pd.DataFrame(), []
    records = st.load(store=store).drop(columns=["ingested_at"]).astype(str)
    records = records.sort_values(list(records.columns), ignore_index=True)
    log = st.ingests(store=store)
    return records, sorted(log.loc[log.outcome.isin(st.LOADED), "path"])


def full_disk(limit: int):
    """preexec_fn: writes past ``limit`` bytes per file fail with EFBIG, not a signal."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def run_limited(args, env: dict, limit: int) -> subprocess.CompletedProcess:
    """``civicstats ARGS`` as a subprocess on a 'disk' where no file may grow past ``limit``."""
    full = {**os.environ, **env}
    full.pop("CIVICSTATS_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "civicstats.cli", *map(str, args)],
                          capture_output=True, text=True, env=full, timeout=180,
                          preexec_fn=full_disk(limit))


def civicstats_lines(text: str) -> str:
    """The command's own output, without what kernels log on stderr (IPython's history
    database complains on its own when the disk is full)."""
    keep, skipping = [], False
    for line in text.splitlines():
        if line.startswith("[IPKernelApp]"):
            skipping = True
            continue
        if skipping and (line.startswith((" ", "Traceback", "sqlite3.")) or not line.strip()):
            continue
        skipping = False
        keep.append(line)
    return "\n".join(keep)


# -- kill ingest ---------------------------------------------------------------------------------


def test_ingest_killed_at_20_random_moments_keeps_exactly_the_files_it_finished(tmp_path):
    files = [partners_month(tmp_path / "in", m) for m in range(1, 6)]
    names = [st._file_id(f) for f in files]
    reference = tmp_path / "reference.duckdb"
    st.ingest(files, store=reference)
    ref_records, ref_files = stored(reference)
    assert ref_files == sorted(names)

    # how long an uninterrupted run takes here and now: the kills are spread over it
    t0 = time.perf_counter()
    code, _ = forked_cli(["ingest", *files, "--store", tmp_path / "timing.duckdb"], env={},
                         cwd=tmp_path, log=tmp_path / "timing.txt")
    span = time.perf_counter() - t0
    assert code == 0

    rng = random.Random(SEED)
    finished_counts = []
    for i in range(20):
        store = tmp_path / "stores" / f"s{i}.duckdb"
        store.parent.mkdir(exist_ok=True)
        log = tmp_path / "stores" / f"s{i}.txt"
        run = Forked(["ingest", *files, "--store", store], env={}, cwd=tmp_path, log=log)
        time.sleep(rng.uniform(0.0, span))
        run.kill()
        said_done = {line.split(": 已入库")[0] for line in run.output().splitlines()
                     if ": 已入库" in line}

        records, loaded = stored(store)  # the store opens after the kill
        assert loaded == names[:len(loaded)], f"kill {i}: not a prefix: {loaded}"
        assert {str(f) for f in files if st._file_id(f) in loaded} >= said_done
        if loaded:  # each file either whole, as an uninterrupted run loads it, or absent
            expected = ref_records[ref_records.file.isin(loaded)].reset_index(drop=True)
            pd.testing.assert_frame_equal(records.reset_index(drop=True), expected)
        else:
            assert records.empty
        finished_counts.append(len(loaded))

        if i % 4 != 3:
            continue
        # the next run completes and gives what an uninterrupted run gives (every 4th kill:
        # the time goes to more kills)
        outcomes = st.ingest(files, store=store)
        assert [o.outcome for o in outcomes] == (["unchanged"] * len(loaded)
                                                 + ["ok"] * (len(files) - len(loaded)))
        again, again_files = stored(store)
        assert again_files == ref_files
        pd.testing.assert_frame_equal(again, ref_records)
    # the kills fell at different moments: before, between and after files
    assert len(set(finished_counts)) >= 2, finished_counts


# -- kill report ---------------------------------------------------------------------------------


def report_setting(tmp_path: Path, notebooks: dict[str, str]) -> tuple[dict, Path]:
    """A root with two months of data, ``notebooks`` (name -> code), a mark for its kernels."""
    months = [partners_month(tmp_path / "in", m) for m in (8, 9)]
    root = make_root(tmp_path, months)
    nbs = tmp_path / "nbs"
    for name, code in notebooks.items():
        write_nb(nbs / f"{name}.ipynb", code)
    mark = uuid.uuid4().hex
    env = {"CIVICSTATS_ROOT": str(root), report.ENV_NOTEBOOKS: str(nbs), RUN_MARK: mark}
    return env, Path(os.environ["CIVICSTATS_REPORTS"])


def report_entries(reports: Path) -> list[str]:
    """What a reports folder holds besides the per-month lock files runs share."""
    if not reports.is_dir():
        return []
    return sorted(p.name for p in reports.iterdir() if not p.name.endswith(".lock"))


def complete(folder: Path) -> bool:
    """A report folder whose manifest says ok and whose every page is there."""
    import json

    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (manifest.get("status") == "ok" and (folder / "index.html").is_file()
            and all((folder / e["html"]).is_file() and (folder / e["ipynb"]).is_file()
                    for e in manifest["notebooks"]))


def wait_no_kernels(mark: str, seconds: float = 20) -> list[int]:
    """Kernels of a killed run notice their parent is gone within about a second."""
    deadline = time.monotonic() + seconds
    while (left := pids_with_env(RUN_MARK, mark)) and time.monotonic() < deadline:
        time.sleep(0.25)
    return left


def test_report_killed_at_20_random_moments_keeps_the_last_complete_report(tmp_path):
    env, reports = report_setting(tmp_path, {"a": "print('a', period)"})
    folder = reports / "2023-09"
    t0 = time.perf_counter()
    code, out = forked_cli(["report", "--period", "2023-09"], env=env, cwd=tmp_path,
                           log=tmp_path / "first.txt", timeout=180)
    span = time.perf_counter() - t0
    assert code == 0, out
    assert complete(folder)
    last = snapshot(folder)
    records_before = stored(Path(os.environ["CIVICSTATS_STORE"]))[0]

    rng = random.Random(SEED)
    outcomes = []
    for i in range(20):
        run = Forked(["report", "--period", "2023-09", "--force"], env=env, cwd=tmp_path,
                     log=tmp_path / f"kill{i}.txt")
        time.sleep(rng.uniform(0.0, span * 1.1))
        run.kill()
        now = snapshot(folder) if folder.is_dir() else {}
        if now == last:
            outcomes.append("kept")
        elif complete(folder):  # the kill came after the swap: the new report is whole
            outcomes.append("replaced")
            last = now
        else:  # only between the two renames of the swap: the old one waits beside it
            # (set aside by this run, or by an earlier killed run whose successor died too)
            asides = [snapshot(a) for a in reports.glob(".2023-09.old-*")]
            assert not folder.exists() and last in asides, f"kill {i}: {sorted(now)}"
            outcomes.append("aside")
        assert stored(Path(os.environ["CIVICSTATS_STORE"]))[0].equals(records_before)
    assert not wait_no_kernels(env[RUN_MARK]), "kernels of killed runs are still running"

    # the next run completes, puts back or replaces the report, and removes the scratch
    code, out = forked_cli(["report", "--period", "2023-09", "--force"], env=env, cwd=tmp_path,
                           log=tmp_path / "after.txt", timeout=180)
    assert code == 0, out
    assert complete(folder)
    assert report_entries(reports) == ["2023-09"], "scratch folders left"
    assert outcomes.count("kept") >= 1, outcomes


# -- full disk, unwritable output ------------------------------------------------------------------


def test_a_full_disk_during_ingest_loses_nothing_and_the_next_run_completes(tmp_path):
    store = tmp_path / "store.duckdb"
    first, later = partners_month(tmp_path, 8), [partners_month(tmp_path, m) for m in (9, 10)]
    st.ingest([first], store=store)
    before = stored(store)
    proc = run_limited(["ingest", *later, "--store", store], {}, limit=0)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    after = stored(store)
    assert after[1] == before[1] and after[0].equals(before[0])
    outcomes = st.ingest(later, store=store)
    assert [o.outcome for o in outcomes] == ["ok", "ok"]


def test_a_full_disk_during_ingest_says_the_disk_is_full(tmp_path):
    store = tmp_path / "store.duckdb"
    st.ingest([partners_month(tmp_path, 8)], store=store)
    proc = run_limited(["ingest", partners_month(tmp_path, 9), "--store", store], {}, limit=0)
    assert "unexpected" not in proc.stderr and "意外" not in proc.stderr and "rollback" not in proc.stderr, proc.stderr
    assert "File too large" in proc.stderr or "space" in proc.stderr


@pytest.fixture
def setting(tmp_path):
    """Data and one tiny notebook for 2023-09, the store filled, no report yet."""
    env, reports = report_setting(tmp_path, {"a": "print('a', period)"})
    store = Path(os.environ["CIVICSTATS_STORE"])
    st.ingest([Path(env["CIVICSTATS_ROOT"]) / "data" / "raw"], store=store)
    return {"env": env, "reports": reports, "folder": reports / "2023-09", "store": store,
            "store_before": stored(store)}


@pytest.fixture
def reported(setting, tmp_path):
    """A complete report for 2023-09 (and the store behind it), before the fault."""
    code, out = forked_cli(["report", "--period", "2023-09"], env=setting["env"],
                           cwd=tmp_path, log=tmp_path / "first.txt", timeout=180)
    assert code == 0, out
    return {**setting, "before": snapshot(setting["folder"])}


def assert_store_untouched(r) -> None:
    records, files = stored(r["store"])
    assert files == r["store_before"][1] and records.equals(r["store_before"][0])


def assert_untouched(r) -> None:
    assert snapshot(r["folder"]) == r["before"], "the previous report changed"
    assert_store_untouched(r)


def test_a_full_disk_during_report_keeps_the_previous_report_and_the_store(reported, tmp_path):
    proc = run_limited(["report", "--period", "2023-09", "--force"], reported["env"],
                       limit=100_000)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in civicstats_lines(proc.stdout + proc.stderr)
    assert_untouched(reported)
    code, out = forked_cli(["report", "--period", "2023-09", "--force"], env=reported["env"],
                           cwd=tmp_path, log=tmp_path / "after.txt", timeout=180)
    assert code == 0, out
    assert report_entries(reported["reports"]) == ["2023-09"]


def test_a_full_disk_during_report_says_which_folder_and_what_to_do(setting):
    proc = run_limited(["report", "--period", "2023-09"], setting["env"], limit=100_000)
    text = proc.stdout + proc.stderr
    assert "unexpected" not in text and "Traceback" not in text, text
    assert str(setting["reports"]) in text and "处理办法" in text


@pytest.mark.parametrize("where", ["a-file", "under-a-file"])
def test_a_report_folder_that_cannot_be_written_is_refused_and_loses_nothing(setting, tmp_path,
                                                                             where):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    out = blocker if where == "a-file" else blocker / "reports"
    code, text = forked_cli(["report", "--period", "2023-09", "--force", "--out", out],
                            env=setting["env"], cwd=tmp_path, log=tmp_path / "log.txt")
    assert code == 2, text
    assert str(blocker) in text
    assert blocker.read_text() == "a file where a folder should be"
    assert_store_untouched(setting)
    assert not report_entries(setting["reports"])


def test_clean_into_a_folder_that_cannot_exist_is_refused_and_writes_nothing(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    code, text = forked_cli(["clean", partners_month(tmp_path, 9), "--out", blocker / "r.csv"],
                            env={}, cwd=tmp_path, log=tmp_path / "log.txt")
    assert code == 2, text
    assert str(blocker) in text and blocker.read_text() == "x"


@pytest.mark.parametrize("command", ["report", "clean"])
def test_an_output_path_under_a_file_gets_a_plain_message(setting, tmp_path, command):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    args = (["report", "--period", "2023-09", "--out", blocker / "sub"] if command == "report"
            else ["clean", partners_month(tmp_path, 9), "--out", blocker / "r.csv"])
    code, text = forked_cli(args, env=setting["env"], cwd=tmp_path, log=tmp_path / "log.txt")
    assert code == 2 and "unexpected" not in text and "意外" not in text and "处理办法" in text, text


# -- a cell that hangs -----------------------------------------------------------------------------


def test_a_hanging_cell_is_stopped_by_the_timeout_and_the_rest_of_the_run_completes(tmp_path):
    env, reports = report_setting(tmp_path, {
        "a_first": "print('first', period)",
        "hangs": "import time\nprint('about to hang', flush=True)\ntime.sleep(600)",
        "z_last": "print('last', period)"})
    t0 = time.perf_counter()
    code, out = forked_cli(["report", "--period", "2023-09", "--timeout", "4"], env=env,
                           cwd=tmp_path, log=tmp_path / "log.txt", timeout=240)
    took = time.perf_counter() - t0
    assert code == 1, out
    assert "失败 hangs" in out and "timed out after 4 s" in out
    assert took < 200  # bounded: the 600 s sleep was stopped
    folder = reports / "2023-09"
    for name in ("a_first", "z_last"):
        assert (folder / f"{name}.html").is_file()
    assert "timed out" in (folder / "index.html").read_text(encoding="utf-8")
    assert "about to hang" in (folder / "hangs.html").read_text(encoding="utf-8")
    assert not wait_no_kernels(env[RUN_MARK]), "the hanging kernel is still running"
