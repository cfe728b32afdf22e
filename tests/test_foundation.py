"""The skeleton: packaging agrees with conda, notebooks carry no outputs, published figures."""

import json
import re
import subprocess
import sys
import tomllib

import pytest

import civicstats as cs
from civicstats import vocab
from tests.conftest import ROOT, SHARED

# conda-forge names that differ from PyPI names
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}
CONDA_ONLY = {"python", "pip"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pypi = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        pypi |= {_name(r) for r in extra}
    conda = set()
    deps = (ROOT / "environment.yml").read_text().split("dependencies:", 1)[1]
    for line in deps.splitlines():
        m = re.match(r"^  - ([A-Za-z0-9_.-]+)\s*(?:[<>=]|$)", line)
        if m:
            conda.add(CONDA_TO_PYPI.get(_name(m.group(1)), _name(m.group(1))))
    assert conda - CONDA_ONLY == pypi


def test_notebooks_are_committed_without_outputs():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs"), f"{path.name} has outputs"
                assert cell.get("execution_count") is None, f"{path.name} has execution counts"


def test_version_and_help_work_from_the_installed_command():
    out = subprocess.run([sys.executable, "-m", "civicstats.cli", "--version"],
                         capture_output=True, text=True, check=True)
    assert cs.__version__ in out.stdout
    out = subprocess.run([sys.executable, "-m", "civicstats.cli", "--help"],
                         capture_output=True, text=True, check=True)
    assert "Usage" in out.stdout


# Every figure the seed article states, typed in by hand from the article.
ARTICLE = [
    ("天悦社区", "", "2023-05", "resident_partners", 10, "exact", "10名核心居民骨干"),
    ("天悦社区", "", "2023-05", "group_partners", 22, "exact", "22家团体"),
    ("天悦社区", "", "2023-09", "resident_partners", 20, "exact", "从10位增加至20位"),
    ("天悦社区", "", "2023-09", "group_partners", 35, "exact", "从22家增加到35家"),
    ("工人路社区", "", "2023-09", "group_partners", 10, "at_least", "10余家合伙人单位"),
    ("工人路社区", "", "2023-09", "partner_projects", 20, "at_least", "20余个合伙人项目"),
    ("工人路社区", "", "2023-09", "social_organisations", 34, "exact", "34个社会组织"),
    ("萧山区", "", "2023-09", "slots_target", 600, "exact", "计划新增托位600个"),
    ("萧山区", "", "2023-09", "inclusive_slots_target", 360, "exact", "其中普惠托位360个"),
    ("萧山区", "", "2023-09", "slots_added", 923, "exact", "新增托位923个"),
    ("萧山区", "", "2023-09", "inclusive_slots_added", 568, "exact", "其中普惠托位568个"),
    ("萧山区", "", "2023-09", "growth_stations", 40, "exact", "婴幼儿成长驿站40家"),
    ("萧山区", "志愿宣讲团", "2023-09", "volunteers", 39, "exact", "39名职工"),
    ("萧山区", "志愿宣讲团", "2023-09", "people_served", 200, "at_least", "200余名建筑工人"),
    ("萧山区", "春之歌艺术团", "2023-09", "volunteers", 70, "at_least", "70余名成员"),
    ("萧山区", "荣盛慈善基金", "2023-09", "funds_yuan", 300000, "exact", "共计30万元"),
]


def test_published_figures_reproduce_every_number_of_the_article_with_its_citation():
    pub = vocab.published()
    assert len(pub) == len(ARTICLE)
    for area, group, period, measure, value, qualifier, phrase in ARTICLE:
        row = pub[(pub.area == area) & (pub.group == group) & (pub.period == period)
                  & (pub.measure == measure)]
        assert len(row) == 1, (area, measure, period)
        row = row.iloc[0]
        assert row.value == value and row.qualifier == qualifier
        assert phrase in row.citation


def test_published_citations_quote_the_article_verbatim():
    seed = SHARED / "seed" / "000_611dc154b09cb91b.txt"
    if not seed.exists():
        pytest.skip("shared/seed is not beside this checkout")
    text = seed.read_text(encoding="utf-8")
    for citation in vocab.published().citation:
        assert citation in text


def test_published_measures_and_areas_are_in_the_vocabulary():
    pub = vocab.published()
    assert set(pub.measure) <= set(vocab.measures().measure)
    assert all(vocab.canonical_area(a) == a for a in pub.area)


def test_areas_cover_six_streets_and_eight_communities_with_notes():
    areas = vocab.areas()
    assert (areas.kind == "street").sum() >= 6
    assert areas.kind.isin(["community", "village"]).sum() >= 8
    assert set(areas.parent[areas.parent != ""]) <= set(areas.area)
    assert (areas.note != "").all()
    stated = {"天悦社区": "北干街道", "赭东村": "南阳街道"}
    for area, street in stated.items():
        assert areas.set_index("area").parent[area] == street


def test_a_new_header_variant_is_a_one_line_change(tmp_path, monkeypatch):
    assert vocab.header_to_measure("合伙居民") is None
    for src in vocab.VOCAB_DIR.glob("*.csv"):
        text = src.read_text(encoding="utf-8")
        if src.name == "measures.csv":  # the one-line change: append a variant
            text = text.replace("居民合伙人|个人合伙人", "居民合伙人|个人合伙人|合伙居民")
        (tmp_path / src.name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(vocab, "VOCAB_DIR", tmp_path)
    vocab.measures.cache_clear()
    vocab._measure_headers.cache_clear()
    try:
        assert vocab.header_to_measure("合伙居民") == ("partners", "resident_partners")
    finally:
        vocab.measures.cache_clear()
        vocab._measure_headers.cache_clear()
