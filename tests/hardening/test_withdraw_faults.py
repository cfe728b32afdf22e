"""Faults during `civicstats withdraw`: a run killed (SIGKILL) inside its transaction or at random
moments leaves the store either exactly as before or exactly withdrawn, and the next run
completes as an uninterrupted one does.

Runs are the real command forked from a pre-loaded server (tests.hardening.forked). The
test-only hook $CIVICSTATS_TEST_SLEEP_IN_TXN makes the withdrawal announce itself on stderr and
sleep just before COMMIT, so one test kills it with every change made but not committed.
"""

import random
import shutil
import time
from pathlib import Path

import duckdb

from civicstats import store as st
from tests.hardening.helpers import Forked, forked_cli, workbook

SEED = 20231107
MARK = "civicstats-test: in transaction for "


def state(store: Path) -> dict:
    """What the store says, without times: records with their flags, issues, the ingest log."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        return {
            "records": con.execute(
                'SELECT file, area, "group", period, measure, value, superseded_at IS NULL, '
                "superseded_by, withdrawn_at IS NULL FROM records ORDER BY ALL").fetchall(),
            "issues": con.execute("SELECT file, source, rule, closed_at IS NULL FROM issues "
                                  "ORDER BY ALL").fetchall(),
            "ingests": con.execute("SELECT path, sha256, outcome FROM ingests ORDER BY ALL"
                                   ).fetchall()}
    finally:
        con.close()


def prepared(tmp_path: Path) -> tuple[Path, Path]:
    """A store where B corrects A's figure and carries an error of its own; B's path."""
    header = ["社区", "居民合伙人", "团体合伙人"]
    a = workbook(tmp_path / "in" / "partners_2023-09_a.xlsx", "2023年9月社区合伙人统计", header,
                 [["天悦社区", "20", "35"], ["工人路社区", "10", "12"]])
    b = workbook(tmp_path / "in" / "partners_2023-09_b.xlsx", "2023年9月社区合伙人统计", header,
                 [["天悦社区", "21", "待核实"]])
    store = tmp_path / "base.duckdb"
    st.ingest([a], store=store)
    st.ingest([b], store=store)
    return store, b


def withdrawn_reference(tmp_path: Path, base: Path, target: Path) -> dict:
    ref = tmp_path / "reference.duckdb"
    shutil.copy(base, ref)
    code, _ = forked_cli(["withdraw", target, "--store", ref], env={}, cwd=tmp_path,
                         log=tmp_path / "reference.txt")
    assert code == 0
    return state(ref)


def wait_for(run: Forked, text: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while text not in run.output():
        assert time.monotonic() < deadline, f"never saw {text!r}: {run.output()}"
        time.sleep(0.02)


def test_a_withdraw_killed_inside_its_transaction_loses_nothing_and_the_rerun_completes(tmp_path):
    base, b = prepared(tmp_path)
    before = state(base)
    after = withdrawn_reference(tmp_path, base, b)
    assert after != before
    run = Forked(["withdraw", b, "--store", base], env={st.ENV_TEST_SLEEP: "60"}, cwd=tmp_path,
                 log=tmp_path / "killed.txt")
    wait_for(run, MARK)
    run.kill()
    assert state(base) == before  # every change was made, none committed
    assert sorted(st.load(store=base).value) == [10.0, 12.0, 21.0, 35.0]
    code, out = forked_cli(["withdraw", b, "--store", base], env={"CIVICSTATS_LANG": "en"},
                           cwd=tmp_path, log=tmp_path / "rerun.txt")
    # its own error and the check_conflict of its figure against the first file's
    assert code == 0 and "1 earlier figures back, 2 open issues closed" in out
    assert state(base) == after


def test_a_withdraw_killed_at_random_moments_leaves_the_store_before_or_after_never_between(
        tmp_path):
    base, b = prepared(tmp_path)
    before = state(base)
    after = withdrawn_reference(tmp_path, base, b)
    # how long an uninterrupted run takes here and now: the kills are spread over it
    timing = tmp_path / "timing.duckdb"
    shutil.copy(base, timing)
    t0 = time.perf_counter()
    forked_cli(["withdraw", b, "--store", timing], env={}, cwd=tmp_path, log=tmp_path / "t.txt")
    span = time.perf_counter() - t0
    rng = random.Random(SEED)
    seen = []
    for i in range(12):
        store = tmp_path / "stores" / f"s{i}.duckdb"
        store.parent.mkdir(exist_ok=True)
        shutil.copy(base, store)
        run = Forked(["withdraw", b, "--store", store], env={}, cwd=tmp_path,
                     log=tmp_path / "stores" / f"s{i}.txt")
        time.sleep(rng.uniform(0.0, 1.5 * span))  # some land after the end
        run.kill()
        now = state(store)
        assert now in (before, after), f"kill {i}: the store is half withdrawn"
        seen.append(now == after)
        code, _ = forked_cli(["withdraw", b, "--store", store], env={}, cwd=tmp_path,
                             log=tmp_path / "stores" / f"r{i}.txt")
        assert code == 0 and state(store) == after
    assert len(set(seen)) == 2, seen  # kills fell both before and after the commit
