"""The e-book: EPUB 3 by ebooklib, one chapter per section of the filled page, with the
navigation document, the leaflet's language and direction, the bundled fonts (cut down to
its characters), tables with their header cells, and the schema.org accessibility metadata
with a conformance claim. The check runs W3C's epubcheck: no error, no warning.

The same inputs give the same bytes: the identifier comes from the leaflet, the dates from
its review, and the zip is written again with fixed times in a fixed order.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
from markupsafe import Markup

from leafletgen.content import markup
from leafletgen.errors import RenderError
from leafletgen.render.format import Check, Document, Format, Output
from leafletgen.render.outline import outline_of, page_chapters
from leafletgen.render.templates import MEDIA_TYPES, asset_contents, stylesheet_assets

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say


def render(document: Document) -> Output:
    from ebooklib import epub  # only the e-book needs it

    filled = document.fill(standalone=False)
    l10n, edition = document.localization, document.edition
    leaflet = edition.leaflet
    outline = outline_of(document)
    book = epub.EpubBook()
    book.set_identifier(_identifier(document))
    book.set_title(edition.document_title)
    book.set_language(l10n.language)
    book.set_direction(l10n.direction)
    book.add_metadata("DC", "date", leaflet.reviewed.date.isoformat())
    book.add_metadata("DC", "publisher", leaflet.source.publisher or "leafletgen")
    if edition.summary:
        book.add_metadata("DC", "description", markup.to_text(edition.summary))
    _accessibility(book, edition.document_title)

    text = outline.text() + edition.document_title
    for name in filled.stylesheets:
        css = _for_reading_systems(document.assets.find(name).read_text(encoding="utf-8"))
        book.add_item(
            epub.EpubItem(uid=_uid(name), file_name=name, media_type="text/css", content=css)
        )
        for asset in stylesheet_assets(document.assets, name):
            path = document.assets.find(asset)
            media_type = MEDIA_TYPES[path.suffix.lower()]
            font = path.suffix.lower() in (".ttf", ".otf")
            data = asset_contents(path, text if font else None)
            book.add_item(
                epub.EpubItem(uid=_uid(asset), file_name=asset, media_type=media_type, content=data)
            )

    pages = page_chapters(filled.html)
    for name, (data, media_type) in _images(document, pages).items():
        book.add_item(
            epub.EpubItem(uid=_uid(name), file_name=name, media_type=media_type, content=data)
        )
    chapters = []
    for number, (elements, chapter) in enumerate(
        zip(pages, outline.chapters, strict=True), start=1
    ):
        item = epub.EpubHtml(
            uid=f"chapter-{number:02d}",
            title=chapter.title,
            file_name=f"chapter-{number:02d}.xhtml",
            lang=l10n.language,
            direction=l10n.direction,
            content=_body(elements),
        )
        for name in filled.stylesheets:
            item.add_link(href=name, rel="stylesheet", type="text/css")
        book.add_item(item)
        chapters.append(item)
    nav = epub.EpubNav(uid="nav", file_name="nav.xhtml", direction=l10n.direction)
    nav.title = Markup(l10n.chrome.gettext("Contents")).striptags()
    book.add_item(nav)
    book.add_item(epub.EpubNcx())  # for the reading systems of EPUB 2
    book.toc = chapters
    book.spine = [*chapters, "nav"]
    reviewed = datetime.combine(leaflet.reviewed.date, datetime.min.time(), UTC)
    out = io.BytesIO()
    epub.write_epub(out, book, {"mtime": reviewed, "raise_exceptions": True, "epub3_pages": False})
    package = _PACKAGE_ATTRIBUTES.format(language=l10n.language, direction=l10n.direction)
    return Output(_reproducible_zip(out.getvalue(), package.encode("ascii")), None)


# The package document's own language and direction (ebooklib writes them on the content
# only): what DAISY Ace requires of it, and a reading system's default for the metadata.
_PACKAGE_ATTRIBUTES = '<package xml:lang="{language}" dir="{direction}" '
_OPF = "EPUB/content.opf"


# EPUB 3 leaves the direction of text to the markup (`dir`): epubcheck refuses these (CSS-001).
_NOT_IN_EPUB = {"direction", "unicode-bidi"}


def _for_reading_systems(css: str) -> bytes:
    """A stylesheet without its ``@page`` rules (a reading system lays out its own pages, and
    epubcheck refuses the page-margin boxes of a printed page) and without the properties
    EPUB leaves to the markup; a rule left with nothing goes too."""
    import tinycss2

    rules = tinycss2.parse_stylesheet(css, skip_comments=False, skip_whitespace=False)
    kept = []
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "page":
            continue
        if rule.type == "qualified-rule":
            declarations = tinycss2.parse_declaration_list(rule.content)
            if any(d.type == "declaration" and d.lower_name in _NOT_IN_EPUB for d in declarations):
                allowed = [
                    d
                    for d in declarations
                    if d.type == "declaration" and d.lower_name not in _NOT_IN_EPUB
                ]
                if not allowed:
                    continue
                rule.content = tinycss2.parse_component_value_list(
                    " ".join(tinycss2.serialize([d]) for d in allowed)  # each ends with ";"
                )
        kept.append(rule)
    return tinycss2.serialize(kept).encode("utf-8")


def _identifier(document: Document) -> str:
    leaflet = document.edition.leaflet
    key = ":".join(
        (
            "leafletgen",
            leaflet.id,
            leaflet.version,
            document.localization.language,
            document.edition.variant.name,
        )
    )
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def _images(
    document: Document, pages: list[list[lxml.html.HtmlElement]]
) -> dict[str, tuple[bytes, str]]:
    """The pictures the chapters show (a theme's image, a pharmacy's logo), each put in the
    book and its ``src`` pointed there. The page names an asset by its name, and the
    pharmacy's checked logo by its file; nothing else can be in a leaflet."""
    images: dict[str, tuple[bytes, str]] = {}
    logos = {
        uri: path
        for path in document.extra_files
        for uri in {path.absolute().as_uri(), path.resolve().as_uri()}
    }
    for element in (e for page in pages for e in page):
        for img in element.iter("img"):
            src = img.get("src", "")
            if src in logos:
                path, name = logos[src], f"images/pharmacy-logo{logos[src].suffix.lower()}"
            elif document.assets.has(src):
                path, name = document.assets.find(src), src
            else:
                raise RenderError(
                    f"{document.name}: the e-book cannot carry the image {src[:80]!r}"
                )
            media_type = MEDIA_TYPES.get(path.suffix.lower())
            if media_type is None or not media_type.startswith("image/"):
                raise RenderError(f"{document.name}: {name!r} is not an image an e-book can carry")
            images[name] = (path.read_bytes(), media_type)
            img.set("src", name)
    return images


