"""Benchmark the monthly report run.

    .venv/bin/python benchmarks/bench_report.py [--quick]

Figures (each next to the plain alternative measured in the same run):

1. ``area_profile`` for a batch of areas (30; 8 with --quick) with ``--jobs 1``:
   time per notebook beyond its own cells (kernel start, injection, saving,
   HTML), against plain ``papermill.execute_notebook`` + nbconvert per notebook.
2. the same batch with ``--jobs 2``: speed-up over ``--jobs 1``.
3. the full monthly report of the bundled samples (latest month, every area), forced,
   against plain papermill + nbconvert on the same notebooks with the same parameters
   (a new kernel each, one after another), in the same run: the issue-15 figure.
   PDFs are off for both (``CIVICSTATS_PDF=0``): plain papermill makes none.
4. a rerun with nothing changed, as the ``civicstats report`` command (a new
   process, as cron runs it) and in-process.

Everything runs in a temporary folder; the checkout's store and reports are untouched.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load_line() -> str:
    try:
        one, five, fifteen = os.getloadavg()
        return f"load average {one:.2f} {five:.2f} {fifteen:.2f}, {os.cpu_count()} cores"
    except OSError:
        return f"{os.cpu_count()} cores"


def synthetic_raw(folder: Path, n_areas: int) -> Path:
    """Partners and volunteers for ``n_areas`` made-up communities over three months."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["社区,月份,居民合伙人,团体合伙人,合伙人项目"]
    vrows = ["社区,队伍名称,月份,志愿者人数,服务时长（小时）,服务人次"]
    for i in range(n_areas):
        area = f"基准{i + 1:02d}社区"
        for m, month in enumerate(("2023-07", "2023-08", "2023-09")):
            rows.append(f"{area},{month},{10 + i + m},{20 + i + 2 * m},{3 + m}")
            vrows.append(f"{area},{area}志愿队,{month},{30 + m},{100 + 10 * m},{200 + i}")
    (folder / "partners_bench.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "volunteers_bench.csv").write_text("\n".join(vrows) + "\n", encoding="utf-8")
    return folder


def plain_papermill(notebook: Path, out: Path, runs: list[dict]) -> float:
    """The plain way: papermill.execute_notebook (new kernel each) + nbconvert, one by one."""
    import papermill as pm
    from nbconvert import HTMLExporter

    from civicstats import report

    spec = report.write_kernelspec(out / "spec")
    os.environ["JUPYTER_PATH"] = str(spec.parent)  # papermill finds the kernel by name
    (spec.parent / "kernels").mkdir(exist_ok=True)
    shutil.copytree(spec / report.KERNEL_NAME, spec.parent / "kernels" / report.KERNEL_NAME,
                    dirs_exist_ok=True)
    exporter = HTMLExporter(exclude_input=True)
    t0 = time.perf_counter()
    cells = 0.0
    for i, params in enumerate(runs):
        nb = pm.execute_notebook(str(notebook), str(out / f"plain{i}.ipynb"), parameters=params,
                                 kernel_name=report.KERNEL_NAME, progress_bar=False)
        cells += report.cell_seconds(nb)
        (out / f"plain{i}.html").write_text(exporter.from_notebook_node(nb)[0], encoding="utf-8")
    return (time.perf_counter() - t0 - cells) / len(runs)


def plain_month(jobs: list, out: Path) -> None:
    """The plain way for a whole month: each notebook in a new kernel, then nbconvert."""
    import papermill as pm
    from nbconvert import HTMLExporter

    from civicstats import report

    out.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(exclude_input=True)
    for i, (notebook, params) in enumerate(jobs):
        nb = pm.execute_notebook(str(notebook), str(out / f"{i}.ipynb"), parameters=params,
                                 kernel_name=report.KERNEL_NAME, progress_bar=False, cwd=str(out))
        (out / f"{i}.html").write_text(exporter.from_notebook_node(nb)[0], encoding="utf-8")


def batch(report, nbdir, raw, jobs, *, force=True):
    t0 = time.perf_counter()
    run = report.run_reports("2023-09", notebooks=nbdir, raw=raw, jobs=jobs, force=force,
                             progress="off")
    wall = time.perf_counter() - t0
    assert run.exit_code == 0, run.summary()
    cells = sum(r.cell_seconds for r in run.results)
    n = len(run.results)
    wait = sum(r.kernel_wait for r in run.results) / n
    html = sum(r.html_seconds for r in run.results) / n
    rest = sum(r.seconds - r.kernel_wait - r.cell_seconds - r.html_seconds
               for r in run.results) / n
    print(f"    --jobs {jobs}: per notebook {wall / n:.2f} s wall = cells {cells / n:.2f} + waiting "
          f"for a kernel still starting {wait:.2f} + papermill/saving {rest:.2f} + HTML {html:.2f}"
          f" (+ run set-up shared by all); {load_line()}")
    return wall, cells, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="8 areas, no full-month jobs-1 run")
    args = ap.parse_args()
    n_areas = 8 if args.quick else 30

    work = Path(tempfile.mkdtemp(prefix="bench-report-"))
    os.environ["CIVICSTATS_STORE"] = str(work / "store.duckdb")
    os.environ["CIVICSTATS_REPORTS"] = str(work / "reports")
    os.environ.pop("MPLBACKEND", None)
    os.environ["CIVICSTATS_PDF"] = "0"  # like for like: plain papermill prints no PDF
    from civicstats import report, store

    print(f"bench_report: {load_line()}")
    warm_default = report.WARM_IMPORTS
    raw = synthetic_raw(work / "raw", n_areas)
    nbdir = work / "nbs"
    nbdir.mkdir()
    shutil.copy2(ROOT / "notebooks" / "area_profile.ipynb", nbdir)

    # 1 + 2: the area batch, with pre-warmed kernels (the default) and with cold ones
    batch(report, nbdir, raw, 1)  # warm-up: ingest, import caches, font cache
    for label, warm in (("pre-warmed kernels (default)", report.WARM_IMPORTS),
                        ("cold kernels", ())):
        report.WARM_IMPORTS = warm
        wall1, cells1, n = batch(report, nbdir, raw, 1)
        wall2, cells2, _ = batch(report, nbdir, raw, 2)
        overhead = (wall1 - cells1) / n
        print(f"[{label}] area_profile x{n}, --jobs 1: {wall1:.1f} s wall, {cells1:.1f} s in "
              f"cells -> overhead {overhead:.2f} s per notebook (target < 1.0)")
        print(f"[{label}] area_profile x{n}, --jobs 2: {wall2:.1f} s wall, {cells2:.1f} s in "
              f"cells -> speed-up {wall1 / wall2:.2f}x (target >= 1.7)")
    report.WARM_IMPORTS = warm_default
    k = 3 if args.quick else 5
    runs = [{"period": "2023-09", "store": os.environ["CIVICSTATS_STORE"],
             "area": f"基准{i + 1:02d}社区"} for i in range(k)]
    plain = plain_papermill(ROOT / "notebooks" / "area_profile.ipynb", work / "plain", runs)
    print(f"plain papermill.execute_notebook + nbconvert, {k} notebooks: overhead "
          f"{plain:.2f} s per notebook")

    # 3: the full month of the bundled samples
    os.environ["CIVICSTATS_STORE"] = str(work / "full.duckdb")
    t0 = time.perf_counter()
    store.ingest([ROOT / "data" / "raw"])
    print(f"ingest of the bundled samples: {time.perf_counter() - t0:.1f} s")
    month = store.periods()[-1]
    walls = {}
    for jobs in ((2,) if args.quick else (1, 2)):
        t0 = time.perf_counter()
        run = report.run_reports(month, raw=False, jobs=jobs, force=True, progress="off")
        walls[jobs] = wall = time.perf_counter() - t0
        cells = sum(r.cell_seconds for r in run.results)
        n = len(run.results)
        print(f"full report {month}, --jobs {jobs}: {n} notebooks, {wall:.1f} s wall "
              f"({wall / n:.2f} s per notebook), {cells:.1f} s in cells -> overhead "
              f"{(wall - cells) / n:.2f} s per notebook beyond its cells (target < 0.3), "
              f"{len(run.failed)} failed")
    jobs = [(Path(r.notebook), r.parameters) for r in run.results]
    sample = jobs[:: max(1, len(jobs) // 6)] if args.quick else jobs
    t0 = time.perf_counter()
    plain_month(sample, work / "plain-month")
    plain = (time.perf_counter() - t0) / len(sample) * len(jobs)
    best = min(walls.values())
    print(f"plain papermill + nbconvert, the same {len(jobs)} notebooks and parameters"
          f"{f' ({len(sample)} run, scaled)' if len(sample) < len(jobs) else ''}: {plain:.1f} s "
          f"-> civicstats {plain / best:.1f}x faster (target >= 4); {load_line()}")

    # 4: nothing changed
    t0 = time.perf_counter()
    run = report.run_reports(month, jobs=2, progress="off")
    inproc = time.perf_counter() - t0
    env = {**os.environ}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", "from civicstats.cli import main; main()",
                           "report", "--period", month, "--jobs", "2"], env=env,
                          capture_output=True, text=True)
    cmd = time.perf_counter() - t0
    skipped = all(r.status == "skipped" for r in run.results)
    print(f"no-change rerun of {month} ({len(run.results)} notebooks, all skipped: {skipped}): "
          f"{cmd:.2f} s as a command (exit {proc.returncode}), {inproc:.2f} s in-process "
          "(target < 2)")
    print(f"bench_report: done, {load_line()}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
