"""What a month's report adds for printing and forwarding: the PDFs and the summary workbook.

Called by the run inside its scratch folder, after the notebooks ran and before the
manifest and index are written, so that the swap into place stays atomic. A PDF that
cannot be made never fails the report: the index says so in one sentence.

>>> links = Forwarded(pdf=PdfOutcome(["2023-09.pdf"]), workbook="汇总表_2023-09.xlsx").index_html()
>>> 'href="2023-09.pdf"' in links and 'href="汇总表_2023-09.xlsx"' in links
True
>>> print(Forwarded(pdf=PdfOutcome(problem="PDF 未能生成：没有浏览器。")).index_html())
<p class="forward"><span class="missing">PDF 未能生成：没有浏览器。</span></p>
"""

import html
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from civicstats.messages import say
from civicstats.report.pdf import PdfOutcome, write_pdfs

ENV_PDF = "CIVICSTATS_PDF"
"""``0`` turns the PDFs off (the tests that do not look at them; a run without time to print)."""


@dataclass
class Forwarded:
    """The month PDF and page PDFs written (or why not) and the summary workbook's name."""

    pdf: PdfOutcome = field(default_factory=PdfOutcome)
    workbook: str = ""

    def page_pdf(self, name: str) -> str:
        """The PDF of one report page, when it was made (for its link on the index)."""
        return f"{name}.pdf" if f"{name}.pdf" in self.pdf.files[:-1] else ""

    def index_html(self) -> str:
        """The index's line linking the month PDF and the workbook, or saying what is missing."""
        e, parts = html.escape, []
        if self.pdf.made:
            month = self.pdf.files[-1]
            parts.append(f'<a href="{e(month)}">{e(say("the whole month as PDF"))}</a>')
        elif self.pdf.problem:
            parts.append(f'<span class="missing">{e(self.pdf.problem)}</span>')
        if self.workbook:
            parts.append(f'<a href="{e(self.workbook)}">{e(say("summary workbook"))}</a>')
        return f'<p class="forward">{" · ".join(parts)}</p>' if parts else ""

    def manifest(self) -> dict:
        return {"pdf": self.pdf.files, "pdf_problem": self.pdf.problem,
                "pdf_seconds": round(self.pdf.seconds, 3), "workbook": self.workbook}


def cover_lines(run) -> tuple[str, ...]:
    """Lines under the title of the month PDF: which domains are in, and when it was made."""
    made = say("made on {date}", date=time.strftime("%Y-%m-%d"))
    return (*[s.sentence for s in run.coverage], made)


def make_forwarded(run, inputs, tmp: Path, final: Path) -> Forwarded:
    """Write the page PDFs, the month PDF and ``汇总表_<period>.xlsx`` into ``tmp``."""
    from civicstats.report.summary import write_summary

    workbook = write_summary(inputs.records, inputs.issues, run.period, tmp).name
    if os.environ.get(ENV_PDF, "1").strip().lower() in ("0", "no", "off", "false"):
        return Forwarded(pdf=PdfOutcome(problem=say("PDFs not made: turned off (${name}=0)",
                                                     name=ENV_PDF)), workbook=workbook)
    pages = [(r.name, r.html, r.status in ("ok", "failed")) for r in run.results]
    pdf = write_pdfs(tmp, pages, run.period, earlier=final if final.is_dir() else None,
                     lines=cover_lines(run))
    return Forwarded(pdf=pdf, workbook=workbook)
