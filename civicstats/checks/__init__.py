"""Plausibility checks (审核): figures checked against each other and against their history.

The rules are data (``civicstats/vocab/checks.toml``, or the file $CIVICSTATS_CHECKS names):
part within whole, done vs plan, sudden fall, sudden jump, a first report far above its
peers, one figure with two values, a figure not reported this month. They run as DuckDB
SQL over the store (:mod:`~civicstats.checks.sql`) each time a file is loaded, for the
months it touched and the months after, and come out as issues in the store's ``issues``
table with rule ids starting ``check_``, ``source`` at the offending cell and a message
(:mod:`~civicstats.checks.wording`) naming what it was compared with. A check that no
longer holds is closed; one that still holds stays open as it was
(:mod:`~civicstats.checks.reconcile`).

Entry points: :func:`after_load` (ingest, inside a file's transaction), :func:`rerun`
(any caller holding a write connection: a withdrawal, a correction), :func:`check_store`
(``civicstats check``).

>>> [r.id for r in load_rules()][:2]
['check_part_whole', 'check_done_vs_plan']
"""

from civicstats.checks.rules import load_rules, rules_path
from civicstats.checks.run import CheckRun, after_load, check_store, rerun, rerun_from

__all__ = ["CheckRun", "after_load", "check_store", "load_rules", "rerun", "rerun_from", "rules_path"]
