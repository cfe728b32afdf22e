"""Withdraw a file sent by mistake: its figures leave the current view as if never sent.

``withdraw(TARGET)`` takes a file (its path as the store knows it, a path on disk, or a name
that fits one stored file: every loaded version of it) or a SHA-256 (at least 8 hex digits:
that version only). In one transaction, like an ingest:

- the version's records get ``withdrawn_at``; those that were current are superseded (with
  ``superseded_by`` empty), so :func:`~civicstats.store.load` no longer returns them and
  :func:`~civicstats.store.history` keeps them, marked;
- for every key it sent or had superseded, the figure that would be current had it never
  been sent comes back: the one of the latest *live* version that sends the key (a version is
  live when it is the newest loaded, not withdrawn version of its file). So in a chain
  A → B → C, withdrawing C brings B back, withdrawing B first changes nothing in view and
  withdrawing C then brings A back; withdrawing the newer version of a file brings the older
  version back;
- its open issues are closed, and the issues it had closed (an older version's, or errors its
  figures corrected) reopen when their file version is live again;
- a row ``withdrawn`` in ``ingests`` says when. An ingest of a folder then skips that content
  with a line; ingesting the file by name loads it again.

>>> import tempfile, pathlib
>>> from civicstats import store as st
>>> from civicstats.messages import language
>>> s = pathlib.Path(tempfile.mkdtemp()) / "s.duckdb"
>>> st._demo_store(s, corrected=True)
>>> st.load(periods="2023-09", store=s)[["measure", "value", "file"]]
             measure  value                file
0     group_partners   35.0   partners-9月.xlsx
1  resident_partners   21.0  partners-9月b.xlsx
>>> with language("en"):  # its open issue: the check_conflict of 21 against the first file's 20
...     print(withdraw("partners-9月b.xlsx", store=s)[0].line())
partners-9月b.xlsx: withdrawn: 1 figures out of the current view, 1 earlier figures back, 1 open issues closed
>>> st.load(periods="2023-09", store=s)[["measure", "value", "file"]]
             measure  value               file
0  resident_partners   20.0  partners-9月.xlsx
1     group_partners   35.0  partners-9月.xlsx
"""

from __future__ import annotations

import contextlib
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from civicstats import config
from civicstats import store as st
from civicstats.errors import CivicstatsError, UsageError
from civicstats.messages import say

LIVE = """
    SELECT i.ingest_id, i.path, i.sha256 FROM ingests i
    WHERE i.outcome IN ('ok', 'rejected-cells') AND NOT EXISTS (
        SELECT 1 FROM ingests w WHERE w.outcome = 'withdrawn' AND w.path = i.path
          AND w.sha256 = i.sha256 AND w.ingest_id > i.ingest_id)
    QUALIFY row_number() OVER (PARTITION BY i.path ORDER BY i.ingest_id DESC) = 1"""
"""The live version of each file: its newest loaded version that is not withdrawn."""

WITHDRAWN = """
    SELECT path, sha256, ingested_at FROM ingests
    WHERE outcome IN ('ok', 'rejected-cells', 'withdrawn')
    QUALIFY row_number() OVER (PARTITION BY sha256 ORDER BY ingest_id DESC) = 1
        AND outcome = 'withdrawn'"""
"""Content withdrawn and not loaded again since, with when it was withdrawn."""

_SHA = re.compile(r"[0-9a-fA-F]{8,64}")
_KEY = 'domain, area, "group", period, measure'
_SAME_KEY = ('{a}.domain = {b}.domain AND {a}.area = {b}.area AND {a}."group" = {b}."group" '
             "AND {a}.period = {b}.period AND {a}.measure = {b}.measure")


@dataclass(frozen=True)
class Withdrawal:
    """What withdrawing one file version did; ``periods`` are the months it touched."""

    file: str
    sha256: str
    records: int = 0
    restored: int = 0
    issues: int = 0
    periods: tuple[str, ...] = ()
    already: str = ""  # when it had been withdrawn before (then nothing changed)

    def line(self) -> str:
        """One line for a person, as ``civicstats withdraw`` prints it."""
        if self.already:
            return say("{file}: already withdrawn on {when}; nothing changed",
                       file=self.file, when=self.already)
        return say("{file}: withdrawn: {records} figures out of the current view, {restored} "
                   "earlier figures back, {issues} open issues closed", file=self.file,
                   records=self.records, restored=self.restored, issues=self.issues)


def current_shas(con) -> set[str]:
    """The content hashes whose figures are in the current view (an ingest of them is a no-op)."""
    return {r[2] for r in con.execute(LIVE).fetchall()}


def withdrawn_shas(con) -> dict[str, str]:
    """sha256 -> when (``YYYY-MM-DD HH:MM``) for content withdrawn and not loaded again."""
    return {r[1]: f"{r[2]:%Y-%m-%d %H:%M}" for r in con.execute(WITHDRAWN).fetchall()}


