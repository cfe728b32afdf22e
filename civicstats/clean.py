"""The three domains: a workbook in, tidy records and cell-level issues out.

``clean(path, domain)`` reads every sheet (``read.read_grids``), finds each
sheet's table (``table.find_table``) by the vocabulary, and turns every
measure cell of the domain into one record (contract 1) or one issue
(contract 2). Work is done a whole column at a time.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "partners_2023-09.csv"
>>> _ = p.write_text("天悦社区2023年9月合伙人统计\\n社区,居民合伙人,团体合伙人,备注\\n"
...                  "天悦社区,20,35余,\\n合计,20,30,\\n", encoding="utf-8")
>>> records, issues, domain = clean(p)
>>> records[["area", "period", "measure", "value", "qualifier"]].astype(str).values.tolist()
[['天悦社区', '2023-09', 'resident_partners', '20.0', 'exact'], ['天悦社区', '2023-09', 'group_partners', '35.0', 'at_least']]
>>> records.source.tolist()
['partners_2023-09.csv#partners_2023-09!B3', 'partners_2023-09.csv#partners_2023-09!C3']
>>> issues[["source", "rule"]].to_dict("records")
[{'source': 'partners_2023-09.csv#partners_2023-09!C4', 'rule': 'total_mismatch'}]

Decisions worth knowing:

- Header names are matched most-specific first: the whole flattened name
  ("志愿者服务人数及时长统计/儿童/人数"), its tails ("儿童/人数", "人数"), the
  parent with the leaf ("志愿者服务人数及时长统计/人数"), then each part from
  the bottom up. Parts between the matched parent and leaf ("儿童") and parts
  below a matched part ("志愿者人数/男") become the record's ``group`` (joined
  to the row's own group with ``/``).
- A "其中：…" column is the part of the column before it (or of its merged
  parent): ``vocab.inclusive_parts()`` names its measure; other "其中" parts
  (其中：党员) are unknown columns.
- A header column containing 合计/小计 ("…/合计/人数") is a total column: when
  columns with the same measure exist beside it, it is skipped (with a
  warning) and its parts are loaded; else it is the measure itself.
- Total rows are checked as intervals: an ``at_least`` value is a lower bound,
  ``at_most`` an upper bound; a ``total_mismatch`` error is raised only when
  the stated total cannot be the sum of its parts (stated 30 with parts
  "20余" + 5 is fine; stated 20 is not). Approximate (``约``) values are not
  checked. Scope: a total whose label names a value of a context column
  ("北干街道小计") sums the rows with that value; another 小计 sums the rows
  since the previous total row; 合计/总计 sum every data row of the table.
- Other layouts are the same problem read from another direction: a table
  whose rows name their measures is tall (``civicstats.tall``: each row's
  name and unit read as a header), a month or area written alone across the
  table is a section row (``civicstats.sections``), tables side by side are
  split at empty columns (``table.side_by_side``), a sheet without measure
  columns may be an indicator table (``civicstats.indicators``).
- ``total_mismatch``, ``missing_area``, ``missing_period``, ``bad_period``,
  ``no_table`` and unreadable values are errors; ``unknown_column``,
  ``unknown_area`` and notes from reading are warnings.
"""

from __future__ import annotations

import math
import re
import sys
import types
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from civicstats import DOMAINS, analyst, headers, indicators, places, sections, table, tall, vocab
from civicstats.errors import UsageError
from civicstats.headers import Column, resolve
from civicstats.messages import N_, _, listing, say
from civicstats.read import Grid, read_grids, source
from civicstats.values import (
    current_month,
    find_period_in,
    find_year_in,
    parse_period,
    parse_value,
    parse_values,
    period_option,
)

RECORD_COLUMNS = ["area", "group", "period", "measure", "value", "qualifier", "source"]
"""Contract 1: the columns of a tidy record, in order."""
ISSUE_COLUMNS = ["source", "severity", "rule", "raw", "message"]
"""Contract 2: the columns of an issue row, in order."""
QUALIFIERS = ["exact", "at_least", "approx", "at_most"]
NOT_COUNTS = frozenset({"service_hours", "funds_yuan"})
"""Measures that may be fractional (hours, money); every other measure is a count."""
MONEY = frozenset({"funds_yuan"})
"""Measures a 金额单位：万元 line above the table applies to."""

READ_ERRORS = {"formula_without_value": "error"}
"""Notes from reading that reject a cell (contract 2: an error, the exit code says so); others warn."""

DOMAIN_WORDS = {
    "partners": ("partner", "合伙人"),
    "childcare": ("childcare", "托位", "托育"),
    "volunteers": ("volunteer", "志愿"),
}
"""Words in a file or folder name that tell the domain."""
DOMAIN_NAMES = {"partners": N_("community partners"), "childcare": N_("childcare slots"),
                "volunteers": N_("volunteers")}
"""The domains as a person names them, for messages."""

_TOTAL_LABEL_NOISE = re.compile(r"合计|总计|小计|总数|总和|^总|[:：\s]")


class CleanResult(NamedTuple):
    """What :func:`clean` returns: tidy records, issues, and the domain used."""

    records: pd.DataFrame
    issues: pd.DataFrame
    domain: str


def _known(parts: tuple[str, ...]) -> bool:
    """A header the vocabulary recognises: a measure or context, or one it recognises in order
    not to load it (a flow, a ratio, a unit that does not fit), so that a band whose lower row
    is 本月新增 | 累计 is still the taller, more specific band."""
    col = resolve(parts)
    return col.kind not in (None, "skip") or col.why in ("flow", "ratio", "unit_conflict", "ambiguous")


# ----------------------------------------------------------------------------- public