def _uid(name: str) -> str:
    return "asset-" + "".join(c if c.isalnum() else "-" for c in name)


def _body(elements: list[lxml.html.HtmlElement]) -> str:
    inner = "".join(lxml.html.tostring(e, encoding="unicode") for e in elements)
    return f"<html><body>{inner}</body></html>"


def _accessibility(book: object, title: str) -> None:
    """What a reading system and a catalogue tell a reader about access (EPUB Accessibility
    1.1 with schema.org's vocabulary), and the claim epubcheck and Ace hold it to."""
    metadata = [
        ("schema:accessMode", "textual"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityFeature", "displayTransformability"),
        ("schema:accessibilityHazard", "none"),
        (
            "schema:accessibilitySummary",
            "Text only, with headings for every section, a table of contents, tables with "
            "header cells and the reading order of the printed leaflet; no images, sound or "
            "motion.",
        ),
        ("dcterms:conformsTo", CONFORMANCE),
        ("a11y:certifiedBy", "leafletgen (epubcheck)"),
    ]
    for name, value in metadata:
        book.add_metadata(None, "meta", value, {"property": name})  # type: ignore[attr-defined]


def _reproducible_zip(data: bytes, package: bytes) -> bytes:
    """The same archive with every entry dated alike and in name order after ``mimetype``
    (which the EPUB wants first and stored), so the bytes depend on the content only; the
    package element opened with ``package`` (its language and direction)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(source.namelist(), key=lambda name: (name != "mimetype", name))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            content = source.read(name)
            if name == _OPF:
                content = content.replace(b"<package ", package, 1)
            target.writestr(info, content, compresslevel=9)
    return out.getvalue()


def check(data: bytes, document: Document) -> Check:
    """W3C's epubcheck: no error and no warning; and a chapter for every section."""
    command = _epubcheck()
    failures = []
    with tempfile.TemporaryDirectory(prefix="leafletgen-epub-") as folder:
        path = Path(folder) / "leaflet.epub"
        path.write_bytes(data)
        result = subprocess.run(
            [*command, "--quiet", "--failonwarnings", str(path)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    messages = [
        line.replace(str(path), "leaflet.epub")
        for line in (result.stdout + result.stderr).splitlines()
        if line.startswith(("ERROR", "WARNING", "FATAL"))
    ]
    if result.returncode != 0:
        failures += [f"epubcheck: {message}" for message in messages] or [
            f"epubcheck: exit status {result.returncode}"
        ]
    failures += _structure(data, document)
    detail = "epubcheck: 0 errors, 0 warnings" if not failures else ""
    if (ace := _ace()) is not None:
        found = _ace_violations(ace, data)
        failures += [f"ace: {violation}" for violation in found]
        detail += "; DAISY Ace: no violations" if not found else ""
    return Check("EPUB 3", not failures, tuple(failures), detail)


def _ace() -> list[str] | None:
    """DAISY Ace (npm: @daisy/ace or @daisy/ace-cli) when it is installed, run with the
    system's Chromium (puppeteer downloads none here); None when it is not: the check is
    epubcheck's then."""
    found = shutil.which("ace") or shutil.which("ace-cli")
    return [found] if found else None


def _ace_violations(command: list[str], data: bytes) -> list[str]:
    """Ace's findings on the book (axe-core on each chapter, the accessibility metadata):
    each as "file: rule (impact): what it says"; one line saying why when Ace cannot run."""
    import json
    import os

    env = dict(os.environ)
    if "PUPPETEER_EXECUTABLE_PATH" not in env and (chromium := shutil.which("chromium")):
        env["PUPPETEER_EXECUTABLE_PATH"] = chromium
    with tempfile.TemporaryDirectory(prefix="leafletgen-ace-") as folder:
        path, report = Path(folder) / "leaflet.epub", Path(folder) / "report"
        path.write_bytes(data)
        try:
            result = subprocess.run(
                [*command, "--silent", "--force", "--outdir", str(report), str(path)],
                capture_output=True,
                text=True,
                timeout=300,
                env=env,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return [f"DAISY Ace did not run: {error}"]
        try:
            found = json.loads((report / "report.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            said = (result.stderr or result.stdout).strip()[-200:]
            return [f"DAISY Ace wrote no report (exit status {result.returncode}): {said}"]
    return [
        f"{subject['earl:testSubject']['url']}: {test['earl:test']['dct:title']} "
        f"({test['earl:test']['earl:impact']}): "
        + " ".join(str(test["earl:result"].get("dct:description", "")).split())[:200]
        for subject in found.get("assertions", [])
        for test in subject.get("assertions", [])
    ]


def _epubcheck() -> list[str]:
    """Debian's epubcheck is the jar itself (run by binfmt where that is set up): run by Java."""
    found = shutil.which("epubcheck")
    java = shutil.which("java")
    if found is None or java is None:
        raise RenderError("the e-book's check needs epubcheck and Java (Debian: epubcheck)")
    jar = Path(found).resolve()
    # A short-lived JVM: the quick compiler only, which halves epubcheck's time here.
    quick = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
    return [java, *quick, "-jar", str(jar)] if jar.suffix == ".jar" else [found]


def _structure(data: bytes, document: Document) -> list[str]:
    """One chapter per section, in order, titled by its heading; language and direction."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        nav = lxml.html.fromstring(archive.read("EPUB/nav.xhtml"))
        opf = archive.read("EPUB/content.opf").decode("utf-8")
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        return [f"epub-structure: {error}"]
    titles = [" ".join(a.text_content().split()) for a in nav.iter("a")]
    expected = [chapter.title for chapter in outline_of(document).chapters]
    failures = []
    if titles != expected:
        failures.append(f"epub-chapters: the contents list {titles}, the sections are {expected}")
    language = document.localization.language
    if f"<dc:language>{language}</dc:language>" not in opf:
        failures.append(f"epub-language: not {language!r}")
    if CONFORMANCE not in opf:
        failures.append("epub-accessibility: no conformance claim")
    return failures


def tools(language: str) -> str:
    """epubcheck's version, from its jar's manifest (no Java started for it)."""
    found = shutil.which("epubcheck")
    if found is None:
        return "epubcheck missing"
    jar = Path(found).resolve()
    try:
        with zipfile.ZipFile(jar) as archive:
            manifest = archive.read("META-INF/MANIFEST.MF").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return f"epubcheck {_file_hash(jar)}"
    version = next(
        (
            line.split(":", 1)[1].strip()
            for line in manifest.splitlines()
            if line.startswith("Implementation-Version:")
        ),
        "",
    )
    return f"epubcheck {version or _file_hash(jar)}"


def _file_hash(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


FORMAT = Format("epub", ".epub", "application/epub+zip", render, check, kind="EPUB 3", tools=tools)
