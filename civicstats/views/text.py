"""Tables and text as readers see them: figures with their qualifier, Chinese headings, escaping.

>>> format_value(10, "at_least"), format_value(183, "approx")
('10余', '约183')
"""

import html
import re

import pandas as pd

from civicstats import figures
from civicstats.coverage import Note, month_words
from civicstats.messages import N_, say
from civicstats.views.base import _labels, percent

__all__ = [
    "MARKS", "MONTH_COLUMNS", "COLUMN_LABELS", "VALUE_LABELS", "NEW_THIS_MONTH",
    "NOT_LAST_MONTH", "NOT_THIS_MONTH", "UNCHECKED", "SHARE_COLUMNS", "markdown_text",
    "Heading", "heading", "source_text", "format_value", "_number", "_month", "_heading",
    "_words", "table", "chart", "_FIGURE", "_figures",
]


MARKS = figures.MARKS
"""How a qualified figure is written, in tables as on charts: ``10余``, ``约300``, ``不足5``."""

MONTH_COLUMNS = {"period", "since", "last_reported"}
"""Columns that hold a month (``2023-09``), shown as ``2023年9月``."""


COLUMN_LABELS = {
    "area": "地区", "group": "队伍/单位", "domain": "领域", "period": "月份",
    "measure": "指标代码", "label": "指标", "indicator": "指标", "value": "数值",
    "qualifier": "精度", "display": "本月", "previous": "上月", "change": "较上月",
    "change_text": "较上月", "change_pct": "变化率", "completion": "完成率",
    "inclusive_completion": "普惠完成率", "inclusive_share": "普惠占比",
    "last_reported": "最近报送月份", "since": "起始月份", "first": "起始", "now": "本月",
    "growth": "增长", "file": "文件", "source": "位置", "severity": "级别", "rule": "规则",
    "raw": "原始内容", "message": "说明", "parameter": "参数", "from": "来源",
    "column": "字段", "dtype": "类型", "ingested_at": "入库时间",
}
"""Chinese column headings for the derived columns; measure ids use the vocabulary's label."""


VALUE_LABELS = {
    "domain": {"partners": "社区合伙人", "childcare": "托位建设", "volunteers": "志愿服务"},
    "severity": {"error": "错误", "warning": "提醒"},
}
"""Codes shown as words in a table cell, per column (other values are shown as they are)."""


NEW_THIS_MONTH = N_("new this month")
"""The change text of an area's (or a measure's) first report ever: 本月新增."""

NOT_LAST_MONTH = N_("not reported last month")
"""The change text of a figure whose area skipped last month and came back: 上月未报送."""

NOT_THIS_MONTH = N_("not reported this month")
"""Shown under 本月 for an area that reported before but not this month: 本月未报送."""

UNCHECKED = N_("figure to be checked")
"""Shown under 本月 for a figure rejected this month (an open error on its cell): 数据待核实."""


SHARE_COLUMNS = {"completion", "inclusive_completion", "inclusive_share", "share"}
"""Columns that hold a share (0.62) when numeric, shown as a percentage (62.0%)."""


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~])")


def markdown_text(text) -> str:
    """Text from data made safe to put into Markdown: shown as written, never markup.

    HTML is escaped (``<script>`` stays text) and Markdown punctuation gets a backslash
    (``*bold*`` or ``[link](x)`` in an area name is not formatted); one line only.

    >>> print(markdown_text("<script>alert(1)</script>"))
    &lt;script&gt;alert\\(1\\)&lt;/script&gt;
    >>> print(markdown_text("*a* [b](c)"))
    \\*a\\* \\[b\\]\\(c\\)
    """
    one_line = " ".join(str(text).split())
    return html.escape(_MD_SPECIAL.sub(r"\\\1", one_line), quote=False)


class Heading:
    """A heading a notebook shows with text from data (an area, a period), always escaped.

    Jupyter and the HTML report show it as ``<hN>`` with the text escaped; its Markdown
    form escapes Markdown too. Build it with :func:`heading`.
    """

    def __init__(self, text, level: int = 2):
        self.text, self.level = " ".join(str(text).split()), min(max(int(level), 1), 6)

    def _repr_html_(self) -> str:
        return f"<h{self.level}>{html.escape(self.text)}</h{self.level}>"

    def _repr_markdown_(self) -> str:
        return "#" * self.level + " " + markdown_text(self.text)

    def __repr__(self) -> str:
        return self.text


def heading(*parts, level: int = 2, sep: str = " · ") -> Heading:
    """A notebook heading from data, e.g. ``views.heading(area, period)``: never live markup.

    >>> heading("<script>alert(1)</script>", "2023-09")._repr_html_()
    '<h2>&lt;script&gt;alert(1)&lt;/script&gt; · 2023-09</h2>'
    >>> heading("天悦社区", "2023-09", level=3)._repr_markdown_()
    '### 天悦社区 · 2023-09'
    """
    return Heading(sep.join(str(p) for p in parts), level)


def source_text(period=None) -> str:
    """The source line of a report chart, as an editor prints it (the chart adds "数据来源：").

    >>> source_text("2023-09")
    '萧山区各街道、社区报表'
    """
    return figures.SOURCE


def format_value(value, qualifier: str = "exact") -> str:
    """A figure as people write it, as the charts do: thousands separators, ``10余``, ``约300``.

    >>> format_value(1234.0), format_value(300, "approx"), format_value(0.5), format_value(5, "at_most")
    ('1,234', '约300', '0.5', '不足5')
    >>> format_value(float("nan"))
    '—'
    """
    return figures.mark(value, qualifier)