def clean(path, domain: str | None = None, *, area=None, period=None, strict: bool = False) -> CleanResult:
    """Clean one workbook or CSV: tidy records (contract 1) and issues (contract 2).

    ``domain`` None infers it from the path (partners/childcare/volunteers or
    合伙人/托位/托育/志愿 in a folder or file name), else from the headers.
    ``area`` / ``period`` ('YYYY-MM') fill in what the table does not say.
    ``strict=True`` returns no records when there is any error.
    Raises :class:`~civicstats.errors.FileUnreadable` when the file cannot be
    opened, :class:`~civicstats.errors.UsageError` for bad arguments.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "team.csv"
    >>> _ = p.write_text("队伍名称,志愿者人数,服务时长（小时）\\n春之歌艺术团,70余,12.5\\n", encoding="utf-8")
    >>> result = clean(p, "volunteers", area="萧山区", period="2023-09")
    >>> result.records[["area", "group", "measure", "value", "qualifier"]].values.tolist()
    [['萧山区', '春之歌艺术团', 'volunteers', 70.0, 'at_least'], ['萧山区', '春之歌艺术团', 'service_hours', 12.5, 'exact']]
    >>> result.issues.empty, result.domain
    (True, 'volunteers')
    """
    path = Path(path)
    if domain is not None and domain not in DOMAINS:
        raise UsageError("--domain", say("unknown domain '{domain}'", domain=domain),
                         say("use one of {choices}", choices=", ".join(DOMAINS)))
    if period is not None:
        period = period_option(period)
    grids = read_grids(path)
    if not grids:
        from civicstats.errors import FileUnreadable

        raise FileUnreadable(path.name, _("the file holds no cell with a value"),
                             _("check that this is the right file and send it again"))
    domain = domain or infer_domain(path, grids)
    return clean_grids(grids, domain, area=area, period=period, strict=strict)


def clean_grids(grids: list[Grid], domain: str, *, area=None, period=None, strict: bool = False) -> CleanResult:
    """:func:`clean` for grids already read (``read.read_grids``); ``period`` is 'YYYY-MM' or None.

    >>> import pandas as pd
    >>> cells = pd.DataFrame([["社区", "居民合伙人"], ["天悦", "20余"]], dtype=object)
    >>> clean_grids([Grid("p.xlsx", "2023年9月", cells)], "partners").records.values.tolist()[0][:4]
    ['天悦社区', '', Period('2023-09', 'M'), 'resident_partners']
    """
    if period is not None:
        period = period_option(period)
    issues: list[pd.DataFrame] = []
    records: list[pd.DataFrame] = []
    area_opt, area_names = None, {}
    if area is not None and str(area).strip():
        area_opt = places.resolve_area(area).area
        if area_opt is None:
            area_opt = places.kept_as_written(area)
            area_names[area_opt] = "--area"
    tables = 0
    for grid in grids:
        recs, iss, found = _clean_grid(grid, domain, area_opt, period, area_names)
        tables += found
        records += recs
        issues += iss
        if grid.notes:
            issues.append(_issues([f"{grid.file}#{grid.sheet}!{a}" for a, _, _ in grid.notes],
                                  [READ_ERRORS.get(r, "warning") for _, r, _ in grid.notes],
                                  [r for _, r, _ in grid.notes], "", [m for _, _, m in grid.notes]))
    if not tables:
        issues.append(_issues([source(grids[0], 0, 0) if grids else ""], "error", "no_table", "",
                              say("no sheet has a table of {domain} figures ({measures}); check that "
                                  "this is the right form, and use the headers of the standard form",
                                  domain=_(DOMAIN_NAMES[domain]),
                                  measures=listing(map(vocab.label, vocab.domain_measures(domain))))))
    unknown = [(n, src) for n, src in area_names.items() if places.resolve_area(n).area is None]
    if unknown:  # one frame for all of them: a file of 60 new communities is one step, not 60
        names = [n for n, _ in unknown]
        issues.append(_issues([src for _, src in unknown], "warning", "unknown_area", names,
                              [say("'{name}' is not in the list of places; its figures are kept "
                                   "under this name. Check the spelling, or write the full name "
                                   "(e.g. 天悦社区)", name=n) for n in names]))
    out = _records_frame(records)
    iss = _issues_frame(issues)
    analyst.note(iss)
    if strict and (iss.severity == "error").any():
        out = out.iloc[0:0]
    return CleanResult(out, iss, domain)


def infer_domain(path, grids: list[Grid]) -> str:
    """The domain named in the path (file name, then its folder and the one above), else the one
    whose headers match most; :class:`~civicstats.errors.UsageError` when neither tells.

    >>> infer_domain("data/raw/childcare/2023-09.xlsx", [])
    'childcare'
    """
    for part in reversed(Path(path).parts[-3:]):  # the file and its two folders, not the whole path
        low = part.lower()
        hits = [d for d, words in DOMAIN_WORDS.items() if any(w in low for w in words)]
        if len(hits) == 1:
            return hits[0]
    counts = dict.fromkeys(DOMAINS, 0)
    for grid in grids:
        t = table.find_table(grid.cells, grid.merged, _known)
        if t is None:
            continue
        for parts in t.names.values():
            col = resolve(parts)
            if col.kind == "measure":
                counts[col.domain] += 1
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        raise UsageError(Path(path).name, _("cannot tell which figures the file holds"),
                         _("pass --domain partners, childcare or volunteers"))
    return best


# ----------------------------------------------------------------------------- one sheet


def _clean_grid(grid: Grid, domain: str, area_opt, period_opt, area_names: dict):
    """Records and issues of one sheet (every table on it), and how many tables of the domain it held."""
    records, issues, found = [], [], 0
    if grid.hidden:
        return records, issues, found
    tables = table.find_tables(grid.cells, grid.merged, _known, is_unit=headers.is_unit)
    for t in tables:
        recs, iss, n = _clean_table(grid, t, domain, area_opt, period_opt, area_names, shared=len(tables) > 1)
        records += recs
        issues += iss
        found += n
    if not found:  # no measure columns: perhaps the measures are the row labels
        recs, iss, found = _clean_indicators(grid, domain, area_opt, period_opt, area_names)
        records += recs
        issues += iss
    return records, issues, found


