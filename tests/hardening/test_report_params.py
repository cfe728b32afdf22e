"""Wrong report parameters: `civicstats report` exits 2 with a message and starts no kernel.

Each case runs the real command against a project root of our own (a tiny data/raw) and a
tiny notebooks folder. Whether any kernel started is observed, not assumed: the kernels of
a report inherit our environment, and an IPython start-up script in $IPYTHONDIR touches a
file when one boots (the positive control shows the detector works).
"""

import os

import pytest

from civicstats import report
from tests.hardening.helpers import (
    forked_cli,
    kernel_detector,
    make_root,
    partners_month,
    run_cli,
    write_nb,
)

BAD = [
    pytest.param(["--period", "2023-13"], "2023-13", id="month-13"),
    pytest.param(["--period", "2023-00"], "2023-00", id="month-00"),
    pytest.param(["--period", "../x"], "../x", id="path-traversal"),
    pytest.param(["--period", ""], "--period", id="empty"),
    pytest.param(["--period", "2023-9"], "2023-9", id="one-digit-month"),
    pytest.param(["--period", "2023-09; rm -rf /"], "rm -rf", id="shell-suffix"),
    pytest.param(["--period", "2023-09\nprint(1)"], "2023-09", id="newline-code"),
    pytest.param([], "--period", id="missing"),
    pytest.param(["--period", "2023-09", "--latest"], "--latest", id="period-and-latest"),
    pytest.param(["--period", "2023-11"], "2023-09", id="month-not-in-store"),
    pytest.param(["--period", "2023-09", "--areas", "火星社区"], "火星社区", id="unknown-area"),
    pytest.param(["--period", "2023-09", "--areas", "赭东村"], "赭东村",
                 id="known-area-without-records"),
    pytest.param(["--period", "2023-09", "--areas", "../../etc/passwd"], "etc/passwd",
                 id="area-path-traversal"),
    pytest.param(["--period", "2023-09", "--areas", "<script>alert(1)</script>"], "script",
                 id="area-script"),
    pytest.param(["--period", "2023-09", "--colour", "red"], "colour", id="unknown-parameter"),
    pytest.param(["--period", "2023-09", "--jobs", "0"], "--jobs", id="zero-jobs"),
    pytest.param(["--period", "2023-09", "--timeout", "-1"], "--timeout", id="negative-timeout"),
]


@pytest.fixture
def setting(tmp_path):
    """A root with two months of partners data, two tiny notebooks, the kernel detector."""
    months = [partners_month(tmp_path / "in", m) for m in (8, 9)]
    root = make_root(tmp_path, months)
    nbs = tmp_path / "nbs"
    write_nb(nbs / "overview.ipynb", "print('overview', period)")
    write_nb(nbs / "area_profile.ipynb", "print('profile', area)",
             params_src=report_params_with_area())
    detect_env, seen = kernel_detector(tmp_path)
    env = {**detect_env, "CIVICSTATS_ROOT": str(root), report.ENV_NOTEBOOKS: str(nbs)}
    return env, seen


def report_params_with_area() -> str:
    from tests.hardening.helpers import PARAMS

    return PARAMS + "\narea = ''"


@pytest.mark.parametrize(("args", "named"), BAD)
def test_a_wrong_report_parameter_exits_2_with_a_message_and_starts_no_kernel(setting, args,
                                                                              named, tmp_path):
    env, seen = setting
    code, out = forked_cli(["report", *args], env=env, cwd=tmp_path, log=tmp_path / "out.txt")
    assert code == 2, out
    assert named in out, out
    assert "处理办法" in out or "Error: No such option" in out, out  # says what to do
    assert not seen.exists(), "a kernel was started"
    reports = os.environ["CIVICSTATS_REPORTS"]
    left = os.listdir(reports) if os.path.exists(reports) else []
    assert not [n for n in left if not n.endswith(".lock")]  # no report, no scratch folder


def test_the_console_command_itself_refuses_a_bad_month_on_stderr(setting):
    env, seen = setting
    proc = run_cli(["report", "--period", "2023-13"], env=env, timeout=120)
    assert proc.returncode == 2 and "2023-13" in proc.stderr and "处理办法" in proc.stderr
    assert not seen.exists()


def test_the_kernel_detector_sees_a_kernel_when_the_parameters_are_right(setting):
    env, seen = setting
    proc = run_cli(["report", "--period", "2023-09", "--areas", "天悦社区"], env=env, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert seen.exists()
    listed = os.listdir(os.path.join(os.environ["CIVICSTATS_REPORTS"], "2023-09"))
    # the PDFs are there only where a Chromium is (tests/test_browser.py checks them)
    assert sorted(n for n in listed if not n.endswith(".pdf")) == [
        "area_profile-天悦社区.html", "area_profile-天悦社区.ipynb", "charts", "fonts", "index.html",
        "manifest.json", "overview.html", "overview.ipynb", "汇总表_2023-09.xlsx"]
