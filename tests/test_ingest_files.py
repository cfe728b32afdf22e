"""Every file in a folder is accounted for: `ingest` decides each file's format by its content,
for any name, and gives every file one line — ingested, unchanged, rejected, failed or skipped.

The folder holds real files: legacy workbooks from the corpus renamed as WPS ``.et``/``.ett``,
Excel's "Unicode 文本" (UTF-16, tab-separated) as ``.txt``, an ``.XLSX`` and a workbook with no
suffix, and what a data folder also holds: a Word ``.docx``, a PDF, an image, a README, a lock
file, a hidden file.
"""

import shutil
import zipfile
from pathlib import Path

import pytest

from civicstats import store as st
from civicstats.clean import clean, records_for_csv
from civicstats.cli import main
from civicstats.filetypes import survey
from civicstats.messages import language
from tests.conftest import ROOT
from tests.test_store import september

CORPUS = ROOT / "tests" / "corpus" / "files"
UNICODE_TEXT = "2023年9月社区合伙人统计\n社区\t居民合伙人\t团体合伙人\n天悦社区\t20\t35\n工人路社区\t10\t12\n"


def docx(path: Path) -> Path:
    """A minimal Word document: a zip whose parts live under word/."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document>天悦社区 20</w:document>")
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    d = tmp_path / "raw"
    d.mkdir()
    shutil.copy(CORPUS / "a10_childcare_two_row_header.xls", d / "childcare_2023-09.et")
    shutil.copy(CORPUS / "a15_traditional_spaced_names.xls", d / "volunteers_2023-09.ett")
    (d / "partners_2023-09_天悦.txt").write_text(UNICODE_TEXT, encoding="utf-16")
    docx(d / "说明.docx")
    return d


def lines(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


def test_a_folder_with_an_et_a_txt_and_a_docx_gets_one_line_each_and_the_summary_counts_them(
        folder, capsys):
    with language("en"):
        code = main(["ingest", str(folder)])
    out = lines(capsys)
    assert code == 0
    by_name = {Path(line.split(": ", 1)[0]).name: line.split(": ", 1)[1] for line in out[:-1]}
    assert by_name == {
        "childcare_2023-09.et": "ingested 30 records (childcare)",
        "partners_2023-09_天悦.txt": "ingested 4 records (partners)",
        "volunteers_2023-09.ett": "ingested 18 records (volunteers)",
        "说明.docx": "skipped: not a spreadsheet (a Word document)",
    }
    assert out[-1].startswith("4 files: 3 ingested, 0 with rejected cells, 0 unchanged, "
                              "0 failed, 1 skipped")
    assert sorted(st.load().domain.unique()) == ["childcare", "partners", "volunteers"]


def test_the_txt_loads_the_same_figures_as_the_same_table_saved_as_csv(folder, tmp_path):
    st.ingest([folder / "partners_2023-09_天悦.txt"])
    csv = tmp_path / "partners_2023-09_天悦.csv"
    csv.write_text(UNICODE_TEXT.replace("\t", ","), encoding="utf-8")
    want = records_for_csv(clean(csv).records).drop(columns="source")
    got = st.load("partners")[want.columns.tolist()]
    got = records_for_csv(got)
    assert got.astype(str).values.tolist() == want.astype(str).values.tolist()


def test_upper_case_and_missing_suffixes_are_read_by_content_and_documents_are_skipped(
        tmp_path, capsys):
    d = tmp_path / "in"
    september(d, name="partners_2023-09.XLSX")
    september(d, name="partners_2023-09_北干", resident=21)  # a workbook with no suffix
    (d / "README.md").write_text("# 返表\n\n| 文件 | 说明 |\n| --- | --- |\n", encoding="utf-8")
    (d / "签字页.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n")
    (d / "照片.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    (d / "~$partners_2023-09.XLSX").write_bytes(b"\x00lock")
    (d / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (d / "notes.txt").write_text("下月补报北干街道数据。", encoding="utf-8")
    with language("en"):
        outcomes = st.ingest([d])
    got = {Path(o.file).name: (o.outcome, o.message) for o in outcomes}
    assert got["partners_2023-09.XLSX"][0] == "ok"
    assert got["partners_2023-09_北干"][0] == "ok"
    skipped = {n: why for n, (what, why) in got.items() if what == "skipped"}
    assert skipped == {
        "README.md": "not a spreadsheet (a text document)",
        "签字页.pdf": "not a spreadsheet (a PDF)",
        "照片.jpg": "not a spreadsheet (an image)",
        "~$partners_2023-09.XLSX": "not a spreadsheet (a lock file of an open workbook)",
        ".DS_Store": "not a spreadsheet (a hidden file)",
        "notes.txt": "not a spreadsheet (a text file that holds no table)",
    }
    assert len(outcomes) == 8
    assert st.load(areas="天悦社区").value.tolist() == [21.0, 35.0]  # the later file is current


def test_a_file_named_as_a_workbook_but_holding_a_document_fails_loudly_not_skipped(tmp_path):
    bad = docx(tmp_path / "partners_2023-09.xlsx")
    [out] = st.ingest([bad])
    assert out.outcome == "failed" and out.exit_code == 2 and out.message


def test_files_in_finds_the_spreadsheets_the_report_ingests(folder):
    assert [p.name for p in st.files_in([folder])] == [
        "childcare_2023-09.et", "partners_2023-09_天悦.txt", "volunteers_2023-09.ett"]
    assert [v.kind for v in survey([folder]) if not v.spreadsheet] == ["a Word document"]


def test_a_hidden_folder_is_one_line_and_its_files_are_not_walked(folder):
    (folder / ".git" / "objects").mkdir(parents=True)
    shutil.copy(CORPUS / "a10_childcare_two_row_header.xls", folder / ".git" / "objects" / "x.xls")
    outcomes = st.ingest([folder])
    hidden = [o for o in outcomes if ".git" in o.file]
    assert [(Path(o.file).name, o.outcome) for o in hidden] == [(".git", "skipped")]
