"""What an output is built from, as hashes: the manifest records them, and an output whose
inputs are unchanged is not built again."""

from __future__ import annotations

from leafletgen import __version__
from leafletgen.content.loader import find_source, load_leaflet
from leafletgen.counter import Pharmacy
from leafletgen.i18n.store import catalog_path, chrome_catalogs
from leafletgen.project import FONTS, Project
from leafletgen.publish.manifest import file_hash, value_hash
from leafletgen.publish.plan import BuildRequest, Job

Inputs = dict[str, str]


def shared_inputs(project: Project, request: BuildRequest) -> Inputs:
    """The inputs every job of a batch shares: templates, fonts, the package, the theme's
    stylesheets, the pharmacy."""
    inputs = {
        "templates": project.assets.digest(exclude=FONTS),
        "fonts": project.assets.digest(FONTS),
        "leafletgen": __version__,
    }
    if project.extra_css:
        # The files are in the templates' digest; which of them apply, and in which order,
        # is a setting. Recorded only when set, so a project without a theme keeps the
        # inputs (and the manifest) it always had.
        inputs["theme"] = value_hash({"extra_css": list(project.extra_css)})
    if project.config.country is not None:
        # Its emergency numbers are printed; recorded only when set, as the theme is.
        inputs["country"] = value_hash({"country": project.config.country})
    if request.branded is not None:
        inputs["pharmacy"] = _pharmacy_hash(request.branded)
    return inputs


def job_inputs(project: Project, job: Job, request: BuildRequest, shared: Inputs) -> Inputs:
    options = {"paper": request.paper, "allow_incomplete": request.allow_incomplete}
    return {
        "source": file_hash(job.source),
        "catalog": _catalogs_hash(project, job),
        **shared,
        "options": value_hash(options),
    }


def _catalogs_hash(project: Project, job: Job) -> str:
    """The leaflet's catalog and the chrome's (the project's and the package's) in its
    language; nothing for the source language."""
    if job.language == job.source_language:
        return ""
    catalogs = [
        catalog_path(project.locales_dir, job.language, job.leaflet_id),
        *chrome_catalogs(project.locales_dir, job.language),
    ]
    return value_hash([file_hash(path) if path.is_file() else "" for path in catalogs])


def _pharmacy_hash(pharmacy: Pharmacy) -> str:
    logo = file_hash(pharmacy.logo_path) if pharmacy.logo_path else ""
    return value_hash({"profile": pharmacy.profile.model_dump(mode="json"), "logo": logo})


# How each input is named for people, when an output is stale.
_NAMES = {
    "source": "the source",
    "catalog": "its catalogs",
    "templates": "the templates",
    "fonts": "the fonts",
    "leafletgen": "leafletgen's version",
    "theme": "the theme",
    "country": "the country",
}
# How the output was asked for, not what it was made from: not judged here.
_REQUESTED = ("options", "pharmacy")


def changed_inputs(project: Project, entry: dict[str, object]) -> list[str]:
    """The inputs of a manifest entry that differ from today's, named for people; an empty
    list when the output is what a build would write today."""
    leaflet_id, language = str(entry["leaflet"]), str(entry["language"])
    source = find_source(leaflet_id, project.leaflets_dir)
    leaflet = load_leaflet(source)
    job = Job(
        source, leaflet.id, leaflet.version, leaflet.language, language, str(entry["variant"])
    )
    request = BuildRequest(leaflets=(leaflet_id,), paper=str(entry["paper"]))
    today = job_inputs(project, job, request, shared_inputs(project, request))
    recorded = entry.get("inputs")
    recorded = recorded if isinstance(recorded, dict) else {}
    keys = sorted((set(recorded) | set(today)) - set(_REQUESTED))
    return [_NAMES.get(key, key) for key in keys if recorded.get(key) != today.get(key)]
