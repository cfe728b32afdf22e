"""The monthly report run: validate, ingest, run every notebook, render HTML, swap into place.

``run_reports("2023-09")`` writes ``reports/2023-09/`` with ``index.html``,
``<name>.html`` (no code), ``<name>.ipynb`` (executed), ``charts/`` and
``manifest.json``. How it stays safe and fast:

- parameters are checked against :mod:`civicstats.params` before any kernel starts;
- notebooks run on this very Python (``sys.executable``) through a kernelspec we
  write into a private folder, so no kernelspec needs installing by hand;
- each kernel starts in the report's temporary folder (no ``os.chdir`` in this
  process, so ``--jobs N`` threads share no working-directory state, papermill #473),
  and the next kernel is started while the current notebook runs;
- everything is written to ``reports/.<period>.tmp-<pid>/`` and renamed into place
  only at the end: a killed run leaves last month's report untouched;
- a notebook whose inputs (records, notebook file, parameters, civicstats version)
  did not change since the last run is skipped before any kernel starts.

>>> parameter_table("overview", period="2023-09", store="", output_dir="charts")
    parameter    value       from
0      period  2023-09      given
1       store           default
2  output_dir   charts    default
"""

import contextlib
import functools
import hashlib
import html
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from civicstats import __version__, config, params
from civicstats.errors import CivicstatsError, UsageError
from civicstats.filenames import safe_name
from civicstats.store import file_sha256

ENV_NOTEBOOKS = "CIVICSTATS_NOTEBOOKS"
KERNEL_NAME = "civicstats-python"
ORDER = ("overview", "partners", "childcare", "volunteers", "area_profile", "explore")
"""Notebooks run (and are listed) in this order; others follow alphabetically."""
DEFAULT_TIMEOUT = 300
"""Seconds one notebook may run before it is stopped and reported as timed out."""
PACKAGES = ("civicstats", "pandas", "matplotlib", "papermill", "nbclient", "nbconvert",
            "duckdb", "ipykernel")


# -- what the notebooks call -----------------------------------------------------


def parameter_table(notebook: str, **values):
    """The parameters a report ran with, marking those equal to their registered default.

    The first cell of every report notebook shows this table.
    """
    import pandas as pd

    default = params.defaults(notebook)
    rows = [(name, "" if value is None else str(value),
             "default" if name in default and value == default[name] else "given")
            for name, value in values.items()]
    return pd.DataFrame(rows, columns=["parameter", "value", "from"])


def resolve_period(period: str, store=None) -> str:
    """The month a notebook shows: the given one (checked), or the store's latest when empty.

    So that a notebook opened by hand in JupyterLab runs as it is.

    >>> resolve_period("2023-09")
    '2023-09'
    """
    if period:
        return params.check_period(period)
    from civicstats import store as st

    have = st.periods(store=store or None)
    if not have:
        raise UsageError("period", "the store has no records yet",
                         "run civicstats ingest data/raw first")
    return have[-1]


# -- results -----------------------------------------------------------------------


@dataclass
class NotebookResult:
    """What happened to one notebook of the run (one row of the manifest and of index.html)."""

    name: str
    notebook: str
    parameters: dict
    key: str
    status: str = "pending"  # ok | failed | skipped
    seconds: float = 0.0
    cell_seconds: float = 0.0
    kernel_wait: float = 0.0  # waiting for a kernel that was still starting
    html_seconds: float = 0.0
    error: str = ""
    failing_cell: dict | None = None
    issues: int = 0
    html: str = ""
    ipynb: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "skipped")


@dataclass
class ReportRun:
    """The outcome of :func:`run_reports`."""

    period: str
    folder: Path
    results: list[NotebookResult] = field(default_factory=list)
    seconds: float = 0.0
    swapped: bool = False

    @property
    def failed(self) -> list[NotebookResult]:
        return [r for r in self.results if not r.ok]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def summary(self) -> str:
        """One line per failure plus a closing line, for people and cron mails."""
        lines = [f"FAILED {r.name}: {r.error}" for r in self.failed]
        counts = {s: sum(r.status == s for r in self.results) for s in ("ok", "skipped", "failed")}
        lines.append(f"report {self.period}: {counts['ok']} ran ok, {counts['skipped']} unchanged "
                     f"(skipped), {counts['failed']} failed in {self.seconds:.1f}s -> "
                     f"{self.folder / 'index.html'}")
        return "\n".join(lines)


