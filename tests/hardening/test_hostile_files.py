"""Bad and hostile files: each test builds its file and checks what read_grids does with it.

Every refusal is a FileUnreadable naming the file and saying what to do; nothing is
unpacked, expanded or resolved on the way. Big inputs are built so that a wrong
implementation would blow up (gigabytes unpacked, a dense 17-billion-cell range), which
is how these tests bound time and memory without timing anything.
"""

import codecs
import io
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from civicstats.errors import FileUnreadable
from civicstats.messages import language
from civicstats.read import MAX_CELLS, MAX_ROWS, MAX_UNCOMPRESSED, address, read_grids

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PASSWD = Path("/etc/passwd").read_text(errors="replace") if Path("/etc/passwd").exists() else ""


# --- builders -----------------------------------------------------------------------------


def xlsx_parts(sheet_xml: str | bytes, shared_strings: str | None = None) -> dict[str, bytes]:
    """The smallest set of parts that Excel (and calamine) accept as a one-sheet workbook."""
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
          'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
          'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
          '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
          '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.worksheet+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>')
    book = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
            'name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
    book_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                 'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
                 '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
                 ' Target="worksheets/sheet1.xml"/>')
    parts = {"[Content_Types].xml": ct, "_rels/.rels": rels, "xl/workbook.xml": book,
             "xl/worksheets/sheet1.xml": sheet_xml}
    if shared_strings is not None:
        book_rels += ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                      'officeDocument/2006/relationships/sharedStrings" '
                      'Target="sharedStrings.xml"/>')
        parts["xl/sharedStrings.xml"] = shared_strings
    parts["xl/_rels/workbook.xml.rels"] = book_rels + "</Relationships>"
    return {k: v.encode() if isinstance(v, str) else v for k, v in parts.items()}


def sheet(rows_xml: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>' \
           f"{rows_xml}</sheetData></worksheet>"


def write_zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def write_bomb(path: Path, block: bytes, repeats: int) -> Path:
    """A valid xlsx whose sheet XML unpacks to len(block) * repeats bytes.

    Written by hand so that nothing big is ever built in memory: one block is deflated
    once with a full flush (which resets the history), so the same compressed bytes
    stand for every repeat. Sizes stay under 4 GiB, so no zip64 records are needed.
    """
    head = f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
    tail = b"</sheetData></worksheet>"
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    c_head = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    c_block = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    assert comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH) == c_block
    c_tail = comp.compress(tail) + comp.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(block) * repeats + len(tail)
    csize = len(c_head) + len(c_block) * repeats + len(c_tail)

    members = []  # (name, crc, csize, size, offset)
    with open(path, "wb") as fh:
        for name, data in xlsx_parts(b"").items():
            if name == "xl/worksheets/sheet1.xml":
                chunks, m_crc, m_csize, m_size = None, crc, csize, size
            else:
                packed = zlib.compress(data, 9)[2:-4]  # raw deflate
                chunks, m_crc, m_csize, m_size = [packed], zlib.crc32(data), len(packed), len(data)
            offset = fh.tell()
            raw = name.encode()
            fh.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, m_crc, m_csize,
                                 m_size, len(raw), 0) + raw)
            if chunks is None:
                fh.write(c_head)
                for _ in range(repeats):
                    fh.write(c_block)
                fh.write(c_tail)
            else:
                fh.write(chunks[0])
            members.append((raw, m_crc, m_csize, m_size, offset))
        start = fh.tell()
        for raw, m_crc, m_csize, m_size, offset in members:
            fh.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, m_crc,
                                 m_csize, m_size, len(raw), 0, 0, 0, 0, 0, offset) + raw)
        end = fh.tell()
        fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                             end - start, start, 0))
    return path


