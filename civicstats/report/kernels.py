"""The kernel side: kernelspec, warm kernel pool, executing one notebook into HTML."""

import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from civicstats.report.page import for_readers, with_font, with_language, without_scripts
from civicstats.report.results import NotebookResult
from civicstats.report.settings import KERNEL_NAME

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
                    "    importlib.import_module('civicstats.report.fresh').remember()\n"
                    "_warm(); del _warm")
    (spec / "kernel.json").write_text(json.dumps({
        "argv": argv,
        "display_name": "civicstats (this Python)",
        "language": "python",
    }), encoding="utf-8")
    return folder


def kernel_env() -> dict:
    from civicstats import messages

    env = dict(os.environ)
    env[messages.ENV_LANG] = messages.current()  # pages in the language of the run (--lang)
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
    """Warm kernels for the run's notebooks: started ahead of need, and reused.

    With ``reuse`` (the default), a kernel that ran a notebook gets a fresh namespace
    (:func:`civicstats.report.fresh.namespace`) and runs the next one: start-up and
    imports are paid once per kernel, not once per notebook. A kernel that timed out,
    died or cannot be reset is stopped and a new one started. Without ``reuse``, every
    notebook gets a new kernel, started while the previous notebook runs.

    Kernels talk over Unix sockets in our private folder (no TCP ports to race
    for when several start at once, nothing sent unencrypted over the network).
    """

    def __init__(self, spec_dir: Path, cwd: Path, needed: int, ahead: int, *,
                 reuse: bool = True):
        from jupyter_client.kernelspec import KernelSpecManager

        self._spec_dir = spec_dir
        self._count = 0
        self._ksm = KernelSpecManager(kernel_dirs=[str(spec_dir)])
        self._cwd, self._left, self.reuse = str(cwd), needed, reuse
        self._ready: list = []
        self._lock = threading.Lock()
        self._env = kernel_env()
        self._stopping: list[threading.Thread] = []
        self.started = 0
        for _ in range(min(ahead, needed)):
            self._ready.append(self._start())

    def _start(self):
        from jupyter_client import AsyncKernelManager

        with self._lock:
            self._count += 1
            self.started += 1
            n = self._count
        # An async manager, so that nbclient gets an async client: with a blocking one its
        # output loop blocks forever on a kernel that died (no timeout, no dead-kernel check).
        km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=self._ksm,
                                transport="ipc", ip=str(self._spec_dir / f"k{n}"))
        _sync(km.start_kernel)(cwd=self._cwd, env=self._env)
        return km

    def take(self):
        """A started kernel for the next notebook; without reuse, starts the one after too."""
        with self._lock:
            self._left -= 1
            km = self._ready.pop(0) if self._ready else None
            spare = not self.reuse and self._left - len(self._ready) > 0
        if km is None:
            km = self._start()
        if spare:
            nxt = self._start()
            with self._lock:
                self._ready.append(nxt)
        return km

    def release(self, km, *, healthy: bool = True) -> None:
        """Give a used kernel back: reset for the next notebook, or stop it in the background."""
        with self._lock:
            wanted = self.reuse and healthy and self._left > 0
        if wanted and fresh_namespace(km):
            km.civicstats_answered = True  # it just answered: no need to wait for it again
            with self._lock:
                self._ready.append(km)
            return
        t = threading.Thread(target=stop_kernel, args=(km,), daemon=True)
        t.start()
        with self._lock:
            self._stopping.append(t)

    def close(self):
        with self._lock:
            ready, self._ready, self._left = self._ready, [], 0
        for km in ready:
            self.release(km, healthy=False)
        for t in self._stopping:
            t.join(timeout=10)


FRESH_CODE = "__import__('civicstats.report.fresh', fromlist=['namespace']).namespace()"


def fresh_namespace(km, timeout: float = 20) -> bool:
    """Reset a kernel's namespace for the next notebook; ``False`` if it did not answer ok."""
    async def reset():
        if not await km.is_alive():
            return False
        kc = km.client()
        kc.start_channels()
        try:
            reply = await kc.execute_interactive(FRESH_CODE, silent=True, store_history=False,
                                                 timeout=timeout)
            return reply.get("content", {}).get("status") == "ok"
        finally:
            kc.stop_channels()

    try:
        return bool(_sync(reset)())
    except Exception:  # noqa: BLE001 - a kernel we cannot reset is replaced, never reused
        return False


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
    """The executed notebook as one HTML page for readers: no code, no traceback, charts embedded."""
    from nbconvert import HTMLExporter

    exporter = getattr(_EXPORTER, "x", None)
    if exporter is None:
        exporter = _EXPORTER.x = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                                              exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(for_readers(nb), resources={"metadata": {"name": title}})
    return with_font(with_language(without_scripts(body)))


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
    nb, error = None, None
    try:
        # the timeout counts the notebook's own run, not the kernel's start-up
        if not getattr(km, "civicstats_answered", False):
            with contextlib.suppress(Exception):  # a kernel that never comes up fails in papermill
                wait_ready(km)
        job.kernel_wait = round(time.perf_counter() - start, 3)
        nb, error = execute(notebook, out_ipynb, job.parameters, km, timeout=timeout)
    finally:
        healthy = (error or {}).get("ename") != "Timeout" and nb is not None
        if release is None:
            stop_kernel(km)
        else:
            release(km, healthy=healthy)
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
