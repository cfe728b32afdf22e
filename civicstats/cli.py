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
def app():
    """Clean, store, report and chart district civic statistics."""


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
