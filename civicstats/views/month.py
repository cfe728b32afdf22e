"""The month's figures: totals, the change against last month, targets, who reported, profiles.

>>> month_totals(example_records(), "2023-09").set_index("measure").loc["resident_partners", "display"]
'20'
"""

import pandas as pd

from civicstats.gaps import gaps, rejected
from civicstats.messages import N_, say
from civicstats.values import combine_qualifiers
from civicstats.views.base import (  # noqa: F401 - example_records: for the examples
    _in_vocab_order,
    _labels,
    _period,
    completion_rate,
    example_records,
    percent,
    top_level,
)
from civicstats.views.text import (
    NEW_THIS_MONTH,
    NOT_LAST_MONTH,
    NOT_THIS_MONTH,
    UNCHECKED,
    format_value,
    table,
)

__all__ = [
    "month_totals", "change_vs_last_month", "change_caption", "KEY_FIGURE_LABELS",
    "key_figures", "_change_text", "childcare_progress", "areas_not_reported",
    "areas_reported", "by_group", "area_profile", "issue_count", "issues_table",
]


def month_totals(records: pd.DataFrame, period) -> pd.DataFrame:
    """One row per domain and measure for the month: value, qualifier, display text.

    >>> month_totals(example_records(), "2023-09")[["measure", "display"]].head(3).values.tolist()
    [['resident_partners', '20'], ['group_partners', '45余'], ['slots_target', '600']]
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


def change_vs_last_month(records: pd.DataFrame, period, issues=None) -> pd.DataFrame:
    """Month totals, and the change against last month counted like for like.

    ``value`` is the month's total over every area that reported; ``now_common``,
    ``previous`` and ``change`` count only the areas (and groups) that reported the measure
    in both months, so that an area missing one month does not look like a drop. A measure
    no area reported last month is 本月新增 only when it was never reported before (else
    上月未报送). ``note`` says which areas the total leaves out (rejected or not sent, with
    ``issues`` from :func:`civicstats.store.issues`).

    >>> ch = change_vs_last_month(example_records(), "2023-09").set_index("measure")
    >>> ch.loc["resident_partners", ["value", "previous", "change"]].tolist()
    [20.0, 18.0, 2.0]
    >>> ch.loc["resident_partners", "change_text"]
    '+2 (+11.1%)'
    >>> ch.loc["group_partners", ["value", "now_common", "previous", "change"]].tolist()  # 天悦 is new
    [45.0, 10.0, 10.0, 0.0]
    >>> ch.loc["slots_added", "change_text"]
    '本月新增'
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
    seen = set(records.loc[records.period < p, "measure"].astype(str))
    out["change_text"] = [_change_text(c, p_, NOT_LAST_MONTH if m in seen else NEW_THIS_MONTH)
                          for c, p_, m in zip(out.change, out.change_pct, out.measure, strict=True)]
    left = gaps(records, p, issues)
    out["note"] = [left.text([m]) for m in out.measure]
    return out


def change_caption() -> str:
    """The sentence under a table with a 较上月 column: what it compares, and how.

    >>> change_caption()
    '注：“较上月”只比较本月和上月都报送的地区（同口径）：“本月（同口径）”与“上月”都只计这些地区；“本月”为本月全部报送地区之和。'
    """
    return say("note: the change on last month compares only the areas that reported in both "
               "months; the like-for-like figures count only those areas, this month's total "
               "counts every area that reported.")


KEY_FIGURE_LABELS = {"now_common": N_("this month (like for like)"),
                     "previous": N_("last month (like for like)"), "note": N_("remark")}
"""Headings of the key-figures table that differ from :data:`COLUMN_LABELS`."""


def key_figures(records: pd.DataFrame, period, issues=None):
    """The month's key figures as a table: total, like-for-like figures and change, what each
    total leaves out, and a caption under it saying how the change is counted.

    >>> "同口径" in key_figures(example_records(), "2023-09").to_html()
    True
    """
    ch = change_vs_last_month(records, period, issues)
    ch = ch.assign(now_common=[format_value(v) for v in ch.now_common],
                   previous=[format_value(v) for v in ch.previous])
    cols = ["domain", "label", "display", "now_common", "previous", "change_text", "note"]
    if not ch["note"].astype(bool).any():
        cols.remove("note")
    return table(ch[cols], {k: say(v) for k, v in KEY_FIGURE_LABELS.items()},
                 caption=change_caption())


def _change_text(change, pct, missing: str = NEW_THIS_MONTH) -> str:
    if pd.isna(change):
        return say(missing)
    text = f"{change:+,.0f}" if float(change).is_integer() else f"{change:+,.1f}"
    return text + ("" if pd.isna(pct) else f" ({pct:+.1f}%)")


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


def area_profile(records: pd.DataFrame, area: str, period, issues=None) -> pd.DataFrame:
    """Everything one area reported for the month, with last month and the change.

    A figure reported for the first time ever is 本月新增; one whose area skipped last month
    is 上月未报送; one reported last month but not this month is listed with 本月未报送
    (数据待核实 when an open error holds it back, see :func:`civicstats.gaps.rejected`),
    never with a stale figure.

    >>> ap = area_profile(example_records(), "天悦社区", "2023-09")
    >>> ap[["label", "display", "previous", "change"]].values.tolist()
    [['居民合伙人', '20', '18', '+2 (+11.1%)'], ['团体合伙人', '35', '—', '本月新增']]
    >>> area_profile(example_records(), "天悦社区", "2023-10")[["label", "display", "previous"]].values.tolist()
    [['居民合伙人', '本月未报送', '20'], ['团体合伙人', '本月未报送', '35']]
    """
    p = _period(period)
    mine = records[records.area == area]
    cols = ["domain", "group", "measure", "label", "display", "previous", "change"]
    now, before = mine[mine.period == p], mine[mine.period == p - 1]
    if now.empty and before.empty:
        return pd.DataFrame(columns=cols)
    prev = {(g, str(m)): (v, q) for g, m, v, q in
            zip(before.group, before.measure, before.value, before.qualifier, strict=True)}
    earlier = set(zip(mine.loc[mine.period < p - 1, "group"],
                      mine.loc[mine.period < p - 1, "measure"].astype(str), strict=True))
    labels = _labels()
    rows = []
    for r in now.itertuples():
        key = (r.group, str(r.measure))
        old = prev.pop(key, None)
        if old is None:
            change = say(NOT_LAST_MONTH if key in earlier else NEW_THIS_MONTH)
        else:
            diff = r.value - old[0]
            change = _change_text(diff, float("nan") if not old[0] else diff / old[0] * 100)
        rows.append((r.domain, r.group, key[1], labels.get(key[1], key[1]),
                     format_value(r.value, r.qualifier),
                     "—" if old is None else format_value(*old), change))
    held = set(rejected(records, issues, p).itertuples(index=False, name=None))
    domains = dict(zip(before.measure.astype(str), before.domain, strict=False))
    for (group, measure), old in prev.items():  # reported last month, not this month
        gone = UNCHECKED if (area, measure) in held else NOT_THIS_MONTH
        rows.append((domains[measure], group, measure, labels.get(measure, measure), say(gone),
                     format_value(*old), "—"))
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
