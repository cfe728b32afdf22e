"""One validated job per notebook (and per area), and which previous pages can be reused."""

from pathlib import Path

from civicstats import params
from civicstats.errors import UsageError
from civicstats.filenames import safe_name
from civicstats.messages import _, say
from civicstats.report.inputs import Inputs
from civicstats.report.keys import job_key
from civicstats.report.results import NotebookResult
from civicstats.store import file_sha256


def _areas_wanted(areas, reported: list[str]) -> list[str]:
    if areas in (None, "", "all") or areas == ["all"]:
        return reported
    names = areas.split(",") if isinstance(areas, str) else list(areas)
    out = []
    for name in filter(None, (n.strip() for n in names)):
        try:
            area = params.check_area(name, known=reported)
        except ValueError as exc:
            raise UsageError("--areas", str(exc),
                             _("use area names as in data/reference/areas.csv")) from None
        if area not in reported:
            raise UsageError("--areas", say("{area} has no records for this month", area=area),
                             say("choose among: {areas}", areas="、".join(reported) or "—"))
        if area not in out:  # "天悦,天悦社区" names one area twice: one report
            out.append(area)
    return out


def plan(period: str, notebooks: list[Path], inputs: Inputs, *, areas="all",
         store_path: str = "") -> list[NotebookResult]:
    """One validated job per notebook, and per area for notebooks that take an area."""
    from civicstats import views

    reported = views.areas_reported(inputs.records, period) if len(inputs.records) else []
    wanted = _areas_wanted(areas, reported)
    jobs = []
    for nb in notebooks:
        nb_hash = file_sha256(nb)
        base = {"period": period, "store": store_path}
        if params.takes_area(nb.stem):
            variants = [(safe_name(nb.stem, a), {**base, "area": a}) for a in wanted]
        else:
            variants = [(safe_name(nb.stem), base)]
        for name, given in variants:
            values = params.validate(nb.stem, given, known_areas=reported)
            jobs.append(NotebookResult(
                name=name, notebook=str(nb), parameters=values,
                key=job_key(inputs.records_hash, nb_hash, values),
                issues=_issues_for(nb.stem, values, inputs.issues)))
    names = [j.name for j in jobs]
    if len(set(names)) != len(names):
        # cannot happen short of a hash collision (safe_name hashes every changed name)
        raise UsageError("--areas", _("two areas give the same file name"),
                         _("report them in two runs with --areas and tell the maintainers"))
    return jobs


def _issues_for(stem: str, values: dict, issues) -> int:
    from civicstats import views

    if stem in ("partners", "childcare", "volunteers"):
        return views.issue_count(issues, stem)
    if "area" in values and issues is not None and len(issues):
        text = issues.reindex(columns=["raw", "message"]).astype(str).agg(" ".join, axis=1)
        return int(text.str.contains(values["area"], regex=False).sum())
    return views.issue_count(issues)


def reusable(job: NotebookResult, previous: dict, folder: Path) -> dict | None:
    """The previous run's entry for this job when it succeeded with the same key and files exist."""
    old = {e.get("name"): e for e in previous.get("notebooks", [])}.get(job.name)
    if not old or old.get("key") != job.key or old.get("status") not in ("ok", "skipped"):
        return None
    if not all((folder / old.get(k, "")).is_file() for k in ("html", "ipynb")):
        return None
    return old


def partial(areas) -> bool:
    """Whether a run renders only some areas' pages (``--areas A,B``), not the whole month.

    >>> partial("all"), partial("天悦社区"), partial(["天悦社区"])
    (False, True, True)
    """
    return not (areas in (None, "", "all") or areas == ["all"])


def kept_pages(previous: dict, planned: list[NotebookResult], folder: Path) -> list[NotebookResult]:
    """The earlier run's pages a partial run does not render: they stay, listed as ``kept``.

    Only pages whose files are still there are kept; their entry (key, timings, error) is
    the earlier run's, so the manifest says when and from what each page was made.
    """
    names = {j.name for j in planned}
    fields = set(NotebookResult.__dataclass_fields__)
    out = []
    for entry in previous.get("notebooks", []):
        if entry.get("name") in names or not all(
                entry.get(k) and (folder / entry[k]).is_file() for k in ("html", "ipynb")):
            continue
        job = NotebookResult(**{k: v for k, v in entry.items() if k in fields})
        job.status = "kept"
        out.append(job)
    return out


def in_report_order(jobs: list[NotebookResult], notebooks: list[Path]) -> list[NotebookResult]:
    """Pages in the order of the notebooks, then by name (areas sort within area_profile)."""
    rank = {str(nb): i for i, nb in enumerate(notebooks)}
    return sorted(jobs, key=lambda j: (rank.get(j.notebook, len(rank)), j.name))