def _clean_indicators(grid: Grid, domain: str, area_opt, period_opt, area_names: dict):
    """Records of an indicator table (``civicstats.indicators``): one per indicator row and value column."""
    cells = grid.cells
    blocks = indicators.find_blocks(cells, domain, grid.merged)
    records, issues = [], []
    for b in blocks:
        above = b.above + [t for t in blocks[0].above if t not in b.above]
        fb = _fallbacks(grid, table.Table(header=range(b.header, b.header + 1), names={},
                                          body=np.array(b.rows), above=above), area_opt, period_opt,
                        shared=len(blocks) > 1)
        units = indicators.unit_cells(cells, b)
        out = {k: [] for k in RECORD_COLUMNS}
        for i, r in enumerate(b.rows):
            measure, col = indicators.measure_of(cells, r, b.label, domain)
            unit = col.unit or units[i]
            if unit in ("%", "‰"):
                continue
            if not headers.unit_fits(measure, unit):
                issues.append(_issues([source(grid, r, b.label)], "error", "unit_conflict", unit,
                                      say("the unit '{unit}' does not fit {measure}; correct the unit",
                                          unit=unit, measure=vocab.label(measure))))
                continue
            factor = headers.factor(unit)
            for c, v in b.columns.items():
                if v.kind != "value":
                    continue
                raw = cells.iat[r, c]
                p = parse_value(raw, count=measure not in NOT_COUNTS)
                if p.rule:
                    issues.append(_issues([source(grid, r, c)], "error" if p.value is None else "warning",
                                          p.rule, table.text(raw), p.message))
                if p.value is None:
                    continue
                area = v.area or fb.area
                period = v.period or (fb.month(v.month) if v.month else fb.period or "")
                rule = ("missing_area" if not area else "missing_period" if not period
                        else "bad_period" if period > current_month() else None)
                if rule:
                    issues.append(_issues([source(grid, r, c)], "error", rule, table.text(raw),
                                          _future_message() if rule == "bad_period" else _(_UNNAMED[rule])))
                    continue
                hit = places.resolve_area(area)
                if hit.area is None and area not in area_names:
                    area_names[area] = source(grid, b.header, c) if v.area else "--area"
                scaled = p.value if _writes_own_unit(raw) else p.value * factor
                for k, x in zip(RECORD_COLUMNS, (hit.area or area, v.group, period, measure, scaled, p.qualifier,
                                                 source(grid, r, c)), strict=True):
                    out[k].append(x)
        if out["value"]:
            records.append({k: np.array(x, dtype=float if k == "value" else object) for k, x in out.items()})
    return records, issues, len(blocks)


_UNNAMED = {
    "missing_area": N_("no area for this figure; name the place in the title or the column header"),
    "missing_period": N_("no reporting month for this figure; name the month (e.g. 2023年9月) in the "
                         "title or the column header"),
}
_WHY = {
    "flow": N_("column '{name}' is a change over the month (新增/增加), not the count as of the month, "
               "so it was not read; give the count at the end of the month in the standard form's "
               "column"),
}


def _columns(grid, t, domain, fb):
    """Measure and context columns of one table, and the issues its header raises."""
    cols = {c: resolve(parts) for c, parts in t.names.items()}
    for c in headers.this_month_beside_cumulative(t.names, cols):  # 本月 | 本年累计
        cols[c] = Column(None, cols[c].domain, why="flow")
    # a bare "其中" column is the part of the measure to its left
    last_measure = None
    for c in sorted(cols):
        col = cols[c]
        if col.kind == "part":
            inc = vocab.inclusive_parts().get(last_measure.name) if last_measure else None
            cols[c] = (replace(last_measure, name=inc, label="", total=False, unit=col.unit or last_measure.unit,
                               factor=headers.factor(col.unit) if col.unit else last_measure.factor)
                       if inc else Column(None))
        elif col.kind == "measure":
            last_measure = col
    if not any(c.kind == "measure" and c.domain == domain for c in cols.values()):
        cols.update(_title_measure_columns(t, domain))
    money = headers.unit_line_factor(t.above)
    issues, measure_cols, context_cols = [], {}, {}
    wanted = {c for c, col in cols.items() if col.kind == "measure" and col.domain == domain}
    for c in sorted(cols):
        col = cols[c]
        if c in wanted and col.total and any(
            cols[o].name == col.name and not cols[o].total for o in wanted if o != c
        ):
            issues.append(_unknown_column(grid, t, c, N_("column '{name}' is a total column; it was not "
                                                         "read, the columns it adds up were")))
        elif c in wanted and any(headers.is_quarter(part) for part in t.names.get(c, ())):
            issues.append(_header_issue(grid, t, c, "bad_period",
                                        say("'{name}' is a quarter, not a month: give the figures "
                                            "of each month, or send the quarter's last month as "
                                            "its own return", name=t.name(c))))
        elif c in wanted:
            measure_cols[c] = _settled(col, fb, money)
        elif col.kind == "context" and not col.total:
            context_cols[c] = col
        elif col.kind == "skip" or col.why == "ratio":  # declared never-data columns: no warning
            continue
        elif col.why == "unit_conflict" and col.domain == domain:
            issues.append(_header_issue(grid, t, c, "unit_conflict",
                                        say("the unit '{unit}' does not fit {measure}; correct the unit "
                                            "in the header", unit=col.unit, measure=vocab.label(col.name))))
        elif col.why == "ambiguous" and col.domain == domain:
            issues.append(_header_issue(grid, t, c, "ambiguous_header",
                                        say("this header could mean any of {measures}; write the header "
                                            "as in the standard form",
                                            measures=listing(map(vocab.label, col.candidates)))))
        elif col.why in _WHY:
            issues.append(_unknown_column(grid, t, c, _WHY[col.why]))
        elif col.kind == "measure":
            issues.append(_unknown_column(grid, t, c, N_("column '{name}' holds {other} figures, not "
                                                         "{domain} figures, so it was not read; send "
                                                         "them on the {other} form"),
                                          other=_(DOMAIN_NAMES[col.domain]), domain=_(DOMAIN_NAMES[domain])))
        else:
            issues.append(_unknown_column(grid, t, c, N_("column '{name}' is not one of the figures of "
                                                         "the form and was not read; if it holds figures, "
                                                         "use the column header of the standard form")))
    return measure_cols, context_cols, issues


