"""Figures over the months, long or wide, for tables and charts.

>>> series(example_records(), "resident_partners").value.tolist()
[18.0, 20.0]
"""

import pandas as pd

from civicstats import figures
from civicstats.gaps import rejected
from civicstats.messages import say
from civicstats.values import combine_qualifiers
from civicstats.views.base import _in_vocab_order, _labels, _period, example_records, top_level  # noqa: F401 - example_records: for the examples
from civicstats.views.month import _change_text
from civicstats.views.text import NOT_THIS_MONTH, UNCHECKED, format_value

__all__ = [
    "over_time", "growth_since_start", "every_month", "_long", "series", "month_by_area",
    "area_series", "totals_over_time",
]


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


def growth_since_start(records: pd.DataFrame, measure: str, period, issues=None) -> pd.DataFrame:
    """Per area: first month and value, this month's value, growth, with ``余`` for at-least.

    An area that did not report this month shows 本月未报送 under 本月 (数据待核实 when an
    open error holds its figure back), never an older month's figure.

    >>> g = growth_since_start(example_records(), "resident_partners", "2023-09")
    >>> g[["area", "first", "now", "growth"]].values.tolist()
    [['天悦社区', '18', '20', '+2']]
    >>> growth_since_start(example_records(), "resident_partners", "2023-10")[["now", "growth"]].values.tolist()
    [['本月未报送', '—']]
    """
    p = _period(period)
    part = records[(records.measure == measure) & (records.period <= p)]
    held = set(rejected(records, issues, p).itertuples(index=False, name=None))
    rows = []
    for area, g in part.groupby("area", sort=True, observed=True):
        g = g.groupby("period", observed=True).agg(
            value=("value", "sum"), qualifier=("qualifier", combine_qualifiers)).sort_index()
        first, last = g.iloc[0], g.iloc[-1]
        if g.index[-1] == p:
            now = format_value(last.value, last.qualifier)
            growth = _change_text(last.value - first.value, float("nan")).split(" ")[0]
        else:
            now, growth = say(UNCHECKED if (area, measure) in held else NOT_THIS_MONTH), "—"
        rows.append((area, str(g.index[0]), format_value(first.value, first.qualifier), now,
                     growth))
    return pd.DataFrame(rows, columns=["area", "since", "first", "now", "growth"])


def every_month(long: pd.DataFrame, by: str = "measure", until=None) -> pd.DataFrame:
    """``long`` (period, ``by``, value, …) with a row for every month of each ``by``'s span
    (first month to ``until`` or the last month), value NaN where nothing was reported: a
    chart then breaks its line there instead of drawing straight across the gap.

    >>> df = pd.DataFrame({"period": ["2023-07", "2023-09"], "measure": ["m", "m"], "value": [1.0, 3.0]})
    >>> every_month(df)[["period", "value"]].values.tolist()
    [['2023-07', 1.0], ['2023-08', nan], ['2023-09', 3.0]]
    """
    if long.empty:
        return long
    months = pd.PeriodIndex(long["period"].astype(str), freq="M")
    last = _period(until) if until is not None else months.max()
    parts = []
    for key, part in long.groupby(by, sort=False):
        span = pd.period_range(months[long[by] == key].min(), last, freq="M").astype(str)
        full = part.set_index("period").reindex(span)
        full[by] = key
        for col in ("indicator", "unit", "measure", "domain"):
            if col in part and col != by:
                full[col] = part[col].iloc[0]
        if "qualifier" in full:
            full["qualifier"] = full["qualifier"].fillna("exact")
        parts.append(full.rename_axis("period").reset_index())
    return pd.concat(parts, ignore_index=True)[list(long.columns)]


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
        out["unit"] = out.measure.map(figures.UNITS).fillna("")
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
    """Every measure of one area over the months (groups summed): period, measure, value,
    qualifier, indicator, unit; a month with no figure is a row with value NaN
    (:func:`every_month`), for one small-multiple panel per indicator.

    >>> s = area_series(example_records(), "天悦社区", until="2023-10")
    >>> s[s.measure == "group_partners"][["period", "value", "unit"]].values.tolist()
    [['2023-09', 35.0, '家'], ['2023-10', nan, '家']]
    """
    part = records[records.area == area]
    if until is not None:
        part = part[part.period <= _period(until)]
    return every_month(_in_vocab_order(_long(part, ["period", "measure"])), until=until)


def totals_over_time(records: pd.DataFrame, domain: str, *, until=None) -> pd.DataFrame:
    """A domain's totals per month (no double counting across levels): period, measure, value,
    qualifier, indicator, unit; months with no figure as NaN rows (:func:`every_month`).

    >>> totals_over_time(example_records(), "partners").values.tolist()[0]
    ['2023-08', 'resident_partners', 18.0, 'exact', '居民合伙人', '位']
    """
    part = records[records.domain == domain]
    if until is not None:
        part = part[part.period <= _period(until)]
    return every_month(_in_vocab_order(_long(top_level(part), ["period", "measure"])), until=until)
