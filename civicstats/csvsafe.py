"""CSV files for spreadsheet users: UTF-8 with a BOM, and no cell that a spreadsheet would run as a formula.

The BOM (``EF BB BF``) is how Excel tells UTF-8 from the machine's code page: without
it, Excel on a Chinese Windows opens the file as GBK and shows ``10鏈�`` for ``10月``.
Read such a file back with ``encoding="utf-8-sig"`` (pandas and the cleaner do).

A text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is
run as a formula by Excel and LibreOffice (CSV injection, OWASP). Such cells get
a leading apostrophe, which spreadsheets show as plain text. Numbers are left
alone, so ``-3`` stays a number.

>>> import pandas as pd
>>> neutralise(pd.DataFrame({"area": ["=HYPERLINK(\\"http://x\\")", "天悦社区"], "value": [-1.0, 2.0]}))
                    area  value
0  '=HYPERLINK("http://x")   -1.0
1                   天悦社区    2.0
"""

import os

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ENCODING = "utf-8-sig"
"""UTF-8 with a BOM when writing; when reading, the BOM is taken off if there is one."""


def neutralise_text(text: str) -> str:
    """One text cell made inert for spreadsheets.

    >>> neutralise_text("@SUM(A1)"), neutralise_text("天悦社区")
    ("'@SUM(A1)", '天悦社区')
    """
    return "'" + text if isinstance(text, str) and text.startswith(FORMULA_STARTS) else text


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text columns are safe to open in a spreadsheet."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_text, na_action="ignore")
    return out


def write_csv(df: pd.DataFrame, path: str | os.PathLike, *, safe: bool = True) -> None:
    """Write ``df`` as UTF-8 CSV with a BOM, without index; text cells neutralised unless ``safe=False``.

    The file is written beside its target and renamed into place, so a reader
    never sees half a file.

    >>> import codecs, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> write_csv(pd.DataFrame({"月份": ["2023-09"]}), p)
    >>> p.read_bytes().startswith(codecs.BOM_UTF8), pd.read_csv(p, encoding=ENCODING).columns.tolist()
    (True, ['月份'])
    """
    path = os.fspath(path)
    tmp = f"{path}.tmp-{os.getpid()}"
    (neutralise(df) if safe else df).to_csv(tmp, index=False, encoding=ENCODING, lineterminator="\n")
    os.replace(tmp, path)
