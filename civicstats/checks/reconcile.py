"""Bring the store's open ``check_`` issues in line with a fresh set of findings.

An issue is identified by (rule, period, source, file). For the domains and months checked:
a finding with an open issue keeps it (its message, value and severity refreshed, so a
changed comparison figure reads right); a finding without one opens an issue; an open issue
without a finding is closed (``closed_at``, ``closed_by_ingest``). An issue that the same
ingest has just closed because a new version of its file arrived, and that still holds, is
kept open: the same finding never closes and reopens.

Runs inside the caller's transaction (ingest's, or ``civicstats check``'s).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

ISSUE_FINDING_COLUMNS = ["domain", "rule", "severity", "source", "file", "sha256",
                         "ingest_id", "raw", "message", "period_date"]

# open check issues of the domains and months checked, and those this ingest just closed
_MANAGED = """{t}.rule LIKE 'check\\_%' ESCAPE '\\' AND list_contains($domains::VARCHAR[], {t}.domain)
    AND list_contains($periods::DATE[], {t}.period)
    AND ({t}.closed_at IS NULL OR ($ingest IS NOT NULL AND {t}.closed_by_ingest = $ingest))"""

_SAME = """{t}.rule = f.rule AND {t}.period = f.period_date::DATE AND {t}.source = f.source
    AND {t}.file = f.file"""


def apply(con, findings: pd.DataFrame, *, domains: list[str], periods: list[str], now: datetime,
          ingest_id: int | None) -> dict[str, int]:
    """Open, keep and close issues so that the open ones are exactly ``findings``.

    ``domains`` and ``periods`` (``YYYY-MM-01``) are what was checked; returns how many
    issues were opened, kept and closed.

    >>> import duckdb
    >>> from civicstats import store
    >>> con = duckdb.connect(); _ = con.execute(store.SCHEMA)
    >>> f = pd.DataFrame([{"domain": "partners", "rule": "check_drop", "severity": "warning",
    ...     "source": "a.xlsx#S!B5", "file": "a.xlsx", "sha256": "s", "ingest_id": 1, "raw": "2", "message": "fell",
    ...     "period_date": "2024-03-01"}])
    >>> kw = dict(domains=["partners"], periods=["2024-03-01"], now=datetime(2024, 4, 1),
    ...           ingest_id=1)
    >>> apply(con, f, **kw), apply(con, f, **kw), apply(con, f.iloc[:0], **kw)
    ({'opened': 1, 'kept': 0, 'closed': 0}, {'opened': 0, 'kept': 1, 'closed': 0}, {'opened': 0, 'kept': 0, 'closed': 1})
    """
    params = {"domains": domains, "periods": periods, "now": now, "ingest": ingest_id}
    frame = findings.reindex(columns=ISSUE_FINDING_COLUMNS).drop_duplicates(
        ["rule", "period_date", "source", "file"])
    frame = frame.astype({"ingest_id": "int64", "period_date": "str"})
    con.register("_check_findings", frame)
    try:
        kept = _count(con, f"""
            SELECT count(*) FROM issues i JOIN _check_findings f
            ON {_MANAGED.format(t="i")} AND {_SAME.format(t="i")}""", params)
        # rewrite only what changed: a reopened issue, a new comparison figure or wording
        _count(con, f"""
            UPDATE issues i SET closed_at = NULL, closed_by_ingest = NULL,
                   severity = f.severity, raw = f.raw, message = f.message, sha256 = f.sha256
            FROM _check_findings f
            WHERE {_MANAGED.format(t="i")} AND {_SAME.format(t="i")}
              AND (i.closed_at IS NOT NULL OR i.message IS DISTINCT FROM f.message
                   OR i.severity IS DISTINCT FROM f.severity OR i.raw IS DISTINCT FROM f.raw
                   OR i.sha256 IS DISTINCT FROM f.sha256)""", params)
        closed = _count(con, f"""
            UPDATE issues SET closed_at = $now, closed_by_ingest = $ingest
            WHERE {_MANAGED.format(t="issues")} AND issues.closed_at IS NULL AND NOT EXISTS (
                SELECT 1 FROM _check_findings f WHERE {_SAME.format(t="issues")})""",
            params)
        opened = _count(con, f"""
            INSERT INTO issues (source, severity, rule, raw, message, domain, period, file,
                                sha256, ingest_id, ingested_at, closed_at, closed_by_ingest)
            SELECT f.source, f.severity, f.rule, f.raw, f.message, f.domain,
                   f.period_date::DATE, f.file, f.sha256, f.ingest_id, $now, NULL, NULL
            FROM _check_findings f WHERE NOT EXISTS (
                SELECT 1 FROM issues i WHERE i.closed_at IS NULL AND {_SAME.format(t="i")})""",
            params)
    finally:
        con.unregister("_check_findings")
    return {"opened": opened, "kept": kept, "closed": closed}


def _count(con, sql: str, params: dict) -> int:
    """Run a count, UPDATE or INSERT with the ``params`` it names (DuckDB refuses extras)."""
    return int(con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
               .fetchall()[0][0])
