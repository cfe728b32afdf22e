"""What a header names: a measure, a context field, a column to skip, or nothing.

A header arrives as its parts from top to bottom (merged parents first). Each
part is normalised first — full-width folded, whitespace dropped, a unit in
brackets or after a slash taken off and kept (``个人合伙人（名）``,
``参与人数/人``), other bracketed remarks dropped — and then matched against
the vocabulary by the **longest term it contains**, not by exact string.
A generic leaf under a specific parent (``新增托位任务 / 总数``,
``合伙人情况 / 个人``) is matched through the parent: the leaf alone first,
then the leaf joined to each parent above it (both orders), nearest parent
first. Two measures matched by equally long terms are ambiguous, never a pick.

>>> resolve(("个人合伙人（名）",)).name, resolve(("捐赠金额（万元）",)).factor
('resident_partners', 10000.0)
>>> [resolve(("新增托位任务", p)).name for p in ("总数", "其中：普惠")]
['slots_target', 'inclusive_slots_target']
>>> resolve(("合伙人情况", "个人")).name, resolve(("志愿服务", "参与情况", "人数")).name
('resident_partners', 'volunteers')
>>> resolve(("当月新增团体合伙人",)).why, resolve(("团体合伙人总数",)).name
('flow', 'group_partners')
>>> resolve(("志愿者（小时）",)).why
'unit_conflict'
>>> resolve(("托育园所名称",)).name, resolve(("社区（村）名称",)).rank, resolve(("备注",)).kind
('group', 2, 'skip')
>>> resolve(("居民合伙人", "3月")).month, resolve(("居民合伙人", "2024年3月")).period
(3, '2024-03')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import combinations

from civicstats import vocab
from civicstats.values import cn_digits_to_arabic, parse_period

TOTAL_WORDS = re.compile(r"合计|总计|小计|总和")
"""In a header part that is not the measure itself, these make a total column."""
_QIZHONG = re.compile(r"^其中[:：]?(.*)$")
_BRACKET = re.compile(r"[(\[【〔{]([^()\[\]【】〔〕{}]*)[)\]】〕}]")
_SLASH_UNIT = re.compile(r"[/\\]([^/\\]{1,3})$")
_UNIT_PREFIX = re.compile(r"^(计量)?单位[:：]?")
_NAME_SUFFIX = re.compile(r"(名称|名字|全称|简称|名单|姓名|名)$")
_ORG = re.compile(r"(组织|机构|单位|队|团|园|所|中心|合伙人|企业|学校|协会|商户)$")
_CONTEXT_PREFIX = re.compile(r"^(所属|所在|填报)")
_MONTH_ONLY = re.compile(r"^([0-9]{1,2})月份?$")


@dataclass(frozen=True)
class Column:
    """What a header names. ``kind``: "measure" | "context" | "part" | "skip" | None."""

    kind: str | None
    domain: str = ""
    name: str = ""  # measure id or context field
    rank: int = 0
    label: str = ""  # sub-unit named by other header parts (becomes part of ``group``)
    total: bool = False  # a 合计/小计 part sits in the header
    period: str = ""  # a month named by a header part ("居民合伙人/2023年9月"), as YYYY-MM
    month: int = 0  # a month without its year ("居民合伙人/3月"): the year comes from elsewhere
    unit: str = ""  # the unit written in the header (人, 万元 ...)
    factor: float = 1.0  # multiply plain numbers by this to reach the base unit (万元: 10000)
    why: str = ""  # for kind None: "flow", "ratio", "unit_conflict", "ambiguous" or ""
    candidates: tuple[str, ...] = ()  # the measures an ambiguous header could be


# ----------------------------------------------------------------------------- data


@cache
def units() -> dict[str, tuple[str, float, frozenset]]:
    """Unit word -> (kind, factor to the base unit, measure units it fits).

    >>> units()["万元"][:2], "persons" in units()["人"][2]
    (('yuan', 10000.0), True)
    """
    df = vocab._vocab_csv("units.csv")
    return {r.unit: (r.kind, float(r.factor), frozenset(filter(None, r.fits.split("|"))))
            for r in df.itertuples()}


@cache
def words() -> dict[str, tuple[str, ...]]:
    """Word lists by kind (skip, ratio, flow, generic), longest first."""
    df = vocab._vocab_csv("words.csv")
    return {r.kind: tuple(sorted(r.words.split("|"), key=len, reverse=True)) for r in df.itertuples()}


@cache
def _measure_terms() -> list[tuple[str, str, str]]:
    """(term, domain, measure), longest term first."""
    out = {}
    for row in vocab.measures().itertuples():
        for header in row.headers.split("|"):
            if "/" in header:  # a whole multi-row name, matched exactly (see _candidates)
                continue
            term, _ = split_unit(vocab.normalize_text(header))
            out.setdefault(term, (row.domain, row.measure))
    return sorted(((t, d, m) for t, (d, m) in out.items() if t), key=lambda x: -len(x[0]))


@cache
def _context_terms() -> dict[str, tuple[str, int]]:
    out = {}
    for row in vocab._vocab_csv("context.csv").itertuples():
        for header in row.headers.split("|"):
            term, _ = split_unit(vocab.normalize_text(header))
            out.setdefault(_NAME_SUFFIX.sub("", term) or term, (row.field, int(row.rank)))
            out.setdefault(term, (row.field, int(row.rank)))
    return out


@cache
def _measure_unit() -> dict[str, str]:
    return dict(zip(vocab.measures().measure, vocab.measures().unit, strict=True))


# ----------------------------------------------------------------------------- normalising


def split_unit(text: str) -> tuple[str, str]:
    """(header without unit or bracketed remark, the unit) for one normalised header part.

    >>> split_unit("个人合伙人(名)"), split_unit("参与人数/人"), split_unit("社区(村)名称")
    (('个人合伙人', '名'), ('参与人数', '人'), ('社区名称', ''))
    >>> split_unit("(单位:万元)"), split_unit("服务时长(小时)")
    (('', '万元'), ('服务时长', '小时'))
    """
    unit = ""

    def take(m):
        nonlocal unit
        inner = _UNIT_PREFIX.sub("", m.group(1))
        if inner in units():
            unit = inner
        return ""

    core = _BRACKET.sub(take, text)
    if m := _SLASH_UNIT.search(core):
        inner = _UNIT_PREFIX.sub("", m.group(1))
        if inner in units():
            unit, core = inner, core[: m.start()]
    if not core:
        return "", unit
    bare = _UNIT_PREFIX.sub("", core)
    if bare != core and bare in units():
        return "", bare
    if core in units():
        return "", core
    return core, unit


def is_unit(text: str) -> bool:
    """True for a cell that is nothing but a unit (a unit row's cell): ``万元``, ``（人）``, ``单位：小时``.

    >>> [is_unit(t) for t in ("万元", "（人）", "单位：小时", "单位", "志愿者人数", "")]
    [True, True, True, False, False, False]
    """
    core, unit = split_unit(vocab.normalize_text(text))
    return not core and bool(unit)


_TEAM = re.compile(r"(队|团|园|中心|协会|学校|企业|站|所)$")
"""How the name of one team or provider ends (a role such as 责任单位 or a header such as 服务队 is not one)."""


def names_group(text: str) -> bool:
    """A header naming one organisation, as a transposed table's column (a team, a provider).

    >>> [names_group(t) for t in ("文明劝导队", "春之歌艺术团", "阳光托育园", "团体合伙人", "天悦社区", "责任单位", "服务队")]
    [True, True, True, False, False, False, False]
    """
    core = _clean_part(text)[0]
    return (len(core) >= 3 and bool(_TEAM.search(core)) and core not in _context_terms()
            and not match_measure(core)[1])


def _clean_part(part: str) -> tuple[str, str]:
    return split_unit(vocab.normalize_text(part))


def month_of(text: str) -> int:
    """1..12 for a part naming a month without its year ("3月", "三月"), else 0.

    >>> month_of("3月"), month_of("十二月"), month_of("2024年3月"), month_of("13月")
    (3, 12, 0, 0)
    """
    m = _MONTH_ONLY.match(cn_digits_to_arabic(text))
    n = int(m.group(1)) if m else 0
    return n if 1 <= n <= 12 else 0


def month_named(part: str) -> tuple[str, int]:
    """(``YYYY-MM``, 0) for a header part naming a month with its year, ("", month) for one
    without ("3月"), ("", 0) otherwise; a bare number is never a month.

    >>> month_named("2024年3月"), month_named("三月"), month_named("2024"), month_named("居民合伙人")
    (('2024-03', 0), ('', 3), ('', 0), ('', 0))
    """
    period = "" if part.isdigit() else (parse_period(part) or "")
    return period, 0 if period else month_of(part)


def _has(text: str, kind: str) -> str:
    return next((w for w in words()[kind] if w in text), "")


# ----------------------------------------------------------------------------- matching


MIN_COVER = 1 / 3
"""A term names a header only when it is at least this share of the header's text:
``高校志愿者小额阅读活动`` is an activity, not a count of 志愿者."""


def match_measure(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The longest vocabulary term inside ``text`` and every (domain, measure) it names.

    A term shorter than ``MIN_COVER`` of the text does not count.

    >>> match_measure("团体合伙人总数")
    ('团体合伙人', [('partners', 'group_partners')])
    >>> match_measure("序号"), match_measure("高校志愿者小额阅读活动")
    (('', []), ('', []))
    """
    best, hits = "", []
    for term, domain, measure in _measure_terms():
        if len(term) < len(best) or len(term) < MIN_COVER * len(text):
            break
        if term in text:
            if len(term) > len(best):
                best, hits = term, []
            if (domain, measure) not in hits:
                hits.append((domain, measure))
    return best, hits


def match_context(text: str) -> tuple[str, int] | None:
    """(field, rank) when ``text`` is a context header (area/group/period/year), else None.

    Exact after dropping 所属/所在 and 名称; a group term may end a longer name
    (服务队伍名称), an area term may not (城厢街道 is an area, not a header).

    >>> match_context("所属村社"), match_context("服务队伍名称"), match_context("城厢街道")
    (('area', 2), ('group', 1), None)
    """
    terms = _context_terms()
    core = _CONTEXT_PREFIX.sub("", text) or text
    for t in (text, core, _NAME_SUFFIX.sub("", core)):
        if t in terms:
            return terms[t]
    bare = _NAME_SUFFIX.sub("", core)
    for term, hit in terms.items():
        if hit[0] == "group" and len(term) >= 2 and bare.endswith(term):
            return hit
    return None


_AND = re.compile(r"及|和|与|、|以及|暨")


def is_compound(part: str) -> bool:
    """A parent joining two measures (``志愿者服务人数及时长``): it cannot name the measure alone.

    >>> is_compound("志愿者服务人数及时长统计"), is_compound("志愿者服务时长")
    (True, False)
    """
    pieces = [p for p in _AND.split(part) if p]
    if len(pieces) < 2:
        return False
    found = {hit for p in pieces for _, h in [match_measure(p)] for hit in h}
    return len(found) >= 2 or (len(found) == 1 and any(_measure_unit_word(p) for p in pieces))


def _measure_unit_word(piece: str) -> bool:
    return any(w in piece for w in ("时长", "小时", "人数", "人次", "金额"))


def _exact(parts: tuple[str, ...]):
    """A whole multi-row name the vocabulary spells out (志愿者服务人数及时长统计/人数), with the
    parts it uses: the whole name, its tails, or the top part with the leaf."""
    n = len(parts)
    keys = [(tuple(range(i, n)), "/".join(parts[i:])) for i in range(n - 1)]
    if n > 2:
        keys.append(((0, n - 1), f"{parts[0]}/{parts[-1]}"))
    for used, key in keys:
        if hit := vocab.header_to_measure(key):
            return used, [hit]
    return None


def _candidates(parts: tuple[str, ...]):
    """Texts to match, most specific first: (part indices, their texts in the order joined)."""
    n = len(parts)
    generic = words()["generic"]

    def strip(p):
        for w in generic:
            p = p.replace(w, "")
        return p

    if is_compound(parts[-1]):
        return
    yield (n - 1,), (parts[-1],)
    parents = [i for i in range(n - 1) if not is_compound(parts[i])]
    for k in range(2, n + 1):  # the leaf with k-1 parents, nearest parents first
        for chosen in sorted(combinations(parents, k - 1), key=lambda c: (-sum(c), c)):
            used = (*chosen, n - 1)
            texts = [strip(parts[i]) if i != n - 1 else parts[i] for i in used]
            yield used, tuple(texts)
            if k == 2:
                yield used[::-1], tuple(texts[::-1])  # 合伙人 / 个人 -> 个人合伙人
    for i in reversed(parents):  # a specific parent over a leaf that names no measure
        yield (i,), (parts[i],)


_QUARTER = re.compile(r"^(第?[一二三四1-4]季度|[一二三四1-4]季|Q[1-4]|上半年|下半年)$", re.I)


def is_quarter(part: str) -> bool:
    """A header part naming a quarter or half-year: a period, but not a month.

    >>> is_quarter("第三季度"), is_quarter("Q2"), is_quarter("3月"), is_quarter("居民合伙人")
    (True, True, False, False)
    """
    return bool(_QUARTER.match(vocab.normalize_text(part)))


_YEAR_PART = re.compile(r"^((?:19|20)\d{2})年?$")
"""A header part that is a year alone (``2025年`` merged over ``11月 | 12月``)."""


@lru_cache(maxsize=8192)
def resolve(parts: tuple[str, ...]) -> Column:
    """What a header (its parts from top to bottom) names; see the module docstring."""
    cleaned = [_clean_part(p) for p in parts]
    unit = next((u for _, u in reversed(cleaned) if u), "")
    norm = tuple(c for c, _ in cleaned if c)
    named = [month_named(p) for p in norm]
    periods = [p for p, _ in named if p]
    months = [m for _, m in named if m]
    years = [int(m[1]) for p in norm if (m := _YEAR_PART.match(p))]
    if months and not periods and len(years) == 1 and len(months) == 1:  # 2025年 over 11月
        periods, months = [f"{years[0]:04d}-{months[0]:02d}"], []
    if len(norm) > 1 and (periods or months):  # 居民合伙人 / 2024年3月: the month is not the measure
        norm = tuple(p for p, n in zip(norm, named, strict=True)
                     if n == ("", 0) and not _YEAR_PART.match(p))
        if not norm:
            return Column(None, unit=unit)
        col = resolve(norm + (f"({unit})",) if unit else norm)
        if col.kind != "measure":
            return col
        return replace(col, period=periods[0] if len(periods) == 1 else "",
                       month=months[0] if len(months) == 1 and not periods else 0)
    if not norm:
        return Column(None, unit=unit)
    qz = _QIZHONG.match(norm[-1])
    if qz:
        if len(norm) > 1 and qz.group(1) and resolve(norm[:-1]).kind != "measure":
            # 合伙人总数 / 其中：个人: a parent that is no measure itself, so the part is the
            # measure it names with the parent (个人合伙人), not a part of another column
            whole = resolve((*norm[:-1], qz.group(1)) + ((f"({unit})",) if unit else ()))
            if whole.kind == "measure":
                return whole
        return _part_column(norm, qz.group(1), unit)
    leaf = norm[-1]
    leaf_term = match_measure(leaf)[0]
    via_parent = len(norm) > 1 and not leaf_term and _any_measure(norm)  # 合伙人情况 / 单位
    if _has(leaf, "skip") == leaf and not via_parent:
        return Column("skip")
    if not leaf_term and not via_parent and (ctx := match_context(leaf)):
        return Column("context", "", ctx[0], rank=ctx[1])
    if len(norm) == 1 and not leaf_term and _has(leaf, "skip"):
        return Column("skip")
    if _NAME_SUFFIX.search(leaf) and _ORG.search(_NAME_SUFFIX.sub("", leaf)):
        return Column("context", "", "group", rank=0)  # a list of organisations: one row per group
    raw = tuple(vocab.normalize_text(p) for p in parts if vocab.normalize_text(p))
    hit = _exact(raw)
    if hit and len(raw) == len(norm):
        used, exact = hit
        return _measure_column(norm, used, "", exact[0][1], exact, unit)
    if hit:  # a unit part (小时) is part of the name: 志愿者服务人数及时长统计/小时
        used, exact = hit
        kept = [i for i in range(len(raw)) if i not in used]
        rest = tuple(raw[i] for i in kept if i > min(used))
        return replace(_measure_column(raw, used, "", exact[0][1], exact, ""), label="/".join(
            p for p in rest if not TOTAL_WORDS.search(p)), total=any(TOTAL_WORDS.search(raw[i]) for i in kept))
    for order, texts in _candidates(norm):
        text = "".join(texts)
        term, hits = match_measure(text)
        if not hits:
            continue
        return _measure_column(norm, _touched(order, texts, term), text, term, hits, unit)
    for i in reversed(range(len(norm))):
        if ctx := match_context(norm[i]):
            return Column("context", "", ctx[0], rank=ctx[1],
                          total=any(TOTAL_WORDS.search(p) for p in norm))
    if _has("".join(norm), "ratio") or unit in ("%", "‰"):
        return Column(None, why="ratio")
    return Column(None, unit=unit)


def _any_measure(norm) -> bool:
    """Whether a multi-part header names a measure through its parents (合伙人情况 / 单位)."""
    return any(match_measure("".join(texts))[1] for _, texts in _candidates(norm))


def _part_column(norm, text: str, unit: str) -> Column:
    """A 其中 part: the inclusive part of its parent measure, else the measure it names."""
    if len(norm) > 1:
        parent = resolve(norm[:-1])
        if parent.kind == "measure":
            inc = vocab.inclusive_parts().get(parent.name)
            if inc and (not text or "普惠" in text):
                return Column("measure", parent.domain, inc, period=parent.period, month=parent.month,
                              unit=unit or parent.unit, factor=factor(unit) if unit else parent.factor)
            return Column(None, parent.domain)
    if text and (hit := match_measure(text)[1]) and len(hit) == 1:
        return Column("measure", hit[0][0], hit[0][1], unit=unit, factor=factor(unit))
    return Column("part", unit=unit)


def factor(unit: str) -> float:
    """What a number written in ``unit`` is multiplied by to reach the base unit (1 when unknown).

    >>> factor("万元"), factor("人"), factor("")
    (10000.0, 1.0, 1.0)
    """
    return units()[unit][1] if unit in units() else 1.0


def unit_fits(measure: str, unit: str) -> bool:
    """False only when ``unit`` is a known unit that contradicts the measure (志愿者 in 小时).

    >>> unit_fits("volunteers", "小时"), unit_fits("volunteers", "名"), unit_fits("volunteers", "")
    (False, True, True)
    """
    return unit not in units() or _measure_unit()[measure] in units()[unit][2]


def _touched(order, texts, term) -> tuple[int, ...]:
    """The parts a matched term overlaps; the others are sub-units (男性) or generic (总数).

    >>> _touched((1, 2), ("成人受益人数", "男性"), "受益人数"), _touched((1, 0), ("个人", "合伙人"), "个人合伙人")
    ((1,), (1, 0))
    """
    joined = "".join(texts)
    at = joined.find(term)
    out, pos = [], 0
    for i, t in zip(order, texts, strict=True):
        if pos < at + len(term) and at < pos + len(t):
            out.append(i)
        pos += len(t)
    return tuple(out) or tuple(order)


def _measure_column(norm, used, text, term, hits, unit) -> Column:
    if len(hits) > 1:
        return Column(None, hits[0][0], why="ambiguous", candidates=tuple(m for _, m in hits))
    domain, measure = hits[0]
    # a flow word anywhere from the measure's part down (居民合伙人 / 本月新增), not only in it
    joined = "".join(norm[i] for i in range(min(used), len(norm)))
    if (_has(joined, "flow") and _has(joined, "flow") not in term) or (_has(text, "ratio") and
                                                                        _has(text, "ratio") not in term):
        return Column(None, domain, why="flow" if _has(joined, "flow") not in term else "ratio")
    if not unit_fits(measure, unit):
        return Column(None, domain, measure, unit=unit, why="unit_conflict")
    n = len(norm)
    top = min(used)
    rest = [norm[i] for i in range(n) if i not in used and i > top]
    total = any(TOTAL_WORDS.search(norm[i]) for i in range(n) if i not in used)
    label = "/".join(p for p in rest if not TOTAL_WORDS.search(p) and _has(p, "generic") != p
                     and _has(p, "leaf") != p)
    return Column("measure", domain, measure, label=label, total=total, unit=unit, factor=factor(unit))


def this_month_beside_cumulative(names: dict, cols: dict) -> list:
    """Columns whose leaf is 本月/当月/本期 under the same measure as a sibling whose leaf is a
    running count (本月 | 本年累计): the month's change beside the stock, so a flow.

    >>> names = {1: ("服务时长", "本月"), 2: ("服务时长", "本年累计"), 3: ("志愿者人数",)}
    >>> this_month_beside_cumulative(names, {c: resolve(p) for c, p in names.items()})
    [1]
    """
    by: dict[tuple, list] = {}
    for c, col in cols.items():
        if col.kind == "measure":
            by.setdefault((col.domain, col.name, col.period), []).append(c)
    out = []
    for group in by.values():
        leaves = {c: vocab.normalize_text(names[c][-1]) for c in group}
        if len(group) > 1 and any(_has(leaf, "cumulative") == leaf for leaf in leaves.values()):
            out += [c for c, leaf in leaves.items() if _has(leaf, "this_month") == leaf]
    return sorted(out)


def measures_named_in(text: str, domain: str) -> list[str]:
    """The distinct measures of ``domain`` a title names (longest terms first, no overlaps).

    >>> measures_named_in("2023年下半年各街道已完成新增托位累计情况", "childcare")
    ['slots_added']
    >>> measures_named_in("计划新增托位及完成新增托位情况", "childcare")
    ['slots_target', 'slots_added']
    """
    rest, found = vocab.normalize_text(text), []
    for term, d, measure in _measure_terms():
        if d == domain and len(term) >= 3 and term in rest:
            rest = rest.replace(term, "|")
            if measure not in found:
                found.append(measure)
    return found


def unit_line_factor(lines) -> float:
    """The factor of a ``金额单位：万元`` / ``单位：万元`` line above a table (money columns), else 1.

    >>> unit_line_factor(["2024年志愿服务统计", "金额单位：万元"]), unit_line_factor(["单位：人"])
    (10000.0, 1.0)
    """
    for line in lines:
        t = vocab.normalize_text(line)
        for m in re.finditer(r"(?:金额|资金)?单位[:：]([^,，;；\s]+)", t):
            u = m.group(1).rstrip("。.)）")
            for unit in sorted(units(), key=len, reverse=True):
                if u.startswith(unit) and units()[unit][0] == "yuan":
                    return units()[unit][1]
    return 1.0


def clear_caches() -> None:
    """Forget every vocabulary table read so far (after editing the CSVs in a running session)."""
    for fn in (vocab.measures, vocab._measure_headers, vocab._context_headers, units, words,
               _measure_terms, _context_terms, _measure_unit, resolve):
        fn.cache_clear()
