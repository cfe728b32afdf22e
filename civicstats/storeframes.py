"""One file's cleaned records and issues as the plain columns the store inserts.

:func:`prepare` gives every record its domain and month start, every issue its figure's key
(:mod:`civicstats.issuekeys`) and its month, and adds a ``duplicate_key`` warning for each
key the file sends twice. It runs once per file of an ingest, on a few hundred rows, so it
works on numpy arrays and builds each frame once: pandas' per-call overhead (string dtype
inference and conversion on every column operation) was most of its cost.

>>> import pandas as pd
>>> rec = pd.DataFrame({"area": ["天悦社区"], "group": [None],
...                     "period": pd.PeriodIndex(["2023-09"], freq="M"),
...                     "measure": pd.Categorical(["resident_partners"]), "value": [20.0],
...                     "qualifier": pd.Categorical(["exact"]), "source": ["f.csv#f!B3"]})
>>> iss = pd.DataFrame({"source": ["f.csv#f!C3"], "severity": ["error"],
...                     "rule": ["unreadable_value"], "raw": ["二十?"], "message": ["?"]})
>>> r, i = prepare("partners", rec, iss)
>>> r[["domain", "area", "group", "period_date"]].values.tolist()
[['partners', '天悦社区', '', Timestamp('2023-09-01 00:00:00')]]
>>> i[["source", "area", "measure", "period_date"]].values.tolist()
[['f.csv#f!C3', '天悦社区', nan, Timestamp('2023-09-01 00:00:00')]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from civicstats.messages import say

ISSUE_COLUMNS = ["source", "severity", "rule", "raw", "message"]
KEY = ["domain", "area", "group", "period_date", "measure"]
_NAT = np.datetime64("NaT", "us")


def texts(values: pd.Series, missing=None) -> np.ndarray:
    """A column as an object array of ``str``; ``missing`` where the value is missing.

    >>> texts(pd.Series(["a", None, 2])).tolist(), texts(pd.Categorical(["x", None]), "").tolist()
    (['a', None, '2'], ['x', ''])
    """
    if isinstance(values.dtype, pd.CategoricalDtype):  # the few categories, not every row
        cat = values if isinstance(values, pd.Categorical) else values.cat
        names = np.array([str(c) for c in cat.categories] + [missing], dtype=object)
        codes = np.asarray(cat.codes)
        return names.take(np.where(codes < 0, len(names) - 1, codes))
    out = np.asarray(values, dtype=object).copy()
    gone = pd.isna(out)
    for i in np.flatnonzero(~gone):
        if type(out[i]) is not str:
            out[i] = str(out[i])
    out[gone] = missing
    return out


def column(values) -> pd.Series:
    """An object column, as given: no string dtype inferred (and converted) by pandas."""
    return pd.Series(values, dtype=object)


def prepare(domain: str | None, records: pd.DataFrame, issues: pd.DataFrame):
    """Records and issues as the plain columns :func:`civicstats.store._load_file` inserts."""
    rec = pd.DataFrame({
        "domain": column(np.full(len(records), domain or "", dtype=object)),
        "area": column(texts(records["area"])),  # no area: NOT NULL refuses it
        "group": column(texts(records["group"], "")),
        "period_date": pd.PeriodIndex(records["period"], freq="M").to_timestamp()
                         .astype("datetime64[us]").to_numpy(),
        "measure": column(texts(records["measure"])),
        "value": records["value"].to_numpy(dtype="float64"),
        "qualifier": column(texts(records["qualifier"])),
        "source": column(texts(records["source"])),
    })
    iss = {c: texts(issues[c]) if len(issues) else np.empty(0, dtype=object) for c in ISSUE_COLUMNS}
    dup = duplicate_keys(rec)
    if len(dup["source"]):
        iss = {c: np.concatenate([iss[c], dup[c]]) for c in ISSUE_COLUMNS}
    from civicstats.issuekeys import cells, settled

    where, at = cells(column(iss["source"])), cells(rec["source"])
    key = settled(where, rec, at)
    out = pd.DataFrame({c: column(iss[c]) for c in ISSUE_COLUMNS})
    for col in ("area", "group", "measure"):
        out[col] = column(key[col])
    # the cell's own period where its row or column settles it, else the row's or file's one
    own = key["period_date"]
    out["period_date"] = np.where(np.isnat(own), issue_periods(where, at, rec["period_date"]), own)
    return rec, out


def issue_periods(where: pd.DataFrame, at: pd.DataFrame, periods: pd.Series) -> np.ndarray:
    """The month of each issue (``where``: its cell) from the records on its sheet row
    (``at``: their cells, ``periods`` their months), else the file's only month, else NaT."""
    n = len(where)
    values = periods.to_numpy(dtype="datetime64[us]")
    months = pd.unique(values[~np.isnat(values)])
    only = months[0] if len(months) == 1 else _NAT
    if not len(values):
        return np.full(n, _NAT)
    rows = pd.Index(_row_ids(at))
    first = ~rows.duplicated() & rows.notna()  # a row's first record gives its month
    hit = pd.Index(rows[first]).get_indexer(_row_ids(where))
    found = np.where(hit >= 0, values[first].take(np.maximum(hit, 0)), _NAT)
    return np.where(np.isnat(found), only, found)


def _row_ids(cells: pd.DataFrame) -> np.ndarray:
    """``sheet!row`` per cell (None when the source is no cell)."""
    sheet, row = cells["sheet"].to_numpy(dtype=object), cells["row"].to_numpy(dtype=object)
    ok = ~pd.isna(sheet)
    out = np.full(len(sheet), None, dtype=object)
    out[ok] = sheet[ok] + "!" + row[ok]
    return out


def duplicate_keys(rec: pd.DataFrame) -> dict[str, np.ndarray]:
    """A ``duplicate_key`` warning (as issue columns) for each record whose key the same file
    already sent. Both records are kept (no figure is guessed away), so the analyst must look.
    """
    dup = rec.duplicated(KEY, keep="first").to_numpy() if len(rec) else np.zeros(0, dtype=bool)
    if not dup.any():
        return {c: np.empty(0, dtype=object) for c in ISSUE_COLUMNS}
    first = rec.drop_duplicates(KEY).set_index(KEY)["source"]
    rows = rec[dup]
    firsts = first.reindex(pd.MultiIndex.from_frame(rows[KEY])).to_numpy()
    n = int(dup.sum())
    return {
        "source": rows["source"].to_numpy(dtype=object), "severity": np.full(n, "warning", dtype=object),
        "rule": np.full(n, "duplicate_key", dtype=object),
        "raw": rows["value"].astype(str).to_numpy(dtype=object),
        "message": np.array([say("{area} {measure} {period} is also given at {other}; both are kept "
                                 "as current figures: correct one of the files and send it again",
                                 area=r.area, measure=r.measure, period=str(r.period_date)[:7],
                                 other=f)
                             for r, f in zip(rows.itertuples(), firsts, strict=True)], dtype=object)}
