"""Errors that carry a message for a person and the exit code of the command.

Every error raised for bad input is a :class:`CivicstatsError`; the command line
prints its message (never a traceback) and exits with its code.

>>> err = FileUnreadable("a.xlsx", "it is not a workbook", "save it again as .xlsx")
>>> str(err)
'a.xlsx: it is not a workbook. What to do: save it again as .xlsx.'
>>> err.exit_code
2
"""


class CivicstatsError(Exception):
    """An expected failure with a plain-language message and an exit code."""

    exit_code = 2

    def __init__(self, where: str, what: str, todo: str = ""):
        self.where, self.what, self.todo = where, what, todo
        text = f"{where}: {what}." if where else f"{what}."
        if todo:
            text += f" What to do: {todo}."
        super().__init__(text)


class UsageError(CivicstatsError):
    """Wrong arguments or parameters (exit 2)."""


class FileUnreadable(CivicstatsError):
    """A file that cannot be opened at all (exit 2)."""


class StoreBusy(CivicstatsError):
    """Another process holds the store (exit 2)."""
