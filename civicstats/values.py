"""Raw cell content -> (value, qualifier) or an issue; dates -> reporting months.

This module knows nothing of tables or files: it reads one cell (``parse_value``)
or one column (``parse_values``) at a time. The words it understands — units,
qualifiers, missing markers — are plain mappings at the top, so a new unit or
qualifier is a one-line change.

>>> parse_value("１０余人")
Parsed(value=10.0, qualifier='at_least', rule=None, message=None)
>>> parse_value("1.3亿元").value
130000000.0
>>> parse_value("约30万元")[:2]
(300000.0, 'approx')
>>> parse_value("1,2").rule
'ambiguous_number'
>>> parse_value("—")
Parsed(value=None, qualifier=None, rule=None, message=None)
>>> parse_period("2023年9月25日"), parse_period("9月底", default_year=2023)
('2023-09', '2023-09')
>>> find_period_in("天悦社区社区合伙人统计表（截至2023年9月底）")
'2023-09'

Messages name the cell's own text and say what to type instead, in the
reader's language (``civicstats.messages``); the rule ids are in
``civicstats.messages.RULE_WORDS``.

Decisions worth knowing:

- Thousands separators are accepted only in their unambiguous form: a first
  group of 1-3 digits, then groups of exactly 3 (``1,200``, ``1，200``,
  ``12,000,000``). A space (incl. U+3000, NBSP) typed between digit groups is
  treated the same way (``1 200`` -> 1200); ``1,2``, ``1,20``, ``12,00`` are
  ``ambiguous_number``, never 12; ``10 20`` is two numbers.
- A value is never guessed: ranges, dates, text, two numbers in one cell and
  conflicting qualifiers (``约10余``) are ``unreadable_value``.
- Periods are months. A quarter (``2023年第三季度``) or a year alone is not a
  month and gives ``None``; so does a month without a year unless
  ``default_year`` is given. A month range in a title (``2023年1-9月``, a
  cumulative report) gives its last month.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from numbers import Number
from typing import NamedTuple

import cn2an
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from civicstats.messages import N_, say
from civicstats.messages import current as current_language

# --------------------------------------------------------------------------- data

BASE_UNITS: dict[str, int] = {
    "人": 1, "名": 1, "位": 1, "个": 1, "家": 1, "支": 1, "户": 1, "所": 1, "处": 1,
    "场": 1, "次": 1, "人次": 1, "小时": 1, "个小时": 1, "元": 1, "项": 1, "件": 1,
    "间": 1, "张": 1, "个人": 1, "支队伍": 1,
}  # fmt: skip
"""Units written after a number; stripped (the number is already in base units)."""

MULTIPLIERS: dict[str, int] = {"千": 10**3, "万": 10**4, "百万": 10**6, "千万": 10**7, "亿": 10**8}
"""Multipliers written after a number (``3万`` = 30000), alone or before a base unit (``30万元``)."""

UNITS: dict[str, int] = {
    **BASE_UNITS,
    **MULTIPLIERS,
    **{m + u: f for m, f in MULTIPLIERS.items() for u in BASE_UNITS},
}
"""Every unit suffix -> factor to base units: ``元`` 1, ``万元`` 1e4, ``亿元`` 1e8, ``万人次`` 1e4..."""

QUALIFIER_PREFIXES: dict[str, str] = {
    "大约": "approx", "约": "approx", "将近": "approx", "接近": "approx", "近": "approx",
    "不到": "at_most", "不足": "at_most", "少于": "at_most", "低于": "at_most",
    "超过": "at_least", "逾": "at_least", "多于": "at_least",
    # signs as typed: ≥12, >=12, ≤5 (full-width ＞＝ is folded to >= before matching)
    "≥": "at_least", ">=": "at_least", ">": "at_least",
    "≤": "at_most", "<=": "at_most", "<": "at_most",
}  # fmt: skip
"""Qualifier words written before the number."""

QUALIFIER_SUFFIXES: dict[str, str] = {
    "余": "at_least", "多": "at_least", "以上": "at_least", "+": "at_least",
    "左右": "approx", "上下": "approx",
    "以下": "at_most", "以内": "at_most", "不到": "at_most",
}  # fmt: skip
"""Qualifier words written after the number (or between number and unit: ``10余人``, ``30多万元``)."""

MISSING_MARKERS: frozenset[str] = frozenset(
    ["", "-", "--", "---", "—", "——", "–", "―", "/", "//", "\\", "无", "暂无",
     "n/a", "na", "nan", "none", "null", "…", "..."]
)  # fmt: skip
"""Cell contents (after NFKC folding, trimming, lower-casing) that mean "no value"."""

EXCEL_ERRORS: frozenset[str] = frozenset(
    ["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
     "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"]
)  # fmt: skip
"""Error values Excel shows in place of a formula's result."""

