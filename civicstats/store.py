"""The store: one embedded DuckDB file where monthly files accumulate, idempotently, losing nothing.

Default file ``data/processed/civicstats.duckdb`` (:func:`civicstats.config.store_path`:
the ``store`` argument, else $CIVICSTATS_STORE). Three tables:

``ingests``
    every file seen: ``ingest_id, path, sha256, size, ingested_at, domain, records, issues,
    errors, outcome, message``; outcome is ``ok``, ``rejected-cells`` (loaded, some cells
    rejected), ``failed`` (nothing loaded), ``unchanged`` (content already current) or
    ``withdrawn`` (:mod:`civicstats.withdraw`: when a version was taken back). A row is
    added only when something changes for that path (a new version, a failure, a copy of
    loaded content under a new name, a path fixed after a failure), so rerunning over the same
    files leaves the store as it was.
``records``
    the tidy records of every loaded file version, current and superseded, in one table:
    the record columns plus ``domain, file, sha256, ingest_id, ingested_at`` and
    ``superseded_at, superseded_by`` (the file that replaced them), ``superseded_by_ingest``
    and ``withdrawn_at``. Current records are those with ``superseded_at IS NULL``. Rows are
    never deleted.
``issues``
    the issues of every loaded file version, with ``domain, period, file, sha256, ingest_id``;
    ``closed_at, closed_by_ingest`` are set when a new version of the same file replaces it, when
    the file is withdrawn, or (with ``superseded_by``) when another file sends the figure the
    error's cell stood for; ``area, group, measure`` are that figure's key
    (:mod:`civicstats.issuekeys`).

How a file is loaded (one transaction per file, so a crash leaves the store as it was):

- its sha256 is looked up first; content that is already current is ``unchanged`` and is
  not cleaned again (an unchanged rerun only hashes files);
- its records supersede the current records with the same (domain, area, group, period,
  measure) key, whichever file sent them, and all current records of the previous version of
  the same file, including keys the new version no longer sends (the new version of a file
  replaces the old one); keys sent only by other files are untouched;
- the open issues of the previous version of the same file are closed, and so are other
  files' errors whose figure it sends (corrections close what they fix);
- figures of a month years away from every other month are not loaded (``bad_period``,
  :mod:`civicstats.farperiods`);
- when two files send the same key, the one ingested last is current;
- when one file sends a key twice, both figures are kept and a ``duplicate_key`` warning
  names both cells (nothing is guessed away).
- the plausibility checks of everything an ingest loaded run once, after its last file
  (:mod:`civicstats.batchchecks`); the files still to check are noted in
  ``checks_pending`` inside their own transactions, so after a kill the next command that
  writes checks them first.

Reads return rows in the order they were loaded (files in ingest order, rows in file order).
Times (``ingested_at``, ``superseded_at``) are the machine's local time.

``path``/``file`` is the file's path relative to the project folder when inside it, else
absolute, so the same file is recognised whichever folder the command runs from.

DuckDB lets one process write at a time. A second writer (or a reader while a writer is at
work) waits up to $CIVICSTATS_STORE_TIMEOUT seconds (default 30), then raises
:class:`~civicstats.errors.StoreBusy`. Readers use read-only connections and never create
the file.

Test-only hook: $CIVICSTATS_TEST_SLEEP_IN_TXN ("SECONDS", or "SECONDS@N" for the Nth file
only) prints a line to stderr and sleeps inside each file's transaction, just before COMMIT,
so that tests can kill an ingest in the middle of a file (tests/test_store_faults.py);
creating the file named by $CIVICSTATS_TEST_RELEASE ends the sleep early. Never set them in
production.

>>> import tempfile, pathlib
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> load(store=tmp / "none.duckdb").columns.tolist()
['area', 'group', 'period', 'measure', 'value', 'qualifier', 'source', 'domain', 'file', 'ingested_at']
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from civicstats import config
from civicstats.errors import CivicstatsError, FileUnreadable, StoreBusy, UsageError
from civicstats.messages import N_, _, say

# the same lists as civicstats.clean's (a test checks); not imported, so that reading the
# store never loads the cleaning engine
RECORD_COLUMNS = ["area", "group", "period", "measure", "value", "qualifier", "source"]
ISSUE_COLUMNS = ["source", "severity", "rule", "raw", "message"]
LOAD_COLUMNS = [*RECORD_COLUMNS, "domain", "file", "ingested_at"]
HISTORY_COLUMNS = [*LOAD_COLUMNS, "superseded_at", "superseded_by", "withdrawn_at"]
KEY = ["domain", "area", "group", "period", "measure"]
QUALIFIERS = ["exact", "at_least", "approx", "at_most"]
DOMAINS = ["partners", "childcare", "volunteers"]
LOADED = ("ok", "rejected-cells")

ENV_TIMEOUT = "CIVICSTATS_STORE_TIMEOUT"
ENV_TEST_SLEEP = "CIVICSTATS_TEST_SLEEP_IN_TXN"  # test-only: sleep inside each file's transaction
ENV_TEST_RELEASE = "CIVICSTATS_TEST_RELEASE"  # test-only: a file whose creation ends that sleep

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS ingest_ids START 1;
CREATE TABLE IF NOT EXISTS ingests (
    ingest_id BIGINT PRIMARY KEY, path VARCHAR NOT NULL, sha256 VARCHAR, size BIGINT,
    ingested_at TIMESTAMP NOT NULL, domain VARCHAR, records INTEGER NOT NULL,
    issues INTEGER NOT NULL, errors INTEGER NOT NULL, outcome VARCHAR NOT NULL,
    message VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    domain VARCHAR NOT NULL, area VARCHAR NOT NULL, "group" VARCHAR NOT NULL,
    period DATE NOT NULL, measure VARCHAR NOT NULL, value DOUBLE, qualifier VARCHAR,
    source VARCHAR, file VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, ingest_id BIGINT NOT NULL,
    ingested_at TIMESTAMP NOT NULL, superseded_at TIMESTAMP, superseded_by VARCHAR,
    superseded_by_ingest BIGINT);
CREATE TABLE IF NOT EXISTS issues (
    source VARCHAR, severity VARCHAR, rule VARCHAR, raw VARCHAR, message VARCHAR,
    domain VARCHAR, period DATE, file VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
    ingest_id BIGINT NOT NULL, ingested_at TIMESTAMP NOT NULL, closed_at TIMESTAMP,
    closed_by_ingest BIGINT);
-- added later: stores made before get them here (columns are always addressed by name)
ALTER TABLE records ADD COLUMN IF NOT EXISTS withdrawn_at TIMESTAMP;
ALTER TABLE issues ADD COLUMN IF NOT EXISTS superseded_by VARCHAR;
ALTER TABLE issues ADD COLUMN IF NOT EXISTS area VARCHAR;
ALTER TABLE issues ADD COLUMN IF NOT EXISTS "group" VARCHAR;
ALTER TABLE issues ADD COLUMN IF NOT EXISTS measure VARCHAR;
-- ingests whose plausibility checks are still to run (civicstats.batchchecks)
CREATE TABLE IF NOT EXISTS checks_pending (ingest_id BIGINT NOT NULL);
"""

