"""What an output is built from, as hashes: the manifest records them, and an output whose
inputs are unchanged is not built again."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from babel import Locale, UnknownLocaleError

from leafletgen import __version__
from leafletgen.content.loader import find_source, load_leaflet
from leafletgen.counter import Pharmacy
from leafletgen.i18n.scripts import language_stylesheets
from leafletgen.i18n.store import catalog_path, chrome_catalogs
from leafletgen.project import FONTS, Project, digest_of
from leafletgen.publish.manifest import file_hash, value_hash
from leafletgen.publish.plan import BuildRequest, Job
from leafletgen.render import FORMATS, piper
from leafletgen.render.html import LINKS
from leafletgen.render.templates import HTML_TWIN_STYLESHEET
from leafletgen.variants import VARIANTS

Inputs = dict[str, str]


def shared_inputs(project: Project, request: BuildRequest) -> Inputs:
    """The inputs every job of a batch shares: fonts, the package, the theme's stylesheets,
    the pharmacy."""
    inputs = {
        "fonts": project.assets.digest(FONTS),
        "leafletgen": __version__,
    }
    if project.extra_css:
        # The files are in the templates' digest; which of them apply, and in which order,
        # is a setting. Recorded only when set, so a project without a theme keeps the
        # inputs it always had.
        inputs["theme"] = value_hash({"extra_css": list(project.extra_css)})
    # The formats' settings likewise, only when a project changes them from the defaults.
    config = project.config
    for key, settings in (
        ("braille", config.braille),
        ("audio", config.audio),
        ("publish", config.publish),
    ):
        if settings != type(settings)():
            inputs[key] = value_hash(settings.model_dump(mode="json"))
    if config.audio.piper_model:  # the voice's bytes and its engine's version, besides its name
        model = project.root / config.audio.piper_model
        inputs["audio"] = value_hash(
            {**config.audio.model_dump(mode="json"), "piper": piper.identity(model)}
        )
    if request.branded is not None:
        inputs["pharmacy"] = _pharmacy_hash(request.branded)
    if project.country is not None:  # its brands and emergency numbers print; only when set
        inputs["country"] = project.country
    return inputs


class InputHashes:
    """The inputs of each job of one batch. Each file is hashed once per batch, not once per
    job: a source serves every language and variant, a catalog every variant, the chrome's
    catalogs every leaflet. Only those hashes are kept, not each job's inputs: a batch of
    120,000 jobs holds one leaflet's at a time."""

    def __init__(
        self, project: Project, request: BuildRequest, *, shared: Inputs | None = None
    ) -> None:
        self.project = project
        self.request = request
        self.shared = shared if shared is not None else shared_inputs(project, request)
        self.options = value_hash(
            {"paper": request.paper, "allow_incomplete": request.allow_incomplete}
        )
        self.files: dict[str, str] = {}  # by path as a string: hashing Paths costs more
        self.chrome: dict[str, list[Path]] = {}
        self.catalogs: dict[tuple[str, str], str] = {}  # the last leaflet's, by language
        self.catalog_folders: dict[str, str] = {}
        self.tools: dict[tuple[str, str], str] = {}  # by format and language
        self.assets = project.assets.files()
        self.templates: dict[tuple[str, str], str] = {}

    def of(self, job: Job, fmt: str = "pdf") -> Inputs:
        """The inputs of ``job``'s output in the format ``fmt``, a new dict each time: the
        job's, and what that format adds (its tools' versions; the formats the HTML twin
        links)."""
        inputs = {
            "source": self._file(job.source),
            "catalog": self._catalogs(job),
            "templates": self._templates(job.variant, job.language),
            **self.shared,
            "options": self.options,
        }
        if (tools := FORMATS[fmt].tools if fmt in FORMATS else None) is not None:
            if (known := self.tools.get((fmt, job.language))) is None:
                known = self.tools[(fmt, job.language)] = tools(job.language)
            inputs["tools"] = known
        if fmt == "html" and (linked := [f for f in LINKS if f in self.request.formats]):
            inputs["companions"] = ",".join(linked)
        return inputs

    def _templates(self, variant: str, language: str) -> str:
        """The templates and images every output uses, and the stylesheets this variant
        and language link: a change to the Arabic layer rebuilds Arabic outputs only, one to
        large-print.css the large-print ones."""
        if (known := self.templates.get((variant, language))) is None:
            linked = {HTML_TWIN_STYLESHEET, *self.project.extra_css}
            try:
                linked |= {
                    *VARIANTS[variant].stylesheets,
                    *language_stylesheets(Locale.parse(language, sep="-")),
                }
            except (KeyError, ValueError, UnknownLocaleError):  # the job fails and says why
                linked |= {name for name in self.assets if name.endswith(".css")}
            used = [
                (name, path)
                for name, path in self.assets.items()
                if not name.startswith(f"{FONTS}/")
                and (not name.endswith(".css") or name in linked)
            ]
            known = digest_of(used, lambda path: bytes.fromhex(self._file(path)))
            self.templates[(variant, language)] = known
        return known

    def _file(self, path: Path) -> str:
        if (known := self.files.get(name := str(path))) is None:
            known = self.files[name] = file_hash(path) if path.is_file() else ""
        return known

    def _catalogs(self, job: Job) -> str:
        """The leaflet's catalog and the chrome's (the project's and the package's) in its
        language; nothing for the source language."""
        if job.language == job.source_language:
            return ""
        if (known := self.catalogs.get((job.leaflet_id, job.language))) is not None:
            return known
        if len(self.catalogs) > 64:  # the plan is in leaflet order: the others are done
            self.catalogs.clear()
        locales = self.project.locales_dir
        if (chrome := self.chrome.get(job.language)) is None:
            chrome = self.chrome[job.language] = chrome_catalogs(locales, job.language)
            self.catalog_folders[job.language] = str(catalog_path(locales, job.language, "").parent)
        # A leaflet's own catalog serves only its variants: read, not kept with the others
        # (named as a string: a Path costs more than reading the file).
        own = f"{self.catalog_folders[job.language]}/{job.leaflet_id}.po"
        known = value_hash([_hash_if_file(own), *(self._file(path) for path in chrome)])
        self.catalogs[(job.leaflet_id, job.language)] = known
        return known


