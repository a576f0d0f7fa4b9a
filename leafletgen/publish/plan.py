"""Plan a batch: every leaflet × language × variant the request asks for, in a stable order,
sliced into shards; and the files each job writes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from leafletgen.content.loader import find_source, source_files
from leafletgen.counter import Pharmacy
from leafletgen.errors import LeafletError
from leafletgen.i18n.store import catalog_domains
from leafletgen.project import Project
from leafletgen.publish.cache import BuildCache
from leafletgen.publish.names import output_key, output_path
from leafletgen.variants import VARIANTS

ALL = "all"


@dataclass(frozen=True)
class BuildRequest:
    """A batch of publications: generic leaflets (or branded for one pharmacy, on request),
    never anything personal."""

    leaflets: tuple[str, ...]  # source paths or ids of the project's leaflets; ("all",)
    paper: str = "a4"  # a name from PAPERS
    variants: tuple[str, ...] = ("standard",)  # names from VARIANTS, or ("all",)
    languages: tuple[str, ...] = ()  # empty: each leaflet's own language; ("all",): every catalog
    allow_incomplete: bool = False  # print untranslated passages in the source language
    formats: tuple[str, ...] = ("pdf",)  # names from FORMATS
    jobs: int = 1  # worker processes
    force: bool = False  # rebuild outputs the manifest says are current
    verify: bool = False  # hash every output again instead of trusting its size and time
    shard: tuple[int, int] = (1, 1)  # build the K-th of N deterministic slices of the matrix
    branded: Pharmacy | None = None  # publications that carry this pharmacy (--branded)


@dataclass(frozen=True)
class Failure:
    leaflet: str
    message: str


@dataclass(frozen=True, slots=True)
class Job:
    """One leaflet in one language and variant (every requested format); slotted, as a
    catalogue's plan holds one for every leaflet, language and variant."""

    source: Path
    leaflet_id: str
    version: str
    source_language: str
    language: str
    variant: str

    @property
    def name(self) -> str:
        return f"{self.leaflet_id} ({self.language}, {self.variant})"


def plan(
    project: Project, request: BuildRequest, cache: BuildCache | None = None
) -> tuple[list[Job], list[Failure]]:
    """Every job of this shard of the request, in a stable order, and the sources that
    failed to load. ``cache`` saves reading a source whose bytes it has seen valid."""
    cache = cache or BuildCache()
    references: tuple[str | Path, ...] = request.leaflets
    if references == (ALL,):
        references = tuple(source_files(project.leaflets_dir))
    variants = tuple(VARIANTS) if request.variants == (ALL,) else request.variants
    languages = _Languages(project, request)
    jobs, failures = [], []
    for reference in references:
        try:
            path = (
                reference
                if isinstance(reference, Path)  # listed as a source file
                else find_source(reference, project.leaflets_dir)
            )
            leaflet = cache.planned(path)
        except LeafletError as error:
            failures.append(Failure(str(reference), error.format_message()))
            continue
        for language in languages.of(leaflet.id, leaflet.language):
            for variant in variants:
                jobs.append(
                    Job(path, leaflet.id, leaflet.version, leaflet.language, language, variant)
                )
    jobs.sort(key=lambda j: (j.leaflet_id, j.language, j.variant))
    index, count = request.shard
    return [job for n, job in enumerate(jobs) if n % count == index - 1], failures


class _Languages:
    """The languages each leaflet is built in; the catalogs folder is listed once."""

    def __init__(self, project: Project, request: BuildRequest) -> None:
        self.request = request
        self.catalogs: dict[str, list[str]] | None = None
        if request.languages == (ALL,):
            self.catalogs = catalog_domains(project.locales_dir)

    def of(self, leaflet_id: str, source_language: str) -> tuple[str, ...]:
        if not self.request.languages:
            return (source_language,)
        if self.catalogs is not None:  # every language the leaflet has a catalog in
            translated = self.catalogs.get(leaflet_id, [])
            return (source_language, *(t for t in translated if t != source_language))
        return self.request.languages


def paths(project: Project, job: Job, request: BuildRequest) -> list[Path]:
    """The files a job writes, one per requested format."""
    return [
        output_path(
            project.output_dir, job.leaflet_id, job.language, job.variant, request.paper, fmt
        )
        for fmt in request.formats
    ]


def keys(job: Job, request: BuildRequest) -> list[str]:
    """The names of a job's files inside the output folder, as the manifest lists them."""
    return [
        output_key(job.leaflet_id, job.language, job.variant, request.paper, fmt)
        for fmt in request.formats
    ]


def outputs(project: Project, request: BuildRequest) -> list[Path]:
    """The files the request builds (or finds up to date), in the order of the plan."""
    return [path for job in plan(project, request)[0] for path in paths(project, job, request)]


def default_jobs() -> int:
    return os.cpu_count() or 1
