"""The ``civicstats`` command: thin wrappers over the library, one per subcommand.

Every command exits 0 when all went well, 1 when some input was rejected or some
report failed (the rest still written), 2 for usage errors and unreadable files.
Bad input never shows a Python traceback: :func:`main` turns every
:class:`~civicstats.errors.CivicstatsError` into its message and exit code.
Set ``CIVICSTATS_DEBUG=1`` to see tracebacks of unexpected errors.

Every line printed for a person goes through ``civicstats.messages`` (Chinese by
default, ``--lang en``); hints for the analyst (a header the vocabulary lacks, an
unknown area) go to ``logs/analyst.log`` (``$CIVICSTATS_LOG_DIR``), see
``civicstats.analyst``.
"""

import contextlib
import os
import sys

import click

from civicstats import __version__
from civicstats.errors import CivicstatsError
from civicstats.messages import N_, _, say


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="civicstats")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of every message: zh (default) or en; also $CIVICSTATS_LANG.")
def app(lang):
    """Clean, store, report and chart district civic statistics."""
    from civicstats import analyst, config, messages

    if lang:
        messages.set_language(lang)  # report kernels get it through report.kernel_env
    analyst.log_to(config.log_dir())  # the file is made only when there is a hint to write


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
    click.echo(say("{n} published figures; source: data/published/seed_figures.csv", n=len(pub)))


# -- ingest / status / export (civicstats.store) --------------------------------

STORE_OPTION = click.option(
    "--store", type=click.Path(dir_okay=False, path_type=str), default=None,
    help="The DuckDB store file (default: $CIVICSTATS_STORE or data/processed/civicstats.duckdb).")


@app.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@STORE_OPTION
@click.option("--domain", type=click.Choice(["partners", "childcare", "volunteers"]),
              default=None, help="The domain of every file (default: inferred per file).")
@click.option("--cluster", default=None, metavar="local:N|tcp://HOST:PORT",
              help="Clean the files on a Dask cluster; they are still loaded here, in order.")
def ingest_cmd(paths, store, domain, cluster):
    """Clean files (or folders, recursively) and load them into the store, idempotently.

    Prints one line per file found: ingested N records, unchanged (same content already
    loaded), rejected K cells (the rest loaded), failed (nothing loaded), or skipped (not a
    spreadsheet, a lock or hidden file, or withdrawn content found in a folder; the format is
    decided by content, so .et, .txt and names without a suffix are read). Exit 0 all loaded or
    unchanged; 1 some cells rejected; 2 a file could not be opened or loaded, the store is in
    use by another civicstats process for longer than $CIVICSTATS_STORE_TIMEOUT seconds
    (default 30), or usage.
    """
    from civicstats import config
    from civicstats import store as st

    outcomes = st.ingest(list(paths), store=store, domain=domain, cluster=cluster,
                         progress=lambda o: click.echo(o.line()))
    counts = {k: sum(o.outcome == k for o in outcomes)
              for k in ("ok", "rejected-cells", "unchanged", "failed", "skipped")}
    click.echo(say("{n} files: {ok} ingested, {rejected} with rejected cells, {unchanged} unchanged, "
                   "{failed} failed, {skipped} skipped; store {store}", n=len(outcomes),
                   ok=counts["ok"], rejected=counts["rejected-cells"],
                   unchanged=counts["unchanged"], failed=counts["failed"],
                   skipped=counts["skipped"], store=config.store_path(store)))
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
        click.echo(say("the store {store} holds no records yet; run `civicstats ingest data/raw` first",
                       store=config.store_path(store)))
        return
    shown = table.assign(last_ingest=table["last_ingest"].dt.strftime("%Y-%m-%d %H:%M"))
    click.echo(shown.to_string(index=False))
    log = st.ingests(store=store).drop_duplicates("path", keep="last")
    for row in log[log["outcome"] == "failed"].itertuples():
        click.echo(say("failed (latest version not loaded): {path}: {message}", path=row.path,
                       message=row.message))
    from civicstats.withdraw import withdrawn

    for row in withdrawn(store=store).itertuples():
        click.echo(say("withdrawn: {file} ({sha}) on {when}", file=row.path, sha=row.sha256[:12],
                       when=f"{row.withdrawn_at:%Y-%m-%d %H:%M}"))


@app.command("withdraw")
@click.argument("target", metavar="FILE|SHA256")
@STORE_OPTION
def withdraw_cmd(target, store):
    """Take a file's figures out of the current view, as if it had never been sent.

    FILE is a file as `civicstats status` or the ingest lines name it (every version of it),
    SHA256 at least 8 hex digits of one version's hash. History keeps the figures, marked
    withdrawn; the figures the file had replaced come back; its open issues are closed.
    Ingesting the file by name loads it again. Exit 0, or 2 when the store holds no such file.
    """
    from civicstats.withdraw import withdraw

    for done in withdraw(target, store=store):
        click.echo(done.line())


@app.command("export")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), required=True,
              help="parquet: a folder partitioned by domain and period; csv: one file.")
@click.argument("out", type=click.Path(path_type=str))
@STORE_OPTION
def export_cmd(fmt, out, store):
    """Write the current records to OUT so that other tools can use them."""
    from civicstats import store as st

    n = st.export(fmt, out, store=store)
    click.echo(say("{n} current records written to {out} ({fmt})", n=n, out=out, fmt=fmt))


# -- issues (civicstats.store.issues) -------------------------------------------

ISSUE_HEADINGS = {"period": N_("month"), "source": N_("cell"), "severity": N_("severity"),
                  "rule": N_("problem"), "raw": N_("as written"), "message": N_("what to change")}
"""Column headings of the issues table printed for a person (the CSV keeps the contract's names)."""


@app.command("issues")
@click.option("--period", help="Only the issues of this month, YYYY-MM.")
@click.option("--file", "file", help="Only the issues of this file (its path as ingested, or its name).")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the issues to this CSV instead.")
@STORE_OPTION
def issues_cmd(period, file, out, store):
    """List the open issues in the store with their cells, as ingest found them. Exit 0.

    The CSV has the columns of contract 2 (source, severity, rule, raw, message) and the
    issue's domain, file and period.
    """
    import pandas as pd

    from civicstats import store as st
    from civicstats.csvsafe import write_csv
    from civicstats.messages import rule_words
    from civicstats.values import period_option

    if period is not None:
        period = period_option(period)
    found = st.issues(period, file=file, store=store)
    found = found.assign(period=found["period"].astype(str).replace("NaT", ""))
    if out:
        write_csv(found, out)
        click.echo(say("{n} open issues written to {out}", n=len(found), out=out))
        return
    if found.empty:
        click.echo(_("no open issues") if period is None and file is None else
                   _("no open issues for this month or file"))
        return
    shown = pd.DataFrame({
        "period": found["period"], "source": found["source"], "severity": found["severity"].map(_),
        "rule": found["rule"].map(rule_words), "raw": found["raw"], "message": found["message"],
    }).rename(columns=lambda c: _(ISSUE_HEADINGS[c]))
    with pd.option_context("display.unicode.east_asian_width", True, "display.max_colwidth", None,
                           "display.width", None):
        click.echo(shown.to_string(index=False))
    errors = int((found["severity"] == "error").sum())
    click.echo(say("{n} open issues ({errors} errors, {warnings} warnings)", n=len(found), errors=errors,
                   warnings=len(found) - errors))


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
    from civicstats import analyst, config, vocab
    from civicstats.clean import clean, records_for_csv
    from civicstats.csvsafe import write_csv
    from civicstats.messages import rule_words

    result = clean(file, domain, area=area, period=period, strict=strict)
    records, issues = result.records, result.issues
    errors = int((issues.severity == "error").sum())
    if issues_out:
        write_csv(issues, issues_out)
    if out and not (strict and errors):
        write_csv(records_for_csv(records), out)
    if not out or (strict and errors):
        click.echo(say("{n} records from {file} ({domain})", n=len(records), file=file, domain=result.domain))
        for measure, n in records.measure.value_counts(sort=False).items():
            if n:
                click.echo(f"  {measure:<24} {vocab.label(measure):<12} {n}")
        click.echo(say("{n} issues ({errors} errors, {warnings} warnings)", n=len(issues), errors=errors,
                       warnings=len(issues) - errors))
        for rule, n in issues.rule.value_counts().items():
            click.echo(f"  {rule:<24} {rule_words(rule):<12} {n}")
    for row in issues[issues.severity == "error"].head(10).itertuples():
        err(say("{source}: {rule}: {message}", source=row.source, rule=row.rule, message=row.message))
    if errors > 10:
        err(say("... and {n} more errors", n=errors - 10) if issues_out else
            say("... and {n} more errors; pass --issues FILE to list them all", n=errors - 10))
    if strict and errors:
        err(say("--strict: {n} errors, nothing written", n=errors))
    if hints := analyst.hints(issues):
        err(say("{n} hints for the analyst in {path}", n=len(hints), path=config.log_dir() / analyst.LOG_FILE))
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
@click.option("--cluster", default=None, metavar="local:N|tcp://HOST:PORT",
              help="Run the notebooks on a Dask cluster: local:N worker processes here, or a "
                   "running scheduler (dask-jobqueue, Kubernetes); the report is the same.")
@click.option("--log", "log", type=click.Path(dir_okay=False), default=None,
              help="Also append every line printed, time-stamped, to this file (its folder is "
                   "created), e.g. logs/report.log for cron.")
def report_cmd(period, latest, areas, jobs, force, out, store, timeout, cluster, log):
    """Ingest what is new in data/raw, run every report notebook, write reports/<period>/.

    Exit 0 all reports ok, 1 some notebook failed (the others still written),
    2 bad arguments or parameters (no notebook started).
    """
    if log:
        from civicstats.logfile import tee_to

        with tee_to(log) as streams, contextlib.redirect_stdout(streams.stdout), \
                contextlib.redirect_stderr(streams.stderr):
            try:
                _report(period, latest, areas, jobs, force, out, store, timeout, cluster)
            except CivicstatsError as exc:  # into the log too, not only to cron mail
                err(f"error: {exc}")
                click.get_current_context().exit(exc.exit_code)
    else:
        _report(period, latest, areas, jobs, force, out, store, timeout, cluster)


def _report(period, latest, areas, jobs, force, out, store, timeout, cluster):
    from civicstats.errors import UsageError
    from civicstats.report import run_reports

    if bool(period) == bool(latest):
        raise UsageError("report", "give either --period YYYY-MM or --latest",
                         "e.g. civicstats report --period 2023-09")
    run = run_reports("latest" if latest else period, areas=areas, jobs=jobs, force=force,
                      out=out, store=store, timeout=timeout, cluster=cluster)
    for line in run.summary().splitlines():
        click.echo(line, file=sys.stderr if run.failed and line in run.failure_lines() else sys.stdout)
    click.get_current_context().exit(run.exit_code)


@app.command("charts")
@click.option("--period", required=True, help="The month, YYYY-MM.")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder for the charts.")
@click.option("--formats", default="png,svg,pdf", show_default=True, help="Comma-separated: png,svg,pdf.")
@click.option("--size", default="web", show_default=True,
              type=click.Choice(["column", "page", "web"]),
              help="column 85 mm / page 175 mm at 300 dpi, web 1200 px.")
@click.option("--source", default=None,
              help="The source line under each chart (default: 萧山区各街道、社区报表).")
@click.option("--byline", default="", help="Printed after the source line, e.g. 制图：区统计局.")
@click.option("--store", type=click.Path(dir_okay=False), help="Store file (default data/processed/civicstats.duckdb).")
def charts_cmd(period, out, formats, size, source, byline, store):
    """Export the month's newsletter charts (PNG/SVG/PDF + CSV + alt text) from the store.

    Exit 0 all written, 2 bad arguments or no data for the month.
    """
    from civicstats import charts
    from civicstats import store as store_mod
    from civicstats.errors import UsageError
    from civicstats.values import period_option

    period = period_option(period)
    records = store_mod.load(store=store)
    if records.empty or not (records["period"].astype(str) == period).any():
        have = ", ".join(store_mod.periods(store=store)) or _("none")
        raise UsageError("charts", say("the store has no records for {period} (months: {have})",
                                       period=period, have=have),
                         _("ingest that month's files first, e.g. civicstats ingest data/raw"))
    nl = charts.newsletter(records, period, issues=store_mod.issues(period, store=store),
                           source=source, byline=byline)
    paths = charts.save_newsletter(nl, out, formats=[f.strip() for f in formats.split(",")],
                                   size=size)
    for name, chart in nl.charts.items():
        click.echo(f"{name}: {chart.title}")
    for name, reason in nl.skipped.items():
        err(say("skipped {name}: {reason}", name=name, reason=reason))
    click.echo(say("{n} charts, {files} files in {out}", n=len(nl.charts), files=len(paths), out=out))


# -- feedback / template (owner: civicstats.feedback) ------------------------------

FEEDBACK_OUT = "feedback"
"""Where annotated copies go by default: a folder of their own, never beside the returns
(a copy left in data/raw would be ingested as a return)."""


@app.command("feedback")
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@click.option("--domain", type=click.Choice(["partners", "childcare", "volunteers"]),
              help="What the files hold (default: inferred per file); not with --period.")
@click.option("--period", help="Every file of this month (YYYY-MM) in the store with open errors, "
                               "plus 退回清单_<period>.xlsx.")
