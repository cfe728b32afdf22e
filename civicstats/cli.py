"""The ``civicstats`` command: thin wrappers over the library, one per subcommand.

Every command exits 0 when all went well, 1 when some input was rejected or some
report failed (the rest still written), 2 for usage errors and unreadable files.
Bad input never shows a Python traceback: :func:`main` turns every
:class:`~civicstats.errors.CivicstatsError` into its message and exit code.
Set ``CIVICSTATS_DEBUG=1`` to see tracebacks of unexpected errors.
"""

import os
import sys

import click

from civicstats import __version__
from civicstats.errors import CivicstatsError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="civicstats")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of every message: zh (default) or en; also $CIVICSTATS_LANG.")
def app(lang):
    """Clean, store, report and chart district civic statistics."""
    from civicstats import messages

    if lang:
        messages.set_language(lang)
        os.environ[messages.ENV_LANG] = lang  # notebook kernels and workers read it too


def err(text: str) -> None:
    """Print one line for a person on stderr."""
    click.echo(text, err=True)


# -- subcommands ---------------------------------------------------------------
# Each subcommand lives in its own block below, thin over the module it wraps.


@app.command()
def published():
    """Print the figures the seed article states, with their citations."""
    from civicstats import vocab

    pub = vocab.published()
    for row in pub.itertuples():
        mark = {"at_least": "+", "approx": "~", "at_most": "<="}.get(row.qualifier, "")
        who = f"{row.area}{' / ' + row.group if row.group else ''}"
        click.echo(f"{row.period}  {who:<20} {row.measure:<24} {mark}{row.value:,.0f}")
    click.echo(f"{len(pub)} published figures; source: data/published/seed_figures.csv")


# -- ingest / status / export (civicstats.store) --------------------------------

STORE_OPTION = click.option(
    "--store", type=click.Path(dir_okay=False, path_type=str), default=None,
    help="The DuckDB store file (default: $CIVICSTATS_STORE or data/processed/civicstats.duckdb).")


@app.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@STORE_OPTION
@click.option("--domain", type=click.Choice(["partners", "childcare", "volunteers"]),
              default=None, help="The domain of every file (default: inferred per file).")
def ingest_cmd(paths, store, domain):
    """Clean files (or folders, recursively) and load them into the store, idempotently.

    Prints one line per file: ingested N records, unchanged (same content already loaded),
    rejected K cells (the rest loaded), or failed (nothing loaded). Exit 0 all loaded or
    unchanged; 1 some cells rejected; 2 a file could not be opened or loaded, the store is in
    use by another civicstats process for longer than $CIVICSTATS_STORE_TIMEOUT seconds
    (default 30), or usage.
    """
    from civicstats import config
    from civicstats import store as st

    outcomes = st.ingest(list(paths), store=store, domain=domain,
                         progress=lambda o: click.echo(o.line()))
    counts = {k: sum(o.outcome == k for o in outcomes)
              for k in ("ok", "rejected-cells", "unchanged", "failed")}
    click.echo(f"{len(outcomes)} files: {counts['ok']} ingested, {counts['rejected-cells']} with "
               f"rejected cells, {counts['unchanged']} unchanged, {counts['failed']} failed; "
               f"store {config.store_path(store)}")
    click.get_current_context().exit(max((o.exit_code for o in outcomes), default=0))


@app.command("check")
@click.option("--period", default=None, help="Only this month, YYYY-MM (default: every month).")
@STORE_OPTION
def check_cmd(period, store):
    """Re-run the plausibility checks (审核) on the store, e.g. after a threshold changed.

    Prints how many issues each check has open. The checks and their thresholds are in
    civicstats/vocab/checks.toml, or the file $CIVICSTATS_CHECKS names. Exit 0, or 1 when
    some error-level check is open.
    """
    from civicstats import checks, config

    run = checks.check_store(store=store, period=period)
    for line in run.lines(config.store_path(store), period, checks.rules_path()):
        click.echo(line)
    click.get_current_context().exit(run.exit_code)


