"""civicstats feedback: annotated copies of real workbooks, the 问题清单, the 退回清单."""

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from civicstats.clean import clean
from civicstats.cli import main
from civicstats.feedback.annotate import LIST_SHEET, annotate, mark, split_source
from civicstats.feedback.returns import send_back
from civicstats.messages import language
from civicstats.read import parse_address, read_grids
from civicstats.store import ingest

ROOT = Path(__file__).resolve().parent.parent
XLS = ROOT / "tests" / "corpus" / "files" / "a17_existing_vs_new_partners.xls"
RED, AMBER = "00FFC7CE", "00FFEB9C"
HEADERS_ZH = ["序号", "工作表", "单元格", "严重程度", "问题", "说明"]


@pytest.fixture(autouse=True)
def _chinese(monkeypatch):
    """Chinese, as a street reads it; `--lang en` in a test sets the environment, undone here."""
    monkeypatch.setenv("CIVICSTATS_LANG", "zh")
    with language("zh"):
        yield


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_return(path: Path) -> Path:
    """A street's September return with three known problems: 待核实 in B4, a 合计 of 50 in C5
    where the rows add up to 47, an unknown column 党员人数 (D2); and a notes sheet with a merge."""
    wb = Workbook()
    ws = wb.active
    ws.title = "9月"
    ws.append(["北干街道2023年9月社区合伙人统计表"])
    ws.merge_cells("A1:E1")
    ws["A1"].fill = PatternFill("solid", fgColor="DDEBF7")
    ws.append(["社区", "居民合伙人", "团体合伙人", "党员人数", "备注"])
    ws.append(["天悦社区", 20, 35, 6, ""])
    ws.append(["育才东苑社区", "待核实", 12, 4, "人数待核实"])
    ws.append(["合计", None, 50, 10, ""])
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["E"].width = 30
    ws["E4"].comment = Comment("社区自己的批注", "张三")
    notes = wb.create_sheet("说明")
    notes["A1"] = "本表由北干街道填报"
    notes.merge_cells("A1:C2")
    wb.save(path)
    return path


def marked_cells(ws) -> dict[str, str]:
    """Cell -> fill colour of every cell filled with one of the two issue colours."""
    return {c.coordinate: c.fill.fgColor.rgb for row in ws.iter_rows() for c in row
            if c.fill.fill_type == "solid" and c.fill.fgColor.rgb in (RED, AMBER)}


def issue_rows(wb) -> list[list]:
    ws = wb[LIST_SHEET]
    return [[c.value for c in row] for row in ws.iter_rows(min_row=6) if row[0].value is not None]


def test_marks_and_comments_sit_at_exactly_the_issue_cells(tmp_path):
    src = build_return(tmp_path / "partners_2023-09_北干街道.xlsx")
    before = sha(src)
    done = annotate(src, out_dir=tmp_path / "out")
    assert sha(src) == before  # the original is only read
    assert done.out == tmp_path / "out" / "partners_2023-09_北干街道_批注.xlsx"
    issues = clean(src).issues
    cells = {split_source(s, src.name)[1]: sev for s, sev in zip(issues.source, issues.severity, strict=True)}
    assert cells == {"B4": "error", "C5": "error", "D2": "warning"}
    assert (done.errors, done.warnings) == (2, 1)

    wb = load_workbook(done.out)
    ws = wb["9月"]
    assert marked_cells(ws) == {"B4": RED, "C5": RED, "D2": AMBER}
    for cell, severity in cells.items():
        assert ws[cell].border.left.style == "medium"
        message = issues.loc[issues.source == f"{src.name}#9月!{cell}", "message"].iat[0]
        assert message in ws[cell].comment.text
        assert ("错误" if severity == "error" else "警告") in ws[cell].comment.text
    commented = {c.coordinate for row in ws.iter_rows() for c in row if c.comment}
    assert commented == {"B4", "C5", "D2", "E4"}
    assert ws["E4"].comment.text == "社区自己的批注"  # the sender's own comment is kept as it was
    assert "合计数不符" in ws["C5"].comment.text and "50" in ws["C5"].comment.text


