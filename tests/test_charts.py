"""Newsletter charts: Chinese text from the bundled font, print sizes, safe and reproducible export.

The charts are drawn from the published seed figures plus synthetic months and
streets built here, with warnings turned into errors so a missing glyph fails.
"""

import importlib.util
import io
import warnings
from pathlib import Path

import defusedxml.ElementTree as ET
import pandas as pd
import pypdf
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from civicstats import charts, vocab
from civicstats.cli import main
from civicstats.errors import UsageError
from tests.conftest import ROOT

SVG_NS = "{http://www.w3.org/2000/svg}"
NEWSLETTER = ["partners_resident", "partners_group", "childcare_slots", "childcare_inclusive",
              "volunteers_teams", "headline_partners", "headline_childcare", "headline_volunteers"]


def _row(area, measure, value, period="2023-09", group="", qualifier="exact", source="t.xlsx#9月!C5"):
    return dict(area=area, group=group, period=period, measure=measure, value=float(value),
                qualifier=qualifier, source=source)


def synthetic_records(extra=()) -> pd.DataFrame:
    """Published figures + three more months for 天悦社区 + six streets' childcare + one team."""
    rows = []
    for month, (resident, group) in {"2023-06": (12, 25), "2023-07": (15, 28), "2023-08": (18, 31)}.items():
        rows += [_row("天悦社区", "resident_partners", resident, month, source=f"partners_{month}.xlsx#{month}!C5"),
                 _row("天悦社区", "group_partners", group, month, source=f"partners_{month}.xlsx#{month}!D5")]
    streets = {"北干街道": (120, 180, 70, 110), "南阳街道": (100, 95, 60, 50), "新街街道": (90, 130, 50, 80),
               "城厢街道": (110, 150, 60, 90), "新塘街道": (80, 120, 50, 70), "盈丰街道": (100, 248, 70, 168)}
    for street, values in streets.items():
        for measure, value in zip(["slots_target", "slots_added", "inclusive_slots_target",
                                   "inclusive_slots_added"], values, strict=True):
            rows.append(_row(street, measure, value, source=f"childcare_2023-09.xlsx#9月!{street}"))
    rows.append(_row("北干街道", "volunteers", 56, group="北干巾帼志愿服务队", qualifier="approx"))
    rows += list(extra)
    pub = vocab.published().drop(columns=["citation"])
    return pd.concat([pub, pd.DataFrame(rows)], ignore_index=True)


