"""``index.html``: every leaflet, language and variant an output folder holds, as one page.

The list comes from the folder's manifest, not from the build that writes it, so an
incremental or sharded build still lists everything built so far. Like the leaflets' HTML
twins the page is self-contained; its fonts are cut down to the characters it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from babel import Locale, UnknownLocaleError
from markupsafe import Markup

from leafletgen import __version__
from leafletgen.files import write_atomic
from leafletgen.i18n.localization import localize
from leafletgen.i18n.scripts import script_stylesheets
from leafletgen.i18n.store import SOURCE_LANGUAGE
from leafletgen.project import Project
from leafletgen.publish.manifest import Manifest
from leafletgen.render.templates import HTML_TWIN_STYLESHEET, inline_stylesheets, make_environment
from leafletgen.variants import BASE_STYLESHEET, PAPERS, VARIANTS

INDEX = "index.html"
LINKED_FORMATS = ("html", "pdf", "brf", "epub", "audio")  # the columns of index.html.j2
# The columns after the web page and the PDF, shown only when the folder holds such a file.
# Each with its heading and the name of the file's kind, as the PDF column says "PDF".
OTHER_COLUMNS = {
    "brf": ("Braille", "BRF"),
    "epub": ("E-book", "EPUB"),
    "audio": ("Audio", "Ogg Opus"),
}


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself
    english_name: str
    direction: str  # "ltr" | "rtl"
    stylesheets: tuple[str, ...] = ()  # the fonts of its script

    @classmethod
    def of(cls, code: str) -> Language:
        try:
            locale = Locale.parse(code, sep="-")
        except (ValueError, UnknownLocaleError):
            return cls(code, code, code, "ltr")
        return cls(
            code,
            locale.get_display_name(locale) or code,
            locale.get_display_name(SOURCE_LANGUAGE) or code,
            "rtl" if locale.character_order == "right-to-left" else "ltr",
            script_stylesheets(locale),
        )


# Localization.state, from the least to the most cause for caution.
_CAUTION = (
    "original",
    "reviewed translation",
    "draft translation",
    "unknown",
    "review out of date",
)


@dataclass
class Row:
    """One variant on one paper size: its HTML page and its PDF, where they were built."""

    variant: str
    paper: str
    title: str = ""
    html: str | None = None  # link, relative to the index
    pdf: str | None = None
    pages: int | None = None
    translation: str = "original"  # Localization.state when built; "unknown" in older manifests
    others: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # format: (link, pages)

    @property
    def is_draft(self) -> bool:
        return _CAUTION.index(self.translation) > _CAUTION.index("reviewed translation")

    @property
    def label(self) -> str:
        variant = VARIANTS.get(self.variant)
        return variant.label if variant else self.variant

    @property
    def paper_label(self) -> str:
        paper = PAPERS.get(self.paper)
        return paper.label if paper else self.paper


@dataclass
class LanguageGroup:
    language: Language
    rows: list[Row] = field(default_factory=list)


@dataclass
class IndexedLeaflet:
    id: str
    versions: list[str]
    languages: list[LanguageGroup]


def indexed_leaflets(manifest: Manifest) -> list[IndexedLeaflet]:
    """The manifest's outputs still on disk, grouped by leaflet, language and variant."""
    rows: dict[tuple[str, str, str, str], Row] = {}
    versions: dict[str, set[str]] = {}
    for key, entry in sorted(manifest.entries.items()):
        fmt = entry.get("format")
        if fmt not in LINKED_FORMATS or not (manifest.out_dir / key).is_file():
            continue
        leaflet, language = str(entry["leaflet"]), str(entry["language"])
        variant, paper = str(entry["variant"]), str(entry["paper"])
        row = rows.setdefault((leaflet, language, variant, paper), Row(variant, paper))
        row.title = row.title or str(entry.get("title") or "")
        # the least reviewed of its files (a PDF and its HTML twin may be built apart)
        state = str(entry.get("translation") or "unknown")
        state = state if state in _CAUTION else "unknown"
        row.translation = max(row.translation, state, key=_CAUTION.index)
        if fmt == "html":
            row.html = quote(key)
        elif fmt == "pdf":
            row.pdf, row.pages = quote(key), entry.get("pages")
        else:
            pages = entry.get("pages")
            row.others[str(fmt)] = (quote(key), pages if isinstance(pages, int) else None)
        versions.setdefault(leaflet, set()).add(str(entry.get("version", "")))
    leaflets: dict[str, dict[str, LanguageGroup]] = {}
    for (leaflet, language, _, _), row in sorted(rows.items(), key=_reading_order):
        groups = leaflets.setdefault(leaflet, {})
        groups.setdefault(language, LanguageGroup(Language.of(language))).rows.append(row)
    return [
        IndexedLeaflet(leaflet, sorted(versions[leaflet]), list(groups.values()))
        for leaflet, groups in leaflets.items()
    ]


def _reading_order(item: tuple[tuple[str, str, str, str], Row]) -> tuple[str, str, int, str]:
    # Variants in the order the project lists them (standard first), not alphabetically.
    (leaflet, language, variant, paper), _ = item
    order = list(VARIANTS)
    return (leaflet, language, order.index(variant) if variant in order else len(order), paper)


def render_index(project: Project, leaflets: list[IndexedLeaflet]) -> str:
    """The page, with its stylesheets and fonts inside it."""
    # The index speaks the source language; language names are printed in their own.
    env = make_environment(localize(SOURCE_LANGUAGE, project.locales_dir), project.assets)
    template = env.get_template("index.html.j2")

    rows = [row for leaflet in leaflets for group in leaflet.languages for row in group.rows]
    present = {fmt for row in rows for fmt in row.others}
    columns = [(fmt, *named) for fmt, named in OTHER_COLUMNS.items() if fmt in present]

    def render(css: str) -> str:
        return template.render(
            leaflets=leaflets,
            files=sum(
                (row.html is not None) + (row.pdf is not None) + len(row.others) for row in rows
            ),
            columns=columns,
            inline_css=Markup(css),
            generator=f"leafletgen {__version__}",
        )

    # Rendered once to learn which characters the page shows, then with fonts cut to them.
    characters = "".join(sorted(set(render(""))))
    # The theme's stylesheets come last here too: the index wears the leaflets' look.
    names = (*stylesheets(leaflets), *project.extra_css)
    return render(inline_stylesheets(project.assets, names, subset_to=characters))


def stylesheets(leaflets: list[IndexedLeaflet]) -> tuple[str, ...]:
    """base.css for the palette and type, the fonts of each script the language names and
    titles are written in, the index's own layout, and the HTML twin's skip link and focus."""
    scripts = sorted(
        {
            layer
            for leaflet in leaflets
            for group in leaflet.languages
            for layer in group.language.stylesheets
        }
    )
    return (BASE_STYLESHEET, *scripts, "css/index.css", HTML_TWIN_STYLESHEET)


def write_index(project: Project, manifest: Manifest, *, wrote_html: bool) -> Path | None:
    """Write ``index.html`` beside the manifest when a build wrote HTML, or keep the one an
    earlier build wrote up to date; return its path, or None when there is none.

    Call it holding the folder's lock, with the manifest read under it: every build's outputs
    so far, not only this one's, and no other build's index written from an older manifest
    after this one.
    """
    path = manifest.out_dir / INDEX
    if not wrote_html and not path.is_file():
        return None
    write_atomic(path, render_index(project, indexed_leaflets(manifest)).encode("utf-8"))
    return path
