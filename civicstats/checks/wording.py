"""The message of each finding, in the reader's language, naming what it was compared with.

Pure functions over one finding (a row of :data:`civicstats.checks.sql.FINDING_COLUMNS`):
numbers as a person writes them, cells relative to the offending one (``B7`` on the same
sheet, ``Sheet2!B7`` in the same file, the whole ``file#sheet!cell`` elsewhere).

>>> from civicstats.checks.rules import load_rules, by_id
>>> from civicstats.messages import language
>>> row = {"period": "2023-09", "area": "北干街道", "grp": "", "measure": "inclusive_slots_added",
...        "value": 620.0, "source": "c.xlsx#9月!C7", "other_measure": "slots_added",
...        "other_value": 580.0, "other_source": "c.xlsx#9月!B7", "variant": "message"}
>>> rule = by_id(load_rules())["check_part_whole"]
>>> with language("zh"):
...     message(rule, row)
'北干街道2023年9月：完成普惠托位 620（C7）大于已完成新增托位 580（B7），其中数不能大于总数，请核对这两格'
>>> with language("en"):
...     message(rule, row)[:74]
'北干街道 2023-09: inclusive slots added 620 (C7) is above slots added 580 (B7)'
"""

from __future__ import annotations

import math
from functools import cache

from civicstats import messages
from civicstats.checks.rules import Rule


def number(value) -> str:
    """A figure as a person writes it: no ``.0``, thousands grouped, at most 2 decimals.

    >>> number(12000.0), number(0.5), number(None), number(1234.567)
    ('12,000', '0.5', '—', '1,234.57')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text


def raw(value) -> str:
    """The offending figure as the issue's ``raw`` text (empty when nothing was sent).

    >>> raw(12000.0), raw(None)
    ('12000', '')
    """
    return "" if value is None else number(value).replace(",", "")


def ratio(value, base) -> str:
    """How many times ``base`` ``value`` is: whole above 10, one decimal below.

    >>> ratio(12000, 349), ratio(70, 20), ratio(5, 0)
    ('34', '3.5', '—')
    """
    if not base or value is None:
        return "—"
    r = value / base
    return f"{r:.0f}" if r >= 10 else f"{r:.1f}"


def percent(share: float) -> str:
    """>>> percent(0.9), percent(0.555)
    ('90%', '56%')
    """
    return f"{share * 100:.0f}%"


def cell(source: str) -> str:
    """The cell of a ``FILE#SHEET!CELL`` source.

    >>> cell("p.xlsx#9月!C7")
    'C7'
    """
    return source.rpartition("!")[2] if source else ""


def relative(other: str | None, own: str | None) -> str:
    """``other`` as short as it can be said next to ``own``.

    >>> relative("p.xlsx#9月!B7", "p.xlsx#9月!C7"), relative("p.xlsx#8月!B7", "p.xlsx#9月!C7")
    ('B7', '8月!B7')
    >>> relative("q.xlsx#Sheet1!B5", "p.xlsx#9月!C7")
    'q.xlsx#Sheet1!B5'
    """
    if not other:
        return ""
    if not own:
        return other
    o_file, _, o_rest = other.partition("#")
    file, _, rest = own.partition("#")
    if o_file != file:
        return other
    o_sheet, _, o_cell = o_rest.rpartition("!")
    sheet = rest.rpartition("!")[0]
    return o_cell if o_sheet == sheet else o_rest


def label(measure: str | None, lang: str) -> str:
    """The measure's label: the vocabulary's Chinese one, or its id in words in English."""
    if not measure:
        return ""
    if lang == "en":
        return measure.replace("_", " ")
    return _labels().get(measure, measure)


@cache
def _labels() -> dict[str, str]:
    """Measure id -> Chinese label, read once (a message is written per finding)."""
    from civicstats import vocab

    df = vocab.measures()
    return dict(zip(df["measure"], df["label"], strict=True))


def who(area: str, group: str, lang: str) -> str:
    """>>> who("天悦社区", "红管家志愿队", "zh"), who("天悦社区", "", "en")
    ('天悦社区（红管家志愿队）', '天悦社区')
    """
    if not group:
        return area
    return f"{area}（{group}）" if lang == "zh" else f"{area} ({group})"


def period(text: str, lang: str) -> str:
    """>>> period("2023-09", "zh"), period("2023-09", "en")
    ('2023年9月', '2023-09')
    """
    if lang == "en":
        return text
    year, _, month = text.partition("-")
    return f"{year}年{int(month)}月"


def fields(rule: Rule, row: dict, lang: str) -> dict:
    """Every field a template may name, for one finding."""
    value, other = row.get("value"), row.get("other_value")
    own = row.get("source") if row.get("value") is not None else None
    share = (other - value) / other if other and value is not None else 0.0
    median, peer_median = row.get("median"), row.get("peer_median")
    is_spike_few = row.get("variant") == "message_few_months"
    return {
        "who": who(row["area"], row.get("grp") or "", lang),
        "period": period(row["period"], lang),
        "label": label(row["measure"], lang), "value": number(value),
        "cell": cell(row["source"]),
        "other_label": label(row.get("other_measure"), lang), "other_value": number(other),
        "other_cell": relative(row.get("other_source"), own),
        "factor": number(rule.params.get("factor")), "share": percent(share),
        "ratio": ratio(value, other if is_spike_few else median),
        "median": number(median), "months": number(row.get("months")),
        "peers": number(row.get("peers")), "peer_median": number(peer_median),
        "peer_ratio": ratio(value, peer_median),
    }


def message(rule: Rule, row: dict) -> str:
    """The finding's message in the current language (:mod:`civicstats.messages`)."""
    lang = messages.current()
    return rule.template(row.get("variant") or "message", lang).format(**fields(rule, row, lang))
