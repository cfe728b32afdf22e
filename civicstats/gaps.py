"""Which areas a month's total leaves out, and why: a rejected figure, or one not sent yet.

A district total is the sum of what arrived. An area whose cell was rejected (an open error
issue on its figure: ``待核实``) or that reported the measure before but not this month is
not in it, and every card, table and alt text that shows the total says so
(``不含新塘社区（数据待核实）``). An area is only left out when no place above it (its street,
the district) reported the measure this month: a street's figure already counts its
communities.

>>> import pandas as pd
>>> recs = pd.DataFrame({"area": ["天悦社区", "工人路社区", "天悦社区"], "group": "",
...     "period": pd.PeriodIndex(["2023-08", "2023-08", "2023-09"], freq="M"),
...     "measure": "resident_partners", "value": [18.0, 8.0, 20.0], "qualifier": "exact",
...     "source": ["p8.xlsx#8月!B2", "p8.xlsx#8月!B3", "p9.xlsx#9月!B2"]})
>>> gaps(recs, "2023-09").text(["resident_partners"])
'不含工人路社区（本月未报送）'
>>> first_reports(recs, "2023-09")
set()
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from civicstats.messages import listing, say

UNCHECKED = "unchecked"
NOT_SENT = "not_sent"
REASONS = {UNCHECKED: "figure to be checked", NOT_SENT: "not reported this month"}
"""Why an area is left out of a total -> the message id of the words (数据待核实, 本月未报送)."""


def _period(period) -> pd.Period:
    return pd.Period(str(period)[:7], freq="M")


def _months(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.PeriodDtype):
        return values
    return pd.Series(pd.PeriodIndex([str(v)[:7] for v in values], freq="M"), index=values.index)


def _parents() -> dict[str, str]:
    from civicstats import vocab

    areas = vocab.areas()
    return {a: p for a, p in zip(areas.area, areas.parent, strict=True) if p}


def _covered(area: str, present: set[str], parents: dict[str, str]) -> bool:
    """Whether a place above ``area`` is among ``present`` (its figure counts the area)."""
    seen, up = set(), area
    while up in parents and up not in seen:
        seen.add(up)
        up = parents[up]
        if up in present:
            return True
    return False


def _file_of(sources: pd.Series) -> pd.Series:
    return sources.astype(str).str.split("#").str[0]


def rejected(records: pd.DataFrame, issues: pd.DataFrame | None, period) -> pd.DataFrame:
    """The (area, measure) figures of the month held back by an open error on their cell.

    Uses the issues' ``area``/``measure`` columns when they are there, else reads the key of
    each error's cell from the records its file sent (:func:`civicstats.issuekeys.keys`). A
    figure that has a current record after all (a later file corrected it) is not rejected.

    >>> recs = pd.DataFrame({"area": ["天悦社区", "新塘社区"], "group": "",
    ...     "period": pd.PeriodIndex(["2023-09"] * 2, freq="M"),
    ...     "measure": ["group_partners", "resident_partners"], "value": [35.0, 7.0],
    ...     "source": ["p.xlsx#9月!C2", "p.xlsx#9月!B3"]})
    >>> iss = pd.DataFrame({"source": ["p.xlsx#9月!C3"], "severity": ["error"]})
    >>> rejected(recs, iss, "2023-09").values.tolist()
    [['新塘社区', 'group_partners']]
    """
    cols = ["area", "measure"]
    if issues is None or len(issues) == 0 or len(records) == 0:
        return pd.DataFrame(columns=cols)
    p = _period(period)
    errs = issues[issues["severity"].astype(str) == "error"]
    if "period" in errs and errs["period"].notna().any():
        when = errs["period"].astype(str).str[:7]
        errs = errs[errs["period"].isna() | (when == str(p))]
    if {"area", "measure"} <= set(errs.columns):
        found = errs[cols]
    else:
        from civicstats.issuekeys import keys

        rec = records.assign(period_date=_months(records["period"]).dt.to_timestamp(),
                             _file=_file_of(records["source"]))
        parts = []
        for name, mine in errs.assign(_file=_file_of(errs["source"])).groupby("_file"):
            got = keys(mine["source"], rec[rec["_file"] == name])
            ok = got["period_date"].isna() | (got["period_date"] == p.to_timestamp())
            parts.append(got[ok])
        found = pd.concat(parts)[cols] if parts else pd.DataFrame(columns=cols)
    found = found.dropna().astype(str).drop_duplicates()
    now = records[_months(records["period"]) == p]
    have = set(zip(now["area"].astype(str), now["measure"].astype(str), strict=True))
    keep = pd.Series([(a, m) not in have for a, m in
                      zip(found["area"], found["measure"], strict=True)], index=found.index,
                     dtype=bool)
    return found[keep].sort_values(cols).reset_index(drop=True)


def first_reports(records: pd.DataFrame, period, measure: str | None = None) -> set[str]:
    """Areas whose first report ever (of ``measure``, or of anything) is this month.

    An area that skipped a month and came back is not among them.
    """
    p = _period(period)
    part = records if measure is None else records[records["measure"].astype(str) == measure]
    months = _months(part["period"])
    now = set(part.loc[months == p, "area"].astype(str))
    before = set(part.loc[months < p, "area"].astype(str))
    return now - before


@dataclass(frozen=True)
class Gaps:
    """The areas left out of the month's totals: ``left`` rows of area, measure, reason."""

    left: pd.DataFrame

    def areas(self, measures) -> list[tuple[str, str]]:
        """(area, reason) of the areas left out of the total of any of ``measures``, in order."""
        part = self.left[self.left["measure"].isin(list(measures))]
        return list(dict.fromkeys(zip(part["area"], part["reason"], strict=True)))

    def text(self, measures) -> str:
        """``不含新塘社区（数据待核实）、工人路社区（本月未报送）``, or empty when none is left out."""
        found = self.areas(measures)
        if not found:
            return ""
        items = [say("{area} ({reason})", area=a, reason=say(REASONS[r])) for a, r in found]
        return say("not including {areas}", areas=listing(items))


def gaps(records: pd.DataFrame, period, issues: pd.DataFrame | None = None) -> Gaps:
    """Which areas the month's totals leave out, per measure, and why (see the module)."""
    cols = ["area", "measure", "reason"]
    if len(records) == 0:
        return Gaps(pd.DataFrame(columns=cols))
    p = _period(period)
    months = _months(records["period"])
    area, measure = records["area"].astype(str), records["measure"].astype(str)
    now = set(zip(area[months == p], measure[months == p], strict=True))
    parents = _parents()
    rows = [(a, m, UNCHECKED) for a, m in rejected(records, issues, p).itertuples(index=False)]
    held = {(a, m) for a, m, _ in rows}
    earlier = sorted(set(zip(area[months < p], measure[months < p], strict=True)))
    rows += [(a, m, NOT_SENT) for a, m in earlier if (a, m) not in now and (a, m) not in held]
    present: dict[str, set[str]] = {}
    for a, m in now:
        present.setdefault(m, set()).add(a)
    rows = [r for r in rows if not _covered(r[0], present.get(r[1], set()), parents)]
    return Gaps(pd.DataFrame(rows, columns=cols))


def left_out_text(records: pd.DataFrame, period, measures, issues=None) -> str:
    """The ``不含…`` words for the total of ``measures`` (empty when nothing is left out)."""
    return gaps(records, period, issues).text(measures)