@app.command("status")
@STORE_OPTION
def status_cmd(store):
    """Per domain and month: areas reporting, files, last ingest, open errors and warnings."""
    from civicstats import config
    from civicstats import store as st

    table = st.status(store=store)
    if table.empty:
        click.echo(f"the store {config.store_path(store)} holds no records yet; "
                   "run `civicstats ingest data/raw` first")
        return
    shown = table.assign(last_ingest=table["last_ingest"].dt.strftime("%Y-%m-%d %H:%M"))
    click.echo(shown.to_string(index=False))
    log = st.ingests(store=store).drop_duplicates("path", keep="last")
    for row in log[log["outcome"] == "failed"].itertuples():
        click.echo(f"failed (latest version not loaded): {row.path}: {row.message}")


@app.command("export")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), required=True,
              help="parquet: a folder partitioned by domain and period; csv: one file.")
@click.argument("out", type=click.Path(path_type=str))
@STORE_OPTION
def export_cmd(fmt, out, store):
    """Write the current records to OUT so that other tools can use them."""
    from civicstats import store as st

    n = st.export(fmt, out, store=store)
    click.echo(f"{n} current records written to {out} ({fmt})")


# -- clean (owner: cleaning engine) --------------------------------------------


@app.command("clean")
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@click.option("--domain", type=click.Choice(["partners", "childcare", "volunteers"]),
              help="What the file holds; inferred from the path or headers when left out.")
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Write the tidy records to this CSV.")
@click.option("--issues", "issues_out", type=click.Path(dir_okay=False), help="Write the issues to this CSV.")
@click.option("--area", help="The area when the table names none (a community, street or 萧山区).")
@click.option("--period", help="The month (YYYY-MM) when the table names none.")
@click.option("--strict", is_flag=True, help="Any error: exit 1 and write no records.")
def clean_command(file, domain, out, issues_out, area, period, strict):
    """Clean one workbook or CSV into tidy records and issues.

    Exit 0 no errors, 1 some cells rejected (the rest written; under --strict
    nothing written), 2 file unreadable or bad arguments.
    """
    from civicstats.clean import clean, records_for_csv
    from civicstats.csvsafe import write_csv

    result = clean(file, domain, area=area, period=period, strict=strict)
    records, issues = result.records, result.issues
    errors = int((issues.severity == "error").sum())
    if issues_out:
        write_csv(issues, issues_out)
    if out and not (strict and errors):
        write_csv(records_for_csv(records), out)
    if not out or (strict and errors):
        click.echo(f"{len(records)} records from {file} ({result.domain})")
        for measure, n in records.measure.value_counts(sort=False).items():
            if n:
                click.echo(f"  {measure:<24} {n}")
        click.echo(f"{len(issues)} issues ({errors} errors, {len(issues) - errors} warnings)")
        for rule, n in issues.rule.value_counts().items():
            click.echo(f"  {rule:<24} {n}")
    for row in issues[issues.severity == "error"].head(10).itertuples():
        err(f"{row.source}: {row.rule}: {row.message}")
    if errors > 10:
        err(f"... and {errors - 10} more errors" + ("" if issues_out else "; pass --issues FILE to list them all"))
    if strict and errors:
        err(f"--strict: {errors} errors, nothing written")
    click.get_current_context().exit(1 if errors else 0)


# -- report (owner: civicstats.report) -----------------------------------------


@app.command("report")
@click.option("--period", help="The month to report, YYYY-MM.")
@click.option("--latest", is_flag=True, help="Report the latest month in the store (after ingesting data/raw).")
@click.option("--areas", default="all", show_default=True,
              help="Areas for area_profile: all (every area that reported) or A,B.")
@click.option("--jobs", "-j", default=1, show_default=True, type=int, help="Notebooks run in parallel.")
@click.option("--force", is_flag=True, help="Rerun notebooks whose inputs did not change.")
@click.option("--out", type=click.Path(file_okay=False), help="Reports folder (default reports/).")
@click.option("--store", type=click.Path(dir_okay=False), help="Store file (default data/processed/civicstats.duckdb).")
@click.option("--timeout", default=300.0, show_default=True, type=float,
              help="Seconds one notebook may run before it is stopped.")
