"""Notebook parameters as data: which names each report notebook takes, their types and checks.

``civicstats report`` validates every parameter here, before any kernel starts,
so that a wrong period, an unknown area or a misspelt name is a plain usage
error (exit 2) and never a traceback inside a notebook.

>>> validate("overview", {"period": "2023-09"})["period"]
'2023-09'
>>> validate("overview", {"period": "2023-13"})
Traceback (most recent call last):
...
civicstats.errors.UsageError: 参数 period：‘2023-13’不是月份（应写作 YYYY-MM，月份 01–12）。处理办法：请按 2023-09 的格式填写月份。
>>> validate("area_profile", {"period": "2023-09", "area": "北干天悦社区"})["area"]
'天悦社区'
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from civicstats.errors import UsageError
from civicstats.messages import N_, _, say
from civicstats.values import check_period  # noqa: F401 - the check of every period parameter


def check_text(value: Any) -> str:
    """Any single-line text (paths, folder names); newlines and NULs are refused."""
    text = "" if value is None else str(value)
    if "\n" in text or "\x00" in text or "\r" in text:
        raise ValueError(say("'{text}' must be one line", text=text))
    return text


def check_area(value: Any, known: Iterable[str] = ()) -> str:
    """A known area: canonical name from the reference list, or one present in ``known``.

    >>> check_area("天悦")
    '天悦社区'
    >>> check_area("某某社区", known=["某某社区"])
    '某某社区'
    """
    from civicstats import vocab

    text = check_text(value).strip()
    canonical = vocab.canonical_area(text)
    if canonical:
        return canonical
    if text and text in set(known):
        return text
    raise ValueError(say("'{text}' is not a known area (see data/reference/areas.csv)", text=text))


@dataclass(frozen=True)
class Param:
    """One notebook parameter: its type, its default (``None`` = required) and its check."""

    name: str
    type: type
    default: Any
    check: Callable[[Any], Any]
    help: str = ""


COMMON = (
    Param("period", str, None, check_period, N_("reporting month YYYY-MM")),
    Param("store", str, "", check_text, N_("DuckDB store file; empty = the default store")),
    Param("output_dir", str, "charts", check_text, N_("folder for exported charts, relative to the report")),
)
"""Parameters every report notebook takes."""

AREA = Param("area", str, None, check_area, N_("the area to profile (canonical name)"))

REGISTRY: dict[str, tuple[Param, ...]] = {
    "overview": COMMON,
    "partners": COMMON,
    "childcare": COMMON,
    "volunteers": COMMON,
    "area_profile": (*COMMON, AREA),
    "explore": COMMON,
}
"""Notebook name -> its parameters. A notebook not listed takes the COMMON ones."""


def params_for(notebook: str) -> tuple[Param, ...]:
    """The parameters of a notebook (by name, without ``.ipynb``).

    >>> [p.name for p in params_for("area_profile")]
    ['period', 'store', 'output_dir', 'area']
    """
    return REGISTRY.get(notebook, COMMON)


def takes_area(notebook: str) -> bool:
    """True when the notebook runs once per area.

    >>> takes_area("area_profile"), takes_area("overview")
    (True, False)
    """
    return any(p.name == "area" for p in params_for(notebook))


def validate(notebook: str, given: dict[str, Any], *, known_areas: Iterable[str] = ()) -> dict:
    """Checked, typed parameter values (defaults filled in) or :class:`UsageError`.

    Values are plain ``str``/``int`` so papermill writes them as literals into
    the injected cell: nothing a user types can become code there.

    >>> from civicstats.messages import language
    >>> with language("en"):
    ...     validate("overview", {"period": "2023-09", "colour": "red"})
    Traceback (most recent call last):
    ...
    civicstats.errors.UsageError: notebook overview: unknown parameter 'colour'. What to do: use one of: period, store, output_dir.
    """
    spec = {p.name: p for p in params_for(notebook)}
    unknown = [name for name in given if name not in spec]
    if unknown:
        raise UsageError(say("notebook {notebook}", notebook=notebook),
                         say("unknown parameter '{name}'", name=unknown[0]),
                         say("use one of: {names}", names=", ".join(spec)))
    out = {}
    for name, p in spec.items():
        value = given.get(name, p.default)
        if value is None:
            raise UsageError(say("notebook {notebook}", notebook=notebook),
                             say("parameter {name} is required", name=name),
                             say("give {name} ({help})", name=name, help=_(p.help)))
        try:
            value = p.check(value, known_areas) if p is AREA else p.check(value)
        except ValueError as exc:
            todo = _("give the month as e.g. 2023-09") if name == "period" else say("check {name}", name=name)
            raise UsageError(say("parameter {name}", name=name), str(exc), todo) from None
        out[name] = p.type(value)
    return out


def defaults(notebook: str) -> dict[str, Any]:
    """Default values of a notebook's optional parameters.

    >>> defaults("overview")
    {'store': '', 'output_dir': 'charts'}
    """
    return {p.name: p.default for p in params_for(notebook) if p.default is not None}