# period[M] ordinal = months since 1970-01, computed in SQL so that pandas builds the
# PeriodArray without parsing a string per row (1M records load in well under a second).
_ORDINAL = "((year({c}) - 1970) * 12 + month({c}) - 1)"


@dataclass(frozen=True)
class FileMeta:
    """One file as the store knows it: identity (``file``), content hash, size, domain."""

    file: str
    sha256: str | None
    size: int | None
    domain: str | None = None


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one file: ``outcome`` is ok, rejected-cells, failed, unchanged, skipped
    (not a spreadsheet, or content withdrawn and found in a folder) or withdrawn."""

    file: str
    outcome: str
    records: int = 0
    issues: int = 0
    errors: int = 0
    domain: str | None = None
    message: str = ""

    @property
    def exit_code(self) -> int:
        """0 ok/unchanged, 1 some cells rejected, 2 the file could not be loaded."""
        return {"rejected-cells": 1, "failed": 2}.get(self.outcome, 0)

    def line(self) -> str:
        """One line for a person, as ``civicstats ingest`` prints it."""
        what = {
            "ok": N_("ingested {records} records ({domain})"),
            "rejected-cells": N_("rejected {errors} cells, ingested {records} records ({domain}); "
                                 "see `civicstats issues --file {file}`"),
            "unchanged": N_("unchanged"),
            "failed": N_("failed: {message}"),
            "skipped": N_("skipped: {message}"),
            "withdrawn": "{message}",
        }[self.outcome]
        return f"{self.file}: " + say(what, records=self.records, errors=self.errors, domain=self.domain,
                                      message=self.message, file=self.file)


# -- connections ---------------------------------------------------------------


def _timeout(timeout: float | None) -> float:
    if timeout is not None:
        return float(timeout)
    try:
        return float(os.environ.get(ENV_TIMEOUT, "30"))
    except ValueError:
        return 30.0


def _connect(path: Path, *, read_only: bool, timeout: float | None = None):
    """A DuckDB connection, waiting while another process holds the file's lock."""
    import duckdb

    deadline = time.monotonic() + _timeout(timeout)
    pause = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise CivicstatsError(str(path), say("the store cannot be opened ({reason})", reason=exc),
                                      _("check the file, or point --store at another file")) from None
            if pause == 0.05:  # first refusal: say why we wait, once
                print(say("waiting for the store {path}: in use by another civicstats process "
                          "(up to {seconds} s)", path=path, seconds=format(_timeout(timeout), "g")),
                      file=sys.stderr, flush=True)
            if time.monotonic() >= deadline:
                raise StoreBusy(str(path), _("the store is in use by another civicstats process"),
                                _("wait for it to finish and run the command again")) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.5)
        except duckdb.Error as exc:
            raise CivicstatsError(str(path), say("the store cannot be opened ({reason})", reason=exc),
                                  _("check the file, or point --store at another file")) from None


def _reader(store) -> object | None:
    """A read-only connection to the store, or None when it does not exist (yet)."""
    path = config.store_path(store)
    if not path.is_file():
        return None
    con = _connect(path, read_only=True)
    con.execute("SET preserve_insertion_order = true")
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if not {"records", "issues", "ingests"} <= tables:
        con.close()
        return None
    return con


def _writer(store, timeout: float | None = None, *, settle: bool = True):
    """A write connection; first runs the checks a killed ingest left pending (``settle``),
    so that every command that writes sees a checked store."""
    path = config.store_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(path, read_only=False, timeout=timeout)
    had = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() "
                                     "WHERE table_name = 'issues'").fetchall()}
    con.execute(SCHEMA)
    if had and "measure" not in had:  # a store made before issue keys: key its open errors
        from civicstats.issuekeys import backfill

        backfill(con)
    if settle:
        _settle(con, path)
    return con


def _settle(con, file) -> None:
    """The pending plausibility checks (:mod:`civicstats.batchchecks`), in their own
    transaction; a full disk is said as for a file's load."""
    from civicstats import batchchecks

    try:
        batchchecks.settle(con)
    except BaseException as exc:
        if _is_write_failure(exc):
            raise _not_saved(str(file), exc) from exc
        raise


# -- typed frames --------------------------------------------------------------


def _measure_categories() -> list[str]:
    from civicstats import vocab

    return list(dict.fromkeys(vocab.measures()["measure"]))


TIMES = ("ingested_at", "superseded_at", "withdrawn_at")
CATEGORIES = {"qualifier": lambda: QUALIFIERS, "domain": lambda: DOMAINS,
              "measure": lambda: _measure_categories()}


