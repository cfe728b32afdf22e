"""An executed notebook as the page a reader gets: no code, no traceback, no machine path.

The executed ``.ipynb`` beside the page keeps everything for the analyst; the page keeps
what a district leader reads: papermill's error banner and Python tracebacks become one
sentence saying which section failed and where the detail is, and the page says it is
Chinese (``lang="zh-CN"``) so that browsers and screen readers pick the right font and voice.

>>> import nbformat
>>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
>>> cell = new_code_cell("1/0", outputs=[new_output("error", ename="ZeroDivisionError",
...                      evalue="division by zero", traceback=["Traceback ...", "/srv/x.py"])])
>>> banner = new_markdown_cell("An Exception was encountered", metadata={"tags": ["papermill-error-cell-tag"]})
>>> shown = for_readers(new_notebook(cells=[banner, cell]))
>>> len(shown.cells), shown.cells[0].outputs[0]["output_type"]
(1, 'display_data')
>>> "Traceback" in str(shown), "/srv" in str(shown)
(False, False)
"""

from __future__ import annotations

import copy
import html
import re

from civicstats.messages import html_lang, say

BANNER_TAG = "papermill-error-cell-tag"
"""papermill marks the cells it inserts above a failing cell with this tag."""


def _failure_output(output) -> dict:
    from nbformat.v4 import new_output

    text = say("This section could not be made ({what}); the executed notebook beside this "
               "page has the details.", what=output.get("ename", ""))
    return new_output("display_data", data={
        "text/html": f'<p class="civicstats-failed">{html.escape(text)}</p>', "text/plain": text})


def for_readers(nb):
    """A copy of ``nb`` without papermill's error banners, each error output one sentence."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if BANNER_TAG not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        cell.outputs = [_failure_output(o) if o.get("output_type") == "error" else o
                        for o in cell.get("outputs", [])]
    return nb


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.S | re.I)


def without_scripts(page: str) -> str:
    """The page without its scripts: a report is read, not run, and nbconvert's template
    would load require.js, MathJax and mermaid from a CDN that an office reader (or a
    machine without network) cannot reach, with console errors as the result.

    >>> without_scripts('<head><script src="https://cdn/x.js"> </script></head><p>本月</p>')
    '<head></head><p>本月</p>'
    """
    return _SCRIPT.sub("", page)


FONT_FOLDER = "fonts"
"""Where a month's report keeps the bundled font, so that its pages read anywhere."""

FONT_FACES = ('@font-face { font-family: "CivicSans SC"; font-weight: 400; '
              'src: url("fonts/CivicSans-SC.ttf") format("truetype"); }\n'
              '@font-face { font-family: "CivicSans SC"; font-weight: 700; '
              'src: url("fonts/CivicSans-SC-Bold.ttf") format("truetype"); }')
"""The bundled font as a page in the report folder finds it (``fonts/``, see :func:`copy_font`)."""

_FONT_CSS = "<style>\n" + FONT_FACES + """
:root { --jp-ui-font-family: "CivicSans SC", sans-serif; --jp-content-font-family: "CivicSans SC", sans-serif; }
body, table, h1, h2, h3, h4, p, li, td, th { font-family: "CivicSans SC", sans-serif; }
</style>"""


def with_font(page: str) -> str:
    """The page drawn with the bundled CJK font from the report's ``fonts/`` folder: a reader's
    machine without a Chinese font (or with another one) shows every 汉字, as the charts do.

    >>> "fonts/CivicSans-SC.ttf" in with_font("<html><head></head><body>本月</body></html>")
    True
    """
    at = page.find("</head>")
    return page if at < 0 else page[:at] + _FONT_CSS + page[at:]


def copy_font(folder) -> None:
    """Put the bundled font files into ``folder/fonts`` (the pages' ``with_font`` links them):
    hard links where the disk allows (4 MB a run otherwise), copies else."""
    from pathlib import Path

    from civicstats import config
    from civicstats.report.folder import _link_or_copy

    dest = Path(folder) / FONT_FOLDER
    dest.mkdir(parents=True, exist_ok=True)
    for name in (*config.FONT_FILES, "OFL.txt"):
        if not (dest / name).exists():
            _link_or_copy(config.FONT_DIR / name, dest / name)


_HTML_LANG = re.compile(r"<html([^>]*?)\slang=\"[^\"]*\"")


def with_language(page: str) -> str:
    """The page's ``<html lang>`` set to the reader's language.

    >>> with_language('<html lang="en"><body>')
    '<html lang="zh-CN"><body>'
    """
    return _HTML_LANG.sub(lambda m: f'<html{m.group(1)} lang="{html_lang()}"', page, count=1)
