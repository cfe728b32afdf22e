"""The corpus generators are scripts run by hand to rebuild `files/` (they need xlwt);
pytest's doctest collection must not import them."""

collect_ignore_glob = ["make_*.py"]