RULES = ("excel_error", "ambiguous_number", "not_a_count", "negative_count", "fractional_count",
         "unreadable_value")
"""The issue rule ids a cell can raise (their words: ``civicstats.messages.RULE_WORDS``)."""

EXCEL_EPOCH = dt.date(1899, 12, 30)
"""Day 0 of Excel's 1900 date system (the 1900 leap-year bug makes it the 30th)."""
EXCEL_SERIAL_RANGE = (20000, 80000)
"""Numbers in this range in a period cell are read as Excel date serials (1954-2119)."""
YEAR_RANGE = (1900, 2100)
WHOLE_ABS_TOL, WHOLE_REL_TOL = 1e-9, 1e-13
"""A count this close to a whole number is that number: binary float noise, not a fraction."""


class Parsed(NamedTuple):
    """One cell read: a value and its qualifier, or an issue rule and message."""

    value: float | None
    qualifier: str | None
    rule: str | None
    message: str | None


MISSING = Parsed(None, None, None, None)

# ------------------------------------------------------------------ text folding

_DASH_CHARS = "\u2212\u2010\u2011\u2012\ufe63"  # minus signs and hyphens NFKC leaves alone
_FOLD = str.maketrans({c: "-" for c in _DASH_CHARS} | {"〜": "~", "﹢": "+"})
_WS = re.compile(r"\s+")
_WS_BETWEEN_DIGITS = re.compile(r"(?<=[0-9])\s+(?=[0-9])")
_ONLY_DASHES = re.compile(r"[-—–―_=·.…]+")


def _fold(text: str) -> str:
    """NFKC (full-width -> ASCII, keeps 汉字), unify minus signs, trim all whitespace."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD).strip()


def _squeeze(text: str) -> str:
    """Drop whitespace, except one space between two digits (1 200; 82881234 2023)."""
    return _WS.sub("", _WS_BETWEEN_DIGITS.sub("\0", text)).replace("\0", " ")


def is_missing(raw) -> bool:
    """True for an empty cell or a "no value" marker (—, -, /, 无, N/A, whitespace...).

    >>> [is_missing(x) for x in (None, float("nan"), "", "　", "—", "－", "/", "无", 0, "0")]
    [True, True, True, True, True, True, True, True, False, False]
    """
    if raw is None or raw is pd.NA or raw is pd.NaT:
        return True
    if isinstance(raw, np.datetime64 | np.timedelta64):
        return bool(np.isnat(raw))
    if isinstance(raw, float | np.floating):
        return bool(np.isnan(raw))
    if isinstance(raw, str):
        s = _WS.sub("", _fold(raw))
        return s.lower() in MISSING_MARKERS or bool(_ONLY_DASHES.fullmatch(s))
    return False


# ------------------------------------------------------------------ one value

def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_CN_DIGITS = "零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾"
_CN_CHARS = _CN_DIGITS + "百千万亿佰仟点"
_VALUE = re.compile(
    rf"(?P<pre>{_alternation(QUALIFIER_PREFIXES)})?"
    r"(?P<sign>[-+])?"
    rf"(?P<num>[0-9][0-9, ]*(?:\.[0-9, ]*)?|\.[0-9]+|[{_CN_DIGITS}][{_CN_CHARS}]*)"
    r"(?P<pct>%)?"
    rf"(?P<mid>余|多|\+)?"
    rf"(?P<unit>{_alternation(UNITS)})?"
    rf"(?P<post>{_alternation(QUALIFIER_SUFFIXES)})?"
)
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:(?P<sep>[, ])[0-9]{3})(?:(?P=sep)[0-9]{3})*")
_NUMBER_ANYWHERE = re.compile(rf"[0-9]+(?:[.,][0-9]+)*|[{_CN_DIGITS}][{_CN_CHARS}]*")
_RANGE = re.compile(
    rf"(?:{_alternation(QUALIFIER_PREFIXES)})?[0-9{_CN_CHARS}.,]+(?:{_alternation(UNITS)})?"
    rf"\s*(?:-|~|至|到|—|–|——)\s*[0-9{_CN_CHARS}.,]+(?:{_alternation(UNITS)})?"
    rf"(?:{_alternation(QUALIFIER_SUFFIXES)})?"
)


def _problem(rule: str, raw: str, msgid: str) -> Parsed:
    """An issue whose message (``msgid`` with a ``{raw}`` field) shows the cell's text."""
    shown = raw if len(raw) <= 80 else raw[:77] + "..."  # the issue row keeps the full text
    return Parsed(None, None, rule, say(msgid, raw=shown))


