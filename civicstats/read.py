"""Open xlsx / xls / csv files safely and return grids of raw cells.

This module knows nothing of headers, measures or domains: it turns a file into
one :class:`Grid` per non-empty sheet, with every cell at its spreadsheet
position (row 0 = sheet row 1, column 0 = column A), the merged ranges, and
notes about things found while reading (formulas without saved values).

Excel error values (``#REF!``, ``#DIV/0!``, ``#N/A``, ...) are kept as their text,
so the cleaner can report them: calamine turns them into empty cells, so for xlsx
they are picked up from the sheet XML during the pre-scan below (``<c t="e">``), and
for a legacy .xls of at most ``XLS_ERROR_SCAN_LIMIT`` (1 MB) by re-reading it with
xlrd. In a bigger .xls an error cell reads as empty (a known gap).

The format is taken from the file's first bytes, never from its extension:

* ``PK\\x03\\x04`` (zip)  -> xlsx, read with python-calamine after checking
  the zip directory for bombs and the XML for entity declarations;
* ``D0 CF 11 E0`` (OLE2) -> legacy xls, or an *encrypted* xlsx (Office wraps
  those in an OLE2 container with an ``EncryptionInfo`` stream) -> refused;
* anything else that decodes as text -> csv (all cells stay strings), unless
  its name says .xlsx/.xls (then it is refused: often a web page saved as .xls).

Cell values are ``str``, ``float``, ``int``, ``bool``, ``datetime.date`` /
``datetime.datetime`` / ``datetime.time`` / ``datetime.timedelta``, or
``None`` for an empty cell (never NaN, never ``""``). Every column of
``Grid.cells`` has ``object`` dtype.

Limits (module constants, each refused with a clear :class:`FileUnreadable`
rather than swapping):

* ``MAX_UNCOMPRESSED`` 1 GiB of unpacked xlsx members in total;
  ``MAX_RATIO`` 200:1 for any member bigger than ``RATIO_MIN_SIZE`` 50 MB;
* ``MAX_ROWS`` 1,048,576 and ``MAX_COLS`` 16,384 (Excel's own limits) and
  ``MAX_CELLS`` 16,000,000 cells per sheet (rows x columns of the used range,
  counted from A1), which keeps a sheet under roughly 1.5 GB of Python objects;
* ``MAX_CSV_BYTES`` 512 MiB per CSV file.

Why the pre-checks: calamine allocates a sheet's used range densely, so two cells at
A1 and XFD1048576 would ask for 17 billion cells and abort the process; the sheet XML
is therefore streamed once (4 MB chunks, regex in C) to bound the range first. A
legacy .xls is bounded by its format (65,536 x 256). calamine does not resolve XML
entities (it stops with "unrecognized entity"), and any DOCTYPE in the first 4 KB of an
xlsx part is refused before calamine sees it; XML we parse ourselves goes through
defusedxml.

>>> address(6, 2), address(0, 26)
('C7', 'AA1')
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import os
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from civicstats.errors import FileUnreadable
from civicstats.messages import N_, _, say

MAX_UNCOMPRESSED = 1 << 30
MAX_RATIO = 200
RATIO_MIN_SIZE = 50_000_000
MAX_ROWS = 1_048_576
MAX_COLS = 16_384
MAX_CELLS = 16_000_000
MAX_CSV_BYTES = 512 << 20
FORMULA_SCAN_LIMIT = 256 << 20  # sheet XML bigger than this is not scanned for formulas
SCAN_CHUNK = 4 << 20  # bytes of sheet XML per step of the pre-scan
XLS_ERROR_SCAN_LIMIT = 1 << 20  # .xls files up to this size are re-read with xlrd for errors

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MESSAGE = (
    N_("the workbook is password-protected"),
    N_("remove the password in Excel (File > Info > Protect Workbook) and send it again"),
)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xltx")
RESAVE = N_("open it in Excel, save it as .xlsx and send it again")
RESEND = N_("send the complete file again, or open it in Excel, save it as .xlsx and send it again")


@dataclass
class Grid:
    """One sheet's raw cells, positioned from A1 (see the module docstring)."""

    file: str
    sheet: str
    cells: pd.DataFrame
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    hidden: bool = False
    """A hidden sheet (lookup lists, old months): read, but the cleaner loads nothing from it."""


