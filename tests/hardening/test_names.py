"""Hostile area and team names, end to end: clean, ingest, export, report, charts.

The names (tests.hardening.helpers.HOSTILE) are typed into real workbooks as text. They must
come out as data, never as markup, paths, formulas or code:

- every CSV we write: no text cell a spreadsheet would run (``=``, ``+``, ``-``, ``@`` ...);
- every HTML we write: no raw ``<script>`` from the data, the name shown escaped;
- file names: nothing written outside the output folder (the whole tmp tree is checked);
- papermill parameters: the kernel receives the name as a string, the code in it never runs
  (the ``touch`` it asks for would create a marker file under tmp_path).
"""

import codecs
import csv
import json
import os
import re
from pathlib import Path
from xml.etree import ElementTree

import nbformat
import pytest

from civicstats import config, report
from civicstats import store as st
from civicstats.csvsafe import FORMULA_STARTS
from tests.conftest import ROOT
from tests.hardening.helpers import (
    PARAMS,
    as_area,
    forked_cli,
    hostile_names,
    make_root,
    tree,
    workbook,
    write_nb,
)

PARTNER_HEADER = ["社区", "居民合伙人", "团体合伙人"]
VOLUNTEER_HEADER = ["社区", "志愿队伍", "志愿者人数", "服务时长（小时）"]
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def hostile(tmp_path):
    """Workbooks whose area names (partners) and team names (volunteers) are hostile."""
    marker = tmp_path / "pwned"
    names = hostile_names(marker)
    inbox = tmp_path / "in"
    partners = workbook(inbox / "partners_2023-09.xlsx", "2023年9月社区合伙人统计",
                        PARTNER_HEADER,
                        [[n, 10 + i, 20 + i] for i, n in enumerate(names)] + [["天悦社区", 5, 6]])
    volunteers = workbook(inbox / "volunteers_2023-09.xlsx", "2023年9月志愿服务统计",
                          VOLUNTEER_HEADER,
                          [["天悦社区", n, 10 + i, 20 + i] for i, n in enumerate(names)])
    return {"names": names, "marker": marker, "partners": partners, "volunteers": volunteers}


def csv_cells(path: Path) -> list[dict]:
    with open(path, "rb") as fh:
        assert fh.read(3) == codecs.BOM_UTF8, f"{path.name}: no BOM, Excel would read it as GBK"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def assert_inert_csv(path: Path) -> list[dict]:
    """No text cell of the CSV starts like a spreadsheet formula; numbers may be negative."""
    rows = csv_cells(path)
    for row in rows:
        for column, cell in row.items():
            if cell.startswith(FORMULA_STARTS):
                try:
                    float(cell)
                except ValueError:
                    raise AssertionError(f"{path.name}: {column}={cell!r} would run as a "
                                         "formula") from None
    return rows


def shown(name: str) -> str:
    """How a text cell appears in a CSV for spreadsheet users: formula starts get an apostrophe."""
    return "'" + name if name.startswith(FORMULA_STARTS) else name


def assert_nothing_outside(tmp_path: Path, before: set[str], allowed: list[Path]) -> None:
    """Everything new under tmp_path lies inside one of the ``allowed`` folders/files, or is the
    analyst's log, one timestamped line per hint however the names try to break lines."""
    log = config.log_dir()
    for line in (log / "analyst.log").read_text(encoding="utf-8").splitlines() if log.exists() else []:
        assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", line), f"a forged log line: {line!r}"
    new = tree(tmp_path) - before
    roots = [p.relative_to(tmp_path).as_posix() for p in [*allowed, log]]
    stray = sorted(p for p in new if not any(p == r or p.startswith(r + "/") for r in roots))
    assert not stray, f"written outside the output folders: {stray}"


# -- clean ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["partners", "volunteers"])
def test_clean_writes_hostile_names_as_inert_data_in_both_csvs(hostile, tmp_path, kind):
    before = tree(tmp_path)
    out, issues = tmp_path / "out" / "records.csv", tmp_path / "out" / "issues.csv"
    out.parent.mkdir()
    code, text = forked_cli(["clean", hostile[kind], "--out", out, "--issues", issues],
                            env={}, cwd=tmp_path, log=tmp_path / "log.txt")
    assert code == 0, text
    records = assert_inert_csv(out)
    issue_rows = assert_inert_csv(issues)
    column, as_kept = ("area", as_area) if kind == "partners" else ("group", str)
    kept = {r[column] for r in records}
    assert {shown(as_kept(n)) for n in hostile["names"]} <= kept  # every name kept, as text
    assert len(records) == 2 * len(hostile["names"]) + (2 if kind == "partners" else 0)
    if kind == "partners":  # unknown areas are named back to the user, inert too
        warned = {r["raw"] for r in issue_rows if r["rule"] == "unknown_area"}
        assert {shown(as_area(n)) for n in hostile["names"]} <= warned
    assert not hostile["marker"].exists()
    assert_nothing_outside(tmp_path, before, [out.parent, tmp_path / "log.txt"])