def _typed(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Give a frame from SQL the dtypes of clean's records (period[M], categories, float64).

    Works a column at a time without Python loops over rows: text stays Arrow-backed
    ``str``, categories are recoded on their (few) values only.
    """
    out = {}
    for col in columns:
        if col == "period":
            ords = df["period_ordinal"]
            if ords.isna().any():  # issues of unknown period
                out[col] = pd.PeriodIndex([pd.Period(ordinal=int(o), freq="M") if pd.notna(o)
                                           else pd.NaT for o in ords], freq="M")
            else:
                out[col] = pd.arrays.PeriodArray(ords.to_numpy(dtype="int64"), dtype="period[M]")
            continue
        s = df[col]
        if col in CATEGORIES:
            known = CATEGORIES[col]()
            s = s if isinstance(s.dtype, pd.CategoricalDtype) else s.astype("category")
            extra = sorted(set(s.cat.categories.astype(str)) - set(known))
            out[col] = s.cat.set_categories([*known, *extra]).astype(
                pd.CategoricalDtype([*known, *extra]))
        elif col == "value":
            out[col] = s.astype("float64")
        elif col in TIMES:
            out[col] = s.astype("datetime64[us]")
        else:
            out[col] = s.astype("str")
    return pd.DataFrame({c: (v.reset_index(drop=True) if isinstance(v, pd.Series) else v)
                         for c, v in out.items()}, columns=columns)


def _empty(columns: list[str]) -> pd.DataFrame:
    """The typed frame of ``columns`` with no rows (a store that does not exist yet)."""
    blank = {c: pd.Series([], dtype="str") for c in columns if c != "period"}
    blank["period_ordinal"] = pd.Series([], dtype="int64")
    for c in ("value",):
        blank[c] = pd.Series([], dtype="float64")
    for c in TIMES:
        blank[c] = pd.Series([], dtype="datetime64[us]")
    return _typed(pd.DataFrame(blank), columns)


def _fetch(con, sql: str, params: list, columns: list[str]) -> pd.DataFrame:
    """Run a query through Arrow (no per-row Python work) and type the result."""
    if con is None:
        return _empty(columns)
    import pyarrow as pa
    import pyarrow.compute as pc

    table = con.sql(sql, params=params).to_arrow_table()
    for name in CATEGORIES:  # categories built by Arrow, not by pandas row by row
        if name in table.column_names and not pa.types.is_dictionary(
                table.schema.field(name).type):
            i = table.column_names.index(name)
            table = table.set_column(i, name, pc.dictionary_encode(table.column(i)))
    return _typed(table.to_pandas(), columns)


def _as_dates(periods) -> list[str] | None:
    if periods is None:
        return None
    if isinstance(periods, str | pd.Period):
        periods = [periods]
    try:
        return [str(pd.Period(p, freq="M").start_time.date()) for p in periods]
    except (ValueError, TypeError) as exc:
        raise UsageError("", say("the period {period} is not a month ({reason})", period=repr(periods),
                                 reason=exc), _("give periods as YYYY-MM, e.g. 2023-09")) from None


def _filters(domain, periods, areas, prefix: str = "") -> tuple[str, list]:
    from civicstats.names import domains as domain_ids

    where, params = [], []
    if domain is not None:
        domains = domain_ids(domain)  # 合伙人 -> partners; a typo raises, naming the domains
        where.append(f"{prefix}domain IN ({', '.join('?' * len(domains))})")
        params += domains
    dates = _as_dates(periods)
    if dates is not None:
        where.append(f"{prefix}period IN ({', '.join(['?::DATE'] * len(dates)) or 'NULL'})")
        params += dates
    if areas is not None:
        areas = [areas] if isinstance(areas, str) else list(areas)
        where.append(f"{prefix}area IN ({', '.join('?' * len(areas)) or 'NULL'})")
        params += areas
    return "".join(f" AND {w}" for w in where), params


_SELECT_RECORDS = (
    'SELECT area, "group", ' + _ORDINAL.format(c="period") + " AS period_ordinal, "
    "{measure} AS measure, value, {qualifier} AS qualifier, source, {domain} AS domain, file, "
    "ingested_at{more} FROM records"
)


def _select_records(con, more: str = "") -> str:
    """The records SELECT, category columns cast to ENUMs so that DuckDB hands Arrow
    dictionaries (pandas categoricals) straight over: a third faster than text for 1M rows."""
    if con is None:
        return ""
    found = con.execute("SELECT list(DISTINCT measure), list(DISTINCT qualifier), "
                        "list(DISTINCT domain) FROM records").fetchall()[0]
    casts = {}
    for col, have in zip(("measure", "qualifier", "domain"), found, strict=True):
        known = CATEGORIES[col]()
        cats = [*known, *sorted(set(have or []) - set(known))]
        casts[col] = f"{col}::ENUM({', '.join(_sql_literal(c) for c in cats)})"
    return _SELECT_RECORDS.format(more=more, **casts)


def _areas(con, areas) -> list[str] | None:
    """``areas`` as the store names them: aliases resolved, a name that fits nothing refused."""
    if areas is None:
        return None
    from civicstats.names import areas as area_names

    held = [] if con is None else [r[0] for r in con.execute(
        "SELECT DISTINCT area FROM records").fetchall()]
    return area_names(areas, held)


def _sql_literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"
# Rows come in the order they were loaded (files in ingest order, each file's rows in its
# order): DuckDB keeps insertion order for plain scans (preserve_insertion_order, set on every
# reader). No ORDER BY: sorting a million rows would double the time of load().
_ORDER = ""


# -- reading -------------------------------------------------------------------


def load(domain=None, periods=None, areas=None, *, store=None) -> pd.DataFrame:
    """The current records, typed like :func:`civicstats.clean.clean` records, plus domain, file, ingested_at.

    ``domain`` (partners, childcare, volunteers or a Chinese name: 合伙人, 托育 …),
    ``periods`` (YYYY-MM or a list) and ``areas`` (a name, an alias such as ``天悦``, or a
    list) filter; None means all. A domain or area that fits nothing raises
    :class:`civicstats.names.UnknownName` naming the valid ones. Reads through a read-only
    connection; a missing store gives an empty frame.

    >>> import tempfile, pathlib
    >>> store = pathlib.Path(tempfile.mkdtemp()) / "s.duckdb"
    >>> _demo_store(store)
    >>> df = load("partners", periods="2023-09", store=store)
    >>> df[["area", "period", "measure", "value"]]
       area   period            measure  value
    0  天悦社区  2023-09  resident_partners   20.0
    1  天悦社区  2023-09     group_partners   35.0
    >>> df.dtypes["period"], df.dtypes["value"]
    (period[M], dtype('float64'))
    """
    key = _version(store) + (repr((domain, periods, areas)),)
    if key in _LOADED:  # a warm report kernel reads the month once, not once per notebook
        return _LOADED[key].copy()
    con = _reader(store)
    try:
        where, params = _filters(domain, periods, _areas(con, areas))
        df = _fetch(con, _select_records(con)
                    + f" WHERE superseded_at IS NULL{where}{_ORDER}",
                    params, LOAD_COLUMNS)
    finally:
        if con is not None:
            con.close()
    if key[1] is not None:
        _LOADED.clear()  # one store version at a time: a kernel never holds two months' copies
        _LOADED[key] = df
    return df.copy()


_LOADED: dict = {}
"""The last :func:`load` result, keyed by the store file's version and the filters."""


def _version(store) -> tuple:
    """The store file (and its write-ahead log) as path, size and modification time: any
    ingest or withdrawal changes it, so a cached load is never stale."""
    path = config.store_path(store)
    out = [str(path.resolve())]
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st = p.stat()
            out.append((st.st_size, st.st_mtime_ns, st.st_ino))
        except OSError:
            out.append(None)
    return tuple(out)


def history(domain=None, periods=None, areas=None, *, store=None) -> pd.DataFrame:
    """Current and superseded records, with ``superseded_at``, ``superseded_by`` (a file) and
    ``withdrawn_at`` (when the file was withdrawn, see :mod:`civicstats.withdraw`).

    Superseded rows are never deleted; they tell when and by which file a figure changed.

    >>> import tempfile, pathlib
    >>> store = pathlib.Path(tempfile.mkdtemp()) / "s.duckdb"
    >>> _demo_store(store, corrected=True)
    >>> h = history("partners", periods="2023-09", store=store)
    >>> h[h.measure == "resident_partners"][["value", "file", "superseded_by"]]
       value               file      superseded_by
    0   20.0   partners-9月.xlsx  partners-9月b.xlsx
    2   21.0  partners-9月b.xlsx                NaN
    """
    con = _reader(store)
    try:
        where, params = _filters(domain, periods, _areas(con, areas))
        # a store made before withdrawals has no withdrawn_at until its next write
        withdrawn = "withdrawn_at" if con is None or con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'records' "
            "AND column_name = 'withdrawn_at'").fetchall()[0][0] else "NULL::TIMESTAMP"
        return _fetch(con, _select_records(con, f", superseded_at, superseded_by, "
                                                f"{withdrawn} AS withdrawn_at")
                      + f" WHERE TRUE{where}{_ORDER}",
                      params, HISTORY_COLUMNS)
    finally:
        if con is not None:
            con.close()


