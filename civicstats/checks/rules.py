"""The rules file: which checks run, their thresholds, severities and message templates.

The bundled file is ``civicstats/vocab/checks.toml``; ``$CIVICSTATS_CHECKS`` (or the
``path`` argument) names another one. That file may hold only the keys it changes: each
value overrides the bundled one, so a copy with one threshold changed is enough. A key,
rule, type, measure or template field the bundled file does not know is an error naming
the file, the rule and the key, never a silent default.

>>> rules = load_rules()
>>> [r.id for r in rules]  # doctest: +NORMALIZE_WHITESPACE
['check_part_whole', 'check_done_vs_plan', 'check_drop', 'check_spike',
 'check_first_outlier', 'check_conflict', 'check_missing']
>>> spike = by_id(rules)["check_spike"]
>>> spike.severity, spike["factor"], spike["min_months"]
('warning', 10, 2)
"""

from __future__ import annotations

import os
import string
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from civicstats.errors import UsageError
from civicstats.messages import _, say

BUNDLED = Path(__file__).resolve().parent.parent / "vocab" / "checks.toml"
ENV_RULES = "CIVICSTATS_CHECKS"
SEVERITIES = ("error", "warning")
LANGS = ("zh", "en")
# what a message template may name (civicstats.checks.wording fills them)
FIELDS = frozenset({"who", "period", "label", "value", "cell", "other_label", "other_value",
                    "other_cell", "factor", "share", "ratio", "median", "months", "peers",
                    "peer_median", "peer_ratio"})
# keys every rule has; everything else is a parameter of the check
COMMON = ("severity", "enabled", "title")
# parameters that name measures, checked against the vocabulary
MEASURE_LISTS = ("measures", "yearly", "skip_measures", "pairs")


@dataclass(frozen=True)
class Rule:
    """One check: id, severity, whether it runs, its title and templates, its parameters."""

    id: str
    severity: str
    enabled: bool
    title: dict
    messages: dict  # variant ("message", "message_few_months") -> {lang: template}
    params: dict = field(default_factory=dict)

    def __getitem__(self, name: str):
        return self.params[name]

    def template(self, variant: str, lang: str) -> str:
        """The message template of ``variant`` in ``lang``."""
        return self.messages[variant][lang]


def rules_path(path=None) -> Path:
    """The rules file in use: ``path``, else $CIVICSTATS_CHECKS, else the bundled file."""
    chosen = path or os.environ.get(ENV_RULES)
    return Path(chosen) if chosen else BUNDLED


def load_rules(path=None) -> list[Rule]:
    """The rules in file order, the bundled ones overridden by ``path`` (or $CIVICSTATS_CHECKS).

    Read again only when the file changes (its modification time is part of the cache key).
    """
    chosen = rules_path(path)
    try:
        stamp = chosen.stat().st_mtime_ns
    except OSError as exc:
        raise UsageError(str(chosen), say("the checks file cannot be read ({why})", why=exc.strerror or exc),
                         say("point ${name} at an existing checks file", name=ENV_RULES)) from None
    return _load(str(chosen), stamp)


def by_id(rules: list[Rule]) -> dict[str, Rule]:
    """The rules keyed by their id."""
    return {r.id: r for r in rules}


@cache
def _load(path: str, _stamp: int) -> list[Rule]:
    base = _read(BUNDLED)
    override = _read(Path(path)) if Path(path) != BUNDLED else {}
    for rule_id, keys in override.items():
        if rule_id not in base:
            raise UsageError(f"{path} [{rule_id}]", _("this check is not known"),
                             say("use one of {names}", names=", ".join(base)))
        if not isinstance(keys, dict):
            raise UsageError(f"{path} [{rule_id}]", _("must be a table of keys"),
                             _("write it as in civicstats/vocab/checks.toml"))
        for key, value in keys.items():
            _check_key(path, rule_id, key, value, base[rule_id])
    return [_rule(rule_id, _merged(keys, override.get(rule_id, {})))
            for rule_id, keys in base.items()]


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(str(path), say("the checks file is not valid TOML ({why})", why=exc),
                         _("fix the line named, or start again from a copy of "
                           "civicstats/vocab/checks.toml")) from None
    except OSError as exc:
        raise UsageError(str(path), say("the checks file cannot be read ({why})", why=exc.strerror or exc),
                         say("point ${name} at an existing checks file", name=ENV_RULES)) from None


