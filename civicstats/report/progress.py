"""Which notebook runs, how many are done: rich on a terminal, log lines for cron."""

import sys
import threading
import time

from civicstats.report.results import NotebookResult


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