def issues(period=None, *, file=None, store=None) -> pd.DataFrame:
    """Open issues of the current file versions, with domain, file and period columns.

    An issue's period is the period of the records on the same sheet row, else the file's only
    period; issues whose period is unknown are listed under every ``period`` asked for.
    ``file`` keeps the issues of one file (:func:`of_file`).

    >>> import tempfile, pathlib
    >>> store = pathlib.Path(tempfile.mkdtemp()) / "s.duckdb"
    >>> _demo_store(store)
    >>> issues("2023-09", store=store)[["source", "severity", "rule", "period"]]
                          source severity          rule   period
    0  partners-9月.xlsx#9月!D3    error  unreadable_value  2023-09
    """
    con = _reader(store)
    cols = [*ISSUE_COLUMNS, "domain", "file", "period"]
    if con is None:
        return _empty(cols)
    try:
        dates = _as_dates(period)
        where, params = "", []
        if dates:
            where = f" AND (period IS NULL OR period IN ({', '.join(['?::DATE'] * len(dates))}))"
            params = dates
        sql = ("SELECT source, severity, rule, raw, message, domain, file, "
               + _ORDINAL.format(c="period") + " AS period_ordinal FROM issues "
               f"WHERE closed_at IS NULL{where} ORDER BY period NULLS FIRST, file, ingest_id, source")
        found = _fetch(con, sql, params, cols)
        return found if file is None else of_file(found, file)
    finally:
        con.close()


def of_file(frame: pd.DataFrame, file) -> pd.DataFrame:
    """The rows of ``frame`` about one file, named as the store names it, by its path, or by its
    file name alone when that is unambiguous enough for a person to type.

    >>> f = pd.DataFrame({"file": ["data/raw/a/9月.xlsx", "data/raw/b/8月.xlsx"], "n": [1, 2]})
    >>> of_file(f, "9月.xlsx").n.tolist(), of_file(f, "data/raw/b/8月.xlsx").n.tolist()
    ([1], [2])
    """
    text = str(file)
    names = {text, _file_id(Path(text))}
    keep = frame["file"].isin(names) | (frame["file"].map(lambda f: Path(f).name) == text)
    return frame[keep.to_numpy()].reset_index(drop=True)


def periods(domain=None, *, store=None) -> list[str]:
    """The months (YYYY-MM, sorted) that have current records, for one domain or all.

    >>> import tempfile, pathlib
    >>> store = pathlib.Path(tempfile.mkdtemp()) / "s.duckdb"
    >>> periods(store=store)
    []
    >>> _demo_store(store)
    >>> periods("partners", store=store)
    ['2023-08', '2023-09']
    """
    where, params = _filters(domain, None, None)
    con = _reader(store)
    if con is None:
        return []
    try:
        rows = con.execute("SELECT DISTINCT strftime(period, '%Y-%m') AS p FROM records "
                           f"WHERE superseded_at IS NULL{where} ORDER BY p", params).fetchall()
        return [r[0] for r in rows]
    finally:
        con.close()


STATUS_COLUMNS = ["domain", "period", "areas", "files", "records", "last_ingest",
                  "errors", "warnings"]


