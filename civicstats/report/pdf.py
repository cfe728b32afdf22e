"""The PDFs of a month: one per report page (``<name>.pdf``) and the whole month (``<period>.pdf``).

A real browser engine prints the HTML (see :mod:`civicstats.report.browser`), so the PDF
shows what the page shows. The month PDF is one document (title page, contents, each
report page on new paper) whose contents give the page each report starts on: that is
known from the per-page PDFs, printed with the same style sheet first.

When no browser can be started, nothing is printed and :class:`PdfOutcome` carries one
sentence saying so, for the index; the report itself never fails for a PDF.

>>> PdfOutcome([], "没有浏览器").made
False
"""

import contextlib
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from civicstats.coverage import month_words
from civicstats.messages import html_lang, say
from civicstats.report.browser import NoBrowser, browser
from civicstats.report.printable import month_document, print_css, printable

TIMEOUT_MS = 120_000
"""How long one page may take to load and print before the PDFs are given up."""

PDF_OPTIONS = {"prefer_css_page_size": True, "print_background": True, "tagged": True,
               "outline": True}
"""Paper size and margins come from print.css; tagged (accessible) PDFs with bookmarks."""


@dataclass
class PdfOutcome:
    """What the PDF step wrote (file names in the report folder), or why it wrote nothing."""

    files: list[str] = field(default_factory=list)
    problem: str = ""
    seconds: float = 0.0

    @property
    def made(self) -> bool:
        return bool(self.files) and not self.problem


def page_count(path: Path) -> int:
    """Pages of a PDF file."""
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def _print(engine, html_text: str, scratch: Path, out: Path) -> None:
    """Load ``html_text`` from a file (so its fonts load from files too) and print it to ``out``."""
    src = scratch / f"{out.stem}.html"
    src.write_text(html_text, encoding="utf-8")
    page = engine.new_page()
    try:
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(src.as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.emulate_media(media="print")
        page.pdf(path=str(out), **PDF_OPTIONS)
    finally:
        page.close()


def write_pdfs(folder: Path, pages: list, period: str, *, earlier: Path | None = None,
               lines: tuple[str, ...] = ()) -> PdfOutcome:
    """Print each page of ``pages`` (``(name, html file, rewritten?)``) in ``folder`` to
    ``<name>.pdf`` and the whole month to ``<period>.pdf``.

    A page that was not rewritten reuses its PDF from ``earlier`` (the report folder in
    place) when there is one. ``lines`` go on the title page under the month.
    """
    t0 = time.perf_counter()
    outcome = PdfOutcome()
    pages = [(n, h, new) for n, h, new in pages if h and (folder / h).is_file()]
    if not pages:
        return outcome
    css = print_css(say("page {page} of {pages}"))
    scratch = Path(tempfile.mkdtemp(prefix="civicstats-print-"))
    try:
        with browser() as engine:
            counts = []
            for name, html_file, rewritten in pages:
                out = folder / f"{name}.pdf"
                old = earlier / out.name if earlier else None
                if not rewritten and old is not None and old.is_file():
                    shutil.copy2(old, out)
                else:
                    _print(engine, printable((folder / html_file).read_text("utf-8"), css),
                           scratch, out)
                counts.append(page_count(out))
                outcome.files.append(out.name)
            _print_month(engine, folder, pages, counts, period, css, scratch, lines)
            outcome.files.append(f"{period}.pdf")
    except NoBrowser as exc:
        outcome.problem = say("The PDF could not be made: {why}.", why=str(exc))
    except OSError:
        raise  # a full disk is the report's failure, said by the run
    except Exception as exc:  # noqa: BLE001 - a PDF never fails the report: say it on the index
        why = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        outcome.problem = say("The PDF could not be made: {why}.", why=why)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if outcome.problem:  # never half a set: either every PDF or none
        for name in outcome.files:
            with contextlib.suppress(OSError):
                (folder / name).unlink()
        outcome.files = []
    outcome.seconds = time.perf_counter() - t0
    return outcome


def _print_month(engine, folder, pages, counts, period, css, scratch, lines) -> None:
    texts = [(name, (folder / h).read_text("utf-8")) for name, h, _ in pages]
    doc = {"css": css, "lang": html_lang(), "contents_title": say("Contents"),
           "title": say("Monthly report {month}", month=month_words(period)),
           "lines": list(lines)}
    # the title page and contents alone first: how many pages they take sets every start page
    front = scratch / "front.pdf"
    _print(engine, month_document(texts, start_pages=counts, front_only=True, **doc), scratch,
           front)
    start, starts = page_count(front) + 1, []
    for n in counts:
        starts.append(start)
        start += n
    _print(engine, month_document(texts, start_pages=starts, **doc), scratch,
           folder / f"{period}.pdf")