def column_letters(col: int) -> str:
    """0-based column number -> letters.

    >>> column_letters(0), column_letters(25), column_letters(26), column_letters(16383)
    ('A', 'Z', 'AA', 'XFD')
    """
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def address(row: int, col: int) -> str:
    """0-based row and column -> spreadsheet address.

    >>> address(6, 2)
    'C7'
    >>> address(0, 26)
    'AA1'
    """
    return f"{column_letters(col)}{row + 1}"


def parse_address(ref: str) -> tuple[int, int]:
    """Spreadsheet address -> 0-based (row, col).

    >>> parse_address("C7"), parse_address("XFD1048576")
    ((6, 2), (1048575, 16383))
    """
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref.strip())
    if not m:
        raise ValueError(f"not a cell address: {ref!r}")
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def source(grid: Grid, row: int, col: int) -> str:
    """Where a cell came from, as ``FILE#SHEET!CELL``.

    >>> g = Grid("partners_2023-09.xlsx", "9月", pd.DataFrame())
    >>> source(g, 6, 2)
    'partners_2023-09.xlsx#9月!C7'
    """
    return f"{grid.file}#{grid.sheet}!{address(row, col)}"


def read_grids(path) -> list[Grid]:
    """Every non-empty sheet of an xlsx, xls or csv file, as grids.

    Raises :class:`FileUnreadable` with one clear line when the file cannot be
    read at all; returns ``[]`` when it opens but holds no cell with a value.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("title\\na,b\\n1,2\\n", encoding="utf-8")
    >>> [g] = read_grids(p)
    >>> g.sheet, g.cells.shape, g.cells.iat[2, 1], source(g, 2, 1)
    ('t', (3, 2), '2', 't.csv#t!B3')
    """
    path = Path(path)
    name = path.name
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except IsADirectoryError:
        raise FileUnreadable(name, _("this is a folder, not a file"), _("give the path of a file")) from None
    except OSError as err:
        raise FileUnreadable(name, say("the file cannot be opened ({reason})", reason=err.strerror),
                             _("check the path and permissions")) from None
    if not head:
        raise FileUnreadable(name, _("the file is empty (0 bytes)"), _("send the file again"))
    if head.startswith(ZIP_MAGIC):
        return _read_xlsx(path)
    if head.startswith(OLE2_MAGIC):
        return _read_ole2(path)
    if head[:4] in (b"PK\x05\x06", b"PK\x07\x08"):
        raise FileUnreadable(name, _("the file is an empty or split zip archive, not a workbook"),
                             _(RESAVE))
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        kind = _describe(head)
        raise FileUnreadable(name, say("the file is named {suffix} but is not a workbook (it {kind})",
                                       suffix=path.suffix, kind=_(kind)), _(RESAVE))
    return _read_csv(path)


def _describe(head: bytes) -> str:
    """What a non-workbook file looks like, for the message.

    >>> _describe(b"<html><b"), _describe(b"%PDF-1.7"), _describe(b"a,b,c\\n")
    ('looks like a web page (HTML)', 'looks like a PDF', 'looks like text or CSV')
    """
    low = head.lstrip().lower()
    if low.startswith((b"<html", b"<!doc", b"<table", b"<?xml")):
        return N_("looks like a web page (HTML)") if not low.startswith(b"<?xml") else N_("is XML")
    if low.startswith(b"%pdf"):
        return N_("looks like a PDF")
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return N_("holds binary data of an unknown kind")
    return N_("looks like text or CSV")


# --- workbooks ----------------------------------------------------------------------------