def status(*, store=None) -> pd.DataFrame:
    """Per domain and period: areas reporting, files, records, last ingest time, open issues.

    What an analyst checks before running the month. Issues whose period is unknown are
    counted on a row with period ``unknown``.

    >>> import tempfile, pathlib
    >>> store = pathlib.Path(tempfile.mkdtemp()) / "s.duckdb"
    >>> _demo_store(store)
    >>> status(store=store)[["domain", "period", "areas", "files", "records", "errors"]]
         domain   period  areas  files  records  errors
    0  partners  2023-08      1      1        1       0
    1  partners  2023-09      1      1        2       1
    """
    con = _reader(store)
    if con is None:
        return pd.DataFrame({c: pd.Series([], dtype="int64" if c in (
            "areas", "files", "records", "errors", "warnings") else "str") for c in STATUS_COLUMNS}
        ).astype({"last_ingest": "datetime64[us]"})
    try:
        df = con.sql("""
            WITH r AS (
                SELECT domain, coalesce(strftime(period, '%Y-%m'), 'unknown') AS period,
                       count(DISTINCT area) AS areas, count(DISTINCT file) AS files,
                       count(*) AS records, max(ingested_at) AS last_ingest
                FROM records WHERE superseded_at IS NULL GROUP BY ALL),
            i AS (
                SELECT domain, coalesce(strftime(period, '%Y-%m'), 'unknown') AS period,
                       count(*) FILTER (severity = 'error') AS errors,
                       count(*) FILTER (severity <> 'error') AS warnings,
                       max(ingested_at) AS last_issue
                FROM issues WHERE closed_at IS NULL GROUP BY ALL)
            SELECT coalesce(r.domain, i.domain) AS domain, coalesce(r.period, i.period) AS period,
                   coalesce(r.areas, 0) AS areas, coalesce(r.files, 0) AS files,
                   coalesce(r.records, 0) AS records,
                   coalesce(r.last_ingest, i.last_issue) AS last_ingest,
                   coalesce(i.errors, 0) AS errors, coalesce(i.warnings, 0) AS warnings
            FROM r FULL OUTER JOIN i ON r.domain IS NOT DISTINCT FROM i.domain AND r.period = i.period
            ORDER BY domain, period""").to_arrow_table().to_pandas()
    finally:
        con.close()
    for col in ("areas", "files", "records", "errors", "warnings"):
        df[col] = df[col].astype("int64")
    df["domain"] = df["domain"].astype("str")
    df["last_ingest"] = df["last_ingest"].astype("datetime64[us]")
    return df[STATUS_COLUMNS]


def ingests(*, store=None) -> pd.DataFrame:
    """The ``ingests`` table: every file seen, with hash, time, counts, outcome and message.

    >>> import tempfile, pathlib
    >>> store = pathlib.Path(tempfile.mkdtemp()) / "s.duckdb"
    >>> _demo_store(store)
    >>> ingests(store=store)[["path", "outcome", "records", "errors"]]
                     path         outcome  records  errors
    0  partners-8月.xlsx              ok        1       0
    1  partners-9月.xlsx  rejected-cells        2       1
    """
    con = _reader(store)
    cols = ["ingest_id", "path", "sha256", "size", "ingested_at", "domain", "records",
            "issues", "errors", "outcome", "message"]
    if con is None:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in cols})
    try:
        return con.sql("SELECT * FROM ingests ORDER BY ingest_id").to_arrow_table().to_pandas()
    finally:
        con.close()


# -- writing -------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now().replace(microsecond=datetime.now().microsecond // 1000 * 1000)


def _is_write_failure(exc: BaseException) -> bool:
    """True for DuckDB's errors of a full disk or an unwritable store file.

    >>> _is_write_failure(RuntimeError('Could not write file "x.wal": File too large'))
    True
    >>> _is_write_failure(KeyError("area"))
    False
    """
    text = str(exc)
    return isinstance(exc, OSError) or any(
        part in text for part in ("Could not write", "No space left", "File too large",
                                  "Permission denied", "Read-only file system"))


def _not_saved(file: str, exc: BaseException) -> CivicstatsError:
    """What a full disk (or an unwritable store) during a write tells the user."""
    return CivicstatsError(
        file, say("could not be saved in the store: {reason}", reason=exc),
        _("free disk space (or fix the store folder's permissions) and run the ingest "
          "again; the store is as it was before this file"))


def _load_file(con, meta: FileMeta, records: pd.DataFrame, issues: pd.DataFrame,
               *, now: datetime | None = None, check: bool = True) -> IngestOutcome:
    """Load one file version's cleaned records and issues, in one transaction.

    Supersedes the current records with the same keys and the previous version of the same
    file, closes that version's open issues, inserts the new rows and the ``ingests`` row,
    then commits; on any error it rolls back and re-raises, leaving the store unchanged.
    The plausibility checks run inside the transaction, or with ``check=False`` are noted as
    pending for :func:`civicstats.batchchecks.settle` (an ingest checks all its files once).

    >>> import duckdb
    >>> con = duckdb.connect(); _ = con.execute(SCHEMA)
    >>> rec, iss = _demo_frames("2023-09", 20.0)
    >>> _load_file(con, FileMeta("p.xlsx", "ab12", 100, "partners"), rec, iss).line()
    'p.xlsx: 1 个单元格未通过，已入库 2 条记录（partners）；详见 `civicstats issues --file p.xlsx`'
    """
    now = now or _now()
    import pyarrow as pa

    from civicstats.storeframes import prepare

    rec, iss = prepare(meta.domain, records, issues)
    errors = int((iss["severity"] == "error").sum()) if len(iss) else 0
    outcome = "rejected-cells" if errors else "ok"
    con.execute("BEGIN TRANSACTION")
    try:
        ingest_id = con.execute("SELECT nextval('ingest_ids')").fetchall()[0][0]
        # as Arrow: registered once and scanned by four statements without going back to
        # Python objects (pandas object columns are converted on every scan)
        con.register("_new_records", pa.Table.from_pandas(rec, preserve_index=False))
        con.register("_new_issues", pa.Table.from_pandas(iss, preserve_index=False))
        p = {"now": now, "file": meta.file, "id": ingest_id, "sha": meta.sha256,
             "domain": meta.domain}
        # the figures this file sends again, then what is left of its previous version: two
        # statements, as "file = $file OR key IN (...)" made DuckDB test the key row by row
        # (a correlated scan that cost more than all the rest of a small file's load)
        supersede = ("UPDATE records SET superseded_at = $now, superseded_by = $file, "
                     "superseded_by_ingest = $id WHERE superseded_at IS NULL AND ")
        _run(con, supersede + '(domain, area, "group", period, measure) IN ('
             'SELECT (domain, area, "group", period_date::DATE, measure) FROM _new_records)', p)
        _run(con, supersede + "file = $file", p)
        _run(con, """
            INSERT INTO records (domain, area, "group", period, measure, value, qualifier,
                                 source, file, sha256, ingest_id, ingested_at)
            SELECT domain, area, "group", period_date::DATE, measure, value,
                qualifier, source, $file, $sha, $id, $now FROM _new_records""", p)
        _run(con, "UPDATE issues SET closed_at = $now, closed_by_ingest = $id "
                    "WHERE closed_at IS NULL AND file = $file", p)
        _run(con, """
            INSERT INTO issues (source, severity, rule, raw, message, domain, period, file,
                                sha256, ingest_id, ingested_at, area, "group", measure)
            SELECT source, severity, rule, raw, message, $domain,
                period_date::DATE, $file, $sha, $id, $now, area, "group", measure
            FROM _new_issues""",
                    p)
        # corrections close what they fix: another file's error at a cell whose figure
        # (its key, see civicstats.issuekeys) this file now sends; most stores have no such
        # open error, and counting them costs a third of the join
        if con.execute("SELECT count(*) FROM issues WHERE closed_at IS NULL AND severity = "
                       "'error' AND measure IS NOT NULL").fetchall()[0][0]:
            _run(con, """
                UPDATE issues SET closed_at = $now, closed_by_ingest = $id, superseded_by = $file
                WHERE closed_at IS NULL AND severity = 'error' AND file <> $file
                  AND NOT starts_with(rule, 'check_') AND measure IS NOT NULL AND area IS NOT NULL
                  AND "group" IS NOT NULL AND period IS NOT NULL AND domain IS NOT NULL
                  AND (domain, area, "group", period, measure) IN (
                    SELECT (domain, area, "group", period_date::DATE, measure) FROM _new_records)""", p)
        con.execute("INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [ingest_id, meta.file, meta.sha256, meta.size, now, meta.domain, len(rec),
                     len(iss), errors, outcome, ""])
        if check:  # plausibility checks of what this file changed (审核)
            from civicstats import checks

            checks.after_load(con, ingest_id, now)
        else:
            from civicstats import batchchecks

            batchchecks.note(con, ingest_id)
        if os.environ.get(ENV_TEST_SLEEP):  # test-only: a window to kill us mid-file
            _test_sleep(meta.file)
        con.execute("COMMIT")
    except BaseException as exc:
        # A failed COMMIT (disk full) has already ended the transaction; a ROLLBACK error
        # then must not hide the real cause from the user.
        with contextlib.suppress(Exception):
            con.execute("ROLLBACK")
        if _is_write_failure(exc):
            raise _not_saved(meta.file, exc) from exc
        raise
    finally:
        con.unregister("_new_records")
        con.unregister("_new_issues")
    return IngestOutcome(meta.file, outcome, len(rec), len(iss), errors, meta.domain)


