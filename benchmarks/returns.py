"""Monthly CSV returns as streets send them: one file per street and month, one row per community.

Shared by ``bench_store.py`` (200 small files of 60 communities) and ``bench_scale.py`` (a
province: 100 streets x 30 communities x 12 months). Names are partly known to
``data/reference/areas.csv`` and partly not, as in real returns (unknown ones are kept as
written, with an ``unknown_area`` warning each).
"""

from pathlib import Path

import pandas as pd

HEADER = ["社区", "居民合伙人", "团体合伙人", "合伙人项目"]


def community(street: int, i: int) -> str:
    """A community name no reference table knows: 第3街道第12社区 style, but unique."""
    return f"街{street}第{i}社区"


def rows(street: int, month: int, communities: int, known: list[str]) -> list[list]:
    """One row per community: the first street reuses the known names, the rest are new."""
    names = [*(known if street == 0 else []), *(community(street, i) for i in range(communities))]
    return [[name, 10 + (month + j) % 17, 20 + (month * j + street) % 13, (month + 2 * j) % 9]
            for j, name in enumerate(names[:communities])]


def write_returns(folder: Path, streets: int, months: int, communities: int,
                  known: list[str], start: str = "2022-01") -> list[Path]:
    """``streets`` x ``months`` partners CSVs (UTF-8, a title line, a header); written once.

    Returned in month order, then street, as a month's files arrive.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for period in pd.period_range(start, periods=months, freq="M"):
        for s in range(streets):
            path = folder / f"partners_{period}_第{s}街道.csv"
            paths.append(path)
            if path.exists():
                continue
            lines = [f"{period.year}年{period.month}月社区合伙人统计", ",".join(HEADER)]
            lines += [",".join(map(str, r)) for r in rows(s, period.month, communities, known)]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths
