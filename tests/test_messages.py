"""Every sentence a person reads: the catalogue is complete, Chinese by default, English on request.

The catalogue is walked the way a translator's tool would (Babel's extractor over the
package), and the done-when of issue 12 is run as a street would meet it: a workbook with
a wrong 合计 cleaned by the real command, its issues CSV opened as Excel would (BOM).
"""

import codecs
import re
import string
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from civicstats import analyst, messages
from civicstats.cli import main
from civicstats.csvsafe import ENCODING, neutralise, write_csv
from civicstats.messages import RULE_WORDS, both, language
from civicstats.values import RULES as VALUE_RULES
from tests.conftest import ROOT, SHARED

PACKAGE = ROOT / "civicstats"
KEYWORDS = {"_": None, "N_": None, "say": None, "both": None}

CONTRACT_RULES = [
    "no_table", "missing_area", "missing_period", "bad_period", "total_mismatch", "unreadable_value",
    "ambiguous_number", "not_a_count", "negative_count", "fractional_count", "excel_error",
    "formula_without_value", "unit_conflict", "ambiguous_area", "ambiguous_header", "duplicate_key",
    "unknown_column", "unknown_area",
]
"""Contract 2's rule ids other than the check_* ones (../shared/design.md)."""


def fields(text: str) -> set[str]:
    """The ``{names}`` a message fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def words(msgid: str) -> bool:
    """Whether an id has English words to translate (not only fields and punctuation)."""
    return bool(re.search(r"[A-Za-z]", re.sub(r"\{\w+\}", "", msgid)))


def message_ids() -> dict[str, str]:
    """Every message id in the package's code -> where it is first written."""
    found = {}
    for filename, lineno, msgid, _comments, _context in extract_from_dir(
            PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=()):
        msgid = msgid[0] if isinstance(msgid, tuple) else msgid
        if msgid:
            found.setdefault(msgid, f"civicstats/{filename}:{lineno}")
    return found


