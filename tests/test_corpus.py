"""The blind corpus: workbooks and expected records written from the contract, not from the cleaner.

``tests/corpus/make_corpus_*.py`` were written by helpers that never read the
cleaner's code (see tests/corpus/README.md); their files and expected records
are committed. Every file must clean to exactly its expected records (same
area, group, period, measure, value, qualifier and cell: nothing missing,
nothing spurious) and raise at least its expected errors at their cells.
``test_the_corpus_recovery_rate`` prints the share of expected records found.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from civicstats.clean import clean

CORPUS = Path(__file__).with_name("corpus")
FILES, EXPECTED = CORPUS / "files", CORPUS / "expected"


def _cases() -> list[dict]:
    out = []
    for path in sorted(CORPUS.glob("cases_*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            out += list(csv.DictReader(fh))
    return out


CASES = _cases()


def _known_failures() -> dict[str, str]:
    """Files the cleaner does not read right yet, with why (strict xfail: fixing one turns the
    test red until the line is removed from known_failures.csv)."""
    with open(CORPUS / "known_failures.csv", encoding="utf-8-sig", newline="") as fh:
        return {r["file"]: r["reason"] for r in csv.DictReader(fh)}


KNOWN = _known_failures()


def _param(case: dict):
    if case["file"] in KNOWN:
        return pytest.param(case, id=case["file"],
                            marks=pytest.mark.xfail(strict=True, reason=KNOWN[case["file"]]))
    return pytest.param(case, id=case["file"])


def _key(area, group, period, measure, value, qualifier, cell) -> tuple:
    return (area, group or "", str(period), measure, round(float(value), 6), qualifier, cell)


def expected_records(name: str) -> set[tuple]:
    with open(EXPECTED / f"{name}.records.csv", encoding="utf-8-sig", newline="") as fh:
        return {_key(r["area"], r["group"], r["period"], r["measure"], r["value"], r["qualifier"], r["cell"])
                for r in csv.DictReader(fh)}


def expected_errors(name: str) -> set[tuple]:
    path = EXPECTED / f"{name}.issues.csv"
    if not path.exists():
        return set()
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {(r["cell"], r["rule"]) for r in csv.DictReader(fh)}


def cleaned(case: dict):
    records, issues, _ = clean(FILES / case["file"], case["domain"])
    got = {_key(r.area, r.group, r.period, r.measure, r.value, r.qualifier, r.source.split("#", 1)[1])
           for r in records.itertuples()}
    errors = {(s.split("#", 1)[1], rule) for s, rule, sev in
              zip(issues.source, issues.rule, issues.severity, strict=True) if sev == "error"}
    return got, errors


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_every_corpus_file_cleans_to_exactly_its_expected_records(case):
    want = expected_records(case["file"])
    got, errors = cleaned(case)
    missing, spurious = sorted(want - got), sorted(got - want)
    assert not missing and not spurious, f"kind {case['kind']}: {case['note']}\n" \
        f"missing {len(missing)}: {missing[:8]}\nspurious {len(spurious)}: {spurious[:8]}"
    assert expected_errors(case["file"]) <= errors, errors


def test_the_corpus_covers_every_kind_of_layout_and_format():
    kinds = {k.strip() for c in CASES for k in c["kind"].split(",")}
    assert {str(k) for k in range(1, 10)} <= kinds
    suffixes = [Path(c["file"]).suffix for c in CASES]
    assert len(CASES) >= 40 and suffixes.count(".xls") >= 3 and suffixes.count(".csv") >= 3


def test_the_corpus_recovery_rate(capsys):
    found = total = spurious = 0
    for case in CASES:
        want = expected_records(case["file"])
        got, _ = cleaned(case)
        found += len(want & got)
        total += len(want)
        spurious += len(got - want)
    with capsys.disabled():
        print(f"\ncorpus: {found} of {total} expected records recovered ({found / max(total, 1):.1%}), "
              f"{spurious} spurious, {len(CASES)} files")
    assert total > 0