# -- small pure helpers --------------------------------------------------------------


def notebooks_dir(notebooks=None) -> Path:
    """The notebooks folder: the argument, $CIVICSTATS_NOTEBOOKS, or ``notebooks/``."""
    if notebooks:
        return Path(notebooks)
    if os.environ.get(ENV_NOTEBOOKS):
        return Path(os.environ[ENV_NOTEBOOKS])
    return config.notebooks_dir()


def list_notebooks(folder: Path) -> list[Path]:
    """The report notebooks of a folder, in report order (checkpoints and hidden files skipped)."""
    found = [p for p in sorted(folder.glob("*.ipynb")) if not p.name.startswith((".", "_"))]
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(found, key=lambda p: (rank.get(p.stem, len(ORDER)), p.stem))


def job_key(records_hash: str, notebook_hash: str, parameters: dict) -> str:
    """The skip key: same records, same notebook, same parameters, same civicstats -> same key.

    >>> job_key("r", "n", {"period": "2023-09"}) == job_key("r", "n", {"period": "2023-09"})
    True
    >>> job_key("r", "n", {"period": "2023-09"}) == job_key("r", "n", {"period": "2023-10"})
    False
    """
    text = json.dumps([records_hash, notebook_hash, parameters, __version__, code_fingerprint()],
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@functools.cache
def code_fingerprint() -> str:
    """A hash of the library's own code and vocabulary.

    Part of the skip key, because a development checkout changes what a notebook shows
    (views, charts, cleaning rules) without changing ``__version__``.

    >>> len(code_fingerprint())
    16
    """
    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".csv"} and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(package)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_SCRATCH = re.compile(r"^\.(\d{4}-\d{2})\.(tmp|old)-(\d+)$")


def clean_stale(root: Path) -> list[Path]:
    """Remove scratch folders of runs that died; put back a report a dead run had moved aside.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / ".2023-09.tmp-999999999").mkdir()
    >>> [p.name for p in clean_stale(root)]
    ['.2023-09.tmp-999999999']
    """
    removed = []
    if not root.is_dir():
        return removed
    for path in sorted(root.iterdir()):
        m = _SCRATCH.match(path.name)
        if not m or _pid_alive(int(m.group(3))):
            continue
        final = root / m.group(1)
        if m.group(2) == "old" and not final.exists():
            path.rename(final)  # the run died between its two renames
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def swap_into_place(tmp: Path, final: Path) -> None:
    """Replace ``final`` by ``tmp`` with two renames; the old report is deleted only afterwards."""
    aside = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(aside)
    tmp.rename(final)
    shutil.rmtree(aside, ignore_errors=True)


# -- inputs -------------------------------------------------------------------------


@dataclass
class Inputs:
    records: object  # DataFrame
    issues: object  # DataFrame
    records_hash: str
    files: dict
    ingested: list


def _frame_hash(df) -> str:
    if df is None or len(df) == 0:
        return "empty"
    cols = [c for c in df.columns if c not in ("ingested_at", "file")]
    part = df[cols].astype(str)
    part = part.sort_values(cols, kind="stable")
    return hashlib.sha256(part.to_csv(index=False).encode()).hexdigest()


def gather_inputs(period: str, store=None, *, raw=None) -> Inputs:
    """Ingest what is new under ``raw`` (default data/raw; ``False``: do not ingest), then read
    the records up to the month and the month's open issues."""
    from civicstats import store as st

    ingested = gather_ingest(store, raw)
    raw = config.raw_dir() if raw is None else raw
    records = st.load(store=store)
    if len(records):
        import pandas as pd

        records = records[records["period"] <= pd.Period(period, freq="M")]
    issues = st.issues(period, store=store)
    files = _input_files(store, raw)
    digest = hashlib.sha256((_frame_hash(records) + _frame_hash(issues)).encode()).hexdigest()
    return Inputs(records, issues, digest, files, ingested)


