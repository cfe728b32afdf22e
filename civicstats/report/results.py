"""What happened to each notebook of a run, and to the run."""

from dataclasses import dataclass, field
from pathlib import Path

from civicstats.messages import say


@dataclass
class NotebookResult:
    """What happened to one notebook of the run (one row of the manifest and of index.html)."""

    name: str
    notebook: str
    parameters: dict
    key: str
    status: str = "pending"  # ok | failed | skipped | kept (an earlier run's page a partial run left)
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
        return self.status in ("ok", "skipped", "kept")


@dataclass
class ReportRun:
    """The outcome of :func:`run_reports`."""

    period: str
    folder: Path
    results: list[NotebookResult] = field(default_factory=list)
    seconds: float = 0.0
    swapped: bool = False
    coverage: list = field(default_factory=list)  # coverage.DomainStatus per domain
    ingested: list = field(default_factory=list)  # store.IngestOutcome of the files ingested first

    @property
    def failed(self) -> list[NotebookResult]:
        return [r for r in self.results if not r.ok]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def failure_lines(self) -> list[str]:
        return [say("FAILED {name}: {error}", name=r.name, error=r.error) for r in self.failed]

    def summary(self) -> str:
        """What the ingest did, one line per failure, and a closing line, for people and cron."""
        changed = [o for o in self.ingested if o.outcome != "unchanged"]
        lines = [say("ingest: {line}", line=o.line()) for o in changed]
        if len(changed) < len(self.ingested):
            lines.append(say("ingest: {n} files unchanged", n=len(self.ingested) - len(changed)))
        lines += self.failure_lines()
        counts = {s: sum(r.status == s for r in self.results)
                  for s in ("ok", "skipped", "kept", "failed")}
        lines.append(say("report {period}: {ok} ran ok, {skipped} unchanged, {kept} kept from an "
                         "earlier run, {failed} failed in {seconds:.1f} s -> {index}",
                         period=self.period, seconds=self.seconds,
                         index=self.folder / "index.html", **counts))
        return "\n".join(lines)
