"""The checks as DuckDB SQL over the store's ``records``: one query per rule.

Every query reads the current records of one domain (``$domain``), reports findings only
for the months in ``$periods`` (a DATE list) and returns the same columns,
:data:`FINDING_COLUMNS`: the offending record (``period, area, grp, measure, value,
source, file, sha256, ingest_id``), the figure it was compared with (``other_measure,
other_value, other_source``) and what the message needs (``median, months, peers,
peer_median``, and ``variant``, the message template to use). History and peers are read
from every month of the domain, so a check of one month still sees the months before it.

>>> import duckdb
>>> from civicstats.checks.rules import load_rules, by_id
>>> con = duckdb.connect()
>>> _ = con.execute("CREATE TABLE records AS SELECT 'childcare' AS domain, '北干街道' AS area,"
...     " '' AS \\"group\\", DATE '2023-09-01' AS period, m AS measure, v AS value,"
...     " 'c.xlsx#S!' || c AS source, 'c.xlsx' AS file, 's' AS sha256, 1 AS ingest_id,"
...     " NULL::TIMESTAMP AS superseded_at, NULL AS superseded_by FROM (VALUES"
...     " ('slots_added', 580, 'B7'), ('inclusive_slots_added', 620, 'C7')) t(m, v, c)")
>>> sql, params = query(by_id(load_rules())["check_part_whole"])
>>> con.execute(sql, {**params, "domain": "childcare", "periods": ["2023-09-01"]}).fetchall()[0][:7]
('2023-09', '北干街道', '', 'inclusive_slots_added', 620, 'c.xlsx#S!C7', 'c.xlsx')
"""

from __future__ import annotations

from civicstats.checks.rules import Rule

FINDING_COLUMNS = ["period", "area", "grp", "measure", "value", "source", "file", "sha256",
                   "ingest_id", "other_measure", "other_value", "other_source", "median",
                   "months", "peers", "peer_median", "variant"]

# the current records of the domain; "group" renamed so that it needs no quoting below
CURRENT = """cur AS (
    SELECT area, "group" AS grp, period, measure, value, source, file, sha256, ingest_id
    FROM records WHERE superseded_at IS NULL AND domain = $domain)"""

IN_SCOPE = "list_contains($periods::DATE[], {c}.period)"


def _select(alias: str, **exprs: str) -> str:
    """The SELECT list of :data:`FINDING_COLUMNS`: the offending record's own columns from
    ``alias``, the others from ``exprs`` or NULL. ``period`` comes out as YYYY-MM.

    >>> _select("p", other_value="w.value")[:60]
    "strftime(p.period, '%Y-%m') AS period, p.area AS area, p.grp"
    """
    own = {"period": f"strftime({alias}.period, '%Y-%m')",
           **{c: f"{alias}.{c}" for c in FINDING_COLUMNS[1:9]}}
    cols = {**own, **exprs}
    return ", ".join(f"{cols.get(c, 'NULL')} AS {c}" for c in FINDING_COLUMNS)


def _pairs(pairs: list[tuple[str, str]], condition: str) -> tuple[str, dict]:
    """Same area, team and month: the first measure of a pair against the second."""
    sql = f"""WITH {CURRENT},
    pairs AS (SELECT unnest($firsts::VARCHAR[]) AS first, unnest($seconds::VARCHAR[]) AS second)
    SELECT {_select("p", other_measure="w.measure", other_value="w.value",
                    other_source="w.source", variant="'message'")}
    FROM cur p JOIN pairs ON p.measure = pairs.first
    JOIN cur w ON w.measure = pairs.second AND w.area = p.area AND w.grp = p.grp
              AND w.period = p.period
    WHERE {IN_SCOPE.format(c="p")} AND {condition}
    ORDER BY p.period, p.ingest_id, p.source"""
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
    sql = f"""WITH {CURRENT},
    h AS (SELECT c.*, lag(value) OVER k AS prev_value, lag(source) OVER k AS prev_source,
                 lag(period) OVER k AS prev_period
          FROM cur c WHERE list_contains($measures::VARCHAR[], measure)
          WINDOW k AS (PARTITION BY area, grp, measure ORDER BY period))
    SELECT {_select("h", other_measure="h.measure", other_value="h.prev_value",
                    other_source="h.prev_source", variant="'message'")}
    FROM h
    WHERE {IN_SCOPE.format(c="h")} AND h.prev_period = h.period - INTERVAL 1 MONTH
      AND h.prev_value >= $min_previous AND h.value < h.prev_value * (1 - $share)
      AND NOT (list_contains($yearly::VARCHAR[], h.measure) AND month(h.period) = 1)
    ORDER BY h.period, h.ingest_id, h.source"""
    return sql, {"measures": rule["measures"], "yearly": rule["yearly"],
                 "min_previous": float(rule["min_previous"]), "share": float(rule["share"])}


