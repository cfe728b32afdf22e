"""``--log FILE``: everything a command prints also goes, time-stamped, to a log file.

For cron and systemd timers: the folder is created on first use, so the README's
cron line works on a fresh checkout, and the terminal (or cron mail) still sees
every line.

>>> import io, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "logs" / "report.log"
>>> out = io.StringIO()
>>> with tee_to(path, stdout=out) as streams:
...     print("2023-10 月报：完成", file=streams.stdout)
>>> out.getvalue(), path.read_text(encoding="utf-8").split(" ", 2)[2]
('2023-10 月报：完成\\n', '2023-10 月报：完成\\n')
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
from pathlib import Path
from types import SimpleNamespace

_STAMPED = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} ")


class _Tee:
    """A text stream that writes to ``stream`` and, line by line with a time stamp, to ``log``."""

    def __init__(self, stream, log):
        self.stream, self.log, self._partial = stream, log, ""

    def write(self, text: str) -> int:
        self.stream.write(text)
        self._partial += text
        *lines, self._partial = self._partial.split("\n")
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        for line in lines:
            # progress lines carry their own time stamp already
            self.log.write(f"{line}\n" if _STAMPED.match(line) else f"{stamp} {line}\n")
        self.log.flush()
        return len(text)

    def flush(self) -> None:
        self.stream.flush()
        self.log.flush()

    def isatty(self) -> bool:  # progress bars stay off in the log: plain lines only
        return False

    def __getattr__(self, name):
        return getattr(self.stream, name)


@contextlib.contextmanager
def tee_to(path, *, stdout=None, stderr=None):
    """Copy what is written to ``stdout``/``stderr`` (default: the process's) into ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as log:
        streams = SimpleNamespace(stdout=_Tee(stdout or sys.stdout, log),
                                  stderr=_Tee(stderr or sys.stderr, log))
        yield streams
        for s in (streams.stdout, streams.stderr):
            if s._partial:
                s.write("\n")