def _merged(base: dict, override: dict) -> dict:
    """``override`` over ``base``; a title or message table keeps the languages it leaves out.

    >>> _merged({"factor": 3, "title": {"zh": "甲", "en": "a"}}, {"title": {"en": "b"}})
    {'factor': 3, 'title': {'zh': '甲', 'en': 'b'}}
    """
    return {**base, **{k: {**base[k], **v} if isinstance(v, dict) else v
                       for k, v in override.items()}}


def _check_key(path: str, rule_id: str, key: str, value, base: dict) -> None:
    where = f"{path} [{rule_id}] {key}"
    if key not in base:
        raise UsageError(where, _("this key is not known for this check"),
                         say("use one of {names}", names=", ".join(base)))
    want = base[key]
    if isinstance(want, bool) or isinstance(value, bool):
        ok = isinstance(value, bool) and isinstance(want, bool)
    elif isinstance(want, int | float):
        ok = isinstance(value, int | float) and value >= 0
    else:
        ok = isinstance(value, type(want))
    if not ok:
        raise UsageError(where, say("{value} is not a {kind}", value=repr(value), kind=_kind(want)),
                         say("give a {kind}, like the bundled {example}", kind=_kind(want),
                             example=repr(want)))
    if key == "severity" and value not in SEVERITIES:
        raise UsageError(where, say("{value} is not a severity", value=repr(value)), _("use error or warning"))
    if key in MEASURE_LISTS:
        _check_measures(where, value)
    if isinstance(value, dict) and key.startswith("message"):
        for lang, template in value.items():
            _check_template(f"{where}.{lang}", lang, template)


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "number of 0 or more"
    return {list: "list", dict: "table", str: "text"}.get(type(value), type(value).__name__)


def _check_measures(where: str, value) -> None:
    from civicstats import vocab

    known = set(vocab.measures()["measure"])
    names = [m for item in value for m in (item if isinstance(item, list) else [item])]
    unknown = [m for m in names if m not in known]
    if unknown:
        raise UsageError(where, say("not a measure: {names}", names=", ".join(map(str, unknown))),
                         _("use measure ids from civicstats/vocab/measures.csv"))


def _check_template(where: str, lang: str, template) -> None:
    """A template may name only the known fields, and must be text in a known language.

    >>> _check_template("x", "zh", "{who}：{valeu}")
    Traceback (most recent call last):
    ...
    civicstats.errors.UsageError: x：模板中的 {valeu} 不是可用的字段。处理办法：只能使用 {cell}, {factor}, ...
    """
    if lang not in LANGS or not isinstance(template, str):
        raise UsageError(where, _("a message must be text in zh or en"), _("write zh = \"…\""))
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    except ValueError as exc:
        raise UsageError(where, say("the template cannot be read ({why})", why=exc),
                         _("write fields as {name}; a literal brace as {{ or }}")) from None
    bad = sorted(names - FIELDS)
    if bad:
        fields = ", ".join("{" + f + "}" for f in sorted(FIELDS))
        raise UsageError(where, say("the template names {field}, which is not a field", field="{" + bad[0] + "}"),
                         say("use only {fields}", fields=fields))


def _rule(rule_id: str, keys: dict) -> Rule:
    messages = {k: v for k, v in keys.items() if k.startswith("message")}
    params = {k: v for k, v in keys.items() if k not in COMMON and k not in messages}
    return Rule(rule_id, keys["severity"], bool(keys.get("enabled", True)), keys["title"],
                messages, params)
