"""The real ``civicstats`` command in a process forked from a pre-loaded server.

Python start-up and the imports of pandas, duckdb and civicstats take seconds on a busy
machine; a test that kills dozens of runs cannot pay that each time. The children run
exactly what the console script runs (:func:`civicstats.cli.main`) with their own
environment, working directory and output file. This module imports little on purpose:
each child unpickles its target from here.
"""

import multiprocessing
import os
import sys
from pathlib import Path

PRELOAD = ["tests.hardening.forked", "civicstats.cli", "civicstats.clean", "civicstats.store",
           "civicstats.report", "pandas", "duckdb", "openpyxl"]


def _child(argv: list[str], env: dict, cwd: str, log: str) -> None:
    """Body of a forked command: our env, stdout/stderr to ``log``, then ``civicstats ARGV``."""
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115 - lives as long as we do
    sys.stderr = sys.stdout
    from civicstats.cli import main

    code = main(list(argv))
    sys.stdout.flush()
    os._exit(code)


class Forked:
    """Start ``civicstats ARGS`` in a process forked from a server that has already imported
    civicstats, pandas and duckdb: the same code as the console script, started in
    milliseconds, so a test can kill dozens of runs within its time budget."""

    _ctx = None

    @classmethod
    def context(cls):
        if cls._ctx is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            cls._ctx = ctx
        return cls._ctx

    def __init__(self, args, *, env: dict, cwd: Path, log: Path):
        self.log = Path(log)
        full = {**os.environ, **env}
        full.pop("CIVICSTATS_DEBUG", None)
        self.proc = self.context().Process(
            target=_child, args=([str(a) for a in args], full, str(cwd), str(log)))
        self.proc.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(30)

    def wait(self, timeout: float = 120) -> int:
        self.proc.join(timeout)
        if self.proc.exitcode is None:
            self.kill()
            raise AssertionError(f"command still running after {timeout}s: {self.output()}")
        return self.proc.exitcode

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


def forked_cli(args, *, env: dict, cwd: Path, log: Path, timeout: float = 120) -> tuple[int, str]:
    """Run ``civicstats ARGS`` forked (see :class:`Forked`) to the end: (exit code, output)."""
    run = Forked(args, env=env, cwd=cwd, log=log)
    code = run.wait(timeout)
    out = run.output()
    assert "Traceback" not in out, out
    return code, out
