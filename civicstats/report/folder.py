"""The reports folder: notebooks found, scratch folders, the lock, the atomic swap."""

import contextlib
import json
import os
import re
import shutil
from pathlib import Path

from civicstats import config
from civicstats.errors import UsageError
from civicstats.messages import _
from civicstats.report.settings import ENV_NOTEBOOKS, ORDER


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


@contextlib.contextmanager
def _period_lock(root: Path, period: str):
    """One run per month at a time: a second one stops with a clear message instead of racing."""
    import fcntl

    root.mkdir(parents=True, exist_ok=True)
    with open(root / f".{period}.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UsageError(str(root / period), _("another civicstats report run for this month "
                                                   "is still going"),
                             _("wait for it to finish, then run again")) from None
        yield


def _link_or_copy(src, dst) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def read_manifest(folder: Path) -> dict:
    with contextlib.suppress(OSError, ValueError):
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {}


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