def _history(months: int) -> str:
    """Each record with the median and count of its key's previous ``months`` reports, the
    latest previous report, and its peers (same measure and month, other keys)."""
    months = int(months)  # a frame bound must be a literal; validated as a number
    return f"""{CURRENT},
    h AS (SELECT c.*, median(value) OVER prev AS median, count(value) OVER prev AS months,
                 count(value) OVER (k ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before,
                 lag(value) OVER k AS prev_value, lag(source) OVER k AS prev_source
          FROM cur c
          WINDOW k AS (PARTITION BY area, grp, measure ORDER BY period),
                 prev AS (k ROWS BETWEEN {months} PRECEDING AND 1 PRECEDING)),
    {PEERS}"""


# The median of a record's peers without the record itself, from three order statistics
# of its (measure, month) group: with n values sorted v[1..n] and the record at position r,
# the others are v[k] for k < r and v[k+1] from r on; their median sits at (n-1)/2 or
# around it, so v[a], v[a+1], v[a+2] with a = (n-1)//2 are all it takes. No per-record
# list of peers is built, so a first month of 3,000 new areas costs one sort.
PEERS = """ranked AS (
        SELECT h.*, row_number() OVER (g ORDER BY value) AS pos, count(*) OVER g - 1 AS peers
        FROM h WHERE list_contains($periods::DATE[], h.period)
        WINDOW g AS (PARTITION BY measure, period)),
    mid AS (
        SELECT measure, period,
               max(value) FILTER (pos = peers // 2) AS va,
               max(value) FILTER (pos = peers // 2 + 1) AS va1,
               max(value) FILTER (pos = peers // 2 + 2) AS va2
        FROM ranked GROUP BY measure, period),
    peer AS (
        SELECT ranked.*, CASE WHEN peers % 2 = 1
                    THEN CASE WHEN peers // 2 + 1 < pos THEN va1 ELSE va2 END
                    ELSE ((CASE WHEN peers // 2 < pos THEN va ELSE va1 END)
                          + (CASE WHEN peers // 2 + 1 < pos THEN va1 ELSE va2 END)) / 2
               END AS peer_median
        FROM ranked JOIN mid USING (measure, period))"""


def spike(rule: Rule) -> tuple[str, dict]:
    """Above ``factor`` times the median of at least ``min_months`` previous months; with
    fewer, above ``factor`` times the latest one and the peers' median (``min_peers``)."""
    sql = f"""WITH {_history(rule["months"])}
    SELECT {_select("peer", other_measure="peer.measure", other_value="peer.prev_value",
                    other_source="peer.prev_source", median="peer.median",
                    months="peer.months", peers="peer.peers", peer_median="peer.peer_median",
                    variant="CASE WHEN peer.months >= $min_months THEN 'message' "
                            "ELSE 'message_few_months' END")}
    FROM peer
    WHERE peer.value >= $min_value AND peer.months >= 1 AND (
          (peer.months >= $min_months AND peer.value > $factor * peer.median)
       OR (peer.months < $min_months AND peer.value > $factor * peer.prev_value
           AND peer.peers >= $min_peers AND peer.value > $factor * peer.peer_median))
    ORDER BY peer.period, peer.ingest_id, peer.source"""
    return sql, {"factor": float(rule["factor"]), "min_months": int(rule["min_months"]),
                 "min_value": float(rule["min_value"]), "min_peers": int(rule["min_peers"])}


