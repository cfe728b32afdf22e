"""Report notebooks on a Dask cluster: ``--cluster local:N`` or ``--cluster tcp://HOST:8786``.

The run itself does not change: the plan, the skip keys, the scratch folder, the
manifest and the atomic swap are the local run's. Only executing a notebook moves:
each job is a Dask task that runs the notebook on a warm kernel of its worker and
returns the executed notebook, its HTML page and the charts it wrote, which this
process writes into the scratch folder. So a worker never writes into the report,
and a worker lost mid-run costs only its running job, which Dask runs again on
another worker (the scheduler's ``allowed-failures``); a job that keeps losing its
worker is reported failed, like a failed notebook, never as a half-written page.

Workers need the store: each gets a read-only snapshot, the store file's bytes sent
once through the scheduler (``Client.scatter``), written to a temporary file on the
worker. A worker needs civicstats installed (the same version), nothing else of ours.

Connecting (``local:N`` / ``tcp://…``) is :mod:`civicstats.cluster`'s, shared with
``civicstats ingest --cluster``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict
from pathlib import Path

from civicstats.cluster import connect, parse  # noqa: F401 - the report's names for them
from civicstats.messages import say
from civicstats.report.results import NotebookResult

# -- the worker side ---------------------------------------------------------------------

_WORKER: dict = {}


def _worker_pool(lang: str):
    """The warm kernel pool of this worker process (one per language), started on first use."""
    from civicstats import messages
    from civicstats.report.kernels import KernelPool, write_kernelspec

    if lang not in _WORKER:
        messages.set_language(lang)
        spec = Path(tempfile.mkdtemp(prefix="civicstats-wk-"))
        write_kernelspec(spec)
        home = Path(tempfile.mkdtemp(prefix="civicstats-wj-"))
        _WORKER[lang] = (KernelPool(spec, home, needed=10**9, ahead=1), home)
    return _WORKER[lang]


def _snapshot(store: bytes) -> Path:
    """The store snapshot on this worker, written once per content."""
    name = hashlib.sha256(store).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"civicstats-store-{os.getpid()}-{name}.duckdb"
    if not path.exists():
        tmp = path.with_suffix(".part")
        tmp.write_bytes(store)
        tmp.replace(path)
    return path


def run_on_worker(job: dict, notebook: bytes, store: bytes, timeout: float, lang: str) -> dict:
    """Run one job on this worker's warm kernel; return its fields, page, notebook and charts."""
    from civicstats.report.kernels import run_one

    pool, home = _worker_pool(lang)
    folder = Path(tempfile.mkdtemp(prefix="job-", dir=home))
    nb_path = folder / Path(job["notebook"]).name
    nb_path.write_bytes(notebook)
    charts = folder / "charts"
    charts.mkdir()
    given = dict(job["parameters"])
    result = NotebookResult(**{**job, "notebook": str(nb_path),
                               "parameters": {**given, "store": str(_snapshot(store)),
                                              "output_dir": str(charts)}})
    run_one(result, pool.take(), folder, timeout=timeout, release=pool.release)
    out = {"fields": {**asdict(result), "notebook": job["notebook"], "parameters": given},
           "files": {}}
    for name in (result.html, result.ipynb):
        if name and (folder / name).is_file():
            out["files"][name] = (folder / name).read_bytes()
    for path in sorted(charts.rglob("*")):
        if path.is_file():
            out["files"][f"charts/{path.relative_to(charts).as_posix()}"] = path.read_bytes()
    return out


# -- this side ---------------------------------------------------------------------------


def _store_bytes(jobs: list[NotebookResult]) -> bytes:
    path = Path(jobs[0].parameters.get("store", ""))
    return path.read_bytes() if path.is_file() else b""


def render(client, to_run: list[NotebookResult], tmp: Path, reporter, *, timeout: float) -> None:
    """Run ``to_run`` as Dask tasks and write what they return into the scratch folder ``tmp``."""
    from distributed import as_completed

    from civicstats import messages

    if not to_run:
        return
    store = client.scatter(_store_bytes(to_run), broadcast=True)
    futures = {}
    for job in to_run:
        reporter.start(job.name)
        futures[client.submit(run_on_worker, asdict(job), Path(job.notebook).read_bytes(),
                              store, float(timeout), messages.current(), key=f"nb-{job.key}-"
                              f"{job.name}", pure=False)] = job
    for future in as_completed(futures):
        job = futures[future]
        try:
            out = future.result(timeout=timeout + 120)
        except (Exception, FutureTimeout) as exc:  # noqa: BLE001 - a lost worker: a failed page
            job.status = "failed"
            job.error = say("the Dask worker running it was lost ({what})",
                            what=type(exc).__name__)
        else:
            for key, value in out["fields"].items():
                setattr(job, key, value)
            for name, data in out["files"].items():
                dest = tmp / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(data)
        reporter.finish(job)