def test_the_copy_keeps_sheets_merges_widths_values_and_formatting(tmp_path):
    src = build_return(tmp_path / "partners_2023-09.xlsx")
    out = annotate(src, out_dir=tmp_path / "out").out
    original, copy = load_workbook(src), load_workbook(out)
    assert copy.sheetnames == [LIST_SHEET, *original.sheetnames]
    assert copy.active.title == LIST_SHEET
    for name in original.sheetnames:
        a, b = original[name], copy[name]
        assert sorted(map(str, b.merged_cells.ranges)) == sorted(map(str, a.merged_cells.ranges))
        assert [[c.value for c in r] for r in b.iter_rows()] == [[c.value for c in r] for r in a.iter_rows()]
        for col, dim in a.column_dimensions.items():
            assert b.column_dimensions[col].width == dim.width
    assert copy["9月"]["A1"].fill.fgColor.rgb == original["9月"]["A1"].fill.fgColor.rgb
    assert marked_cells(copy["说明"]) == {}


def test_issue_list_is_complete_and_its_links_reach_the_cells(tmp_path):
    src = build_return(tmp_path / "partners_2023-09.xlsx")
    out = annotate(src, out_dir=tmp_path / "out").out
    issues = clean(src).issues
    wb = load_workbook(out)
    ws = wb[LIST_SHEET]
    assert [c.value for c in ws[5]] == HEADERS_ZH
    assert ws.freeze_panes == "A6" and ws.auto_filter.ref == "A5:F8"
    rows = issue_rows(wb)
    assert [r[0] for r in rows] == list(range(1, len(issues) + 1))
    assert sorted((r[1], r[2], r[5]) for r in rows) == sorted(
        ("9月", split_source(s, src.name)[1], m) for s, m in zip(issues.source, issues.message, strict=True))
    assert {r[2]: (r[3], r[4]) for r in rows} == {
        "B4": ("错误", "数值无法识别"), "C5": ("错误", "合计数不符"), "D2": ("警告", "该栏未读入")}
    for i in range(len(rows)):
        link = ws.cell(row=6 + i, column=3).hyperlink
        sheet, _, cell = link.location.rpartition("!")
        assert sheet.strip("'") in wb.sheetnames
        assert cell == rows[i][2]
        r, c = parse_address(cell)
        assert wb[sheet.strip("'")].cell(row=r + 1, column=c + 1).comment is not None
    assert "3 个问题" in ws["A2"].value and "错误 2 个" in ws["A2"].value


def test_a_return_without_problems_says_so_and_marks_nothing(tmp_path):
    src = tmp_path / "partners_2023-09.xlsx"
    wb = Workbook()
    wb.active.title = "9月"
    for row in (["社区", "居民合伙人", "团体合伙人"], ["天悦社区", 20, 35], ["工人路社区", 10, 22]):
        wb.active.append(row)
    wb.save(src)
    done = annotate(src, out_dir=tmp_path)
    copy = load_workbook(done.out)
    assert (done.errors, done.warnings) == (0, 0)
    assert copy[LIST_SHEET]["A2"].value == "本表已全部读入，没有发现问题。"
    assert "工作表“9月”已全部读入" in copy[LIST_SHEET]["A3"].value
    assert issue_rows(copy) == [] and marked_cells(copy["9月"]) == {}