def _read_xlsx(path: Path) -> list[Grid]:
    name = path.name
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileUnreadable(name, _("the file is damaged or incomplete (not a readable zip/xlsx)"),
                             _(RESEND)) from None
    with zf:
        _check_zip_directory(name, zf)
        try:
            scans = _check_parts(name, zf)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
            raise FileUnreadable(name, _("the file is damaged (a part of the xlsx cannot be unpacked)"),
                                 _(RESEND)) from None
    errors = {sheet: scan["errors"] for sheet, scan in scans.items() if scan["errors"]}
    return _read_with_calamine(path, scans, errors)


def _check_parts(name: str, zf: zipfile.ZipFile) -> dict:
    """Stream every sheet's XML once (extent, formulas) and refuse DTDs, before calamine."""
    sheet_parts = _sheet_parts(name, zf)
    scans = {sheet: _scan_sheet_xml(name, sheet, zf, part) for sheet, part in sheet_parts.items()}
    # parts that look like sheets but were not found through workbook.xml are checked for
    # size too, in case calamine resolves them differently
    listed = set(sheet_parts.values())
    for part in zf.namelist():
        if part.startswith("xl/worksheets/") and part.endswith(".xml") and part not in listed:
            _scan_sheet_xml(name, part, zf, part)
    _check_no_dtd(name, zf)
    return scans


def _read_ole2(path: Path) -> list[Grid]:
    if _has_encryption_stream(path):
        raise FileUnreadable(path.name, *map(_, ENCRYPTED_MESSAGE))
    errors = _xls_errors(path) if path.stat().st_size <= XLS_ERROR_SCAN_LIMIT else {}
    return _read_with_calamine(path, {}, errors)