def _title_measure_columns(t, domain: str) -> dict[int, Column]:
    """Months as columns under no measure, the measure named once in the title
    (``2023年下半年各街道已完成新增托位情况`` over ``街道 | 7月 | 8月 …``)."""
    named = headers.measures_named_in(" ".join(t.above), domain)
    if len(named) != 1:
        return {}
    out = {}
    for c, parts in t.names.items():
        period, month = headers.month_named(vocab.normalize_text(parts[-1]))
        if period or month:
            out[c] = Column("measure", domain, named[0], period=period, month=month)
    return out


def _clean_table(grid: Grid, t, domain: str, area_opt, period_opt, area_names: dict, *, shared=False):
    """Records and issues of one table, and 1 when it holds measures of the domain (else 0)."""
    cells = grid.cells
    fallback = _fallbacks(grid, t, area_opt, period_opt, shared=shared)
    measure_cols, context_cols, issues = _columns(grid, t, domain, fallback)
    shape = None if measure_cols else tall.find(cells, t, domain)
    if shape is not None:  # measures named in the rows: the name, value and unit columns are not headers
        rest = replace(t, names={c: p for c, p in t.names.items() if c not in shape.columns})
        measure_cols, context_cols, issues = _columns(grid, rest, domain, fallback)
    if not measure_cols and shape is None:
        return [], issues, 0

    # label cells: context columns and whatever sits left of the first measure (序号, merged labels);
    # not a 备注 column on the right, where "含小计" is a remark, not a total row
    span = t.cols or range(cells.shape[1])  # a table beside another reads only its own columns
    first = min(measure_cols) if shape is None else shape.name
    label_cols = [c for c in span if c < first or c in context_cols]
    totals = table.total_rows(cells, t.body, label_cols)
    rows = np.setdiff1d(t.body, totals.row.to_numpy(dtype=int))
    rows = _drop_repeated_headers(cells, rows, t, measure_cols)
    for c in span:  # data under no header at all is never skipped silently
        filled = cells.iloc[rows, c].notna().to_numpy() if c not in t.names else None
        if filled is not None and filled.any():
            issues.append(_issues([source(grid, int(rows[np.argmax(filled)]), c)], "warning", "unknown_column", "",
                                  _("this column holds figures but has no header, so it was not read; "
                                    "if they belong to the form, give the column the header of the "
                                    "standard form")))

    if shape is None:
        pieces = [(None, m, x, "") for m, x in _blocks(t, measure_cols, context_cols)]
    else:
        pieces, iss = _tall_pieces(grid, shape, t.body, domain, fallback, headers.unit_line_factor(t.above))
        pieces = [(sub, m, context_cols, area) for sub, m, area in pieces]
        issues += iss
    records = []
    secs = _sections(grid, t, rows, fallback)
    for sub, block_measures, block_context, area in pieces:
        part = rows if sub is None else rows[np.isin(rows, sub)]
        if not len(part):
            continue
        recs, iss = _clean_block(grid, t, part, totals if sub is None else totals[totals.row.isin(sub)],
                                 block_measures, block_context, replace(fallback, area=area) if area else fallback,
                                 area_names, secs)
        records += recs
        issues += iss
    return records, issues, 1


def _tall_pieces(grid, shape, rows, domain: str, fb, money: float):
    """(rows, {value column: measure}, area) per measure a tall table names in its rows
    (``civicstats.tall``), and the issues its names raise: a unit that contradicts the name and an
    ambiguous name are errors at each row, a name outside the vocabulary one warning."""
    pieces, issues = [], []
    for col, sub in tall.groups(grid.cells, rows, shape):
        name = indicators.label_text(grid.cells.iat[int(sub[0]), shape.name])
        if col.kind == "measure" and col.domain == domain:
            for c, v in shape.values.items():
                head = replace(col, label=v.group or col.label, period=v.period or col.period, month=v.month)
                pieces.append((sub, {c: _settled(head, fb, money)}, v.area))
        elif col.why == "unit_conflict" and col.domain == domain:
            issues.append(_issues(_sources(grid, sub, shape.name if shape.unit is None else shape.unit), "error",
                                  "unit_conflict", col.unit, say("the unit '{unit}' does not fit {measure}; "
                                                                 "correct the unit", unit=col.unit,
                                                                 measure=vocab.label(col.name))))
        elif col.why == "ambiguous" and col.domain == domain:
            issues.append(_issues(_sources(grid, sub, shape.name), "error", "ambiguous_header", name,
                                  say("'{name}' could mean {measures}; write the name as in the standard form",
                                      name=name, measures=" / ".join(map(vocab.label, col.candidates)))))
        elif name and col.kind not in ("skip", "context") and col.why != "ratio":
            issues.append(_issues([source(grid, int(sub[0]), shape.name)], "warning", "unknown_column", name,
                                  say("'{name}' is a change over the month, not the count as of the month; "
                                      "its rows are not loaded", name=name) if col.why == "flow" else
                                  say("row '{name}' is not one of the figures of the form and was not "
                                      "read; if it holds figures, use the name of the standard form",
                                      name=name)))
    return pieces, issues


def _settled(col: Column, fb, money: float) -> Column:
    """A measure column as read in its table: a month without its year (3月) in the table's year,
    and a 金额单位：万元 line applied to a money column that writes no unit of its own."""
    if col.month:
        col = replace(col, period=fb.month(col.month), month=0)
    if not col.unit and money != 1 and col.name in MONEY:
        col = replace(col, factor=money)
    return col


def _sections(grid, t, rows, fb: _Fallback) -> sections.Sections:
    """The section rows of a table (``civicstats.sections``): a month or a known area written alone
    across the table is the period or area of the rows under it, up to the next section row."""

    def read(label):
        if period := parse_period(label, default_year=fb.year):
            return {"period": period}
        if area := places.resolve_area(label).area:
            return {"area": area}
        return None

    return sections.find(sections.lone_labels(grid.cells, rows, sorted(t.names)), read)


def _header_source(grid, t, c) -> str:
    """The lowest header cell of column ``c`` that holds text: where a header issue points."""
    row = max(r for r in t.header if table.text(grid.cells.iat[r, c]) or r == t.header.start)
    return source(grid, row, c)


def _header_issue(grid, t, c, rule, message) -> pd.DataFrame:
    return _issues([_header_source(grid, t, c)], "error", rule, t.name(c), message)


