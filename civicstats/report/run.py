"""The run itself: validate, ingest, plan, render into a scratch folder, swap into place."""

import logging
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from civicstats import config
from civicstats.coverage import month_coverage
from civicstats.errors import CivicstatsError, UsageError
from civicstats.messages import _, say
from civicstats.report.cluster import connect
from civicstats.report.cluster import parse as parse_cluster
from civicstats.report.cluster import render as render_on_cluster
from civicstats.report.folder import (
    _link_or_copy,
    _period_lock,
    _write_json,
    clean_stale,
    list_notebooks,
    notebooks_dir,
    read_manifest,
    swap_into_place,
)
from civicstats.report.forward import make_forwarded
from civicstats.report.index import index_html, manifest
from civicstats.report.inputs import gather_ingest, gather_inputs, latest_period
from civicstats.report.kernels import KernelPool, fast_imports, run_one, write_kernelspec
from civicstats.report.page import copy_font
from civicstats.report.plan import in_report_order, kept_pages, partial, plan, reusable
from civicstats.report.progress import Progress
from civicstats.report.results import ReportRun
from civicstats.report.settings import DEFAULT_TIMEOUT, ENV_NOTEBOOKS
from civicstats.values import period_option


def run_reports(period: str, *, areas="all", jobs: int = 1, force: bool = False, out=None,
                store=None, timeout: float = DEFAULT_TIMEOUT, notebooks=None,
                raw=None, progress: str = "auto", cluster: str | None = None) -> ReportRun:
    """Render every report notebook for ``period`` into ``reports/<period>/``.

    ``raw`` is the folder ingested first (default data/raw; ``False`` to skip).
    ``notebooks`` is the notebooks folder (default $CIVICSTATS_NOTEBOOKS or notebooks/).
    ``progress`` is ``"auto"`` (rich on a terminal, plain log lines otherwise),
    ``"rich"``, ``"plain"`` or ``"off"``. ``cluster`` (``local:N`` or ``tcp://HOST:PORT``) runs
    the notebooks as Dask tasks (:mod:`civicstats.report.cluster`) instead of ``jobs`` local
    kernels; everything else is the same run. Returns a :class:`ReportRun`; its
    ``exit_code`` is 1 when a notebook failed. Raises :class:`UsageError` for
    bad arguments before any kernel starts:

    >>> run_reports("2023-13")
    Traceback (most recent call last):
    ...
    civicstats.errors.UsageError: --period...

    A month's reports, as ``make report`` runs them: ``run_reports("latest")``; a partial
    rerun of two areas: ``run_reports("2023-09", areas="天悦社区,工人路社区", force=True)``.
    """
    t0 = time.perf_counter()
    latest = period == "latest"
    if not latest:
        period = period_option(period)
    if cluster:
        parse_cluster(cluster)  # a usage error before anything runs
    if int(jobs) < 1:
        raise UsageError("--jobs", say("{jobs} is not a number of parallel notebooks", jobs=jobs),
                         _("use 1 or more"))
    if not float(timeout) > 0:
        raise UsageError("--timeout", say("{timeout} is not a number of seconds", timeout=timeout),
                         _("use e.g. 300"))
    nb_dir = notebooks_dir(notebooks)
    found = list_notebooks(nb_dir) if nb_dir.is_dir() else []
    if not found:
        raise UsageError(str(nb_dir), _("no notebooks found"),
                         say("check ${name}", name=ENV_NOTEBOOKS))

    root = config.reports_dir(out)
    clean_stale(root)
    ingested = gather_ingest(store, raw)
    if latest:
        period = latest_period(store, raw=False)
    with _period_lock(root, period):
        run = _run_locked(period, root, found, t0, areas=areas, jobs=jobs, force=force,
                          store=store, timeout=timeout, progress=progress, cluster=cluster)
    run.ingested = ingested
    return run


