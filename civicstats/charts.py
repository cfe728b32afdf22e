"""House-style charts for the district newsletter: correct Chinese on any machine, print-ready export.

Every chart has a title that states the finding, a subtitle (measure, unit,
place, period), notes and a "数据来源：…" line under it, direct labels with the
qualifier marks (``10余``, ``约10``, ``不足10``, as tables write them) and the
colour-blind-safe Analysis Function palette, never colour alone (hatching,
markers and labels carry the same meaning). The text uses the bundled font
``fonts/CivicSans-SC.ttf`` (a subset of Noto Sans CJK SC, SIL OFL 1.1; see
``scripts/make_font.py``), so nothing depends on the fonts of the machine.

>>> import pandas as pd
>>> df = pd.DataFrame({"area": ["北干街道", "南阳街道"], "value": [120.0, 80.0],
...                    "qualifier": ["exact", "at_least"]})
>>> chart = bar(df, x="area", y="value", title="北干街道新增托位最多",
...             subtitle="已完成新增托位（个），2023年9月", source="街道月报", unit="个")
>>> chart.data[["area", "value", "label"]]
       area  value label
0  北干街道  120.0   120
1  南阳街道   80.0   80余
>>> chart.alt
'横向条形图：北干街道新增托位最多。已完成新增托位（个），2023年9月。北干街道120个、南阳街道80余个。北干街道最多，为120个。数据来源：街道月报。'
>>> import tempfile
>>> [p.name for p in chart.save(tempfile.mkdtemp(), "slots", formats=("svg",), size="column")]
['slots.svg', 'slots.csv', 'slots.alt.txt']

Sizes: ``column`` 85 mm and ``page`` 175 mm wide at 300 dpi (print), ``web``
1200 px wide at 150 dpi (8 in: type at 150 dpi stays sharp on phones and the
PNG stays small). SVG and PDF are byte-identical for the same data.
"""

import base64
import functools
import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from civicstats import config, csvsafe, figures, vocab
from civicstats.errors import UsageError
from civicstats.filenames import safe_name
from civicstats.gaps import Gaps, gaps
from civicstats.values import combine_qualifiers

FONT_DIR, FONT_FILES = config.FONT_DIR, config.FONT_FILES
FONT_FAMILY = "CivicSans SC"
for _file in FONT_FILES:
    # register at import: rcParams below name the family, the files sit in the package
    font_manager.fontManager.addfont(str(FONT_DIR / _file))



def _cache_pdf_font_subsets() -> None:
    """Keep matplotlib's PDF font subsets in memory, keyed by font file and glyph set.

    Why: matplotlib re-reads the whole 7 700-glyph font for every PDF it writes
    (about 0.15 s each). The same chart at three sizes, and a rerun, use the same
    glyphs, so they reuse the subset. Output bytes are unchanged. Only installed
    when matplotlib's private helpers look as expected (checked for 3.9-3.11).
    """
    from matplotlib.backends import _backend_pdf_ps as pdfps

    original = getattr(pdfps, "get_glyphs_subset", None)
    results = getattr(pdfps, "SubsetResults", None)
    if original is None or results is None or getattr(original, "civicstats_cache", False):
        return
    from fontTools.ttLib import TTFont

    @functools.lru_cache(maxsize=512)
    def subset_bytes(fontfile, glyphs: frozenset) -> tuple[bytes, tuple]:
        with original(fontfile, set(glyphs)) as found:
            buf = io.BytesIO()
            found.font.save(buf, reorderTables=False)
            return buf.getvalue(), tuple(found.glyph_index_map.items())

    def cached(fontfile, glyphs):
        data, mapping = subset_bytes(fontfile, frozenset(glyphs))
        font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
        return results(font, dict(mapping))._as_cm()

    cached.civicstats_cache = True
    cached.cache_clear = subset_bytes.cache_clear  # for benchmarks that want a cold start
    pdfps.get_glyphs_subset = cached


_cache_pdf_font_subsets()

PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
"""Analysis Function categorical palette (colour-blind safe), in order of use."""
HATCHES = ("", "////", "....", "xxx", "\\\\\\\\", "++")
MARKERS = ("o", "s", "^", "D", "v", "P")
TEXT = "#0B0C0C"
MUTED = "#505A5F"
GRID = "#D9D9D9"
OTHER = "#9A9FA3"  # series beyond the six palette colours
FORMATS = ("png", "svg", "pdf")

STYLE = {
    "font.family": [FONT_FAMILY],
    "axes.unicode_minus": True,  # U+2212 is in the bundled font
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "axes.edgecolor": MUTED,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "svg.fonttype": "path",  # text as outlines: the SVG looks the same with no font installed
    "svg.hashsalt": "civicstats",  # stable ids: same data, same bytes
    "pdf.fonttype": 42,  # embed TrueType: text stays selectable and extractable
    # matplotlib 3.11's PDF writer sizes its glyph subsets by ps.fonttype: with the
    # default (3) every 汉字 lands in a second embedded copy of the font
    "ps.fonttype": 42,
    "pdf.compression": 6,
    "savefig.facecolor": "white",
    "figure.facecolor": "white",
}
"""The rcParams of the house style; :func:`use_style` applies them to your own plots."""

UNITS = figures.UNITS
"""The counter word after a number, per measure (:data:`civicstats.figures.UNITS`)."""


@dataclass(frozen=True)
class Size:
    """One output size: width in pixels at ``dpi`` and the type sizes in points."""

    name: str
    width_px: int
    dpi: int
    body: float
    title: float
    subtitle: float
    small: float

    @property
    def width(self) -> float:
        """Width in inches."""
        return self.width_px / self.dpi


def _mm_px(mm: float, dpi: int) -> int:
    return round(mm / 25.4 * dpi)


SIZES = {
    "column": Size("column", _mm_px(85, 300), 300, body=6.5, title=8.5, subtitle=7, small=5.5),
    "page": Size("page", _mm_px(175, 300), 300, body=8.5, title=12, subtitle=9.5, small=7),
    "web": Size("web", 1200, 150, body=10, title=15, subtitle=11, small=8.5),
}
"""column: 85 mm (1004 px) and page: 175 mm (2067 px) at 300 dpi; web: 1200 px at 150 dpi."""


def use_style() -> None:
    """Apply the house style (font, palette, export settings) to matplotlib globally."""
    matplotlib.rcParams.update(STYLE)


# -- numbers and words -----------------------------------------------------------


def fmt_number(value: float) -> str:
    """A number as the newsletter prints it, as the report tables do (:func:`civicstats.figures.number`).

    >>> fmt_number(923.0), fmt_number(12.5), fmt_number(300000.0), fmt_number(-3.0)
    ('923', '12.5', '300,000', '-3')
    """
    return figures.number(value)


def mark(value: float, qualifier: str = "exact", *, style: str = "label") -> str:
    """A number with its qualifier, in the one style of charts and tables (``style`` is kept
    for old callers: labels and sentences write ``10余``, ``约10``, ``不足10`` alike).

    >>> mark(10, "at_least"), mark(10, "approx"), mark(10, "at_most"), mark(10)
    ('10余', '约10', '不足10', '10')
    >>> mark(10, "at_least", style="text")
    '10余'
    """
    return figures.mark(value, qualifier)


