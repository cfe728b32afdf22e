"""The vocabulary as data: headers -> measures, headers -> context fields, aliases -> areas.

The mappings live in CSV files (``civicstats/vocab/*.csv`` and
``data/reference/areas.csv``) so that a new header variant or area alias is a
one-line change there, not a code change.

>>> header_to_measure("其中:普惠托位") is None   # "其中" columns are resolved by position
True
>>> header_to_measure(" 居民合伙人 ")
('partners', 'resident_partners')
>>> header_to_context("社区名称")
('area', 2)
>>> canonical_area("北干街道天悦社区")
'天悦社区'
>>> canonical_area("　天悦社区 ")
'天悦社区'
>>> canonical_area("火星社区") is None
True
"""

import re
import unicodedata
from functools import cache
from pathlib import Path

import pandas as pd

from civicstats import config

_SPACE = re.compile(r"\s+")
VOCAB_DIR = Path(__file__).with_name("vocab")
"""The folder of vocabulary CSVs shipped inside the package."""


def normalize_text(text) -> str:
    """NFKC-fold (full-width -> ASCII, keeps 汉字) and drop all whitespace incl. U+3000 and NBSP.

    >>> normalize_text("　北干 街道\\u00a0")
    '北干街道'
    >>> normalize_text("服务时长（小时）")
    '服务时长(小时)'
    """
    if text is None:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text)))


def _vocab_csv(name: str) -> pd.DataFrame:
    # utf-8-sig: a file saved again from Excel as "CSV UTF-8" starts with a BOM
    return pd.read_csv(VOCAB_DIR / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@cache
def measures() -> pd.DataFrame:
    """One row per measure: domain, measure, unit, label, headers (``|``-separated variants)."""
    return _vocab_csv("measures.csv")


@cache
def _measure_headers() -> dict[str, tuple[str, str]]:
    out = {}
    for row in measures().itertuples():
        for header in row.headers.split("|"):
            out[normalize_text(header)] = (row.domain, row.measure)
    return out


@cache
def _context_headers() -> dict[str, tuple[str, int]]:
    out = {}
    for row in _vocab_csv("context.csv").itertuples():
        for header in row.headers.split("|"):
            out[normalize_text(header)] = (row.field, int(row.rank))
    return out


@cache
def inclusive_parts() -> dict[str, str]:
    """Measure of a "其中：普惠" column, keyed by the measure of the column it is part of.

    >>> inclusive_parts()["slots_added"]
    'inclusive_slots_added'
    """
    df = _vocab_csv("inclusive.csv")
    return dict(zip(df.parent, df.measure, strict=True))


def header_to_measure(header) -> tuple[str, str] | None:
    """(domain, measure) for a header text, or None when it is not in the vocabulary."""
    return _measure_headers().get(normalize_text(header))


def header_to_context(header) -> tuple[str, int] | None:
    """(field, rank) for a context header (area/group/period), or None.

    A higher rank wins when two columns fill the same field: a community column
    (rank 2) is the area even when a street column (rank 1) is present.
    """
    return _context_headers().get(normalize_text(header))


def label(measure: str) -> str:
    """The Chinese label of a measure id (the id itself when unknown).

    >>> label("resident_partners")
    '居民合伙人'
    """
    df = measures()
    hit = df.loc[df.measure == measure, "label"]
    return hit.iat[0] if len(hit) else measure


def domain_measures(domain: str) -> list[str]:
    """The measure ids of one domain, in vocabulary order.

    >>> domain_measures("childcare")[:2]
    ['slots_target', 'inclusive_slots_target']
    """
    df = measures()
    return df.loc[df.domain == domain, "measure"].tolist()


@cache
def areas() -> pd.DataFrame:
    """The reference areas: area, kind, parent, aliases, note.

    >>> areas().set_index("area").loc["天悦社区", "kind"]
    'community'
    """
    path = config.reference_dir() / "areas.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@cache
def _area_aliases() -> dict[str, str]:
    out = {}
    for row in areas().itertuples():
        out[normalize_text(row.area)] = row.area
        for alias in filter(None, row.aliases.split("|")):
            out[normalize_text(alias)] = row.area
    return out


def canonical_area(name) -> str | None:
    """The canonical name of a known area (whitespace and aliases folded), or None."""
    return _area_aliases().get(normalize_text(name))


def find_area_in(text) -> str | None:
    """The first known area (canonical name) mentioned inside a title or sheet name.

    Longer names win, so "北干街道天悦社区2023年9月" gives the community, not the street.

    >>> find_area_in("北干街道天悦社区2023年9月合伙人统计")
    '天悦社区'
    >>> find_area_in("Sheet1") is None
    True
    """
    folded = normalize_text(text)
    for alias in sorted(_area_aliases(), key=len, reverse=True):
        if len(alias) >= 2 and alias in folded:
            return _area_aliases()[alias]
    return None


def published() -> pd.DataFrame:
    """The figures the seed article states, as tidy records with a citation.

    >>> pub = published()
    >>> pub.query("area == '天悦社区' and period == '2023-09'").set_index("measure").value.to_dict()
    {'resident_partners': 20.0, 'group_partners': 35.0}
    """
    path = config.data_dir() / "published" / "seed_figures.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df["value"] = df["value"].astype(float)
    return df
