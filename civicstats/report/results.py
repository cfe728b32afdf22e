"""What happened to each notebook of a run, and to the run."""

from dataclasses import dataclass, field
from pathlib import Path


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
