"""A province on one machine: ingest, checks and area profiles, each beside the plain way.

    .venv/bin/python benchmarks/bench_scale.py [--quick] [--profiles N]

Generates (once, under benchmarks/out/) monthly CSV returns as streets send them: 100
streets x 30 communities = 3,000 areas, 12 months (1,200 files of 30 rows; --quick: 10
streets, 300 areas, 120 files), then, in a temporary store and reports folder:

1. first ingest of every file (``civicstats.store.ingest``: clean, load, one transaction per
   file, checks once at the end), ms per file, beside a plain ``pandas.read_csv`` + melt +
   DuckDB ``INSERT`` of the same rows, file by file, into a plain table;
2. ``civicstats check`` of the resulting store (every rule, every month) beside the same
   checks in plain pandas (benchmarks/bench_checks.py), and whether both find the same;
3. ``area_profile`` for 300 areas (30 with --quick; ``--profiles N``) with
   ``run_reports(..., jobs=1)``, ``jobs=2`` and ``cluster="local:2"``, beside plain
   ``papermill.execute_notebook`` + nbconvert for a sample of them, extrapolated per
   notebook (said so in the output).

Ends with the cost per area. Timings are wall and CPU seconds of this process (kernels and
Dask workers are other processes: their CPU is in the wall time only).
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_checks import current_records, pandas_findings, sql_findings  # noqa: E402
from bench_report import load_line, plain_papermill  # noqa: E402
from bench_store import best_of  # noqa: E402
from returns import HEADER, write_returns  # noqa: E402

OUT = HERE / "out"
MONTHS = 12
COMMUNITIES = 30
MEASURES = ["resident_partners", "group_partners", "partner_projects"]


def plain_ingest(paths: list[Path], db: Path) -> int:
    """The plain way: read_csv, melt to one row per figure, one INSERT per file; no cleaning,
    no provenance checks, no issues. Returns the rows inserted."""
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE figures (area VARCHAR, period VARCHAR, measure VARCHAR, "
                "value DOUBLE, file VARCHAR)")
    n = 0
    for path in paths:
        df = pd.read_csv(path, skiprows=1)
        df.columns = ["area", *MEASURES]
        long = df.melt(id_vars="area", var_name="measure", value_name="value")
        long.insert(1, "period", path.stem.split("_")[1])
        long["file"] = path.name
        con.execute("INSERT INTO figures SELECT area, period, measure, value, file FROM long")
        n += len(long)
    con.close()
    return n


def ingest_part(paths: list[Path], store: Path, work: Path) -> dict:
    from civicstats import store as st

    t, c, outcomes = best_of(lambda: st.ingest(paths, store=store), runs=1)
    assert all(o.outcome == "ok" for o in outcomes), {o.outcome for o in outcomes}
    records = sum(o.records for o in outcomes)
    tp, cp, rows = best_of(lambda: plain_ingest(paths, work / "plain.duckdb"), runs=1)
    assert rows == records, (rows, records)
    n = len(paths)
    print(f"ingest   {n:,} files, {records:,} records: {t:7.2f} s wall, {c:.2f} s CPU = "
          f"{t / n * 1000:.1f} ms per file (target <= 40)")
    print(f"  plain  read_csv + melt + DuckDB INSERT, same rows: {tp:7.2f} s wall, {cp:.2f} s "
          f"CPU = {tp / n * 1000:.1f} ms per file ({t / tp:.1f}x; no cleaning, issues or history)")
    return {"ingest": t}


def checks_part(store: Path) -> dict:
    from civicstats import checks
    from civicstats import store as st

    t, c, run = best_of(lambda: checks.check_store(store=store), runs=1)
    con = st._writer(store)
    try:
        sql = sql_findings(con)
        tr, cr, records = best_of(lambda: current_records(con), runs=1)
    finally:
        con.close()
    tp, cp, plain = best_of(lambda: pandas_findings(records), runs=1)
    same = sql.reset_index(drop=True).equals(plain.reset_index(drop=True))
    print(f"check    every rule and month, {run.errors + run.warnings:,} open: {t:7.2f} s wall, "
          f"{c:.2f} s CPU")
    print(f"  plain  pandas, same rules: {tr + tp:7.2f} s wall ({tr:.2f} s reading), {cr + cp:.2f} s"
          f" CPU = {(tr + tp) / t:.1f}x; same findings: {'yes' if same else 'NO'} "
          f"({len(sql):,} vs {len(plain):,})")
    return {"check": t}


def profiles_part(names: list[str], period: str, store: Path, work: Path, sample: int) -> dict:
    from civicstats import report

    nbdir = work / "nbs"
    nbdir.mkdir(exist_ok=True)
    shutil.copy2(ROOT / "notebooks" / "area_profile.ipynb", nbdir)
    out = {}
    report.run_reports(period, areas=names[:2], notebooks=nbdir, raw=False, force=True,
                       progress="off")  # warm-up: caches, fonts
    for label, kw in (("jobs=1", {"jobs": 1}), ("jobs=2", {"jobs": 2}),
                      ("cluster=local:2", {"cluster": "local:2"})):
        t0 = time.perf_counter()
        run = report.run_reports(period, areas=names, notebooks=nbdir, raw=False, force=True,
                                 progress="off", **kw)
        wall = time.perf_counter() - t0
        ok = sum(r.ok for r in run.results)
        cells = sum(r.cell_seconds for r in run.results)
        out[label] = wall / len(names)
        print(f"profiles {len(names)} x area_profile, {label:16s}: {wall:7.1f} s wall = "
              f"{wall / len(names):.2f} s per area ({cells / len(names):.2f} s of it in cells; "
              f"{ok} ok, exit {run.exit_code}); {load_line()}")
    runs = [{"period": period, "store": str(store), "area": a} for a in names[:sample]]
    t0 = time.perf_counter()
    plain_papermill(ROOT / "notebooks" / "area_profile.ipynb", work / "plain", runs)
    per = (time.perf_counter() - t0) / sample
    out["plain"] = per
    print(f"  plain  papermill.execute_notebook + nbconvert, {sample} of them: {per:.2f} s per "
          f"notebook, extrapolated: {per * len(names):.0f} s for {len(names)} "
          f"({per / out['jobs=1']:.1f}x jobs=1)")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="300 areas, 30 profiles")
    ap.add_argument("--profiles", type=int, help="area profiles to render (0: none)")
    args = ap.parse_args()
    streets = 10 if args.quick else 100
    profiles = args.profiles if args.profiles is not None else (30 if args.quick else 300)
    areas = streets * COMMUNITIES
    print(f"bench_scale: {areas:,} areas x {MONTHS} months; {load_line()}")
    t0 = time.perf_counter()
    paths = write_returns(OUT / f"scale_{streets}x{COMMUNITIES}", streets, MONTHS, COMMUNITIES,
                          known=[])
    print(f"returns  {len(paths):,} CSV files ({HEADER[0]} + 3 figures) ready in "
          f"{time.perf_counter() - t0:.1f} s")

    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    store = work / "store.duckdb"
    os.environ["CIVICSTATS_STORE"] = str(store)
    os.environ["CIVICSTATS_REPORTS"] = str(work / "reports")
    os.environ.pop("MPLBACKEND", None)
    cost = {**ingest_part(paths, store, work), **checks_part(store)}
    if profiles:
        from civicstats import store as st

        names = sorted(st.load(store=store)["area"].unique())[:profiles]
        cost.update(profiles_part(names, st.periods(store=store)[-1], store, work,
                                  sample=3 if args.quick else 5))
    print(f"cost per area: ingest {cost['ingest'] / areas * 1000:.1f} ms (12 months), checks "
          f"{cost['check'] / areas * 1000:.2f} ms"
          + ("".join(f", profile {k} {v:.2f} s" for k, v in cost.items()
                     if k not in ("ingest", "check"))))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
