"""A rendered month checked as readers get it: in a real browser, as PDF, as a workbook.

One month (2023-09 of the bundled samples, area pages for 天悦社区 only) is rendered
once for the module. The browser tests open every page in headless Chromium (the
system's, driven by Playwright); they skip with one line when either is missing.
"""

import os
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from civicstats import report
from civicstats.report.browser import NoBrowser, browser, find_chromium
from civicstats.report.printable import FONT_DIR, FONTS
from tests.conftest import ROOT

PERIOD = "2023-09"
CJK = re.compile(r"[\u3400-\u9fff]")
A4 = (595, 842)  # points, rounded


def _why_no_browser() -> str:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install playwright): browser tests skipped"
    if find_chromium() is None:
        return "no chromium on PATH (apt-get install chromium): browser tests skipped"
    return ""


NO_BROWSER = _why_no_browser()
needs_browser = pytest.mark.skipif(bool(NO_BROWSER), reason=NO_BROWSER or "-")


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """The month rendered once: (run, folder, store path)."""
    samples = sorted((ROOT / "data" / "raw").rglob("*_2023-0[89]*.xlsx"))
    if not samples:
        pytest.skip("the bundled sample workbooks are not there")
    work = tmp_path_factory.mktemp("month")
    raw = work / "raw"
    for f in samples:
        dest = raw / f.relative_to(ROOT / "data" / "raw")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, dest)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CIVICSTATS_STORE", str(work / "store.duckdb"))
        mp.setenv("CIVICSTATS_REPORTS", str(work / "reports"))
        mp.setenv("MPLBACKEND", "Agg")
        mp.setenv("CIVICSTATS_LANG", "zh")
        mp.setenv("CIVICSTATS_PDF", "1")  # the other tests turn the PDFs off (tests/conftest.py)
        run = report.run_reports(PERIOD, raw=raw, areas="天悦社区", progress="off")
    assert run.exit_code == 0, run.summary()
    return run, work / "reports" / PERIOD, work / "store.duckdb"


def _pages(folder: Path) -> list[Path]:
    return [folder / "index.html", *sorted(p for p in folder.glob("*.html") if p.name != "index.html")]


