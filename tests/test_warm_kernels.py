"""Warm kernels: one kernel runs notebook after notebook, each with a fresh namespace."""

import nbformat

from tests.notebooks import write_nb
from tests.test_report import raw, reports_root, run  # noqa: F401 - raw is a fixture

SETS = ("import os, pandas as pd, matplotlib\n"
        "leaked = 42\n"
        "os.environ['CIVICSTATS_LEAK'] = 'yes'\n"
        "pd.set_option('display.max_rows', 3)\n"
        "matplotlib.rcParams['lines.linewidth'] = 9\n"
        "os.chdir('/')\n"
        "print('pid', os.getpid())")
READS = ("import os, pandas as pd, matplotlib\n"
         "print('pid', os.getpid())\n"
         "print('leaked' in globals(), os.environ.get('CIVICSTATS_LEAK'),\n"
         "      pd.get_option('display.max_rows'), matplotlib.rcParams['lines.linewidth'],\n"
         "      os.getcwd() != '/')")


def outputs(path) -> list[str]:
    nb = nbformat.read(str(path), as_version=4)
    return [o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def test_a_notebook_sharing_a_kernel_sees_nothing_the_previous_one_set(tmp_path, raw):  # noqa: F811
    nbs = tmp_path / "nbs"
    write_nb(nbs / "a_sets.ipynb", SETS)
    write_nb(nbs / "b_reads.ipynb", READS)
    result = run(notebooks=nbs, raw=raw, jobs=1, force=True)
    assert result.exit_code == 0, result.summary()
    folder = reports_root() / "2023-09"
    first = "".join(outputs(folder / "a_sets.ipynb"))
    second = "".join(outputs(folder / "b_reads.ipynb"))
    assert first.split()[1] == second.split()[1]  # the same kernel process ran both ...
    assert "False None 60 1.5 True" in second  # ... and none of the first one's state leaked


def test_a_kernel_whose_notebook_timed_out_is_replaced_not_reused(tmp_path, raw):  # noqa: F811
    nbs = tmp_path / "nbs"
    write_nb(nbs / "a_hangs.ipynb", "import os\nprint('pid', os.getpid())\nimport time\ntime.sleep(60)")
    write_nb(nbs / "b_reads.ipynb", READS)
    result = run(notebooks=nbs, raw=raw, jobs=1, timeout=3)
    folder = reports_root() / "2023-09"
    assert [r.status for r in result.results] == ["failed", "ok"]
    hung = "".join(outputs(folder / "a_hangs.ipynb"))
    assert hung.split()[1] != "".join(outputs(folder / "b_reads.ipynb")).split()[1]
