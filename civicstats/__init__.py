"""civicstats: district civic statistics from messy workbooks to newsletter charts.

>>> import civicstats as cs
>>> cs.__version__
'0.1.0'
>>> sorted(cs.DOMAINS)
['childcare', 'partners', 'volunteers']

The public functions are imported lazily, so that ``civicstats --help`` and
``import civicstats`` stay fast and do not load DuckDB or matplotlib until used.
"""

from importlib import import_module

__version__ = "0.1.0"

DOMAINS = ("partners", "childcare", "volunteers")

# public name -> module that defines it
_LAZY = {
    "clean": "civicstats.clean",
    "load": "civicstats.store",
    "history": "civicstats.store",
    "ingest": "civicstats.store",
    "store": "civicstats.store",  # cs.store.issues/status/periods/export
    "run_reports": "civicstats.report",
    "charts": "civicstats.charts",
    "published": "civicstats.vocab",
    "areas": "civicstats.vocab",
}

__all__ = ["DOMAINS", "__version__", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        module = import_module(_LAZY[name])
        value = module if module.__name__.endswith("." + name) else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'civicstats' has no attribute {name!r}")