def period_cn(period) -> str:
    """``2023-09`` as ``2023年9月`` (:func:`civicstats.figures.month_cn`).

    >>> period_cn("2023-09")
    '2023年9月'
    """
    return figures.month_cn(period)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _clean(text) -> str:
    r"""One line of text: control characters (newlines from a hand-typed cell) become a space.

    >>> _clean("天悦\n社区\t")
    '天悦 社区 '
    """
    return _CONTROL.sub(" ", str(text))


def _plain(text) -> str:
    """Text that matplotlib shows as written: ``$`` would otherwise start mathtext."""
    return _clean(text).replace("$", r"\$")


# -- measuring and wrapping text ----------------------------------------------------


def _props(size: float, bold: bool = False) -> font_manager.FontProperties:
    return font_manager.FontProperties(family=STYLE["font.family"], size=size,
                                       weight="bold" if bold else "normal")


@functools.lru_cache(maxsize=20000)
def _advance(char: str, bold: bool) -> float:
    """Advance width of one character at 1 pt, in points, from the bundled font."""
    from matplotlib.ft2font import LoadFlags

    font = font_manager.get_font(str(FONT_DIR / FONT_FILES[bold]))
    font.set_size(100, 72)
    glyph = font.load_char(ord(char), flags=LoadFlags.NO_HINTING)
    return glyph.linearHoriAdvance / 65536 / 100


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of one line of text in points: the sum of advances (the font has no kerning).

    >>> round(text_width("托位", 10), 1), round(text_width("托位 12", 10), 1)
    (20.0, 33.3)
    """
    return size * sum(_advance(c, bold) for c in _clean(text))


_NO_LINE_START = set("，。、；：？！）》」』】,.;:?!)%")
_TOKEN = re.compile(r"[A-Za-z0-9_.,%+\-/]+|\s+|.", re.S)


def wrap(text: str, size: float, width_pt: float, bold: bool = False) -> list[str]:
    """Lines of ``text`` no wider than ``width_pt``; breaks between 汉字 and at spaces.

    >>> wrap("北干街道已完成新增托位最多", 10, 60)
    ['北干街道已完', '成新增托位最', '多']
    """
    lines, line = [], ""
    for token in _TOKEN.findall(_clean(text)):
        candidate = line + token
        if line and token not in _NO_LINE_START and text_width(candidate, size, bold) > width_pt:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = candidate
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def shorten(text: str, size: float, width_pt: float) -> str:
    """``text`` cut with "…" to fit ``width_pt`` (labels only; the CSV keeps the full text)."""
    text = _clean(text)
    if text_width(text, size) <= width_pt:
        return text
    while text and text_width(text + "…", size) > width_pt:
        text = text[:-1]
    return text + "…"


# -- the frame: header, plot, footer -------------------------------------------------


@dataclass
class Frame:
    """A figure laid out in the house style; ``ax`` is the plot area (None for cards)."""

    fig: Figure
    ax: object
    size: Size
    plot_left: float  # inches from the left edge
    plot_width: float  # inches
    plot_top: float  # inches from the top edge


def _frame(size: Size, *, title: str, subtitle: str, source: str, notes: Sequence[str],
           plot_height: float, left: float = 0.0, right: float = 0.0,
           legend: Sequence[tuple[str, dict]] = (), bottom_axis: bool = False,
           axes: bool = True) -> Frame:
    """Lay out title, subtitle, legend key, plot and footer top to bottom, in inches."""
    pt = 1 / 72
    margin = max(size.body * 1.2, size.width * 72 * 0.025) * pt
    text_w = (size.width - 2 * margin) / pt
    title_lines = wrap(title, size.title, text_w, bold=True)
    sub_lines = wrap(subtitle, size.subtitle, text_w) if subtitle else []
    note_lines = [ln for note in notes for ln in wrap(note, size.small, text_w)]
    source_lines = wrap(f"数据来源：{source}", size.small, text_w) if source else []

    y = margin  # running position from the top, in inches
    placed = []
    for line in title_lines:
        placed.append((y, line, size.title, True, TEXT))
        y += size.title * 1.3 * pt
    y += size.subtitle * 0.15 * pt
    for line in sub_lines:
        placed.append((y, line, size.subtitle, False, MUTED))
        y += size.subtitle * 1.35 * pt
    legend_y = None
    if legend:
        y += size.body * 0.5 * pt
        legend_y = y
        y += size.body * 1.9 * pt
    y += size.body * 0.9 * pt
    plot_top = y
    y += plot_height
    if bottom_axis:
        y += size.body * 2.0 * pt
    y += size.body * 1.0 * pt
    footer = [(ln, MUTED) for ln in note_lines] + [(ln, MUTED) for ln in source_lines]
    for line, colour in footer:
        placed.append((y, line, size.small, False, colour))
        y += size.small * 1.4 * pt
    height = y + margin * 0.8
    # height in whole pixels, so every format has the same size
    height = round(height * size.dpi) / size.dpi

    fig = Figure(figsize=(size.width, height), dpi=size.dpi)
    for top, line, fontsize, bold, colour in placed:
        fig.text(margin / size.width, 1 - top / height, _plain(line), ha="left", va="top",
                 fontsize=fontsize, fontweight="bold" if bold else "normal", color=colour)
    plot_left = margin + left
    plot_width = max(size.width - margin - plot_left - right, size.width * 0.2)
    ax = None
    if axes:
        ax = fig.add_axes((plot_left / size.width, 1 - (plot_top + plot_height) / height,
                           plot_width / size.width, plot_height / height))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(labelsize=size.body, length=0, pad=size.body * 0.5)
    if legend:
        handles = [Patch(label=_plain(name), **kw) for name, kw in legend]
        fig.legend(handles=handles, loc="upper left", ncols=len(handles), frameon=False,
                   bbox_to_anchor=(margin / size.width, 1 - legend_y / height),
                   borderaxespad=0, borderpad=0, fontsize=size.body, handlelength=1.6,
                   handleheight=1.0, columnspacing=1.5)
    return Frame(fig, ax, size, plot_left, plot_width, plot_top)


# -- the Chart object ------------------------------------------------------------------


@dataclass
class Chart:
    """A house-style chart: its data, its alt text and a drawing for each size.

    ``fig`` is the figure at the chart's default ``size``; ``save`` writes PNG,
    SVG, PDF, the CSV of the plotted data and the alt text.
    """

    kind: str
    title: str
    data: pd.DataFrame
    alt: str
    draw: Callable[[Size], Figure] = field(repr=False)
    name: str = "chart"
    size: str = "web"
    _figures: dict = field(default_factory=dict, repr=False)

    def figure(self, size: str | None = None) -> Figure:
        """The figure at ``size`` (column, page or web), drawn once and kept."""
        key = _size(size or self.size).name
        if key not in self._figures:
            with matplotlib.rc_context(STYLE):
                self._figures[key] = self.draw(SIZES[key])
        return self._figures[key]

    @property
    def fig(self) -> Figure:
        return self.figure()

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        with matplotlib.rc_context(STYLE):
            self.figure("web").savefig(buf, format="png", dpi=100)
        return buf.getvalue()

    def _repr_html_(self) -> str:
        """The chart as an ``<img>`` carrying its alt text, scaled to the page's width.

        Notebook front ends and the HTML report prefer this to the bare PNG, which
        nbconvert would label "No description has been provided for this image".
        """
        data = base64.b64encode(self._repr_png_()).decode("ascii")
        return (f'<img src="data:image/png;base64,{data}" alt="{escape(self.alt, {chr(34): "&quot;"})}" '
                'style="max-width:100%;height:auto">')

    def save(self, out_dir, name: str | None = None, formats: Iterable[str] = FORMATS,
             size: str | None = None) -> list[Path]:
        """Write ``NAME.<format>`` for each format, ``NAME.csv`` and ``NAME.alt.txt`` into ``out_dir``.

        The name is made safe (no folders, no odd characters); files are written
        beside their target and renamed into place.
        """
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        stem = safe_name(name or self.name)
        size_ = _size(size or self.size)
        fig = self.figure(size_.name)
        paths = []
        with matplotlib.rc_context(STYLE):
            for fmt in _formats(formats):
                paths.append(_write_bytes(out / f"{stem}.{fmt}", self._render(fig, fmt, size_)))
        csv_path = out / f"{stem}.csv"
        csvsafe.write_csv(self.data, csv_path)
        paths.append(csv_path)
        paths.append(_write_bytes(out / f"{stem}.alt.txt", (self.alt + "\n").encode("utf-8")))
        for path in paths:
            if path.resolve().parent != out.resolve():
                raise UsageError(str(path), "would be written outside the output folder",
                                 "choose a plain chart name")
        return paths

    def _render(self, fig: Figure, fmt: str, size: Size) -> bytes:
        buf = io.BytesIO()
        if fmt == "png":
            fig.savefig(buf, format="png", dpi=size.dpi,
                        metadata={"Title": self.title, "Description": self.alt, "Software": None})
        elif fmt == "pdf":
            fig.savefig(buf, format="pdf", dpi=size.dpi, metadata={
                "Title": self.title, "Subject": self.alt, "Creator": "civicstats",
                "CreationDate": None, "ModDate": None})
        else:
            fig.savefig(buf, format="svg", dpi=size.dpi,
                        metadata={"Title": self.title, "Description": self.alt, "Date": None})
            return _svg_with_title(buf.getvalue(), self.title, self.alt)
        return buf.getvalue()


def _size(size) -> Size:
    if isinstance(size, Size):
        return size
    if size not in SIZES:
        raise UsageError("--size", f"unknown size {size!r}", f"use one of {', '.join(SIZES)}")
    return SIZES[size]


def _formats(formats) -> list[str]:
    formats = [formats] if isinstance(formats, str) else list(formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise UsageError("--formats", f"unknown format {', '.join(bad) or '(none)'}",
                         f"use some of {','.join(FORMATS)}")
    return formats


def _write_bytes(path: Path, data: bytes) -> Path:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def _svg_with_title(svg: bytes, title: str, desc: str) -> bytes:
    """``<title>`` and ``<desc>`` first inside ``<svg>``: screen readers and browsers show them.

    matplotlib writes ``<title>`` from the Title metadata (3.9+); we add it when it
    does not, and always add ``<desc>`` with the alt text.
    """
    text = svg.decode("utf-8")
    head = re.search(r"<svg\b[^>]*>\s*(<title>.*?</title>)?", text, re.S)
    extra = f"\n <desc>{escape(desc)}</desc>"
    if head.group(1) is None:
        extra = f"\n <title>{escape(title)}</title>" + extra
    end = head.end()
    return (text[:end] + extra + text[end:]).encode("utf-8")


# -- chart helpers ------------------------------------------------------------------------


def _qualifiers(df: pd.DataFrame, column: str | None) -> pd.Series:
    if column and column in df.columns:
        return df[column].astype(str).replace({"nan": "exact", "": "exact"})
    return pd.Series("exact", index=df.index)


def _sentence(parts: Iterable[str]) -> str:
    return "".join(p if p.endswith("。") else p + "。" for p in parts if p)


def _notes_for(qualifiers: Iterable[str], notes: Sequence[str]) -> list[str]:
    """The caller's notes plus an explanation of the qualifier marks that appear."""
    found = set(map(str, qualifiers))
    out = list(notes)
    if "at_least" in found:
        out.append("注：“10余”表示报表中的“10余”“10多”“10以上”等，即至少为该数。")
    if "approx" in found:
        out.append("注：“约”表示报表中的约数。")
    if "at_most" in found:
        out.append("注：“不足10”表示报表中的“不足10”“不到10”等，即至多为该数。")
    return out


