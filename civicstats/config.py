"""Where things live: the project folder, the store, the raw data, the reports.

Paths come from environment variables when set (for cron jobs and tests), else
from the project folder this package sits in, else the current folder.

>>> from civicstats import config
>>> config.project_root().joinpath("data", "reference", "areas.csv").is_file()
True
"""

import os
from pathlib import Path

FONT_DIR = Path(__file__).with_name("fonts")
"""The bundled CJK font (CivicSans SC, a subset of Noto Sans CJK SC under the SIL OFL)."""
FONT_FILES = ("CivicSans-SC.ttf", "CivicSans-SC-Bold.ttf")
"""Its regular and bold files, in that order; ``OFL.txt`` beside them is its licence."""

ENV_ROOT = "CIVICSTATS_ROOT"
ENV_STORE = "CIVICSTATS_STORE"
ENV_REPORTS = "CIVICSTATS_REPORTS"
ENV_LOG_DIR = "CIVICSTATS_LOG_DIR"


def project_root() -> Path:
    """The project folder: $CIVICSTATS_ROOT, the checkout holding this package, or cwd."""
    if os.environ.get(ENV_ROOT):
        return Path(os.environ[ENV_ROOT]).resolve()
    here = Path(__file__).resolve().parent.parent
    if (here / "data" / "reference").is_dir():
        return here
    return Path.cwd()


def data_dir() -> Path:
    return project_root() / "data"


def raw_dir() -> Path:
    """Where monthly workbooks are dropped: ``data/raw``."""
    return data_dir() / "raw"


def reference_dir() -> Path:
    return data_dir() / "reference"


def store_path(store: str | os.PathLike | None = None) -> Path:
    """The DuckDB file: the argument, $CIVICSTATS_STORE, or data/processed/civicstats.duckdb."""
    if store:
        return Path(store)
    if os.environ.get(ENV_STORE):
        return Path(os.environ[ENV_STORE])
    return data_dir() / "processed" / "civicstats.duckdb"


def reports_dir(out: str | os.PathLike | None = None) -> Path:
    """Where report folders go: the argument, $CIVICSTATS_REPORTS, or reports/."""
    if out:
        return Path(out)
    if os.environ.get(ENV_REPORTS):
        return Path(os.environ[ENV_REPORTS])
    return project_root() / "reports"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def log_dir() -> Path:
    """Where the analyst's log goes: $CIVICSTATS_LOG_DIR, else ``logs/`` in the current folder.

    >>> import os
    >>> os.environ["CIVICSTATS_LOG_DIR"] = "/tmp/civicstats-logs"
    >>> str(log_dir())
    '/tmp/civicstats-logs'
    >>> del os.environ["CIVICSTATS_LOG_DIR"]
    """
    return Path(os.environ.get(ENV_LOG_DIR) or "logs")