def latest_period(store=None, *, raw=None) -> str:
    """The latest month in the store after ingesting ``raw`` (what ``--latest`` reports)."""
    from civicstats import store as st

    gather_ingest(store, raw)
    have = st.periods(store=store)
    if not have:
        raise UsageError("--latest", "the store has no records yet",
                         "put the monthly workbooks in data/raw (or run civicstats ingest)")
    return have[-1]


def gather_ingest(store=None, raw=None) -> list:
    """Ingest new files under ``raw`` (default data/raw; ``False``: nothing); unchanged cost a hash."""
    from civicstats import store as st

    raw = config.raw_dir() if raw is None else raw
    if raw is False:
        return []
    raw = Path(raw)
    if raw.is_dir() and st.files_in([raw]):
        return st.ingest([raw], store=store)
    return []


def _input_files(store, raw) -> dict:
    """Input file -> sha256: from the store's ingest log when it has hashes, else the raw files."""
    from civicstats import store as st

    with contextlib.suppress(Exception):
        log = st.ingests(store=store)
        if len(log) and {"path", "sha256"} <= set(log.columns):
            log = log[log["outcome"].isin(["ok", "rejected-cells"])] if "outcome" in log else log
            return {str(f): str(h) for f, h in zip(log["path"], log["sha256"], strict=True)}
    if raw is False or not Path(raw).is_dir():
        return {}
    raw = Path(raw)
    return {str(p.relative_to(raw)): file_sha256(p) for p in sorted(raw.rglob("*")) if p.is_file()}


# -- planning -------------------------------------------------------------------------


def _areas_wanted(areas, reported: list[str]) -> list[str]:
    if areas in (None, "", "all") or areas == ["all"]:
        return reported
    names = areas.split(",") if isinstance(areas, str) else list(areas)
    out = []
    for name in filter(None, (n.strip() for n in names)):
        try:
            area = params.check_area(name, known=reported)
        except ValueError as exc:
            raise UsageError("--areas", str(exc), "use area names as in data/reference/areas.csv"
                             ) from None
        if area not in reported:
            raise UsageError("--areas", f"{area} has no records for this month",
                             f"choose among: {', '.join(reported) or '(none)'}")
        if area not in out:  # "天悦,天悦社区" names one area twice: one report
            out.append(area)
    return out


def plan(period: str, notebooks: list[Path], inputs: Inputs, *, areas="all",
         store_path: str = "") -> list[NotebookResult]:
    """One validated job per notebook, and per area for notebooks that take an area."""
    from civicstats import views

    reported = views.areas_reported(inputs.records, period) if len(inputs.records) else []
    wanted = _areas_wanted(areas, reported)
    jobs = []
    for nb in notebooks:
        nb_hash = file_sha256(nb)
        base = {"period": period, "store": store_path}
        if params.takes_area(nb.stem):
            variants = [(safe_name(nb.stem, a), {**base, "area": a}) for a in wanted]
        else:
            variants = [(safe_name(nb.stem), base)]
        for name, given in variants:
            values = params.validate(nb.stem, given, known_areas=reported)
            jobs.append(NotebookResult(
                name=name, notebook=str(nb), parameters=values,
                key=job_key(inputs.records_hash, nb_hash, values),
                issues=_issues_for(nb.stem, values, inputs.issues)))
    names = [j.name for j in jobs]
    if len(set(names)) != len(names):
        # cannot happen short of a hash collision (safe_name hashes every changed name)
        raise UsageError("--areas", "two areas give the same file name",
                         "report them in two runs with --areas and tell the maintainers")
    return jobs


def _issues_for(stem: str, values: dict, issues) -> int:
    from civicstats import views

    if stem in ("partners", "childcare", "volunteers"):
        return views.issue_count(issues, stem)
    if "area" in values and issues is not None and len(issues):
        text = issues.reindex(columns=["raw", "message"]).astype(str).agg(" ".join, axis=1)
        return int(text.str.contains(values["area"], regex=False).sum())
    return views.issue_count(issues)


def read_manifest(folder: Path) -> dict:
    with contextlib.suppress(OSError, ValueError):
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {}


