"""Report notebooks on a Dask cluster (``--cluster local:2``): the same report as in-process."""

import json

import pytest

pytest.importorskip("distributed", reason="Dask distributed is not installed")

from civicstats.errors import UsageError  # noqa: E402
from tests.notebooks import PARAMS, write_nb  # noqa: E402
from tests.test_report import raw, reports_root, run  # noqa: E402, F401 - raw is a fixture


def notebooks(tmp_path):
    nbs = tmp_path / "nbs"
    write_nb(nbs / "overview.ipynb", "import civicstats as cs\n"
             "records = cs.load(store=store or None)\n"
             "print('records', len(records), period)\n"
             "import os, pathlib\n"
             "pathlib.Path(output_dir).mkdir(exist_ok=True)\n"
             "pathlib.Path(output_dir, 'count.txt').write_text(str(len(records)))")
    write_nb(nbs / "area_profile.ipynb", "print('area', area, period)",
             params_src=PARAMS + "\narea = ''")
    return nbs


def manifest_keys(period="2023-09") -> dict:
    data = json.loads((reports_root() / period / "manifest.json").read_text("utf-8"))
    return {e["name"]: (e["key"], e["status"]) for e in data["notebooks"]}


def test_a_cluster_run_gives_the_pages_and_keys_of_the_local_run(tmp_path, raw):  # noqa: F811
    nbs = notebooks(tmp_path)
    local = run(notebooks=nbs, raw=raw, force=True)
    assert local.exit_code == 0, local.summary()
    folder = reports_root() / "2023-09"
    pages_here = sorted(p.name for p in folder.iterdir())
    keys_here = manifest_keys()
    count_here = (folder / "charts" / "count.txt").read_text()

    remote = run(notebooks=nbs, raw=raw, force=True, cluster="local:2")

    assert remote.exit_code == 0, remote.summary()
    assert sorted(p.name for p in folder.iterdir()) == pages_here
    assert manifest_keys() == keys_here
    assert (folder / "charts" / "count.txt").read_text() == count_here == "8"  # the snapshot read
    assert "records 8 2023-09" in (folder / "overview.html").read_text("utf-8")
    assert json.loads((folder / "manifest.json").read_text("utf-8"))["settings"]["cluster"] == "local:2"


def test_a_worker_killed_mid_run_has_its_notebook_run_again_elsewhere(tmp_path, raw):  # noqa: F811
    nbs = notebooks(tmp_path)
    marker = tmp_path / "killed-once"
    write_nb(nbs / "area_profile.ipynb",
             "import os, pathlib, signal\n"
             f"marker = pathlib.Path({str(marker)!r})\n"
             "if area == '天悦社区' and not marker.exists():\n"
             "    marker.write_text('x')\n"
             "    os.kill(os.getppid(), signal.SIGKILL)  # the kernel's parent: the Dask worker\n"
             "print('area', area, period)",
             params_src=PARAMS + "\narea = ''")

    result = run(notebooks=nbs, raw=raw, force=True, cluster="local:2")

    assert marker.exists()  # a worker really died ...
    assert result.exit_code == 0, result.summary()  # ... and the report is still complete
    page = (reports_root() / "2023-09" / "area_profile-天悦社区.html").read_text("utf-8")
    assert "area 天悦社区 2023-09" in page


def test_a_cluster_that_is_not_one_is_a_usage_error_before_anything_runs(tmp_path, raw):  # noqa: F811
    with pytest.raises(UsageError, match="local:N"):
        run(notebooks=notebooks(tmp_path), raw=raw, cluster="local")


def test_ingest_on_a_cluster_loads_what_a_local_ingest_loads(tmp_path):
    import shutil

    from civicstats import store as st
    from civicstats.cli import main
    from tests.conftest import ROOT

    folder = tmp_path / "raw"
    for f in sorted((ROOT / "data" / "raw").rglob("*_2023-09*")):
        dest = folder / f.relative_to(ROOT / "data" / "raw")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, dest)
    here, there = tmp_path / "here.duckdb", tmp_path / "there.duckdb"
    assert main(["ingest", str(folder), "--store", str(here)]) == 0
    assert main(["ingest", str(folder), "--store", str(there), "--cluster", "local:2"]) == 0

    def same(df):
        return df.drop(columns=["ingested_at"]).sort_values(["source", "measure"]).reset_index(drop=True)

    assert same(st.load(store=there)).equals(same(st.load(store=here)))
    assert st.issues(store=there)[["source", "rule"]].equals(st.issues(store=here)[["source", "rule"]])
    again = st.ingest([folder], store=there, cluster="local:2")  # idempotent: nothing cleaned again
    assert {o.outcome for o in again} <= {"unchanged", "skipped"}