def test_a_csv_input_with_hostile_names_is_cleaned_to_inert_csv(hostile, tmp_path):
    rows = [",".join(['"' + n.replace('"', '""') + '"', "3", "4"]) for n in hostile["names"]]
    src = tmp_path / "partners_2023-09.csv"
    src.write_text("社区,居民合伙人,团体合伙人\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "records.csv"
    code, text = forked_cli(["clean", src, "--period", "2023-09", "--out", out],
                            env={}, cwd=tmp_path, log=tmp_path / "log.txt")
    assert code == 0, text
    assert {r["area"] for r in assert_inert_csv(out)} == {shown(as_area(n))
                                                           for n in hostile["names"]}


# -- ingest and export -----------------------------------------------------------------------------


def test_ingest_stores_hostile_names_as_written_and_export_writes_them_inert(hostile, tmp_path):
    before = tree(tmp_path)
    store = tmp_path / "store" / "civicstats.duckdb"
    env = {"CIVICSTATS_STORE": str(store)}
    code, text = forked_cli(["ingest", hostile["partners"], hostile["volunteers"]], env=env,
                            cwd=tmp_path, log=tmp_path / "log.txt")
    assert code == 0, text
    loaded = st.load(store=store)
    names = set(hostile["names"])
    areas = {as_area(n) for n in names}
    assert areas <= set(loaded.loc[loaded.domain == "partners", "area"])
    assert names <= set(loaded.loc[loaded.domain == "volunteers", "group"])

    out = tmp_path / "export" / "records.csv"
    out.parent.mkdir()
    code, text = forked_cli(["export", "--format", "csv", out], env=env, cwd=tmp_path,
                            log=tmp_path / "log.txt")
    assert code == 0, text
    exported = assert_inert_csv(out)
    assert {shown(n) for n in areas} <= {r["area"] for r in exported}
    assert {shown(n) for n in names} <= {r["group"] for r in exported}
    parquet = tmp_path / "parquet"
    code, text = forked_cli(["export", "--format", "parquet", parquet], env=env, cwd=tmp_path,
                            log=tmp_path / "log.txt")
    assert code == 0, text
    assert not hostile["marker"].exists()
    assert_nothing_outside(tmp_path, before, [store.parent, out.parent, parquet,
                                              tmp_path / "log.txt"])


# -- report ------------------------------------------------------------------------------------------

PROFILE_CELLS = (
    "print(repr(area))",
    "import pandas as pd\npd.DataFrame({'area': [area], 'note': ['<b>' + area + '</b>']})",
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(2, 1))\n"
    "ax.set_title(area); plt.show()",
    "from IPython.display import display, Markdown\n"
    "from html import escape\ndisplay(Markdown('## ' + escape(area)))",
)
OVERVIEW_CELLS = (
    "import civicstats as cs\nrecs = cs.load(periods=[period], store=store or None)\n"
    "recs[['area', 'group', 'measure', 'value']]",
)


def report_names(hostile) -> list[str]:
    """The names that matter to HTML, paths and code (the ``+``/``-``/``@`` ones only matter to
    CSV and are left out of the kernel-heavy report runs)."""
    return [n for n in hostile["names"] if not n.startswith(("+", "-", "@"))]


def report_setting(tmp_path, names, notebooks: Path | None = None,
                   overview: bool = True, extra=()) -> dict:
    """A project root whose data/raw holds one partners workbook with ``names`` as areas
    (and the ``extra`` files)."""
    src = workbook(tmp_path / "in" / "partners_2023-09.xlsx", "2023年9月社区合伙人统计",
                   PARTNER_HEADER, [[n, 10 + i, 20 + i] for i, n in enumerate(names)])
    root = make_root(tmp_path, [src, *extra])
    if notebooks is None:
        notebooks = tmp_path / "nbs"
        if overview:
            write_nb(notebooks / "overview.ipynb", *OVERVIEW_CELLS)
        write_nb(notebooks / "area_profile.ipynb", *PROFILE_CELLS,
                 params_src=PARAMS + "\narea = ''")
    return {"CIVICSTATS_ROOT": str(root), report.ENV_NOTEBOOKS: str(notebooks)}


