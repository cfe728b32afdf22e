"""Which domains have reported a month, and the one sentence a page shows when one has not.

A month is reported domain by domain, as files arrive: partners may be in while
childcare is still missing. Every report page and the index say so in plain
words instead of failing on an empty table.

>>> import pandas as pd
>>> recs = pd.DataFrame({"domain": ["partners", "childcare"], "area": ["天悦社区", "萧山区"],
...                      "period": pd.PeriodIndex(["2023-11", "2023-10"], freq="M")})
>>> domain_status(recs, "childcare", "2023-11").sentence
'本月托位数据尚未报送（最近一次：2023年10月）'
>>> domain_status(recs, "partners", "2023-11").reported
True
>>> domain_status(recs, "volunteers", "2023-11").sentence
'尚无志愿服务数据'
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from civicstats.messages import N_, say

DOMAIN_WORDS = {"partners": N_("community partners"), "childcare": N_("childcare (short)"),
                "volunteers": N_("volunteer service")}
"""What a domain is called in a sentence (``本月托位数据尚未报送``)."""

DOMAIN_ORDER = ("partners", "childcare", "volunteers")


class Note:
    """One sentence a notebook shows in place of a table or chart that has nothing to show."""

    def __init__(self, text: str):
        self.text = str(text)

    def _repr_html_(self) -> str:
        return f'<p class="civicstats-note">{html.escape(self.text)}</p>'

    def _repr_markdown_(self) -> str:
        return html.escape(self.text)

    def __repr__(self) -> str:
        return self.text


def month_words(period) -> str:
    """``2023-10`` as a reader writes it, in the current language.

    >>> month_words("2023-10")
    '2023年10月'
    """
    p = pd.Period(str(period), freq="M")
    return say("{year}-{month:02d}", year=p.year, month=p.month)


@dataclass(frozen=True)
class DomainStatus:
    """Whether ``domain`` has records for ``period``, its last month before, its areas."""

    domain: str
    period: str
    areas: int
    last: str | None  # the latest earlier month with records, if any

    @property
    def reported(self) -> bool:
        return self.areas > 0

    @property
    def sentence(self) -> str:
        what = say(DOMAIN_WORDS.get(self.domain, self.domain))
        if self.reported:
            return say("{what}: {n} areas reported this month", what=what, n=self.areas)
        if self.last:
            return say("{what} data for this month not sent yet (last: {last})", what=what,
                       last=month_words(self.last))
        return say("no {what} data yet", what=what)

    @property
    def note(self) -> Note | None:
        """The sentence to show when the domain has not reported (``None`` when it has)."""
        return None if self.reported else Note(self.sentence)


def domain_status(records: pd.DataFrame, domain: str, period) -> DomainStatus:
    """How far ``domain`` has reported ``period`` in ``records`` (the store's records frame)."""
    p = pd.Period(str(period), freq="M")
    mine = records[records["domain"].astype(str) == domain] if len(records) else records
    now = mine[mine["period"] == p] if len(mine) else mine
    earlier = mine[mine["period"] < p] if len(mine) else mine
    last = str(earlier["period"].max()) if len(earlier) else None
    return DomainStatus(domain, str(p), int(now["area"].nunique()) if len(now) else 0, last)


def month_coverage(records: pd.DataFrame, period) -> list[DomainStatus]:
    """Every domain's status for the month, in report order."""
    return [domain_status(records, d, period) for d in DOMAIN_ORDER]


def coverage_table(records: pd.DataFrame, period) -> pd.DataFrame:
    """The domains in and still missing, as a small table for the overview page.

    >>> recs = pd.DataFrame({"domain": ["partners"], "area": ["天悦社区"],
    ...                      "period": pd.PeriodIndex(["2023-11"], freq="M")})
    >>> coverage_table(recs, "2023-11")["status"].tolist()
    ['社区合伙人：本月 1 个地区已报送', '尚无托位数据', '尚无志愿服务数据']
    """
    rows = [(s.domain, s.reported, s.sentence) for s in month_coverage(records, period)]
    return pd.DataFrame(rows, columns=["domain", "reported", "status"])