_test_files_seen = []


def _test_sleep(file: str) -> None:
    """$CIVICSTATS_TEST_SLEEP_IN_TXN = "SECONDS" (every file) or "SECONDS@N" (the Nth file only)."""
    _test_files_seen.append(file)
    seconds, _, nth = os.environ[ENV_TEST_SLEEP].partition("@")
    print(f"civicstats-test: in transaction for {file}", file=sys.stderr, flush=True)
    if not nth or int(nth) == len(_test_files_seen):
        deadline = time.monotonic() + float(seconds)
        release = os.environ.get(ENV_TEST_RELEASE)  # a file whose creation ends the sleep
        while time.monotonic() < deadline and not (release and os.path.exists(release)):
            time.sleep(0.02)


def _run(con, sql: str, params: dict) -> None:
    """Execute ``sql`` with those of ``params`` it names as ``$name`` (DuckDB wants no extras)."""
    con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})


def _record_other(con, meta: FileMeta, outcome: str, message: str, last: dict) -> None:
    """Add a failed/unchanged row to ``ingests`` when it says something new about the path.

    ``last`` maps each path to the (sha256, outcome) of its latest row; rerunning over
    files whose state did not change adds no row, so the store stays as it was.
    """
    before = last.get(meta.file)
    if before == (meta.sha256, outcome) or (
            outcome == "unchanged" and before is not None and before[0] == meta.sha256
            and before[1] != "failed"):
        return
    con.execute("INSERT INTO ingests VALUES (nextval('ingest_ids'), ?, ?, ?, ?, ?, 0, 0, 0, ?, ?)",
                [meta.file, meta.sha256, meta.size, _now(), meta.domain, outcome, message])
    last[meta.file] = (meta.sha256, outcome)


def _file_id(path: Path) -> str:
    """The store's name for a file: relative to the project folder when inside it."""
    path = path.resolve()
    try:
        return path.relative_to(config.project_root()).as_posix()
    except ValueError:
        return path.as_posix()


def file_sha256(path) -> str:
    """The SHA-256 of a file's content, read in blocks: the key of a file in the store.

    >>> import hashlib, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_bytes(b"a,b")
    >>> file_sha256(p) == hashlib.sha256(b"a,b").hexdigest()
    True
    """
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def files_in(paths: Iterable) -> list[Path]:
    """The spreadsheet files under ``paths`` (files or folders, recursively), sorted.

    Decided by content for any name (:mod:`civicstats.filetypes`): ``.et``, ``.txt`` in
    UTF-16, upper-case ``.XLSX`` and files without a suffix are found; Excel lock files
    (``~$...``), hidden files and what is not a spreadsheet are left out. Paths named
    explicitly that do not exist are kept, so that they get a clear outcome.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ["a.xlsx", "~$a.xlsx", ".b.csv", "notes.md", "sub/c.csv", "sub/D.ET"]:
    ...     (d / name).parent.mkdir(exist_ok=True); _ = (d / name).write_text("x")
    >>> [p.relative_to(d).as_posix() for p in files_in([d])]
    ['a.xlsx', 'sub/D.ET', 'sub/c.csv']
    """
    from civicstats.filetypes import survey

    return [v.path for v in survey(paths) if v.spreadsheet]


