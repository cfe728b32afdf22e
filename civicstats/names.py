"""Names an analyst types, resolved or refused with a clear message: domains and areas.

A domain is its id or a Chinese name (``vocab/domains.csv``: 合伙人/社区合伙人, 托位/托育,
志愿者/志愿); an area is a name the store holds as written, or any name or alias the reference
list knows (``天悦`` → 天悦社区, as the command line accepts it). Anything else raises
:class:`UnknownName` (a :class:`ValueError`) naming what is valid — never an empty frame that
looks like "no data".

>>> domain("托育"), domain("partners")
('childcare', 'partners')
>>> areas("天悦", held=[])
['天悦社区']
>>> from civicstats.messages import language
>>> try:
...     with language("en"):
...         domain("partner s")
... except UnknownName as err:
...     print(err.what)
unknown domain 'partner s'; the domains are partners (合伙人, 社区合伙人), childcare (托位, 托育), volunteers (志愿者, 志愿)
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from civicstats.errors import UsageError
from civicstats.messages import say

TABLE = Path(__file__).with_name("vocab") / "domains.csv"
SHOWN = 12  # areas listed in a message before "and N more"


class UnknownName(UsageError, ValueError):
    """A domain or area that fits nothing (exit 2 on the command line; a ValueError in Python)."""


@cache
def domain_names() -> dict[str, tuple[str, ...]]:
    """domain -> its names, the id first, from ``vocab/domains.csv``."""
    with TABLE.open(encoding="utf-8", newline="") as fh:
        return {row["domain"]: tuple(row["names"].split("|")) for row in csv.DictReader(fh)}


def domain(name: str) -> str:
    """The domain id of ``name`` (an id or a Chinese name, any case and spacing)."""
    text = str(name).strip().lower()
    for dom, names in domain_names().items():
        if text in (n.lower() for n in names):
            return dom
    listed = ", ".join(f"{d} ({', '.join(n for n in names if not n.isascii())})"
                       for d, names in domain_names().items())
    raise UnknownName("domain", say("unknown domain {name!r}; the domains are {listed}",
                                    name=str(name), listed=listed))


def domains(value) -> list[str] | None:
    """``None``, a name, or several names -> the domain ids (``None`` stays: every domain)."""
    if value is None:
        return None
    return [domain(v) for v in ([value] if isinstance(value, str) else value)]


def areas(value, held: Iterable[str]) -> list[str] | None:
    """Area names -> the names the store uses: kept when the store ``held`` them as written,
    else the reference list's canonical name; ``None`` stays (every area)."""
    if value is None:
        return None
    from civicstats import vocab

    held = set(held)
    out = []
    for name in [value] if isinstance(value, str) else value:
        text = str(name).strip()
        found = text if text in held else vocab.canonical_area(text)
        if found is None:
            shown = sorted(held)[:SHOWN]
            more = say(" and {n} more", n=len(held) - SHOWN) if len(held) > SHOWN else ""
            raise UnknownName("areas", say(
                "no area is called {name!r} in the store or in data/reference/areas.csv "
                "(the store holds: {listed}{more})", name=text,
                listed=", ".join(shown) or say("nothing yet"), more=more))
        out.append(found)
    return out
