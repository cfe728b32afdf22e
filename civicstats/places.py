"""Area names as people type them -> the canonical name in ``data/reference/areas.csv``.

Resolved, not matched: whitespace (incl. U+3000, NBSP) removed, traditional
characters converted (OpenCC ``t2s``), a committee suffix (居民委员会, 居委会,
村民委员会, 村委会) turned back into 社区/村, a leading street name taken off,
the missing 社区/村 suffix tried, then the aliases applied. A name that fits
two places is ambiguous; one that fits none is unknown.

>>> [resolve_area(n).area for n in ("天悅社區", "湘湖社区居民委员会", "赭东村村民委员会",
...                                  "城厢街道湘湖社区", "南 阳 社 区", "育才东苑")]
['天悦社区', '湘湖社区', '赭东村', '湘湖社区', '南阳社区', '育才东苑社区']
>>> resolve_area("火星社区")
Resolved(area=None, candidates=())
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import NamedTuple

from civicstats import vocab

COMMITTEE = (
    ("社区居民委员会", "社区"), ("居民委员会", "社区"), ("社区居委会", "社区"), ("居委会", "社区"),
    ("村民委员会", "村"), ("村村委会", "村"), ("村委会", "村"), ("村委", "村"), ("社区居委", "社区"),
)
"""Committee suffixes and what they stand for: 湘湖社区居民委员会 is 湘湖社区."""
SUFFIXES = ("社区", "村", "街道", "镇")
"""Suffixes people leave off (育才东苑 for 育才东苑社区), tried in this order."""
_STREET_PREFIX = re.compile(r"^(.{2,6}?(街道|镇|乡))(?=.{2,})")


class Resolved(NamedTuple):
    """The canonical area (None when not exactly one fits) and every place that fits."""

    area: str | None
    candidates: tuple[str, ...]


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def simplify(text: str) -> str:
    """Traditional -> simplified characters (OpenCC), whitespace removed, full-width folded.

    >>> simplify("天悅社區　"), simplify("北干街道")
    ('天悦社区', '北干街道')
    """
    folded = vocab.normalize_text(text)
    return _converter().convert(folded) if any(ord(ch) > 0x3000 for ch in folded) else folded


@cache
def _streets() -> list[str]:
    """Street and district names and aliases, longest first (a prefix people write before a community)."""
    df = vocab.areas()
    names = set(df.loc[df.kind.isin(["street", "district"]), "area"])
    for row in df.loc[df.kind.isin(["street", "district"])].itertuples():
        names |= set(filter(None, row.aliases.split("|")))
    return sorted(names, key=len, reverse=True)


def _forms(name: str):
    """Spellings to look up, most literal first."""
    yield name
    for suffix, core in COMMITTEE:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            yield base if base.endswith(core) else base + core
            break
    for street in _streets():
        if name.startswith(street) and len(name) > len(street) + 1:
            yield from _forms(name[len(street):])
            break
    else:
        if m := _STREET_PREFIX.match(name):
            yield from _forms(name[m.end(1):])


@lru_cache(maxsize=65536)
def resolve_area(name) -> Resolved:
    """The canonical area a typed name stands for; see the module docstring."""
    if name is None:
        return Resolved(None, ())
    text = simplify(str(name))
    if not text:
        return Resolved(None, ())
    for form in _forms(text):
        if hit := vocab.canonical_area(form):
            return Resolved(hit, (hit,))
    for form in _forms(text):
        found = tuple(dict.fromkeys(h for s in SUFFIXES if not form.endswith(s)
                                    and (h := vocab.canonical_area(form + s))))
        if found:
            return Resolved(found[0] if len(found) == 1 else None, found)
    return Resolved(None, ())


def kept_as_written(name) -> str:
    """An unknown name as it is kept: as written, whitespace (incl. U+3000, NBSP) removed.

    >>> kept_as_written(" 宁围\u3000街道 ")
    '宁围街道'
    """
    return re.sub(r"\s+", "", str(name))