def _run_locked(period, root, found, t0, *, areas, jobs, force, store, timeout,
                progress, cluster=None) -> ReportRun:
    final = root / period
    inputs = gather_inputs(period, store, raw=False)
    if not len(inputs.records) or not (
            inputs.records["period"].astype(str) == period).any():
        from civicstats import store as st

        have = ", ".join(st.periods(store=store)) or "none"
        raise UsageError("--period", say("the store has no records for {period}", period=period),
                         say("choose a month the store has ({have}) or put its files in data/raw",
                             have=have))
    store_path = str(config.store_path(store).resolve())
    planned = plan(period, found, inputs, areas=areas, store_path=store_path)

    earlier = read_manifest(final)
    previous = {} if force else earlier
    kept = kept_pages(earlier, planned, final) if partial(areas) else []
    to_run, reused = [], {}
    for job in planned:
        old = reusable(job, previous, final)
        if old:
            job.status, job.html, job.ipynb = "skipped", old["html"], old["ipynb"]
            job.seconds, job.cell_seconds = 0.0, old.get("cell_seconds", 0.0)
            reused[job.name] = old
        else:
            to_run.append(job)

    reporter = Progress(len(planned), mode=progress)
    run = ReportRun(period, final, in_report_order(planned + kept, found),
                    coverage=month_coverage(inputs.records, period))
    previous_names = {e.get("name") for e in previous.get("notebooks", [])}
    if not to_run and previous_names == {j.name for j in run.results}:
        for job in planned:
            reporter.finish(job)
        reporter.log(say("nothing changed for {period}: {n} reports unchanged, kept as they are "
                         "(use --force to rerun)", period=period, n=len(planned)))
        reporter.close()
        run.seconds = time.perf_counter() - t0
        return run

    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{period}.tmp-{os.getpid()}"
    try:
        _render(run, run.results, to_run, inputs, tmp, final, reporter, t0, jobs=jobs,
                timeout=timeout, cluster=cluster)
    except OSError as exc:  # disk full, quota, folder removed: say where; keep the old report
        shutil.rmtree(tmp, ignore_errors=True)
        what = exc.strerror or str(exc)
        if exc.filename:
            what = say("cannot write {path}: {what}", path=exc.filename, what=what)
        raise CivicstatsError(str(final), say("the report could not be written ({what})",
                                              what=what),
                              say("free disk space on the disk of {root} or choose another --out "
                                  "folder, then run again; the previous report there is untouched",
                                  root=root)) from None
    swap_into_place(tmp, final)
    run.swapped = True
    return run


def _render(run, pages, to_run, inputs, tmp, final, reporter, t0, *, jobs,
            timeout, cluster=None) -> None:
    """Run the notebooks into ``tmp`` and write its manifest and index (not yet in place)."""
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "charts").mkdir(parents=True)
    copy_font(tmp)  # the pages and the index draw their Chinese with it
    for job in pages:
        if job.status in ("skipped", "kept"):  # pages not rewritten: linking them is safe
            for name in (job.html, job.ipynb):
                _link_or_copy(final / name, tmp / name)
    if final.joinpath("charts").is_dir() and all(
            j.status != "ok" for j in pages if Path(j.notebook).stem == "overview"):
        shutil.rmtree(tmp / "charts")
        shutil.copytree(final / "charts", tmp / "charts", copy_function=_link_or_copy)

    fast_imports()
    # jupyter_client warns on every closed client ("Could not destroy zmq context"): noise in cron mail
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    for job in pages:
        if job.status == "skipped":
            reporter.finish(job)
    if cluster:
        try:
            with connect(cluster) as client:
                render_on_cluster(client, to_run, tmp, reporter, timeout=float(timeout))
        finally:
            reporter.close()
    else:
        _render_here(to_run, tmp, reporter, jobs=jobs, timeout=timeout)
    forwarded = make_forwarded(run, inputs, tmp, final)  # PDFs and 汇总表, inside the scratch folder
    run.seconds = time.perf_counter() - t0
    settings = {"jobs": int(jobs), "cluster": cluster or None}
    data = manifest(run, inputs, settings=settings, timeout=timeout)
    _write_json(tmp / "manifest.json", {**data, "forward": forwarded.manifest()})
    (tmp / "index.html").write_text(index_html(run, forwarded), encoding="utf-8")


def _render_here(to_run, tmp, reporter, *, jobs, timeout) -> None:
    """Run the notebooks on warm kernels of this machine, ``jobs`` at a time."""
    spec_dir = Path(tempfile.mkdtemp(prefix="civicstats-k-"))
    pool = None
    try:
        write_kernelspec(spec_dir)
        # one warm kernel per parallel job, each reused for notebook after notebook
        pool = KernelPool(spec_dir, tmp, needed=len(to_run), ahead=min(int(jobs), len(to_run)))
        import nbconvert  # noqa: F401 - imported while the kernels boot, not after
        import papermill  # noqa: F401

        def work(job):
            reporter.start(job.name)
            km = pool.take()
            run_one(job, km, tmp, timeout=float(timeout), release=pool.release)
            reporter.finish(job)
            return job

        with ThreadPoolExecutor(max_workers=int(jobs)) as ex:
            list(ex.map(work, to_run))
    finally:
        if pool is not None:
            pool.close()
        shutil.rmtree(spec_dir, ignore_errors=True)
        reporter.close()
