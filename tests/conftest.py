"""Shared fixtures: every test gets its own store and reports folder in a temp dir."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_outputs(tmp_path, monkeypatch):
    """Never let a test touch data/processed, reports/ or logs/ of the checkout."""
    monkeypatch.setenv("CIVICSTATS_STORE", str(tmp_path / "store" / "civicstats.duckdb"))
    monkeypatch.setenv("CIVICSTATS_REPORTS", str(tmp_path / "reports"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("CIVICSTATS_LOG_DIR", str(tmp_path / "logs"))  # the analyst's log
    # printing PDFs costs seconds per run: only tests/test_browser.py, which checks them, prints
    monkeypatch.setenv("CIVICSTATS_PDF", "0")
    # Chinese, whatever the shell says; setenv first so that the value `civicstats --lang` writes
    # into os.environ is undone after the test, not left for the next one (or a doctest)
    monkeypatch.setenv("CIVICSTATS_LANG", "zh")
    monkeypatch.delenv("CIVICSTATS_LANG")


@pytest.fixture(autouse=True)
def _language_and_log_reset():
    """``civicstats --lang`` and the analyst's log are process-wide: a test leaves neither behind."""
    yield
    from civicstats import analyst, messages

    messages.set_language(None)
    analyst.log_to(None)
