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

import pandas as pd

FIELDS = ["area", "group", "period_date", "measure"]
_CELL = r"#(?P<sheet>[^#]*)!\$?(?P<col>[A-Za-z]+)\$?(?P<row>\d+)$"


def cells(sources: pd.Series) -> pd.DataFrame:
    """``FILE#SHEET!CELL`` -> sheet, col (letters, upper case), row (text); NaN when not a cell.

    >>> cells(pd.Series(["a.xlsx#9月!c7", "a.xlsx"])).fillna("").values.tolist()
    [['9月', 'C', '7'], ['', '', '']]
    """
    found = sources.astype("str").str.extract(_CELL)
    found["col"] = found["col"].str.upper()
    return found


def _along(rec: pd.DataFrame, by: str, field: str) -> tuple[str, dict]:
    """How ``field`` behaves along the ``by`` lines holding two or more records — ``same``
    (it never changes), ``varies`` (some line changes) or ``unknown`` (no such line) — and the
    value of each line whose records agree."""
    groups = rec.groupby(by, sort=False)[field]
    distinct, size = groups.nunique(dropna=False), groups.size()
    crowded = size >= 2
    how = ("unknown" if not crowded.any() else
           "same" if (distinct[crowded] == 1).all() else "varies")
    return how, groups.first()[distinct == 1].astype(object).to_dict()


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
    out = {f: pd.Series([None] * len(sources), dtype=object) for f in FIELDS}
    if len(records) and len(sources):
        _settle(cells(sources.reset_index(drop=True)), records, out)
    frame = pd.DataFrame(out)
    frame["period_date"] = pd.to_datetime(frame["period_date"]).astype("datetime64[us]")
    return frame


def _settle(where: pd.DataFrame, records: pd.DataFrame, out: dict) -> None:
    rec = pd.concat([records[FIELDS].reset_index(drop=True),
                     cells(records["source"].reset_index(drop=True))], axis=1).dropna(
        subset=["sheet"])
    for sheet, on_sheet in rec.groupby("sheet", sort=False):
        mine = where.index[where["sheet"] == sheet]
        if not len(mine):
            continue
        for field in FIELDS:
            by_row, rows = _along(on_sheet, "row", field)
            by_col, cols = _along(on_sheet, "col", field)
            rv = where.loc[mine, "row"].map(rows).astype(object)
            cv = where.loc[mine, "col"].map(cols).astype(object)  # dicts: any dtype maps
            side = _side(field, by_row, by_col)
            if side == "both":  # the same everywhere: either side that speaks, if they agree
                val = rv.where(rv.notna(), cv).where(rv.isna() | cv.isna() | (rv == cv))
            else:
                val = {"row": rv, "col": cv, "none": rv.where(rv.isna())}[side]
            out[field].loc[mine] = val.to_numpy()


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
