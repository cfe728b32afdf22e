"""Arguments a person types (a month, a domain), checked with a message that says what to write.

>>> checked_period(" 2024-03 ")
'2024-03'
>>> checked_period("2024-13")
Traceback (most recent call last):
...
civicstats.errors.UsageError: --period...
"""

from civicstats import DOMAINS
from civicstats.errors import UsageError
from civicstats.messages import say
from civicstats.values import period_option


def checked_period(period) -> str:
    """``YYYY-MM`` as given, else :class:`~civicstats.errors.UsageError` (exit 2)."""
    return period_option(period)


def checked_domain(domain) -> str:
    """One of the three domains, else :class:`~civicstats.errors.UsageError` (exit 2)."""
    if domain not in DOMAINS:
        raise UsageError("--domain", say("unknown domain '{domain}'", domain=domain),
                         say("use one of: {domains}", domains=", ".join(DOMAINS)))
    return domain
