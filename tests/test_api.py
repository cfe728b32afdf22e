"""The Python API an analyst uses in JupyterLab: `import civicstats as cs`.

Typos raise clear errors naming what is valid (never an empty frame), areas accept the aliases
the command line accepts, `dir(cs)` lists the public API for tab completion, `help(cs.clean)`
shows the function, and every public function's example runs.
"""

import doctest
import inspect
import pydoc
import types

import pytest

import civicstats as cs
from civicstats.messages import language
from civicstats.names import UnknownName
from tests.test_store import workbook

PUBLIC_MODULES = {"store", "charts"}


@pytest.fixture
def stored(tmp_path):
    """A store with September partners figures, one area kept as written (not in the list)."""
    path = workbook(tmp_path / "partners_2023-09.xlsx", "2023年9月社区合伙人统计",
                    [("天悦社区", 20, 35), ("工人路社区", 10, 12), ("星河湾小区", 3, 4)])
    cs.ingest([path])
    return path


@pytest.mark.parametrize("typo", ["partner", "合伙", "Partners s", ""])
def test_an_unknown_domain_raises_naming_the_valid_ones(stored, typo):
    with language("en"), pytest.raises(UnknownName) as err:
        cs.load(typo)
    text = str(err.value)
    assert f"unknown domain {typo!r}" in text
    assert all(d in text for d in ("partners", "childcare", "volunteers", "合伙人", "托育"))
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize("name", ["合伙人", "社区合伙人", "PARTNERS", " partners "])
def test_chinese_and_differently_typed_domain_names_load_the_domain(stored, name):
    want = cs.load("partners")
    assert len(want) == 6
    assert cs.load(name).equals(want)
    assert cs.history(name).equals(cs.history("partners"))
    assert cs.periods(name) == ["2023-09"]


def test_areas_accept_the_aliases_the_command_line_accepts(stored):
    by_alias = cs.load("partners", areas="天悦")
    assert by_alias.equals(cs.load("partners", areas="天悦社区"))
    assert by_alias.value.tolist() == [20.0, 35.0]
    both = cs.load("托位", areas=["北干街道天悦社区", "工人路"])  # no childcare data: empty, no error
    assert both.empty
    assert cs.load(areas=["天悦", "工人路社区"]).area.unique().tolist() == ["天悦社区", "工人路社区"]
    assert cs.load(areas="星河湾小区").value.tolist() == [3.0, 4.0]  # as the store holds it


def test_an_area_that_fits_nothing_raises_naming_the_stores_areas(stored):
    with language("en"), pytest.raises(UnknownName) as err:
        cs.load("partners", areas=["天悦", "火星社区"])
    text = str(err.value)
    assert "no area is called '火星社区'" in text
    assert all(a in text for a in ("天悦社区", "工人路社区", "星河湾小区"))
    with pytest.raises(UnknownName):
        cs.history(areas="火星社区")


def test_dir_lists_the_public_api_and_every_name_in_it_resolves():
    names = dir(cs)
    assert {"clean", "load", "history", "ingest", "withdraw", "store", "charts",
            "run_reports", "DOMAINS"} <= set(names)
    assert not [n for n in names if n.startswith("_") and n != "__version__"]
    for name in names:
        assert getattr(cs, name) is not None


def test_help_on_cs_clean_shows_the_function_even_after_its_module_is_imported():
    import civicstats.clean  # noqa: F401 - Python binds submodules on the package on import
    import civicstats.withdraw  # noqa: F401

    assert inspect.isfunction(cs.clean) and inspect.isfunction(cs.withdraw)
    text = pydoc.render_doc(cs.clean, renderer=pydoc.plaintext)
    assert "clean(path, domain" in text and "Clean one workbook or CSV" in text
    assert "FUNCTIONS" not in text  # not the module's page
    from civicstats.clean import CleanResult  # the module is still importable by name

    assert CleanResult._fields[:2] == ("records", "issues")
    assert isinstance(cs.store, types.ModuleType) and callable(cs.store.issues)
    assert isinstance(cs.charts, types.ModuleType) and callable(cs.charts.bar)


def test_withdraw_through_the_api_leaves_history_marked(stored):
    [done] = cs.withdraw(stored)
    assert done.records == 6
    assert cs.load().empty and cs.periods() == []
    assert cs.history().withdrawn_at.notna().all()


def public_functions():
    return [n for n in dir(cs) if callable(getattr(cs, n))
            and not isinstance(getattr(cs, n), types.ModuleType)]


@pytest.mark.parametrize("name", public_functions())
def test_every_public_function_has_a_docstring_whose_example_runs(name, tmp_path, monkeypatch):
    func = getattr(cs, name)
    module = inspect.getmodule(func)
    monkeypatch.chdir(tmp_path)
    tests = [t for t in doctest.DocTestFinder().find(func, name, module=module,
                                                      globs=vars(module).copy())
             if t.name == name and t.examples]
    assert tests, f"cs.{name} has no example in its docstring"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
