"""Months years away from every other month: a mistyped year (2013-10 among 2023-05…2023-10).

Such a month is an error, ``bad_period``, at the first cell of its figures on each sheet, and
its figures are not loaded, so it never becomes the latest month. A month is *far* when it is
more than ``gap_months`` from the nearest other month, once at least ``min_other_months``
other months are known (``vocab/far_periods.csv``). The other months are those of the store
and of the other files of the same ingest; a file alone (a new store) is judged against its
own other months. A month after the current one is already ``bad_period`` in the cleaner.

>>> far({ordinal("2013-10"), ordinal("2023-09")}, {ordinal("2023-05"), ordinal("2023-10")})
{525: (115, '2023-05', '2023-10')}
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pandas as pd

from civicstats.messages import say

TABLE = Path(__file__).with_name("vocab") / "far_periods.csv"


@cache
def limits() -> dict[str, int]:
    """``vocab/far_periods.csv`` as name -> value.

    >>> limits()["gap_months"]
    24
    """
    with TABLE.open(encoding="utf-8", newline="") as fh:
        return {row["name"]: int(row["value"]) for row in csv.DictReader(fh)}


def ordinal(period) -> int:
    """Months since 1970-01 (pandas' ordinal of a monthly period).

    >>> ordinal("1970-02"), ordinal(pd.Period("2023-09", freq="M"))
    (1, 644)
    """
    return pd.Period(period, freq="M").ordinal


def month(o: int) -> str:
    """The ``YYYY-MM`` of an ordinal.

    >>> month(644)
    '2023-09'
    """
    return str(pd.Period(ordinal=o, freq="M"))


def far(own: set[int], others: set[int]) -> dict[int, tuple[int, str, str]]:
    """Each of ``own`` months further than the limit from every other known month:
    month -> (the gap in months, the first and last of the other months)."""
    lim = limits()
    out = {}
    for p in own:
        rest = (others | own) - {p} if len(others - {p}) < lim["min_other_months"] else others - {p}
        if len(rest) < lim["min_other_months"]:
            continue
        gap = min(abs(p - q) for q in rest)
        if gap > lim["gap_months"]:
            out[p] = (gap, month(min(rest)), month(max(rest)))
    return out


def judge(records: pd.DataFrame, others: set[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop the figures of far months from ``records`` (clean's records); return them and one
    ``bad_period`` error per far month and sheet, at the first cell of its figures.

    >>> rec = pd.DataFrame({"period": pd.PeriodIndex(["2013-10", "2013-10", "2023-09"], freq="M"),
    ...                     "source": ["f.xlsx#S!B3", "f.xlsx#S!C3", "f.xlsx#S!B4"]})
    >>> kept, bad = judge(rec, {ordinal("2023-05"), ordinal("2023-10")})
    >>> kept.source.tolist(), bad.source.tolist(), bad.raw.tolist()
    (['f.xlsx#S!B4'], ['f.xlsx#S!B3'], ['2013-10'])
    """
    cols = ["source", "severity", "rule", "raw", "message"]
    if records.empty:
        return records, pd.DataFrame(columns=cols)
    months = pd.PeriodIndex(records["period"], freq="M").asi8
    found = far(set(months.tolist()), others)
    if not found:
        return records, pd.DataFrame(columns=cols)
    bad = pd.Series(months, index=records.index).isin(list(found))
    gone = records[bad].assign(_m=months[bad.to_numpy()],
                               _sheet=records.loc[bad, "source"].astype(str)
                               .str.extract(r"#([^#]*)!", expand=False))
    rows = []
    for (m, _), g in gone.groupby(["_m", "_sheet"], sort=False, dropna=False):
        gap, first, last = found[m]
        rows.append({"source": g["source"].iloc[0], "severity": "error", "rule": "bad_period",
                     "raw": month(m), "message": say(
                         "the month {period} is {years} years away from the other months in the "
                         "store ({first} to {last}); check the year. Its {n} figures were not "
                         "loaded", period=month(m), years=round(gap / 12), first=first,
                         last=last, n=len(g))})
    return records[~bad.to_numpy()], pd.DataFrame(rows, columns=cols)