def test_an_issue_inside_a_merged_range_marks_the_whole_range(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.merge_cells("B2:C3")
    ws["B2"] = "待核实"
    from civicstats.feedback.annotate import Located

    mark(ws, "C3", [Located(ws.title, "C3", "error", "unreadable_value", "请填写数字")])
    wb.save(tmp_path / "m.xlsx")
    ws = load_workbook(tmp_path / "m.xlsx").active
    assert marked_cells(ws) == {"B2": RED}  # Excel shows a range's first cell over all of it
    assert (ws["C3"].border.right.style, ws["C3"].border.bottom.style, ws["B2"].border.top.style) == (
        "medium", "medium", "medium")
    assert "C3" in ws["B2"].comment.text and "请填写数字" in ws["B2"].comment.text


@pytest.mark.parametrize("suffix", [".xls", ".et"])  # WPS 表格 .et files are the same OLE2 format
def test_an_xls_return_is_converted_with_its_merges_and_marked(tmp_path, suffix):
    src = shutil.copy(XLS, tmp_path / (XLS.stem + suffix))
    before = sha(Path(src))
    [grid] = read_grids(src)
    issues = clean(src, "partners").issues
    done = annotate(src, "partners", out_dir=tmp_path / "out")
    assert sha(Path(src)) == before and done.out.suffix == ".xlsx"
    wb = load_workbook(done.out)
    ws = wb[grid.sheet]
    assert wb.sheetnames == [LIST_SHEET, grid.sheet]
    want_merges = {f"{ws.cell(r0 + 1, c0 + 1).coordinate}:{ws.cell(r1 + 1, c1 + 1).coordinate}"
                   for r0, c0, r1, c1 in grid.merged}
    assert {str(m) for m in ws.merged_cells.ranges} == want_merges
    for (r, c), value in grid.cells.stack().items():
        assert ws.cell(row=r + 1, column=c + 1).value == value
    want = {split_source(s, Path(src).name)[1]: RED if sev == "error" else AMBER
            for s, sev in zip(issues.source, issues.severity, strict=True)}
    assert want and marked_cells(ws) == want
    assert "已转成 .xlsx" in wb[LIST_SHEET]["A3"].value  # and says its formatting is not kept


def test_a_gbk_csv_return_is_converted_text_kept_as_text(tmp_path):
    src = tmp_path / "volunteers_2023-09.csv"
    src.write_bytes("2023年9月志愿服务统计\n队伍名称,志愿者人数,服务时长（小时）\n"
                    "春之歌艺术团,70余,12.5\n=HYPERLINK(\"x\"),三十几,8\n".encode("gbk"))
    before = sha(src)
    issues = clean(src, "volunteers", area="萧山区").issues
    done = annotate(src, "volunteers", out_dir=tmp_path / "out", area="萧山区")
    assert sha(src) == before
    wb = load_workbook(done.out)
    ws = wb["volunteers_2023-09"]
    assert ws["A1"].value == "2023年9月志愿服务统计" and ws["B3"].value == "70余"
    assert ws["A4"].value == '=HYPERLINK("x")' and ws["A4"].data_type == "s"  # never a formula
    cells = {split_source(s, src.name)[1] for s in issues.source}
    assert "B4" in cells and set(marked_cells(ws)) == cells


def test_command_exit_codes_and_no_traceback(tmp_path, capsys):
    bad = build_return(tmp_path / "partners_2023-09.xlsx")
    good = tmp_path / "partners_2023-08.xlsx"
    wb = Workbook()
    for row in (["社区", "居民合伙人"], ["天悦社区", 18]):
        wb.active.append(row)
    wb.save(good)
    broken = tmp_path / "partners_2023-07.xlsx"
    broken.write_text("<html>not a workbook</html>")
    out = tmp_path / "fb"
    hashes = {p: sha(p) for p in (bad, good, broken)}
    assert main(["feedback", str(good), "--out", str(out)]) == 0
    assert main(["feedback", str(good), str(bad), "--out", str(out)]) == 1
    assert main(["feedback", str(broken), str(good), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "partners_2023-07.xlsx" in err
    assert sorted(p.name for p in out.iterdir()) == ["partners_2023-08_批注.xlsx", "partners_2023-09_批注.xlsx"]
    assert main(["feedback", "--out", str(out)]) == 2  # neither files nor --period
    assert main(["feedback", str(good), "--out", str(tmp_path)]) == 0  # beside it: a new name
    assert {p: sha(p) for p in hashes} == hashes


def test_english_issue_list(tmp_path):
    src = build_return(tmp_path / "partners_2023-09.xlsx")
    assert main(["--lang", "en", "feedback", str(src), "--out", str(tmp_path / "en")]) == 1
    ws = load_workbook(tmp_path / "en" / "partners_2023-09_批注.xlsx")[LIST_SHEET]
    assert [c.value for c in ws[5]] == ["No.", "Sheet", "Cell", "Severity", "Problem", "What to change"]
    assert {ws.cell(row=r, column=5).value for r in (6, 7, 8)} == {
        "value cannot be read", "total does not add up", "column not read"}


def test_period_feedback_from_the_store(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    bad = build_return(raw / "partners_2023-09_北干街道.xlsx")
    gone = raw / "partners_2023-09_南阳街道.csv"
    gone.write_text("2023年9月合伙人统计\n社区,居民合伙人\n赭东村,二十几\n南阳社区,9\n", encoding="utf-8")
    fine = raw / "partners_2023-09_城厢街道.csv"
    fine.write_text("2023年9月合伙人统计\n社区,居民合伙人\n工人路社区,10\n湘湖社区,8\n", encoding="utf-8")
    store = tmp_path / "s.duckdb"
    ingest([raw], store=store)
    gone.unlink()
    before = sha(bad)
    out = tmp_path / "back"
    assert main(["feedback", "--period", "2023-09", "--store", str(store), "--out", str(out)]) == 1
    assert sha(bad) == before
    assert sorted(p.name for p in out.iterdir()) == ["partners_2023-09_北干街道_批注.xlsx", "退回清单_2023-09.xlsx"]
    ws = load_workbook(out / "退回清单_2023-09.xlsx").active
    assert [c.value for c in ws[3]] == ["填报单位", "文件", "错误数", "警告数", "要改什么", "批注文件"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == {bad.name, gone.name}  # the clean file is not sent back
    assert rows[bad.name][:4] == ("北干街道", bad.name, 2, 1)
    assert "合计数不符 1 处" in rows[bad.name][4] and rows[bad.name][5] == "partners_2023-09_北干街道_批注.xlsx"
    assert rows[gone.name][0] == "南阳街道" and "文件已不在" in rows[gone.name][5]
    link = next(c for c in ws["F"] if c.value == rows[bad.name][5]).hyperlink
    assert (out / link.target).is_file()


def test_period_without_errors_writes_an_empty_list(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "partners_2023-09.csv").write_text("2023年9月\n社区,居民合伙人\n天悦社区,20\n", encoding="utf-8")
    ingest([raw], store=tmp_path / "s.duckdb")
    sent = send_back("2023-09", out_dir=tmp_path / "back", store=tmp_path / "s.duckdb")
    assert sent.rows == [] and sent.exit_code == 0
    assert "没有需要退回" in load_workbook(sent.path).active["A1"].value


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed: .ci/run installs libreoffice-calc when root")
def test_the_annotated_copy_opens_in_libreoffice(tmp_path):
    from pypdf import PdfReader

    src = build_return(tmp_path / "partners_2023-09.xlsx")
    out = annotate(src, out_dir=tmp_path / "out").out
    run = subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                          "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(out)],
                         capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "pdf" / (out.stem + ".pdf")
    assert run.returncode == 0 and pdf.is_file(), run.stderr
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    for cell in ("B4", "C5", "D2", "partners_2023-09.xlsx"):  # the issue list was laid out and printed
        assert cell in text


def test_round_trip_template_return_feedback_corrected_return(tmp_path):
    """What a street goes through: the form, a return with a mistake, the annotated copy, the
    copy corrected and sent back under the same name, and nothing left to resend."""
    raw, store = tmp_path / "raw", str(tmp_path / "s.duckdb")
    ret = raw / "partners_2023-09_北干街道.xlsx"
    assert main(["template", "--domain", "partners", "--period", "2023-09", "--street", "北干街道",
                 "--out", str(ret)]) == 0
    wb = load_workbook(ret)
    ws = wb["2023年9月"]
    rows = {ws.cell(row=r, column=1).value: r for r in range(6, ws.max_row + 1)}
    ws.cell(row=rows["天悦社区"], column=2, value=20)
    ws.cell(row=rows["天悦社区"], column=3, value="待核实")  # the mistake
    ws.cell(row=rows["育才东苑社区"], column=2, value=12)
    wb.save(ret)
    assert main(["ingest", str(raw), "--store", store]) == 1
    assert main(["feedback", "--period", "2023-09", "--store", store, "--out", str(tmp_path / "fb1")]) == 1
    copy = tmp_path / "fb1" / "partners_2023-09_北干街道_批注.xlsx"
    wb = load_workbook(copy)
    bad = f"C{rows['天悦社区']}"
    assert set(marked_cells(wb["2023年9月"])) == {bad}
    wb["2023年9月"][bad] = 35  # corrected in the annotated copy itself, marks and list still in it
    wb.save(ret)
    assert main(["ingest", str(raw), "--store", store]) == 0
    assert main(["feedback", "--period", "2023-09", "--store", store, "--out", str(tmp_path / "fb2")]) == 0
    assert sorted(p.name for p in (tmp_path / "fb2").iterdir()) == ["退回清单_2023-09.xlsx"]
    again = load_workbook(annotate(ret, out_dir=tmp_path / "fb3").out)
    ws = again["2023年9月"]  # the fixed cell is no longer marked: the earlier round's marks are gone
    assert marked_cells(ws) == {} and ws[bad].comment is None and ws[bad].value == 35
    assert again.sheetnames == [LIST_SHEET, "2023年9月", "名单", "填表说明"]
    assert again[LIST_SHEET]["A2"].value == "本表已全部读入，没有发现问题。"


def test_every_message_of_the_feedback_room_has_its_chinese():
    """Each message id the feedback modules and their two commands write is in the catalogue."""
    import ast

    from civicstats.messages import catalogue

    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in (ROOT / "civicstats" / "feedback").glob("*.py")]
    cli = ast.parse((ROOT / "civicstats" / "cli.py").read_text(encoding="utf-8"))
    trees += [f for f in cli.body if isinstance(f, ast.FunctionDef) and f.name in ("feedback_cmd", "template_cmd")]
    ids = {node.args[0].value for tree in trees for node in ast.walk(tree)
           if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
           and node.func.id in ("say", "_", "N_") and node.args and isinstance(node.args[0], ast.Constant)}
    missing = sorted(i for i in ids if i not in catalogue("zh"))
    assert len(ids) > 50 and missing == []


def test_plausibility_checks_from_the_store_are_marked_beside_the_cleaners_issues(tmp_path):
    import pandas as pd

    src = build_return(tmp_path / "partners_2023-09.xlsx")
    check = pd.DataFrame({"source": [f"{src.name}#9月!B3"], "severity": ["warning"],
                          "rule": ["check_sudden_change"], "raw": ["20"],
                          "message": ["居民合伙人从 8 月的 2 人增至 20 人，请核实"]})
    done = annotate(src, out_dir=tmp_path / "out", more_issues=check)
    ws = load_workbook(done.out)["9月"]
    assert marked_cells(ws) == {"B3": AMBER, "B4": RED, "C5": RED, "D2": AMBER}
    assert "合理性核查" in ws["B3"].comment.text and "请核实" in ws["B3"].comment.text
    assert (done.errors, done.warnings) == (2, 2)


def test_a_file_changed_after_loading_is_marked_as_it_is_now(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    src = raw / "partners_2023-09.csv"
    src.write_text("2023年9月\n社区,居民合伙人,团体合伙人\n天悦社区,待核实,35\n", encoding="utf-8")
    ingest([raw], store=tmp_path / "s.duckdb")
    src.write_text("2023年9月\n社区,居民合伙人,团体合伙人\n天悦社区,20,三十五左右?\n", encoding="utf-8")
    sent = send_back("2023-09", out_dir=tmp_path / "back", store=tmp_path / "s.duckdb")
    [row] = sent.rows
    assert "改动过" in row.annotated
    ws = load_workbook(row.out)["partners_2023-09"]
    assert set(marked_cells(ws)) == {"C3"}  # the cell wrong now, not B3 that was wrong when loaded
