"""A headless browser for printing report pages: the system's Chromium, driven by Playwright.

Playwright's own browser download needs the network, so the browser is the one the
machine has (Debian's ``chromium``). When either is missing, :func:`browser` raises
:class:`NoBrowser` with one sentence saying what is missing: the report run writes that
sentence on the index instead of the PDFs, and the browser tests skip with it.

>>> find_chromium(names=("no-such-browser-here",)) is None
True
>>> str(NoBrowser("x"))
'x'
"""

import contextlib
import shutil

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""Executables tried in turn: Debian's name first, then other distributions' names."""

LAUNCH_ARGS = ("--no-sandbox", "--disable-dev-shm-usage", "--font-render-hinting=none")
"""Why: as root (cron, CI) Chromium refuses its sandbox; /dev/shm is tiny in containers;
unhinted fonts give the same glyph widths on screen and on paper."""


class NoBrowser(RuntimeError):
    """No browser could be started; the message says why, in the reader's language."""


def find_chromium(names=CHROMIUM_NAMES) -> str | None:
    """The path of the first Chromium on PATH, or ``None``."""
    return next((path for path in map(shutil.which, names) if path), None)


@contextlib.contextmanager
def browser():
    """A running headless Chromium (a Playwright ``Browser``), closed afterwards.

    Raises :class:`NoBrowser` when Playwright or Chromium is missing or does not start.
    """
    from civicstats.messages import say

    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise NoBrowser(say("the Python package playwright is not installed")) from None
    path = find_chromium()
    if path is None:
        raise NoBrowser(say("no Chromium browser was found on this computer")) from None
    with sync_playwright() as pw:
        try:
            engine = pw.chromium.launch(executable_path=path, args=list(LAUNCH_ARGS))
        except Error as exc:
            first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
            raise NoBrowser(say("Chromium did not start ({why})", why=first)) from None
        try:
            yield engine
        finally:
            engine.close()