def _unknown_column(grid, t, c, msgid, **fields) -> pd.DataFrame:
    """A column that is not read: ``msgid`` (with ``{name}``, the header as written) says why."""
    name = t.name(c)
    return _issues([_header_source(grid, t, c)], "warning", "unknown_column", name,
                   say(msgid, name=name, **fields))


def _drop_repeated_headers(cells, rows, t, measure_cols) -> np.ndarray:
    """Rows that repeat the header (a printed page break) are not data."""
    if len(rows) == 0:
        return rows
    hits = np.zeros(len(rows), dtype=int)
    for c in measure_cols:
        last = t.names[c][-1]
        hits += cells.iloc[rows, c].to_numpy(dtype=object) == last
    return rows[~((hits > 0) & (hits * 2 >= len(measure_cols)))]


def _blocks(t, measure_cols, context_cols):
    """Split a two-up layout (the header repeated side by side) into blocks of columns."""
    named = sorted(t.names)
    first = t.names[named[0]]
    starts = [c for c in named if t.names[c] == first]
    bounds = [*starts, math.inf]
    out = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        m = {c: v for c, v in measure_cols.items() if lo <= c < hi}
        x = {c: v for c, v in context_cols.items() if lo <= c < hi}
        if m:
            out.append((m, x))
    return out


_FILLED_ON = re.compile(r"(填报|填表|报送|制表|打印|上报|审核)(日期|时间)")


@dataclass
class _Fallback:
    area: str | None
    period: str | None
    year: int | None

    def month(self, month: int) -> str:
        """A month written without its year (``3月``) in the year the title or names give; '' when none."""
        return f"{self.year:04d}-{month:02d}" if self.year else ""


def _fallbacks(grid: Grid, t, area_opt, period_opt, *, shared: bool = False) -> _Fallback:
    """Area and period for rows that do not say: option, else sheet name, else title rows
    (never a 填报日期 line: the day a form was filled in is not the month it reports), else,
    for the period, the file name. A table that ``shared`` its sheet with others reads its own
    title before the sheet name: each keeps its own period (sheet ``11-12月``, titles ``2024年11月…``)."""
    title = " ".join(line for line in t.above if not _FILLED_ON.search(line))
    stem = Path(grid.file).stem
    year = find_year_in(title) or find_year_in(grid.sheet) or find_year_in(stem)
    first, then = (title, grid.sheet) if shared else (grid.sheet, title)
    area = area_opt or vocab.find_area_in(first) or vocab.find_area_in(then)
    period = (period_opt or find_period_in(first, default_year=year)
              or find_period_in(then, default_year=year) or find_period_in(stem, default_year=year))
    return _Fallback(area, period, year)


def _context(grid, rows, cols: dict, merged) -> tuple[np.ndarray, int | None]:
    """One text per row from the context columns of one field, highest rank first; "" if none."""
    out = np.full(len(rows), "", dtype=object)
    first = None
    for c, _col in sorted(cols.items(), key=lambda kv: (-kv[1].rank, kv[0])):
        first = c if first is None else first
        vals = table.texts(table.fill_down_merged(grid.cells, merged, c, rows))
        out = np.where(out == "", vals, out)
    return out, first


def _clean_block(grid, t, rows, totals, measures, context, fb: _Fallback, area_names, secs=None):
    cells = grid.cells
    issues = []
    by_field = {f: {c: v for c, v in context.items() if v.name == f} for f in ("area", "group", "period", "year")}

    parsed = {c: _scaled(parse_values(cells.iloc[rows, c], count=col.name not in NOT_COUNTS),
                         cells.iloc[rows, c], col.factor) for c, col in measures.items()}
    has_value = np.zeros(len(rows), dtype=bool)
    for p in parsed.values():
        has_value |= p.value.notna().to_numpy()

    # area: column (community over street), else --area / sheet / title
    area, area_col = _context(grid, rows, by_field["area"], grid.merged)
    if secs is not None and (under := secs.of(rows, "area")) is not None:  # a section row's area
        area = np.where(area == "", under, area)
    if fb.area:
        area = np.where(area == "", fb.area, area)
    ok = has_value.copy()
    if area_col is None and not fb.area:
        lacking = has_value & (area == "")  # every row, unless section rows name areas
        if lacking.any():
            issues.append(_issues([_first_value_source(grid, rows, parsed, lacking)], "error", "missing_area", "",
                                  _("the table does not say which place its figures are for: add a 社区 "
                                    "or 街道 column, or name the place in the title")))
        if not (area != "").any():
            return [], issues
        ok &= ~lacking
    missing = ok & (area == "")
    if missing.any():
        issues.append(_issues(_sources(grid, rows[missing], area_col), "error", "missing_area", "",
                              _("this row has figures but no place; fill in its 社区/街道 cell")))
        ok &= ~missing
    area, unsure, ambiguous = _canonical_areas(grid, rows, area, area_col, ok, area_names)
    if unsure.any() and area_col is not None:
        issues.append(_issues(_sources(grid, rows[unsure], area_col), "error", "ambiguous_area", area[unsure],
                              [say("'{name}' could be any of {places}; write the full name", name=a,
                                   places=listing(ambiguous.get(a, ()))) for a in area[unsure]]))
        ok &= ~unsure

    group, _first = _context(grid, rows, by_field["group"], grid.merged)

    period, bad = _periods(grid, rows, by_field, fb, None if secs is None else secs.of(rows, "period"))
    header_months = all(col.period for col in measures.values())  # e.g. 居民合伙人 over 8月 | 9月
    if period is None:
        period, bad = np.full(len(rows), "", dtype=object), None
    if bad is None and not any(col.period for col in measures.values()):
        lacking = has_value & (period == "")  # every row, unless section rows name months
        if lacking.any():
            issues.append(_issues([_first_value_source(grid, rows, parsed, lacking)], "error", "missing_period",
                                  "", _("the table does not say which month its figures are for: name the "
                                        "month in the title (e.g. 2023年9月) or add a 月份 column")))
        if not (period != "").any():
            return [], issues
        ok &= ~lacking
    if bad is not None and not header_months:
        issues += bad(ok & (period == ""), ok)
    if period is not None:
        later = ok & (period > current_month())
        if later.any():
            src = (_sources(grid, rows[later], min(by_field["period"])) if by_field["period"]
                   else [_first_value_source(grid, rows, parsed, later)])
            issues.append(_issues(src, "error", "bad_period", "", _future_message()))
            ok &= ~later

    records = []
    row_numbers = (np.asarray(rows, dtype=np.int64) + 1).astype(str).astype(object)  # shared by all columns
    for c, col in measures.items():
        p = parsed[c]
        value = p.value.to_numpy()
        rule = p.rule.to_numpy(dtype=object)
        problem = pd.notna(rule)
        if problem.any():
            raw = cells.iloc[rows[problem], c].map(table.text).to_numpy(dtype=object)
            sev = np.where(np.isnan(value[problem]), "error", "warning")
            issues.append(_issues(_sources(grid, rows[problem], c), sev, rule[problem], raw,
                                  p.message.to_numpy(dtype=object)[problem]))
        col_period = np.full(len(rows), col.period, dtype=object) if col.period else period
        keep = ok & ~np.isnan(value) & (col_period != "")
        if not keep.any():
            continue
        g = group[keep]
        if col.label:
            g = np.where(g == "", col.label, g + "/" + col.label)
        records.append({
            "area": area[keep], "group": g, "period": col_period[keep],
            "measure": np.full(int(keep.sum()), col.name, dtype=object),
            "value": value[keep], "qualifier": p.qualifier.to_numpy(dtype=object)[keep],
            "source": _sources(grid, rows[keep], c, numbers=row_numbers[keep]),
        })
    issues += _check_totals(grid, rows, totals, measures, parsed, by_field["area"], secs)
    return records, issues


