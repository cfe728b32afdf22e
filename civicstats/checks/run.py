"""Run the checks over the store: after each file is loaded, or all again on request.

:func:`rerun` computes every enabled rule's findings for a domain and some months and
brings the ``check_`` issues in line (:mod:`civicstats.checks.reconcile`). :func:`after_load`
is what ingest calls inside a file's transaction: it checks the months the file touched
and every later month of the domain, since a figure in month M is history for the drops,
jumps, first reports and gaps of the months after it. :func:`check_store` is
``civicstats check``: every check again, in its own transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from civicstats.checks import reconcile, wording
from civicstats.checks.rules import load_rules
from civicstats.checks.sql import finish, months, query
from civicstats.errors import UsageError
from civicstats.messages import _, say
from civicstats.values import period_option


def rerun(con, domain: str | None = None, periods=None, now: datetime | None = None,
          ingest_id: int | None = None, *, rules=None) -> dict[str, int]:
    """Re-run every enabled check for ``domain`` (None: every domain) and ``periods``
    (YYYY-MM or a list; None: every month); returns how many issues were opened, kept, closed.

    ``rules`` is a rules file (default $CIVICSTATS_CHECKS or the bundled one). Runs in the
    caller's transaction; ``ingest_id`` is the ingest that closes what no longer holds.

    >>> import duckdb
    >>> from civicstats import store
    >>> con = duckdb.connect(); _ = con.execute(store.SCHEMA)
    >>> rerun(con, "partners")
    {'opened': 0, 'kept': 0, 'closed': 0}
    """
    from civicstats.store import _now

    now = now or _now()
    rule_list = [r for r in load_rules(rules) if r.enabled]
    domains = [domain] if domain else _domains(con)
    dates = _dates(con, domains, periods)
    if not domains or not dates:
        return {"opened": 0, "kept": 0, "closed": 0}
    found = findings(con, domains, dates, rule_list)
    return reconcile.apply(con, found, domains=domains, periods=dates, now=now,
                           ingest_id=ingest_id)


def after_load(con, ingest_id: int, now: datetime | None = None, *, rules=None) -> dict[str, int]:
    """The checks for what ingest ``ingest_id`` changed: the months of the records it added
    or superseded (and of check issues it closed), and every later month of their domain."""
    touched = con.execute("""
        SELECT domain, min(period) FROM (
            SELECT domain, period FROM records WHERE ingest_id = $id OR superseded_by_ingest = $id
            UNION ALL SELECT domain, period FROM issues
            WHERE closed_by_ingest = $id AND rule LIKE 'check%' AND period IS NOT NULL)
        GROUP BY domain""", {"id": ingest_id}).fetchall()
    totals = Counter(opened=0, kept=0, closed=0)
    for domain, first in touched:
        totals.update(rerun_from(con, domain, first, now, ingest_id, rules=rules))
    return dict(totals)


def rerun_from(con, domain: str, first, now: datetime | None = None,
               ingest_id: int | None = None, *, rules=None) -> dict[str, int]:
    """Re-run the checks of ``domain`` for month ``first`` (a date or YYYY-MM) and every later
    one: a figure changed in a month changes that month's checks and the next months' ones."""
    start = _month_start(first)
    later = [d for d in _dates(con, [domain], None) if d >= start]
    return rerun(con, domain, later, now, ingest_id, rules=rules)


def findings(con, domains: list[str], dates: list[str], rules) -> pd.DataFrame:
    """Every rule's findings for some domains and months, as issue rows with messages."""
    frames = []
    for rule in rules:
        sql, params = query(rule)
        df = finish(con, con.execute(sql, {**params, "domains": domains,
                                           "months": months(dates)}).df())
        if df.empty:
            continue
        rows = df.astype(object).where(df.notna(), None).to_dict("records")
        frames.append(pd.DataFrame({
            "domain": df["domain"], "rule": rule.id, "severity": rule.severity,
            "source": df["source"],
            "file": df["file"], "sha256": df["sha256"], "ingest_id": df["ingest_id"],
            "raw": [wording.raw(r["value"]) for r in rows],
            "message": [wording.message(rule, r) for r in rows],
            "period_date": df["period"] + "-01"}))
    if not frames:
        return pd.DataFrame(columns=reconcile.ISSUE_FINDING_COLUMNS)
    return one_per_cell(pd.concat(frames, ignore_index=True))


