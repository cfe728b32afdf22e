"""`civicstats issues`: the store's open issues read again later, for a person or as a CSV."""

import codecs

import openpyxl
import pandas as pd

from civicstats.cli import main
from civicstats.csvsafe import ENCODING


def return_with_problems(path, month: int, total_delta: int, unreadable: str | None):
    """A partners return for 2023-``month``: a 合计 off by ``total_delta``, optionally an unreadable cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"{month}月"
    ws.append([f"北干街道2023年{month}月社区合伙人统计"])
    ws.append(["社区", "居民合伙人", "团体合伙人"])
    ws.append(["天悦社区", 20, unreadable or 35])
    ws.append(["工人路社区", 10, 5])
    ws.append(["合计", 30 + total_delta, None])
    wb.save(path)
    return path


def ingest_two_months(tmp_path, capsys):
    sept = return_with_problems(tmp_path / "partners_2023-09.xlsx", 9, 2, "若干")
    aug = return_with_problems(tmp_path / "partners_2023-08.xlsx", 8, 1, None)
    assert main(["ingest", str(sept), str(aug)]) == 1
    capsys.readouterr()
    return sept, aug


def test_the_open_issues_are_printed_with_chinese_headings_and_their_cells(tmp_path, capsys):
    ingest_two_months(tmp_path, capsys)
    assert main(["issues"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header == ["月份", "单元格", "严重程度", "问题", "原填内容", "修改意见"]
    for cell in ("partners_2023-09.xlsx#9月!B5", "partners_2023-09.xlsx#9月!C3", "partners_2023-08.xlsx#8月!B5"):
        assert cell in out
    assert "合计数不符" in out and "数值无法识别" in out and "错误" in out
    assert "请核对‘合计’行" in out
    assert out.splitlines()[-1] == "共 3 个未解决的问题（3 个错误，0 个警告）"


def test_period_and_file_narrow_the_list_and_out_writes_the_contract_columns(tmp_path, capsys):
    sept, _ = ingest_two_months(tmp_path, capsys)
    out = tmp_path / "open.csv"
    assert main(["issues", "--period", "2023-09", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(codecs.BOM_UTF8)
    got = pd.read_csv(out, encoding=ENCODING, dtype=str, keep_default_na=False)
    assert list(got.columns)[:5] == ["source", "severity", "rule", "raw", "message"]
    assert sorted(got.source) == ["partners_2023-09.xlsx#9月!B5", "partners_2023-09.xlsx#9月!C3"]
    assert set(got.period) == {"2023-09"} and set(got.rule) == {"total_mismatch", "unreadable_value"}
    assert got.set_index("rule").loc["unreadable_value", "raw"] == "若干"

    assert main(["issues", "--file", "partners_2023-08.xlsx", "--out", str(out)]) == 0
    got = pd.read_csv(out, encoding=ENCODING, dtype=str, keep_default_na=False)
    assert got.source.tolist() == ["partners_2023-08.xlsx#8月!B5"]

    assert main(["issues", "--file", str(sept), "--period", "2023-08"]) == 0
    assert capsys.readouterr().out.strip().endswith("该月份或文件没有未解决的问题")


def test_a_corrected_file_closes_its_issues(tmp_path, capsys):
    sept, _ = ingest_two_months(tmp_path, capsys)
    return_with_problems(sept, 9, 0, None)  # the street sends it again, fixed
    assert main(["ingest", str(sept)]) == 0
    assert main(["issues", "--file", sept.name, "--out", str(tmp_path / "o.csv")]) == 0
    assert pd.read_csv(tmp_path / "o.csv", encoding=ENCODING).empty


def test_a_bad_period_is_a_chinese_usage_error(tmp_path, capsys):
    assert main(["issues", "--period", "2023-13"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：--period：‘2023-13’不是月份") and "Traceback" not in err