def _not_empty(data: pd.DataFrame, title: str) -> None:
    if data.empty:
        raise UsageError(f"chart {title!r}", "there is no value to plot",
                         "check the filter that built the frame")


def bar(df: pd.DataFrame, x: str, y: str, *, title: str, subtitle: str = "", source: str = "",
        notes: Sequence[str] = (), unit: str = "", series: str | None = None,
        qualifier: str | None = "qualifier", sort: bool = True, kind_word: str = "",
        alt: str | None = None, name: str = "bar", size: str = "web") -> Chart:
    """Horizontal bars, one per ``x`` category (one per ``series`` within it), labelled with values.

    With ``series`` the bars of each category are grouped, each series with its
    own colour and hatching and a key above the plot. ``qualifier`` names the
    column of qualifiers (at_least -> ``10余``).
    """
    data = df.copy()
    data["qualifier"] = _qualifiers(data, qualifier).to_numpy()
    data = data[data[y].notna()].reset_index(drop=True)
    _not_empty(data, title)
    data[y] = data[y].astype(float)
    data[x] = data[x].astype(str)
    names = list(dict.fromkeys(data[series].astype(str))) if series else [""]
    if series:
        data[series] = data[series].astype(str)
    categories = list(dict.fromkeys(data[x]))
    if sort:
        totals = data.groupby(x, sort=False)[y].max()
        categories = sorted(categories, key=lambda c: (-totals[c], categories.index(c)))
    order = {c: i for i, c in enumerate(categories)}
    rank = {s: i for i, s in enumerate(names)}
    data = data.assign(_c=data[x].map(order), _s=data[series].map(rank) if series else 0)
    data = data.sort_values(["_c", "_s"], kind="stable").drop(columns=["_c", "_s"])
    data = data.reset_index(drop=True)
    data["label"] = [mark(v, q) for v, q in zip(data[y], data["qualifier"], strict=True)]
    notes = _notes_for(data["qualifier"], notes)
    cols = [x] + ([series] if series else []) + [y, "qualifier", "label"]
    data = data[cols + [c for c in data.columns if c not in cols]]

    if alt is None:
        alt = _bar_alt(data, x, y, series, title, subtitle, source, unit, kind_word)

    def draw(size: Size) -> Figure:
        pt = 1 / 72
        label_room = size.width * 72 * 0.34
        shown = [shorten(c, size.body, label_room) for c in categories]
        left = (max(text_width(s, size.body) for s in shown) + size.body) * pt if shown else 0
        right = (max(text_width(s, size.body) for s in data["label"]) + size.body) * pt
        per_bar = size.body * (1.55 if len(names) == 1 else 1.25) * pt
        pitch = per_bar * len(names) + size.body * 0.9 * pt
        height = max(pitch * len(categories), size.body * 4 * pt)
        legend = []
        for i, s in enumerate(names if series else []):
            legend.append((s, _bar_style(i)))
        frame = _frame(size, title=title, subtitle=subtitle, source=source, notes=notes,
                       plot_height=height, left=left, right=right, legend=legend)
        ax = frame.ax
        n = len(names)
        band = 0.8
        width = band / n
        for i, s in enumerate(names):
            part = data[data[series] == s] if series else data
            pos = np.array([order[c] for c in part[x]], dtype=float)
            pos = pos - band / 2 + width * (i + 0.5)
            ax.barh(pos, part[y].to_numpy(), height=width * 0.92, linewidth=size.body / 10,
                    **_bar_style(i))
            for p, v, lab in zip(pos, part[y], part["label"], strict=True):
                ax.text(v, p, " " + lab, va="center", ha="left", fontsize=size.body,
                        color=TEXT, clip_on=False)
        ax.set_yticks(range(len(categories)), [_plain(s) for s in shown])
        ax.set_ylim(len(categories) - 0.5, -0.5)
        vmax = float(data[y].max()) if len(data) else 1.0
        ax.set_xlim(min(0.0, float(data[y].min()) if len(data) else 0.0), vmax or 1.0)
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
        ax.spines["left"].set_color(MUTED)
        return frame.fig

    return Chart("bar", title, data, alt, draw, name=name, size=size)