def export(records, out, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" becomes a failure
        nl = charts.newsletter(records, "2023-09")
        paths = charts.save_newsletter(nl, out, **kw)
    return nl, paths


@pytest.fixture(scope="module")
def newsletter_set(tmp_path_factory):
    out = tmp_path_factory.mktemp("newsletter")
    nl, paths = export(synthetic_records(), out, size="column")
    return nl, out, paths


def test_every_newsletter_chart_renders_from_real_figures_without_missing_glyphs(newsletter_set):
    nl, out, paths = newsletter_set
    assert list(nl.charts) == NEWSLETTER
    assert nl.skipped == {}
    for name in NEWSLETTER:
        for suffix in (".png", ".svg", ".pdf", ".csv", ".alt.txt"):
            assert (out / f"{name}{suffix}").stat().st_size > 0
    assert set(paths) == set(out.iterdir())


def test_titles_state_the_finding_with_numbers_from_the_data(newsletter_set):
    nl, _, _ = newsletter_set
    # 923 done of 600 planned (published), and the six synthetic streets add up to 923 too
    assert nl.charts["childcare_slots"].title == "全区已完成新增托位923个，为年度计划的154%"
    assert nl.charts["partners_resident"].title == "天悦社区居民合伙人由10位增至20位"
    assert nl.charts["volunteers_teams"].title == "春之歌艺术团人数最多，为70余人"
    assert nl.charts["headline_volunteers"].title == "3支队伍共有志愿者约165人"


def test_alt_text_is_chinese_and_gives_the_key_numbers(newsletter_set):
    _, out, _ = newsletter_set
    alt = (out / "childcare_slots.alt.txt").read_text(encoding="utf-8")
    assert alt.startswith("横向条形图：全区已完成新增托位923个")
    assert "盈丰街道248个" in alt and "数据来源：萧山区各街道、社区报表" in alt  # an editor's line, not file names
    alt = (out / "partners_resident.alt.txt").read_text(encoding="utf-8")
    assert "天悦社区由2023年5月的10位变为2023年9月的20位" in alt


def test_pdf_embeds_the_bundled_font_and_its_text_extracts_as_the_chinese_title(newsletter_set):
    nl, out, _ = newsletter_set
    for name, chart in nl.charts.items():
        reader = pypdf.PdfReader(out / f"{name}.pdf")
        page = reader.pages[0]
        embedded = []
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, "TrueType outlines embedded"
            embedded.append(str(descriptor["/FontName"]))
        assert all("CivicSansSC" in f for f in embedded), embedded
        text = "".join(page.extract_text().split())
        assert "".join(chart.title.split()) in text
        assert reader.metadata.title == chart.title


def test_svg_is_valid_xml_with_a_title_and_a_description(newsletter_set):
    nl, out, _ = newsletter_set
    for name, chart in nl.charts.items():
        root = ET.fromstring((out / f"{name}.svg").read_bytes())
        assert root.find(f"{SVG_NS}title").text == chart.title
        assert root.find(f"{SVG_NS}desc").text == chart.alt
        # text is drawn as outlines: the SVG needs no font on the reader's machine
        assert root.find(f".//{SVG_NS}text") is None


@pytest.mark.parametrize(("size", "width_px", "dpi"),
                         [("column", 1004, 300), ("page", 2067, 300), ("web", 1200, 150)])
def test_png_width_in_pixels_matches_the_size_and_dpi(tmp_path, size, width_px, dpi):
    chart = charts.headline(923, label="已完成新增托位", unit="个", title="新增托位完成年度计划的154%",
                            subtitle="萧山区，2023年9月", source="萧山日报")
    [png, *_] = chart.save(tmp_path, "card", formats=["png"], size=size)
    with Image.open(png) as image:
        assert image.size[0] == width_px
        assert round(image.info["dpi"][0]) == dpi
    assert width_px == round({"column": 85 / 25.4 * 300, "page": 175 / 25.4 * 300, "web": 1200}[size])


def test_bar_csv_equals_the_bars_drawn(newsletter_set):
    nl, out, _ = newsletter_set
    chart = nl.charts["childcare_slots"]
    csv = pd.read_csv(out / "childcare_slots.csv")
    ax = chart.figure("column").axes[0]
    drawn = sorted((round(p.get_y() + p.get_height() / 2, 6), p.get_width()) for p in ax.patches)
    categories = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(csv["area"].unique()) == sorted(categories)
    assert sorted(w for _, w in drawn) == sorted(csv["value"].tolist())
    assert len(drawn) == len(csv) == 12
    # bars within a category follow the series order: done (solid) first, planned second
    first_bar = [w for _, w in drawn[:2]]
    top = csv[csv["area"] == categories[0]]
    assert first_bar == top["value"].tolist()


def test_line_csv_equals_the_points_drawn(newsletter_set):
    nl, out, _ = newsletter_set
    chart = nl.charts["partners_group"]
    csv = pd.read_csv(out / "partners_group.csv")
    ax = chart.figure("column").axes[0]
    drawn = sorted(y for line in ax.lines for y in line.get_ydata())
    assert drawn == sorted(csv["value"].tolist())
    assert set(csv["area"]) == {"天悦社区", "工人路社区"}
    assert csv.loc[csv["area"] == "工人路社区", "label"].tolist() == ["10余"]


def test_qualifiers_are_marked_in_labels_and_explained_in_a_note():
    df = pd.DataFrame({"team": ["甲队", "乙队", "丙队"], "value": [10.0, 20.0, 30.0],
                       "qualifier": ["at_least", "approx", "exact"]})
    chart = charts.bar(df, x="team", y="value", title="丙队人数最多", unit="人")
    fig = chart.figure("web")
    shown = {t.get_text().strip() for t in fig.axes[0].texts}
    assert {"10余", "约20", "30"} <= shown
    notes = [t.get_text() for t in fig.texts]
    assert any("10余" in n and "10多" in n for n in notes)
    assert any("约" in n and "约数" in n for n in notes)
    assert "甲队10余人" in chart.alt and "乙队约20人" in chart.alt


def test_hatching_and_markers_carry_the_series_not_colour_alone(newsletter_set):
    nl, _, _ = newsletter_set
    ax = nl.charts["childcare_slots"].figure("column").axes[0]
    assert {p.get_hatch() or "" for p in ax.patches} == {"", "////"}
    ax = nl.charts["partners_group"].figure("column").axes[0]
    markers = [line.get_marker() for line in ax.lines]
    assert len(set(markers)) == len(markers) == 2


def test_a_second_run_gives_byte_identical_svg_and_pdf(newsletter_set, tmp_path):
    _, first, _ = newsletter_set
    export(synthetic_records(), tmp_path, size="column", formats=["svg", "pdf"])
    for name in NEWSLETTER:
        for suffix in (".svg", ".pdf"):
            assert (tmp_path / f"{name}{suffix}").read_bytes() == (first / f"{name}{suffix}").read_bytes(), name


HOSTILE = ["<script>alert(1)</script>", "../../etc/passwd", "两行\n名称\t", '=HYPERLINK("http://evil.example","点我")',
           "$\\frac{1}{0}$"]


def test_hostile_names_give_safe_files_inside_out_dir_and_inert_csv_cells(tmp_path):
    extra = [_row("天悦社区", "volunteers", 10 + i, group=name) for i, name in enumerate(HOSTILE)]
    out = tmp_path / "out"
    nl, paths = export(synthetic_records(extra), out, formats=["svg", "pdf"], size="web")
    assert all(p.resolve().parent == out.resolve() for p in paths)
    assert set(tmp_path.iterdir()) == {out}
    csv = (out / "volunteers_teams.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in csv and "\n=HYPERLINK" not in csv and ",=HYPERLINK" not in csv
    root = ET.fromstring((out / "volunteers_teams.svg").read_bytes())
    assert "<script>" in root.find(f"{SVG_NS}desc").text  # escaped text, not markup
    assert root.find(f".//{SVG_NS}script") is None
    # a hostile chart name stays inside the folder too
    saved = nl.charts["volunteers_teams"].save(out, "../../etc/passwd", formats=["svg"])
    stem = charts.safe_name("../../etc/passwd")
    assert [p.name for p in saved] == [f"{stem}.svg", f"{stem}.csv", f"{stem}.alt.txt"]
    assert stem.startswith("etc_passwd_") and "/" not in stem
    assert all(p.parent == out for p in saved)


def test_a_missing_domain_is_skipped_with_a_note_not_a_crash(tmp_path):
    only_childcare = synthetic_records().query("measure.str.contains('slots')", engine="python")
    nl, paths = export(only_childcare, tmp_path, formats=["svg"])
    assert list(nl.charts) == ["childcare_slots", "childcare_inclusive", "headline_childcare"]
    assert set(nl.skipped) == {"partners_resident", "partners_group", "volunteers_teams",
                               "headline_partners", "headline_volunteers"}
    index = (tmp_path / "index.txt").read_text(encoding="utf-8")
    assert "volunteers_teams\t未生成：2023年9月没有志愿者人数的数据" in index


def test_a_month_without_records_is_a_usage_error():
    with pytest.raises(UsageError, match="no records for 2024-01") as err:
        charts.newsletter(synthetic_records(), "2024-01")
    assert err.value.exit_code == 2


def test_notebook_helpers_are_reachable_as_cs_charts():
    import civicstats as cs

    chart = cs.charts.line(pd.DataFrame({"period": ["2023-05", "2023-09"], "value": [10.0, 20.0]}),
                           x="period", y="value", title="居民合伙人翻一番", unit="位")
    ax = chart.fig.axes[0]
    # months are placed by time: May to September is four steps
    assert list(ax.lines[0].get_xdata()) == [0.0, 4.0]
    assert chart._repr_png_().startswith(b"\x89PNG")


def _make_font_module():
    spec = importlib.util.spec_from_file_location("make_font", ROOT / "scripts" / "make_font.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_font_covers_every_character_in_data_vocab_and_notebooks():
    make_font = _make_font_module()
    cmap = set(TTFont(charts.FONT_DIR / "CivicSans-SC.ttf").getBestCmap())
    bold = set(TTFont(charts.FONT_DIR / "CivicSans-SC-Bold.ttf").getBestCmap())
    texts = make_font.project_texts(ROOT)
    assert any(path.startswith("civicstats/vocab") for path in texts)
    for path, text in texts.items():
        missing = sorted(c for c in make_font.chars_needed(text) if ord(c) not in cmap & bold)
        assert not missing, f"{path} uses {''.join(missing)}: rerun scripts/make_font.py"


def test_the_font_is_truetype_gb2312_complete_small_and_licensed():
    make_font = _make_font_module()
    path = charts.FONT_DIR / "CivicSans-SC.ttf"
    font = TTFont(path)
    assert "glyf" in font and "CFF " not in font
    assert font["name"].getDebugName(1) == "CivicSans SC"
    assert {ord(c) for c in make_font.gb2312_chars()} <= set(font.getBestCmap())
    assert path.stat().st_size < 3_000_000
    licence = (charts.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence


def test_cli_exits_2_with_a_message_when_the_store_has_no_data_for_the_month(tmp_path, capsys):
    assert main(["charts", "--period", "2023-09", "--out", str(tmp_path / "c")]) == 2
    assert "数据库中没有 2023-09 的记录" in capsys.readouterr().err
    assert main(["charts", "--period", "2023-9x", "--out", str(tmp_path / "c")]) == 2
    assert not (tmp_path / "c").exists()


def test_cli_exports_the_month_from_the_store(tmp_path, capsys):
    from civicstats import store

    raw = ROOT / "data" / "raw"
    store.ingest([raw / "childcare" / "childcare_2023-09.xlsx", raw / "volunteers" / "volunteers_2023-09.xlsx",
                  *sorted((raw / "partners").glob("partners_2023-0[89]*.xlsx"))])
    out = tmp_path / "charts"
    code = main(["charts", "--period", "2023-09", "--out", str(out), "--formats", "svg", "--size", "page",
                 "--byline", "制图：区统计局"])
    assert code == 0, capsys.readouterr().err
    names = {p.name.split(".")[0] for p in out.glob("*.svg")}
    assert names == set(NEWSLETTER)
    # the editor's source line (not file names) and the byline, on every chart
    for alt in out.glob("*.alt.txt"):
        assert "数据来源：萧山区各街道、社区报表　制图：区统计局。" in alt.read_text("utf-8"), alt.name
    assert main(["charts", "--period", "2023-09", "--out", str(out), "--formats", "svg",
                 "--source", "区民政局月报"]) == 0
    assert "数据来源：区民政局月报。" in (out / "headline_childcare.alt.txt").read_text("utf-8")
    assert main(["charts", "--period", "2023-09", "--out", str(out), "--formats", "gif"]) == 2


def test_svg_title_is_escaped_xml(tmp_path):
    chart = charts.headline(1, label="x", title='A & B <c> "d"', subtitle="s")
    [svg, *_] = chart.save(tmp_path, "t", formats=["svg"])
    assert ET.fromstring(svg.read_bytes()).find(f"{SVG_NS}title").text == 'A & B <c> "d"'
    assert io.BytesIO(svg.read_bytes()).read().count(b"<title>") == 1


def test_chart_files_are_named_inside_the_folder(tmp_path):
    assert charts.safe_name("../../etc/passwd").startswith("etc_passwd_")
    assert charts.safe_name("etc/passwd") != charts.safe_name("../../etc/passwd")
    assert Path(tmp_path / charts.safe_name("..")).parent == tmp_path
