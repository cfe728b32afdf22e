"""The key of an issue's cell: which (area, group, period, measure) figure it was meant to be.

An issue has only a cell (``FILE#SHEET!C7``). The records the same file sent from that sheet
say what its row and its column stand for: in a column table every record of a row shares
its area, group and period and every record of a column its measure; in an indicator table
it is the other way round (a row is a measure, a column an area or a month). So, field by
field, the sheet's records show along which direction the field stays the same, and the
issue's cell takes the value its own row (or column) agrees on. A field the records do not
settle stays empty, and such an issue is never matched to a figure: a wrong match would
close an error nobody fixed.

A later file that sends a figure with the key of an open error closes it
(``superseded_by``, see :mod:`civicstats.store`).

>>> import pandas as pd
>>> rec = pd.DataFrame({"area": ["天悦社区", "天悦社区", "工人路社区", "工人路社区"],
...                     "group": "", "period_date": pd.Timestamp("2023-09-01"),
...                     "measure": ["resident_partners", "group_partners"] * 2,
...                     "source": ["f.xlsx#9月!B3", "f.xlsx#9月!C3", "f.xlsx#9月!B4", "f.xlsx#9月!C4"]})
>>> keys(pd.Series(["f.xlsx#9月!C4", "f.xlsx#9月!D3"]), rec.iloc[:3])  # C4 held "二十?"
    area group period_date         measure
0  工人路社区        2023-09-01  group_partners
1   天悦社区        2023-09-01             NaN
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

FIELDS = ["area", "group", "period_date", "measure"]
_CELL = re.compile(r"#(?P<sheet>[^#]*)!\$?(?P<col>[A-Za-z]+)\$?(?P<row>\d+)$")


def cells(sources: pd.Series) -> pd.DataFrame:
    """``FILE#SHEET!CELL`` -> sheet, col (letters, upper case), row (text); NaN when not a cell.

    One regex search per distinct source in plain Python: for the few hundred cells of a
    file that is several times faster than pandas' ``str.extract``.

    >>> cells(pd.Series(["a.xlsx#9月!c7", "a.xlsx"])).fillna("").values.tolist()
    [['9月', 'C', '7'], ['', '', '']]
    """
    codes, uniques = pd.factorize(sources.astype("str").to_numpy(dtype=object))
    found = np.full((len(uniques), 3), np.nan, dtype=object)
    for i, text in enumerate(uniques):
        m = _CELL.search(text)
        if m:
            found[i] = (m["sheet"], m["col"].upper(), m["row"])
    return pd.DataFrame(found.take(codes, axis=0) if len(codes) else found[:0],
                        columns=["sheet", "col", "row"], index=sources.index)


def _lines(line: np.ndarray, fields: dict[str, np.ndarray]) -> tuple[dict[str, str], dict]:
    """How each field behaves along the lines (``line``: each record's line number) holding
    two or more records — ``same`` (it never changes), ``varies`` (some line changes) or
    ``unknown`` (no such line) — and each line's value code where its records agree (-1
    where they do not, or agree on nothing).

    ``fields`` are factorised codes (-1 for a missing value, itself a value here). Integer
    reductions instead of a pandas groupby per field: this ran for every file an ingest
    loads, and the groupbys were most of its time.
    """
    n = int(line.max()) + 1 if len(line) else 0
    crowded = np.bincount(line, minlength=n) >= 2
    how, values = {}, {}
    for f, code in fields.items():
        lo = np.full(n, np.iinfo(np.int64).max)
        hi = np.full(n, np.iinfo(np.int64).min)
        np.minimum.at(lo, line, code)
        np.maximum.at(hi, line, code)
        agree = lo == hi
        how[f] = ("unknown" if not crowded.any() else
                  "same" if agree[crowded].all() else "varies")
        values[f] = np.where(agree, lo, -1)
    return how, values


# field -> the direction that gives it when the records say nothing either way: the usual
# column table (a row is an area, a column a measure)
_USUAL = {"area": "row", "group": "row", "period_date": "row", "measure": "col"}


def _side(field: str, by_row: str, by_col: str) -> str:
    """Where a field is read: ``row``, ``col``, ``both`` (must agree) or ``none``.

    >>> _side("area", "same", "varies"), _side("measure", "varies", "unknown")
    ('row', 'col')
    >>> _side("period_date", "same", "same"), _side("area", "varies", "varies")
    ('both', 'none')
    >>> _side("measure", "unknown", "unknown")
    'col'
    """
    if by_row == by_col:
        return {"same": "both", "varies": "none", "unknown": _USUAL[field]}[by_row]
    if "varies" in (by_row, by_col):
        return "col" if by_row == "varies" else "row"
    return "row" if by_row == "same" else "col"


def keys(sources: pd.Series, records: pd.DataFrame) -> pd.DataFrame:
    """For each issue source, the key fields the records of its sheet settle; NaN elsewhere.

    ``records`` are one file's records with ``area, group, period_date, measure, source``.
    """
    records = records.reset_index(drop=True)
    found = settled(cells(sources.reset_index(drop=True)), records, cells(records["source"]))
    return pd.DataFrame({f: pd.Series(v, dtype=v.dtype) for f, v in found.items()})


def settled(where: pd.DataFrame, records: pd.DataFrame, at: pd.DataFrame) -> dict[str, np.ndarray]:
    """:func:`keys` for cells already split (:func:`cells`): ``where`` the issues', ``at`` the
    records' (same index as ``records``); field -> one value per issue (NaN, NaT: not settled)."""
    out = {f: np.full(len(where), None, dtype=object) for f in FIELDS}
    out["period_date"] = np.full(len(where), np.datetime64("NaT"), dtype="datetime64[us]")
    if len(records) and len(where):
        _settle(where.reset_index(drop=True), records, at, out)
    return out


