"""``civicstats ingest --cluster``: files cleaned on Dask workers, loaded here by the one writer.

Cleaning is the costly part of an ingest and files are independent, so it fans out;
loading stays in this process, one transaction per file, in file order, through the
same code as a local ingest — so idempotence (unchanged content is not cleaned at all),
supersession, withdrawals and the checks are exactly the local ones. A worker gets each
file's bytes and its last path parts (the file name and two folders: what the cleaner
reads a domain and a month from), never the store.

>>> parts_of(Path("data/raw/childcare/childcare_2023-09.xlsx"))
('raw', 'childcare', 'childcare_2023-09.xlsx')
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from civicstats.errors import CivicstatsError


class CleanedElsewhere(CivicstatsError):
    """A file a worker could not clean: its message, as the local cleaner would have said it."""

    def __init__(self, text: str):
        Exception.__init__(self, text)
        self.where, self.what, self.todo = "", text, ""


def parts_of(path: Path) -> tuple[str, ...]:
    """The path parts the cleaner reads (file name, folder, folder above)."""
    return tuple(Path(path).parts[-3:])


def clean_on_worker(parts: tuple[str, ...], data: bytes, domain: str | None, lang: str):
    """Clean one file's bytes under the same last path parts; ("ok", result) or ("failed", text)."""
    from civicstats import messages
    from civicstats.clean import clean

    messages.set_language(lang)
    with tempfile.TemporaryDirectory(prefix="civicstats-clean-") as tmp:
        path = Path(tmp).joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        try:
            return "ok", clean(path, domain)
        except CivicstatsError as exc:
            return "failed", str(exc)
        except Exception as exc:  # noqa: BLE001 - reported like the local cleaner's unexpected errors
            return "unexpected", f"{type(exc).__name__}: {exc}"


class Prefetched:
    """Files submitted for cleaning on a cluster; :meth:`clean` waits for one file's result."""

    def __init__(self, client, files: dict[Path, bytes], domain: str | None):
        from civicstats import messages

        self._futures = {p: client.submit(clean_on_worker, parts_of(p), data, domain,
                                          messages.current(), pure=False)
                         for p, data in files.items()}

    def clean(self, path: Path, domain: str | None):
        """The cleaned result of ``path`` (cleaned here if it was not submitted)."""
        future = self._futures.pop(path, None)
        if future is None:
            from civicstats.clean import clean

            return clean(path, domain)
        status, value = future.result()
        if status == "ok":
            return value
        if status == "failed":
            raise CleanedElsewhere(value)
        raise RuntimeError(value)

    def cancel(self) -> None:
        for future in self._futures.values():
            future.cancel()
