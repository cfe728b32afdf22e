"""File names made from data (area, team, chart names) that stay inside their folder.

Shared by the report run and the chart export, so that both treat a hostile name
(``../../etc/passwd``, ``<script>``) the same way and two different names never
share a file.

>>> safe_name("area_profile", "天悦社区")
'area_profile-天悦社区'
>>> safe_name("area_profile", "../../etc/passwd")
'area_profile-etc_passwd_3754d6cb'
>>> safe_name("area_profile", "etc/passwd")
'area_profile-etc_passwd_af896a5f'
"""

import hashlib
import re
import unicodedata

_UNSAFE = re.compile(r"[^\w\-]+")
KEEP = 40
"""Characters of a part kept before its hash when the part had to be changed or shortened."""


def safe_name(*parts: str) -> str:
    """A file stem from name parts: letters (incl. 汉字), digits, ``-``, ``_`` only.

    A part that had to be changed (or shortened) gets a short hash of its real text,
    so that two different names never share a file, and the name stays the same run
    after run (the skip of unchanged notebooks goes by it).

    >>> safe_name("托位 2023") == safe_name("托位 2023") != safe_name("托位_2023")
    True
    >>> safe_name("..").startswith("_")
    False
    """
    return "-".join(_safe_part(unicodedata.normalize("NFKC", str(p))) for p in parts)


def _safe_part(part: str) -> str:
    cleaned = _UNSAFE.sub("_", part).strip("_.") or "_"
    if cleaned == part and len(part) <= KEEP:
        return part
    digest = hashlib.sha256(part.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{cleaned[:KEEP].rstrip('_.')}_{digest}".lstrip("_.")