def _arabic(num: str) -> Decimal | str:
    """Digits with optional thousands separators and decimal part -> Decimal, or a rule id."""
    whole, _, frac = num.partition(".")
    if "," in frac or " " in frac or "." in frac:
        return "ambiguous_number" if "," in frac else "unreadable_value"
    if "," in whole or " " in whole:
        if not _THOUSANDS.fullmatch(whole):
            return "ambiguous_number" if " " not in whole else "unreadable_value"
        whole = whole.replace(",", "").replace(" ", "")
    try:
        return Decimal(f"{whole or '0'}.{frac or '0'}")
    except InvalidOperation:
        return "unreadable_value"


def _chinese(num: str) -> Decimal | None:
    try:
        return Decimal(str(cn2an.cn2an(num.replace("两", "二"), "strict")))
    except Exception:  # cn2an raises ValueError, but never let a library error escape
        return None


def _finish(value: float, qualifier: str, raw: str, count: bool) -> Parsed:
    """Apply the count checks to a read number (value already in base units)."""
    if not math.isfinite(value):
        return _problem("unreadable_value", raw, N_("'{raw}' is not a finite number; enter a number"))
    if count:
        if value < 0:
            return _problem("negative_count", raw, N_("'{raw}' is negative; a count cannot be below "
                                                      "zero, correct the number"))
        nearest = round(value)
        # Excel float noise (5.000000000007) is not a fraction; anything bigger is.
        if abs(value - nearest) > max(WHOLE_ABS_TOL, WHOLE_REL_TOL * abs(value)):
            return _problem("fractional_count", raw, N_("'{raw}' is not a whole number; a count must "
                                                        "be whole, correct the number or its unit"))
        value = float(nearest)
    return Parsed(float(value) + 0.0, qualifier, None, None)


def _parse_text(raw: str, count: bool) -> Parsed:
    # a space between two digits may be a thousands separator (1 200); any other goes
    s = _squeeze(_fold(raw))
    if s.lower() in MISSING_MARKERS or _ONLY_DASHES.fullmatch(s):
        return MISSING
    if s.upper() in EXCEL_ERRORS:
        return _problem("excel_error", raw, N_("'{raw}' is an Excel error: the formula in this cell "
                                               "is broken; fix the formula (or type the number) and "
                                               "send the file again"))
    m = _VALUE.fullmatch(s)
    if m:
        parsed = _read_match(m, raw, count)
        if parsed is not None:
            return parsed
    return _unreadable(s, raw)