def first_outlier(rule: Rule) -> tuple[str, dict]:
    """A key's first report above ``factor`` times the median of at least ``min_peers`` peers."""
    sql = f"""WITH {_history(1)}
    SELECT {_select("peer", peers="peer.peers", peer_median="peer.peer_median",
                    variant="'message'")}
    FROM peer
    WHERE peer.before = 0 AND peer.peers >= $min_peers AND peer.peer_median > 0
      AND peer.value > $factor * peer.peer_median
    ORDER BY peer.period, peer.ingest_id, peer.source"""
    return sql, {"factor": float(rule["factor"]), "min_peers": int(rule["min_peers"])}


def conflict(rule: Rule) -> tuple[str, dict]:
    """One key, two values from two files by name: both current, or the later superseding
    the earlier. Not for a new version of the same file, nor a file named as a correction."""
    sql = f"""WITH rec AS (
        SELECT area, "group" AS grp, period, measure, value, source, file, sha256, ingest_id,
               superseded_at, superseded_by, regexp_extract(file, '[^/]*$') AS name
        FROM records WHERE domain = $domain AND list_contains($periods::DATE[], period))
    SELECT {_select("n", other_measure="o.measure", other_value="o.value",
                    other_source="o.source", variant="'message'")}
    FROM rec n JOIN rec o ON o.area = n.area AND o.grp = n.grp AND o.period = n.period
                          AND o.measure = n.measure
    WHERE n.superseded_at IS NULL AND o.name <> n.name AND abs(o.value - n.value) > 1e-9
      AND ((o.superseded_at IS NULL AND o.ingest_id < n.ingest_id) OR o.superseded_by = n.file)
      AND len([w FOR w IN $words::VARCHAR[] IF contains(lower(n.name), lower(w))]) = 0
    QUALIFY row_number() OVER (PARTITION BY n.source, n.file ORDER BY o.ingest_id DESC) = 1
    ORDER BY n.period, n.ingest_id, n.source"""
    return sql, {"words": rule["correction_words"]}


def missing(rule: Rule) -> tuple[str, dict]:
    """Reported last month, not this month, while this month has files of the domain.

    Not when the key's row this month holds an open issue of the cleaner (a cell that could
    not be read): that issue already asks for the figure. The finding's cell is last
    month's, the only one there is.
    """
    rowkey = "regexp_replace({c}, '\\$?[A-Za-z]+\\$?([0-9]+)$', '\\1')"
    sql = f"""WITH {CURRENT},
    months AS (SELECT DISTINCT period FROM cur),
    last AS (SELECT c.*, (c.period + INTERVAL 1 MONTH)::DATE AS this_month FROM cur c
             WHERE NOT list_contains($skip::VARCHAR[], c.measure)),
    unread AS (SELECT DISTINCT c.area, c.grp, c.period FROM cur c JOIN issues i
               ON i.closed_at IS NULL AND i.rule NOT LIKE 'check%' AND i.file = c.file
              AND {rowkey.format(c="i.source")} = {rowkey.format(c="c.source")})
    SELECT {_select("l", period="strftime(l.this_month, '%Y-%m')", value="NULL",
                    other_measure="l.measure", other_value="l.value",
                    other_source="l.source", variant="'message'")}
    FROM last l
    WHERE list_contains($periods::DATE[], l.this_month)
      AND l.this_month IN (SELECT period FROM months)
      AND NOT EXISTS (SELECT 1 FROM cur c WHERE c.area = l.area AND c.grp = l.grp
                      AND c.measure = l.measure AND c.period = l.this_month)
      AND NOT EXISTS (SELECT 1 FROM unread u WHERE u.area = l.area AND u.grp = l.grp
                      AND u.period = l.this_month)
    ORDER BY l.this_month, l.ingest_id, l.source"""
    return sql, {"skip": rule["skip_measures"]}


QUERIES = {"check_part_whole": part_whole, "check_done_vs_plan": done_vs_plan,
           "check_drop": drop, "check_spike": spike, "check_first_outlier": first_outlier,
           "check_conflict": conflict, "check_missing": missing}


def query(rule: Rule) -> tuple[str, dict]:
    """The SQL of ``rule`` and its parameters (without ``$domain`` and ``$periods``)."""
    return QUERIES[rule.id](rule)