def withdrawn(*, store=None) -> pd.DataFrame:
    """The file versions withdrawn and not loaded again: path, sha256, withdrawn_at.

    >>> import tempfile, pathlib
    >>> s = pathlib.Path(tempfile.mkdtemp()) / "s.duckdb"
    >>> st._demo_store(s)
    >>> _ = withdraw("partners-8月.xlsx", store=s)
    >>> withdrawn(store=s)[["path", "sha256"]]
                    path sha256
    0  partners-8月.xlsx     s8
    """
    con = st._reader(store)
    if con is None:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in ("path", "sha256")}
                            ).assign(withdrawn_at=pd.Series([], dtype="datetime64[us]"))
    try:
        df = con.sql(WITHDRAWN + " ORDER BY ingested_at, path").to_arrow_table().to_pandas()
    finally:
        con.close()
    return df.rename(columns={"ingested_at": "withdrawn_at"})


def _versions(con, target: str) -> tuple[list[tuple], list[tuple]]:
    """The loaded versions ``target`` names: (withdrawable, already withdrawn), each a list of
    (ingest_id, path, sha256, when withdrawn or None)."""
    rows = con.execute("""
        SELECT i.ingest_id, i.path, i.sha256, (
            SELECT strftime(max(w.ingested_at), '%Y-%m-%d %H:%M') FROM ingests w
            WHERE w.outcome = 'withdrawn' AND w.path = i.path AND w.sha256 = i.sha256
              AND w.ingest_id > i.ingest_id) AS gone
        FROM ingests i WHERE i.outcome IN ('ok', 'rejected-cells') ORDER BY i.ingest_id""").fetchall()
    found = _pick(rows, target)
    return [r for r in found if r[3] is None], [r for r in found if r[3] is not None]


def _pick(rows: list[tuple], target: str) -> list[tuple]:
    """The rows a target names: by path, by a path on disk (its id or its content), by a file
    name that fits one stored path, or by a SHA-256 prefix that fits one content.

    >>> rows = [(1, "data/raw/a.xlsx", "ab12cd34ef", None), (2, "b.csv", "ff00ff00aa", None)]
    >>> [r[0] for r in _pick(rows, "a.xlsx")], [r[0] for r in _pick(rows, "FF00FF00")]
    ([1], [2])
    """
    paths = {r[1] for r in rows}
    disk = Path(target)
    for path in (target, st._file_id(disk) if disk.exists() else None):
        if path in paths:
            return [r for r in rows if r[1] == path]
    if disk.is_file():
        sha = st.file_sha256(disk)
        if any(r[2] == sha for r in rows):
            return [r for r in rows if r[2] == sha]
    named = {p for p in paths if Path(p).name == disk.name}
    if len(named) == 1:
        return [r for r in rows if r[1] in named]
    if _SHA.fullmatch(target):
        shas = {r[2] for r in rows if r[2].lower().startswith(target.lower())}
        if len(shas) == 1:
            return [r for r in rows if r[2] in shas]
    return []


def _unknown(con, target: str) -> UsageError:
    """The error for a target that names nothing: what the store holds instead."""
    held = con.execute(f"SELECT path, sha256 FROM ({LIVE}) ORDER BY path").fetchall()
    listed = "; ".join(f"{path} ({sha[:12]})" for path, sha in held[:10])
    if len(held) > 10:
        listed += "; " + say("and {n} more", n=len(held) - 10)
    return UsageError(target, say("the store holds no loaded file or SHA-256 of that name "
                                  "(it holds: {listed})", listed=listed or say("nothing yet")),
                      say("give a file as listed, or at least 8 hex digits of its SHA-256"))


def withdraw(target, *, store=None, timeout: float | None = None) -> list[Withdrawal]:
    """Withdraw the file versions ``target`` names, in one transaction; one entry per version.

    Raises :class:`~civicstats.errors.UsageError` (exit 2) when ``target`` names nothing the
    store holds, naming what it holds.

    >>> import tempfile, pathlib
    >>> s = pathlib.Path(tempfile.mkdtemp()) / "s.duckdb"
    >>> st._demo_store(s)
    >>> [(w.records, w.issues, w.periods) for w in withdraw("partners-9月.xlsx", store=s)]
    [(2, 1, ('2023-09',))]
    >>> st.periods(store=s)
    ['2023-08']
    """
    target = str(target).strip()
    path = config.store_path(store)
    if not path.is_file():
        raise UsageError(target, say("the store {store} does not exist yet", store=path),
                         say("ingest files first, e.g. civicstats ingest data/raw"))
    con = st._writer(store, timeout)
    try:
        todo, gone = _versions(con, target)
        if not todo and not gone:
            raise _unknown(con, target)
        if not todo:
            return [Withdrawal(r[1], r[2], already=r[3]) for r in gone]
        return _withdraw_versions(con, todo)
    finally:
        con.close()


def _recheck(con, todo, out, ids, now) -> None:
    """Re-run the checks of each withdrawn version's domain from its first touched month on:
    a figure gone (or come back) changes that month's checks and the later months' ones."""
    from civicstats import checks

    for (ingest_id, *_), done, (_, wid) in zip(todo, out, ids, strict=True):
        if not done.periods:
            continue
        domain = con.execute("SELECT domain FROM ingests WHERE ingest_id = ?",
                             [ingest_id]).fetchall()[0][0]
        checks.rerun_from(con, domain, min(done.periods), now, wid)