def _settle(where: pd.DataFrame, records: pd.DataFrame, at: pd.DataFrame, out: dict) -> None:
    on_a_sheet = at["sheet"].notna().to_numpy()
    sheets = at["sheet"].to_numpy(dtype=object)
    issue_sheets = where["sheet"].to_numpy(dtype=object)
    for sheet in pd.unique(sheets[on_a_sheet]):
        mine = np.flatnonzero(issue_sheets == sheet)
        if not len(mine):
            continue
        here = sheets == sheet
        codes, uniques = {}, {}
        for f in FIELDS:
            codes[f], uniques[f] = pd.factorize(records[f].to_numpy()[here])
        seen = {}
        for by in ("row", "col"):
            line, labels = pd.factorize(at[by].to_numpy(dtype=object)[here])
            how, values = _lines(line, codes)
            hit = pd.Index(labels).get_indexer(where[by].to_numpy(dtype=object)[mine])
            seen[by] = how, {f: np.where(hit >= 0, v[hit], -1) for f, v in values.items()}
        for f in FIELDS:
            (by_row, rv), (by_col, cv) = (seen["row"][0][f], seen["row"][1][f]), \
                (seen["col"][0][f], seen["col"][1][f])
            side = _side(f, by_row, by_col)
            if side == "both":  # the same everywhere: either side that speaks, if they agree
                val = np.where(rv >= 0, rv, cv)
                val = np.where((rv >= 0) & (cv >= 0) & (rv != cv), -1, val)
            else:
                val = {"row": rv, "col": cv, "none": np.full(len(mine), -1)}[side]
            out[f][mine] = _decode(val, uniques[f])


def _decode(codes: np.ndarray, uniques) -> np.ndarray:
    """Codes back to the records' values; NaN (NaT for dates) where none was settled."""
    values = np.asarray(uniques)
    if values.dtype.kind == "M":
        values = values.astype("datetime64[us]")
        return np.where(codes >= 0, values.take(np.maximum(codes, 0)) if len(values) else
                        np.datetime64("NaT"), np.datetime64("NaT"))
    values = values.astype(object)
    found = values.take(np.maximum(codes, 0)) if len(values) else np.full(len(codes), np.nan,
                                                                            dtype=object)
    return np.where(codes >= 0, found, np.nan)


def backfill(con) -> int:
    """Give the open errors of a store made before issue keys their keys; return how many.

    Run once, when the key columns are added to the ``issues`` table.
    """
    todo = con.execute("SELECT DISTINCT ingest_id FROM issues WHERE closed_at IS NULL "
                       "AND severity = 'error'").fetchall()
    done = 0
    for (ingest_id,) in todo:
        iss = con.execute("SELECT rowid, source FROM issues WHERE ingest_id = ? AND closed_at "
                          "IS NULL AND severity = 'error'", [ingest_id]).df()
        rec = con.execute('SELECT area, "group", period::TIMESTAMP AS period_date, measure, '
                          "source FROM records WHERE ingest_id = ?", [ingest_id]).df()
        found = keys(iss["source"], rec).assign(id=iss["rowid"].to_numpy())
        found = found[found["measure"].notna() & found["area"].notna()]
        con.register("_keys", found)
        con.execute('UPDATE issues SET area = k.area, "group" = k."group", measure = k.measure, '
                    "period = coalesce(k.period_date::DATE, issues.period) FROM _keys k "
                    "WHERE issues.rowid = k.id")
        con.unregister("_keys")
        done += len(found)
    return done