def _bar_style(i: int) -> dict:
    """First series solid; the others hatched on white with a coloured outline (not colour alone)."""
    colour = PALETTE[i % len(PALETTE)]
    if i == 0:
        return {"facecolor": colour, "edgecolor": colour}
    return {"facecolor": "white", "edgecolor": colour, "hatch": HATCHES[i % len(HATCHES)],
            "hatchcolor": colour}


def _bar_alt(data, x, y, series, title, subtitle, source, unit, kind_word) -> str:
    def item(row) -> str:
        return f"{row[x]}{mark(row[y], row['qualifier'], style='text')}{unit}"

    parts = [f"横向条形图：{title}", subtitle]
    if data.empty:
        return _sentence(parts + ["没有数据", f"数据来源：{source}" if source else ""])
    if series:
        for name, part in data.groupby(series, sort=False):
            listed = "、".join(item(r) for _, r in part.head(8).iterrows())
            more = f"等{len(part)}项" if len(part) > 8 else ""
            parts.append(f"{name}：{listed}{more}")
    else:
        listed = "、".join(item(r) for _, r in data.head(8).iterrows())
        parts.append(listed + (f"等{len(data)}{kind_word or '项'}" if len(data) > 8 else ""))
        if len(data) > 1:
            top = data.loc[data[y].idxmax()]
            parts.append(f"{top[x]}最多，为{mark(top[y], top['qualifier'], style='text')}{unit}")
    parts.append(f"数据来源：{source}" if source else "")
    return _sentence(parts)


def _months(values) -> pd.Series:
    return pd.Series(pd.PeriodIndex([str(v)[:7] for v in values], freq="M"))


def line(df: pd.DataFrame, x: str, y: str, *, title: str, subtitle: str = "", source: str = "",
         notes: Sequence[str] = (), unit: str = "", series: str | None = None,
         qualifier: str | None = "qualifier", alt: str | None = None, name: str = "line",
         size: str = "web") -> Chart:
    """Lines over months (``x`` holds periods or YYYY-MM), each series labelled at its end.

    Each series has its own colour and marker shape; the label at the right end
    names the series and gives its latest value, so no legend is needed.
    """
    data = df.copy()
    data["qualifier"] = _qualifiers(data, qualifier).to_numpy()
    data = data[data[y].notna()].reset_index(drop=True)
    _not_empty(data, title)
    data[y] = data[y].astype(float)
    data[x] = _months(data[x]).astype(str).to_numpy()
    if series:
        data[series] = data[series].astype(str)
    else:
        series = "_series"
        data[series] = ""
    data = data.sort_values([series, x], kind="stable").reset_index(drop=True)
    names = list(dict.fromkeys(data[series]))
    # series ordered by their latest value, highest first, so labels read top-down
    last = data.groupby(series, sort=False).tail(1).set_index(series)
    names.sort(key=lambda s: -last.loc[s, y])
    data["label"] = [mark(v, q) for v, q in zip(data[y], data["qualifier"], strict=True)]
    notes = _notes_for(data["qualifier"], notes)
    cols = [series, x, y, "qualifier", "label"]
    data = data[cols + [c for c in data.columns if c not in cols]]
    if series == "_series":
        data = data.drop(columns=series)
    present = _months(sorted(set(data[x])))
    # every month of the span, so the distance between points is the time between them
    months = list(pd.period_range(present.min(), present.max(), freq="M")) if len(present) else []
    if alt is None:
        alt = _line_alt(data, x, y, None if series == "_series" else series, names, title,
                        subtitle, source, unit)

    def draw(size: Size) -> Figure:
        pt = 1 / 72
        frame_data = data if series != "_series" else data.assign(_series="")
        end_labels = {}
        for s in names:
            part = frame_data[frame_data[series] == s]
            # a series that stopped early says when its last value is from
            when = "" if part[x].iloc[-1] == str(months[-1]) else f"（{int(part[x].iloc[-1][5:])}月）"
            end_labels[s] = (f"{shorten(s, size.body, size.width * 72 * 0.22)} "
                             f"{part['label'].iloc[-1]}{when}").strip()
        right = (max(text_width(t, size.body) for t in end_labels.values()) + size.body) * pt
        ymax = float(data[y].max()) if len(data) else 1.0
        tick_texts = [fmt_number(t) for t in _nice_ticks(ymax)]
        left = (max(text_width(t, size.body) for t in tick_texts) + size.body * 0.6) * pt
        height = size.width * (0.42 if size.name != "column" else 0.55)
        frame = _frame(size, title=title, subtitle=subtitle, source=source, notes=notes,
                       plot_height=height, left=left, right=right, bottom_axis=True)
        ax = frame.ax
        ords = {str(m): i for i, m in enumerate(months)}
        ends = []
        for i, s in enumerate(names):
            part = frame_data[frame_data[series] == s]
            xs = np.array([ords[m] for m in part[x]], dtype=float)
            # past six series the palette would repeat: the rest are grey, named by their labels
            colour = PALETTE[i] if i < len(PALETTE) else OTHER
            ax.plot(xs, part[y].to_numpy(), color=colour, marker=MARKERS[i % len(MARKERS)],
                    markersize=size.body * 0.55, linewidth=size.body * 0.2, clip_on=False)
            ends.append((float(part[y].iloc[-1]), xs[-1], end_labels[s], colour))
        ticks = _nice_ticks(ymax)
        ax.set_ylim(0, ticks[-1])
        ax.set_yticks(ticks, [fmt_number(t) for t in ticks])
        ax.yaxis.grid(True, color=GRID, linewidth=size.body * 0.06)
        ax.set_axisbelow(True)
        ax.spines["left"].set_visible(False)
        ax.spines["bottom"].set_color(MUTED)
        ax.set_xlim(-0.3, max(len(months) - 1, 0) + 0.3)
        step = max(1, int(np.ceil(len(months) / (8 if size.name != "column" else 5))))
        shown = list(range(0, len(months), step))
        ax.set_xticks(shown, [_month_tick(months, i) for i in shown])
        _place_end_labels(ax, frame, ends, ticks[-1])
        return frame.fig

    return Chart("line", title, data, alt, draw, name=name, size=size)


