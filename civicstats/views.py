"""What the report notebooks show, as pure functions over the records DataFrame.

Every function takes the records from :func:`civicstats.store.load` (columns
``area, group, period, measure, value, qualifier, source, domain, ...``) and
returns a small DataFrame or a string, so that a notebook cell is one call and
the logic is tested here, not in notebooks.

>>> recs = example_records()
>>> format_value(10, "at_least")
'10+'
>>> month_totals(recs, "2023-09").set_index("measure").loc["resident_partners", "display"]
'20'
"""

import html
import math
import re

import pandas as pd

from civicstats.coverage import Note, coverage_table, domain_status  # noqa: F401 - for notebooks
from civicstats.messages import say
from civicstats.values import combine_qualifiers

MARKS = {"exact": "{v}", "at_least": "{v}+", "approx": "~{v}", "at_most": "<={v}"}
"""How a qualified figure is written: ``10余`` is shown as ``10+``, ``约300`` as ``~300``."""


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

NEW_THIS_MONTH = "本月新增"
"""The change text of a figure with nothing to compare last month."""

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


def example_records() -> pd.DataFrame:
    """A tiny records frame in the store's shape, for examples and tests.

    >>> example_records().columns.tolist()[:7]
    ['area', 'group', 'period', 'measure', 'value', 'qualifier', 'source']
    """
    rows = [
        # area, group, period, domain, measure, value, qualifier
        ("天悦社区", "", "2023-08", "partners", "resident_partners", 18, "exact"),
        ("天悦社区", "", "2023-09", "partners", "resident_partners", 20, "exact"),
        ("天悦社区", "", "2023-09", "partners", "group_partners", 35, "exact"),
        ("工人路社区", "", "2023-08", "partners", "group_partners", 10, "at_least"),
        ("工人路社区", "", "2023-09", "partners", "group_partners", 10, "at_least"),
        ("萧山区", "", "2023-09", "childcare", "slots_target", 600, "exact"),
        ("萧山区", "", "2023-09", "childcare", "inclusive_slots_target", 360, "exact"),
        ("萧山区", "", "2023-09", "childcare", "slots_added", 923, "exact"),
        ("萧山区", "", "2023-09", "childcare", "inclusive_slots_added", 568, "exact"),
        ("北干街道", "", "2023-09", "childcare", "slots_added", 200, "exact"),
        ("北干街道", "", "2023-09", "childcare", "slots_target", 150, "exact"),
        ("新街街道", "讲师团", "2023-09", "volunteers", "volunteers", 39, "exact"),
    ]
    df = pd.DataFrame(rows, columns=["area", "group", "period", "domain", "measure", "value",
                                     "qualifier"])
    df["period"] = pd.PeriodIndex(df["period"], freq="M")
    df["value"] = df["value"].astype("float64")
    df["source"] = "example.csv#example!A1"
    return df[["area", "group", "period", "measure", "value", "qualifier", "source", "domain"]]


def source_text(period) -> str:
    """The source line of a report chart (the chart adds "数据来源：" in front).

    >>> source_text("2023-09")
    '2023-09 各街道、社区报表；civicstats 整理'
    """
    return f"{period} 各街道、社区报表；civicstats 整理"