def one_per_cell(found: pd.DataFrame) -> pd.DataFrame:
    """One issue per cell and month: the error-level finding first, else the first rule in
    the rules file. A 普惠 figure above its whole is also far above its peers the first
    time it is sent; the person fixing the sheet needs the one that says what is wrong.

    >>> f = pd.DataFrame({"rule": ["check_first_outlier", "check_part_whole"],
    ...     "severity": ["warning", "error"], "source": ["c#S!C7"] * 2, "file": ["c"] * 2,
    ...     "period_date": ["2024-03-01"] * 2})
    >>> one_per_cell(f).rule.tolist()
    ['check_part_whole']
    """
    order = found.assign(_rank=(found["severity"] != "error").astype(int))
    order = order.sort_values("_rank", kind="stable")
    return (order.drop_duplicates(["source", "file", "period_date"]).sort_index()
            .drop(columns="_rank"))


def _domains(con) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT DISTINCT domain FROM records UNION SELECT DISTINCT domain FROM issues "
        "WHERE rule LIKE 'check%' AND domain IS NOT NULL ORDER BY 1").fetchall()]


def _dates(con, domains: list[str], periods) -> list[str]:
    """The months to check as ``YYYY-MM-01``: ``periods``, else every month of the domains
    (with records, or with check issues that may have to close)."""
    if periods is not None:
        return [_month_start(p) for p in ([periods] if isinstance(periods, str) else periods)]
    return [str(r[0]) for r in con.execute(
        "SELECT DISTINCT period FROM records WHERE list_contains($d, domain) UNION "
        "SELECT DISTINCT period FROM issues WHERE list_contains($d, domain) "
        "AND rule LIKE 'check%' AND period IS NOT NULL ORDER BY 1", {"d": domains}).fetchall()]


def _month_start(period) -> str:
    """>>> _month_start("2023-09"), _month_start("2023-09-01")
    ('2023-09-01', '2023-09-01')
    """
    try:
        return str(pd.Period(str(period)[:7], freq="M").start_time.date())
    except (ValueError, TypeError):
        raise UsageError(str(period), _("is not a month"), _("give the month as YYYY-MM, e.g. 2023-09")) \
            from None


# -- civicstats check ----------------------------------------------------------------


@dataclass(frozen=True)
class CheckRun:
    """What ``civicstats check`` found: open issues per rule (errors, warnings) and changes."""

    open: dict = field(default_factory=dict)  # rule id -> (errors, warnings) open
    changes: dict = field(default_factory=dict)
    rules: tuple = ()
    empty: bool = False

    @property
    def errors(self) -> int:
        return sum(e for e, _ in self.open.values())

    @property
    def warnings(self) -> int:
        return sum(w for _, w in self.open.values())

    @property
    def exit_code(self) -> int:
        """1 when some error-level check is open, else 0."""
        return 1 if self.errors else 0

    def lines(self, store_path, period: str | None, rules_file) -> list[str]:
        """What ``civicstats check`` prints: one line per check, then the totals."""
        from civicstats.messages import _, current

        if self.empty:
            return [say("the store {store} holds no records yet; run `civicstats ingest "
                        "data/raw` first", store=store_path)]
        lang = current()
        scope = say("every month") if period is None else period
        out = [say("plausibility checks of {scope} in {store}", scope=scope, store=store_path)]
        for rule in self.rules:
            errors, warnings = self.open.get(rule.id, (0, 0))
            title = rule.title.get(lang, rule.id)
            if not rule.enabled:
                out.append(say("{rule}  {title}: not run (enabled = false)", rule=rule.id,
                               title=title))
                continue
            out.append(say("{rule}  {title} ({severity}): {open} open", rule=rule.id,
                           title=title, severity=_(rule.severity), open=errors + warnings))
        out.append(say("{errors} errors and {warnings} warnings open; this run opened {opened} "
                       "and closed {closed}; checks file {path}", errors=self.errors,
                       warnings=self.warnings, opened=self.changes.get("opened", 0),
                       closed=self.changes.get("closed", 0), path=rules_file))
        return out


def check_store(*, store=None, period: str | None = None, rules=None) -> CheckRun:
    """Re-run every check on the store (one month with ``period``) in one transaction."""
    from civicstats import config
    from civicstats import store as st

    rule_list = load_rules(rules)
    if period is not None:
        period = period_option(period)
    if not config.store_path(store).is_file():
        return CheckRun(rules=tuple(rule_list), empty=True)
    con = st._writer(store)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            changes = rerun(con, None, [period] if period else None, rules=rules)
            counts = _open_counts(con, period)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()
    return CheckRun(counts, changes, tuple(rule_list), empty=False)


def _open_counts(con, period: str | None) -> dict:
    where, params = "", {}
    if period:
        where, params = " AND period = $p::DATE", {"p": _month_start(period)}
    rows = con.execute(
        "SELECT rule, count(*) FILTER (severity = 'error'), count(*) FILTER (severity <> 'error') "
        f"FROM issues WHERE closed_at IS NULL AND rule LIKE 'check%'{where} GROUP BY rule",
        params).fetchall()
    return {rule: (int(e), int(w)) for rule, e, w in rows}
