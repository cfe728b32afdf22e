"""Shared builders for the hardening tests: a project root of our own, tiny notebooks, the CLI.

Every test builds its inputs in ``tmp_path`` and runs the real ``civicstats`` command, either
as a subprocess (``run_cli``) or as a forked child of a pre-loaded server (``Forked``), and
checks what it left on disk.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl

from tests.conftest import ROOT
from tests.hardening.forked import Forked, forked_cli  # noqa: F401 - re-exported
from tests.notebooks import PARAMS, write_nb  # noqa: F401 - re-exported

HOSTILE = [
    "<script>alert(1)</script>",
    "../../etc/passwd",
    '=HYPERLINK("http://x","click")',
    "+SUM(1,2)",
    "-2+3社区",
    "@cmd社区",
    "他说\"好\"和'行'社区",
    "back\\slash\\社区",
    "line1\nline2社区",
    '"); import os; os.system("touch MARKER"); ("',
    '");__import__("pathlib").Path("MARKER").touch();("',
]
"""Hostile area and team names; MARKER is replaced by a path under the test's tmp_path.

Areas lose their whitespace in cleaning (design.md), so the last name carries the same
injection without a space; team names keep theirs."""


def as_area(name: str) -> str:
    """A name as cleaning keeps it in the ``area`` column: every whitespace removed.

    >>> as_area("line1\\nline2 社区")
    'line1line2社区'
    """
    return re.sub(r"\s+", "", name)


def hostile_names(marker: Path) -> list[str]:
    """The hostile names, the code-injection one aimed at ``marker``."""
    return [n.replace("MARKER", str(marker)) for n in HOSTILE]


def text_cell(ws, row: int, col: int, value) -> None:
    """Put ``value`` in a cell as TEXT, even when it starts with ``=`` (openpyxl would make a
    formula of it): a typed-in '=HYPERLINK(...) that a spreadsheet stores as a string."""
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"


def workbook(path: Path, title: str, header: list, rows: list, sheet: str = "9月") -> Path:
    """A one-sheet workbook: a title row, a header row, then ``rows``; all strings as text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, values in enumerate([[title], header, *rows], start=1):
        for c, value in enumerate(values, start=1):
            text_cell(ws, r, c, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def partners_month(folder: Path, month: int, areas=("天悦社区", "工人路社区", "北干街道"),
                   year: int = 2023) -> Path:
    """A small partners workbook for one month."""
    rows = [[a, 10 + month + i, 20 + month + i] for i, a in enumerate(areas)]
    return workbook(folder / f"partners_{year}-{month:02d}.xlsx",
                    f"{year}年{month}月社区合伙人统计", ["社区", "居民合伙人", "团体合伙人"], rows,
                    sheet=f"{month}月")


def make_root(tmp_path: Path, raw_files=()) -> Path:
    """A project root of our own (reference data + a data/raw of just ``raw_files``), so that
    ``civicstats report`` ingests only what the test gave it and never the checkout's data."""
    root = tmp_path / "root"
    shutil.copytree(ROOT / "data" / "reference", root / "data" / "reference")
    raw = root / "data" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for f in raw_files:
        shutil.copy2(f, raw / Path(f).name)
    return root


def kernel_detector(tmp_path: Path) -> tuple[dict, Path]:
    """Env vars that make every IPython kernel started with them touch a file at start-up.

    The kernels of ``civicstats report`` inherit our environment, so ``IPYTHONDIR`` with a
    startup script shows whether any kernel was started at all.
    """
    ipydir = tmp_path / "ipython"
    startup = ipydir / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    seen = tmp_path / "kernel-started"
    (startup / "00-mark.py").write_text(
        f"import pathlib\npathlib.Path({str(seen)!r}).touch()\n", encoding="utf-8")
    return {"IPYTHONDIR": str(ipydir)}, seen


def run_cli(args, *, env: dict | None = None, cwd=None, timeout: float = 120,
            preexec_fn=None) -> subprocess.CompletedProcess:
    """``civicstats ARGS`` as a subprocess with ``env`` added to ours; never a traceback."""
    full = {**os.environ, **(env or {})}
    full.pop("CIVICSTATS_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "civicstats.cli", *map(str, args)],
                          capture_output=True, text=True, env=full, cwd=cwd, timeout=timeout,
                          preexec_fn=preexec_fn)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


def snapshot(folder: Path) -> dict:
    """Every file under ``folder``: relative path -> bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def tree(folder: Path) -> set[str]:
    """Every path (files and folders) under ``folder``, relative."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def pids_with_env(name: str, value: str) -> list[int]:
    """Live processes whose environment holds ``name=value`` (e.g. kernels a killed run left)."""
    needle = f"{name}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            env = (entry / "environ").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if needle in env and state != "Z":
            found.append(int(entry.name))
    return found