def reusable(job: NotebookResult, previous: dict, folder: Path) -> dict | None:
    """The previous run's entry for this job when it succeeded with the same key and files exist."""
    old = {e.get("name"): e for e in previous.get("notebooks", [])}.get(job.name)
    if not old or old.get("key") != job.key or old.get("status") not in ("ok", "skipped"):
        return None
    if not all((folder / old.get(k, "")).is_file() for k in ("html", "ipynb")):
        return None
    return old


# -- the kernel side --------------------------------------------------------------------


WARM_IMPORTS = ("pandas", "duckdb", "civicstats.views", "civicstats.store", "civicstats.charts")
"""Modules a pre-started kernel imports while it waits for its notebook (the previous one is
still running), so that a notebook's first cells do not pay for them."""


def write_kernelspec(folder: Path, warm: tuple[str, ...] | None = None) -> Path:
    """A kernelspec running ipykernel on this Python, in a folder we own (nothing installed)."""
    spec = folder / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    # no IPython history: it writes ~/.ipython (outside the project) and, on a full disk,
    # prints a traceback of its own into the run's output
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
            "--HistoryManager.enabled=False"]
    warm = WARM_IMPORTS if warm is None else warm
    if warm:
        # a failed warm-up import only costs the notebook that import again, with its own error
        argv.append("--IPKernelApp.exec_lines=def _warm():\n"
                    "    import contextlib, importlib\n"
                    f"    for m in {list(warm)!r}:\n"
                    "        with contextlib.suppress(Exception): importlib.import_module(m)\n"
                    "_warm(); del _warm")
    (spec / "kernel.json").write_text(json.dumps({
        "argv": argv,
        "display_name": "civicstats (this Python)",
        "language": "python",
    }), encoding="utf-8")
    return folder


def kernel_env() -> dict:
    env = dict(os.environ)
    # Charts must render inline whatever the caller set (tests set Agg).
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    return env


def fast_imports() -> None:
    """Skip a third-party import that costs seconds and that we never use.

    nbformat imports jsonschema, which builds a grammar for RFC 3987 IRI checks
    at import time when ``rfc3987_syntax`` is installed (jupyterlab pulls it in):
    2-3 s per run. Neither the notebook schema nor we use that format check.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


class KernelPool:
    """Starts kernels ahead of need so that kernel start-up overlaps the running notebook.

    Kernels talk over Unix sockets in our private folder (no TCP ports to race
    for when several start at once, nothing sent unencrypted over the network).
    """

    def __init__(self, spec_dir: Path, cwd: Path, needed: int, ahead: int):
        from jupyter_client.kernelspec import KernelSpecManager

        self._spec_dir = spec_dir
        self._count = 0
        self._ksm = KernelSpecManager(kernel_dirs=[str(spec_dir)])
        self._cwd, self._left = str(cwd), needed
        self._ready: list = []
        self._lock = threading.Lock()
        self._env = kernel_env()
        self._stopping: list[threading.Thread] = []
        for _ in range(min(ahead, needed)):
            self._ready.append(self._start())

    def _start(self):
        from jupyter_client import AsyncKernelManager

        with self._lock:
            self._count += 1
            n = self._count
        # An async manager, so that nbclient gets an async client: with a blocking one its
        # output loop blocks forever on a kernel that died (no timeout, no dead-kernel check).
        km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=self._ksm,
                                transport="ipc", ip=str(self._spec_dir / f"k{n}"))
        _sync(km.start_kernel)(cwd=self._cwd, env=self._env)
        return km

    def take(self):
        """A started kernel for the next notebook; starts one more if more notebooks wait."""
        with self._lock:
            self._left -= 1
            km = self._ready.pop(0) if self._ready else None
            spare = self._left - len(self._ready) > 0
        if km is None:
            km = self._start()
        if spare:
            nxt = self._start()
            with self._lock:
                self._ready.append(nxt)
        return km

    def release(self, km) -> None:
        """Stop a used kernel in the background; :meth:`close` waits for it."""
        t = threading.Thread(target=stop_kernel, args=(km,), daemon=True)
        t.start()
        with self._lock:
            self._stopping.append(t)

    def close(self):
        with self._lock:
            ready, self._ready = self._ready, []
        for km in ready:
            self.release(km)
        for t in self._stopping:
            t.join(timeout=10)


def _sync(coro_fn):
    from jupyter_core.utils import run_sync

    return run_sync(coro_fn)


def stop_kernel(km) -> None:
    with contextlib.suppress(Exception):
        _sync(km.shutdown_kernel)(now=True)
    with contextlib.suppress(Exception):
        _sync(km.cleanup_resources)()


def wait_ready(km, timeout: float = 120) -> None:
    """Wait until the kernel answers, so that a notebook's timeout counts only its own run."""
    async def ready():
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=timeout)
        finally:
            kc.stop_channels()

    _sync(ready)()


