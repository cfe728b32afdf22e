"""civicstats template: the standard return, filled in programmatically, cleans to exactly its figures."""

import pytest
from openpyxl import load_workbook

from civicstats import vocab
from civicstats.clean import NOT_COUNTS, clean
from civicstats.cli import main
from civicstats.messages import language

STREETS = [None, "北干街道", "南阳街道"]  # the district form; a street of communities; one with a village


@pytest.fixture(autouse=True)
def _chinese(monkeypatch):
    monkeypatch.setenv("CIVICSTATS_LANG", "zh")
    with language("zh"):
        yield


def expected_rows(street):
    areas = vocab.areas()
    if street is None:
        return areas.loc[areas.kind == "street", "area"].tolist()
    return areas.loc[(areas.parent == street) & areas.kind.isin(["community", "village"]), "area"].tolist()


def write(tmp_path, domain, street, *extra):
    out = tmp_path / "form.xlsx"  # no domain word in the name: the cleaner reads it from the headers
    args = ["template", "--domain", domain, "--period", "2024-03", "--out", str(out), *extra]
    assert main([*args, *(["--street", street] if street else [])]) == 0
    return out


def layout(ws):
    """(header row, {column: header}, {area: row}) read back from the written form."""
    head = next(r for r in range(1, 10) if ws.cell(row=r, column=2).value and "（" in str(ws.cell(row=r, column=2).value))
    headers = {c: ws.cell(row=head, column=c).value for c in range(1, ws.max_column + 1)}
    rows = {ws.cell(row=r, column=1).value: r for r in range(head + 1, ws.max_row + 1)}
    return head, headers, rows