def assert_escaped_everywhere(folder: Path) -> None:
    pages = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.html")}
    assert pages
    for name, page in pages.items():
        assert SCRIPT not in page, f"{name} carries the raw <script> from the data"
        assert "<b><script>" not in page and "<b>" + SCRIPT not in page, name
    for path in folder.rglob("*.csv"):
        assert_inert_csv(path)
    for path in folder.rglob("*.svg"):
        ElementTree.parse(path)  # well-formed: names went in as XML text


ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_a_report_over_every_hostile_area_escapes_them_and_runs_no_code(hostile, tmp_path):
    names = {as_area(n) for n in report_names(hostile)} | {"天悦社区"}
    env = report_setting(tmp_path, [*report_names(hostile), "天悦社区"])
    before = tree(tmp_path)
    code, text = forked_cli(["report", "--period", "2023-09", "--jobs", "2"], env=env,
                            cwd=tmp_path, log=tmp_path / "log.txt", timeout=300)
    assert code == 0, text
    reports = Path(os.environ["CIVICSTATS_REPORTS"])
    folder = reports / "2023-09"
    assert_escaped_everywhere(folder)
    assert ESCAPED in (folder / f"{report.safe_name('area_profile', SCRIPT)}.html").read_text()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    profiled = {e["parameters"]["area"]: e for e in manifest["notebooks"]
                if "area" in e["parameters"]}
    assert set(profiled) == names
    for area, entry in profiled.items():
        assert entry["status"] == "ok", entry
        assert "/" not in entry["html"] and not entry["html"].startswith(".")
        executed = nbformat.read(str(folder / entry["ipynb"]), as_version=4)
        printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", [])
                          if o.get("name") == "stdout")
        assert repr(area) in printed  # the kernel got the name as the very string
    assert not hostile["marker"].exists()
    assert_nothing_outside(tmp_path, before, [reports, tmp_path / "log.txt",
                                              Path(os.environ["CIVICSTATS_STORE"]).parent])