def _number(value) -> str:
    # a count stays a count: 120.0 is written 120, 1234 as 1,234; fractions keep one decimal
    return figures.number(value)


def _month(value) -> str:
    text = str(value)
    return month_words(text) if re.fullmatch(r"\d{4}-\d{2}", text) else text


def _heading(labels: dict):
    return lambda name: labels.get(name, name)


def _words(words: dict):
    return lambda value: words.get(value, value)


def table(df: pd.DataFrame, labels: dict | None = None, *, empty: str = "", caption: str = ""):
    """A table as readers see it: a pandas Styler with no 0,1,2… index and Chinese headings.

    A table with no rows is one sentence (``empty``, or "nothing to show this month"),
    never bare headings.

    Whole numbers get thousands separators and no decimals (``120.0`` -> ``120``),
    numeric shares are percentages (``0.62`` -> ``62.0%``), text such as ``10余`` or
    ``约183`` is shown as it is, a ``value`` with a ``qualifier`` column becomes one
    figure (``10余``). Headings come from ``labels``, then :data:`COLUMN_LABELS`, then the
    vocabulary's measure labels. Every cell and heading is HTML-escaped: an area called
    ``<script>`` is text. A meaningful index (e.g. months) becomes the first column. Months
    (``period``, ``since``, ``last_reported``) read ``2023年9月``, as on the charts. ``caption``
    is a sentence under the table (what a column compares, what a total leaves out).

    >>> t = table(pd.DataFrame({"period": ["2023-09"], "value": [1.0]}), caption="注：x")
    >>> "2023年9月" in t.to_html() and "caption-side: bottom" in t.to_html()
    True

    >>> html = table(pd.DataFrame({"area": ["<b>x</b>"], "slots_added": [1234.0],
    ...                            "inclusive_share": [0.62]})).to_html()
    >>> "1,234" in html and "62.0%" in html and "&lt;b&gt;x&lt;/b&gt;" in html
    True
    >>> "已完成新增托位" in html and "普惠占比" in html and "<b>x" not in html
    True
    """
    if len(df) == 0 or len(df.columns) == 0:
        return Note(empty or say("nothing to show for this month"))
    if not (isinstance(df.index, pd.RangeIndex) and df.index.name is None):
        df = df.reset_index()
    if {"value", "qualifier"} <= set(df.columns):
        df = df.assign(value=[format_value(v, q) for v, q in
                              zip(df["value"], df["qualifier"].astype(str), strict=True)])
        df = df.drop(columns="qualifier")
    names = {**_labels(), **COLUMN_LABELS, **(labels or {})}
    formats = {}
    for col in df.columns:
        if pd.api.types.is_bool_dtype(df[col]):
            continue
        if col in SHARE_COLUMNS and pd.api.types.is_numeric_dtype(df[col]):
            formats[col] = percent
        elif pd.api.types.is_numeric_dtype(df[col]):
            formats[col] = _number
        elif col in VALUE_LABELS:
            formats[col] = _words(VALUE_LABELS[col])
        elif col in MONTH_COLUMNS:
            formats[col] = _month
    styler = (df.style
              .format(formats, na_rep="—", escape="html")
              # headings may come from data too (an area per column): escaped as well
              .format_index(_heading(names), axis=1, escape="html")
              .hide(axis="index"))
    # figures right-aligned so digits line up, text left; headings follow their column
    styles = {c: [{"selector": sel, "props": [("text-align", "right" if _figures(df[c])
                                                else "left")]} for sel in ("th", "td")]
              for c in df.columns}
    styler = styler.set_table_styles(styles, overwrite=False) if styles else styler
    if caption:
        styler = styler.set_caption(html.escape(caption)).set_table_styles(
            [{"selector": "caption", "props": [("caption-side", "bottom"), ("text-align", "left"),
                                               ("font-size", "0.9em"), ("color", "#505A5F")]}],
            overwrite=False)
    return styler


def chart(kind: str, data: pd.DataFrame, *, y: str = "value", **options):
    """A house-style chart (``cs.charts.bar``/``line``), or one sentence when ``data`` holds
    no value to draw, so that a report page for a month with little data still renders.

    >>> chart("bar", pd.DataFrame({"area": [], "value": []}), x="area", title="各社区")
    本月没有可绘制的数据：各社区
    """
    from civicstats import charts

    if len(data) == 0 or y not in data or data[y].notna().sum() == 0:
        return Note(say("no data to draw this month: {title}", title=options.get("title", "")))
    return getattr(charts, kind)(data, y=y, **options)


_FIGURE = re.compile(r"^(—|[约不足+\-−]*[\d,.]+[余%]?( \([+\-\d.,%]+\))?)$")


def _figures(column: pd.Series) -> bool:
    """Whether a column holds figures (numbers, or texts like ``10余``, ``62.0%``, ``+2 (+1.1%)``).

    A column of figures with a word in some rows (``本月新增``, ``本月未报送``) is still figures
    when most of its cells are numbers.

    >>> _figures(pd.Series(["10余", "约183", "不足5", "—"])), _figures(pd.Series(["天悦社区"]))
    (True, False)
    """
    if pd.api.types.is_bool_dtype(column):
        return False
    if pd.api.types.is_numeric_dtype(column):
        return True
    texts = column.dropna().astype(str)
    if len(texts) == 0:
        return False
    figures_ = texts.str.match(_FIGURE)
    return bool(figures_.all()) or (bool(figures_.any()) and bool(texts[~figures_].str.fullmatch(
        r"[\u4e00-\u9fff（）]+").all()) and figures_.mean() >= 0.5)
