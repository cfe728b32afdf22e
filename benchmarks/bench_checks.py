"""Benchmark the plausibility checks: a province-sized store, `civicstats check` vs plain pandas.

    .venv/bin/python benchmarks/bench_checks.py [--quick]

Builds a synthetic store of 3,000 areas x 13 measures x 24 months (936,000 current records;
300 areas with --quick) straight in SQL, with planted problems of every kind (a part above
its whole, done far above plan, falls, jumps, first reports far above their peers, a second
file with other values, areas missing a month), then times:

1. the full ``civicstats check`` (``checks.check_store``: every rule as DuckDB SQL, messages,
   issues opened in the store) on the first run, and again (everything kept: the no-change
   re-run an ingest does); target under 2 s;
2. the same checks written plainly in pandas over the same records read into a DataFrame
   (``pandas_findings``), in the same run, and asserts that both find exactly the same cells.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_store import best_of  # noqa: E402 - (wall, cpu) of the fastest run, as bench_store

from civicstats import checks, vocab  # noqa: E402
from civicstats import store as st  # noqa: E402
from civicstats.checks.run import _dates, _domains  # noqa: E402
from civicstats.checks.sql import finish, months, query  # noqa: E402

OUT = HERE / "out"
KEY = ["area", "grp", "measure"]
COMPARED = ["rule", "period", "source", "other_source", "variant"]


# -- the synthetic store ---------------------------------------------------------------------


def synthetic_store(path: Path, areas: int = 3000, months: int = 24) -> int:
    """Every measure for ``areas`` areas over ``months`` months from 2022-01; returns records.

    Streets of 100 areas send one file per domain and month. Values grow slowly with a
    deterministic wobble of +-10 %; year-to-date childcare counts restart each January.
    Planted problems (by area number): a % 83 = 7 part above whole in month 6; a % 79 = 11
    done 4x plan in month 8; a % 89 = 3 resident partners fall 90 % in month 12; a % 97 = 5
    people served x50 in month 10; a % 67 = 17 start in month 5 with group partners x30;
    a % 71 = 13 send nothing in month 15; a % 61 = 19 resident partners resent +5 by a
    second file in month 20.
    """
    for p in (path, Path(f"{path}.wal")):
        p.unlink(missing_ok=True)
    con = st._writer(path)
    m = vocab.measures()[["domain", "measure"]].reset_index(drop=True)
    con.register("m_df", m.assign(i=m.index))
    con.execute(f"""
        CREATE TEMP TABLE grid AS
        SELECT a, k, m_df.i AS mi, m_df.domain, m_df.measure,
               (DATE '2022-01-01' + to_months(k))::DATE AS period, month(DATE '2022-01-01' + to_months(k)) AS mon,
               10 + hash(a, m_df.measure) % 200 AS base,
               1 + ((hash(a, k, m_df.measure) % 21)::DOUBLE - 10) / 100 AS wobble
        FROM range({areas}) t(a), range({months}) u(k), m_df
        WHERE NOT (a % 71 = 13 AND k = 15) AND NOT (a % 67 = 17 AND k < 5)""")
    con.execute("""
        CREATE TEMP TABLE synth AS
        SELECT *, CASE
            WHEN measure = 'slots_target' THEN target
            WHEN measure = 'inclusive_slots_target' THEN round(target * 0.6)
            WHEN measure = 'slots_added' THEN done
            WHEN measure = 'inclusive_slots_added' THEN
                 CASE WHEN a % 83 = 7 AND k = 6 THEN done + 20 ELSE round(done * 0.6) END
            WHEN measure = 'resident_partners' AND a % 89 = 3 AND k = 12 THEN round(plain * 0.1)
            WHEN measure = 'people_served' AND a % 97 = 5 AND k = 10 THEN round(plain * 50) + 100
            WHEN measure = 'group_partners' AND a % 67 = 17 AND k = 5 THEN round(plain * 30) + 100
            ELSE plain END AS value
        FROM (SELECT *, round(base * (1 + 0.02 * k) * wobble) AS plain,
                     100 + hash(a, 'target') % 100 AS target,
                     CASE WHEN a % 79 = 11 AND k = 8 THEN (100 + hash(a, 'target') % 100) * 4
                          ELSE round((100 + hash(a, 'target') % 100) * 0.08 * mon) END AS done
              FROM grid)""")
    con.execute("""
        INSERT INTO records (domain, area, "group", period, measure, value, qualifier, source, file, sha256, ingest_id, ingested_at, superseded_at, superseded_by, superseded_by_ingest)
        SELECT domain, '第' || a || '社区', '', period, measure, value, 'exact',
               domain || '_' || strftime(period, '%Y-%m') || '_第' || (a // 100) || '街道.xlsx#Sheet1!'
                   || chr((66 + mi)::INT) || (a % 100 + 3),
               'data/raw/' || domain || '_' || strftime(period, '%Y-%m') || '_第' || (a // 100) || '街道.xlsx',
               'sha-' || domain || k || '-' || (a // 100), k * 1000 + a // 100,
               TIMESTAMP '2024-01-01 08:00:00' + to_days(k), NULL, NULL, NULL
        FROM synth""")
    # the second file: resident partners of a % 61 = 19 in month 20, other values, superseding
    con.execute("""
        CREATE TEMP TABLE resent AS SELECT * FROM records
        WHERE measure = 'resident_partners' AND period = DATE '2022-01-01' + to_months(20)
          AND regexp_extract(area, '[0-9]+')::INT % 61 = 19""")
    con.execute("""
        UPDATE records SET superseded_at = TIMESTAMP '2024-06-01 08:00:00',
               superseded_by = 'data/raw/partners_2023-09_补充.xlsx', superseded_by_ingest = 999999
        WHERE rowid IN (SELECT r.rowid FROM records r JOIN resent USING (area, period, measure))""")
    con.execute("""
        INSERT INTO records (domain, area, "group", period, measure, value, qualifier, source, file, sha256, ingest_id, ingested_at, superseded_at, superseded_by, superseded_by_ingest)
        SELECT domain, area, "group", period, measure, value + 5, qualifier,
               'partners_2023-09_补充.xlsx#Sheet1!B' || row_number() OVER (ORDER BY area),
               'data/raw/partners_2023-09_补充.xlsx', 'sha-resent', 999999,
               TIMESTAMP '2024-06-01 08:00:00', NULL, NULL, NULL FROM resent""")
    n = con.execute("SELECT count(*) FROM records WHERE superseded_at IS NULL").fetchall()[0][0]
    con.close()
    return n


# -- the checks in SQL (civicstats) and plainly in pandas --------------------------------------


def sql_findings(con) -> pd.DataFrame:
    """What civicstats's SQL finds, every rule, every domain and month (without messages)."""
    frames, domains = [], _domains(con)
    scope = {"domains": domains, "months": months(_dates(con, domains, None))}
    for rule in [r for r in checks.load_rules() if r.enabled]:
        sql, params = query(rule)
        frames.append(finish(con, con.execute(sql, {**params, **scope}).df()).assign(rule=rule.id))
    return _normal(pd.concat(frames, ignore_index=True))


def current_records(con) -> pd.DataFrame:
    """Every record, current and superseded, as a plain DataFrame (the pandas input)."""
    return con.sql("""SELECT domain, area, "group" AS grp, period, measure, value, source, file,
                             ingest_id, superseded_at IS NULL AS current, superseded_by
                      FROM records""").df()


def pandas_findings(records: pd.DataFrame) -> pd.DataFrame:
    """The same checks written plainly in pandas (the store holds no cleaner issues here)."""
    rules = checks.rules.by_id(checks.load_rules())
    cur = records[records.current].copy()
    cur["period"] = pd.to_datetime(cur["period"]).dt.to_period("M")
    out = [_pd_pairs(cur, [(p, w) for w, p in vocab.inclusive_parts().items()], 1.0,
                     "check_part_whole"),
           _pd_pairs(cur, [tuple(p) for p in rules["check_done_vs_plan"]["pairs"]],
                     rules["check_done_vs_plan"]["factor"], "check_done_vs_plan"),
           _pd_drop(cur, rules["check_drop"]), *_pd_history(cur, rules),
           _pd_conflict(records, rules["check_conflict"]), _pd_missing(cur, rules["check_missing"])]
    return _normal(pd.concat(out, ignore_index=True))


def _pd_pairs(cur, pairs, factor, rule_id):
    frames = []
    for first, second in pairs:
        a = cur[cur.measure == first]
        b = cur[cur.measure == second][["domain", *KEY[:2], "period", "value", "source"]]
        j = a.merge(b, on=["domain", *KEY[:2], "period"], suffixes=("", "_w"))
        cond = (j.value > j.value_w) if rule_id == "check_part_whole" else (
            (j.value_w > 0) & (j.value > factor * j.value_w))
        hit = j[cond]
        frames.append(hit.assign(other_source=hit.source_w, variant="message", rule=rule_id))
    return pd.concat(frames)


def _by_key(cur):
    cur = cur.sort_values(["domain", *KEY, "period"], kind="stable")
    return cur, cur.groupby(["domain", *KEY], sort=False)


def _pd_drop(cur, rule):
    d, g = _by_key(cur[cur.measure.isin(rule["measures"])])
    d = d.assign(prev_value=g.value.shift(), prev_source=g.source.shift(),
                 prev_period=g.period.shift())
    hit = ((d.prev_period == d.period - 1) & (d.prev_value >= rule["min_previous"])
           & (d.value < d.prev_value * (1 - rule["share"]))
           & ~(d.measure.isin(rule["yearly"]) & (d.period.dt.month == 1)))
    return d[hit].assign(other_source=lambda x: x.prev_source, variant="message",
                         rule="check_drop")


def _pd_history(cur, rules):
    spike, first = rules["check_spike"], rules["check_first_outlier"]
    d, g = _by_key(cur)
    shifted = g.value.shift()
    d = d.assign(prev_value=shifted, prev_source=g.source.shift(),
                 median=shifted.groupby([d[c] for c in ["domain", *KEY]], sort=False)
                 .rolling(spike["months"], min_periods=1).median().reset_index(level=list(range(4)), drop=True),
                 months=g.cumcount().clip(upper=spike["months"]))
    d = d.assign(peers=d.groupby(["domain", "measure", "period"]).value.transform("size") - 1,
                 peer_median=_peer_median(d))
    long = (d.months >= spike["min_months"]) & (d.value > spike["factor"] * d["median"])
    short = ((d.months >= 1) & (d.months < spike["min_months"])
             & (d.value > spike["factor"] * d.prev_value) & (d.peers >= spike["min_peers"])
             & (d.value > spike["factor"] * d.peer_median))
    s = d[(d.value >= spike["min_value"]) & (long | short)]
    s = s.assign(other_source=s.prev_source, rule="check_spike",
                 variant=["message" if m >= spike["min_months"] else "message_few_months"
                          for m in s.months])
    f = d[(d.period == g.period.transform("min")) & (d.peers >= first["min_peers"]) & (d.peer_median > 0)
          & (d.value > first["factor"] * d.peer_median)]
    return [s, f.assign(other_source=None, variant="message", rule="check_first_outlier")]


def _peer_median(d):
    """Median of the other values of the same measure and month: sorted within each group,
    the others' median is one of three order statistics around the middle (numpy, no loop)."""
    order = d.sort_values(["domain", "measure", "period", "value"], kind="stable")
    grp = order.groupby(["domain", "measure", "period"], sort=False)
    pos = grp.cumcount().to_numpy() + 1  # 1-based position of the value in its group
    peers = grp.value.transform("size").to_numpy() - 1
    start = np.arange(len(order)) - pos + 1  # row of the group's first value
    vals = order.value.to_numpy()

    def other(k):  # the k-th (1-based) of the others: skip the value itself
        idx = start + np.where(k < pos, k, k + 1) - 1
        return vals[np.clip(idx, 0, len(vals) - 1)]

    a = peers // 2
    med = np.where(peers % 2 == 1, other(a + 1), (other(a) + other(a + 1)) / 2)
    return pd.Series(np.where(peers > 0, med, np.nan), index=order.index).reindex(d.index)


def _pd_conflict(records, rule):
    r = records.assign(name=records.file.str.rsplit("/", n=1).str[-1])
    j = r[r.current].merge(r, on=["domain", "area", "grp", "period", "measure"], suffixes=("", "_o"))
    words = [w.lower() for w in rule["correction_words"]]
    hit = ((j.name_o != j.name) & ((j.value_o - j.value).abs() > 1e-9)
           & ((j.current_o & (j.ingest_id_o < j.ingest_id)) | (j.superseded_by_o == j.file))
           & ~j.name.str.lower().apply(lambda n: any(w in n for w in words)))
    j = j[hit].sort_values("ingest_id_o", ascending=False).drop_duplicates(["source", "file"])
    j["period"] = pd.to_datetime(j["period"]).dt.to_period("M")
    return j.assign(other_source=j.source_o, variant="message", rule="check_conflict")


def _pd_missing(cur, rule):
    months = pd.MultiIndex.from_frame(cur[["domain", "period"]].drop_duplicates())
    last = cur[~cur.measure.isin(rule["skip_measures"])].assign(this=lambda x: x.period + 1)
    have = cur.set_index(["domain", *KEY, "period"]).index
    gone = ~pd.MultiIndex.from_frame(last[["domain", *KEY, "this"]]).isin(have)
    m = last[gone & pd.MultiIndex.from_frame(last[["domain", "this"]]).isin(months)]
    return m.assign(period=m.this, other_source=m.source, variant="message", rule="check_missing")


def _normal(df: pd.DataFrame) -> pd.DataFrame:
    """Findings as comparable rows: rule, month, cell, compared cell, message variant."""
    df = df.assign(period=df.period.astype(str).str[:7]).reindex(columns=COMPARED)
    for col in COMPARED:
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df.sort_values(COMPARED[:4], na_position="first").reset_index(drop=True)


# -- the benchmark ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 areas instead of 3,000")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    areas = 300 if args.quick else 3000
    path = OUT / "bench_checks.duckdb"
    t0 = time.perf_counter()
    n = synthetic_store(path, areas=areas)
    print(f"synthetic store   {areas:,} areas x 13 measures x 24 months = {n:,} current records "
          f"({time.perf_counter() - t0:.1f} s to build)")
    t_first, c_first, first = best_of(lambda: checks.check_store(store=path), runs=1)
    t_again, c_again, again = best_of(lambda: checks.check_store(store=path))
    assert again.changes["opened"] == again.changes["closed"] == 0
    print(f"civicstats check  first run, {first.changes['opened']:,} issues opened: "
          f"{t_first:6.2f} s wall, {c_first:.2f} s CPU (target < 2 s)")
    print(f"civicstats check  re-run, all kept (what each ingest pays): {t_again:6.2f} s wall, "
          f"{c_again:.2f} s CPU (best of 3)")
    con = st._writer(path)
    try:
        t_sql, c_sql, sql = best_of(lambda: sql_findings(con))
        t_read, c_read, records = best_of(lambda: current_records(con), runs=1)
    finally:
        con.close()
    t_pd, c_pd, plain = best_of(lambda: pandas_findings(records), runs=1)
    pd.testing.assert_frame_equal(sql, plain)
    print(f"SQL findings only {len(sql):,} findings, every rule and month: {t_sql:6.2f} s wall, "
          f"{c_sql:.2f} s CPU")
    print(f"plain pandas      same {len(plain):,} findings: {t_read + t_pd:6.2f} s wall "
          f"({t_read:.2f} s reading the records, {t_pd:.2f} s checking), "
          f"{c_read + c_pd:.2f} s CPU = {(t_read + t_pd) / t_sql:.0f}x the SQL")
    print("by rule: " + ", ".join(f"{k} {v}" for k, v in sql.rule.value_counts().sort_index().items()))
    for p in OUT.glob("bench_checks.duckdb*"):
        p.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