def _xls_errors(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name -> {(row, col): "#REF!"} for the error cells of an .xls, read with xlrd.

    calamine leaves .xls error cells empty; xlrd reads the whole file again, which is
    why only small files get this. A file xlrd cannot read gives ``{}`` (calamine's
    reading stands, the errors then read as empty cells).
    """
    import xlrd

    found = {}
    try:
        with open(os.devnull, "w") as quiet:  # xlrd prints warnings to stdout otherwise
            book = xlrd.open_workbook(path, on_demand=True, logfile=quiet)
            try:
                for index, sheet_name in enumerate(book.sheet_names()):
                    sheet = book.sheet_by_index(index)
                    errors = {}
                    for r in range(sheet.nrows):
                        types = sheet.row_types(r)
                        if xlrd.XL_CELL_ERROR in types:
                            for c, t in enumerate(types):
                                if t == xlrd.XL_CELL_ERROR:
                                    errors[(r, c)] = xlrd.error_text_from_code.get(
                                        sheet.cell_value(r, c), "#ERROR!")
                    if errors:
                        found[sheet_name] = errors
                    book.unload_sheet(index)
            finally:
                book.release_resources()
    except Exception:
        return {}
    return found


def _has_encryption_stream(path: Path) -> bool:
    """An OLE2 file whose directory names an ``EncryptionInfo`` stream (encrypted OOXML)."""
    needle = "EncryptionInfo".encode("utf-16-le")
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False


def _check_zip_directory(name: str, zf: zipfile.ZipFile) -> None:
    """Refuse zip bombs from the central directory alone, without unpacking anything."""
    total = 0
    for info in zf.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_SIZE and ratio > MAX_RATIO:
            raise FileUnreadable(
                name, say("the part {part} would unpack to {size} bytes ({ratio} times its packed "
                          "size); this looks like a zip bomb and was not opened", part=info.filename,
                          size=format(info.file_size, ","), ratio=format(ratio, ",.0f")), _("send the real workbook"))
    if total > MAX_UNCOMPRESSED:
        raise FileUnreadable(
            name, say("the workbook would unpack to {size} bytes, over the limit of {limit}; it was "
                      "not opened", size=format(total, ","), limit=format(MAX_UNCOMPRESSED, ",")),
            _("split the workbook into smaller files"))
    if "xl/workbook.xml" not in zf.NameToInfo and not any(
            n.lower().endswith("workbook.xml") for n in zf.namelist()):
        raise FileUnreadable(name, _("the file is a zip archive but not an Excel workbook"), _(RESAVE))


def _sheet_parts(name: str, zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its XML, read from workbook.xml and its rels (defusedxml)."""
    from defusedxml import ElementTree as DET

    try:
        rels = DET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        book = DET.fromstring(zf.read("xl/workbook.xml"))
    except KeyError:
        return {}
    except Exception:  # defusedxml refusals and broken XML
        raise FileUnreadable(name, _("the workbook's structure (workbook.xml) is damaged or declares "
                                   "XML entities"), _(RESAVE)) from None
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        targets[rel.get("Id")] = part
    parts = {}
    for el in book.iter():
        if el.tag.endswith("}sheet"):
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            if rid in targets and targets[rid] in zf.NameToInfo:
                parts[el.get("name", "")] = targets[rid]
    return parts


def _check_no_dtd(name: str, zf: zipfile.ZipFile) -> None:
    """Excel never writes a DOCTYPE; one in any XML part is refused before calamine sees it."""
    for info in zf.infolist():
        if info.filename.endswith((".xml", ".rels")):
            with zf.open(info) as fh:
                if b"<!DOCTYPE" in fh.read(4096).upper():
                    raise FileUnreadable(
                        name, say("the part {part} declares a document type (DTD), which Excel "
                                  "never writes; it was not read", part=info.filename), _(RESAVE))


# Patterns start with a literal so that re skips ahead in C (7x faster than a leading \b).
_WIDE_OR_TALL = re.compile(rb'r="(?:([A-Z]{2,3})(\d+)|([A-Z])(\d{6,}))"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")  # <f>, not <filterColumn>
_NARROW = re.compile(rb'r="([A-Z])\d')
_ROW = re.compile(rb'<row [^>]*?r="(\d+)"')
_ERROR_TYPE = re.compile(rb' t="e"')  # only cells carry t="e" (<f> uses t="shared"/"array")
# the whole error cell from its start tag: its address and the text of its <v>
_ERROR_CELL = re.compile(
    rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3}\d+)"[^>]*(?<!/)>(.*?)</(?:\w+:)?c>', re.S)
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
ERROR_CELL_MAX = 1 << 20  # an unfinished error cell longer than this is not carried over


def _scan_sheet_xml(name: str, sheet: str, zf: zipfile.ZipFile, part: str) -> dict:
    """Stream a sheet's XML once: its extent from A1 (to refuse huge ranges before calamine
    allocates them densely) and whether it holds formulas. Memory: one 4 MB chunk."""
    max_row = max_col = 0
    has_formula = False
    errors: dict[tuple[int, int], str] = {}
    tail = b""
    with zf.open(part) as fh:
        while chunk := fh.read(SCAN_CHUNK):
            buf = tail + chunk
            # Only row numbers and cells beyond column Z or row 99,999 are collected, so
            # ordinary sheets cost a regex pass in C; the chunk's cut end is re-read next time.
            for letters, row, letter, big_row in _WIDE_OR_TALL.findall(buf):
                ref = (letters + row) if letters else (letter + big_row)
                r, c = parse_address(ref.decode())
                max_row, max_col = max(max_row, r + 1), max(max_col, c)
            rows_here = _ROW.findall(buf)
            if rows_here:  # numbers read by numpy in C, not one int() per row
                numbers = np.array(rows_here)
                max_row = max(max_row, int(numbers.astype(np.int64).max())
                              if numbers.dtype.itemsize <= 18 else max(map(int, rows_here)))
            # every tag is a candidate for the regex: test first (in C) that an <f or :f is
            # there at all, which ordinary sheets without formulas never hold
            has_formula = has_formula or ((b"<f" in buf or b":f" in buf)
                                          and _FORMULA.search(buf) is not None)
            tail = buf[-256:]
            if b' t="e"' in buf:  # error cells are rare: a C substring test keeps this cheap
                cut = _collect_errors(buf, errors)
                if cut is not None and len(cut) > len(tail):
                    tail = cut
    cols = max_col + 1
    if max_row * 26 > MAX_CELLS and cols < 26:
        # a tall sheet: cells in columns A-Z above row 100,000 were not collected and may
        # widen the range; find the widest of them (only tall sheets pay for this pass)
        cols = max(cols, _max_narrow_column(zf, part))
    if max_row > MAX_ROWS or cols > MAX_COLS or max_row * cols > MAX_CELLS:
        raise _too_big(f"{name}#{sheet}", max_row, cols)
    return {"part": part, "formula": has_formula, "size": zf.getinfo(part).file_size,
            "errors": errors}


def _collect_errors(buf: bytes, errors: dict) -> bytes | None:
    """Add the error cells (``<c r=.. t="e"><v>#REF!</v></c>``) in ``buf`` to ``errors``.

    Returns the unfinished error cell at the end of ``buf`` (to be read again with the
    next chunk), else None. A cell seen twice (in the re-read tail) is simply set again.

    >>> found = {}
    >>> _collect_errors(b'<c r="B5" s="1" t="e"><f>A1/0</f><v>#DIV/0!</v></c>'
    ...                 b'<c r="C5" t="e"><v>#N/A</v></c><c r="D5" t="e"><v>#RE', found)
    b'<c r="D5" t="e"><v>#RE'
    >>> found
    {(4, 1): '#DIV/0!', (4, 2): '#N/A'}
    """
    for hit in _ERROR_TYPE.finditer(buf):
        start = buf.rfind(b"<", 0, hit.start())  # attribute values never hold a "<"
        if start < 0:
            continue  # the start tag was cut off at the previous chunk (tail covers 256 B)
        cell = _ERROR_CELL.match(buf, start)
        if cell is None:
            if _CELL_END.search(buf, hit.end()) is None:
                # cut at the end of the chunk: read it again with the next one
                return buf[start:] if len(buf) - start <= ERROR_CELL_MAX else None
            continue  # not a cell (or a self-closing <c .../> with no value)
        value = _VALUE.search(cell.group(2))
        if value and value.group(1).strip():
            text = value.group(1).decode("utf-8", "replace").strip()
            errors[parse_address(cell.group(1).decode())] = html.unescape(text)
    return None


def _max_narrow_column(zf: zipfile.ZipFile, part: str) -> int:
    """The number of columns A-Z in use (1-26), streaming the sheet XML again."""
    letters: set[bytes] = set()
    with zf.open(part) as fh:
        while chunk := fh.read(4 << 20):
            letters.update(_NARROW.findall(chunk))
    return max((ord(x) - 64 for x in letters), default=1)


def _formula_notes(zf: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """Formulas whose cell has no saved value (written by a program, never opened in Excel)."""
    from defusedxml.ElementTree import iterparse

    notes = []
    with zf.open(part) as fh:
        for _event, el in iterparse(fh, events=("end",)):
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "c":
                f = v = None
                for child in el:
                    ctag = child.tag.rsplit("}", 1)[-1]
                    if ctag == "f":
                        f = child
                    elif ctag == "v":
                        v = child
                empty_value = v is None or (not v.text and el.get("t") != "str")
                if f is not None and empty_value:
                    notes.append((el.get("r", "?"), "formula_without_value", say(
                        "the formula ={formula} has no saved value; open the file in Excel, save it, "
                        "and send it again", formula=f.text) if f.text else _(
                        "the (shared) formula has no saved value; open the file in Excel, save it, "
                        "and send it again")))
                el.clear()
            elif tag == "row":
                el.clear()
    return notes


def _read_with_calamine(path: Path, scans: dict, errors: dict | None = None) -> list[Grid]:
    """Grids for every worksheet; ``errors`` (sheet -> {(row, col): text}) are error cells
    found outside calamine, which reports them as empty."""
    from python_calamine import CalamineWorkbook, PasswordError

    name = path.name
    grids = []
    try:
        with open(path, "rb") as fh:
            # from_filelike: calamine then picks the format by content, not by extension
            book = CalamineWorkbook.from_filelike(fh)
        for meta in book.sheets_metadata:
            if str(meta.typ).rsplit(".", 1)[-1] != "WorkSheet":
                continue  # chart sheets and macro sheets hold no table
            sheet = book.get_sheet_by_name(meta.name)
            grid = _grid_from_sheet(name, sheet, (errors or {}).get(meta.name))
            if grid is not None:
                grid.hidden = str(meta.visible).rsplit(".", 1)[-1] != "Visible"
                grids.append(grid)
    except FileUnreadable:
        raise
    except PasswordError:
        raise FileUnreadable(name, *map(_, ENCRYPTED_MESSAGE)) from None
    except Exception as err:  # calamine's own errors: XmlError, ZipError, CalamineError...
        raise FileUnreadable(name, say("the workbook cannot be read ({reason})", reason=_one_line(err)),
                             _(RESAVE)) from None
    if scans:
        _add_formula_notes(path, grids, scans)
    return grids


def _add_formula_notes(path: Path, grids: list[Grid], scans: dict) -> None:
    by_sheet = {g.sheet: g for g in grids}
    with zipfile.ZipFile(path) as zf:
        for sheet, scan in scans.items():
            grid = by_sheet.get(sheet)
            if grid is None or not scan["formula"] or scan["size"] > FORMULA_SCAN_LIMIT:
                continue
            try:
                grid.notes.extend(_formula_notes(zf, scan["part"]))
            except Exception:
                raise FileUnreadable(f"{path.name}#{sheet}", _("the sheet's XML is damaged or declares "
                                                                "XML entities"), _(RESAVE)) from None


def _too_big(where: str, rows: int, cols: int) -> FileUnreadable:
    """The refusal of a sheet whose used range is over the cell limit."""
    return FileUnreadable(where, say("the sheet uses {rows} rows x {cols} columns, over the limit of "
                                     "{limit} cells", rows=format(rows, ","), cols=format(cols, ","),
                                     limit=format(MAX_CELLS, ",")),
                          _("delete the unused rows and columns (or split the sheet) and send it again"))


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())[:200] or type(err).__name__


def _grid_from_sheet(name: str, sheet, errors: dict | None = None) -> Grid | None:
    if sheet.start is None or sheet.height == 0 or sheet.width == 0:
        if not errors:
            return None
        row0, col0, rows, cols = 0, 0, 0, 0  # defensive: calamine counts error cells in range
    else:
        row0, col0 = sheet.start
        rows, cols = row0 + sheet.height, col0 + sheet.width
    if errors:  # an error cell beyond calamine's range widens the grid, within the limits
        rows = max(rows, 1 + max(r for r, _ in errors))
        cols = max(cols, 1 + max(c for _, c in errors))
    if rows > MAX_ROWS or cols > MAX_COLS or rows * cols > MAX_CELLS:
        raise _too_big(f"{name}#{sheet.name}", rows, cols)
    merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
    # a merged range may reach past the last cell with a value: the grid covers it too
    rows = min(max([rows] + [r1 + 1 for _, _, r1, _ in merged]), MAX_ROWS)
    cols = min(max([cols] + [c1 + 1 for _, _, _, c1 in merged]), MAX_COLS)
    merged = [m for m in merged if m[2] < rows and m[3] < cols]
    values = sheet.to_python() if sheet.start is not None else []
    cells = _frame(values, row0, col0, rows, cols, errors)
    if cells is None:
        return None
    return Grid(name, sheet.name, cells, merged, [])


def _frame(values: list[list], row0: int, col0: int, rows: int, cols: int,
           errors: dict | None = None) -> pd.DataFrame | None:
    """List of lists (used range) -> object DataFrame from A1, ``""`` -> None; ``errors``
    ({(row, col): "#REF!"}, from A1) are written over the cells calamine left empty.

    >>> _frame([["a", ""], ["", 2]], 1, 0, 3, 3, {(2, 2): "#N/A"}).values.tolist()
    [[None, None, None], ['a', None, None], [None, 2, '#N/A']]
    >>> _frame([[""]], 0, 0, 1, 1) is None
    True
    """
    body = np.empty((len(values), len(values[0]) if values else 0), dtype=object)
    body[:] = values  # one C-level copy; no per-cell Python loop
    body[body == ""] = None  # calamine reports empty cells as ""
    if not errors and not np.any(body != None):  # noqa: E711 - elementwise on an object array
        return None  # formatting only
    if body.shape != (rows, cols):
        full = np.full((rows, cols), None, dtype=object)
        full[row0 : row0 + body.shape[0], col0 : col0 + body.shape[1]] = body
        body = full
    for (r, c), text in (errors or {}).items():
        body[r, c] = text
    return pd.DataFrame(body, dtype=object, copy=False)


# --- csv ----------------------------------------------------------------------------------


def _read_csv(path: Path) -> list[Grid]:
    name = path.name
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise FileUnreadable(name, say("the CSV file is {size} bytes, over the limit of {limit}",
                                       size=format(size, ","), limit=format(MAX_CSV_BYTES, ",")),
                             _("split it into smaller files"))
    data = path.read_bytes()
    text = _decode(name, data)
    if "\x00" in text:
        raise FileUnreadable(name, _("the file is neither a workbook nor a text (CSV) file"),
                             _("send it as .xlsx, .xls or .csv"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # mixed line endings -> \n
    delimiter = _sniff_delimiter(text)
    # Bound the work before parsing: fields <= delimiters + lines (quoted delimiters only
    # make this an overestimate), so a hostile file cannot make millions of lists.
    lines = text.count("\n") + 1
    if lines > MAX_ROWS + 1 or text.count(delimiter) + lines > MAX_CELLS:
        raise FileUnreadable(name, say("the CSV has more than {rows} rows or {cells} cells",
                                       rows=format(MAX_ROWS, ","), cells=format(MAX_CELLS, ",")),
                             _("split it into smaller files"))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as err:
        raise FileUnreadable(name, say("the CSV cannot be parsed ({reason})", reason=err),
                             _("save it again from Excel as CSV UTF-8")) from None
    width = max(map(len, rows), default=0)
    if len(rows) > MAX_ROWS or width > MAX_COLS:
        raise FileUnreadable(name, say("the CSV has more than {rows} rows or {cols} columns",
                                       rows=format(MAX_ROWS, ","), cols=format(MAX_COLS, ",")),
                             _("split it into smaller files"))
    del text
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()  # trailing blank lines
    if not any(c.strip() for row in rows for c in row):
        return []
    if min(map(len, rows)) < width:
        for row in rows:  # ragged rows (metadata lines above the header) padded to the widest
            row.extend([""] * (width - len(row)))
    body = np.empty((len(rows), width), dtype=object)
    body[:] = rows  # one C-level copy
    del rows
    body[body == ""] = None
    return [Grid(name, path.stem, pd.DataFrame(body, dtype=object, copy=False), [], [])]


def _decode(name: str, data: bytes) -> str:
    """Bytes -> text, deterministically: BOMs, strict UTF-8, strict GB18030, then detection."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                break
    for enc in ("utf-8", "gb18030"):  # gb18030 is a superset of GBK and GB2312
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1 << 20]).best()
    if best is not None:
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    raise FileUnreadable(name, _("the file is neither a workbook nor readable text"),
                         _("send it as .xlsx, .xls or CSV UTF-8"))


def _sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon: the one that most lines use consistently (the widest wins).

    >>> _sniff_delimiter("a;b;c\\n1;2;3\\n"), _sniff_delimiter("t\\na\\tb\\n1\\t2\\n")
    (';', '\\t')
    >>> _sniff_delimiter("title\\na,b\\n")
    ','
    """
    lines = [ln for ln in text[:200_000].split("\n")[:200] if ln.strip()]
    best, best_score = ",", 0
    for delim in (",", "\t", ";"):
        counts = [ln.count(delim) for ln in lines]
        used = [c for c in counts if c]
        if not used:
            continue
        # lines that split into the most common number of fields (>1), weighted by width
        top = max(set(used), key=used.count)
        score = used.count(top) * (top + 1)
        if score > best_score:
            best, best_score = delim, score
    return best
