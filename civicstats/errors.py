"""Errors that carry a message for a person and the exit code of the command.

Every error raised for bad input is a :class:`CivicstatsError`; the command line
prints its message (never a traceback) and exits with its code. ``what`` and
``todo`` are already in the reader's language (the caller writes them with
:func:`civicstats.messages.say`); the frame around them is translated here.

>>> from civicstats.messages import language
>>> with language("en"):
...     str(FileUnreadable("a.xlsx", "it is not a workbook", "save it again as .xlsx"))
'a.xlsx: it is not a workbook. What to do: save it again as .xlsx.'
>>> with language("zh"):
...     str(FileUnreadable("a.xlsx", "不是工作簿", "请另存为 .xlsx"))
'a.xlsx：不是工作簿。处理办法：请另存为 .xlsx。'
>>> FileUnreadable("a.xlsx", "x").exit_code
2
"""

from civicstats.messages import say


class CivicstatsError(Exception):
    """An expected failure with a plain-language message and an exit code."""

    exit_code = 2

    def __init__(self, where: str, what: str, todo: str = ""):
        self.where, self.what, self.todo = where, what, todo
        text = say("{where}: {what}.", where=where, what=what) if where else say("{what}.", what=what)
        if todo:
            text += say(" What to do: {todo}.", todo=todo)
        super().__init__(text)


class UsageError(CivicstatsError):
    """Wrong arguments or parameters (exit 2)."""


class FileUnreadable(CivicstatsError):
    """A file that cannot be opened at all (exit 2)."""


class StoreBusy(CivicstatsError):
    """Another process holds the store (exit 2)."""
