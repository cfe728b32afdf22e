"""The monthly report run (a folder of small modules, one per step): validate, ingest, run every notebook, render HTML, swap into place.

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

from civicstats.filenames import safe_name
from civicstats.report.folder import (
    clean_stale,
    list_notebooks,
    notebooks_dir,
    read_manifest,
    swap_into_place,
)
from civicstats.report.index import index_html, manifest, package_versions
from civicstats.report.inputs import Inputs, gather_ingest, gather_inputs, latest_period
from civicstats.report.kernels import (
    WARM_IMPORTS,
    KernelPool,
    cell_seconds,
    execute,
    fast_imports,
    kernel_env,
    run_one,
    stop_kernel,
    to_html,
    wait_ready,
    write_kernelspec,
)
from civicstats.report.keys import code_fingerprint, job_key
from civicstats.report.notebook import parameter_line, parameter_table, resolve_period
from civicstats.report.plan import plan, reusable
from civicstats.report.progress import Progress
from civicstats.report.results import NotebookResult, ReportRun
from civicstats.report.run import run_reports
from civicstats.report.settings import DEFAULT_TIMEOUT, ENV_NOTEBOOKS, KERNEL_NAME, ORDER, PACKAGES

__all__ = [
    "parameter_line",
    "safe_name",
    "DEFAULT_TIMEOUT",
    "ENV_NOTEBOOKS",
    "Inputs",
    "KERNEL_NAME",
    "KernelPool",
    "NotebookResult",
    "ORDER",
    "PACKAGES",
    "Progress",
    "ReportRun",
    "WARM_IMPORTS",
    "cell_seconds",
    "clean_stale",
    "code_fingerprint",
    "execute",
    "fast_imports",
    "gather_ingest",
    "gather_inputs",
    "index_html",
    "job_key",
    "kernel_env",
    "latest_period",
    "list_notebooks",
    "manifest",
    "notebooks_dir",
    "package_versions",
    "parameter_table",
    "plan",
    "read_manifest",
    "resolve_period",
    "reusable",
    "run_one",
    "run_reports",
    "stop_kernel",
    "swap_into_place",
    "to_html",
    "wait_ready",
    "write_kernelspec",
]
