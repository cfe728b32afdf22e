"""The manifest and the front page of a month's report."""

import html
import sys
import time
from dataclasses import asdict

from civicstats import __version__
from civicstats.coverage import month_words
from civicstats.messages import N_, html_lang, say
from civicstats.report.inputs import Inputs
from civicstats.report.page import FONT_FACES
from civicstats.report.results import ReportRun
from civicstats.report.settings import PACKAGES


def package_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def manifest(run: ReportRun, inputs: Inputs, *, settings: dict, timeout: float) -> dict:
    return {
        "period": run.period,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "civicstats": __version__,
        "records_hash": inputs.records_hash,
        "input_files": inputs.files,
        "packages": package_versions(),
        "settings": {**settings, "timeout": timeout},
        "seconds": round(run.seconds, 3),
        "status": "failed" if run.failed else "ok",
        "coverage": {c.domain: {"areas": c.areas, "last": c.last} for c in run.coverage},
        "notebooks": [asdict(r) for r in run.results],
    }


STATUS_WORDS = {"ok": N_("done"), "skipped": N_("unchanged, reused"), "failed": N_("failed"),
                "kept": N_("kept from an earlier run")}
"""How a page's status reads on the index (plain words coloured by CSS, never symbols: an
emoji shows as a missing-glyph box in a browser without an emoji font)."""


def _duration(seconds: float) -> str:
    """``75.2`` as ``1分15秒``; short runs in seconds.

    >>> _duration(4.26), _duration(75.2)
    ('4.3 秒', '1 分 15 秒')
    """
    if seconds < 60:
        return say("{s:.1f} s", s=seconds)
    return say("{m} min {s} s", m=int(seconds // 60), s=int(round(seconds % 60)))


def index_html(run: ReportRun, forwarded=None) -> str:
    """The report's front page, in the reader's language; every string from data is escaped.

    ``forwarded`` (:class:`~civicstats.report.forward.Forwarded`) adds the PDF and workbook links.
    """
    e = html.escape
    rows = []
    for r in run.results:
        link = f'<a href="{e(r.html)}">{e(r.name)}</a>' if r.html else e(r.name)
        if forwarded and forwarded.page_pdf(r.name):
            link += f' · <a href="{e(forwarded.page_pdf(r.name))}">PDF</a>'
        status = say(STATUS_WORDS.get(r.status, r.status))
        where = ""
        if r.failing_cell:
            where = (f'<div class="err">{e(r.error)} — <a href="{e(r.ipynb)}">'
                     f"{e(say('executed notebook'))}</a></div>")
        area = r.parameters.get("area", "")
        rows.append(f"<tr class=\"{e(r.status)}\"><td>{link}</td><td>{e(str(area))}</td>"
                    f'<td><span class="status {e(r.status)}">{e(status)}</span>{where}</td>'
                    f"<td>{e(_duration(r.seconds))}</td>"
                    f"<td>{e(say('{n} open', n=r.issues))}</td></tr>")
    coverage = "".join(
        f'<li class="{"in" if s.reported else "missing"}">{e(s.sentence)}</li>'
        for s in run.coverage)
    failed = len(run.failed)
    head = (say("{n} reports failed", n=failed) if failed else say("all reports succeeded"))
    title = say("Monthly report {month}", month=month_words(run.period))
    return f"""<!doctype html>
<html lang="{e(html_lang())}"><head><meta charset="utf-8">
<title>{e(title)}</title>
<style>
{FONT_FACES}
body {{ font-family: "CivicSans SC", sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }} td, th {{ border-bottom: 1px solid #ccc; padding: .3em .8em; }}
tr.failed td {{ background: #fde8e8; }} .err {{ color: #801650; font-size: .9em; }}
.status {{ display: inline-block; padding: .05em .5em; border-radius: .3em; font-weight: 600; }}
.status.ok {{ color: #0b5130; background: #d6f0e2; }}
.status.skipped, .status.kept {{ color: #12436D; background: #dde8f3; }}
.status.failed {{ color: #fff; background: #801650; }}
li.missing, .forward .missing {{ color: #801650; }}
</style></head><body>
<h1>{e(title)}</h1>
<p>{e(head)} · {e(say("{n} pages", n=len(run.results)))} · {e(_duration(run.seconds))} ·
<a href="charts/">{e(say("charts"))}</a> · <a href="manifest.json">manifest.json</a></p>
{forwarded.index_html() if forwarded else ""}
<h2>{e(say("Which domains have reported"))}</h2>
<ul class="coverage">{coverage}</ul>
<h2>{e(say("Pages"))}</h2>
<table><thead><tr><th>{e(say("page"))}</th><th>{e(say("area"))}</th><th>{e(say("status"))}</th>
<th>{e(say("duration"))}</th><th>{e(say("open issues"))}</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></body></html>
"""