def _headings(page: Path) -> list[str]:
    """The page's Chinese headings, as its HTML has them (anchors' ¶ left out)."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for a in soup.select("a.anchor-link"):
        a.decompose()
    texts = [h.get_text(" ", strip=True) for h in soup.find_all(["h1", "h2"])]
    return [t for t in texts if CJK.search(t)]


def _open(engine, page: Path):
    """Open ``page`` at 1280 px; requests leaving the machine are blocked and recorded."""
    tab = engine.new_page(viewport={"width": 1280, "height": 900})
    seen = {"console": [], "errors": [], "outside": []}
    tab.on("console", lambda m: seen["console"].append(m) if m.type == "error" else None)
    tab.on("pageerror", lambda exc: seen["errors"].append(str(exc)))

    def route(r):
        if r.request.url.startswith(("file:", "data:", "about:")):
            return r.continue_()
        seen["outside"].append(r.request.url)
        return r.abort()

    tab.route("**/*", route)
    tab.goto(page.as_uri(), wait_until="load")
    return tab, seen


@needs_browser
def test_every_page_opens_in_chromium_with_its_images_and_headings_and_no_sideways_scroll(month):
    run, folder, _ = month
    pages = _pages(folder)
    assert len(pages) == len(run.results) + 1
    with browser() as engine:
        for page in pages:
            tab, seen = _open(engine, page)
            state = tab.evaluate("""() => ({
                images: Array.from(document.images).map(i => [i.complete, i.naturalWidth]),
                scroll: document.documentElement.scrollWidth,
                width: document.documentElement.clientWidth,
                text: document.body.innerText})""")
            # a console error from a request this test blocked is the network test's finding
            errors = [m.text for m in seen["console"] if m.location.get("url") not in seen["outside"]]
            assert not errors and not seen["errors"], (page.name, errors, seen["errors"])
            if page.name != "index.html":
                assert state["images"], page.name
            assert all(done and w > 0 for done, w in state["images"]), (page.name, state["images"])
            assert state["scroll"] <= state["width"], (page.name, state["scroll"], state["width"])
            heads = _headings(page)
            assert heads, page.name
            text = re.sub(r"\s+", " ", state["text"])
            for head in heads:
                assert head in text, (page.name, head)
            tab.close()


@needs_browser
def test_no_page_loads_anything_from_the_network(month):
    _, folder, _ = month
    outside = {}
    with browser() as engine:
        for page in _pages(folder):
            tab, seen = _open(engine, page)
            outside[page.name] = seen["outside"]
            tab.close()
    assert not any(outside.values()), outside


@needs_browser
def test_chinese_text_is_drawn_with_the_bundled_font_and_has_every_glyph(month):
    _, folder, _ = month
    cmap = TTFont(FONT_DIR / FONTS["regular"]).getBestCmap()
    with browser() as engine:
        for page in _pages(folder):
            tab, _ = _open(engine, page)  # the page's own styles: this machine has no CJK font
            tab.evaluate("document.fonts.ready.then(() => true)")
            text = tab.evaluate("document.body.innerText")
            missing = sorted({ch for ch in text if CJK.match(ch) and ord(ch) not in cmap})
            assert not missing, (page.name, missing)
            cdp = tab.context.new_cdp_session(tab)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
            nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "h1, h2, td"})
            checked = 0
            for node in nodes["nodeIds"]:
                html = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
                cjk = len(CJK.findall(BeautifulSoup(html, "html.parser").get_text()))
                if not cjk:
                    continue
                fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
                bundled = sum(f["glyphCount"] for f in fonts if f["familyName"] == "CivicSans SC")
                assert bundled >= cjk, (page.name, html[:80], fonts)
                checked += 1
            assert checked, page.name
            tab.close()


def _fonts(pdf: PdfReader) -> dict[str, bool]:
    """Base font name -> whether its file is embedded, over every page."""
    out = {}
    for p in pdf.pages:
        for ref in (p["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            out[str(font["/BaseFont"])] = any(k in desc for k in ("/FontFile", "/FontFile2",
                                                                  "/FontFile3"))
    return out


@needs_browser
def test_the_month_pdf_has_a_title_page_contents_page_numbers_and_the_bundled_font(month):
    run, folder, _ = month
    pdf = PdfReader(folder / f"{PERIOD}.pdf")
    assert len(pdf.pages) >= 2 + len(run.results)
    assert all(round(float(p.mediabox.width)) == A4[0] and round(float(p.mediabox.height)) == A4[1]
               for p in pdf.pages)
    fonts = _fonts(pdf)
    assert any("CivicSans" in name and embedded for name, embedded in fonts.items()), fonts
    texts = [p.extract_text() for p in pdf.pages]
    assert "2023年9月" in texts[0] and "第 1 页" not in texts[0]  # the title page: no number
    assert "目录" in texts[1] and "第 2 页，共" in texts[1]
    # every contents line names a report page and the page it starts on, and it does
    entries = re.findall(r"^(.+?)\s+(\d+)$", texts[1], re.M)
    titles = {t for t in (_title(folder / r.html) for r in run.results)}
    assert {t for t, _ in entries} >= titles, (entries, titles)
    for title, start in entries:
        if title in titles:
            assert title.split(" · ")[0] in texts[int(start) - 1], (title, start)
    total = len(pdf.pages)
    assert f"第 {total} 页，共 {total} 页" in texts[-1]
    assert "居民合伙人" in "".join(texts)


def _title(page: Path) -> str:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for a in soup.select("a.anchor-link"):
        a.decompose()
    return soup.find("h1").get_text(" ", strip=True)


@needs_browser
def test_every_report_page_has_its_own_a4_pdf_linked_from_the_index(month):
    run, folder, _ = month
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert f'href="{PERIOD}.pdf"' in index and f'href="汇总表_{PERIOD}.xlsx"' in index
    for r in run.results:
        pdf = PdfReader(folder / f"{r.name}.pdf")
        assert f'href="{r.name}.pdf"' in index
        assert pdf.pages and "第 1 页，共" in pdf.pages[0].extract_text()
        assert _title(folder / r.html).split(" · ")[0] in pdf.pages[0].extract_text()
        assert round(float(pdf.pages[0].mediabox.width)) == A4[0]


def test_the_summary_workbook_has_a_sheet_per_domain_with_units_issues_and_who_has_not_reported(
        month):
    from civicstats import store

    _, folder, db = month
    wb = openpyxl.load_workbook(folder / f"汇总表_{PERIOD}.xlsx")
    assert wb.sheetnames == ["社区合伙人", "托位", "志愿服务", "待处理问题", "未报送"]
    records = store.load(store=db)
    month_recs = records[records.period == pd.Period(PERIOD, "M")]
    partners = wb["社区合伙人"]
    heads = [c.value for c in partners[2]]
    assert heads[:3] == ["地区", "居民合伙人（位）", "团体合伙人（家）"]
    assert partners.freeze_panes == "B3"
    assert partners.column_dimensions["A"].width >= 8
    rows = {r[0].value: r for r in partners.iter_rows(min_row=3)}
    # every partner figure of the month is in its cell, a 10余 as 10 shown "10余"
    for rec in month_recs[month_recs.domain == "partners"].itertuples():
        col = heads.index(next(h for h in heads if h and h.startswith(_label(rec.measure))))
        cell = rows[rec.area][col]
        assert cell.value == rec.value, (rec.area, rec.measure)
        if rec.qualifier == "at_least":
            assert cell.number_format == '#,##0"余"', (rec.area, rec.measure)
    qualified = month_recs[(month_recs.domain == "partners") & (month_recs.qualifier == "at_least")]
    assert len(qualified)  # the samples have 工人路社区's 10余 partner units
    volunteers = wb["志愿服务"]
    assert [c.value for c in volunteers[2]][:3] == ["地区", "队伍/单位", "志愿者人数（人）"]
    assert volunteers.freeze_panes == "C3"
    issues = store.issues(PERIOD, store=db)
    sheet = wb["待处理问题"]
    if len(issues):
        assert sheet.max_row == 2 + len(issues)
    else:
        assert sheet["A3"].value == "本月没有待处理的问题"
    missing = {(r[0].value, r[1].value) for r in wb["未报送"].iter_rows(min_row=3)}
    partners_recs = records[records.domain == "partners"]
    august = set(partners_recs[partners_recs.period == pd.Period("2023-08", "M")].area)
    gone = august - set(partners_recs[partners_recs.period == pd.Period(PERIOD, "M")].area)
    assert gone and {("社区合伙人", a) for a in gone} <= missing


def _label(measure: str) -> str:
    from civicstats import vocab

    return vocab.label(measure)


def test_the_month_pdf_never_fails_the_report_when_chromium_is_missing(month, tmp_path, monkeypatch):
    """The whole run, again, with PATH cleared: exit 0, the index says why there is no PDF."""
    run, folder, db = month
    monkeypatch.setenv("CIVICSTATS_STORE", str(db))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CIVICSTATS_LANG", "zh")
    monkeypatch.setenv("CIVICSTATS_PDF", "1")
    again = report.run_reports(PERIOD, raw=False, areas="天悦社区", force=True, progress="off",
                               out=tmp_path / "reports", notebooks=_one_notebook(tmp_path))
    with pytest.raises(NoBrowser), browser():
        pass
    assert again.exit_code == 0, again.summary()
    out = tmp_path / "reports" / PERIOD
    assert not list(out.glob("*.pdf"))
    assert "未能生成 PDF：本机未找到 Chromium 浏览器。" in (out / "index.html").read_text("utf-8")
    assert (out / f"汇总表_{PERIOD}.xlsx").is_file()
    assert os.environ["PATH"] == str(tmp_path)


def _one_notebook(tmp_path: Path) -> Path:
    """A notebooks folder with only the quickest bundled notebook (the run itself is tested)."""
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    shutil.copy2(ROOT / "notebooks" / "partners.ipynb", nbs / "partners.ipynb")
    return nbs
