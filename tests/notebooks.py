"""Tiny report notebooks for tests: a tagged parameters cell and a few code cells."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

PARAMS = "period = None\nstore = ''\noutput_dir = 'charts'"
"""The parameters cell every report notebook carries (civicstats.params.COMMON)."""


def write_nb(path: Path, *cells, params_src: str = PARAMS, before: str = "") -> Path:
    """A notebook: optional code cell ``before``, the tagged parameters cell, then ``cells``
    (a str is a code cell; nbformat cells are taken as they are)."""
    body = [new_code_cell(before)] if before else []
    body.append(new_code_cell(params_src, metadata={"tags": ["parameters"]}))
    body += [new_code_cell(c) if isinstance(c, str) else c for c in cells]
    nb = new_notebook(cells=body)
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                 "display_name": "Python 3"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path