def execute(notebook: Path, out_ipynb: Path, parameters: dict, km, *, timeout: float):
    """Run one notebook with papermill on a started kernel; returns (nb, error dict or None).

    The kernel is interrupted when the notebook runs past ``timeout`` seconds and
    killed if the interrupt does not stop it; either way the executed notebook is
    saved with the error in the cell that was running.
    """
    fast_imports()
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    timed_out, finished = threading.Event(), threading.Event()

    def on_timeout():
        timed_out.set()
        with contextlib.suppress(Exception):
            _sync(km.interrupt_kernel)()
        if not finished.wait(5):  # the interrupt did not stop it (e.g. stuck in C code)
            stop_kernel(km)

    watchdog = threading.Timer(timeout, on_timeout)
    watchdog.daemon = True
    watchdog.start()
    error = None
    nb = None
    try:
        nb = pm.execute_notebook(
            str(notebook), str(out_ipynb), parameters=parameters, km=km,
            kernel_name=KERNEL_NAME, language="python", progress_bar=False,
            request_save_on_cell_execute=True, start_timeout=60,
            execution_timeout=timeout + 30)
    except PapermillExecutionError as exc:
        error = {"cell_index": exc.cell_index, "exec_count": exc.exec_count,
                 "ename": exc.ename, "evalue": str(exc.evalue)[:500],
                 "source": exc.source}
    except Exception as exc:  # noqa: BLE001 - a dead or stuck kernel: report, do not crash the run
        error = {"cell_index": None, "exec_count": None, "ename": type(exc).__name__,
                 "evalue": str(exc)[:500], "source": ""}
    finally:
        finished.set()
        watchdog.cancel()
    if timed_out.is_set():
        error = {**(error or {}), "ename": "Timeout",
                 "evalue": f"timed out after {timeout:g} s"}
    return nb, error


def _describe_failure(error: dict, out_ipynb: Path, notebook: Path) -> tuple[dict, str]:
    """Where the notebook failed, as the cell number of the source notebook and its first line."""
    import nbformat

    index, source, number = None, error.get("source") or "", None
    with contextlib.suppress(Exception):
        # papermill marks the failing (or interrupted) cell; its index in the saved notebook
        # differs from the exception's, which counts before the error banner was inserted
        executed = nbformat.read(str(out_ipynb), as_version=4)
        for i, cell in enumerate(executed.cells):
            meta = cell.get("metadata", {}).get("papermill", {})
            if meta.get("exception") or meta.get("status") == "running":
                index, source = i, cell.source
                break
        cell_id = executed.cells[index].get("id") if index is not None else None
        original = nbformat.read(str(notebook), as_version=4)
        for i, cell in enumerate(original.cells):
            if cell_id and cell.get("id") == cell_id:
                number = i + 1
    first = next((ln for ln in source.splitlines() if ln.strip()), "")[:120]
    cell = {"cell": number, "executed_index": index, "exec_count": error.get("exec_count"),
            "first_line": first, "ename": error.get("ename"), "evalue": error.get("evalue")}
    where = f"cell {number}" if number else "a cell"
    text = f"{error.get('ename')}: {error.get('evalue')} in {where}"
    if first:
        text += f" ({first})"
    return cell, text


_EXPORTER = threading.local()