def write_cfb(path: Path, streams: dict[str, bytes]) -> Path:
    """A minimal, valid OLE2 / Compound File Binary (v3, 512-byte sectors).

    Each stream is padded to at least 4096 bytes so it lives in ordinary sectors (no mini
    stream); the directory holds the root and the streams as a chain of right siblings in
    the order CFB sorts names (shorter first, then case-insensitively).
    """
    end, free, fatsect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    datas = [streams[n].ljust(4096, b"\0") for n in names]
    fat = [fatsect, end]  # sector 0 = FAT, sector 1 = directory
    starts = []
    for data in datas:
        n = -(-len(data) // 512)
        first = len(fat)
        starts.append(first)
        fat += list(range(first + 1, first + n)) + [end]
    assert len(fat) <= 128 and len(names) <= 3

    def entry(name, kind, right, child, start, size):
        raw = name.encode("utf-16-le") + b"\0\0"
        return struct.pack("<64sHBBIII16sIQQIQ", raw, len(raw), kind, 1, nostream, right, child,
                           b"\0" * 16, 0, 0, 0, start, size)

    directory = entry("Root Entry", 5, nostream, 1, end, 0)
    for i, (name, data) in enumerate(zip(names, datas, strict=True)):
        right = i + 2 if i + 1 < len(names) else nostream
        directory += entry(name, 2, right, nostream, starts[i], len(data))
    directory = directory.ljust(512, b"\0")
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("D0CF11E0A1B11AE1"),
                         b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, end, 0,
                         end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    path.write_bytes(header + fat_sector + directory + b"".join(d.ljust(-(-len(d) // 512) * 512,
                                                                        b"\0") for d in datas))
    return path


def openpyxl_bytes() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "9月"
    for r in range(1, 200):
        wb.active.append([f"社区{r}", r, r * 2.5, "约300"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def refusal(path) -> str:
    """The refusal as a Chinese reader gets it (checked here), returned in English for the
    tests below, which check what it explains."""
    with pytest.raises(FileUnreadable) as info:
        read_grids(path)
    message = str(info.value)
    assert Path(path).name in message and "处理办法：请" in message and "What to do" not in message
    assert "\n" not in message and "Traceback" not in message
    with language("en"), pytest.raises(FileUnreadable) as info:
        read_grids(path)
    message = str(info.value)
    assert Path(path).name in message and "What to do:" in message
    assert "\n" not in message and "Traceback" not in message
    return message


# --- not a workbook, damaged, empty, encrypted ------------------------------------------


@pytest.mark.parametrize(
    "content",
    [pytest.param(b"hello, this is not a spreadsheet\n", id="text"),
     pytest.param(b"<html><body><table><tr><td>1</td></tr></table></body></html>", id="html"),
     pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", id="pdf"),
     pytest.param(bytes(range(256)) * 4, id="binary")],
)
def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(tmp_path, content):
    path = tmp_path / "partners_2023-09.xlsx"
    path.write_bytes(content)
    assert "is not a workbook" in refusal(path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = write_zip(tmp_path / "photos.xlsx", {"a.jpg": b"\xff\xd8" + b"x" * 100})
    assert "not an Excel workbook" in refusal(path)


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_truncated_xlsx_is_refused_as_incomplete(tmp_path, keep):
    data = openpyxl_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: int(len(data) * keep)])
    assert "damaged or incomplete" in refusal(path)


def test_an_xlsx_with_a_corrupted_sheet_part_is_refused_as_damaged(tmp_path):
    data = bytearray(openpyxl_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start : start + 200] = b"\xff" * 200  # the directory is intact, the data is not
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(bytes(data))
    assert "damaged" in refusal(path)


@pytest.mark.parametrize("name", ["empty.xlsx", "empty.xls", "empty.csv"])
def test_an_empty_file_is_refused(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    assert "empty" in refusal(path)


def test_an_encrypted_xlsx_is_refused_with_how_to_remove_the_password(tmp_path):
    # Office encrypts an xlsx by wrapping it in an OLE2 file with these two streams.
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<?xml version='1.0'?><encryption/>"
    path = write_cfb(tmp_path / "secret.xlsx",
                     {"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 5000)})
    message = refusal(path)
    assert "the workbook is password-protected" in message
    assert "remove the password in Excel (File > Info > Protect Workbook)" in message


def test_an_ole2_file_that_is_no_workbook_is_refused_not_crashed_on(tmp_path):
    path = write_cfb(tmp_path / "letter.xls", {"WordDocument": b"\xec\xa5" + b"\0" * 600})
    assert "cannot be read" in refusal(path)


# --- zip bombs ----------------------------------------------------------------------------


def test_a_zip_bomb_over_the_size_limit_is_refused_from_its_directory_alone(tmp_path):
    block = b'<row><c t="inlineStr"><is><t>0</t></is></c></row>' * 20_000  # 1 MB
    repeats = MAX_UNCOMPRESSED // len(block) + 64
    path = write_bomb(tmp_path / "bomb.xlsx", block, repeats)
    assert path.stat().st_size < 10_000_000  # tiny on disk, over 1 GiB unpacked
    message = refusal(path)
    assert "would unpack to" in message and "not opened" in message


def test_a_member_with_an_absurd_compression_ratio_is_refused(tmp_path):
    block = b"<row><c><v>0</v></c></row>" * 40_000  # ~1 MB of one repeated row
    path = write_bomb(tmp_path / "ratio.xlsx", block, 60)  # 62 MB, ~400:1
    assert "zip bomb" in refusal(path)


# --- XML entities -------------------------------------------------------------------------

XXE_DTD = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>')

XXE_SHARED = (f'<?xml version="1.0"?>{XXE_DTD.replace("worksheet", "sst")}'
              f'<sst xmlns="{MAIN_NS}"><si><t>&xxe;</t></si></sst>')


def _entity_sheet(dtd: str, entity: str, padding: int = 0) -> str:
    pad = f"<!--{'x' * padding}-->" if padding else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>{pad}{dtd}<worksheet xmlns="{MAIN_NS}">'
            f'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{entity}</t></is></c>'
            '<c r="B1"><v>7</v></c></row></sheetData></worksheet>')


@pytest.mark.parametrize(
    ("parts"),
    [pytest.param(xlsx_parts(_entity_sheet(XXE_DTD, "&xxe;")), id="xxe-in-sheet"),
     pytest.param(xlsx_parts(_entity_sheet(XXE_DTD, "&xxe;", padding=10_000)),
                  id="xxe-after-a-long-comment"),
     pytest.param(xlsx_parts(sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                             shared_strings=XXE_SHARED), id="xxe-in-shared-strings"),
     pytest.param(xlsx_parts(_entity_sheet(LAUGHS, "&d;")), id="billion-laughs"),
     pytest.param(xlsx_parts(_entity_sheet(LAUGHS, "&d;", padding=10_000)),
                  id="billion-laughs-after-a-long-comment")],
)
def test_xml_entities_are_never_resolved_or_expanded(tmp_path, parts):
    path = write_zip(tmp_path / "xxe.xlsx", parts)
    try:
        grids = read_grids(path)
    except FileUnreadable as err:
        text = str(err)
    else:
        text = "\n".join(str(v) for g in grids for v in g.cells.to_numpy().ravel())
    first_line = PASSWD.splitlines()[0] if PASSWD else "root:x:0:0"
    assert first_line not in text and "root:" not in text
    assert "aaaaaaaaaaaaaaaaaaaa" not in text


# --- huge sheets --------------------------------------------------------------------------


def test_a_million_row_csv_is_read(tmp_path):
    path = tmp_path / "tall.csv"
    path.write_text("社区,人数\n" + "北干,12\n" * 1_000_000, encoding="utf-8")
    [grid] = read_grids(path)
    assert grid.cells.shape == (1_000_001, 2)
    assert grid.cells.iat[1_000_000, 1] == "12"


def test_a_csv_over_the_row_limit_is_refused_with_the_limit(tmp_path):
    path = tmp_path / "too_tall.csv"
    path.write_text("x\n" * (MAX_ROWS + 1), encoding="utf-8")
    assert f"{MAX_ROWS:,} rows" in refusal(path)


def test_a_sparse_million_row_sheet_reads_from_a1(tmp_path):
    xml = sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>top</t></is></c></row>'
                '<row r="1000000"><c r="A1000000"><v>1</v></c></row>')
    [grid] = read_grids(write_zip(tmp_path / "tall.xlsx", xlsx_parts(xml)))
    assert grid.cells.shape == (1_000_000, 1)
    assert grid.cells.iat[999_999, 0] == 1 and grid.cells.iat[500, 0] is None


@pytest.mark.parametrize(
    ("last", "row"),
    [pytest.param("XFD1048576", 1_048_576, id="two-cells-at-the-far-corners"),
     pytest.param("Q1000000", 1_000_000, id="a-million-rows-of-17-columns"),
     pytest.param("XFE1", 1, id="past-the-last-excel-column")],
)
def test_a_sheet_whose_range_is_too_big_is_refused_before_it_is_allocated(tmp_path, last, row):
    xml = sheet(f'<row r="1"><c r="A1"><v>1</v></c></row><row r="{row}"><c r="{last}"><v>2</v>'
                "</c></row>")
    message = refusal(write_zip(tmp_path / "huge.xlsx", xlsx_parts(xml)))
    assert f"{MAX_CELLS:,} cells" in message and "delete the unused rows and columns" in message


def test_a_sheet_16384_columns_wide_is_read_to_column_xfd(tmp_path):
    width = 16_384
    rows = "".join(
        f'<row r="{r + 1}">' + "".join(f'<c r="{address(r, c)}"><v>{c}</v></c>'
                                       for c in range(width)) + "</row>" for r in range(3))
    [grid] = read_grids(write_zip(tmp_path / "wide.xlsx", xlsx_parts(sheet(rows))))
    assert grid.cells.shape == (3, width)
    assert grid.cells.iat[2, width - 1] == width - 1 and address(2, width - 1) == "XFD3"


# --- formatting only, formulas -----------------------------------------------------------


def test_a_sheet_with_only_formatting_gives_no_grid(tmp_path):
    xml = sheet('<row r="2" s="1" customFormat="1" ht="30" customHeight="1"><c r="B2" s="1"/>'
                '<c r="C2" s="2"/></row><row r="9"><c r="D9" s="1"/></row>')
    assert read_grids(write_zip(tmp_path / "styled.xlsx", xlsx_parts(xml))) == []


def test_formulas_without_cached_values_are_noted_cell_by_cell_and_never_evaluated(tmp_path):
    xml = sheet('<row r="2"><c r="A2"><v>4</v></c><c r="B2"><f t="shared" ref="B2:B3" si="0">'
                'A2*2</f></c></row><row r="3"><c r="A3"><v>5</v></c><c r="B3"><f t="shared" '
                'si="0"/><v></v></c></row><row r="4"><c r="B4"><f>SUM(B2:B3)</f><v>18</v></c>'
                '<c r="C4" t="str"><f>""</f><v></v></c></row>')
    [grid] = read_grids(write_zip(tmp_path / "formulas.xlsx", xlsx_parts(xml)))
    assert [(cell, rule) for cell, rule, _ in grid.notes] == [
        ("B2", "formula_without_value"), ("B3", "formula_without_value")]
    assert grid.notes[0][2].startswith("公式 =A2*2 没有保存计算结果")
    assert "（共享）公式没有保存计算结果" in grid.notes[1][2]
    assert grid.cells.iat[3, 1] == 18  # a saved value is kept as saved
    assert grid.cells.iat[1, 1] is None and grid.cells.iat[2, 1] is None  # never 8 or 10


# --- CSV encodings and line endings -------------------------------------------------------

CSV_ROWS = [["填报单位：北干街道"], ["社区", "志愿者人数", "服务时长"],
            ["北干社区", "１２０", "约300小时"], ["𠮷祥村", "10余", "1200人"]]


def _csv_text(sep: str) -> str:
    endings = ["\r\n", "\n", "\r", "\r\n"]  # mixed, as when files are pasted together
    return "".join(sep.join(row) + endings[i] for i, row in enumerate(CSV_ROWS))


@pytest.mark.parametrize(
    ("encoding", "sep", "bom"),
    [pytest.param("utf-8", ",", b"", id="utf-8"),
     pytest.param("utf-8", ",", codecs.BOM_UTF8, id="utf-8-bom"),
     pytest.param("gbk", ",", b"", id="gbk"),
     pytest.param("gb18030", ",", b"", id="gb18030"),
     pytest.param("utf-16-le", "\t", codecs.BOM_UTF16_LE, id="excel-unicode-text-le"),
     pytest.param("utf-16-be", "\t", codecs.BOM_UTF16_BE, id="utf-16-be"),
     pytest.param("utf-8", ";", b"", id="semicolon")],
)
def test_csv_in_every_encoding_people_send_reads_the_same_cells(tmp_path, encoding, sep, bom):
    rows = CSV_ROWS if encoding != "gbk" else [[c.replace("𠮷", "吉") for c in r] for r in CSV_ROWS]
    text = _csv_text(sep) if encoding != "gbk" else _csv_text(sep).replace("𠮷", "吉")
    path = tmp_path / "volunteers.csv"
    path.write_bytes(bom + text.encode(encoding))
    [grid] = read_grids(path)
    assert grid.cells.shape == (4, 3)
    got = [[v for v in row if v is not None] for row in grid.cells.to_numpy().tolist()]
    assert got == rows