def _future_message() -> str:
    return say("this month is after the current month ({now}); check the year and month of the "
               "reporting period", now=current_month())


_OWN_UNIT = re.compile(r"[元万亿千]")


def _writes_own_unit(raw) -> bool:
    """A cell that writes its own unit (``3万元``) is read in that unit, not the header's."""
    return isinstance(raw, str) and bool(_OWN_UNIT.search(raw))


def _scaled(parsed: pd.DataFrame, raw: pd.Series, factor: float) -> pd.DataFrame:
    """Values in a header's unit (万元) times its factor; a cell that writes its own unit is not scaled.

    >>> p = parse_values(pd.Series([2.5, "3万元", "1.2"], dtype=object), count=False)
    >>> _scaled(p, pd.Series([2.5, "3万元", "1.2"], dtype=object), 10000.0).value.tolist()
    [25000.0, 30000.0, 12000.0]
    """
    if factor == 1:
        return parsed
    own = table.per_unique(raw.to_numpy(dtype=object), _writes_own_unit, bool)
    out = parsed.copy()
    out["value"] = np.where(own, out.value.to_numpy(), out.value.to_numpy() * factor)
    return out


def _first_value_source(grid, rows, parsed, has_value) -> str:
    i = int(np.argmax(has_value))
    for c, p in parsed.items():
        if not math.isnan(p.value.iat[i]):
            return source(grid, int(rows[i]), c)
    return source(grid, int(rows[i]), next(iter(parsed)))


def _canonical_areas(grid, rows, area, area_col, ok, area_names):
    """Canonical names (``places.resolve_area``) and a mask of rows whose name fits two places.

    Unknown names are kept as written (whitespace removed) and remembered for one warning.
    """
    mapping, ambiguous = {}, {}
    for name in pd.unique(area[ok]):
        hit = places.resolve_area(name)
        mapping[name] = hit.area or places.kept_as_written(name)
        if len(hit.candidates) > 1:
            ambiguous[mapping[name]] = hit.candidates
        elif hit.area is None and mapping[name] not in area_names:
            i = int(np.flatnonzero(ok & (area == name))[0])
            area_names[mapping[name]] = source(grid, int(rows[i]), area_col) if area_col is not None else "--area"
    if not len(area):
        return area, np.zeros(0, dtype=bool), ambiguous
    out = np.array([mapping.get(a, a) for a in area], dtype=object)
    return out, ok & np.isin(out, list(ambiguous)), ambiguous


def _periods(grid, rows, by_field, fb: _Fallback, under=None):
    """Period per row ('' when none) and a callback making issues for rows without one.

    ``under`` is each row's month from the section row above it ('' when none), or None.
    Returns (None, None) when no row can have a period at all.
    """
    cols = by_field["period"]
    if not cols:
        if under is not None:
            return np.where(under != "", under, fb.period or ""), None
        if fb.period is None:
            return None, None
        return np.full(len(rows), fb.period, dtype=object), None
    years = None
    if by_field["year"]:
        ycol = min(by_field["year"])
        ycells = _carry_down(table.fill_down_merged(grid.cells, grid.merged, ycol, rows), rows)
        years = pd.to_numeric(pd.Series(table.texts(ycells)), errors="coerce").to_numpy(dtype=float)
    out = np.full(len(rows), "", dtype=object)
    raw_first = None
    for c in sorted(cols):
        raw = _carry_down(table.fill_down_merged(grid.cells, grid.merged, c, rows), rows)
        got = table.per_unique(raw, lambda v: parse_period(v, default_year=fb.year) or "")
        # a month number (1..12) takes the year column, else the title's year
        raw_text = table.texts(raw)
        num = table.per_unique(raw_text, _month_number, float)
        is_month = ~np.isnan(num)
        yr = years if years is not None else np.full(len(rows), fb.year if fb.year else np.nan)
        month_ok = is_month & ~np.isnan(yr)
        if month_ok.any():
            ym = [f"{int(y):04d}-{int(m):02d}" for y, m in zip(yr[month_ok], num[month_ok], strict=True)]
            got[month_ok] = ym
        out = np.where(out == "", got, out)
        if raw_first is None:
            raw_first = (c, raw_text)
    if under is not None:
        out = np.where(out == "", under, out)
    if fb.period:
        out = np.where(out == "", fb.period, out)

    def bad(rows_without, _ok):
        c, raw = raw_first
        issues = []
        unreadable = rows_without & (raw != "")
        if unreadable.any():
            issues.append(_issues(_sources(grid, rows[unreadable], c), "error", "bad_period", raw[unreadable],
                                  _("this is not a month; write it as 2023年9月 or 2023-09")))
        blank = rows_without & (raw == "")
        if blank.any():
            issues.append(_issues(_sources(grid, rows[blank], c), "error", "missing_period", "",
                                  _("this row has figures but no month; fill in its 月份 cell")))
        return issues

    return out, bad