def _read_match(m: re.Match, raw: str, count: bool) -> Parsed | None:
    quals = {QUALIFIER_PREFIXES[m["pre"]]} if m["pre"] else set()
    quals |= {QUALIFIER_SUFFIXES[q] for q in (m["mid"], m["post"]) if q}
    if len(quals) > 1:
        return _problem("unreadable_value", raw, N_("'{raw}' has qualifiers that contradict each "
                                                    "other; use one of 约 (about), 余 (at least), "
                                                    "不到 (at most)"))
    num = m["num"]
    if num[0] in _CN_DIGITS:
        number = _chinese(num)
        if number is None:
            return None
    else:
        number = _arabic(num.rstrip(" "))
        if isinstance(number, str):
            if number == "ambiguous_number":
                return _problem(number, raw, N_("'{raw}' could be read two ways (a thousands "
                                                "separator or a decimal point); write the number "
                                                "without separators, e.g. 1200 or 1.2"))
            return None
    if m["sign"] == "-":
        number = -number
    if m["pct"]:
        if m["unit"]:
            return None
        if count:
            return _problem("not_a_count", raw, N_("'{raw}' is a percentage where a count is "
                                                   "expected; enter the number itself"))
        number = number / 100
    else:
        number *= UNITS.get(m["unit"] or "", 1)
    return _finish(float(number), quals.pop() if quals else "exact", raw, count)


def _looks_like_date(s: str) -> bool:
    return parse_period(s, default_year=2000) is not None


def _unreadable(s: str, raw: str) -> Parsed:
    """Explain, as precisely as we can, why a cell is not one number."""
    if _looks_like_date(s):
        what = _DATE_NOT_NUMBER
    elif _RANGE.fullmatch(s):
        what = N_("'{raw}' is a range; enter one number (use 约 for an estimate, 余 for 'at least')")
    elif len(_NUMBER_ANYWHERE.findall(s)) > 1:
        what = N_("'{raw}' holds several numbers; enter one number per cell")
    elif _NUMBER_ANYWHERE.search(s):
        what = N_("'{raw}' is not a number we can read; enter just the number (units like 人 or 万元 "
                  "are fine)")
    else:
        what = N_("'{raw}' is text, not a number; enter a number, or leave the cell empty if unknown")
    return _problem("unreadable_value", raw, what)


_DATE_NOT_NUMBER = N_("'{raw}' is a date, not a number; enter the number here and the date in the "
                      "period column")


@lru_cache(maxsize=65536)
def _parse_text_cached(raw: str, count: bool, lang: str) -> Parsed:
    """:func:`_parse_text` once per text, count flag and language (``lang`` keys the message)."""
    return _parse_text(raw, count)


def parse_value(raw, *, count: bool = True) -> Parsed:
    """Read one cell: a number in base units with its qualifier, or an issue; never raises.

    ``count=True`` (the default) also rejects percentages, negatives and fractions.

    >>> parse_value("　1，200 ")
    Parsed(value=1200.0, qualifier='exact', rule=None, message=None)
    >>> parse_value("三十多")[:2], parse_value("2.5万人次")[:2], parse_value("不到50人")[:2]
    ((30.0, 'at_least'), (25000.0, 'exact'), (50.0, 'at_most'))
    >>> parse_value("85.5％", count=False).value
    0.855
    >>> parse_value("85%").rule, parse_value(-3).rule, parse_value(2.5).rule
    ('not_a_count', 'negative_count', 'fractional_count')
    >>> parse_value("10-20").message
    '‘10-20’是一个范围：请只填一个数（估计数写“约”，至少写“余”）'
    >>> from civicstats.messages import language
    >>> with language("en"):
    ...     parse_value("10-20").message
    "'10-20' is a range; enter one number (use 约 for an estimate, 余 for 'at least')"
    >>> parse_value("#REF!").rule, parse_value("若干").rule, parse_value(True).rule
    ('excel_error', 'unreadable_value', 'unreadable_value')
    """
    try:
        return _parse_any(raw, count)
    except Exception:  # last line of defence: a cell must never crash a whole file
        return _problem("unreadable_value", _show(raw), N_("'{raw}' could not be read; enter one "
                                                           "number"))


def _show(raw) -> str:
    try:
        return str(raw)
    except Exception:
        return f"<{type(raw).__name__}>"


def _parse_any(raw, count: bool) -> Parsed:
    if isinstance(raw, str):
        return _parse_text_cached(raw, count, current_language())
    if is_missing(raw):
        return MISSING
    if isinstance(raw, bool | np.bool_):
        return _problem("unreadable_value", str(raw), N_("'{raw}' is a yes/no value, not a number; "
                                                         "enter the number"))
    if isinstance(raw, dt.date | dt.time | dt.timedelta | np.datetime64 | np.timedelta64):
        return _problem("unreadable_value", str(raw), _DATE_NOT_NUMBER)
    if isinstance(raw, Number) and not isinstance(raw, complex):
        return _finish(float(raw), "exact", str(raw), count)
    return _parse_text_cached(_show(raw), count, current_language())


