"""The plausibility checks of a whole ingest, run once at its end instead of after every file.

Checking after each file re-checks the file's months (and every later month of its domain)
from scratch: with 20 streets sending month M, month M is checked 20 times, 19 of them on a
half-delivered month whose "not reported this month" findings the next file closes again.
That was over 90 % of an ingest's time. So each file's transaction (still one per file,
committed on its own) only notes its ingest id in the ``checks_pending`` table, and
:func:`settle` checks what those ingests changed once, at the end of the ingest:

- the months checked are what :func:`civicstats.checks.after_load` would check for each of
  them (the months of the records they added or superseded and of the check issues they
  closed, and every later month of each domain), as one range per domain, from the earliest;
- a month's findings depend only on the store as it is when the month is checked (its own
  figures and those before it), so checking it once after the last file gives the open
  check issues that checking it after every file ends with;
- an ingest's check keeps open a check issue that the same ingest closed (its file's new
  version arrived) when it still holds. In one run for the whole batch the issues closed by
  the batch's earlier files are lent to its last ingest for the run, and those that stay
  closed get their own ingest back, so the same finding never closes and reopens here either.

Closed check issues differ from checking after each file in two ways, both about history:
the transient ones (opened by one file of the batch, closed by the next) are never written,
and what the batch closes is closed by its last ingest.

If the ingest is killed after some files were committed, their ids stay in
``checks_pending``; the next command that writes to the store (an ingest, ``civicstats
check``, a withdrawal: :func:`civicstats.store._writer`) checks them first, so no check is
lost. Until then ``civicstats issues`` lists those files' own issues without their checks.
"""

from __future__ import annotations

from datetime import datetime

TABLE = "CREATE TABLE IF NOT EXISTS checks_pending (ingest_id BIGINT NOT NULL);"

# what after_load checks for one ingest, for several: domain -> its earliest month touched
_TOUCHED = """
    SELECT domain, min(period) FROM (
        SELECT domain, period FROM records
        WHERE list_contains($ids, ingest_id) OR list_contains($ids, superseded_by_ingest)
        UNION ALL SELECT domain, period FROM issues
        WHERE list_contains($ids, closed_by_ingest) AND rule LIKE 'check%' AND period IS NOT NULL)
    GROUP BY domain ORDER BY domain"""


def note(con, ingest_id: int) -> None:
    """Inside a file's transaction: its checks are still to run (durably, with the file)."""
    con.execute("INSERT INTO checks_pending VALUES (?)", [ingest_id])


def pending(con) -> list[int]:
    """The ingests whose checks have not run yet, oldest first."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT ingest_id FROM checks_pending ORDER BY 1").fetchall()]


def settle(con, now: datetime | None = None) -> dict[str, int]:
    """Run the checks of every pending ingest in one transaction; return opened, kept, closed.

    >>> import duckdb
    >>> from civicstats import store
    >>> con = duckdb.connect(); _ = con.execute(store.SCHEMA)
    >>> settle(con)
    {'opened': 0, 'kept': 0, 'closed': 0}
    """
    ids = pending(con)
    if not ids:
        return {"opened": 0, "kept": 0, "closed": 0}
    con.execute("BEGIN TRANSACTION")
    try:
        totals = _check(con, ids, now)
        con.execute("DELETE FROM checks_pending WHERE list_contains($ids, ingest_id)", {"ids": ids})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return totals


def _check(con, ids: list[int], now: datetime | None) -> dict[str, int]:
    from collections import Counter

    from civicstats import checks
    from civicstats.store import _now

    now = now or _now()
    last = ids[-1]
    touched = con.execute(_TOUCHED, {"ids": ids}).fetchall()
    # check issues an earlier file of the batch closed (its new version came): lent to the
    # last ingest, whose check run then keeps open those that still hold
    lent = con.execute("""
        SELECT rowid, closed_by_ingest FROM issues WHERE rule LIKE 'check%' AND closed_at IS NOT NULL
          AND list_contains($ids, closed_by_ingest) AND closed_by_ingest <> $last""",
                       {"ids": ids, "last": last}).df()
    if len(lent):
        con.register("_lent", lent)
        con.execute("UPDATE issues SET closed_by_ingest = $last FROM _lent l "
                    "WHERE issues.rowid = l.rowid", {"last": last})
    totals = Counter(opened=0, kept=0, closed=0)
    for domain, first in touched:
        totals.update(checks.rerun_from(con, domain, first, now, last))
    if len(lent):  # what stayed closed was closed by its own ingest
        con.execute("UPDATE issues SET closed_by_ingest = l.closed_by_ingest FROM _lent l "
                    "WHERE issues.rowid = l.rowid AND issues.closed_at IS NOT NULL")
        con.unregister("_lent")
    return dict(totals)
