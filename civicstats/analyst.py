"""The analyst's log: what to change in the project, kept out of the sender's messages.

An issue's ``message`` tells the person who filled in the sheet what to change
in *their* sheet. Some issues may instead need the project to learn something:
a header variant the vocabulary lacks, an alias of an area. Those hints go to
the logger ``civicstats.analyst`` (INFO records). The library only logs, with a
``NullHandler`` as a library should; the command line writes the records to
``logs/analyst.log`` (``$CIVICSTATS_LOG_DIR``, see :func:`log_to`). In a
notebook: ``civicstats.analyst.log_to("logs")``, or attach any handler to the
logger.

>>> import pandas as pd
>>> from civicstats.messages import language
>>> issues = pd.DataFrame({"source": ["a.xlsx#9月!E3", "a.xlsx#9月!C7"],
...                        "rule": ["unknown_column", "total_mismatch"], "raw": ["活动场次", "130"]})
>>> with language("en"):
...     hints(issues)
["a.xlsx#9月!E3: column '活动场次' is not in the vocabulary; if it holds figures, add its header as a variant in civicstats/vocab/measures.csv (or context.csv); if it never does, add it to the skip words of civicstats/vocab/words.csv"]
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from civicstats.messages import N_, say

LOGGER = logging.getLogger("civicstats.analyst")
LOGGER.addHandler(logging.NullHandler())
LOG_FILE = "analyst.log"

HINTS = {
    "unknown_column": N_("column '{raw}' is not in the vocabulary; if it holds figures, add its header "
                         "as a variant in civicstats/vocab/measures.csv (or context.csv); if it never "
                         "does, add it to the skip words of civicstats/vocab/words.csv"),
    "unknown_area": N_("'{raw}' is not in data/reference/areas.csv; if it is a real place, add it "
                       "there, or add it as an alias of the place it means"),
    "ambiguous_area": N_("'{raw}' fits several places in data/reference/areas.csv; if senders mean "
                         "one of them, add '{raw}' as an alias of that place"),
    "ambiguous_header": N_("header '{raw}' matches two measures equally well; make the terms in "
                           "civicstats/vocab/measures.csv tell them apart"),
    "missing_area": N_("the table names no place; if the whole file is about one place, clean it with "
                       "--area (e.g. --area 天悦社区)"),
    "missing_period": N_("the table names no month; if the whole file is about one month, clean it with "
                         "--period YYYY-MM"),
    "no_table": N_("no header row matched a measure of the domain; if the headers are valid, add "
                   "their variants to civicstats/vocab/measures.csv (or check --domain)"),
}
"""Issue rule -> what the analyst may change in the project (``{raw}``: the cell's text)."""


def hints(issues) -> list[str]:
    """One line per issue that the project may need to learn from, ``SOURCE: hint``.

    A control character in the cell's text is written escaped, so that a name with a line
    break cannot forge a line of the log:

    >>> import pandas as pd
    >>> one = pd.DataFrame({"source": ["a.csv#a!A2"], "rule": ["unknown_area"], "raw": ["x\\n2026 y"]})
    >>> "\\n" in hints(one)[0], "x\\\\n2026 y" in hints(one)[0]
    (False, True)
    """
    wanted = issues[issues["rule"].isin(list(HINTS))]
    return [_one_line(f"{row.source}: {say(HINTS[row.rule], raw=row.raw)}")
            for row in wanted.itertuples(index=False)]


_CONTROL = {c: f"\\x{c:02x}" for c in range(32)} | {10: "\\n", 13: "\\r", 9: "\\t", 127: "\\x7f"}


def _one_line(text: str) -> str:
    return text.translate(_CONTROL)


def note(issues) -> None:
    """Log the hints of ``issues`` to ``civicstats.analyst`` (nothing when no handler listens)."""
    if LOGGER.isEnabledFor(logging.INFO):
        for line in hints(issues):
            LOGGER.info(line)


class _FolderFileHandler(logging.FileHandler):
    """Appends to a log file, making its folder on the first record (not for every command
    that logs nothing); a folder that cannot be written is said once on stderr, never as a
    traceback, and the command goes on."""

    def __init__(self, path: Path):
        super().__init__(path, encoding="utf-8", delay=True)
        self._warned = False

    def _open(self):
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def handleError(self, record):  # noqa: N802 - logging's name
        if not self._warned:
            self._warned = True
            err = sys.exc_info()[1]
            print(say("cannot write the analyst log {path}: {reason}", path=self.baseFilename,
                      reason=getattr(err, "strerror", None) or err), file=sys.stderr)


def log_to(folder: str | os.PathLike | None) -> logging.Handler | None:
    """Write the analyst's hints to ``FOLDER/analyst.log`` from now on, replacing an earlier
    :func:`log_to`; ``None`` stops writing. Returns the handler."""
    for old in [h for h in LOGGER.handlers if isinstance(h, _FolderFileHandler)]:
        LOGGER.removeHandler(old)
        old.close()
    if folder is None:
        LOGGER.setLevel(logging.NOTSET)
        return None
    handler = _FolderFileHandler(Path(folder) / LOG_FILE)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    return handler