def chinese_entries() -> dict:
    """Every entry of the Chinese catalogue files, fuzzy ones included (to be refused)."""
    out = {}
    for path in sorted((PACKAGE / "locale" / "zh" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as fh:
            out.update({m.id: (m, path.name) for m in read_po(fh, locale="zh") if m.id})
    return out


# -- the catalogue -------------------------------------------------------------------


def test_the_code_holds_messages_to_walk():
    ids = message_ids()
    assert len(ids) > 150  # every room's messages, not an extractor that found nothing
    assert "check the '{label}' row: its {size} rows add up to {summed}, the table says {stated}; " \
           "correct the total or the rows" in ids


def test_every_message_in_the_code_has_a_chinese_translation_with_exactly_its_fields():
    entries = chinese_entries()
    problems = []
    for msgid, where in message_ids().items():
        if msgid not in entries:
            problems.append(f"{where}: no Chinese for {msgid!r}")
            continue
        entry, po = entries[msgid]
        if not entry.string or entry.fuzzy:
            problems.append(f"{where}: empty or fuzzy in {po}: {msgid!r}")
        elif fields(entry.string) != fields(msgid):
            problems.append(f"{where}: {po} fills {sorted(fields(entry.string))}, the id {sorted(fields(msgid))}")
        elif words(msgid) and not re.search(r"[\u4e00-\u9fff]", entry.string):
            problems.append(f"{where}: {po} has no Chinese for {msgid!r}")
    assert not problems, "\n".join(problems)


def test_the_chinese_fragments_inside_an_error_do_not_end_a_sentence_twice():
    # CivicstatsError puts "。" after what and todo; a fragment ending in 。 would read "。。"
    entries = chinese_entries()
    frame = entries["{where}: {what}."][0].string
    assert frame.endswith("。")
    doubled = [m.id for m, _ in entries.values() if m.string.endswith("。") and not m.id.endswith(".")]
    assert not doubled, doubled


def test_every_rule_of_the_contract_has_words_in_chinese_and_in_english():
    assert set(RULE_WORDS) == set(CONTRACT_RULES)
    assert set(VALUE_RULES) <= set(RULE_WORDS)
    for rule in CONTRACT_RULES:
        words = both(RULE_WORDS[rule])
        assert words["en"] and words["zh"] and words["zh"] != words["en"], rule
        assert re.search(r"[\u4e00-\u9fff]", words["zh"]), rule
    with language("zh"):
        assert messages.rule_words("check_part_within_whole") == "check_part_within_whole"


@pytest.mark.skipif(not (SHARED / "design.md").is_file(), reason="needs ../shared/design.md")
def test_the_rule_list_here_is_the_contract_as_written():
    text = (SHARED / "design.md").read_text(encoding="utf-8")
    section = text[text.index("## Contract 2"):text.index("## Contract 3")]
    written = re.findall(r"`([a-z_]+)`", section[section.index("Rule ids"):])
    assert [r for r in written if not r.startswith("check_")] == CONTRACT_RULES


# -- the done-when: a wrong 合计 cleaned by the command -----------------------------------

PARTS = {"天悦社区": 20, "工人路社区": 35, "湘湖社区": 73}


def wrong_total_workbook(path, stated_delta=2):
    """A street's return whose 合计 row states the sum of its rows plus ``stated_delta``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "9月"
    ws.append(["北干街道2023年9月社区合伙人统计"])
    ws.append(["序号", "社区", "居民合伙人", "填报单位", "备注"])
    for i, (area, n) in enumerate(PARTS.items(), start=1):
        ws.append([i, area, n, "北干街道", None])
    ws.append([None, "合计", sum(PARTS.values()) + stated_delta, None, None])
    wb.save(path)
    return path, f"{path.name}#9月!C{3 + len(PARTS)}"


def total_message(tmp_path, *lang):
    path, cell = wrong_total_workbook(tmp_path / "partners_2023-09.xlsx")
    out = tmp_path / "issues.csv"
    code = main([*lang, "clean", str(path), "--issues", str(out)])
    assert code == 1  # a rejected cell, the rest written
    raw = out.read_bytes()
    issues = pd.read_csv(out, encoding=ENCODING, dtype=str, keep_default_na=False)
    assert list(issues.columns) == ["source", "severity", "rule", "raw", "message"]
    row = issues.set_index("source").loc[cell]
    assert (row.severity, row.rule) == ("error", "total_mismatch")  # machine names stay
    return raw, row.message


def test_a_wrong_total_gives_a_bom_csv_whose_message_is_chinese_and_names_both_figures(tmp_path):
    raw, message = total_message(tmp_path)
    assert raw.startswith(codecs.BOM_UTF8)
    summed, stated = sum(PARTS.values()), sum(PARTS.values()) + 2
    assert message.startswith("请核对‘合计’行：")
    assert f"相加为 {summed}" in message and f"表中为 {stated}" in message
    assert "civicstats" not in message and "vocab" not in message  # nothing about project files


def test_the_same_total_with_lang_en_is_english(tmp_path):
    raw, message = total_message(tmp_path, "--lang", "en")
    assert raw.startswith(codecs.BOM_UTF8)
    summed, stated = sum(PARTS.values()), sum(PARTS.values()) + 2
    assert message == (f"check the '合计' row: its {len(PARTS)} rows add up to {summed}, "
                       f"the table says {stated}; correct the total or the rows")


def test_civicstats_lang_in_the_environment_chooses_english_too(tmp_path, monkeypatch):
    monkeypatch.setenv("CIVICSTATS_LANG", "en")
    _, message = total_message(tmp_path)
    assert message.startswith("check the '合计' row")


def test_the_forms_own_columns_raise_no_warning_beside_the_wrong_total(tmp_path):
    total_message(tmp_path)
    issues = pd.read_csv(tmp_path / "issues.csv", encoding=ENCODING)
    assert issues.rule.tolist() == ["total_mismatch"]  # 序号, 填报单位, 备注: declared, quiet


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(["clean", "{tmp}/nowhere.xlsx"], ["nowhere.xlsx", "文件无法打开"], id="missing-file"),
    pytest.param(["clean", "{book}", "--period", "2023年9月"], ["--period", "‘2023年9月’不是月份",
                                                                 "请写成 YYYY-MM 格式"], id="bad-period"),
])
def test_command_line_errors_are_chinese_one_line_and_without_a_traceback(tmp_path, capsys, args, expected):
    path, _ = wrong_total_workbook(tmp_path / "partners_2023-09.xlsx")
    code = main([a.format(tmp=tmp_path, book=path) for a in args])
    out = capsys.readouterr()
    assert code == 2
    assert out.err.startswith("错误：") and out.err.count("\n") == 1
    assert "处理办法：请" in out.err and "What to do" not in out.err
    assert all(e in out.err for e in expected), out.err
    assert "Traceback" not in out.out + out.err


# -- the analyst's log ------------------------------------------------------------------------


def test_what_the_project_must_learn_goes_to_the_analysts_log_not_to_the_sender(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["天悦社区2023年9月志愿服务统计"])
    ws.append(["社区", "志愿者人数", "活动场次"])
    ws.append(["天悦社区", 39, 12])
    wb.save(tmp_path / "volunteers_2023-09.xlsx")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CIVICSTATS_LOG_DIR")  # the default: logs/ in the current folder
    assert not (tmp_path / "logs").exists()
    code = main(["clean", "volunteers_2023-09.xlsx", "--issues", "i.csv"])
    assert code == 0
    issues = pd.read_csv(tmp_path / "i.csv", encoding=ENCODING)
    [message] = issues[issues.rule == "unknown_column"].message
    assert message == "‘活动场次’列不在统计口径内，未读入；如是统计数据，请改用模板中的列名"
    log = (tmp_path / "logs" / "analyst.log").read_text(encoding="utf-8")
    assert "volunteers_2023-09.xlsx#Sheet!C2" in log and "civicstats/vocab/measures.csv" in log
    assert "活动场次" in log


def test_an_error_only_the_sender_can_fix_writes_no_analyst_log_nor_does_the_library_alone(tmp_path):
    path, _ = wrong_total_workbook(tmp_path / "partners_2023-09.xlsx")
    assert main(["clean", str(path)]) == 1  # an error for the sender, nothing for the project
    assert not (tmp_path / "logs").exists()
    analyst.log_to(None)
    from civicstats.clean import clean

    wb = openpyxl.Workbook()
    wb.active.append(["社区", "居民合伙人", "某某数"])
    wb.active.append(["天悦社区", 1, 2])
    wb.save(tmp_path / "p.xlsx")
    assert "unknown_column" in clean(tmp_path / "p.xlsx", "partners", period="2023-09").issues.rule.tolist()
    assert not (tmp_path / "logs").exists()


# -- Excel-friendly CSV ----------------------------------------------------------------------


def test_a_csv_the_project_writes_starts_with_a_bom_and_reads_back_equal(tmp_path):
    frame = pd.DataFrame({"area": ["天悦社区", "=HYPERLINK(\"x\")"], "period": ["2023-10", "2023-09"],
                          "message": ["请核对‘合计’行", "10月"], "value": ["20", "-3"]})
    write_csv(frame, tmp_path / "x.csv")
    assert (tmp_path / "x.csv").read_bytes().startswith(codecs.BOM_UTF8)
    back = pd.read_csv(tmp_path / "x.csv", encoding=ENCODING, dtype=str)
    pd.testing.assert_frame_equal(back, neutralise(frame))  # formula-safe as before


def test_the_records_csv_of_clean_reads_back_as_the_records(tmp_path):
    from civicstats.clean import clean, records_for_csv

    path, _ = wrong_total_workbook(tmp_path / "partners_2023-09.xlsx")
    assert main(["clean", str(path), "--out", str(tmp_path / "r.csv")]) == 1
    assert (tmp_path / "r.csv").read_bytes().startswith(codecs.BOM_UTF8)
    back = pd.read_csv(tmp_path / "r.csv", encoding=ENCODING, dtype=str, keep_default_na=False)
    want = records_for_csv(clean(path).records).astype(str)
    pd.testing.assert_frame_equal(back, want.reset_index(drop=True))


def test_no_message_id_has_two_wordings_across_the_catalogue_files():
    from babel.messages.pofile import read_po

    seen, clashes = {}, []
    for path in sorted((Path(messages.__file__).parent / "locale" / "zh" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as fh:
            for m in read_po(fh):
                if m.id and seen.setdefault(m.id, (path.name, m.string))[1] != m.string:
                    clashes.append((m.id, seen[m.id], (path.name, m.string)))
    assert not clashes