# ------------------------------------------------------------------ a whole column

_PLAIN_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
_OUT_COLUMNS = ["value", "qualifier", "rule", "message"]
_KIND = {float: 1, int: 1, str: 2, type(None): 3}  # exact types only: bool is not a number


def parse_values(values: pd.Series, *, count: bool = True) -> pd.DataFrame:
    """Read a whole column; same index, columns value/qualifier/rule/message.

    Numbers and plain numeric strings go through a vectorised path; every other
    distinct string is read once by ``parse_value``.

    >>> parse_values(pd.Series([12, "１２", "约5人", None, "1,2", True]))[["value", "qualifier", "rule"]]
       value qualifier              rule
    0   12.0     exact              None
    1   12.0     exact              None
    2    5.0    approx              None
    3    NaN      None              None
    4    NaN      None  ambiguous_number
    5    NaN      None  unreadable_value
    """
    n = len(values)
    value = np.full(n, np.nan)
    qualifier = np.full(n, None, dtype=object)
    rule = np.full(n, None, dtype=object)
    message = np.full(n, None, dtype=object)
    if values.dtype.kind in "iuf":
        nums = values.to_numpy(dtype=float, na_value=np.nan)
        numeric, rest, raw_at = np.ones(n, dtype=bool), [], values.array.__getitem__
    elif isinstance(values.dtype, pd.StringDtype):
        nums, numeric, rest, raw_at = _string_column(values)
    else:
        nums, numeric, rest, raw_at = _object_column(values)

    _vector_numbers(nums, numeric, raw_at, count, value, qualifier, rule, message)

    memo: dict = {}
    for i, x in rest:
        key = (type(x), x)  # 1 == True == np.int64(1): keep them apart
        try:
            p = memo[key] if key in memo else memo.setdefault(key, parse_value(x, count=count))
        except TypeError:  # unhashable cell content
            p = parse_value(x, count=count)
        value[i] = np.nan if p.value is None else p.value
        qualifier[i], rule[i], message[i] = p.qualifier, p.rule, p.message

    # explicit object dtype: pandas 3 would otherwise infer "str" and turn None into NaN
    columns = {"value": value, "qualifier": qualifier, "rule": rule, "message": message}
    return pd.DataFrame(
        {k: pd.Series(v, index=values.index, dtype=float if k == "value" else object)
         for k, v in columns.items()},
        index=values.index,
        columns=_OUT_COLUMNS,
    )