def _month_tick(months: Sequence[pd.Period], i: int) -> str:
    m = months[i]
    return f"{m.year}年{m.month}月" if i == 0 or m.month == 1 else f"{m.month}月"


def _nice_ticks(vmax: float) -> list[float]:
    """0 and 3 to 6 round steps up to just above ``vmax``.

    >>> _nice_ticks(35), _nice_ticks(0)
    ([0, 10, 20, 30, 40], [0, 1])
    """
    if not vmax or vmax <= 0:
        return [0, 1]
    raw = vmax / 4
    mag = 10 ** np.floor(np.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    top = step * np.ceil(vmax / step - 1e-9)
    ticks = [round(float(t), 6) for t in np.arange(0, top + step / 2, step)]
    return [int(t) if t == int(t) else t for t in ticks]


def _place_end_labels(ax, frame: Frame, ends, ytop: float) -> None:
    """Labels at the right end of each line, nudged apart so they never overlap."""
    size = frame.size
    axes_h_pt = ax.get_position().height * frame.fig.get_figheight() * 72
    gap = size.body * 1.25 / axes_h_pt * ytop  # one label height in data units
    ends = sorted(ends, key=lambda e: e[0])
    placed = []
    for value, _, _, _ in ends:
        y = value if not placed else max(value, placed[-1] + gap)
        placed.append(y)
    overflow = placed[-1] - ytop if placed else 0
    if overflow > 0:  # push down from the top, keeping the gaps
        placed = [p - overflow for p in placed]
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - gap)
    x_end = ax.get_xlim()[1]
    for (_, _, text, colour), y in zip(ends, placed, strict=True):
        ax.text(x_end, y, " " + _plain(text), va="center", ha="left", fontsize=size.body,
                color=colour, fontweight="bold", clip_on=False)


def _line_alt(data, x, y, series, names, title, subtitle, source, unit) -> str:
    parts = [f"折线图：{title}", subtitle]
    for s in names[:6]:
        part = data[data[series] == s] if series else data
        first, last = part.iloc[0], part.iloc[-1]
        who = s if series else ""
        if len(part) == 1:
            parts.append(f"{who}{period_cn(last[x])}为{mark(last[y], last['qualifier'], style='text')}{unit}")
        else:
            parts.append(
                f"{who}由{period_cn(first[x])}的{mark(first[y], first['qualifier'], style='text')}{unit}"
                f"变为{period_cn(last[x])}的{mark(last[y], last['qualifier'], style='text')}{unit}")
    if len(names) > 6:
        parts.append(f"另有{len(names) - 6}条线")
    parts.append(f"数据来源：{source}" if source else "")
    return _sentence(parts)


