"""The checks as DuckDB SQL over the store's ``records``: one query per rule.

Every query reads the current records of the domains in ``$domains``, reports findings
only for the months in ``$months`` (months since year 0, :func:`months`) and returns the same columns,
:data:`FINDING_COLUMNS`: the offending record (``domain, period, area, grp, measure,
value, source, file, sha256, ingest_id``), the figure it was compared with
(``other_measure, other_value, other_source``) and what the message needs (``median,
months, peers, peer_median``, and ``variant``, the message template to use). History and
peers are read from every month, so a check of one month still sees the months before it.

Speed (a province, 936,000 records, in well under a second): the windows and joins work on
narrow rows (``rid``, the record's rowid, numbers, months as integers) and integer keys:
``who = hash(domain, area, group)``, ``k = hash(who, measure)`` for a figure's series and
``row = hash(who, month)`` for a return's row; texts are joined back from ``records`` for
the few findings only. Two different keys with the same 64-bit hash would share one history; for the 40,000
keys of a province the odds are about 1 in 10^10.

>>> import duckdb
>>> from civicstats.checks.rules import load_rules, by_id
>>> con = duckdb.connect()
>>> _ = con.execute("CREATE TABLE records AS SELECT 'childcare' AS domain, '北干街道' AS area,"
...     " '' AS \\"group\\", DATE '2023-09-01' AS period, m AS measure, v AS value,"
...     " 'c.xlsx#S!' || c AS source, 'c.xlsx' AS file, 's' AS sha256, 1 AS ingest_id,"
...     " NULL::TIMESTAMP AS superseded_at, NULL AS superseded_by FROM (VALUES"
...     " ('slots_added', 580, 'B7'), ('inclusive_slots_added', 620, 'C7')) t(m, v, c)")
>>> sql, params = query(by_id(load_rules())["check_part_whole"])
>>> scope = {"domains": ["childcare"], "months": months(["2023-09-01"])}
>>> found = finish(con, con.execute(sql, {**params, **scope}).df())
>>> found.iloc[0][["domain", "period", "area", "measure", "source", "other_source"]].tolist()
['childcare', '2023-09', '北干街道', 'inclusive_slots_added', 'c.xlsx#S!C7', 'c.xlsx#S!B7']
"""

from __future__ import annotations

import pandas as pd

from civicstats.checks.rules import Rule

FINDING_COLUMNS = ["domain", "period", "area", "grp", "measure", "value", "source", "file",
                   "sha256", "ingest_id", "other_measure", "other_value", "other_source",
                   "median", "months", "peers", "peer_median", "variant"]

# the current records of the domains checked, narrow
CURRENT = """cur AS (
    SELECT rid, domain, measure, period, mo, value, who, hash(who, measure) AS k,
           hash(who, mo) AS row, list_contains($months::INT[], mo) AS checked
    FROM (SELECT rowid AS rid, domain, measure, period, value,
                 (year(period) * 12 + month(period) - 1)::INT AS mo,
                 hash(domain, area, "group") AS who FROM records
          WHERE superseded_at IS NULL AND list_contains($domains::VARCHAR[], domain)))"""

IN_SCOPE = "{c}.checked"
MONTHS = "(year({c}) * 12 + month({c}) - 1)::INT"  # months since year 0: next month is +1

# the findings with the texts of the records they name, fetched by rowid once the (few)
# findings are known: joining records inside each query made DuckDB hash the whole table
_FINISH = """WITH t AS (SELECT rowid AS rid, * FROM records WHERE rowid = ANY($rids::BIGINT[]))
SELECT r.domain, strftime(f.period, '%Y-%m') AS period, r.area, r."group" AS grp,
       r.measure, CASE WHEN f.shown THEN r.value END AS value, r.source, r.file, r.sha256,
       r.ingest_id, o.measure AS other_measure, o.value AS other_value,
       o.source AS other_source, f.median, f.months, f.peers, f.peer_median, f.variant
FROM _check_found f JOIN t r ON r.rid = f.rid LEFT JOIN t o ON o.rid = f.other_rid
ORDER BY r.domain, f.period, r.ingest_id, r.source"""