def to_html(nb, title: str) -> str:
    """The executed notebook as one HTML page without code, charts embedded."""
    from nbconvert import HTMLExporter

    exporter = getattr(_EXPORTER, "x", None)
    if exporter is None:
        exporter = _EXPORTER.x = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                                              exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def cell_seconds(nb) -> float:
    """Seconds the notebook's own cells took (papermill records each cell's duration)."""
    total = 0.0
    for cell in getattr(nb, "cells", []):
        d = cell.get("metadata", {}).get("papermill", {}).get("duration")
        if d:
            total += float(d)
    return total


def run_one(job: NotebookResult, km, folder: Path, *, timeout: float,
            release: Callable = None) -> NotebookResult:
    """Execute one job into ``folder`` and render its HTML; never raises for notebook errors."""
    import nbformat

    start = time.perf_counter()
    out_ipynb = folder / f"{job.name}.ipynb"
    notebook = Path(job.notebook)
    try:
        # the timeout counts the notebook's own run, not the kernel's start-up
        with contextlib.suppress(Exception):  # a kernel that never comes up fails in papermill
            wait_ready(km)
        job.kernel_wait = round(time.perf_counter() - start, 3)
        nb, error = execute(notebook, out_ipynb, job.parameters, km, timeout=timeout)
    finally:
        (release or stop_kernel)(km)
    if nb is None and out_ipynb.is_file():
        with contextlib.suppress(Exception):
            nb = nbformat.read(str(out_ipynb), as_version=4)
    job.ipynb = out_ipynb.name
    if error:
        job.status = "failed"
        job.failing_cell, job.error = _describe_failure(error, out_ipynb, notebook)
    else:
        job.status = "ok"
    if nb is not None:
        title = job.name if "area" not in job.parameters else \
            f"{notebook.stem} · {job.parameters['area']}"
        t_html = time.perf_counter()
        (folder / f"{job.name}.html").write_text(
            to_html(nb, f"{title} · {job.parameters.get('period', '')}"), encoding="utf-8")
        job.html_seconds = round(time.perf_counter() - t_html, 3)
        job.html = f"{job.name}.html"
        job.cell_seconds = round(cell_seconds(nb), 3)
    job.seconds = round(time.perf_counter() - start, 3)
    return job


# -- progress -----------------------------------------------------------------------------


class Progress:
    """Which notebook runs, how many are done, time elapsed: rich on a terminal, log lines else."""

    def __init__(self, total: int, *, mode: str = "auto", stream=None):
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "rich" if getattr(self.stream, "isatty", lambda: False)() else "plain"
        self.mode, self.total, self.done = mode, total, 0
        self.t0 = time.perf_counter()
        self.running: list[str] = []
        self._lock = threading.Lock()
        self._bar = None
        if mode == "rich" and total:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(TextColumn("[bold]report"), BarColumn(),
                                     MofNCompleteColumn(), TimeElapsedColumn(),
                                     TextColumn("{task.description}"),
                                     console=Console(file=self.stream))
            self._task = self._bar.add_task("", total=total)
            self._bar.start()

    def log(self, text: str) -> None:
        if self.mode == "off":
            return
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
        else:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            print(f"{stamp} {text}", file=self.stream, flush=True)

    def start(self, name: str) -> None:
        with self._lock:
            self.running.append(name)
            if self._bar is not None:
                self._bar.update(self._task, description=", ".join(self.running))
            else:
                self.log(f"[{self.done}/{self.total}] running {name}")

    def finish(self, job: NotebookResult) -> None:
        with self._lock:
            self.done += 1
            if job.name in self.running:
                self.running.remove(job.name)
            elapsed = time.perf_counter() - self.t0
            extra = f": {job.error}" if job.error else ""
            self.log(f"[{self.done}/{self.total}] {job.name} {job.status} in {job.seconds:.1f}s"
                     f" (elapsed {elapsed:.0f}s){extra}")
            if self._bar is not None:
                self._bar.update(self._task, advance=1, description=", ".join(self.running))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


# -- manifest and index ---------------------------------------------------------------------