def _month_number(text: str) -> float:
    """1..12 for a cell holding just a month number ("9", "9月"), else NaN.

    >>> _month_number("9月"), _month_number("12"), _month_number("2023年9月")
    (9.0, 12.0, nan)
    """
    t = (text or "").removesuffix("月")
    return float(t) if t.isdigit() and 1 <= int(t) <= 12 else math.nan


def _carry_down(values: pd.Series, rows: np.ndarray) -> pd.Series:
    """Period/year cells carried down to the rows below them, up to the next blank row.

    A month written once on top of its block of rows is a common layout, and
    carrying a month down cannot move a number to another place (areas are
    only filled down when merged).
    """
    block = np.concatenate([[0], np.cumsum(np.diff(rows) > 1)]) if len(rows) else np.zeros(0, dtype=int)
    blank = table.texts(values) == ""
    if not blank.any():
        return values
    return values.where(~blank).groupby(block).ffill().astype(object).where(lambda s: s.notna(), None)


# ----------------------------------------------------------------------------- totals


class _Sums:
    """Prefix sums of one measure column, so any run of rows sums in constant time.

    Per row: the value for the lower bound (``at_most`` counts 0), the value for
    the upper bound, and counts of ``at_least``, ``approx`` and unreadable cells.
    """

    def __init__(self, p: pd.DataFrame):
        value = np.nan_to_num(p.value.to_numpy(dtype=float), nan=0.0)
        qual = p.qualifier.to_numpy(dtype=object)
        bad = pd.notna(p.rule.to_numpy(dtype=object)) & p.value.isna().to_numpy()
        parts = [np.where(qual == "at_most", 0.0, value), value, qual == "at_least", qual == "approx", bad]
        self.cum = [np.concatenate([[0.0], np.cumsum(a, dtype=float)]) for a in parts]

    def interval(self, scope) -> tuple[float, float] | None:
        """(lower, upper) bound of the sum over ``scope`` (a slice or a mask); None when unknown."""
        if isinstance(scope, slice):
            lo, hi, at_least, approx, bad = (c[scope.stop] - c[scope.start] for c in self.cum)
        else:
            lo, hi, at_least, approx, bad = (np.diff(c)[scope].sum() for c in self.cum)
        if approx or bad:  # an estimate, or a part that could not be read (an issue already)
            return None
        return float(lo), (math.inf if at_least else float(hi))


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _total_scopes(grid, rows, totals, area_cols, secs=None):
    """Yield (total row, label, scope, number of rows in it) for every total row.

    A label naming a context value (北干街道小计) sums the rows with that value; another
    小计 sums the rows since the previous total row (or, above its rows, up to the next);
    合计/总计 sum every data row, or, when several section blocks (``civicstats.sections``)
    each have one, the rows of their own block. Scopes are slices where they can be
    (constant-time sums).
    """
    cells = grid.cells
    area_text = {}  # column -> normalised texts, made when a labelled total needs them

    def texts_of(c):
        if c not in area_text:
            t = pd.Series(table.texts(table.fill_down_merged(cells, grid.merged, c, rows)), dtype="string")
            area_text[c] = t.str.normalize("NFKC").str.replace(r"\s+", "", regex=True).to_numpy(dtype=object)
        return area_text[c]

    positions = totals.row.to_numpy(dtype=int)
    per_block = secs is not None and len(secs.starts) and len(
        {secs.block(r) for r, k in zip(positions, totals.kind, strict=True) if k == "total"}) > 1
    for tr, kind, label in totals.itertuples(index=False):
        core = _TOTAL_LABEL_NOISE.sub("", vocab.normalize_text(label))
        scope = None
        if core:
            for c in area_cols:
                hit = texts_of(c) == core
                if hit.any():
                    scope, size = hit, int(hit.sum())
                    break
        if scope is None and kind == "subtotal":
            i = int(np.searchsorted(positions, tr))  # positions are sorted
            lo = int(np.searchsorted(rows, positions[i - 1] + 1 if i else 0))
            hi = int(np.searchsorted(rows, tr))
            if lo == hi:  # a subtotal above its rows: up to the next total row
                lo, hi = hi, int(np.searchsorted(rows, positions[i + 1] if i + 1 < len(positions) else rows[-1] + 1))
            scope, size = slice(lo, hi), hi - lo
        if scope is None and per_block:
            scope, size = _block_scope(rows, secs, tr)
        if scope is None:
            scope, size = slice(0, len(rows)), len(rows)
        if size:
            yield tr, label, scope, size


_TOTAL_IS = N_("check the '{label}' row: its {size} rows add up to {summed}, the table says {stated}; "
               "correct the total or the rows")
_TOTAL_AT_LEAST = N_("check the '{label}' row: its {size} rows add up to at least {summed}, the table "
                     "says {stated}; correct the total or the rows")


def _block_scope(rows, secs, tr: int) -> tuple[slice, int]:
    """The rows of the section block holding total row ``tr``: above it, or below it when on top."""
    b = secs.block(tr)
    start = int(np.searchsorted(rows, secs.starts[b - 1])) if b else 0
    end = int(np.searchsorted(rows, secs.starts[b])) if b < len(secs.starts) else len(rows)
    at = int(np.searchsorted(rows, tr))
    lo, hi = (start, at) if at > start else (at, end)
    return slice(lo, hi), hi - lo