def _finding(rid: str, other: str = "NULL", *, period: str | None = None, shown: str = "true",
             median: str = "NULL", months: str = "NULL", peers: str = "NULL",
             peer_median: str = "NULL", variant: str = "'message'") -> str:
    """The SELECT list of a finding: the offending record and the one it was compared with
    (their rowids), the finding's month and what the message needs.

    >>> _finding("p.rid", "w.rid")[:45]
    'p.rid AS rid, w.rid AS other_rid, p.period AS'
    """
    period = period or f"{rid.partition('.')[0]}.period"
    return (f"{rid} AS rid, {other} AS other_rid, {period} AS period, {shown} AS shown, "
            f"{median}::DOUBLE AS median, {months}::BIGINT AS months, {peers}::BIGINT AS peers, "
            f"{peer_median}::DOUBLE AS peer_median, {variant} AS variant")


def _query(ctes: str, body: str) -> str:
    return f"WITH {ctes}\n{body}"


def finish(con, found: pd.DataFrame) -> pd.DataFrame:
    """Findings as :data:`FINDING_COLUMNS`: the records' texts joined on by rowid, the
    month as YYYY-MM, the value left out where nothing was sent (``shown``)."""
    rids = pd.concat([found["rid"], found["other_rid"]]).dropna().astype("int64").unique()
    con.register("_check_found", found)
    try:
        return con.execute(_FINISH, {"rids": rids.tolist()}).df()
    finally:
        con.unregister("_check_found")


def _pairs(pairs: list[tuple[str, str]], condition: str) -> tuple[str, dict]:
    """Same area, team and month: the first measure of a pair against the second."""
    sql = _query(f"""{CURRENT},
    pairs AS (SELECT unnest($firsts::VARCHAR[]) AS first, unnest($seconds::VARCHAR[]) AS second)""",
                 f"""SELECT {_finding("p.rid", "w.rid")}
    FROM cur p JOIN pairs ON p.measure = pairs.first
    JOIN cur w ON w.row = p.row AND w.measure = pairs.second
    WHERE {IN_SCOPE.format(c="p")} AND {condition}""")
    return sql, {"firsts": [a for a, _ in pairs], "seconds": [b for _, b in pairs]}


def part_whole(rule: Rule) -> tuple[str, dict]:
    """A part above its whole; the pairs are the vocabulary's (inclusive.csv)."""
    from civicstats import vocab

    return _pairs([(part, whole) for whole, part in vocab.inclusive_parts().items()],
                  "p.value > w.value")


def done_vs_plan(rule: Rule) -> tuple[str, dict]:
    """Done above ``factor`` times a plan that is above 0."""
    sql, params = _pairs([tuple(p) for p in rule["pairs"]],
                         "w.value > 0 AND p.value > $factor * w.value")
    return sql, {**params, "factor": float(rule["factor"])}


def drop(rule: Rule) -> tuple[str, dict]:
    """A stock below (1 - share) of the previous month's figure, itself at least min_previous.

    Yearly measures are not compared across the new year (January against December).
    """
    sql = _query(f"""{CURRENT},
    -- a fall needs a figure in the months checked below (1 - share) of the series' highest
    falling AS (SELECT k FROM cur WHERE list_contains($measures::VARCHAR[], measure)
                GROUP BY k HAVING max(value) >= $min_previous
                              AND min(value) FILTER (checked) < max(value) * (1 - $share)),
    h AS (SELECT c.*, lag(value) OVER w AS prev_value, lag(rid) OVER w AS prev_rid,
                 lag(mo) OVER w AS prev_mo
          FROM cur c SEMI JOIN falling USING (k)
          WINDOW w AS (PARTITION BY k ORDER BY mo))""",
                 f"""SELECT {_finding("h.rid", "h.prev_rid")} FROM h
    WHERE {IN_SCOPE.format(c="h")} AND h.prev_mo = h.mo - 1
      AND h.prev_value >= $min_previous AND h.value < h.prev_value * (1 - $share)
      AND NOT (list_contains($yearly::VARCHAR[], h.measure) AND month(h.period) = 1)""")
    return sql, {"measures": rule["measures"], "yearly": rule["yearly"],
                 "min_previous": float(rule["min_previous"]), "share": float(rule["share"])}