def package_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def manifest(run: ReportRun, inputs: Inputs, *, jobs: int, timeout: float) -> dict:
    return {
        "period": run.period,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "civicstats": __version__,
        "records_hash": inputs.records_hash,
        "input_files": inputs.files,
        "packages": package_versions(),
        "settings": {"jobs": jobs, "timeout": timeout},
        "seconds": round(run.seconds, 3),
        "status": "failed" if run.failed else "ok",
        "notebooks": [asdict(r) for r in run.results],
    }


def index_html(run: ReportRun) -> str:
    """The report's front page; every string from users or data is escaped."""
    e = html.escape
    # plain words coloured by CSS class, never symbols: an emoji shows as a
    # missing-glyph box in a browser without an emoji font
    words = {"ok": "ok", "skipped": "unchanged", "failed": "failed"}
    rows = []
    for r in run.results:
        link = f'<a href="{e(r.html)}">{e(r.name)}</a>' if r.html else e(r.name)
        status = words.get(r.status, r.status)
        where = ""
        if r.failing_cell:
            where = (f'<div class="err">{e(r.error)} — <a href="{e(r.ipynb)}">'
                     f"executed notebook</a></div>")
        shown = {k: v for k, v in r.parameters.items() if k in ("area",)}
        # escaped once, as a whole: escaping k and v first would show "&lt;" to readers
        detail = " ".join(f"{k}={v}" for k, v in shown.items())
        rows.append(f"<tr class=\"{e(r.status)}\"><td>{link}</td><td>{e(detail)}</td>"
                    f'<td><span class="status {e(r.status)}">{e(status)}</span>{where}</td>'
                    f"<td>{r.seconds:.1f} s</td>"
                    f"<td>{r.issues}</td></tr>")
    failed = len(run.failed)
    head = f"{failed} failed" if failed else "all reports succeeded"
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>civicstats {e(run.period)}</title>
<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }} td, th {{ border-bottom: 1px solid #ccc; padding: .3em .8em; }}
tr.failed td {{ background: #fde8e8; }} .err {{ color: #801650; font-size: .9em; }}
.status {{ display: inline-block; padding: .05em .5em; border-radius: .3em; font-weight: 600; }}
.status.ok {{ color: #0b5130; background: #d6f0e2; }}
.status.skipped {{ color: #12436D; background: #dde8f3; }}
.status.failed {{ color: #fff; background: #801650; }}
</style></head><body>
<h1>civicstats · {e(run.period)}</h1>
<p>{e(head)} · {len(run.results)} reports · {run.seconds:.1f} s ·
<a href="manifest.json">manifest.json</a> · <a href="charts/">charts/</a></p>
<table><thead><tr><th>report</th><th>parameters</th><th>status</th><th>duration</th>
<th>open issues</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></body></html>
"""


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


# -- the run --------------------------------------------------------------------------------


def run_reports(period: str, *, areas="all", jobs: int = 1, force: bool = False, out=None,
                store=None, timeout: float = DEFAULT_TIMEOUT, notebooks=None,
                raw=None, progress: str = "auto") -> ReportRun:
    """Render every report notebook for ``period`` into ``reports/<period>/``.

    ``raw`` is the folder ingested first (default data/raw; ``False`` to skip).
    ``notebooks`` is the notebooks folder (default $CIVICSTATS_NOTEBOOKS or notebooks/).
    ``progress`` is ``"auto"`` (rich on a terminal, plain log lines otherwise),
    ``"rich"``, ``"plain"`` or ``"off"``. Returns a :class:`ReportRun`; its
    ``exit_code`` is 1 when a notebook failed. Raises :class:`UsageError` for
    bad arguments before any kernel starts.
    """
    t0 = time.perf_counter()
    latest = period == "latest"
    if not latest:
        try:
            period = params.check_period(period)
        except ValueError as exc:
            raise UsageError("--period", str(exc), "give the month as e.g. 2023-09") from None
    if int(jobs) < 1:
        raise UsageError("--jobs", f"{jobs} is not a number of parallel notebooks", "use 1 or more")
    if not float(timeout) > 0:
        raise UsageError("--timeout", f"{timeout} is not a number of seconds", "use e.g. 300")
    nb_dir = notebooks_dir(notebooks)
    found = list_notebooks(nb_dir) if nb_dir.is_dir() else []
    if not found:
        raise UsageError(str(nb_dir), "no notebooks found", f"check ${ENV_NOTEBOOKS}")

    root = config.reports_dir(out)
    clean_stale(root)
    if latest:
        period = latest_period(store, raw=raw)
    with _period_lock(root, period):
        return _run_locked(period, root, found, t0, areas=areas, jobs=jobs, force=force,
                           store=store, timeout=timeout, raw=False if latest else raw,
                           progress=progress)


@contextlib.contextmanager
def _period_lock(root: Path, period: str):
    """One run per month at a time: a second one stops with a clear message instead of racing."""
    import fcntl

    root.mkdir(parents=True, exist_ok=True)
    with open(root / f".{period}.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UsageError(str(root / period), "another civicstats report run for this month is "
                             "still going", "wait for it to finish, then run again") from None
        yield


def _run_locked(period, root, found, t0, *, areas, jobs, force, store, timeout, raw,
                progress) -> ReportRun:
    final = root / period
    inputs = gather_inputs(period, store, raw=raw)
    if not len(inputs.records) or not (
            inputs.records["period"].astype(str) == period).any():
        from civicstats import store as st

        have = ", ".join(st.periods(store=store)) or "none"
        raise UsageError("--period", f"the store has no records for {period}",
                         f"choose a month the store has ({have}) or put its files in data/raw")
    store_path = str(config.store_path(store).resolve())
    planned = plan(period, found, inputs, areas=areas, store_path=store_path)

    previous = {} if force else read_manifest(final)
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
    run = ReportRun(period, final, planned)
    previous_names = {e.get("name") for e in previous.get("notebooks", [])}
    if not to_run and previous_names == {j.name for j in planned}:
        for job in planned:
            reporter.finish(job)
        reporter.log(f"nothing changed for {period}: {len(planned)} reports unchanged, "
                     "kept as they are (use --force to rerun)")
        reporter.close()
        run.seconds = time.perf_counter() - t0
        return run

    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{period}.tmp-{os.getpid()}"
    try:
        _render(run, planned, to_run, inputs, tmp, final, reporter, t0, jobs=jobs,
                timeout=timeout)
    except OSError as exc:  # disk full, quota, folder removed: say where; keep the old report
        shutil.rmtree(tmp, ignore_errors=True)
        what = exc.strerror or str(exc)
        if exc.filename:
            what = f"cannot write {exc.filename}: {what}"
        raise CivicstatsError(str(final), f"the report could not be written ({what})",
                              f"free disk space on the disk of {root} or choose another --out "
                              "folder, then run again; the previous report there is untouched"
                              ) from None
    swap_into_place(tmp, final)
    run.swapped = True
    return run


def _render(run, planned, to_run, inputs, tmp, final, reporter, t0, *, jobs,
            timeout) -> None:
    """Run the notebooks into ``tmp`` and write its manifest and index (not yet in place)."""
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "charts").mkdir(parents=True)
    for job in planned:
        if job.status == "skipped":
            for name in (job.html, job.ipynb):
                _link_or_copy(final / name, tmp / name)
    if final.joinpath("charts").is_dir() and all(
            j.status == "skipped" for j in planned if Path(j.notebook).stem == "overview"):
        shutil.rmtree(tmp / "charts")
        shutil.copytree(final / "charts", tmp / "charts", copy_function=_link_or_copy)

    fast_imports()
    # jupyter_client warns on every closed client ("Could not destroy zmq context"): noise in cron mail
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    for job in planned:
        if job.status == "skipped":
            reporter.finish(job)
    spec_dir = Path(tempfile.mkdtemp(prefix="civicstats-k-"))
    pool = None
    try:
        write_kernelspec(spec_dir)
        pool = KernelPool(spec_dir, tmp, needed=len(to_run), ahead=min(int(jobs), len(to_run)) + 1)
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

    run.seconds = time.perf_counter() - t0
    _write_json(tmp / "manifest.json", manifest(run, inputs, jobs=int(jobs), timeout=timeout))
    (tmp / "index.html").write_text(index_html(run), encoding="utf-8")


def _link_or_copy(src, dst) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
