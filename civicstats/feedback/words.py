"""Rules and severities in words, for the person who fixes the sheet.

The rule ids are for machines (contract 2); a street reads the words. The words of
the cleaner's rules are :data:`civicstats.messages.RULE_WORDS` (one table for every
room); a plausibility check (``check_…``) reads as one phrase.

>>> from civicstats.messages import language
>>> with language("zh"):
...     rule_words("total_mismatch"), rule_words("check_part_whole"), severity_words("error")
('合计数不符', '合理性核查', '错误')
>>> with language("en"):
...     rule_words("total_mismatch"), rule_words("some_new_rule")
('total does not add up', 'some_new_rule')
"""

from civicstats.messages import N_, RULE_WORDS, _

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
