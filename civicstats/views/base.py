"""The shared ground of the views: the example records, months, levels, labels, shares.

>>> sorted(top_level(example_records()).query("measure == 'slots_added'").area)
['萧山区']
"""

import pandas as pd

__all__ = [
    "example_records", "_period", "_parents", "_ancestors", "top_level", "_labels",
    "_in_vocab_order", "completion_rate", "percent",
]


def example_records() -> pd.DataFrame:
    """A tiny records frame in the store's shape, for examples and tests.

    >>> example_records().columns.tolist()[:7]
    ['area', 'group', 'period', 'measure', 'value', 'qualifier', 'source']
    """
    rows = [
        # area, group, period, domain, measure, value, qualifier
        ("天悦社区", "", "2023-08", "partners", "resident_partners", 18, "exact"),
        ("天悦社区", "", "2023-09", "partners", "resident_partners", 20, "exact"),
        ("天悦社区", "", "2023-09", "partners", "group_partners", 35, "exact"),
        ("工人路社区", "", "2023-08", "partners", "group_partners", 10, "at_least"),
        ("工人路社区", "", "2023-09", "partners", "group_partners", 10, "at_least"),
        ("萧山区", "", "2023-09", "childcare", "slots_target", 600, "exact"),
        ("萧山区", "", "2023-09", "childcare", "inclusive_slots_target", 360, "exact"),
        ("萧山区", "", "2023-09", "childcare", "slots_added", 923, "exact"),
        ("萧山区", "", "2023-09", "childcare", "inclusive_slots_added", 568, "exact"),
        ("北干街道", "", "2023-09", "childcare", "slots_added", 200, "exact"),
        ("北干街道", "", "2023-09", "childcare", "slots_target", 150, "exact"),
        ("新街街道", "讲师团", "2023-09", "volunteers", "volunteers", 39, "exact"),
    ]
    df = pd.DataFrame(rows, columns=["area", "group", "period", "domain", "measure", "value",
                                     "qualifier"])
    df["period"] = pd.PeriodIndex(df["period"], freq="M")
    df["value"] = df["value"].astype("float64")
    df["source"] = "example.csv#example!A1"
    return df[["area", "group", "period", "measure", "value", "qualifier", "source", "domain"]]


def _period(period) -> pd.Period:
    return pd.Period(str(period), freq="M")


def _parents() -> dict[str, str]:
    from civicstats import vocab

    areas = vocab.areas()
    return {a: p for a, p in zip(areas.area, areas.parent, strict=True) if p}


def _ancestors(area: str, parents: dict[str, str]) -> set[str]:
    out, seen = set(), area
    while seen in parents and seen not in out:
        seen = parents[seen]
        out.add(seen)
    return out


def top_level(records: pd.DataFrame) -> pd.DataFrame:
    """Only the records whose area has no ancestor reporting the same measure.

    A district figure already includes its streets, and a street its
    communities: summing all of them would count twice.

    >>> r = top_level(example_records())
    >>> sorted(r.loc[r.measure == "slots_added", "area"])
    ['萧山区']
    """
    if records.empty:
        return records
    parents = _parents()
    keep = []
    # by position: an index with repeated labels (frames put together) keeps each row once
    numbered = records.reset_index(drop=True)
    for _key, part in numbered.groupby(["period", "measure"], observed=True, sort=False):
        present = set(part.area)
        for pos, area in zip(part.index, part.area, strict=True):
            if not (_ancestors(area, parents) & present):
                keep.append(pos)
    return records.iloc[sorted(keep)]


def _labels() -> dict[str, str]:
    from civicstats import vocab

    m = vocab.measures()
    return dict(zip(m.measure, m.label, strict=True))


def _in_vocab_order(df: pd.DataFrame) -> pd.DataFrame:
    from civicstats import vocab

    order = {m: i for i, m in enumerate(vocab.measures().measure)}
    key = df.measure.astype(str).map(order).fillna(len(order))
    return df.assign(_k=key).sort_values(["_k"], kind="stable").drop(columns="_k").reset_index(
        drop=True)


def completion_rate(done, target) -> float:
    """Done as a share of the target (0.0-…); NaN without a target.

    >>> completion_rate(923, 600)
    1.5383333333333333
    >>> completion_rate(5, 0)
    nan
    """
    if target is None or pd.isna(target) or target == 0 or done is None or pd.isna(done):
        return float("nan")
    return float(done) / float(target)


def percent(share) -> str:
    """A share as a percentage text.

    >>> percent(0.6153), percent(float("nan"))
    ('61.5%', '—')
    """
    return "—" if share is None or pd.isna(share) else f"{share * 100:.1f}%"