def _plain_numbers(strs: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Which strings are plain ``123`` / ``-4.5`` (mask), and their values: no Python per cell."""
    plain = pc.fill_null(pc.match_substring_regex(strs, _PLAIN_NUMBER), False)
    plain = plain.to_numpy(zero_copy_only=False)
    return plain, pc.cast(pc.filter(strs, plain), pa.float64()).to_numpy()


def _object_column(values: pd.Series):
    """Mixed cells: Python numbers and plain strings vectorised; the rest listed for parse_value."""
    n = len(values)
    arr = values.to_numpy(dtype=object, na_value=None)
    kinds = np.fromiter((_KIND.get(type(x), 0) for x in arr), dtype=np.int8, count=n)
    numeric, is_str = kinds == 1, kinds == 2
    nums = np.full(n, np.nan)
    if numeric.any():
        nums[numeric] = arr[numeric].astype(float)
    if is_str.any():
        plain, floats = _plain_numbers(pa.array(arr[is_str], type=pa.string()))
        idx = np.flatnonzero(is_str)[plain]
        nums[idx] = floats
        numeric[idx] = True
    rest = np.flatnonzero(~numeric & (kinds != 3))  # None is missing: nothing to do
    return nums, numeric, zip(rest, arr[rest], strict=True), arr.__getitem__


def _string_column(values: pd.Series):
    """A pandas string column: straight to Arrow; only the non-plain strings become Python."""
    try:
        strs = pa.array(values.array)
        strs = strs.combine_chunks() if isinstance(strs, pa.ChunkedArray) else strs
        strs = strs.cast(pa.string())
    except (pa.ArrowException, TypeError, ValueError):
        strs = pa.array(values.to_numpy(dtype=object, na_value=None), type=pa.string())
    nums = np.full(len(values), np.nan)
    plain, floats = _plain_numbers(strs)
    nums[plain] = floats
    others = strs.is_valid().to_numpy(zero_copy_only=False) & ~plain
    rest = zip(np.flatnonzero(others), pc.filter(strs, others).to_pylist(), strict=True)
    return nums, plain, rest, lambda i: strs[int(i)].as_py()


def _vector_numbers(nums, numeric, raw_at, count, value, qualifier, rule, message) -> None:
    """Fill the outputs for the rows read as plain numbers, checking counts column-wise."""
    present = numeric & ~np.isnan(nums)
    ok = present & np.isfinite(nums)
    if count:
        nearest = np.round(nums)
        with np.errstate(invalid="ignore"):
            whole = np.abs(nums - nearest) <= np.maximum(WHOLE_ABS_TOL, WHOLE_REL_TOL * np.abs(nums))
            negative = ok & (nums < 0)
        fractional = ok & ~negative & ~whole
        ok = ok & ~negative & ~fractional
        value[ok] = nearest[ok] + 0.0
    else:
        value[ok] = nums[ok] + 0.0
    qualifier[ok] = "exact"
    bad = present & ~ok
    for i in np.flatnonzero(bad):  # rare: build the message with the cell's own text
        p = parse_value(raw_at(i), count=count)
        rule[i], message[i] = p.rule, p.message


# ------------------------------------------------------------------ periods

_DAY_SUFFIX = r"(?:[0-9]{1,2}[日号])?(?:初|底|末|中|中旬|上旬|下旬|前|后)?"
_YM_CN = re.compile(rf"([0-9]{{4}})年([0-9]{{1,2}})月份?{_DAY_SUFFIX}")
_YM_SEP = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})(?:\2([0-9]{1,2}))?(?:[日号])?")
_TIME_OF_DAY = re.compile(r"[T\s]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?$")
_YMD_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})?")
_YM_CN_SHORT = re.compile(rf"([0-9]{{2}})年([0-9]{{1,2}})月份?{_DAY_SUFFIX}")
_M_CN = re.compile(rf"([0-9]{{1,2}})月份?{_DAY_SUFFIX}")
_PREFIX = re.compile(r"^(?:截至|截止|截止到|截至到|至|到|统计时间|统计月份|时间|日期)[:：]?")
_CN_MONTH = re.compile(r"(?<![0-9])([一二三四五六七八九十]{1,3})月")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})年")
_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")


def _month(year, month, day=None) -> str | None:
    try:
        y, m = int(year), int(month)
        if not (YEAR_RANGE[0] <= y <= YEAR_RANGE[1]):
            return None
        dt.date(y, m, int(day) if day else 1)  # validates month and day
    except (TypeError, ValueError):
        return None
    return f"{y:04d}-{m:02d}"


def cn_digits_to_arabic(text: str) -> str:
    """二〇二三年九月 -> 2023年9月 (years digit by digit, months via cn2an).

    >>> cn_digits_to_arabic("二〇二三年九月"), cn_digits_to_arabic("十二月")
    ('2023年9月', '12月')
    """
    digits = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
    text = _CN_YEAR.sub(lambda m: "".join(digits[c] for c in m[1]) + "年", text)

    def month(m: re.Match) -> str:
        num = _chinese(m[1])
        return f"{int(num)}月" if num is not None else m[0]

    return _CN_MONTH.sub(month, text)


def _period_from_number(x: float) -> str | None:
    if not math.isfinite(x):
        return None
    if float(x).is_integer():
        i = int(x)
        if EXCEL_SERIAL_RANGE[0] <= i <= EXCEL_SERIAL_RANGE[1]:
            d = EXCEL_EPOCH + dt.timedelta(days=i)
            return f"{d.year:04d}-{d.month:02d}"
        s = str(i)
        if len(s) in (6, 8):
            return _month(s[:4], s[4:6], s[6:] or None)
        return None
    if EXCEL_SERIAL_RANGE[0] <= x <= EXCEL_SERIAL_RANGE[1]:  # a serial with a time of day
        return _period_from_number(math.floor(x))
    # 2023.09 typed into Excel becomes the number 2023.09; 2023.1 could be January or October
    year, _, frac = repr(float(x)).partition(".")
    if frac == "1" or len(frac) > 2:
        return None
    return _month(year, frac)


def parse_period(raw, *, default_year: int | None = None) -> str | None:
    """A period cell -> ``'YYYY-MM'``, or None when it names no single month.

    >>> [parse_period(x) for x in ("2023年9月", "2023-09", "2023/9/20", "2023.10.08", "20230925")]
    ['2023-09', '2023-09', '2023-09', '2023-10', '2023-09']
    >>> parse_period(45194), parse_period(dt.date(2023, 9, 25)), parse_period("2023-13")
    ('2023-09', '2023-09', None)
    >>> parse_period("截至9月底"), parse_period("截至9月底", default_year=2023)
    (None, '2023-09')
    >>> parse_period("2023年第三季度") is None   # a quarter is not a month
    True
    """
    try:
        return _parse_period(raw, default_year)
    except Exception:
        return None


def _parse_period(raw, default_year) -> str | None:
    if raw is None or isinstance(raw, bool | np.bool_) or is_missing(raw):
        return None
    if isinstance(raw, pd.Timestamp | dt.datetime | dt.date):
        return _month(raw.year, raw.month)
    if isinstance(raw, np.datetime64):
        return _parse_period(pd.Timestamp(raw), default_year)
    if isinstance(raw, Number):
        return _period_from_number(float(raw))
    s = _TIME_OF_DAY.sub("", _fold(str(raw)))  # "2023-09-20 00:00:00" as text
    s = _PREFIX.sub("", cn_digits_to_arabic(_WS.sub("", s)))
    if m := _YM_CN.fullmatch(s):
        return _month(m[1], m[2])
    if m := _YM_CN_SHORT.fullmatch(s):  # 24年3月: a two-digit year is this century's
        return _month(2000 + int(m[1]), m[2])
    if m := _YM_SEP.fullmatch(s):
        return _month(m[1], m[3], m[4])
    if m := _YMD_COMPACT.fullmatch(s):
        return _month(m[1], m[2], m[3])
    if re.fullmatch(r"[0-9]{5}(?:\.[0-9]+)?", s):  # an Excel serial exported as text
        return _period_from_number(float(s))
    if (m := _M_CN.fullmatch(s)) and default_year is not None:
        return _month(default_year, m[1])
    return None


def parse_periods(values: pd.Series, *, default_year=None) -> pd.Series:
    """``parse_period`` over a column, each distinct value read once; same index, object dtype.

    >>> parse_periods(pd.Series(["2023年9月", "2023年9月", "9月", None]), default_year=2023).tolist()
    ['2023-09', '2023-09', '2023-09', None]
    """
    memo: dict = {}
    out = []
    for x in values.to_numpy(dtype=object):
        key = (type(x), x)
        try:
            if key not in memo:
                memo[key] = parse_period(x, default_year=default_year)
            out.append(memo[key])
        except TypeError:  # unhashable
            out.append(parse_period(x, default_year=default_year))
    return pd.Series(out, index=values.index, dtype=object)


_FIND_YM_CN = re.compile(r"(?<![0-9])([0-9]{4})年(?:[0-9]{1,2}(?:-|~|至|到|—|–)+)?([0-9]{1,2})月")
_FIND_YM_SEP = re.compile(r"(?<![0-9])([0-9]{4})[-/.]([0-9]{1,2})(?![0-9])")
_FIND_M_CN = re.compile(r"(?<![0-9年.\-/])(?:[0-9]{1,2}(?:-|~|至|到|—|–)+)?([0-9]{1,2})月")


def find_year_in(text) -> int | None:
    """The first plausible year (1900-2099) mentioned in a title or sheet name.

    >>> find_year_in("天悦社区2023年社区合伙人统计（截至9月底）"), find_year_in("二〇二三年"), find_year_in("9月")
    (2023, 2023, None)
    """
    if text is None or not isinstance(text, str | Number) or isinstance(text, bool):
        return None
    s = cn_digits_to_arabic(_squeeze(_fold(str(text))))
    m = _YEAR.search(s)
    return int(m[1]) if m else None


def find_period_in(text, *, default_year=None) -> str | None:
    """A month mentioned inside a title or sheet name -> ``'YYYY-MM'``, else None.

    A month without a year takes the year mentioned elsewhere in the same text,
    else ``default_year``. A range of months (``1-9月``) gives its last month.

    >>> find_period_in("天悦社区2023年9月社区合伙人统计表")
    '2023-09'
    >>> find_period_in("2023年社区合伙人统计（截至9月底）"), find_period_in("2023.08")
    ('2023-09', '2023-08')
    >>> find_period_in("9月"), find_period_in("9月", default_year=2023)
    (None, '2023-09')
    >>> find_period_in("2023年1-9月托位完成情况")
    '2023-09'
    """
    if text is None or isinstance(text, bool):
        return None
    if not isinstance(text, str):
        return parse_period(text, default_year=default_year)
    s = cn_digits_to_arabic(_squeeze(_fold(text)))
    for pattern in (_FIND_YM_CN, _FIND_YM_SEP):
        for m in pattern.finditer(s):
            if found := _month(m[1], m[2]):
                return found
    year = find_year_in(s) or default_year
    if year is not None:
        for m in _FIND_M_CN.finditer(s):
            if found := _month(year, m[1]):
                return found
    return parse_period(s, default_year=default_year)


_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def current_month() -> str:
    """This month as ``YYYY-MM`` (``$CIVICSTATS_TODAY`` = YYYY-MM-DD overrides the clock, for tests).

    >>> len(current_month())
    7
    """
    import os

    today = os.environ.get("CIVICSTATS_TODAY") or dt.date.today().isoformat()
    return today[:7]


def check_period(value) -> str:
    """A reporting month given as ``YYYY-MM`` (month 01-12), as a string; else ValueError.

    Strict, unlike :func:`parse_period`: for months a person types as an option or a
    parameter, where ``2023-13`` or ``../x`` must be refused rather than read.

    >>> check_period(" 2023-05 ")
    '2023-05'
    >>> check_period("2023-13")
    Traceback (most recent call last):
    ...
    ValueError: ‘2023-13’不是月份（应写作 YYYY-MM，月份 01–12）
    """
    text = str(value).strip() if value is not None else ""
    if not _MONTH.fullmatch(text):
        raise ValueError(say("'{text}' is not a month (YYYY-MM, month 01-12)", text=text))
    return text


def period_option(value, where: str = "--period") -> str:
    """:func:`check_period` for a month a person typed as an option: a refused month is a
    :class:`~civicstats.errors.UsageError` (exit 2) naming the option and what to write.

    >>> period_option("2023-13")
    Traceback (most recent call last):
    ...
    civicstats.errors.UsageError: --period：‘2023-13’不是月份（应写作 YYYY-MM，月份 01–12）。处理办法：请写成 YYYY-MM 格式，如 2023-09。
    """
    from civicstats.errors import UsageError
    from civicstats.messages import _

    try:
        return check_period(value)
    except ValueError as exc:
        raise UsageError(where, str(exc), _("write it as YYYY-MM, e.g. 2023-09")) from None


def combine_qualifiers(qualifiers) -> str:
    """The qualifier of a sum: exact only if every part is exact; one kind of bound
    carries over; mixed kinds make the sum approximate.

    >>> combine_qualifiers(["exact", "at_least"]), combine_qualifiers(["approx", "exact"])
    ('at_least', 'approx')
    >>> combine_qualifiers(["at_least", "at_most"]), combine_qualifiers([])
    ('approx', 'exact')
    """
    kinds = {str(q) for q in qualifiers} - {"exact"}
    if not kinds:
        return "exact"
    return kinds.pop() if len(kinds) == 1 else "approx"
