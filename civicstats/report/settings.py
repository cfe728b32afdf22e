"""Names and defaults of the report run, shared by its modules."""




ENV_NOTEBOOKS = "CIVICSTATS_NOTEBOOKS"


KERNEL_NAME = "civicstats-python"


ORDER = ("overview", "partners", "childcare", "volunteers", "area_profile", "explore")
"""Notebooks run (and are listed) in this order; others follow alphabetically."""


DEFAULT_TIMEOUT = 300
"""Seconds one notebook may run before it is stopped and reported as timed out."""


PACKAGES = ("civicstats", "pandas", "matplotlib", "papermill", "nbclient", "nbconvert",
            "duckdb", "ipykernel")
