"""Reading one cell: values with units and qualifiers, issues, and reporting months."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civicstats.messages import language
from civicstats.values import (
    RULES,
    Parsed,
    find_period_in,
    find_year_in,
    is_missing,
    parse_period,
    parse_periods,
    parse_value,
    parse_values,
)

# ---------------------------------------------------------------- values that read

READABLE = [
    pytest.param("20", 20, "exact", id="plain"),
    pytest.param(" 20 ", 20, "exact", id="spaces-around"),
    pytest.param("\u300020\u00a0", 20, "exact", id="ideographic-space-and-nbsp"),
    pytest.param("２０", 20, "exact", id="full-width-digits"),
    pytest.param("1,200", 1200, "exact", id="thousands-comma"),
    pytest.param("1，200", 1200, "exact", id="thousands-full-width-comma"),
    pytest.param("１，２００人", 1200, "exact", id="full-width-thousands-with-unit"),
    pytest.param("12,000,000", 12_000_000, "exact", id="two-thousands-separators"),
    pytest.param("1 200", 1200, "exact", id="thousands-space"),
    pytest.param("0", 0, "exact", id="zero"),
    pytest.param("007", 7, "exact", id="leading-zeros"),
    pytest.param("5.000000000007", 5, "exact", id="float-noise-is-whole"),
    pytest.param("六", 6, "exact", id="chinese-digit"),
    pytest.param("二十", 20, "exact", id="chinese-twenty"),
    pytest.param("一百二十", 120, "exact", id="chinese-hundred-twenty"),
    pytest.param("两千", 2000, "exact", id="chinese-liang"),
    pytest.param("壹佰", 100, "exact", id="chinese-financial"),
    pytest.param("三十万元", 300_000, "exact", id="chinese-wan-yuan"),
    pytest.param("十余", 10, "at_least", id="chinese-yu"),
    pytest.param("三十多", 30, "at_least", id="chinese-duo"),
    pytest.param("二十多人", 20, "at_least", id="chinese-duo-unit"),
    pytest.param("10余", 10, "at_least", id="yu"),
    pytest.param("20余个", 20, "at_least", id="yu-ge"),
    pytest.param("200余人", 200, "at_least", id="yu-ren"),
    pytest.param("70多名", 70, "at_least", id="duo-ming"),
    pytest.param("50人以上", 50, "at_least", id="yishang-after-unit"),
    pytest.param("50以上", 50, "at_least", id="yishang"),
    pytest.param("10+", 10, "at_least", id="plus"),
    pytest.param("10＋家", 10, "at_least", id="full-width-plus-unit"),
    pytest.param("超过100人", 100, "at_least", id="chaoguo"),
    pytest.param("约300", 300, "approx", id="yue"),
    pytest.param("大约300人", 300, "approx", id="dayue"),
    pytest.param("近200户", 200, "approx", id="jin"),
    pytest.param("将近50", 50, "approx", id="jiangjin"),
    pytest.param("300左右", 300, "approx", id="zuoyou"),
    pytest.param("约300人左右", 300, "approx", id="yue-and-zuoyou-agree"),
    pytest.param("不到50人", 50, "at_most", id="budao"),
    pytest.param("不足10家", 10, "at_most", id="buzu"),
    pytest.param("少于5", 5, "at_most", id="shaoyu"),
    pytest.param("100以下", 100, "at_most", id="yixia"),
    pytest.param("3万", 30_000, "exact", id="wan"),
    pytest.param("1.3亿", 130_000_000, "exact", id="yi-decimal"),
    pytest.param("1.3亿元", 130_000_000, "exact", id="yi-yuan"),
    pytest.param("30万元", 300_000, "exact", id="wan-yuan"),
    pytest.param("约30万元", 300_000, "approx", id="approx-wan-yuan"),
    pytest.param("10余万元", 100_000, "at_least", id="yu-between-number-and-wan"),
    pytest.param("2.5万人次", 25_000, "exact", id="wan-renci"),
    pytest.param("0.5万", 5_000, "exact", id="half-wan"),
    pytest.param("3千", 3_000, "exact", id="qian"),
    pytest.param("120小时", 120, "exact", id="hours"),
    pytest.param("12场", 12, "exact", id="chang"),
    pytest.param("3所", 3, "exact", id="suo"),
    pytest.param("5处", 5, "exact", id="chu"),
    pytest.param("2支", 2, "exact", id="zhi"),
    pytest.param("8位", 8, "exact", id="wei"),
    pytest.param("40次", 40, "exact", id="ci"),
    pytest.param("923 个", 923, "exact", id="space-before-unit"),
]


@pytest.mark.parametrize(("raw", "value", "qualifier"), READABLE)
def test_a_readable_cell_gives_its_value_in_base_units_and_its_qualifier(raw, value, qualifier):
    assert parse_value(raw) == Parsed(float(value), qualifier, None, None)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        pytest.param("85%", 0.85, id="percent"),
        pytest.param("85.5％", 0.855, id="full-width-percent"),
        pytest.param("-3", -3.0, id="negative"),
        pytest.param("2.5", 2.5, id="fraction"),
        pytest.param("1,200.50", 1200.5, id="thousands-and-decimals"),
        pytest.param("1.5万元", 15_000.0, id="decimal-wan-yuan"),
    ],
)
def test_a_non_count_measure_accepts_percentages_negatives_and_fractions(raw, value):
    parsed = parse_value(raw, count=False)
    assert parsed.rule is None
    assert parsed.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        pytest.param(12, 12.0, id="int"),
        pytest.param(12.0, 12.0, id="float"),
        pytest.param(np.int64(12), 12.0, id="numpy-int"),
        pytest.param(4.999999999999, 5.0, id="excel-float-noise"),
    ],
)
def test_numeric_cells_are_read_as_they_are(raw, value):
    assert parse_value(raw) == Parsed(value, "exact", None, None)


# ---------------------------------------------------------------- missing values

@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(None, id="none"),
        pytest.param(float("nan"), id="nan"),
        pytest.param(pd.NA, id="pd-na"),
        pytest.param(pd.NaT, id="nat"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="spaces"),
        pytest.param("\u3000", id="ideographic-space"),
        pytest.param("\u00a0", id="nbsp"),
        pytest.param("—", id="em-dash"),
        pytest.param("——", id="double-em-dash"),
        pytest.param("–", id="en-dash"),
        pytest.param("-", id="hyphen"),
        pytest.param("－", id="full-width-hyphen"),
        pytest.param("--", id="two-hyphens"),
        pytest.param("/", id="slash"),
        pytest.param("／", id="full-width-slash"),
        pytest.param("无", id="wu"),
        pytest.param("N/A", id="n-a"),
    ],
)
def test_missing_markers_give_no_value_and_no_issue(raw):
    assert is_missing(raw)
    assert parse_value(raw) == Parsed(None, None, None, None)


@pytest.mark.parametrize("raw", [0, "0", "零", "#N/A"])
def test_zero_and_errors_are_not_missing(raw):
    assert not is_missing(raw)


# ---------------------------------------------------------------- problems

PROBLEMS = [
    pytest.param("1,2", "ambiguous_number", id="one-comma-two"),
    pytest.param("1,20", "ambiguous_number", id="one-comma-twenty"),
    pytest.param("12,00", "ambiguous_number", id="european-decimal"),
    pytest.param("1，2", "ambiguous_number", id="full-width-comma-two"),
    pytest.param("1,2000", "ambiguous_number", id="four-digit-group"),
    pytest.param("1.200,50", "ambiguous_number", id="european-thousands"),
    pytest.param("#REF!", "excel_error", id="ref"),
    pytest.param("#DIV/0!", "excel_error", id="div0"),
    pytest.param("#N/A", "excel_error", id="na"),
    pytest.param("#VALUE!", "excel_error", id="value"),
    pytest.param("#NAME?", "excel_error", id="name"),
    pytest.param("#NUM!", "excel_error", id="num"),
    pytest.param("#NULL!", "excel_error", id="null"),
    pytest.param("＃REF！", "excel_error", id="full-width-ref"),
    pytest.param("85%", "not_a_count", id="percent"),
    pytest.param("85.5％", "not_a_count", id="full-width-percent"),
    pytest.param("-3", "negative_count", id="negative"),
    pytest.param("−3", "negative_count", id="unicode-minus"),
    pytest.param("－3人", "negative_count", id="full-width-minus-unit"),
    pytest.param(-1, "negative_count", id="negative-int"),
    pytest.param("2.5", "fractional_count", id="fraction"),
    pytest.param("1.23456万", "fractional_count", id="fraction-after-wan"),
    pytest.param("三点五", "fractional_count", id="chinese-fraction"),
    pytest.param(2.5, "fractional_count", id="fraction-float"),
    pytest.param(True, "unreadable_value", id="bool"),
    pytest.param(np.bool_(False), "unreadable_value", id="numpy-bool"),
    pytest.param("10-20", "unreadable_value", id="range-hyphen"),
    pytest.param("10~20", "unreadable_value", id="range-tilde"),
    pytest.param("10～20人", "unreadable_value", id="range-full-width-tilde"),
    pytest.param("10至20", "unreadable_value", id="range-zhi"),
    pytest.param("10—20", "unreadable_value", id="range-em-dash"),
    pytest.param("若干", "unreadable_value", id="ruogan"),
    pytest.param("待定", "unreadable_value", id="daiding"),
    pytest.param("见备注", "unreadable_value", id="see-notes"),
    pytest.param("2023-09", "unreadable_value", id="date-text"),
    pytest.param("2023年9月", "unreadable_value", id="chinese-date"),
    pytest.param(dt.date(2023, 9, 1), "unreadable_value", id="date-object"),
    pytest.param(pd.Timestamp("2023-09-01"), "unreadable_value", id="timestamp"),
    pytest.param("10人，20人", "unreadable_value", id="two-numbers"),
    pytest.param("10 20", "unreadable_value", id="two-numbers-space"),
    pytest.param("1:3", "unreadable_value", id="ratio"),
    pytest.param("约10余", "unreadable_value", id="contradicting-qualifiers"),
    pytest.param("万", "unreadable_value", id="unit-alone"),
    pytest.param("inf", "unreadable_value", id="inf-text"),
    pytest.param(float("inf"), "unreadable_value", id="inf-float"),
]


@pytest.mark.parametrize(("raw", "rule"), PROBLEMS)
def test_a_problem_cell_gives_its_rule_and_a_message_showing_the_raw_text(raw, rule):
    parsed = parse_value(raw)
    assert (parsed.value, parsed.qualifier, parsed.rule) == (None, None, rule)
    assert rule in RULES
    assert str(raw) in parsed.message


def test_a_large_count_with_a_half_is_still_a_fraction():
    assert parse_value(600_000_000.5).rule == "fractional_count"
    assert parse_values(pd.Series([600_000_000.5]))["rule"].tolist() == ["fractional_count"]


def test_true_and_one_in_the_same_column_are_not_confused():
    out = parse_values(pd.Series([np.int64(1), True, np.int64(1), True], dtype=object))
    assert out["value"].tolist()[::2] == [1.0, 1.0]
    assert out["rule"].tolist()[1::2] == ["unreadable_value", "unreadable_value"]


def test_an_ambiguous_separator_is_never_read_as_twelve():
    assert parse_value("1,2").value is None
    assert parse_value("12,00").value is None


@pytest.mark.parametrize(("lang", "words"), [
    pytest.param("zh", ["范围", "公式", "日期", "多个数"], id="chinese"),
    pytest.param("en", ["range", "formula", "date", "several numbers"], id="english"),
])
def test_messages_say_what_to_do_in_the_chosen_language(lang, words):
    with language(lang):
        messages = [parse_value(raw).message for raw in ("10-20", "#REF!", "2023-09", "10人，20人")]
    assert all(w in m for w, m in zip(words, messages, strict=True)), messages
    assert "约" in messages[0]  # the qualifier words are the sheet's own, in either language


def test_a_cell_read_once_in_one_language_is_worded_anew_in_the_other():
    # the reader caches each distinct text: the language must be part of that key
    with language("zh"):
        zh = parse_values(pd.Series(["若干"] * 3)).message.tolist()
    with language("en"):
        en = parse_values(pd.Series(["若干"] * 3)).message.tolist()
    assert zh == ["‘若干’是文字，不是数字；请填写数字，不清楚的请留空"] * 3
    assert en == ["'若干' is text, not a number; enter a number, or leave the cell empty if unknown"] * 3


# ---------------------------------------------------------------- properties

counts = st.integers(min_value=0, max_value=10**12)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_value_never_raises_on_any_text(text):
    parsed = parse_value(text)
    assert (parsed.value is None) or (parsed.rule is None)
    assert (parsed.rule is None) == (parsed.message is None)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.datetimes(),
                 st.text(alphabet="0123456789,.，％%余约万亿元人-~ 　一二十百千两")))
def test_parse_value_never_raises_on_any_cell(raw):
    parse_value(raw)
    parse_value(raw, count=False)
    parse_period(raw)


@settings(max_examples=100, deadline=None)
@given(counts)
def test_formatted_counts_round_trip(n):
    full_width = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_value(n) == (n, "exact", None, None)
    assert parse_value(str(n)) == (n, "exact", None, None)
    assert parse_value(f"{n}人") == (n, "exact", None, None)
    assert parse_value(f"约{n}") == (n, "approx", None, None)
    assert parse_value(f"{n}余") == (n, "at_least", None, None)
    assert parse_value(f"不到{n}人") == (n, "at_most", None, None)
    assert parse_value(full_width) == (n, "exact", None, None)
    assert parse_value(f"{n:,}") == (n, "exact", None, None)
    assert parse_value(f"{n}万") == (n * 10_000, "exact", None, None)


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_non_count_floats_round_trip_through_their_text(x):
    assert parse_value(repr(x) if "e" not in repr(x) else f"{x:f}", count=False).value == (
        pytest.approx(x, rel=1e-9, abs=1e-6)
    )


# ---------------------------------------------------------------- a whole column

def test_a_column_reads_like_its_cells_one_by_one():
    cells = [12, 12.0, "12", "１２", "约5人", None, float("nan"), "", "1,2", True, "#REF!",
             -3, 2.5, "85%", dt.date(2023, 9, 1), "10余", "10余", "—", np.int64(7), "-4", "3.5"]
    column = pd.Series(cells, index=range(100, 100 + len(cells)), dtype=object)
    out = parse_values(column)
    assert list(out.columns) == ["value", "qualifier", "rule", "message"]
    assert out.index.equals(column.index)
    assert out["value"].dtype == np.float64
    assert out["qualifier"].dtype == object and out["rule"].dtype == object
    for row, cell in zip(out.itertuples(index=False), cells, strict=True):
        expected = parse_value(cell)
        assert (None if math.isnan(row.value) else row.value) == expected.value, cell
        assert (row.qualifier, row.rule, row.message) == expected[1:], cell


@pytest.mark.parametrize(
    "column",
    [
        pytest.param(pd.Series([1.0, -2.0, 2.5, np.nan, np.inf, 5.000000000001]), id="float64"),
        pytest.param(pd.Series([1, -2, 3], dtype="int64"), id="int64"),
        pytest.param(pd.Series([1, None, 3], dtype="Int64"), id="nullable-int"),
        pytest.param(pd.Series(["1", None, "约3", "-2"], dtype="string"), id="string-dtype"),
        pytest.param(pd.Series(["1", None, "约3", "-2", "2.5", "１２", "1,2", "12", "—"],
                               dtype="string[python]"), id="python-string-dtype"),
        pytest.param(pd.Series(["1", None, "约3", "-2", "2.5", "１２", "1,2", "12", "—"],
                               dtype="string[pyarrow]"), id="arrow-string-dtype"),
        pytest.param(pd.Series(["1", None, "约3", "-2", "2.5", "85%"], dtype="str"), id="str-dtype"),
        pytest.param(pd.Series(["1", "2"], dtype="category"), id="category"),
        pytest.param(pd.Series(pd.to_datetime(["2023-09-01", None])), id="datetime"),
        pytest.param(pd.Series([True, False]), id="bool"),
        pytest.param(pd.Series([], dtype=object), id="empty"),
    ],
)
@pytest.mark.parametrize("count", [True, False])
def test_every_column_dtype_reads_like_its_cells(column, count):
    out = parse_values(column, count=count)
    assert len(out) == len(column)
    cells = column.to_numpy(dtype=object)
    for got, cell in zip(out.itertuples(index=False), cells, strict=True):
        expected = parse_value(None if cell is pd.NA else cell, count=count)
        assert (None if math.isnan(got.value) else got.value) == expected.value, cell
        assert (got.qualifier, got.rule, got.message) == expected[1:], cell


# ---------------------------------------------------------------- periods

PERIODS = [
    pytest.param("2023年9月", "2023-09", id="chinese-month"),
    pytest.param("2023年09月份", "2023-09", id="chinese-month-fen"),
    pytest.param("2023 年 9 月", "2023-09", id="chinese-month-spaces"),
    pytest.param("２０２３年９月", "2023-09", id="full-width"),
    pytest.param("二〇二三年九月", "2023-09", id="chinese-numerals"),
    pytest.param("2023-09", "2023-09", id="iso-month"),
    pytest.param("2023/9", "2023-09", id="slash-month"),
    pytest.param("2023/9/20", "2023-09", id="slash-date"),
    pytest.param("2023.10.08", "2023-10", id="dotted-date"),
    pytest.param("2023.10", "2023-10", id="dotted-month-text"),
    pytest.param("2023年9月25日", "2023-09", id="chinese-date"),
    pytest.param("2023年9月底", "2023-09", id="month-end"),
    pytest.param("截至2023年9月底", "2023-09", id="as-of-month-end"),
    pytest.param("2023-09-20 00:00:00", "2023-09", id="datetime-text"),
    pytest.param("20230925", "2023-09", id="compact-date"),
    pytest.param("202309", "2023-09", id="compact-month"),
    pytest.param(dt.datetime(2023, 9, 25, 10, 30), "2023-09", id="datetime"),
    pytest.param(dt.date(2023, 9, 25), "2023-09", id="date"),
    pytest.param(pd.Timestamp("2023-09-30"), "2023-09", id="timestamp"),
    pytest.param(np.datetime64("2023-09-01"), "2023-09", id="datetime64"),
    pytest.param(45194, "2023-09", id="excel-serial"),
    pytest.param(45194.75, "2023-09", id="excel-serial-with-time"),
    pytest.param("45194", "2023-09", id="excel-serial-as-text"),
    pytest.param(2023.09, "2023-09", id="typed-2023.09-became-a-number"),
    pytest.param(2023.12, "2023-12", id="typed-2023.12-became-a-number"),
    pytest.param(2023.1, None, id="2023.1-could-be-january-or-october"),
    pytest.param("2023-13", None, id="month-13"),
    pytest.param("2023-00", None, id="month-0"),
    pytest.param("2023年第三季度", None, id="quarter-is-not-a-month"),
    pytest.param("2023年", None, id="year-alone"),
    pytest.param("9月", None, id="month-without-year"),
    pytest.param("截至9月底", None, id="as-of-without-year"),
    pytest.param(None, None, id="none"),
    pytest.param("", None, id="empty"),
    pytest.param(True, None, id="bool"),
    pytest.param(12, None, id="small-number"),
    pytest.param("下月", None, id="text"),
]


@pytest.mark.parametrize(("raw", "period"), PERIODS)
def test_a_period_cell_gives_its_month(raw, period):
    assert parse_period(raw) == period


@pytest.mark.parametrize(
    ("raw", "period"),
    [
        pytest.param("9月", "2023-09", id="month"),
        pytest.param("9月初", "2023-09", id="month-start"),
        pytest.param("截至9月底", "2023-09", id="as-of-month-end"),
        pytest.param("12月份", "2023-12", id="month-fen"),
        pytest.param("九月", "2023-09", id="chinese-month"),
        pytest.param("2022年9月", "2022-09", id="own-year-wins"),
        pytest.param("13月", None, id="month-13"),
    ],
)
def test_a_month_without_a_year_takes_the_default_year(raw, period):
    assert parse_period(raw, default_year=2023) == period


def test_a_period_column_reads_like_its_cells():
    cells = ["2023年9月", "2023年9月", 45194, None, "9月", dt.date(2023, 8, 1), "bad"]
    out = parse_periods(pd.Series(cells, index=list("abcdefg")), default_year=2023)
    assert out.index.tolist() == list("abcdefg")
    assert out.tolist() == [parse_period(c, default_year=2023) for c in cells]


@pytest.mark.parametrize(
    ("text", "default_year", "period"),
    [
        pytest.param("天悦社区2023年9月社区合伙人统计表", None, "2023-09", id="title"),
        pytest.param("截至2023年9月底", None, "2023-09", id="as-of"),
        pytest.param("2023年社区合伙人统计（截至9月底）", None, "2023-09", id="year-elsewhere"),
        pytest.param("（截至9月底）", 2023, "2023-09", id="default-year"),
        pytest.param("（截至9月底）", None, None, id="no-year-at-all"),
        pytest.param("9月", 2023, "2023-09", id="sheet-month"),
        pytest.param("9月", None, None, id="sheet-month-without-year"),
        pytest.param("2023.08", None, "2023-08", id="sheet-dotted"),
        pytest.param("2023-08", None, "2023-08", id="sheet-iso"),
        pytest.param("202308", None, "2023-08", id="sheet-compact"),
        pytest.param("2023年1-9月托位完成情况", None, "2023-09", id="cumulative-range"),
        pytest.param("萧山区2023年1至12月志愿服务", None, "2023-12", id="cumulative-zhi"),
        pytest.param("二〇二三年九月统计", None, "2023-09", id="chinese-numerals"),
        pytest.param("Sheet1", 2023, None, id="no-month"),
        pytest.param("2023年第三季度", None, None, id="quarter"),
        pytest.param("填报日期：2023年10月8日 2023年9月数据", None, "2023-10", id="first-month-wins"),
    ],
)
def test_a_title_or_sheet_name_gives_the_month_it_mentions(text, default_year, period):
    assert find_period_in(text, default_year=default_year) == period


@pytest.mark.parametrize(
    ("text", "year"),
    [
        pytest.param("天悦社区2023年社区合伙人统计", 2023, id="title"),
        pytest.param("2023.08", 2023, id="dotted"),
        pytest.param("二〇二三年", 2023, id="chinese-numerals"),
        pytest.param("电话0571-82881234 2023年", 2023, id="phone-number-is-not-a-year"),
        pytest.param("9月", None, id="no-year"),
        pytest.param(None, None, id="none"),
    ],
)
def test_a_title_gives_the_year_it_mentions(text, year):
    assert find_year_in(text) == year


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_period_readers_never_raise_on_any_text(text):
    for found in (parse_period(text), parse_period(text, default_year=2023),
                  find_period_in(text), find_period_in(text, default_year=2023)):
        assert found is None or (len(found) == 7 and 1 <= int(found[5:]) <= 12)
    find_year_in(text)


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_date_form_gives_the_same_month(d):
    want = f"{d.year:04d}-{d.month:02d}"
    serial = (d - dt.date(1899, 12, 30)).days
    forms = [d, f"{d.year}年{d.month}月", f"{d.year}年{d.month}月{d.day}日", f"{d:%Y-%m}",
             f"{d:%Y/%m/%d}", f"{d.year}/{d.month}/{d.day}", f"{d:%Y.%m.%d}", f"{d:%Y%m%d}",
             serial]
    assert [parse_period(f) for f in forms] == [want] * len(forms)
    assert find_period_in(f"某社区{d.year}年{d.month}月统计表") == want
