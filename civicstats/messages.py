"""Every sentence a person reads, in Chinese by default and in English on request.

The wording lives in the message catalogue, ``civicstats/locale/zh/LC_MESSAGES/
*.po`` (gettext, read with Babel; one file per room of the flow, e.g.
``clean.po``, ``feedback.po``): the code writes the English message id, the
catalogue holds its Chinese. English is the id itself, so a message
missing from the catalogue still reads, and ``tests/test_messages.py`` fails
until it is translated. Templates use ``{name}`` fields, filled after
translation so that the Chinese can put them in its own order.

>>> with language("en"):
...     say("the parts add up to {summed}, the table says {stated}", summed=128, stated=130)
'the parts add up to 128, the table says 130'
>>> with language("zh"):
...     say("the parts add up to {summed}, the table says {stated}", summed=128, stated=130)
'各行相加为 128，表中为 130'

The language comes from :func:`set_language` (``civicstats --lang``), else
``$CIVICSTATS_LANG``, else Chinese.
"""

from __future__ import annotations

import contextlib
import os
from functools import cache
from pathlib import Path

LANGS = ("zh", "en")
ENV_LANG = "CIVICSTATS_LANG"
LOCALE_DIR = Path(__file__).parent / "locale"

_chosen: str | None = None


def N_(msgid: str) -> str:  # noqa: N802 - the gettext name for "mark for extraction, translate later"
    """Mark a message id for the catalogue without translating it yet (for tables of messages)."""
    return msgid


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
"""Rule id (contract 2) -> the rule in words, e.g. for a 问题清单's "rule in words" column."""


def rule_words(rule: str) -> str:
    """The rule in words in the current language; an unknown rule (a ``check_*`` one) as its id.

    >>> with language("zh"):
    ...     rule_words("total_mismatch")
    '合计数不符'
    """
    return _(RULE_WORDS[rule]) if rule in RULE_WORDS else rule


def set_language(lang: str | None) -> None:
    """Choose the language of every later message (``None``: back to the environment)."""
    global _chosen
    if lang is not None and lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    _chosen = lang


def current() -> str:
    """The language messages are written in now: ``zh`` or ``en``.

    >>> with language("en"):
    ...     current()
    'en'
    """
    if _chosen:
        return _chosen
    env = (os.environ.get(ENV_LANG) or "").strip().lower()[:2]
    return env if env in LANGS else "zh"


@contextlib.contextmanager
def language(lang: str):
    """Write the messages of a block in ``lang``, then go back."""
    global _chosen
    before = _chosen
    set_language(lang)
    try:
        yield
    finally:
        _chosen = before


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The translations for ``lang``: message id -> text (empty for English)."""
    if lang == "en":
        return {}
    from babel.messages.pofile import read_po

    out: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as fh:
            cat = read_po(fh, locale=lang)
        out.update({m.id: m.string for m in cat if m.id and m.string and not m.fuzzy})
    return out


def html_lang() -> str:
    """The ``lang`` attribute of a page written in the current language.

    >>> with language("zh"):
    ...     html_lang()
    'zh-CN'
    """
    return {"zh": "zh-CN", "en": "en"}[current()]


def _(msgid: str) -> str:
    """The message ``msgid`` in the current language (the id itself when untranslated).

    >>> with language("zh"):
    ...     _("error")
    '错误'
    """
    return catalogue(current()).get(msgid, msgid)


def say(msgid: str, /, **fields) -> str:
    """Translate ``msgid`` and fill its ``{fields}``."""
    text = _(msgid)
    return text.format(**fields) if fields else text


def listing(items) -> str:
    """Items joined as a list is written in the current language.

    >>> with language("zh"):
    ...     listing(["居民合伙人", "团体合伙人"])
    '居民合伙人、团体合伙人'
    """
    return _(", ").join(map(str, items))


def both(msgid: str, /, **fields) -> dict[str, str]:
    """The message in every language, e.g. for a catalogue check or a bilingual sheet."""
    out = {}
    for lang in LANGS:
        with language(lang):
            out[lang] = say(msgid, **fields)
    return out