def _hash_if_file(name: str) -> str:
    """The sha256 of the regular file, or "" when there is none (nor is a pipe opened, which
    would wait for a writer)."""
    if not os.path.isfile(name):
        return ""
    with open(name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def job_inputs(project: Project, job: Job, request: BuildRequest, fmt: str = "pdf") -> Inputs:
    """The inputs of one output, on its own (a batch uses one InputHashes for all its jobs)."""
    return InputHashes(project, request).of(job, fmt)


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
    "braille": "the [braille] settings",
    "audio": "the [audio] settings",
    "publish": "the [publish] settings",
    "tools": "the format's tools (their versions or data)",
}
# How the output was asked for, not what it was made from: not judged here. (The formats the
# HTML twin links are those of the build that made it.)
_REQUESTED = ("options", "pharmacy", "companions")


def changed_inputs(project: Project, entry: dict[str, object]) -> list[str]:
    """The inputs of a manifest entry that differ from today's, named for people; an empty
    list when the output is what a build would write today."""
    leaflet_id, language = str(entry["leaflet"]), str(entry["language"])
    source = find_source(leaflet_id, project.leaflets_dir)
    leaflet = load_leaflet(source)
    job = Job(
        source, leaflet.id, leaflet.version_label, leaflet.language, language, str(entry["variant"])
    )
    request = BuildRequest(leaflets=(leaflet_id,), paper=str(entry["paper"]))
    today = job_inputs(project, job, request, str(entry.get("format", "pdf")))
    recorded = entry.get("inputs")
    recorded = recorded if isinstance(recorded, dict) else {}
    keys = sorted((set(recorded) | set(today)) - set(_REQUESTED))
    return [_NAMES.get(key, key) for key in keys if recorded.get(key) != today.get(key)]
