"""Rules and severities in words, for the person who fixes the sheet.

The rule ids are for machines (contract 2); a street reads the words. English
is the message id, the Chinese is in ``locale/zh/LC_MESSAGES/feedback.po``.
``civicstats/messages.py`` has no shared ``RULE_WORDS`` table yet, so this one
lives here, beside the only room that shows rules to senders.

>>> from civicstats.messages import language
>>> with language("zh"):
...     rule_words("total_mismatch"), rule_words("check_part_within_whole"), severity_words("error")
('合计数不符', '合理性核查', '错误')
>>> with language("en"):
...     rule_words("total_mismatch"), rule_words("some_new_rule")
('total does not add up', 'some_new_rule')
"""

from civicstats.messages import N_, _

RULE_WORDS = {
    "no_table": N_("no table found"),
    "missing_area": N_("no area"),
    "missing_period": N_("no reporting month"),
    "bad_period": N_("wrong month"),
    "total_mismatch": N_("total does not add up"),
    "unreadable_value": N_("value cannot be read"),
    "ambiguous_number": N_("number is unclear"),
    "not_a_count": N_("not a count"),
    "negative_count": N_("negative count"),
    "fractional_count": N_("count with a fraction"),
    "excel_error": N_("Excel error value"),
    "formula_without_value": N_("formula without a saved value"),
    "unit_conflict": N_("unit does not fit"),
    "ambiguous_area": N_("area name fits two places"),
    "ambiguous_header": N_("header could mean two things"),
    "duplicate_key": N_("same figure given twice"),
    "unknown_column": N_("column not read"),
    "unknown_area": N_("area not on the list"),
}
"""Rule id -> words (message ids); every ``check_`` rule reads as CHECK_WORDS."""

CHECK_WORDS = N_("plausibility check")
SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning")}


def rule_words(rule: str) -> str:
    """A rule id in words, in the current language; an unknown id is shown as it is."""
    if rule in RULE_WORDS:
        return _(RULE_WORDS[rule])
    return _(CHECK_WORDS) if str(rule).startswith("check_") else str(rule)


def severity_words(severity: str) -> str:
    """``error`` / ``warning`` in words (错误 / 警告)."""
    return _(SEVERITY_WORDS.get(severity, severity))
