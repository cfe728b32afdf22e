"""The manifest and the front page of a month's report."""

import html
import sys
import time
from dataclasses import asdict

from civicstats import __version__
from civicstats.report.inputs import Inputs
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


def manifest(run: ReportRun, inputs: Inputs, *, jobs: int, timeout: float) -> dict:
    return {
        "period": run.period,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "civicstats": __version__,
        "records_hash": inputs.records_hash,
        "input_files": inputs.files,
        "packages": package_versions(),
        "settings": {"jobs": jobs, "timeout": timeout},
        "seconds": round(run.seconds, 3),
        "status": "failed" if run.failed else "ok",
        "notebooks": [asdict(r) for r in run.results],
    }


def index_html(run: ReportRun) -> str:
    """The report's front page; every string from users or data is escaped."""
    e = html.escape
    # plain words coloured by CSS class, never symbols: an emoji shows as a
    # missing-glyph box in a browser without an emoji font
    words = {"ok": "ok", "skipped": "unchanged", "failed": "failed"}
    rows = []
    for r in run.results:
        link = f'<a href="{e(r.html)}">{e(r.name)}</a>' if r.html else e(r.name)
        status = words.get(r.status, r.status)
        where = ""
        if r.failing_cell:
            where = (f'<div class="err">{e(r.error)} — <a href="{e(r.ipynb)}">'
                     f"executed notebook</a></div>")
        shown = {k: v for k, v in r.parameters.items() if k in ("area",)}
        # escaped once, as a whole: escaping k and v first would show "&lt;" to readers
        detail = " ".join(f"{k}={v}" for k, v in shown.items())
        rows.append(f"<tr class=\"{e(r.status)}\"><td>{link}</td><td>{e(detail)}</td>"
                    f'<td><span class="status {e(r.status)}">{e(status)}</span>{where}</td>'
                    f"<td>{r.seconds:.1f} s</td>"
                    f"<td>{r.issues}</td></tr>")
    failed = len(run.failed)
    head = f"{failed} failed" if failed else "all reports succeeded"
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>civicstats {e(run.period)}</title>
<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }} td, th {{ border-bottom: 1px solid #ccc; padding: .3em .8em; }}
tr.failed td {{ background: #fde8e8; }} .err {{ color: #801650; font-size: .9em; }}
.status {{ display: inline-block; padding: .05em .5em; border-radius: .3em; font-weight: 600; }}
.status.ok {{ color: #0b5130; background: #d6f0e2; }}
.status.skipped {{ color: #12436D; background: #dde8f3; }}
.status.failed {{ color: #fff; background: #801650; }}
</style></head><body>
<h1>civicstats · {e(run.period)}</h1>
<p>{e(head)} · {len(run.results)} reports · {run.seconds:.1f} s ·
<a href="manifest.json">manifest.json</a> · <a href="charts/">charts/</a></p>
<table><thead><tr><th>report</th><th>parameters</th><th>status</th><th>duration</th>
<th>open issues</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></body></html>
"""