@click.option("--out", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Folder for the annotated copies (default feedback/, with --period feedback/<period>/).")
@STORE_OPTION
def feedback_cmd(files, domain, period, out, store):
    """Write <stem>_批注.xlsx for each return: every issue cell marked and commented, a 问题清单 sheet.

    The original file is never changed. Exit 0 no errors, 1 some file has errors (with --period:
    some file must be resent), 2 a file could not be read, or usage.
    """
    from civicstats.errors import UsageError
    from civicstats.feedback import annotate, returns
    from civicstats.messages import say

    if bool(files) == bool(period) or (period and domain):
        raise UsageError("feedback", say("give either FILE… or --period YYYY-MM (with --period the "
                                         "domain comes from the store)"),
                         say("e.g. civicstats feedback data/raw/partners/partners_2023-09.xlsx"))
    if period:
        sent = returns.send_back(period, out_dir=out or f"{FEEDBACK_OUT}/{period}", store=store)
        for row in sent.rows:
            click.echo(say("{unit}: {file}: errors {errors}, warnings {warnings} → {annotated}",
                           unit=row.unit, file=row.file, errors=row.errors, warnings=row.warnings,
                           annotated=row.annotated))
        click.echo(say("{n} files to resend; list: {path}", n=len(sent.rows), path=sent.path))
        click.get_current_context().exit(sent.exit_code)
    code = 0
    for file in files:
        try:
            done = annotate.annotate(file, domain, out_dir=out or FEEDBACK_OUT)
        except CivicstatsError as exc:  # one unreadable file does not stop the others
            err(say("error: {message}", message=exc))
            code = 2
            continue
        click.echo(say("{file}: errors {errors}, warnings {warnings} → {out}", file=file,
                       errors=done.errors, warnings=done.warnings, out=done.out))
        code = max(code, 1 if done.errors else 0)
    click.get_current_context().exit(code)


@app.command("template")
@click.option("--domain", required=True, type=click.Choice(["partners", "childcare", "volunteers"]),
              help="What the form asks for.")
@click.option("--period", required=True, help="The month the form is for, YYYY-MM.")
@click.option("--street", help="One row per community of this street (default: one row per street).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=str),
              help="The form to write, FILE.xlsx.")
def template_cmd(domain, period, street, out):
    """Write the standard fill-in return: filled in as it asks, it cleans with no issue.

    Exit 0 written, 2 usage (unknown street, bad month, not .xlsx).
    """
    from civicstats.feedback.template import write_template
    from civicstats.messages import say

    form = write_template(domain, period, street=street, out=out)
    click.echo(say("{title}: {rows} rows → {path}", title=form.title, rows=len(form.areas),
                   path=form.path))


def os_error_message(exc: OSError) -> str:
    """A plain sentence for a failed read or write, naming the path and what to do.

    >>> from civicstats.messages import language
    >>> with language("en"):
    ...     os_error_message(OSError(28, "No space left on device", "/srv/reports/2023-09"))
    "cannot write '/srv/reports/2023-09': No space left on device. What to do: free disk space or choose another --out folder; nothing already stored or reported was changed."
    """
    where = exc.filename or ""
    what = exc.strerror or str(exc)
    return (say("cannot write '{path}': {reason}. What to do: free disk space or choose another --out "
                "folder; nothing already stored or reported was changed.", path=where, reason=what)
            if where else
            say("{reason}. What to do: check the output folder exists, is writable and the disk has "
                "space; nothing already stored or reported was changed.", reason=what))


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return (and, when called as a script, exit with) its exit code."""
    try:
        code = app.main(args=argv, prog_name="civicstats", standalone_mode=False)
    except CivicstatsError as exc:
        err(say("error: {message}", message=exc))
        code = exc.exit_code
    except click.exceptions.Abort:
        err(_("aborted."))
        code = 130
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except KeyboardInterrupt:
        err(_("interrupted."))
        code = 130
    except OSError as exc:  # disk full, unwritable or missing folder: say where and what to do
        err(say("error: {message}", message=os_error_message(exc)))
        code = 2
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        if os.environ.get("CIVICSTATS_DEBUG"):
            raise
        err(say("error: unexpected {kind}: {reason}. What to do: rerun with CIVICSTATS_DEBUG=1 and "
                "report this message.", kind=type(exc).__name__, reason=exc))
        code = 2
    code = 0 if code is None else int(code)
    if argv is None:
        sys.exit(code)
    return code


if __name__ == "__main__":
    main()