@pytest.mark.parametrize("street", STREETS)
@pytest.mark.parametrize("domain", ["partners", "childcare", "volunteers"])
def test_filled_form_cleans_to_exactly_its_figures(tmp_path, domain, street):
    out = write(tmp_path, domain, street)
    wb = load_workbook(out)
    ws = wb["2024年3月"]
    head, headers, rows = layout(ws)
    assert list(rows) == expected_rows(street)
    measures = vocab.domain_measures(domain)
    filled = []
    for i, (area, r) in enumerate(rows.items()):
        for j, measure in enumerate(measures):
            value = 3 * i + 7 * j + 1 + (0.5 if measure in NOT_COUNTS else 0)  # decimals where allowed
            ws.cell(row=r, column=2 + j, value=value)
            filled.append((area, "2024-03", measure, float(value)))
    ws.cell(row=2, column=2 + len(headers) // 2, value="张三")
    ws.cell(row=3, column=2, value="0571-82345678")
    ws.cell(row=3, column=2 + len(headers) // 2, value="2024年4月5日")  # not the reporting month
    wb.save(out)
    records, issues, found = clean(out)
    assert found == domain
    assert issues.empty, issues.to_dict("records")
    got = records.assign(period=records.period.astype(str))[["area", "period", "measure", "value"]]
    assert sorted(got.itertuples(index=False, name=None)) == sorted(filled)
    assert set(records.qualifier) == {"exact"} and set(records.group) == {""}


def test_header_units_title_block_and_notes(tmp_path):
    out = write(tmp_path, "volunteers", "北干街道")
    wb = load_workbook(out)
    assert wb.sheetnames == ["2024年3月", "名单", "填表说明"]
    ws = wb["2024年3月"]
    assert ws["A1"].value == "北干街道志愿服务情况统计表（2024年3月）"
    head, headers, rows = layout(ws)
    assert list(headers.values()) == ["社区", "志愿者人数（人）", "服务时长（小时）", "服务人次（人次）",
                                      "物资金额（元）", "备注"]
    block = [ws.cell(row=r, column=c).value for r in (2, 3) for c in range(1, ws.max_column + 1)]
    assert {"填报单位：", "填报人：", "联系电话：", "填报日期："} <= set(block) and "北干街道" in block
    notes = [c.value for c in wb["填表说明"]["A"] if c.value]
    assert "填表说明" in notes[0] and len(notes) >= 8
    assert any("服务时长（小时）" in n and "单位" in n for n in notes)
    assert any("10余" in n for n in notes) and any("合并单元格" in n for n in notes)
    assert wb["名单"].sheet_state == "hidden"
    assert [c.value for c in wb["名单"]["A"]] == list(rows)


def test_validation_protection_panes_and_print_setup(tmp_path):
    out = write(tmp_path, "volunteers", None)
    ws = load_workbook(out)["2024年3月"]
    head, headers, rows = layout(ws)
    first, last = min(rows.values()), max(rows.values())
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert rules[f"A{first}:A{last}"].type == "list" and "名单" in rules[f"A{first}:A{last}"].formula1
    kinds = {headers[c]: rules[f"{chr(64 + c)}{first}:{chr(64 + c)}{last}"] for c in range(2, 6)}
    assert {h: (dv.type, dv.operator, dv.formula1) for h, dv in kinds.items()} == {
        "志愿者人数（人）": ("whole", "greaterThanOrEqual", "0"),
        "服务时长（小时）": ("decimal", "greaterThanOrEqual", "0"),
        "服务人次（人次）": ("whole", "greaterThanOrEqual", "0"),
        "物资金额（元）": ("decimal", "greaterThanOrEqual", "0"),
    }
    assert ws.protection.sheet
    assert ws["A1"].protection.locked and ws.cell(row=head, column=2).protection.locked
    assert all(not ws.cell(row=r, column=c).protection.locked
               for r in range(first, last + 1) for c in range(1, len(headers) + 1))
    assert ws.freeze_panes == f"B{first}"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.merged_cells.ranges and all(m.max_row < head for m in ws.merged_cells.ranges)  # none in the table


def test_rough_and_empty_cells_read_as_the_notes_say(tmp_path):
    out = write(tmp_path, "partners", "北干街道")
    wb = load_workbook(out)
    ws = wb["2024年3月"]
    _, _, rows = layout(ws)
    tianyue = rows["天悦社区"]
    ws.cell(row=tianyue, column=2, value="10余")
    ws.cell(row=tianyue, column=3, value=0)
    wb.save(out)
    records, issues, _ = clean(out)
    assert issues.empty
    got = records[["area", "measure", "value", "qualifier"]].astype(str).values.tolist()
    assert got == [["天悦社区", "resident_partners", "10.0", "at_least"],
                   ["天悦社区", "group_partners", "0.0", "exact"]]


def test_english_form_still_cleans(tmp_path):
    out = tmp_path / "form.xlsx"
    assert main(["--lang", "en", "template", "--domain", "childcare", "--period", "2023-11",
                 "--out", str(out)]) == 0
    wb = load_workbook(out)
    ws = wb["2023年11月"]
    assert ws["A1"].value.startswith("萧山区 childcare")
    assert wb["填表说明"]["A1"].value.startswith("How to fill in")
    _, headers, rows = layout(ws)
    ws.cell(row=rows["北干街道"], column=2, value=120)
    wb.save(out)
    records, issues, _ = clean(out)
    assert issues.empty
    assert records[["area", "period", "measure", "value"]].astype(str).values.tolist() == [
        ["北干街道", "2023-11", "slots_target", "120.0"]]


@pytest.mark.parametrize("args, words", [
    (["--domain", "partners", "--period", "2024-03", "--street", "火星街道"], "火星街道"),
    (["--domain", "partners", "--period", "2024-3x"], "2024-3x"),
    (["--domain", "partners", "--period", "2024-03", "--street", "北干"], ".xlsx"),
])
def test_bad_arguments_exit_2_with_a_message_and_no_file(tmp_path, capsys, args, words):
    out = tmp_path / ("form.csv" if words == ".xlsx" else "form.xlsx")
    assert main(["template", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a partial file
