"""How a figure and a month are written, once, for report tables and newsletter charts alike.

A qualified figure is written the Chinese way, as the returns write it: ``10余`` (at least),
``约183`` (approximately), ``不足5`` (at most). Whole numbers get thousands separators,
fractions one decimal. A month is ``2023年9月``.

>>> mark(10, "at_least"), mark(183, "approx"), mark(5, "at_most"), mark(1234.0)
('10余', '约183', '不足5', '1,234')
>>> month_cn("2023-09")
'2023年9月'
"""

import math

import pandas as pd

MARKS = {"exact": "{v}", "at_least": "{v}余", "approx": "约{v}", "at_most": "不足{v}"}
"""How a qualified figure is written: ``10余``, ``约300``, ``不足5`` (the returns' own words)."""

MISSING = "—"
"""A figure that is not there."""

SOURCE = "萧山区各街道、社区报表"
"""The source line an editor prints under a chart (after "数据来源："), unless told otherwise."""

UNITS = {
    "resident_partners": "位", "group_partners": "家", "partner_projects": "个",
    "social_organisations": "个", "slots_target": "个", "inclusive_slots_target": "个",
    "slots_added": "个", "inclusive_slots_added": "个", "growth_stations": "家",
    "volunteers": "人", "service_hours": "小时", "people_served": "人次", "funds_yuan": "元",
}
"""The Chinese counter word written after a figure of each measure (位, 家, 个, 人, 元)."""


def number(value) -> str:
    """A number with thousands separators and no needless decimals.

    >>> number(923.0), number(12.5), number(300000.0), number(-3.0), number(float("nan"))
    ('923', '12.5', '300,000', '-3', '—')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return MISSING
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


def mark(value, qualifier: str = "exact") -> str:
    """A number with its qualifier as a reader writes it (``10余``, ``约183``, ``不足5``).

    >>> mark(10, "at_least"), mark(float("nan"), "approx")
    ('10余', '—')
    """
    text = number(value)
    if text == MISSING:
        return text
    return MARKS.get(str(qualifier), "{v}").format(v=text)


def month_cn(period) -> str:
    """A month (``2023-09``, a Period) as ``2023年9月``.

    >>> month_cn(pd.Period("2023-10", "M"))
    '2023年10月'
    """
    p = pd.Period(str(period)[:7], freq="M")
    return f"{p.year}年{p.month}月"