def _check_totals(grid, rows, totals, measures, parsed, area_cols, secs=None) -> list[pd.DataFrame]:
    """One total_mismatch issue per total cell whose stated figure cannot be the sum of its rows.

    Sums are intervals: stated 30 with parts "20余" + 5 is fine, stated 20 is not.
    """
    if totals.empty or len(rows) == 0:
        return []
    issues = []
    cells = grid.cells
    sums = {}
    for tr, label, scope, size in _total_scopes(grid, rows, totals, area_cols, secs):
        for c, col in measures.items():
            stated = parse_value(cells.iat[tr, c], count=col.name not in NOT_COUNTS)
            if stated.value is None or stated.qualifier == "approx":
                continue
            if c not in sums:
                sums[c] = _Sums(parsed[c])
            bounds = sums[c].interval(scope)
            if bounds is None:
                continue
            lo, hi = bounds
            s_lo = stated.value if stated.qualifier in ("exact", "at_least") else 0.0
            s_hi = math.inf if stated.qualifier == "at_least" else stated.value
            eps = 1e-6 * max(1.0, abs(stated.value))
            if s_hi < lo - eps or s_lo > hi + eps:
                msgid = _TOTAL_IS if hi == lo else _TOTAL_AT_LEAST
                issues.append(_issues(
                    [source(grid, int(tr), c)], "error", "total_mismatch", table.text(cells.iat[tr, c]),
                    say(msgid, label=label, size=size, summed=_fmt(lo), stated=_fmt(stated.value))))
    return issues


# ----------------------------------------------------------------------------- frames


def _sources(grid: Grid, rows: np.ndarray, col: int, numbers: np.ndarray | None = None) -> np.ndarray:
    """``FILE#SHEET!CELL`` for many rows of one column, built column-wise.

    ``numbers`` are the rows' 1-based numbers as text, when the caller already has them.
    """
    prefix = source(grid, 0, col)[:-1]  # "file#sheet!C"
    if numbers is None:
        numbers = (np.asarray(rows, dtype=np.int64) + 1).astype(str).astype(object)
    return prefix + numbers


def _issues(src, severity, rule, raw, message) -> dict[str, np.ndarray]:
    """Issue rows as columns (``severity`` … ``message``: one value for all, or one per row).

    Plain arrays, joined into one frame per file by :func:`_issues_frame`: a DataFrame per
    issue (or per rule) cost more than the cleaning of a small file."""
    n = len(src)
    return {"source": np.asarray(list(src), dtype=object), **{
        c: np.broadcast_to(np.asarray(v, dtype=object), n).copy()
        for c, v in zip(ISSUE_COLUMNS[1:], (severity, rule, raw, message), strict=True)}}


def _issues_frame(parts: list) -> pd.DataFrame:
    """One frame of object columns from :func:`_issues` pieces (or frames): text as ``str``,
    a missing value NaN, ``raw`` never missing."""
    parts = [p for p in parts if len(p["source"])]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ISSUE_COLUMNS})
    out = {}
    for c in ISSUE_COLUMNS:
        col = np.concatenate([np.asarray(p[c], dtype=object) for p in parts])
        gone = pd.isna(col)
        for i in np.flatnonzero(~gone):
            if type(col[i]) is not str:
                col[i] = str(col[i])
        col[gone] = "" if c == "raw" else np.nan
        out[c] = pd.Series(col, dtype=object)
    return pd.DataFrame(out, columns=ISSUE_COLUMNS)


def _records_frame(parts: list[dict]) -> pd.DataFrame:
    """Typed records from per-column pieces: period[M], categorical measure/qualifier, float64 value.

    Built once from plain arrays, so pandas never converts text columns back and forth.
    """
    parts = [p for p in parts if len(p["value"])]
    col = {c: (np.concatenate([p[c] for p in parts]) if parts else np.empty(0, dtype=object))
           for c in RECORD_COLUMNS}
    codes, months = pd.factorize(col["period"])
    idx = pd.PeriodIndex(list(months), freq="M")
    measures = list(dict.fromkeys(vocab.measures().measure))
    df = pd.DataFrame({
        "area": pd.Series(col["area"], dtype=object),
        "group": pd.Series(col["group"], dtype=object),
        "period": pd.Series(idx.take(codes) if len(codes) else pd.PeriodIndex([], freq="M")),
        "measure": _categorical(col["measure"], measures),
        "value": pd.Series(col["value"], dtype="float64"),
        "qualifier": _categorical(col["qualifier"], QUALIFIERS),
        "source": pd.Series(col["source"], dtype=object),
    })
    return df[RECORD_COLUMNS]


def _categorical(values: np.ndarray, categories: list[str]) -> pd.Categorical:
    """``pd.Categorical(values, categories)`` from codes: the same, without pandas inferring
    a string dtype for every value first (a value outside ``categories`` is NaN, as there).

    >>> _categorical(np.array(["b", "x"], dtype=object), ["a", "b"]).tolist()
    ['b', nan]
    """
    codes, uniques = pd.factorize(values)  # a column of 470,000 names holds a dozen
    at = pd.Index(categories).get_indexer(uniques)
    return pd.Categorical.from_codes(np.where(codes < 0, -1, at.take(np.maximum(codes, 0)))
                                     if len(at) else np.full(len(codes), -1), categories=categories)


def records_for_csv(records: pd.DataFrame) -> pd.DataFrame:
    """Records as written to CSV: period ``YYYY-MM``, whole numbers without ``.0``.

    >>> r = pd.DataFrame({"period": pd.PeriodIndex(["2023-09"] * 2, freq="M"), "value": [20.0, 2.5]})
    >>> records_for_csv(r).to_dict("list")
    {'period': ['2023-09', '2023-09'], 'value': ['20', '2.5']}
    """
    out = records.copy()
    out["period"] = out["period"].astype(str)
    v = out["value"].to_numpy(dtype=float)
    whole = np.isfinite(v) & (v == np.floor(v)) & (np.abs(v) < 2**53)
    text = out["value"].astype(str).to_numpy(dtype=object)
    if whole.any():
        text[whole] = v[whole].astype(np.int64).astype(str)
    out["value"] = text
    return out


class _CallableModule(types.ModuleType):
    """Importing ``civicstats.clean`` binds the module as ``civicstats.clean`` on the package,
    shadowing the function; calling the module calls :func:`clean`, so ``cs.clean(path)``
    works however the package was imported."""

    def __call__(self, *args, **kwargs) -> CleanResult:
        return clean(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