def test_report_areas_option_takes_hostile_names_as_plain_names(hostile, tmp_path):
    chosen = [SCRIPT, as_area(hostile["names"][-1])]
    env = report_setting(tmp_path, [*chosen, "../../etc/passwd"], overview=False)
    code, text = forked_cli(["report", "--period", "2023-09", "--areas", ",".join(chosen)],
                            env=env, cwd=tmp_path, log=tmp_path / "log.txt", timeout=300)
    assert code == 0, text
    folder = Path(os.environ["CIVICSTATS_REPORTS"]) / "2023-09"
    assert_escaped_everywhere(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(e["parameters"]["area"] for e in manifest["notebooks"]) == sorted(chosen)
    assert sorted(p.name for p in folder.glob("area_profile*.html")) == sorted(
        f"{report.safe_name('area_profile', a)}.html" for a in chosen)
    assert not hostile["marker"].exists()


def index_parameters(folder: Path) -> list[str]:
    """The text a reader sees in the "parameters" column of index.html, row by row."""
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.rows, self.cell = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            if tag == "td":
                self.cell = ""

        def handle_endtag(self, tag):
            if tag == "td" and self.rows:
                self.rows[-1].append(self.cell)
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell += data

    parser = Cells()
    parser.feed((folder / "index.html").read_text(encoding="utf-8"))
    return [row[1] for row in parser.rows if len(row) > 1]


def test_index_shows_a_hostile_area_as_its_plain_text_once_escaped(tmp_path):
    chosen = [SCRIPT, "他说\"好\"和'行'社区"]
    jobs = [report.NotebookResult(report.safe_name("area_profile", a), "area_profile.ipynb",
                                  {"period": "2023-09", "area": a}, key="k", status="ok",
                                  html=f"{report.safe_name('area_profile', a)}.html")
            for a in chosen]
    folder = tmp_path / "2023-09"
    folder.mkdir()
    (folder / "index.html").write_text(report.index_html(report.ReportRun("2023-09", folder, jobs)),
                                       encoding="utf-8")
    assert SCRIPT not in (folder / "index.html").read_text(encoding="utf-8")
    assert index_parameters(folder) == list(chosen)  # the area column shows the name as written


def test_two_areas_whose_file_names_would_clash_both_get_a_report(tmp_path):
    env = report_setting(tmp_path, ["../../etc/passwd", "etc/passwd", "天悦社区"])
    code, text = forked_cli(["report", "--period", "2023-09"], env=env, cwd=tmp_path,
                            log=tmp_path / "log.txt", timeout=300)
    assert code == 0, text
    folder = Path(os.environ["CIVICSTATS_REPORTS"]) / "2023-09"
    assert len(list(folder.glob("area_profile*.html"))) == 3


def test_the_bundled_area_profile_escapes_a_hostile_area(hostile, tmp_path):
    wanted = [ROOT / "notebooks" / "area_profile.ipynb"]
    if not all(p.is_file() for p in wanted):
        pytest.skip("the bundled area_profile notebook is not there yet")
    nbs = tmp_path / "bundled"
    nbs.mkdir()
    for p in wanted:
        (nbs / p.name).write_bytes(p.read_bytes())
    env = report_setting(tmp_path, [SCRIPT, "天悦社区"], notebooks=nbs)
    code, text = forked_cli(["report", "--period", "2023-09", "--areas", SCRIPT],
                            env=env, cwd=tmp_path, log=tmp_path / "log.txt", timeout=300)
    assert code == 0, text
    folder = Path(os.environ["CIVICSTATS_REPORTS"]) / "2023-09"
    assert_escaped_everywhere(folder)
    assert ESCAPED in (folder / f"{report.safe_name('area_profile', SCRIPT)}.html").read_text()
    assert not hostile["marker"].exists()


def test_the_bundled_overview_and_volunteers_notebooks_escape_hostile_names(hostile, tmp_path):
    wanted = [ROOT / "notebooks" / f"{n}.ipynb" for n in ("overview", "volunteers")]
    if not all(p.is_file() for p in wanted):
        pytest.skip("the bundled overview/volunteers notebooks are not there yet")
    nbs = tmp_path / "bundled"
    nbs.mkdir()
    for p in wanted:
        (nbs / p.name).write_bytes(p.read_bytes())
    env = report_setting(tmp_path, [*report_names(hostile), "天悦社区"], notebooks=nbs,
                         extra=[hostile["volunteers"]])
    before = tree(tmp_path)
    code, text = forked_cli(["report", "--period", "2023-09", "--jobs", "2"], env=env,
                            cwd=tmp_path, log=tmp_path / "log.txt", timeout=300)
    assert code == 0, text
    reports = Path(os.environ["CIVICSTATS_REPORTS"])
    folder = reports / "2023-09"
    assert_escaped_everywhere(folder)
    assert ESCAPED in (folder / "volunteers.html").read_text(encoding="utf-8")  # the team
    assert not hostile["marker"].exists()
    assert_nothing_outside(tmp_path, before, [reports, tmp_path / "log.txt",
                                              Path(os.environ["CIVICSTATS_STORE"]).parent])


# -- charts --------------------------------------------------------------------------------------------


def test_newsletter_charts_of_hostile_names_stay_in_their_folder_and_are_inert(hostile, tmp_path):
    from civicstats import charts
    from civicstats.clean import clean

    records = clean(hostile["partners"]).records
    vols = clean(hostile["volunteers"]).records
    import pandas as pd

    both = pd.concat([records.assign(domain="partners"), vols.assign(domain="volunteers")],
                     ignore_index=True)
    before = tree(tmp_path)
    out = tmp_path / "charts"
    written = charts.export_newsletter(both, "2023-09", out, formats=("svg",))
    assert written
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve()), path
        if path.suffix == ".csv":
            assert_inert_csv(path)
        if path.suffix == ".svg":
            svg = ElementTree.parse(path).getroot()  # well-formed: names escaped as XML text
            tags = {el.tag.rsplit("}", 1)[-1] for el in svg.iter()}
            assert "script" not in tags and "foreignObject" not in tags, path
    assert_nothing_outside(tmp_path, before, [out])


def test_the_charts_command_writes_hostile_names_inside_its_folder(hostile, tmp_path):
    from civicstats import cli

    if "charts" not in cli.app.commands:
        pytest.skip("the `civicstats charts` command is not there yet")
    store = tmp_path / "store" / "civicstats.duckdb"
    env = {"CIVICSTATS_STORE": str(store)}
    code, text = forked_cli(["ingest", hostile["partners"], hostile["volunteers"]], env=env,
                            cwd=tmp_path, log=tmp_path / "log.txt")
    assert code == 0, text
    before = tree(tmp_path)
    out = tmp_path / "charts"
    code, text = forked_cli(["charts", "--period", "2023-09", "--out", out, "--formats", "svg"],
                            env=env, cwd=tmp_path, log=tmp_path / "log.txt", timeout=300)
    assert code == 0, text
    for path in out.rglob("*"):
        if path.suffix == ".csv":
            assert_inert_csv(path)
        if path.suffix == ".svg":
            ElementTree.parse(path)
    assert_nothing_outside(tmp_path, before, [out, tmp_path / "log.txt", store.parent])
