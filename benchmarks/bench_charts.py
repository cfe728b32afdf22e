"""Benchmark the newsletter export: the full set, three formats, three sizes.

    .venv/bin/python benchmarks/bench_charts.py [--quick]

Records: every workbook in data/raw ingested into a fresh store in benchmarks/out/
(not timed), loaded with cs.load. Then, for 2023-09:

1. house style, all in: ``export_newsletter`` for each size (column, page, web), each
   writing PNG + SVG + PDF + CSV + alt text for every chart. Cold: a new process, no
   cached font subsets. Target: under 10 s.
2. house style, saving only: the same figures (already drawn) saved as PNG/SVG/PDF
   with our settings (TrueType embedding, reproducible metadata, SVG title/desc).
3. plain matplotlib: the same figures saved with ``fig.savefig(path)`` under
   matplotlib's default rcParams (Type 3 PDF fonts, no metadata), the plain alternative.

``--quick`` does the web size only.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import matplotlib  # noqa: E402
from matplotlib.backends import _backend_pdf_ps  # noqa: E402

from civicstats import charts, config  # noqa: E402
from civicstats import store as st  # noqa: E402

OUT = HERE / "out"
PERIOD = "2023-09"


def records():
    db = OUT / "bench_charts.duckdb"
    db.unlink(missing_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    st.ingest([config.raw_dir()], store=db)
    return st.load(store=db)


def clear_subset_cache() -> None:
    clear = getattr(_backend_pdf_ps.get_glyphs_subset, "cache_clear", None)
    if clear:
        clear()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="web size only")
    args = parser.parse_args(argv)
    sizes = ["web"] if args.quick else ["column", "page", "web"]
    recs = records()
    print(f"records: {len(recs)} from data/raw; period {PERIOD}; sizes {', '.join(sizes)}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0, c0 = time.perf_counter(), time.process_time()
        files = 0
        for size in sizes:
            files += len(charts.export_newsletter(recs, PERIOD, tmp / "house" / size, size=size))
        total, total_cpu = time.perf_counter() - t0, time.process_time() - c0
        nl = charts.newsletter(recs, PERIOD)
        n = len(nl.charts)
        print(f"1. house style, all in (cold):   {total:6.2f} s wall {total_cpu:6.2f} s cpu  "
              f"{n} charts x 3 formats x "
              f"{len(sizes)} sizes, {files} files (target < 10 s: "
              f"{'met' if total_cpu < 10 else 'NOT met'} on cpu time; wall time grows with other load)")

        figures = [(name, size, chart.figure(size)) for size in sizes
                   for name, chart in nl.charts.items()]
        clear_subset_cache()
        # interleaved, alternating which goes first, so neither side profits from
        # caches (glyphs, fonts) the other one warmed
        house = {fmt: 0.0 for fmt in charts.FORMATS}
        plain = {fmt: 0.0 for fmt in charts.FORMATS}
        defaults = matplotlib.rc_params()
        for i, (name, size, fig) in enumerate(figures):
            folder = tmp / "plain" / size
            folder.mkdir(parents=True, exist_ok=True)
            for fmt in charts.FORMATS:
                for side in ((0, 1) if i % 2 == 0 else (1, 0)):
                    c0 = time.process_time()
                    if side == 0:
                        with matplotlib.rc_context(charts.STYLE):
                            nl.charts[name]._render(fig, fmt, charts.SIZES[size])
                        house[fmt] += time.process_time() - c0
                    else:
                        with matplotlib.rc_context(defaults):
                            fig.savefig(folder / f"{name}.{fmt}")
                        plain[fmt] += time.process_time() - c0
        for label, times in (("2. house style, saving only:", house),
                             ("3. plain savefig, defaults: ", plain)):
            parts = "  ".join(f"{fmt} {t:5.2f}" for fmt, t in times.items())
            print(f"{label}    {sum(times.values()):6.2f} s cpu  ({parts})  "
                  f"{len(figures) * 3} files")
        print(f"   house-style saving / plain: {sum(house.values()) / sum(plain.values()):.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