def _withdraw_versions(con, todo: list[tuple]) -> list[Withdrawal]:
    now = st._now()
    con.execute("BEGIN TRANSACTION")
    try:
        ids = []
        for ingest_id, path, sha, _ in todo:
            wid = con.execute("SELECT nextval('ingest_ids')").fetchall()[0][0]
            domain = con.execute("SELECT domain FROM ingests WHERE ingest_id = ?",
                                 [ingest_id]).fetchall()[0][0]
            con.execute("INSERT INTO ingests VALUES (?, ?, ?, NULL, ?, ?, 0, 0, 0, 'withdrawn', '')",
                        [wid, path, sha, now, domain])
            ids.append((ingest_id, wid))
        con.register("_withdraw", pd.DataFrame(ids, columns=["ingest_id", "wid"]))
        out = _take_out(con, now, todo)
        _recheck(con, todo, out, ids, now)  # plausibility checks of the months it touched (审核)
        if os.environ.get(st.ENV_TEST_SLEEP):  # test-only: a window to kill us mid-withdraw
            st._test_sleep(todo[0][1])
        con.execute("COMMIT")
    except BaseException as exc:
        with contextlib.suppress(Exception):
            con.execute("ROLLBACK")
        if st._is_write_failure(exc):
            raise CivicstatsError(
                todo[0][1], say("could not be withdrawn: {error}", error=exc),
                say("free disk space and run the command again; the store is as it was")
            ) from exc
        raise
    finally:
        with contextlib.suppress(Exception):
            con.unregister("_withdraw")
        with contextlib.suppress(Exception):
            con.execute("DROP TABLE IF EXISTS _withdraw_keys")
    return out


def _take_out(con, now, todo: list[tuple]) -> list[Withdrawal]:
    """The SQL of a withdrawal, inside its transaction; returns what it did per version."""
    p = {"now": now}
    con.execute(f"""
        CREATE TEMP TABLE _withdraw_keys AS SELECT DISTINCT {_KEY} FROM records
        WHERE (superseded_at IS NULL AND ingest_id IN (SELECT ingest_id FROM _withdraw))
           OR superseded_by_ingest IN (SELECT ingest_id FROM _withdraw)""")
    touched = con.execute("""
        SELECT w.ingest_id, count(*) FILTER (r.superseded_at IS NULL),
               list(DISTINCT strftime(r.period, '%Y-%m') ORDER BY 1)
        FROM _withdraw w JOIN records r USING (ingest_id) GROUP BY ALL""").fetchall()
    st._run(con, "UPDATE records SET withdrawn_at = $now WHERE withdrawn_at IS NULL "
                 "AND ingest_id IN (SELECT ingest_id FROM _withdraw)", p)
    st._run(con, """
        UPDATE records SET superseded_at = $now, superseded_by = NULL,
                           superseded_by_ingest = w.wid
        FROM _withdraw w WHERE records.ingest_id = w.ingest_id AND records.superseded_at IS NULL""",
            p)
    restored = con.execute(f"""
        UPDATE records SET superseded_at = NULL, superseded_by = NULL, superseded_by_ingest = NULL
        WHERE rowid IN (
            SELECT r.rowid FROM records r JOIN _withdraw_keys k USING ({_KEY})
            WHERE r.withdrawn_at IS NULL AND r.superseded_at IS NOT NULL
              AND r.ingest_id IN (SELECT ingest_id FROM ({LIVE}))
              AND NOT EXISTS (SELECT 1 FROM records c WHERE c.superseded_at IS NULL
                              AND {_SAME_KEY.format(a="c", b="r")})
            QUALIFY r.ingest_id = max(r.ingest_id) OVER (PARTITION BY {_KEY}))
        RETURNING strftime(period, '%Y-%m')""").fetchall()
    con.execute(f"""
        UPDATE issues SET closed_at = NULL, closed_by_ingest = NULL, superseded_by = NULL
        WHERE closed_by_ingest IN (SELECT ingest_id FROM _withdraw)
          AND ingest_id IN (SELECT ingest_id FROM ({LIVE}))""")
    closed = Counter(r[0] for r in con.execute("""
        UPDATE issues SET closed_at = $now, closed_by_ingest = w.wid
        FROM _withdraw w WHERE issues.ingest_id = w.ingest_id AND issues.closed_at IS NULL
        RETURNING issues.ingest_id""", p).fetchall())
    by_id = {t[0]: (t[1], t[2] or []) for t in touched}
    back = sorted({r[0] for r in restored})
    out = []
    for n, (ingest_id, path, sha, _) in enumerate(todo):
        records, months = by_id.get(ingest_id, (0, []))
        n_closed = closed[ingest_id]
        con.execute("UPDATE ingests SET records = ?, issues = ? WHERE ingest_id = "
                    "(SELECT wid FROM _withdraw WHERE ingest_id = ?)",
                    [records, n_closed, ingest_id])
        out.append(Withdrawal(path, sha, records, len(restored) if n == 0 else 0, n_closed,
                              tuple(sorted(set(months) | set(back)))))
    return out
