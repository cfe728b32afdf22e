"""A Dask cluster to fan work out to: ``local:N`` worker processes here, or ``tcp://HOST:PORT``.

Used by ``civicstats report --cluster`` (notebooks on workers, :mod:`civicstats.report.cluster`)
and ``civicstats ingest --cluster`` (files cleaned on workers, loaded here through the one
writer, :mod:`civicstats.ingest_cluster`).

>>> parse("local:2"), parse("tcp://10.0.0.5:8786")
(('local', 2), ('tcp', 'tcp://10.0.0.5:8786'))
"""

from __future__ import annotations

import contextlib
import re

from civicstats.errors import UsageError
from civicstats.messages import _, say

_SPEC = re.compile(r"^(?:local:(?P<n>\d+)|(?P<addr>(?:tcp|tls)://[^\s]+:\d+))$")


def parse(spec: str) -> tuple[str, int | str]:
    """``local:N`` -> ("local", N); ``tcp://HOST:PORT`` -> ("tcp", address); else UsageError."""
    m = _SPEC.match(str(spec or "").strip())
    if not m or (m.group("n") is not None and int(m.group("n")) < 1):
        raise UsageError("--cluster", say("'{spec}' is not a cluster", spec=spec),
                         _("use local:N (N worker processes here) or tcp://HOST:8786 (a running "
                           "Dask scheduler)"))
    return ("local", int(m.group("n"))) if m.group("n") else ("tcp", m.group("addr"))


@contextlib.contextmanager
def connect(spec: str):
    """A Dask client for ``spec``; a local cluster lives as long as the ``with`` block."""
    kind, where = parse(spec)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError("--cluster", _("Dask distributed is not installed"),
                         _("pip install 'dask[distributed]'")) from None
    if kind == "local":
        # one thread per worker: a worker runs one notebook at a time on its warm kernel
        with LocalCluster(n_workers=where, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(where, timeout="20s")
    except OSError as exc:
        raise UsageError("--cluster", say("no Dask scheduler answers at {address} ({why})",
                                          address=where, why=exc),
                         _("start one (dask scheduler, dask-jobqueue, the Kubernetes operator) "
                           "or use local:N")) from None
    try:
        yield client
    finally:
        client.close()
