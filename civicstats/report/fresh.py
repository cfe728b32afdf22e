"""Inside a report kernel: a fresh namespace for each notebook, keeping what was imported.

A kernel runs several notebooks one after another (kernel start-up and imports cost
more than most notebooks' own cells). Before each notebook after the first,
:func:`namespace` gives it what a new kernel would:

- **reset**: every name a notebook defined (variables, functions, imports into the
  namespace), IPython's ``In``/``Out`` history, open matplotlib figures, changed
  matplotlib ``rcParams`` and pandas options, the working folder, environment variables,
  the message language, and the records loaded through :func:`civicstats.store.load`'s
  per-kernel cache when the store file changed;
- **kept** (what can leak): modules stay imported, so state a notebook puts *inside an
  imported module* (monkey-patching ``pd.DataFrame``, a module-level cache it fills by
  hand) is seen by the next notebook; so are files it writes and threads it leaves running.
  The bundled notebooks do none of these; a test checks that globals do not leak.

This module is imported by the kernel at start-up (see ``kernels.write_kernelspec``).
"""

import os

_state: dict = {}


def remember() -> None:
    """Note the kernel's state after its warm-up imports: what every notebook starts from."""
    _state["cwd"] = os.getcwd()
    _state["env"] = dict(os.environ)
    try:
        import matplotlib

        _state["rc"] = dict(matplotlib.rcParams)
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        pass


def namespace() -> None:
    """Give the next notebook a fresh namespace (see the module docstring for what is kept)."""
    import warnings

    from IPython import get_ipython

    ip = get_ipython()
    if ip is not None:
        ip.reset(new_session=False)
    os.chdir(_state.get("cwd", os.getcwd()))
    if "env" in _state:
        os.environ.clear()
        os.environ.update(_state["env"])
    import matplotlib
    import matplotlib.pyplot as plt

    plt.close("all")
    if "rc" in _state:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            matplotlib.rcParams.update(_state["rc"])
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pd.reset_option("all")
    from civicstats import messages

    messages.set_language(None)
