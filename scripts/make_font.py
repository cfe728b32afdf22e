"""Build the bundled chart font ``civicstats/fonts/CivicSans-SC*.ttf`` from Noto Sans CJK SC.

Why: charts must show Chinese on a fresh machine with no system fonts, and
matplotlib can embed only TrueType (``glyf``) outlines in PDF as real text
(``pdf.fonttype`` 42). Noto Sans CJK ships CFF outlines, so this script

1. takes the Simplified Chinese face (index 2) of Debian's
   ``fonts-noto-cjk`` 1:20220127+repack1-1 (Noto Sans CJK 2.004, SIL OFL 1.1):
   ``/usr/share/fonts/opentype/noto/NotoSansCJK-{Regular,Bold}.ttc``;
2. subsets it to GB2312 (every valid two-byte code, 7445 characters), ASCII,
   Latin-1, general punctuation, CJK punctuation, full-width forms, a few
   chart symbols, and every character found in ``data/`` (CSV, Markdown, text,
   xlsx shared strings), ``civicstats/vocab/*.csv`` and ``notebooks/*.ipynb``;
3. converts the cubic CFF outlines to quadratic TrueType outlines with
   fontTools' cu2qu (the recipe of fontTools' ``Snippets/otf2ttf.py``);
4. renames the family to "CivicSans SC": the OFL asks modified versions not to
   pass as the original, and "Noto" is a Google trademark;
5. writes the font beside ``OFL.txt`` (the licence, with the copyright line).

Run (as root, once): ``apt-get update && apt-get install -y fonts-noto-cjk``, then
``.venv/bin/python scripts/make_font.py``. Rerun it when data or notebooks gain a
character outside GB2312 (``tests/test_charts.py`` says which).

>>> len(gb2312_chars())
7445
>>> "萧" in gb2312_chars() and "托" in gb2312_chars()
True
"""

import argparse
import json
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONT_DIR = ROOT / "civicstats" / "fonts"
SOURCE_PACKAGE = "fonts-noto-cjk 1:20220127+repack1-1 (Debian bookworm), Noto Sans CJK SC 2.004"
SOURCES = {
    "Regular": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    "Bold": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
}
OUTPUTS = {"Regular": "CivicSans-SC.ttf", "Bold": "CivicSans-SC-Bold.ttf"}
SC_INDEX = 2  # face order in the collection: JP, KR, SC, TC, HK, ...
FAMILY = "CivicSans SC"
LICENCE_SOURCE = Path("/usr/share/doc/fonts-noto-cjk/copyright")

# Ranges beyond GB2312 that charts use: ASCII, Latin-1, general punctuation
# (“”‘’—…‰), letterlike and arrows, math (− is matplotlib's minus sign, ≤ ≥ ×),
# CJK symbols and punctuation, full-width forms.
EXTRA_RANGES = [
    (0x0020, 0x007E), (0x00A0, 0x00FF), (0x2010, 0x2044), (0x2070, 0x209F),
    (0x2100, 0x2199), (0x2212, 0x2212), (0x2260, 0x2265), (0x25A0, 0x25CF),
    (0x3000, 0x303F), (0xFF01, 0xFF65), (0xFFE0, 0xFFE6),
]
TEXT_SUFFIXES = {".csv", ".md", ".txt", ".tsv", ".json", ".yml", ".yaml"}


def gb2312_chars() -> set[str]:
    """Every character of GB2312: decode each valid two-byte code (rows A1-F7, cells A1-FE)."""
    out = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return ""


def _xlsx_text(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.startswith("xl/") and n.endswith(".xml")]
            return "".join(zf.read(n).decode("utf-8", "replace") for n in names)
    except (zipfile.BadZipFile, OSError):
        return ""


def project_texts(root: Path = ROOT) -> dict[str, str]:
    """Text of every file whose characters the charts may show, keyed by relative path.

    Covers data/ (text files and xlsx), civicstats/vocab/*.csv and the notebooks'
    cells (sources and outputs; notebooks are JSON, so escapes are decoded).
    """
    texts = {}
    data = root / "data"
    for path in sorted(data.rglob("*")) if data.is_dir() else []:
        if path.suffix.lower() in TEXT_SUFFIXES and path.is_file():
            texts[str(path.relative_to(root))] = _read_text(path)
        elif path.suffix.lower() in {".xlsx", ".xlsm"} and path.is_file():
            # XML markup is ASCII, so only the cell text adds characters
            texts[str(path.relative_to(root))] = _xlsx_text(path)
    for path in sorted((root / "civicstats" / "vocab").glob("*.csv")):
        texts[str(path.relative_to(root))] = _read_text(path)
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        try:
            texts[str(path.relative_to(root))] = json.dumps(
                json.loads(_read_text(path)), ensure_ascii=False)
        except ValueError:
            texts[str(path.relative_to(root))] = _read_text(path)
    return texts


