"""What the report notebooks show, as pure functions over the records DataFrame.

Every function takes the records from :func:`civicstats.store.load` (columns
``area, group, period, measure, value, qualifier, source, domain, ...``) and
returns a small DataFrame or a string, so that a notebook cell is one call and
the logic is tested here, not in notebooks (which areas a total leaves out, and why, is
:mod:`civicstats.gaps`). The rooms:

- :mod:`~civicstats.views.base`: example records, levels (no double counting), labels;
- :mod:`~civicstats.views.text`: figures as text (``10余``, ``约183``), tables, headings;
- :mod:`~civicstats.views.month`: the month's totals, changes, targets and profiles;
- :mod:`~civicstats.views.series`: figures over the months, gaps kept as gaps.

>>> recs = example_records()
>>> format_value(10, "at_least")
'10余'
>>> month_totals(recs, "2023-09").set_index("measure").loc["resident_partners", "display"]
'20'
"""

# the rooms' names, all reachable as civicstats.views.X (each room lists them in __all__)
from civicstats.coverage import Note, coverage_table, domain_status  # noqa: F401 - for notebooks
from civicstats.figures import month_cn  # noqa: F401
from civicstats.gaps import Gaps, first_reports, gaps, left_out_text, rejected  # noqa: F401
from civicstats.views.base import *  # noqa: F403
from civicstats.views.month import *  # noqa: F403
from civicstats.views.series import *  # noqa: F403
from civicstats.views.text import *  # noqa: F403