def format_value(value, qualifier: str = "exact") -> str:
    """A figure as people write it: thousands separators, ``10+`` for at-least figures.

    >>> format_value(1234.0), format_value(300, "approx"), format_value(0.5)
    ('1,234', '~300', '0.5')
    >>> format_value(float("nan"))
    '—'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return MARKS.get(str(qualifier), "{v}").format(v=v)


def _period(period) -> pd.Period:
    return pd.Period(str(period), freq="M")


def _parents() -> dict[str, str]:
    from civicstats import vocab

    areas = vocab.areas()
    return {a: p for a, p in zip(areas.area, areas.parent, strict=True) if p}


def _ancestors(area: str, parents: dict[str, str]) -> set[str]:
    out, seen = set(), area
    while seen in parents and seen not in out:
        seen = parents[seen]
        out.add(seen)
    return out


def top_level(records: pd.DataFrame) -> pd.DataFrame:
    """Only the records whose area has no ancestor reporting the same measure.

    A district figure already includes its streets, and a street its
    communities: summing all of them would count twice.

    >>> r = top_level(example_records())
    >>> sorted(r.loc[r.measure == "slots_added", "area"])
    ['萧山区']
    """
    if records.empty:
        return records
    parents = _parents()
    keep = []
    for _key, part in records.groupby(["period", "measure"], observed=True,
                                     sort=False):
        present = set(part.area)
        for idx, area in zip(part.index, part.area, strict=True):
            if not (_ancestors(area, parents) & present):
                keep.append(idx)
    return records.loc[sorted(keep)]


def month_totals(records: pd.DataFrame, period) -> pd.DataFrame:
    """One row per domain and measure for the month: value, qualifier, display text.

    >>> month_totals(example_records(), "2023-09")[["measure", "display"]].head(3).values.tolist()
    [['resident_partners', '20'], ['group_partners', '45+'], ['slots_target', '600']]
    """
    month = top_level(records[records.period == _period(period)])
    cols = ["domain", "measure", "label", "value", "qualifier", "display"]
    if month.empty:
        return pd.DataFrame(columns=cols)
    out = (month.groupby(["domain", "measure"], observed=True, sort=False)
           .agg(value=("value", "sum"), qualifier=("qualifier", combine_qualifiers))
           .reset_index())
    out["label"] = out.measure.astype(str).map(_labels())
    out["display"] = [format_value(v, q) for v, q in zip(out.value, out.qualifier, strict=True)]
    return _in_vocab_order(out)[cols]


def _labels() -> dict[str, str]:
    from civicstats import vocab

    m = vocab.measures()
    return dict(zip(m.measure, m.label, strict=True))


def _in_vocab_order(df: pd.DataFrame) -> pd.DataFrame:
    from civicstats import vocab

    order = {m: i for i, m in enumerate(vocab.measures().measure)}
    key = df.measure.astype(str).map(order).fillna(len(order))
    return df.assign(_k=key).sort_values(["_k"], kind="stable").drop(columns="_k").reset_index(
        drop=True)


def change_vs_last_month(records: pd.DataFrame, period) -> pd.DataFrame:
    """Month totals, and the change against last month counted like for like.

    ``value`` is the month's total over every area that reported; ``previous``
    and ``change`` count only the areas (and groups) that reported the measure in
    both months, so that an area missing one month does not look like a drop.

    >>> ch = change_vs_last_month(example_records(), "2023-09").set_index("measure")
    >>> ch.loc["resident_partners", ["value", "previous", "change"]].tolist()
    [20.0, 18.0, 2.0]
    >>> ch.loc["resident_partners", "change_text"]
    '+2 (+11.1%)'
    >>> ch.loc["group_partners", ["value", "previous", "change"]].tolist()  # 天悦 is new
    [45.0, 10.0, 0.0]
    """
    p = _period(period)
    now = month_totals(records, p)
    cur = top_level(records[records.period == p])
    old = top_level(records[records.period == p - 1])
    keys = ["measure", "area", "group"]
    both = cur.merge(old[keys + ["value"]], on=keys, suffixes=("", "_prev"))
    both["measure"] = both.measure.astype(str)
    sums = both.groupby("measure").agg(now_common=("value", "sum"),
                                       previous=("value_prev", "sum")).reset_index()
    out = now.assign(measure=now.measure.astype(str)).merge(sums, on="measure", how="left")
    out["change"] = out.now_common - out.previous
    out["change_pct"] = (out.change / out.previous.where(out.previous != 0)) * 100
    out["change_text"] = [_change_text(c, p_) for c, p_ in
                          zip(out.change, out.change_pct, strict=True)]
    return out.drop(columns="now_common")


def _change_text(change, pct) -> str:
    if pd.isna(change):
        return NEW_THIS_MONTH
    text = f"{change:+,.0f}" if float(change).is_integer() else f"{change:+,.1f}"
    return text + ("" if pd.isna(pct) else f" ({pct:+.1f}%)")


def completion_rate(done, target) -> float:
    """Done as a share of the target (0.0-…); NaN without a target.

    >>> completion_rate(923, 600)
    1.5383333333333333
    >>> completion_rate(5, 0)
    nan
    """
    if target is None or pd.isna(target) or target == 0 or done is None or pd.isna(done):
        return float("nan")
    return float(done) / float(target)


def percent(share) -> str:
    """A share as a percentage text.

    >>> percent(0.6153), percent(float("nan"))
    ('61.5%', '—')
    """
    return "—" if share is None or pd.isna(share) else f"{share * 100:.1f}%"


def childcare_progress(records: pd.DataFrame, period) -> pd.DataFrame:
    """Per area and for the district: target, added, completion rate, 普惠 target/added/share.

    >>> cp = childcare_progress(example_records(), "2023-09").set_index("area")
    >>> cp.loc["萧山区", ["completion", "inclusive_share"]].tolist()
    ['153.8%', '61.5%']
    """
    month = records[(records.period == _period(period)) & (records.domain == "childcare")]
    measures = ["slots_target", "slots_added", "inclusive_slots_target", "inclusive_slots_added",
                "growth_stations"]
    cols = ["area", *measures, "completion", "inclusive_completion", "inclusive_share"]
    if month.empty:
        return pd.DataFrame(columns=cols)
    wide = (month.pivot_table(index="area", columns="measure", values="value", aggfunc="sum",
                              observed=True)
            .reindex(columns=measures))
    wide.columns = list(wide.columns)
    wide = wide.reset_index()
    wide["completion"] = [percent(completion_rate(d, t)) for d, t in
                          zip(wide.slots_added, wide.slots_target, strict=True)]
    wide["inclusive_completion"] = [percent(completion_rate(d, t)) for d, t in
                                    zip(wide.inclusive_slots_added, wide.inclusive_slots_target,
                                        strict=True)]
    wide["inclusive_share"] = [percent(completion_rate(i, a)) for i, a in
                               zip(wide.inclusive_slots_added, wide.slots_added, strict=True)]
    return wide[cols]


def areas_not_reported(records: pd.DataFrame, period) -> pd.DataFrame:
    """Areas that reported a domain in an earlier month but not in this one.

    >>> recs = example_records()
    >>> later = recs[recs.period == pd.Period("2023-09", "M")].assign(period=pd.Period("2023-10", "M"))
    >>> gone = areas_not_reported(pd.concat([recs, later[later.area != "工人路社区"]]), "2023-10")
    >>> gone.values.tolist()
    [['partners', '工人路社区', '2023-09']]
    """
    p = _period(period)
    earlier = records[records.period < p]
    now = records[records.period == p]
    rows = []
    for domain, part in earlier.groupby("domain", sort=True, observed=True):
        reported = set(now.loc[now.domain == domain, "area"])
        last = part.groupby("area", observed=True).period.max()
        for area, when in last.items():
            if area not in reported:
                rows.append((domain, area, str(when)))
    return pd.DataFrame(rows, columns=["domain", "area", "last_reported"])


def areas_reported(records: pd.DataFrame, period) -> list[str]:
    """The areas with at least one record in the month, sorted.

    >>> areas_reported(example_records(), "2023-08")
    ['天悦社区', '工人路社区']
    """
    return sorted(set(records.loc[records.period == _period(period), "area"]))


def over_time(records: pd.DataFrame, measure: str, *, by: str = "area",
              until=None) -> pd.DataFrame:
    """A measure as a table: one row per month, one column per area (or group).

    >>> over_time(example_records(), "resident_partners").loc["2023-09", "天悦社区"]
    np.float64(20.0)
    """
    part = records[records.measure == measure]
    if until is not None:
        part = part[part.period <= _period(until)]
    if part.empty:
        return pd.DataFrame()
    wide = part.pivot_table(index="period", columns=by, values="value", aggfunc="sum",
                            observed=True)
    wide.index = wide.index.astype(str)
    wide.columns = list(wide.columns)
    return wide


def growth_since_start(records: pd.DataFrame, measure: str, period) -> pd.DataFrame:
    """Per area: first month and value, this month's value, growth, with ``+`` for at-least.

    >>> g = growth_since_start(example_records(), "resident_partners", "2023-09")
    >>> g[["area", "first", "now", "growth"]].values.tolist()
    [['天悦社区', '18', '20', '+2']]
    """
    part = records[(records.measure == measure) & (records.period <= _period(period))]
    rows = []
    for area, g in part.groupby("area", sort=True, observed=True):
        g = g.groupby("period", observed=True).agg(
            value=("value", "sum"), qualifier=("qualifier", combine_qualifiers)).sort_index()
        first, last = g.iloc[0], g.iloc[-1]
        rows.append((area, str(g.index[0]), format_value(first.value, first.qualifier),
                     format_value(last.value, last.qualifier),
                     _change_text(last.value - first.value, float("nan")).split(" ")[0]))
    return pd.DataFrame(rows, columns=["area", "since", "first", "now", "growth"])


def by_group(records: pd.DataFrame, period, domain: str = "volunteers") -> pd.DataFrame:
    """The month's figures per area and group (team, provider), measures as columns, as text.

    >>> by_group(example_records(), "2023-09").values.tolist()
    [['新街街道', '讲师团', '39']]
    """
    month = records[(records.period == _period(period)) & (records.domain == domain)]
    if month.empty:
        return pd.DataFrame(columns=["area", "group"])
    month = month.assign(display=[format_value(v, q) for v, q in
                                  zip(month.value, month.qualifier, strict=True)])
    wide = month.pivot_table(index=["area", "group"], columns="measure", values="display",
                             aggfunc="first", observed=True)
    labels = _labels()
    wide = wide.reindex(columns=[m for m in labels if m in wide.columns])
    wide.columns = [labels[m] for m in wide.columns]
    return wide.reset_index()


def area_profile(records: pd.DataFrame, area: str, period) -> pd.DataFrame:
    """Everything one area reported for the month, with last month and the change.

    >>> ap = area_profile(example_records(), "天悦社区", "2023-09")
    >>> ap[["label", "display", "previous", "change"]].values.tolist()[0]
    ['居民合伙人', '20', '18', '+2 (+11.1%)']
    """
    p = _period(period)
    mine = records[records.area == area]
    cols = ["domain", "group", "measure", "label", "display", "previous", "change"]
    now = mine[mine.period == p]
    if now.empty:
        return pd.DataFrame(columns=cols)
    before = mine[mine.period == p - 1]
    prev = {(g, m): v for g, m, v in zip(before.group, before.measure.astype(str), before.value,
                                         strict=True)}
    labels = _labels()
    rows = []
    for r in now.itertuples():
        old = prev.get((r.group, str(r.measure)))
        change = float("nan") if old is None else r.value - old
        pct = float("nan") if not old else change / old * 100
        rows.append((r.domain, r.group, str(r.measure), labels.get(str(r.measure), str(r.measure)),
                     format_value(r.value, r.qualifier),
                     "—" if old is None else format_value(old),
                     NEW_THIS_MONTH if old is None else _change_text(change, pct)))
    return _in_vocab_order(pd.DataFrame(rows, columns=cols))


def issue_count(issues: pd.DataFrame, domain: str | None = None) -> int:
    """Open issues, all or those from files of one domain (by file or source name).

    >>> iss = pd.DataFrame({"file": ["partners_2023-09.xlsx", "childcare.csv"],
    ...                     "source": ["partners_2023-09.xlsx#9月!C7", "childcare.csv#c!B2"]})
    >>> issue_count(iss), issue_count(iss, "partners")
    (2, 1)
    """
    if issues is None or issues.empty:
        return 0
    if domain is None:
        return len(issues)
    where = issues["file"] if "file" in issues else issues["source"]
    return int(where.astype(str).str.contains(domain, regex=False).sum())


def issues_table(issues: pd.DataFrame) -> pd.DataFrame:
    """The month's open issues by file and cell, errors first.

    >>> iss = pd.DataFrame({"file": ["a.xlsx", "a.xlsx"], "source": ["a.xlsx#s!B2", "a.xlsx#s!C3"],
    ...                     "severity": ["warning", "error"], "rule": ["x", "y"],
    ...                     "raw": ["", "abc"], "message": ["m1", "m2"]})
    >>> issues_table(iss).severity.tolist()
    ['error', 'warning']
    """
    cols = ["file", "source", "severity", "rule", "raw", "message"]
    if issues is None or issues.empty:
        return pd.DataFrame(columns=cols)
    out = issues.reindex(columns=cols).fillna("")
    out["_e"] = (out.severity != "error").astype(int)
    return out.sort_values(["_e", "file", "source"], kind="stable").drop(columns="_e").reset_index(
        drop=True)


def _long(part: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum ``value`` over ``keys`` (qualifiers combined), with the measure's label."""
    cols = [*keys, "value", "qualifier"]
    if part.empty:
        return pd.DataFrame(columns=cols)
    part = part.assign(measure=part.measure.astype(str), qualifier=part.qualifier.astype(str))
    out = (part.groupby(keys, observed=True, sort=True)
           .agg(value=("value", "sum"), qualifier=("qualifier", combine_qualifiers))
           .reset_index())
    if "period" in out:
        out["period"] = out["period"].astype(str)
    if "measure" in out:
        out["indicator"] = out.measure.map(_labels()).fillna(out.measure)
    return out