def chars_needed(text: str) -> set[str]:
    """The printable characters of a text (controls, format marks and private use left out).

    >>> sorted(chars_needed("天悦\\n社区 A\\u200b"))
    [' ', 'A', '区', '天', '悦', '社']
    """
    return {c for c in text if c.isprintable() and not re.match(r"[\u200b-\u200f\ue000-\uf8ff\ufeff]", c)}


def wanted_chars(root: Path = ROOT) -> set[str]:
    """GB2312 + the extra ranges + every character in the project's data, vocab and notebooks."""
    chars = gb2312_chars()
    for lo, hi in EXTRA_RANGES:
        chars.update(chr(c) for c in range(lo, hi + 1))
    for text in project_texts(root).values():
        chars.update(chars_needed(text))
    return chars


def _to_quadratic(font, max_err: float = 1.0) -> None:
    """Replace the CFF table by glyf/loca (cu2qu), the fontTools otf2ttf recipe."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        # CFF contours run counter-clockwise; TrueType wants clockwise
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones",):
        setattr(maxp, attr, 1)
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions"):
        setattr(maxp, attr, 0)
    maxp.maxComponentElements = 0
    maxp.compile(font)
    # no glyph names (post format 3) and one cmap subtable: the PDF backend re-reads
    # the font for every file it writes, and parsing 7 700 names costs more than the outlines
    font["post"].formatType = 3.0
    cmap = font["cmap"]
    cmap.tables = [t for t in cmap.tables if (t.platformID, t.platEncID) == (3, 1)]
    font.sfntVersion = "\000\001\000\000"


def _rename(font, style: str) -> None:
    """Give the subset its own family name; keep copyright, licence and credits."""
    name = font["name"]
    postscript = "CivicSansSC-" + style
    full = f"{FAMILY}{' Bold' if style == 'Bold' else ''}"
    values = {
        1: FAMILY, 2: style, 3: f"2.004;CIVICSTATS;{postscript}", 4: full, 6: postscript,
        16: FAMILY, 17: style,
        5: "Version 2.004; subset of Noto Sans CJK SC for civicstats charts",
    }
    name.names = [r for r in name.names if r.nameID not in values and r.nameID not in (7, 16, 17)]
    for name_id, value in values.items():
        name.setName(value, name_id, 3, 1, 0x409)
    font["OS/2"].fsType = 0  # installable: the OFL allows embedding, PDF writers check this


def build_face(style: str, chars: set[str], out: Path) -> Path:
    """Subset, convert and rename one face; write it to ``out``."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(SOURCES[style], fontNumber=SC_INDEX, lazy=False, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []  # matplotlib lays text out without GSUB/GPOS
    options.name_IDs = ["*"]
    options.name_languages = [0x409]
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.drop_tables += ["VORG", "vhea", "vmtx", "DSIG", "BASE", "GSUB", "GPOS", "GDEF"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    _to_quadratic(font)
    _rename(font, style)
    font["head"].created = font["head"].modified = 0x00000000E2A1D3C0  # fixed: reproducible bytes
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(out, reorderTables=True)
    return out


def licence_text() -> str:
    """OFL 1.1 text from the Debian copyright file, headed by the font's copyright line."""
    lines = LICENCE_SOURCE.read_text(encoding="utf-8").splitlines()
    start = lines.index("License: SIL-1.1", lines.index("Files: debian/*"))
    body = []
    for line in lines[start + 1:]:
        if line and not line.startswith(" "):
            break
        body.append("" if line.strip() == "." else line[1:])
    return (
        "CivicSans SC is a subset of Noto Sans CJK SC 2.004 converted to TrueType outlines\n"
        f"for civicstats charts (see scripts/make_font.py). Source: {SOURCE_PACKAGE}.\n\n"
        "Copyright © 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'.\n"
        "Noto is a trademark of Google Inc.\n\n" + "\n".join(body).strip() + "\n"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=FONT_DIR)
    args = parser.parse_args(argv)
    missing = [str(p) for p in [*SOURCES.values(), LICENCE_SOURCE] if not p.exists()]
    if missing:
        print(f"error: {', '.join(missing)} not found. What to do: as root run "
              "`apt-get update && apt-get install -y fonts-noto-cjk`, then rerun.", file=sys.stderr)
        return 2
    chars = wanted_chars()
    for style, filename in OUTPUTS.items():
        path = build_face(style, chars, args.out / filename)
        print(f"{path}: {len(chars)} characters, {path.stat().st_size / 1e6:.2f} MB")
    (args.out / "OFL.txt").write_text(licence_text(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
