"""civicstats: district civic statistics from messy workbooks to newsletter charts.

>>> import civicstats as cs
>>> cs.__version__
'0.1.0'
>>> sorted(cs.DOMAINS)
['childcare', 'partners', 'volunteers']
>>> "load" in dir(cs) and "withdraw" in dir(cs)
True

The public functions are imported lazily, so that ``civicstats --help`` and
``import civicstats`` stay fast and do not load DuckDB or matplotlib until used.
``cs.clean`` and ``cs.withdraw`` are the functions even though modules of the same
name exist (``help(cs.clean)`` shows how to call it); ``cs.store`` and ``cs.charts`` are
the modules, for ``cs.store.issues(...)`` and ``cs.charts.bar(...)``.
"""

import sys
import types
from importlib import import_module

__version__ = "0.1.0"

DOMAINS = ("partners", "childcare", "volunteers")

# public name -> module that defines it (a name equal to its module's last part and not a
# function there, like store and charts, is the module itself)
_LAZY = {
    "clean": "civicstats.clean",
    "load": "civicstats.store",
    "history": "civicstats.store",
    "ingest": "civicstats.store",
    "withdraw": "civicstats.withdraw",
    "issues": "civicstats.store",
    "periods": "civicstats.store",
    "status": "civicstats.store",
    "store": "civicstats.store",  # cs.store.issues/status/periods/export
    "run_reports": "civicstats.report",
    "charts": "civicstats.charts",
    "published": "civicstats.vocab",
    "areas": "civicstats.vocab",
}

__all__ = ["DOMAINS", "__version__", *_LAZY]


def _public(name: str):
    module = import_module(_LAZY[name])
    value = getattr(module, name, module)
    return module if isinstance(value, types.ModuleType) else value


def __getattr__(name):
    if name in _LAZY:
        value = _public(name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'civicstats' has no attribute {name!r}")


def __dir__():
    """The public API, for ``dir(cs)`` and tab completion in JupyterLab."""
    return sorted(__all__)


class _Package(types.ModuleType):
    """Importing ``civicstats.clean`` makes Python bind the module as ``civicstats.clean``;
    for the names whose public value is a function that would hide it, so the binding is kept
    out (the module stays in ``sys.modules``, where ``from civicstats.clean import ...``
    finds it)."""

    def __setattr__(self, name, value):
        if isinstance(value, types.ModuleType) and name in _LAZY and not isinstance(
                _public(name), types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