def small_multiples(df: pd.DataFrame, x: str, y: str, panel: str, *, title: str,
                    subtitle: str = "", source: str = "", notes: Sequence[str] = (),
                    unit: str | None = "unit", qualifier: str | None = "qualifier",
                    alt: str | None = None, name: str = "small_multiples",
                    size: str = "web") -> Chart:
    """One small line chart per ``panel`` (an indicator), each with its own unit and axis.

    Indicators in different units (物资金额 in 元 beside counts of 20) are never on one
    axis. Every panel spans the same months; a month with no figure is NaN, a break in
    the line, not a straight line across. ``unit`` names the column with each panel's
    unit (``位``, ``家``, ``元``). The alt text gives every panel's last value with its unit.

    >>> df = pd.DataFrame({"period": ["2023-07", "2023-08", "2023-09"] * 2,
    ...     "indicator": ["居民合伙人"] * 3 + ["物资金额"] * 3, "unit": ["位"] * 3 + ["元"] * 3,
    ...     "value": [10, None, 20, 1200000, 1300000, 1250000]})
    >>> sm = small_multiples(df, x="period", y="value", panel="indicator", title="天悦社区逐月")
    >>> len(sm.figure("web").axes)
    2
    >>> sm.alt
    '小多图：天悦社区逐月。每个指标一幅小图，各有单位和纵轴。居民合伙人（位）：2023年9月为20位（有1个月无数据）；物资金额（元）：2023年9月为1,250,000元。'
    """
    data = df.copy()
    data["qualifier"] = _qualifiers(data, qualifier).to_numpy()
    data["unit"] = data[unit].fillna("").astype(str) if unit and unit in data else ""
    data[y] = pd.to_numeric(data[y], errors="coerce").astype(float)
    _not_empty(data[data[y].notna()], title)
    data[x] = _months(data[x]).astype(str).to_numpy()
    data[panel] = data[panel].astype(str)
    names = list(dict.fromkeys(data[panel]))
    present = _months(sorted(set(data[x])))
    months = [str(m) for m in pd.period_range(present.min(), present.max(), freq="M")]
    # every panel on every month: a month with no figure is NaN and breaks the line
    full = (data.drop_duplicates([panel, x], keep="last").set_index([panel, x])
            .reindex(pd.MultiIndex.from_product([names, months], names=[panel, x])))
    full["unit"] = full.groupby(level=0)["unit"].transform(lambda u: u.dropna().iloc[0]
                                                           if u.notna().any() else "")
    full["qualifier"] = full["qualifier"].fillna("exact")
    data = full.reset_index()
    data["label"] = [mark(v, q) if pd.notna(v) else "" for v, q in
                     zip(data[y], data["qualifier"], strict=True)]
    data = data[[panel, x, y, "unit", "qualifier", "label"]]
    units = dict(zip(data[panel], data["unit"], strict=False))
    heads = {p: f"{re.sub(r'（.*?）', '', p)}（{units[p]}）" if units[p] else p for p in names}
    notes = _notes_for(data.loc[data[y].notna(), "qualifier"], notes)
    if alt is None:
        alt = _panels_alt(data, x, y, panel, names, heads, units, title, subtitle, source)

    def draw(size: Size) -> Figure:
        pt = 1 / 72
        ncols = 1 if size.name == "column" or len(names) == 1 else 2
        nrows = -(-len(names) // ncols)
        head_h = size.body * 2.2 * pt
        axis_h = size.body * 2.0 * pt
        panel_h = size.width * (0.16 if ncols == 2 else 0.24)
        row_h = head_h + panel_h + axis_h + size.body * 0.8 * pt
        frame = _frame(size, title=title, subtitle=subtitle, source=source, notes=notes,
                       plot_height=row_h * nrows, axes=False)
        fig, h = frame.fig, frame.fig.get_figheight()
        gap = size.body * 2.5 * pt
        col_w = (frame.plot_width - gap * (ncols - 1)) / ncols
        step = max(1, int(np.ceil(len(months) / (6 if ncols == 2 or size.name == "column" else 8))))
        shown = list(range(0, len(months), step))
        periods = [pd.Period(m, freq="M") for m in months]
        for i, name_ in enumerate(names):
            part = data[data[panel] == name_]
            values = part[y].to_numpy(dtype=float)
            ticks = _nice_ticks(float(np.nanmax(values)) if np.isfinite(values).any() else 0)
            tick_w = max(text_width(fmt_number(t), size.body) for t in ticks) + size.body * 0.6
            left = frame.plot_left + (i % ncols) * (col_w + gap)
            top = frame.plot_top + (i // ncols) * row_h
            fig.text(left / size.width, 1 - top / h, _plain(heads[name_]), ha="left", va="top",
                     fontsize=size.body, fontweight="bold", color=TEXT)
            ax_left = left + tick_w * pt
            ax_w = max(col_w - tick_w * pt - size.body * 2.5 * pt, col_w * 0.3)
            ax = fig.add_axes((ax_left / size.width, 1 - (top + head_h + panel_h) / h,
                               ax_w / size.width, panel_h / h))
            for side in ("top", "right", "left"):
                ax.spines[side].set_visible(False)
            ax.spines["bottom"].set_color(MUTED)
            ax.tick_params(labelsize=size.body * 0.9, length=0, pad=size.body * 0.4)
            xs = np.arange(len(months), dtype=float)
            ax.plot(xs, values, color=PALETTE[0], marker=MARKERS[0],
                    markersize=size.body * 0.5, linewidth=size.body * 0.2, clip_on=False)
            ax.set_ylim(0, ticks[-1])
            ax.set_yticks(ticks, [fmt_number(t) for t in ticks])
            ax.yaxis.grid(True, color=GRID, linewidth=size.body * 0.06)
            ax.set_axisbelow(True)
            ax.set_xlim(-0.3, max(len(months) - 1, 0) + 0.3)
            ax.set_xticks(shown, [_month_tick(periods, j) for j in shown])
            finite = np.flatnonzero(np.isfinite(values))
            if len(finite):
                j = finite[-1]
                ax.annotate(_plain(part["label"].iloc[j]), (xs[j], values[j]),
                            xytext=(size.body * 0.4, 0), textcoords="offset points",
                            va="center", ha="left", fontsize=size.body, color=PALETTE[0],
                            fontweight="bold", annotation_clip=False)
        return fig

    return Chart("small_multiples", title, data, alt, draw, name=name, size=size)


def _panels_alt(data, x, y, panel, names, heads, units, title, subtitle, source) -> str:
    parts = [f"小多图：{title}", subtitle, "每个指标一幅小图，各有单位和纵轴"]
    items = []
    for name_ in names:
        mine = data[data[panel] == name_].reset_index(drop=True)
        part = mine[mine[y].notna()]
        last = part.iloc[-1]
        missing = int(mine.loc[part.index[0]:part.index[-1], y].isna().sum())  # gaps, not before
        gap = f"（有{missing}个月无数据）" if missing else ""
        items.append(f"{heads[name_]}：{period_cn(last[x])}为"
                     f"{mark(last[y], last['qualifier'])}{units[name_]}{gap}")
    parts.append("；".join(items))
    parts.append(f"数据来源：{source}" if source else "")
    return _sentence(parts)


def headline(value: float, *, label: str, title: str, subtitle: str = "", source: str = "",
             notes: Sequence[str] = (), unit: str = "", qualifier: str = "exact",
             context: str = "", alt: str | None = None, name: str = "headline",
             size: str = "web") -> Chart:
    """A card with one big number, what it counts, and one line of context.

    >>> card = headline(923, label="已完成新增托位", unit="个", title="托位超额完成",
    ...                 subtitle="萧山区，2023年9月", context="年度计划600个")
    >>> card.alt
    '数字卡片：托位超额完成。萧山区，2023年9月。已完成新增托位923个。年度计划600个。'
    """
    data = pd.DataFrame({"label": [label], "value": [float(value)], "qualifier": [qualifier],
                         "unit": [unit], "shown": [mark(value, qualifier)]})
    notes = _notes_for([qualifier], notes)
    if alt is None:
        alt = _sentence([f"数字卡片：{title}", subtitle,
                         f"{label}{mark(value, qualifier, style='text')}{unit}", context,
                         f"数据来源：{source}" if source else ""])

    def draw(size: Size) -> Figure:
        pt = 1 / 72
        big = size.title * 3.2
        height = (big * 1.2 + (size.subtitle * 1.4 if context else 0)) * pt
        frame = _frame(size, title=title, subtitle=subtitle, source=source, notes=notes,
                       plot_height=height, axes=False)
        fig = frame.fig
        h = fig.get_figheight()
        x0 = frame.plot_left / size.width
        y = 1 - (frame.plot_top + big * 0.05 * pt) / h
        number = mark(value, qualifier)
        fig.text(x0, y, _plain(number), ha="left", va="top", fontsize=big, fontweight="bold",
                 color=PALETTE[0])
        num_w = text_width(number, big, bold=True) * pt / size.width
        fig.text(x0 + num_w + size.body * 0.3 * pt / size.width, y - big * 0.55 * pt / h,
                 _plain(f"{unit} {label}".strip()), ha="left", va="center",
                 fontsize=size.subtitle * 1.3, color=TEXT)
        if context:
            fig.text(x0, y - big * 1.15 * pt / h, _plain(context), ha="left", va="top",
                     fontsize=size.subtitle, color=MUTED)
        return fig

    return Chart("headline", title, data, alt, draw, name=name, size=size)


# -- the monthly newsletter set ----------------------------------------------------------

FINE_KINDS = ("community", "village")
LEVELS = ("community", "street", "district")  # finest first


class Newsletter(NamedTuple):
    """The month's charts by file name, and the charts left out with the reason."""

    charts: dict[str, Chart]
    skipped: dict[str, str]


def _records(records: pd.DataFrame, period) -> pd.DataFrame:
    """Records up to ``period`` with the columns every builder below relies on."""
    missing = {"area", "period", "measure", "value"} - set(records.columns)
    if missing:
        raise UsageError("records", f"columns {', '.join(sorted(missing))} are missing",
                         "pass records as cs.load() or cs.clean() return them")
    df = records.copy()
    df["period"] = _months(df["period"]).to_numpy()
    df = df[df["period"] <= pd.Period(str(period), freq="M")]
    df["measure"] = df["measure"].astype(str)
    df["area"] = df["area"].astype(str)
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    df = df[df["value"].notna()]
    for col, default in (("group", ""), ("qualifier", "exact"), ("source", "")):
        df[col] = df[col].astype(object).fillna(default).astype(str) if col in df.columns else default
    if "domain" not in df.columns:
        domains = dict(zip(vocab.measures().measure, vocab.measures().domain, strict=True))
        df["domain"] = df["measure"].map(domains)
    return df.reset_index(drop=True)


@functools.cache
def _kinds() -> dict[str, str]:
    return dict(zip(vocab.areas().area, vocab.areas().kind, strict=True))


def _kind(area: str) -> str:
    kind = _kinds().get(area, "community")  # an unknown place is most likely a community
    return "community" if kind in FINE_KINDS else kind


def _level(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of the one area level with the most areas (finer wins a tie): never street + district."""
    if df.empty:
        return df
    kinds = df["area"].map(_kind)
    counts = {lv: df.loc[kinds == lv, "area"].nunique() for lv in LEVELS}
    best = max(LEVELS, key=lambda lv: (counts[lv], -LEVELS.index(lv)))
    return df[kinds == best]


def _total(df: pd.DataFrame) -> tuple[float, str] | None:
    """District figure if reported, else the sum of streets, else of communities."""
    if df.empty:
        return None
    kinds = df["area"].map(_kind)
    for level in ("district", "street", "community"):
        part = df[kinds == level]
        if not part.empty:
            return float(part["value"].sum()), combine_qualifiers(part["qualifier"])
    return None


def _sum_by(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Values summed per key, qualifiers combined, sources listed."""
    if df.empty:
        return pd.DataFrame(columns=[*keys, "value", "qualifier", "source"])
    return (df.groupby(keys, sort=True, observed=True)
              .agg(value=("value", "sum"), qualifier=("qualifier", combine_qualifiers),
                   source=("source", lambda s: "; ".join(dict.fromkeys(s))))
              .reset_index())


def credit(source: str | None = None, byline: str = "") -> str:
    """The footer line after "数据来源：": the editor's source (by default the returns the
    figures come from) and the byline, e.g. ``制图：区统计局``.

    >>> credit()
    '萧山区各街道、社区报表'
    >>> credit("区民政局月报", "制图：区统计局")
    '区民政局月报　制图：区统计局'
    """
    text = _clean(source).strip() if source else figures.SOURCE
    byline = _clean(byline).strip() if byline else ""
    return f"{text}　{byline}" if byline else text


def _label(measure: str) -> str:
    labels = dict(zip(vocab.measures().measure, vocab.measures().label, strict=True))
    return re.sub(r"（.*?）", "", labels.get(measure, measure))


def _partner_chart(df: pd.DataFrame, measure: str, period: pd.Period, source: str) -> Chart | str:
    rows = df[df["measure"] == measure]
    if rows.empty:
        return f"没有{_label(measure)}的数据"
    rows = _level(rows)
    per = _sum_by(rows, ["area", "period"])
    unit, label = UNITS[measure], _label(measure)
    latest = per.sort_values("period").groupby("area").tail(1).sort_values("value", ascending=False)
    keep = list(latest["area"][:6])
    scope = "各社区" if rows["area"].map(_kind).eq("community").all() else "各地区"
    notes = [f"另有{len(latest) - 6}个{scope[1:]}未显示（按最新数值取前6个）。"] if len(latest) > 6 else []
    per = per[per["area"].isin(keep)]
    first = per["period"].min()
    span = period_cn(first) + ("" if first == period else f"—{period_cn(period)}")
    subtitle = f"{label}（{unit}），{scope}，{span}"
    growth = []
    for area, part in per.sort_values("period").groupby("area", sort=False):
        if len(part) > 1:
            a, b = part.iloc[0], part.iloc[-1]
            growth.append((b["value"] - a["value"], area, a, b))
    if growth:
        change, area, a, b = max(growth, key=lambda g: (g[0], g[1]))
        verb = "增至" if change > 0 else ("降至" if change < 0 else "保持在")
        from_ = "" if change == 0 else f"由{mark(a['value'], a['qualifier'], style='text')}{unit}"
        title = f"{area}{label}{from_}{verb}{mark(b['value'], b['qualifier'], style='text')}{unit}"
        data = per.assign(period=per["period"].astype(str))
        return line(data, x="period", y="value", series="area", title=title, subtitle=subtitle,
                    source=source, notes=notes, unit=unit, name=f"partners_{measure}")
    top = latest.iloc[0]
    title = (f"{top['area']}{label}最多，为{mark(top['value'], top['qualifier'], style='text')}{unit}"
             if len(latest) > 1 else
             f"{top['area']}有{label}{mark(top['value'], top['qualifier'], style='text')}{unit}")
    data = per[per["period"] == per["period"].max()].assign(period=lambda d: d["period"].astype(str))
    return bar(data, x="area", y="value", title=title, subtitle=subtitle, source=source,
               notes=notes, unit=unit, name=f"partners_{measure}")


def _childcare_chart(df: pd.DataFrame, target: str, added: str, period: pd.Period,
                     what: str, source: str, left: Gaps) -> Chart | str:
    now = df[(df["period"] == period) & df["measure"].isin([target, added])]
    if now[now["measure"] == added].empty:
        return f"{period_cn(period)}没有{_label(added)}的数据"
    rows = _level(now)
    per = _sum_by(rows, ["area", "measure"])
    names = {added: f"已完成{what}", target: f"计划{what}"}
    per["series"] = per["measure"].map(names)
    per = per.sort_values("measure", key=lambda m: m.map({added: 0, target: 1}), kind="stable")
    done = _total(now[now["measure"] == added])
    goal = _total(now[now["measure"] == target])
    title = f"全区已完成{what}{mark(*done, style='text')}个"
    if goal and goal[0] > 0:
        title += f"，为年度计划的{done[0] / goal[0]:.0%}"
    scope = {"district": "萧山区", "street": "各街道", "community": "各社区"}[_kind(rows["area"].iloc[0])]
    gap = left.text([target, added])
    return bar(per, x="area", y="value", series="series", sort=True, title=title,
               subtitle=f"计划与已完成{what}（个），{scope}，截至{period_cn(period)}",
               notes=[f"全区合计{gap}。"] if gap else [], source=source, unit="个",
               name="childcare")


def _volunteer_chart(df: pd.DataFrame, period: pd.Period, source: str) -> Chart | str:
    rows = df[(df["period"] == period) & (df["measure"] == "volunteers")]
    if rows.empty:
        return f"{period_cn(period)}没有志愿者人数的数据"
    per = _sum_by(rows.assign(team=rows["group"].where(rows["group"] != "", rows["area"])),
                  ["team", "area"])
    dup = per["team"].duplicated(keep=False)
    per.loc[dup, "team"] = per.loc[dup, "team"] + "（" + per.loc[dup, "area"] + "）"
    top = per.sort_values(["value", "team"], ascending=[False, True]).iloc[0]
    v = mark(top["value"], top["qualifier"], style="text")
    title = (f"{top['team']}人数最多，为{v}人" if len(per) > 1 else f"{top['team']}有志愿者{v}人")
    return bar(per, x="team", y="value", title=title,
               subtitle=f"志愿者人数（人），各志愿队伍，{period_cn(period)}",
               source=source, unit="人", kind_word="支队伍", name="volunteers_teams")


def _with_gap(context: str, left: Gaps, measures: Sequence[str]) -> str:
    """The card's context line, then what its totals leave out: ``合计不含…`` when every
    figure leaves out the same areas, else per figure (``居民合伙人不含…；团体合伙人不含…``)."""
    texts = {m: left.text([m]) for m in measures}
    if len(set(texts.values())) == 1:
        gap = f"合计{texts[measures[0]]}" if texts[measures[0]] else ""
    else:
        gap = "；".join(f"{_label(m)}{t}" for m, t in texts.items() if t)
    return "；".join(p for p in (context, gap) if p)


def _headlines(df: pd.DataFrame, period: pd.Period, source: str, left: Gaps) -> dict[str, Chart | str]:
    """One card per domain. Every figure on a card is named for what it is, persons (位) and
    organisations (家) are never added up, and a total that leaves out an area says so."""
    now = df[df["period"] == period]
    out: dict[str, Chart | str] = {}

    def total(measure):
        return _total(now[now["measure"] == measure])

    def said(measure, figure):
        return f"{_label(measure)}{mark(*figure)}{UNITS[measure]}"

    resident, group = total("resident_partners"), total("group_partners")
    parts = [(m, p) for m, p in (("resident_partners", resident), ("group_partners", group)) if p]
    if parts:
        (big, figure), rest = parts[0], parts[1:]
        out["headline_partners"] = headline(
            figure[0], qualifier=figure[1], unit=UNITS[big], label=_label(big),
            context=_with_gap("，".join(said(m, p) for m, p in rest), left, [m for m, _ in parts]),
            title="，".join(said(m, p) for m, p in parts),
            subtitle=f"居民合伙人（位）与团体合伙人（家），萧山区，{period_cn(period)}",
            source=source, name="headline_partners")
    else:
        out["headline_partners"] = f"{period_cn(period)}没有合伙人的数据"

    done, goal = total("slots_added"), total("slots_target")
    inclusive, inclusive_goal = total("inclusive_slots_added"), total("inclusive_slots_target")
    if done:
        title = f"已完成新增托位{mark(*done)}个"
        context = []
        if goal and goal[0] > 0:
            title = f"新增托位已完成年度计划的{done[0] / goal[0]:.0%}"
            context.append(f"年度计划{mark(*goal)}个")
        if inclusive:
            planned = f"（计划{mark(*inclusive_goal)}个）" if inclusive_goal else ""
            context.append(f"其中普惠托位已完成{mark(*inclusive)}个{planned}")
        measures = ["slots_added", "slots_target", "inclusive_slots_added",
                    "inclusive_slots_target"]
        out["headline_childcare"] = headline(
            done[0], qualifier=done[1], unit="个", label="已完成新增托位",
            context=_with_gap("，".join(context), left, measures), title=title,
            subtitle=f"已完成新增托位（个），萧山区，截至{period_cn(period)}",
            source=source, name="headline_childcare")
    else:
        out["headline_childcare"] = f"{period_cn(period)}没有已完成新增托位的数据"

    vol = now[now["measure"] == "volunteers"]
    if not vol.empty:
        value, q = float(vol["value"].sum()), combine_qualifiers(vol["qualifier"])
        teams = vol.assign(t=vol["group"].where(vol["group"] != "", vol["area"]))["t"].nunique()
        out["headline_volunteers"] = headline(
            value, qualifier=q, unit="人", label="志愿者",
            context=_with_gap(f"来自{teams}支志愿队伍", left, ["volunteers"]),
            title=f"{teams}支队伍共有志愿者{mark(value, q)}人",
            subtitle=f"志愿者人数（人），萧山区，{period_cn(period)}",
            source=source, name="headline_volunteers")
    else:
        out["headline_volunteers"] = f"{period_cn(period)}没有志愿者人数的数据"
    return out


def newsletter(records: pd.DataFrame, period, *, issues: pd.DataFrame | None = None,
               source: str | None = None, byline: str = "") -> Newsletter:
    """The month's newsletter charts from tidy records (``cs.load()`` output or alike).

    Partner growth (resident and group partners), childcare target vs added (all
    and 普惠), volunteers by team, and one headline card per domain. A chart whose
    data is missing is left out, with the reason in ``skipped``. ``issues``
    (:func:`civicstats.store.issues`) lets the cards say which area a total leaves out
    because its figure was rejected; areas not sent this month are said without it.
    ``source`` replaces the source line (default ``萧山区各街道、社区报表``); ``byline``
    (``制图：区统计局``) is printed after it.

    >>> from civicstats import vocab
    >>> nl = newsletter(vocab.published(), "2023-09")
    >>> list(nl.charts)[:3]
    ['partners_resident', 'partners_group', 'childcare_slots']
    >>> nl.charts["childcare_slots"].title
    '全区已完成新增托位923个，为年度计划的154%'
    >>> nl.skipped
    {}
    """
    try:
        p = pd.Period(str(period), freq="M")
    except ValueError:
        raise UsageError(str(period), "is not a month", "give the period as YYYY-MM") from None
    df = _records(records, p)
    if df[df["period"] == p].empty:
        raise UsageError(str(period), f"there are no records for {p}",
                         "ingest that month's files first (civicstats ingest data/raw) "
                         "or pick a month the store has (civicstats status)")
    line_ = credit(source, byline)
    left = gaps(df, p, issues)
    built: dict[str, Chart | str] = {
        "partners_resident": _partner_chart(df, "resident_partners", p, line_),
        "partners_group": _partner_chart(df, "group_partners", p, line_),
        "childcare_slots": _childcare_chart(df, "slots_target", "slots_added", p, "新增托位",
                                            line_, left),
        "childcare_inclusive": _childcare_chart(
            df, "inclusive_slots_target", "inclusive_slots_added", p, "普惠托位", line_, left),
        "volunteers_teams": _volunteer_chart(df, p, line_),
        **_headlines(df, p, line_, left),
    }
    charts = {k: v for k, v in built.items() if isinstance(v, Chart)}
    for name, chart in charts.items():
        chart.name = name
    skipped = {k: v for k, v in built.items() if isinstance(v, str)}
    return Newsletter(charts, skipped)


def save_newsletter(nl: Newsletter, out_dir, *, formats: Iterable[str] = FORMATS,
                    size: str = "web") -> list[Path]:
    """Write every chart of ``nl`` into ``out_dir`` and an ``index.txt`` listing them and the gaps."""
    out = Path(out_dir)
    formats = _formats(formats)
    _size(size)
    paths = []
    lines = []
    for name, chart in nl.charts.items():
        paths += chart.save(out, name, formats, size)
        lines.append(f"{name}\t{chart.title}\t{chart.alt}")
    for name, reason in nl.skipped.items():
        lines.append(f"{name}\t未生成：{reason}\t")
    paths.append(_write_bytes(out / "index.txt", ("\n".join(lines) + "\n").encode("utf-8")))
    return paths


def export_newsletter(records: pd.DataFrame, period, out_dir, *,
                      formats: Iterable[str] = FORMATS, size: str = "web",
                      issues: pd.DataFrame | None = None, source: str | None = None,
                      byline: str = "") -> list[Path]:
    """Build and write the month's newsletter set; return the files written.

    ``issues``, ``source`` and ``byline`` as for :func:`newsletter`.

    >>> import tempfile
    >>> from civicstats import vocab
    >>> paths = export_newsletter(vocab.published(), "2023-09", tempfile.mkdtemp(), formats=["svg"])
    >>> sorted(p.name for p in paths if p.suffix == ".svg")[:2]
    ['childcare_inclusive.svg', 'childcare_slots.svg']
    """
    nl = newsletter(records, period, issues=issues, source=source, byline=byline)
    return save_newsletter(nl, out_dir, formats=formats, size=size)
