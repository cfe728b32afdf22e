"""How fast is ``civicstats clean`` next to a plain ``pandas.read_excel`` of the same file?

Generates (once, cached under benchmarks/out/) a childcare workbook of 100,000
data rows and 10 columns with the mess real files have: title and 填报单位 rows,
a two-row merged header with "其中：普惠托位" columns, 序号 and 备注 columns,
qualifiers (10余, 约50), full-width digits, thousands separators, units,
numbers stored as text, some missing markers, a 小计 row every 5,000 rows and
notes at the bottom. Then, each in a fresh subprocess so peak memory is its own:

- ``pandas.read_excel(path)`` with the default engine (openpyxl), nothing else;
- python-calamine's raw read of the same cells (``to_python`` of every sheet): the floor;
- ``civicstats.clean.clean(path, "childcare")``: reading, finding the table,
  parsing every cell, checking every subtotal, building typed records.

Prints seconds, rows per second, the ratio and peak memory (max RSS).

    .venv/bin/python benchmarks/bench_clean.py [--quick] [--rows N]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
STREETS = {
    "北干街道": ["天悦社区", "育才东苑社区"],
    "城厢街道": ["工人路社区", "湘湖社区"],
    "新街街道": ["新街社区"],
    "南阳街道": ["南阳社区", "赭东村"],
}
PAIRS = [(s, c) for s, cs in STREETS.items() for c in cs]
HEADER = [
    ["序号", "所属街道", "社区", "统计月份", "计划新增托位", None, "已完成新增托位", None, "婴幼儿成长驿站", "备注"],
    [None, None, None, None, None, "其中：普惠托位", None, "其中：普惠托位", None, None],
]
MERGES = ["A1:J1", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:F3", "G3:H3", "I3:I4", "J3:J4"]
SUBTOTAL_EVERY = 5000


def messy(n: int, rng: random.Random):
    """The number ``n`` typed in one of the ways people type it: (cell, value it stands for)."""
    k = rng.random()
    if k < 0.70:
        return n, n
    if k < 0.78:
        return str(n), n  # number stored as text
    if k < 0.82:
        return f"{n}余", n
    if k < 0.85:
        return f"约{n}", n
    if k < 0.88:
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")), n
    if k < 0.91:
        return f"{n}个", n
    if k < 0.94:
        return f"{n * 1000:,}", n * 1000  # thousands separator
    if k < 0.97:
        return "—", 0
    return None, 0


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write the benchmark workbook with openpyxl's streaming writer, then add the merged ranges."""
    import openpyxl

    rng = random.Random(seed)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("2023年托位")
    ws.append(["2023年萧山区托位建设进度表（截至9月底）"])
    ws.append(["填报单位：萧山区卫健局", None, None, None, None, None, None, None, None, "单位：个"])
    for row in HEADER:
        ws.append(row)
    sums = [0] * 5
    for i in range(rows):
        street, community = PAIRS[i % len(PAIRS)]
        target = rng.randint(10, 200)
        parts = [messy(v, rng) for v in
                 (target, target // 2, target + rng.randint(0, 50), target // 3, rng.randint(0, 5))]
        sums = [s + v for s, (_, v) in zip(sums, parts, strict=True)]
        ws.append([i + 1, street, community, f"2023年{1 + i % 9}月", *(c for c, _ in parts),
                   "备注" if i % 97 == 0 else None])
        if (i + 1) % SUBTOTAL_EVERY == 0:  # a 小计 stating the sums of the rows since the last one
            ws.append([None, "小计", None, None, *sums, None])
            sums = [0] * 5
    ws.append(["注：普惠托位为新增托位的一部分"])
    ws.append(["填报人：王五", None, None, "审核人：赵六"])
    wb.save(path)
    _add_merges(path, MERGES)


def _add_merges(path: Path, refs: list[str]) -> None:
    """openpyxl's streaming writer cannot merge: add <mergeCells> to the sheet XML afterwards."""
    tmp = path.with_suffix(".tmp.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", item.filename):
                cells = "".join(f'<mergeCell ref="{r}"/>' for r in refs)
                data = data.replace(b"</sheetData>", f'</sheetData><mergeCells count="{len(refs)}">{cells}</mergeCells>'.encode(), 1)
            dst.writestr(item, data)
    tmp.replace(path)


CHILD = {
    "read_excel": "import pandas as pd; df = pd.read_excel(PATH); n = len(df)",
    "calamine": ("from python_calamine import CalamineWorkbook\nwith open(PATH, 'rb') as fh:\n"
                 "    book = CalamineWorkbook.from_filelike(fh)\n"
                 "n = sum(len(book.get_sheet_by_name(s).to_python()) for s in book.sheet_names)"),
    "clean": "from civicstats.clean import clean; r = clean(PATH, 'childcare'); n = len(r.records); e = len(r.issues)",
}


def run_child(kind: str, path: Path) -> dict:
    """Time one job in a fresh interpreter; return seconds (job only), max RSS and its result size."""
    code = f"""
import json, resource, time, sys
PATH = {str(path)!r}
t, c = time.perf_counter(), time.process_time()
{CHILD[kind]}
sec, cpu = time.perf_counter() - t, time.process_time() - c
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"seconds": sec, "cpu": cpu, "rss": rss, "n": n, "issues": locals().get("e")}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10,000 rows instead of 100,000")
    ap.add_argument("--rows", type=int, help="data rows (overrides --quick)")
    args = ap.parse_args(argv)
    rows = args.rows or (10_000 if args.quick else 100_000)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"bench_clean_{rows}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        generate(path, rows)
        print(f"generated {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s")
    base = run_child("read_excel", path)
    raw = run_child("calamine", path)
    ours = run_child("clean", path)
    mib = 1 << 20
    print(f"file: {path.name}, {rows:,} data rows x 10 columns")
    print(f"pandas.read_excel (openpyxl):  {base['seconds']:6.2f} s wall  {base['cpu']:6.2f} s cpu  "
          f"{rows / base['seconds']:>9,.0f} rows/s  peak {base['rss'] / mib:6.0f} MiB")
    print(f"civicstats clean (whole job):  {ours['seconds']:6.2f} s wall  {ours['cpu']:6.2f} s cpu  "
          f"{rows / ours['seconds']:>9,.0f} rows/s  peak {ours['rss'] / mib:6.0f} MiB  "
          f"({ours['n']:,} records, {ours['issues']:,} issues)")
    print(f"python-calamine raw read:      {raw['seconds']:6.2f} s wall  {raw['cpu']:6.2f} s cpu  "
          f"(the cells only: the floor); clean = {ours['seconds'] / raw['seconds']:.2f}x it by wall "
          f"time, {ours['cpu'] / raw['cpu']:.2f}x by CPU (target <= 2.5x)")
    print(f"ratio: clean is {base['seconds'] / ours['seconds']:.1f}x faster than read_excel alone by wall time, "
          f"{base['cpu'] / ours['cpu']:.1f}x by CPU time (target >= 3x, aim 5x); "
          f"peak memory {'under' if ours['rss'] < 1 << 30 else 'OVER'} 1 GiB")


if __name__ == "__main__":
    main()