def ingest(paths, *, store=None, domain: str | None = None,
           progress: Callable[[IngestOutcome], None] | None = None,
           timeout: float | None = None, cluster: str | None = None) -> list[IngestOutcome]:
    """Clean each file under ``paths`` and load it into the store, one transaction per file.

    Content already current (same sha256) is ``unchanged`` and not cleaned again. A file that
    cannot be opened is ``failed`` and changes nothing but its ``ingests`` row. ``progress`` is
    called with each :class:`IngestOutcome` as soon as its file is committed. Raises
    :class:`~civicstats.errors.StoreBusy` when another process keeps the store longer than
    ``timeout`` seconds (default $CIVICSTATS_STORE_TIMEOUT or 30). ``cluster`` (``local:N``,
    ``tcp://HOST:PORT``) cleans the files on Dask workers (:mod:`civicstats.ingest_cluster`);
    loading stays here, in file order, exactly as without it.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> csv = d / "partners_2023-09.csv"
    >>> _ = csv.write_text("2023年9月合伙人统计\\n社区,居民合伙人,团体合伙人\\n天悦社区,20,35\\n",
    ...                    encoding="utf-8")
    >>> [o.line() for o in ingest([d], store=d / "s.duckdb")]  # doctest: +ELLIPSIS
    ['.../partners_2023-09.csv: 已入库 2 条记录（partners）']
    >>> [o.outcome for o in ingest([csv], store=d / "s.duckdb")]
    ['unchanged']
    """
    from civicstats.filetypes import survey
    from civicstats.withdraw import current_shas, withdrawn_shas

    found = survey(paths)
    if not found:
        raise UsageError(", ".join(map(str, paths)) or "ingest", _("no files found"),
                         _("give files or folders that hold the monthly workbooks"))
    named = {Path(p) for p in paths if not Path(p).is_dir()}  # named: loaded even if withdrawn
    con = _writer(store, timeout, settle=False)  # what a killed run left is checked below
    outcomes = []
    try:
        current = current_shas(con)
        gone = withdrawn_shas(con)
        last = {r[0]: (r[1], r[2]) for r in con.execute(
            "SELECT path, sha256, outcome FROM ingests QUALIFY "
            "row_number() OVER (PARTITION BY path ORDER BY ingest_id DESC) = 1").fetchall()}
        def emit(out: IngestOutcome) -> None:
            outcomes.append(out)
            if progress:
                progress(out)

        waiting = _Waiting(con, emit)
        with _cleaner(cluster, found, current, gone, named, domain) as cleaner:
            for found_file in found:
                path = found_file.path
                if not found_file.spreadsheet:
                    out = _skipped(path, say("not a spreadsheet ({kind})", kind=_(found_file.kind)))
                else:
                    out = _ingest_one(con, path, domain, current, last,
                                      withdrawn={} if path in named else gone, cleaner=cleaner)
                waiting.add(out, current, last)
        waiting.add(None, current, last, final=True)
        # the checks of every file loaded, once (civicstats.batchchecks): each file is
        # committed already, and what a kill leaves pending the next writer checks
        _settle(con, config.store_path(store))
    finally:
        con.close()
    return outcomes


@contextlib.contextmanager
def _cleaner(cluster, found, current: set, gone: dict, named: set, domain):
    """The function that cleans a file: here, or on a cluster for the files that need it
    (spreadsheets whose content is neither loaded already nor withdrawn)."""
    if not cluster:
        yield None
        return
    from civicstats.cluster import connect
    from civicstats.ingest_cluster import Prefetched

    todo = {}  # path -> bytes, read once: hashed here, sent to the workers as they are
    for f in found:
        with contextlib.suppress(OSError):
            if f.spreadsheet and f.path.is_file():
                data = f.path.read_bytes()
                sha = hashlib.sha256(data).hexdigest()
                if sha not in current and (f.path in named or sha not in gone):
                    todo[f.path] = data
    with connect(cluster) as client:
        pre = Prefetched(client, todo, domain)
        try:
            yield pre.clean
        finally:
            pre.cancel()


def _skipped(path: Path, why: str) -> IngestOutcome:
    return IngestOutcome(_file_id(path) if path.exists() else path.as_posix(), "skipped",
                         message=why)


def _ingest_one(con, path: Path, domain, current: set, last: dict,
                withdrawn: dict | None = None, cleaner=None) -> IngestOutcome | _Cleaned:
    """Hash one file; clean and load it unless its content is already current, or withdrawn
    (``withdrawn``: sha256 -> when, for files found in a folder rather than named)."""
    fid = _file_id(path) if path.exists() else path.as_posix()
    if not path.is_file():
        what = (_("the path is a folder with no spreadsheets") if path.is_dir()
                else _("the path does not exist"))
        return IngestOutcome(fid, "failed", message=what)
    try:
        sha = file_sha256(path)
    except OSError as exc:
        meta = FileMeta(fid, None, None, domain)
        msg = say("cannot be read ({reason}); nothing loaded", reason=exc.strerror or exc)
        _record_other(con, meta, "failed", msg, last)
        return IngestOutcome(fid, "failed", domain=domain, message=msg)
    meta = FileMeta(fid, sha, path.stat().st_size, domain)
    if sha in (withdrawn or {}):
        return _skipped(path, say("withdrawn on {when}; ingest the file by name to load it "
                                  "again", when=withdrawn[sha]))
    if sha in current:
        # a row only for a copy under a new name, or a path whose last attempt failed
        _record_other(con, meta, "unchanged", _("same content as a file already loaded"), last)
        return IngestOutcome(fid, "unchanged", domain=domain)
    try:
        if cleaner is None:
            from civicstats.clean import clean as cleaner

        result = cleaner(path, domain)
    except FileUnreadable as exc:
        msg = str(exc)
        _record_other(con, meta, "failed", msg, last)
        return IngestOutcome(fid, "failed", domain=domain, message=msg)
    except CivicstatsError as exc:
        msg = str(exc)
        _record_other(con, meta, "failed", msg, last)
        return IngestOutcome(fid, "failed", domain=domain, message=msg)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the month
        if os.environ.get("CIVICSTATS_DEBUG"):
            raise
        msg = say("unexpected {kind} while cleaning: {reason}; nothing loaded. What to do: rerun with "
                  "CIVICSTATS_DEBUG=1 and report this message", kind=type(exc).__name__, reason=exc)
        _record_other(con, meta, "failed", msg, last)
        return IngestOutcome(fid, "failed", domain=domain, message=msg)
    records, file_issues, found_domain = result
    return _Cleaned(FileMeta(fid, sha, meta.size, domain or found_domain), records, file_issues)


@dataclass(frozen=True)
class _Cleaned:
    """A file cleaned and waiting to be loaded (its months judged first, civicstats.farperiods)."""

    meta: FileMeta
    records: pd.DataFrame
    issues: pd.DataFrame

    @property
    def months(self) -> set[int]:
        return set(pd.PeriodIndex(self.records["period"], freq="M").asi8.tolist())


