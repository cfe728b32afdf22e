"""Which files in a folder are spreadsheets: decided by content, for any name.

A file named as a spreadsheet (``.xlsx .xls .et .ett .csv`` … upper or lower case, see
``vocab/filetypes.csv``) is always handed to the cleaner, so that a broken one is a clear
failure, not a silent skip. Any other name — ``.txt`` (Excel's "Unicode 文本"), ``.docx``,
no suffix at all — is decided by its bytes: a zip holding ``xl/workbook.xml``, an OLE2 file
holding a ``Workbook`` stream (legacy Excel, WPS), or text that reads as a table is a
spreadsheet; a Word document, a PDF, an image, a README is not. Hidden files, hidden folders
and ``~$`` lock files are not returns.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.XLSX").write_bytes(b"PK\\x03\\x04")
>>> _ = (d / "t.txt").write_text("社区\\t居民合伙人\\n天悦社区\\t20\\n", encoding="utf-16")
>>> _ = (d / "scan.png").write_bytes(b"\\x89PNG\\r\\n\\x1a\\n....")
>>> _ = (d / "~$a.xlsx").write_bytes(b"lock")
>>> [(v.path.name, v.spreadsheet, v.kind) for v in survey([d])]
[('a.XLSX', True, ''), ('scan.png', False, 'an image'), ('t.txt', True, ''), ('~$a.xlsx', False, 'a lock file of an open workbook')]
"""

from __future__ import annotations

import csv
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from civicstats.errors import CivicstatsError

TABLE = Path(__file__).with_name("vocab") / "filetypes.csv"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
HEAD = 16  # bytes read to recognise a file by its magic number


@dataclass(frozen=True)
class Verdict:
    """One file found: whether it is a spreadsheet and, when not, what it is (``kind``)."""

    path: Path
    spreadsheet: bool
    kind: str = ""


@cache
def rules() -> dict[str, list[tuple[str, bool, str]]]:
    """``vocab/filetypes.csv`` by test: test -> [(value, is a spreadsheet, kind)], in file order.

    >>> rules()["zip"][0]
    ('xl/workbook.xml', True, '')
    """
    out: dict[str, list[tuple[str, bool, str]]] = {}
    with TABLE.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["test"], []).append(
                (row["value"], row["verdict"] == "spreadsheet", row["kind"]))
    return out


def _first(test: str, fits) -> tuple[bool, str] | None:
    for value, sheet, kind in rules()[test]:
        if fits(value):
            return sheet, kind
    return None


def named_as_spreadsheet(name: str) -> bool:
    """True for a name a spreadsheet program gives its files, in any case.

    >>> named_as_spreadsheet("返表.XLSX"), named_as_spreadsheet("a.et"), named_as_spreadsheet("a.txt")
    (True, True, False)
    """
    suffix = Path(name).suffix.lower()
    return any(suffix == value for value, _, _ in rules()["suffix"])


def verdict(path) -> Verdict:
    """Whether one file is a spreadsheet, by its name when that says so, else by its content.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "notes.md"
    >>> _ = p.write_text("| a | b |\\n| 1 | 2 |\\n")
    >>> verdict(p)
    Verdict(path=PosixPath('.../notes.md'), spreadsheet=False, kind='a text document')
    """
    path = Path(path)
    if path.name.startswith("~$"):
        return Verdict(path, False, "a lock file of an open workbook")
    if path.name.startswith("."):
        return Verdict(path, False, "a hidden file")
    if named_as_spreadsheet(path.name):
        return Verdict(path, True)
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD)
    except OSError:
        return Verdict(path, True)  # let the ingest say why it cannot be read
    if not head:
        return Verdict(path, False, "an empty file")
    sheet, kind = _by_content(path, head)
    return Verdict(path, sheet, kind)


def _by_content(path: Path, head: bytes) -> tuple[bool, str]:
    if head.startswith(ZIP_MAGIC):
        names = _zip_names(path)
        return _first("zip", lambda v: not v or any(n.startswith(v) for n in names))
    if head.startswith(OLE2_MAGIC):
        streams = _ole2_streams(path)
        return _first("ole2", lambda v: not v or v in streams)
    found = _first("magic", lambda v: head.startswith(bytes.fromhex(v)))
    if found:
        return found
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False, "a file of an unknown kind"
    named = _first("text", lambda v: path.suffix.lower() == v)
    if named:
        return named
    return (True, "") if _reads_as_table(path) else (False, "a text file that holds no table")


def _zip_names(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []


def _ole2_streams(path: Path) -> set[str]:
    """The names of the streams of an OLE2 compound file (``Workbook``, ``WordDocument`` …)."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            return {part for entry in ole.listdir(streams=True, storages=False)
                    for part in entry}
    except (OSError, ValueError, IndexError):
        return set()


def _reads_as_table(path: Path) -> bool:
    """Text with at least two rows of two or more cells (CSV, tab-separated, UTF-16 text)."""
    from civicstats.read import read_grids

    try:
        grids = read_grids(path)
    except CivicstatsError:
        return False
    for grid in grids:
        filled = grid.cells.notna().sum(axis=1)
        if int((filled >= 2).sum()) >= 2:
            return True
    return False


def survey(paths) -> list[Verdict]:
    """Every file under ``paths`` (files or folders, recursively, sorted) with its verdict.

    A hidden folder is one entry (its files are not walked). A path named explicitly is kept
    whatever it is, a missing one too, so that the caller can say what happened to it.
    """
    out: list[Verdict] = []
    for raw in paths:
        p = Path(raw)
        if not p.is_dir():
            out.append(verdict(p) if p.is_file() else Verdict(p, True))
            continue
        hidden: list[Path] = []
        for f in sorted(p.rglob("*")):
            if any(f.is_relative_to(h) for h in hidden):
                continue
            if f.is_dir():
                if f.name.startswith("."):
                    hidden.append(f)
                    out.append(Verdict(f, False, "a hidden folder"))
            elif f.is_file():
                out.append(verdict(f))
    return out
