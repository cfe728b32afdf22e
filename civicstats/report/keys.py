"""Skip keys: a notebook whose inputs did not change is not run again."""

import functools
import hashlib
import json
from pathlib import Path

from civicstats import __version__


def job_key(records_hash: str, notebook_hash: str, parameters: dict) -> str:
    """The skip key: same records, same notebook, same parameters, same civicstats -> same key.

    >>> job_key("r", "n", {"period": "2023-09"}) == job_key("r", "n", {"period": "2023-09"})
    True
    >>> job_key("r", "n", {"period": "2023-09"}) == job_key("r", "n", {"period": "2023-10"})
    False
    """
    text = json.dumps([records_hash, notebook_hash, parameters, __version__, code_fingerprint()],
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@functools.cache
def code_fingerprint() -> str:
    """A hash of the library's own code and vocabulary.

    Part of the skip key, because a development checkout changes what a notebook shows
    (views, charts, cleaning rules) without changing ``__version__``.

    >>> len(code_fingerprint())
    16
    """
    package = Path(__file__).resolve().parent.parent  # civicstats/, not civicstats/report/
    h = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".csv"} and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(package)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]