def _peers(candidates: str) -> str:
    """CTEs ending in ``peer``: each record of ``candidates`` (a CTE of ``cur`` rows) with
    the number of its peers (same domain, measure and month; other areas and teams) and
    their median, the record itself left out.

    With the n values of a group sorted v[1..n] and the record at position r, the others
    are v[j] for j < r and v[j+1] from r on, and their median sits at (n-1)/2 or next to
    it: v[a], v[a+1], v[a+2] with a = (n-1)//2 are all it takes, so no list of peers is
    built per record. Only the groups that hold a candidate are sorted.
    """
    return f"""ranked AS (
        SELECT c.rid, c.domain, c.measure, c.period, c.value,
               row_number() OVER (g ORDER BY value) AS pos, count(*) OVER g - 1 AS peers
        FROM cur c SEMI JOIN (SELECT DISTINCT domain, measure, period FROM {candidates}) x
             USING (domain, measure, period)
        WINDOW g AS (PARTITION BY domain, measure, period)),
    mid AS (
        SELECT domain, measure, period,
               max(value) FILTER (pos = peers // 2) AS va,
               max(value) FILTER (pos = peers // 2 + 1) AS va1,
               max(value) FILTER (pos = peers // 2 + 2) AS va2
        FROM ranked GROUP BY ALL),
    medians AS (
        SELECT rid, peers, CASE WHEN peers % 2 = 1
                    THEN CASE WHEN peers // 2 + 1 < pos THEN va1 ELSE va2 END
                    ELSE ((CASE WHEN peers // 2 < pos THEN va ELSE va1 END)
                          + (CASE WHEN peers // 2 + 1 < pos THEN va1 ELSE va2 END)) / 2
               END AS peer_median
        FROM ranked JOIN mid USING (domain, measure, period)),
    peer AS (SELECT x.*, medians.peers, medians.peer_median
             FROM {candidates} x JOIN medians USING (rid))"""


def spike(rule: Rule) -> tuple[str, dict]:
    """Above ``factor`` times the median of the key's previous ``months`` reports, at least
    ``min_months`` of them; with fewer, above ``factor`` times the latest report and the
    peers' median."""
    months = int(rule["months"])  # a frame bound must be a literal
    sql = _query(f"""{CURRENT},
    -- a jump needs a figure in the months checked above `factor` times the series' lowest:
    -- only those series (a few, in normal months) go through the windows below
    moving AS (SELECT k FROM cur GROUP BY k
               HAVING max(value) FILTER (checked) >= $min_value
                  AND max(value) FILTER (checked) > $factor * min(value)),
    h AS (SELECT c.*, median(value) OVER back AS median, count(value) OVER back AS months,
                 lag(value) OVER w AS prev_value, lag(rid) OVER w AS prev_rid
          FROM cur c SEMI JOIN moving USING (k)
          WINDOW w AS (PARTITION BY k ORDER BY mo),
                 back AS (w ROWS BETWEEN {months} PRECEDING AND 1 PRECEDING)),
    jump AS (SELECT * FROM h WHERE checked AND value >= $min_value AND months >= 1),
    few AS (SELECT * FROM jump WHERE months < $min_months AND value > $factor * prev_value),
    {_peers("few")}""", f"""
    SELECT {_finding("s.rid", "s.prev_rid", median="s.median", months="s.months",
                     peers="s.peers", peer_median="s.peer_median",
                     variant="CASE WHEN s.months >= $min_months THEN 'message' "
                             "ELSE 'message_few_months' END")}
    FROM (SELECT *, NULL AS peers, NULL AS peer_median FROM jump
          WHERE months >= $min_months AND value > $factor * median
          UNION ALL BY NAME
          SELECT * FROM peer WHERE peers >= $min_peers AND value > $factor * peer_median) s""")
    return sql, {"factor": float(rule["factor"]), "min_months": int(rule["min_months"]),
                 "min_value": float(rule["min_value"]), "min_peers": int(rule["min_peers"])}


def first_outlier(rule: Rule) -> tuple[str, dict]:
    """A key's first report (its first month) above ``factor`` times the median of at least
    ``min_peers`` peers."""
    sql = _query(f"""{CURRENT},
    first AS (SELECT c.* FROM cur c SEMI JOIN (SELECT k, min(period) AS period FROM cur
                                               GROUP BY k) f USING (k, period)
              WHERE {IN_SCOPE.format(c="c")}),
    {_peers("first")}""", f"""
    SELECT {_finding("peer.rid", peers="peer.peers", peer_median="peer.peer_median")}
    FROM peer WHERE peer.peers >= $min_peers AND peer.peer_median > 0
                AND peer.value > $factor * peer.peer_median""")
    return sql, {"factor": float(rule["factor"]), "min_peers": int(rule["min_peers"])}


