"""What a run reads: the month's records and issues after ingesting what is new."""

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path

from civicstats import config
from civicstats.errors import UsageError
from civicstats.messages import _
from civicstats.store import file_sha256


@dataclass
class Inputs:
    records: object  # DataFrame
    issues: object  # DataFrame
    records_hash: str
    files: dict
    ingested: list


def _frame_hash(df) -> str:
    if df is None or len(df) == 0:
        return "empty"
    cols = [c for c in df.columns if c not in ("ingested_at", "file")]
    part = df[cols].astype(str)
    part = part.sort_values(cols, kind="stable")
    return hashlib.sha256(part.to_csv(index=False).encode()).hexdigest()


def gather_inputs(period: str, store=None, *, raw=None) -> Inputs:
    """Ingest what is new under ``raw`` (default data/raw; ``False``: do not ingest), then read
    the records up to the month and the month's open issues."""
    from civicstats import store as st

    ingested = gather_ingest(store, raw)
    raw = config.raw_dir() if raw is None else raw
    records = st.load(store=store)
    if len(records):
        import pandas as pd

        records = records[records["period"] <= pd.Period(period, freq="M")]
    issues = st.issues(period, store=store)
    files = _input_files(store, raw)
    digest = hashlib.sha256((_frame_hash(records) + _frame_hash(issues)).encode()).hexdigest()
    return Inputs(records, issues, digest, files, ingested)


def latest_period(store=None, *, raw=None) -> str:
    """The latest month in the store after ingesting ``raw`` (what ``--latest`` reports)."""
    from civicstats import store as st

    gather_ingest(store, raw)
    have = st.periods(store=store)
    if not have:
        raise UsageError("--latest", _("the store has no records yet"),
                         _("put the monthly workbooks in data/raw (or run civicstats ingest)"))
    return have[-1]


def gather_ingest(store=None, raw=None) -> list:
    """Ingest new files under ``raw`` (default data/raw; ``False``: nothing); unchanged cost a hash."""
    from civicstats import store as st

    raw = config.raw_dir() if raw is None else raw
    if raw is False:
        return []
    raw = Path(raw)
    if raw.is_dir() and st.files_in([raw]):
        return st.ingest([raw], store=store)
    return []


def _input_files(store, raw) -> dict:
    """Input file -> sha256: from the store's ingest log when it has hashes, else the raw files."""
    from civicstats import store as st

    with contextlib.suppress(Exception):
        log = st.ingests(store=store)
        if len(log) and {"path", "sha256"} <= set(log.columns):
            log = log[log["outcome"].isin(["ok", "rejected-cells"])] if "outcome" in log else log
            return {str(f): str(h) for f, h in zip(log["path"], log["sha256"], strict=True)}
    if raw is False or not Path(raw).is_dir():
        return {}
    raw = Path(raw)
    return {str(p.relative_to(raw)): file_sha256(p) for p in sorted(raw.rglob("*")) if p.is_file()}