def series(records: pd.DataFrame, measure: str, *, until=None, by: str = "area") -> pd.DataFrame:
    """One measure over the months, per area (or group): period, area, value, qualifier.

    >>> series(example_records(), "group_partners").values.tolist()
    [['2023-08', '工人路社区', 10.0, 'at_least'], ['2023-09', '天悦社区', 35.0, 'exact'], ['2023-09', '工人路社区', 10.0, 'at_least']]
    """
    part = records[records.measure == measure]
    if until is not None:
        part = part[part.period <= _period(until)]
    return _long(part, ["period", by])


def month_by_area(records: pd.DataFrame, period, measures) -> pd.DataFrame:
    """The month's values of some measures per area, long: area, measure, value, qualifier, indicator.

    >>> month_by_area(example_records(), "2023-09", ["slots_target", "slots_added"]).area.unique().tolist()
    ['北干街道', '萧山区']
    """
    part = records[(records.period == _period(period)) & records.measure.isin(list(measures))]
    return _long(part, ["area", "measure"])


def area_series(records: pd.DataFrame, area: str, *, until=None) -> pd.DataFrame:
    """Every measure of one area over the months (groups summed): period, measure, value, indicator.

    >>> area_series(example_records(), "天悦社区").measure.unique().tolist()
    ['resident_partners', 'group_partners']
    """
    part = records[records.area == area]
    if until is not None:
        part = part[part.period <= _period(until)]
    return _long(part, ["period", "measure"])