def conflict(rule: Rule) -> tuple[str, dict]:
    """One key, two values from two files by name: both current, or the later superseding
    the earlier. Not for a new version of the same file, nor a file named as a correction."""
    sql = _query(f"""rec AS (
        SELECT rowid AS rid, period, value, file, ingest_id, superseded_at, superseded_by,
               hash(domain, area, "group", measure, period) AS key
        FROM records WHERE list_contains($domains::VARCHAR[], domain)
                       AND list_contains($months::INT[], {MONTHS.format(c="period")})),
    twice AS (SELECT rec.*, regexp_extract(file, '[^/]*$') AS name
              FROM rec SEMI JOIN (SELECT key FROM rec GROUP BY key HAVING count(*) > 1) d
                   USING (key))""", f"""
    SELECT {_finding("n.rid", "o.rid")}
    FROM twice n JOIN twice o ON o.key = n.key
    WHERE n.superseded_at IS NULL AND o.name <> n.name AND abs(o.value - n.value) > 1e-9
      AND ((o.superseded_at IS NULL AND o.ingest_id < n.ingest_id) OR o.superseded_by = n.file)
      AND len([w FOR w IN $words::VARCHAR[] IF contains(lower(n.name), lower(w))]) = 0
    QUALIFY row_number() OVER (PARTITION BY n.rid ORDER BY o.ingest_id DESC) = 1""")
    return sql, {"words": rule["correction_words"]}


def missing(rule: Rule) -> tuple[str, dict]:
    """Reported last month, not this month, while this month has files of the domain.

    Not when the key's row this month holds an open issue of the cleaner (a cell that could
    not be read): that issue already asks for the figure. The finding's cell is last
    month's, the only one there is.
    """
    rowkey = "regexp_replace({c}, '\\$?[A-Za-z]+\\$?([0-9]+)$', '\\1')"
    sql = _query(f"""{CURRENT},
    h AS (SELECT c.*, lead(mo) OVER (PARTITION BY k ORDER BY mo) AS next FROM cur c
          WHERE NOT list_contains($skip::VARCHAR[], c.measure)),
    -- no report the month after; of a key sent twice in a month, the last one speaks
    gone AS (SELECT h.*, h.mo + 1 AS next_mo FROM h
             SEMI JOIN (SELECT DISTINCT domain, mo FROM cur) m
                  ON m.domain = h.domain AND m.mo = h.mo + 1
             WHERE list_contains($months::INT[], h.mo + 1)
               AND h.next IS DISTINCT FROM h.mo + 1 AND h.next IS DISTINCT FROM h.mo),
    unread AS (SELECT DISTINCT hash(hash(r.domain, r.area, r."group"), {MONTHS.format(c="r.period")})
                      AS row
               FROM issues i JOIN records r ON r.file = i.file
               WHERE i.closed_at IS NULL AND i.rule NOT LIKE 'check%' AND r.superseded_at IS NULL
                 AND {rowkey.format(c="i.source")} = {rowkey.format(c="r.source")})""", f"""
    SELECT {_finding("g.rid", "g.rid", period="make_date(g.next_mo // 12, g.next_mo % 12 + 1, 1)",
                     shown="false")}
    FROM gone g WHERE hash(g.who, g.next_mo) NOT IN (SELECT row FROM unread)""")
    return sql, {"skip": rule["skip_measures"]}


QUERIES = {"check_part_whole": part_whole, "check_done_vs_plan": done_vs_plan,
           "check_drop": drop, "check_spike": spike, "check_first_outlier": first_outlier,
           "check_conflict": conflict, "check_missing": missing}


def months(dates: list[str]) -> list[int]:
    """``YYYY-MM-DD`` dates as the month numbers the queries compare (year * 12 + month - 1).

    >>> months(["2023-09-01", "2024-01-01"])
    [24284, 24288]
    """
    return [int(d[:4]) * 12 + int(d[5:7]) - 1 for d in dates]


def query(rule: Rule) -> tuple[str, dict]:
    """The SQL of ``rule`` and its parameters (without ``$domains`` and ``$months``)."""
    return QUERIES[rule.id](rule)