def report_cmd(period, latest, areas, jobs, force, out, store, timeout):
    """Ingest what is new in data/raw, run every report notebook, write reports/<period>/.

    Exit 0 all reports ok, 1 some notebook failed (the others still written),
    2 bad arguments or parameters (no notebook started).
    """
    from civicstats.errors import UsageError
    from civicstats.report import run_reports

    if bool(period) == bool(latest):
        raise UsageError("report", "give either --period YYYY-MM or --latest",
                         "e.g. civicstats report --period 2023-09")
    run = run_reports("latest" if latest else period, areas=areas, jobs=jobs, force=force,
                      out=out, store=store, timeout=timeout)
    for line in run.summary().splitlines():
        (err if line.startswith("FAILED") else click.echo)(line)
    click.get_current_context().exit(run.exit_code)


@app.command("charts")
@click.option("--period", required=True, help="The month, YYYY-MM.")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder for the charts.")
@click.option("--formats", default="png,svg,pdf", show_default=True, help="Comma-separated: png,svg,pdf.")
@click.option("--size", default="web", show_default=True,
              type=click.Choice(["column", "page", "web"]),
              help="column 85 mm / page 175 mm at 300 dpi, web 1200 px.")
@click.option("--store", type=click.Path(dir_okay=False), help="Store file (default data/processed/civicstats.duckdb).")
def charts_cmd(period, out, formats, size, store):
    """Export the month's newsletter charts (PNG/SVG/PDF + CSV + alt text) from the store.

    Exit 0 all written, 2 bad arguments or no data for the month.
    """
    from civicstats import charts
    from civicstats import store as store_mod
    from civicstats.errors import UsageError
    from civicstats.params import check_period

    try:
        period = check_period(period)
    except ValueError as exc:
        raise UsageError("--period", str(exc), "e.g. --period 2023-09") from None
    records = store_mod.load(store=store)
    if records.empty or not (records["period"].astype(str) == period).any():
        have = ", ".join(store_mod.periods(store=store)) or "none"
        raise UsageError("charts", f"the store has no records for {period} (months: {have})",
                         "ingest that month's files first, e.g. civicstats ingest data/raw")
    nl = charts.newsletter(records, period)
    paths = charts.save_newsletter(nl, out, formats=[f.strip() for f in formats.split(",")],
                                   size=size)
    for name, chart in nl.charts.items():
        click.echo(f"{name}: {chart.title}")
    for name, reason in nl.skipped.items():
        err(f"skipped {name}: {reason}")
    click.echo(f"{len(nl.charts)} charts, {len(paths)} files in {out}")


def os_error_message(exc: OSError) -> str:
    """A plain sentence for a failed read or write, naming the path and what to do.

    >>> os_error_message(OSError(28, "No space left on device", "/srv/reports/2023-09"))
    "cannot write '/srv/reports/2023-09': No space left on device. What to do: free disk space or choose another --out folder; nothing already stored or reported was changed."
    """
    where = exc.filename or ""
    what = exc.strerror or str(exc)
    return (f"cannot write {where!r}: {what}. What to do: free disk space or choose another "
            "--out folder; nothing already stored or reported was changed."
            if where else
            f"{what}. What to do: check the output folder exists, is writable and the disk has "
            "space; nothing already stored or reported was changed.")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return (and, when called as a script, exit with) its exit code."""
    try:
        code = app.main(args=argv, prog_name="civicstats", standalone_mode=False)
    except CivicstatsError as exc:
        err(f"error: {exc}")
        code = exc.exit_code
    except click.exceptions.Abort:
        err("aborted.")
        code = 130
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except KeyboardInterrupt:
        err("interrupted.")
        code = 130
    except OSError as exc:  # disk full, unwritable or missing folder: say where and what to do
        err(f"error: {os_error_message(exc)}")
        code = 2
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        if os.environ.get("CIVICSTATS_DEBUG"):
            raise
        err(f"error: unexpected {type(exc).__name__}: {exc}. "
            "What to do: rerun with CIVICSTATS_DEBUG=1 and report this message.")
        code = 2
    code = 0 if code is None else int(code)
    if argv is None:
        sys.exit(code)
    return code


if __name__ == "__main__":
    main()