def totals_over_time(records: pd.DataFrame, domain: str, *, until=None) -> pd.DataFrame:
    """A domain's totals per month (no double counting across levels): period, measure, value, indicator.

    >>> totals_over_time(example_records(), "partners").values.tolist()[0]
    ['2023-08', 'group_partners', 10.0, 'at_least', '团体合伙人']
    """
    part = records[records.domain == domain]
    if until is not None:
        part = part[part.period <= _period(until)]
    return _long(top_level(part), ["period", "measure"])


def _number(value) -> str:
    # a count stays a count: 120.0 is written 120, 1234 as 1,234; fractions keep one decimal
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _heading(labels: dict):
    return lambda name: labels.get(name, name)


def _words(words: dict):
    return lambda value: words.get(value, value)


def table(df: pd.DataFrame, labels: dict | None = None, *, empty: str = ""):
    """A table as readers see it: a pandas Styler with no 0,1,2… index and Chinese headings.

    A table with no rows is one sentence (``empty``, or "nothing to show this month"),
    never bare headings.

    Whole numbers get thousands separators and no decimals (``120.0`` -> ``120``),
    numeric shares are percentages (``0.62`` -> ``62.0%``), text such as ``10+`` or
    ``约183`` is shown as it is, a ``value`` with a ``qualifier`` column becomes one
    figure (``10+``). Headings come from ``labels``, then :data:`COLUMN_LABELS`, then the
    vocabulary's measure labels. Every cell and heading is HTML-escaped: an area called
    ``<script>`` is text. A meaningful index (e.g. months) becomes the first column.

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
    styler = (df.style
              .format(formats, na_rep="—", escape="html")
              # headings may come from data too (an area per column): escaped as well
              .format_index(_heading(names), axis=1, escape="html")
              .hide(axis="index"))
    # figures right-aligned so digits line up, text left; headings follow their column
    styles = {c: [{"selector": sel, "props": [("text-align", "right" if _figures(df[c])
                                                else "left")]} for sel in ("th", "td")]
              for c in df.columns}
    return styler.set_table_styles(styles, overwrite=False) if styles else styler


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


_FIGURE = re.compile(rf"^(—|{NEW_THIS_MONTH}|[~<=+\-]*[\d,.]+[+%]?( \([+\-\d.,%]+\))?)$")


def _figures(column: pd.Series) -> bool:
    """Whether a column holds figures (numbers, or texts like ``10+``, ``62.0%``, ``+2 (+1.1%)``).

    >>> _figures(pd.Series(["10+", "~183", "—"])), _figures(pd.Series(["天悦社区"]))
    (True, False)
    """
    if pd.api.types.is_bool_dtype(column):
        return False
    if pd.api.types.is_numeric_dtype(column):
        return True
    texts = column.dropna().astype(str)
    return len(texts) > 0 and bool(texts.str.match(_FIGURE).all())