def _finish(con, item: _Cleaned, others: set[int], current: set, last: dict) -> IngestOutcome:
    """Load a cleaned file, less the figures of months far from ``others`` (bad_period)."""
    from civicstats.farperiods import judge

    records, bad = judge(item.records, others)
    issues = pd.concat([item.issues, bad], ignore_index=True) if len(bad) else item.issues
    out = _load_file(con, item.meta, records, issues, check=False)
    current.add(item.meta.sha256)
    last[item.meta.file] = (item.meta.sha256, out.outcome)
    return out


class _Waiting:
    """Files of one ingest, in order, held until their months can be judged.

    A month is judged against the store's months and those of the other files of the
    ingest; while fewer than ``min_other_months`` are known (a new store) files wait, in
    order, so a mistyped year in the first file of a batch is caught too. At most
    ``max_waiting_files`` wait (memory); the rest of the batch is judged at its end.
    """

    def __init__(self, con, emit):
        from civicstats.farperiods import limits

        self.con, self.emit, self.limits = con, emit, limits()
        self.store_months = {r[0] for r in con.execute(
            "SELECT DISTINCT " + _ORDINAL.format(c="period")
            + " FROM records WHERE superseded_at IS NULL").fetchall()}
        self.items: list = []  # IngestOutcome (done) or _Cleaned (to load)
        self.seen: dict[int, set[int]] = {}  # id(item) -> its months, for every cleaned file

    def others(self, item: _Cleaned) -> set[int]:
        batch = set().union(*(m for k, m in self.seen.items() if k != id(item)))
        return self.store_months | batch

    def ready(self, item: _Cleaned) -> bool:
        need = self.limits["min_other_months"]
        others = self.others(item)
        return all(len(others - {p}) >= need for p in self.seen[id(item)])

    def add(self, item, current: set, last: dict, *, final: bool = False) -> None:
        if item is not None:
            if isinstance(item, _Cleaned):
                self.seen[id(item)] = item.months
            self.items.append(item)
        full = len(self.items) > self.limits["max_waiting_files"]
        while self.items:
            head = self.items[0]
            if isinstance(head, _Cleaned):
                if not (final or full or self.ready(head)):
                    return
                others = self.others(head)
                self.store_months |= self.seen.pop(id(head))  # loaded: now the store's
                head = _finish(self.con, head, others, current, last)
            self.items.pop(0)
            self.emit(head)


# -- export --------------------------------------------------------------------


def export(fmt: str, out, *, store=None) -> int:
    """Write the current records to ``out``; return how many.

    ``parquet``: a dataset folder partitioned by domain and period
    (``out/domain=partners/period=2023-09/*.parquet``), written beside ``out`` and moved into
    place. ``csv``: one UTF-8 CSV (formula-safe), period as YYYY-MM.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); store = d / "s.duckdb"
    >>> _demo_store(store)
    >>> export("parquet", d / "pq", store=store)
    3
    >>> sorted(p.relative_to(d / "pq").parent.as_posix() for p in (d / "pq").rglob("*.parquet"))
    ['domain=partners/period=2023-08', 'domain=partners/period=2023-09']
    >>> import pandas as pd
    >>> len(pd.read_parquet(d / "pq"))
    3
    """
    out = Path(out)
    if fmt == "csv":
        df = load(store=store)
        df["period"] = df["period"].astype("str")
        from civicstats.csvsafe import write_csv

        out.parent.mkdir(parents=True, exist_ok=True)
        write_csv(df, out)
        return len(df)
    if fmt != "parquet":
        raise UsageError("export", say("unknown format '{fmt}'", fmt=fmt), _("use --format parquet or csv"))
    if out.exists() and not (out.is_dir() and all(
            p.is_dir() and p.name.startswith("domain=") for p in out.iterdir())):
        raise UsageError(str(out), _("exists and is not a previous Parquet export"),
                         _("choose a new folder, or remove it first"))
    con = _reader(store)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        if con is None:
            tmp.mkdir(parents=True)
            n = 0
        else:
            n = con.execute("SELECT count(*) FROM records WHERE superseded_at IS NULL").fetchall()[0][0]
            tmp.parent.mkdir(parents=True, exist_ok=True)
            if n:
                con.execute(f"""
                    COPY (SELECT area, "group", strftime(period, '%Y-%m') AS period, measure, value,
                                 qualifier, source, domain, file, ingested_at
                          FROM records WHERE superseded_at IS NULL
                          ORDER BY domain, period, ingest_id, rowid)
                    TO '{_sql_str(tmp)}' (FORMAT PARQUET, PARTITION_BY (domain, period))""")
            else:
                tmp.mkdir(parents=True)
    finally:
        if con is not None:
            con.close()
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    return n


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


# -- doctest helpers -------------------------------------------------------------


def _demo_frames(period: str, resident: float):
    """Records and issues as clean returns them, for the examples in this module."""
    rec = pd.DataFrame({
        "area": ["天悦社区", "天悦社区"], "group": ["", ""],
        "period": pd.PeriodIndex([period, period], freq="M"),
        "measure": pd.Categorical(["resident_partners", "group_partners"]),
        "value": [resident, 35.0], "qualifier": pd.Categorical(["exact", "exact"]),
        "source": ["partners-9月.xlsx#9月!B3", "partners-9月.xlsx#9月!C3"]})
    iss = pd.DataFrame({"source": ["partners-9月.xlsx#9月!D3"], "severity": ["error"],
                        "rule": ["unreadable_value"], "raw": ["二十?"],
                        "message": ["cannot read 二十? as a number"]})
    return rec, iss


def _demo_store(store, corrected: bool = False) -> None:
    """A small store for the examples: August (1 record), September (2 records, 1 error)."""
    con = _writer(store)
    try:
        rec, _ = _demo_frames("2023-08", 18.0)
        _load_file(con, FileMeta("partners-8月.xlsx", "s8", 10, "partners"), rec.iloc[:1],
                   pd.DataFrame(columns=ISSUE_COLUMNS))
        rec, iss = _demo_frames("2023-09", 20.0)
        _load_file(con, FileMeta("partners-9月.xlsx", "s9", 10, "partners"), rec, iss)
        if corrected:
            rec, _ = _demo_frames("2023-09", 21.0)
            _load_file(con, FileMeta("partners-9月b.xlsx", "s9b", 10, "partners"), rec.iloc[:1],
                       pd.DataFrame(columns=ISSUE_COLUMNS))
    finally:
        con.close()
