"""What the report notebooks call: their parameter line and the month they show."""


from civicstats import params
from civicstats.errors import UsageError
from civicstats.messages import _


def parameter_table(notebook: str, **values):
    """The parameters a report ran with, marking those equal to their registered default.

    The first cell of every report notebook shows this table.
    """
    import pandas as pd

    default = params.defaults(notebook)
    rows = [(name, "" if value is None else str(value),
             "default" if name in default and value == default[name] else "given")
            for name, value in values.items()]
    return pd.DataFrame(rows, columns=["parameter", "value", "from"])


def resolve_period(period: str, store=None) -> str:
    """The month a notebook shows: the given one (checked), or the store's latest when empty.

    So that a notebook opened by hand in JupyterLab runs as it is.

    >>> resolve_period("2023-09")
    '2023-09'
    """
    if period:
        return params.check_period(period)
    from civicstats import store as st

    have = st.periods(store=store or None)
    if not have:
        raise UsageError("period", _("the store has no records yet"),
                         _("run civicstats ingest data/raw first"))
    return have[-1]


def parameter_line(period: str, area: str | None = None):
    """The short line a report page opens with: the month (and the area) it shows.

    The full parameters (store file, output folder) are for the audit and stay in
    ``manifest.json`` and the executed notebook, not on the page.

    >>> parameter_line("2023-09", "天悦社区")
    月份：2023年9月　地区：天悦社区
    """
    from civicstats.coverage import Note, month_words
    from civicstats.messages import say

    text = say("Month: {month}", month=month_words(period))
    if area:
        text += "　" + say("Area: {area}", area=area)
    return Note(text)
