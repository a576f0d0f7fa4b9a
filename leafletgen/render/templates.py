"""Fill the project's Jinja2 templates: a leaflet as semantic HTML, for every format to render."""

from __future__ import annotations

import base64
import html as html_lib
import io
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import jinja2
from babel import Locale
from babel.dates import format_skeleton
from babel.lists import format_list
from markupsafe import Markup, escape

from leafletgen import __version__
from leafletgen.content import markup
from leafletgen.counter import PrintDetails
from leafletgen.edition import Edition
from leafletgen.emergency import EmergencyNumbers
from leafletgen.errors import LeafletError
from leafletgen.files import write_atomic
from leafletgen.i18n.localization import Localization, localize
from leafletgen.i18n.store import PACKAGE_LOCALES, SOURCE_LANGUAGE
from leafletgen.project import PACKAGE_TEMPLATES, Assets
from leafletgen.render.qr import QrLink
from leafletgen.render.table_layout import column_widths, kept_whole
from leafletgen.variants import Paper

# The screen and the browser's print of the HTML twin: skip link, contents, focus, reflow.
# Never given to the PDF renderer, which would apply its @media print rules too.
HTML_TWIN_STYLESHEET = "css/html.css"
QR_STYLESHEET = "css/qr.css"  # only a page that carries the QR code loads it

# The package's own templates stay reachable under this prefix when a project overrides one,
# so that the override can extend the default: {% extends "default/leaflet.html.j2" %}.
DEFAULT_TEMPLATES = "default"

# What a page may embed from the templates, as data: URLs (a theme's fonts and images).
MEDIA_TYPES = {
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
}
_SUBSETTABLE = (".ttf", ".otf")  # what fontTools cuts down without extra libraries


@dataclass(frozen=True)
class Companion:
    """Another format of the same leaflet, language and variant, published beside the HTML
    twin, which links it (``_formats.html.j2``)."""

    format: str  # a name from leafletgen.render.FORMATS
    href: str  # the file's name, relative to the twin (same folder)
    media_type: str
    kind: str  # the file's kind, as people name it: "Ogg Opus", "BRF"


@dataclass(frozen=True)
class RenderedHtml:
    html: str
    stylesheets: tuple[str, ...]  # relative to the templates folder


# The package's templates compiled ahead of time (``precompile``: ``make install`` runs it as it
# compiles the package's modules), beside the package's own compiled modules: never in the
# templates folder, whose every file is an input of the outputs it styles.
COMPILED_TEMPLATES = Path(__file__).resolve().parent.parent / "__pycache__" / "templates"


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates: kept in memory for the life of the process, and the package's own
    read from ``COMPILED_TEMPLATES`` when precompiled.

    Each render needs its own environment (the translations and filters belong to one
    localization), but compiling the templates again for every leaflet of a batch would cost
    more than filling them, and compiling them is a twentieth of a cold build. Jinja checks
    each entry against the template's source and its own and Python's versions. Only the
    package's templates come compiled from disk, from the package's folder, as Python reads
    its modules' bytecode: a build reads no file outside the project and the Python
    installation (tests/hostile/test_isolation.py), and no folder of compiled code of its own
    is one more way in. A project's templates are compiled in memory.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def get_bucket(
        self,
        environment: jinja2.Environment,
        name: str,
        filename: str | None,
        source: str,
    ) -> jinja2.bccache.Bucket:
        key, path = self.place(name, filename)
        bucket = jinja2.bccache.Bucket(environment, key, self.get_source_checksum(source))
        kept = self._code.get(key)
        if kept is None and path is not None and path.is_file():
            kept = path.read_bytes()
        if kept is not None:
            try:
                bucket.bytecode_from_string(kept)  # left empty when stale: compiled again
            except (EOFError, ValueError, TypeError):  # a file cut short
                bucket.reset()
            if bucket.code is not None:
                self._code[key] = kept
        return bucket

    def set_bucket(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def place(self, name: str, filename: str | None) -> tuple[str, Path | None]:
        """The template's cache key, and where it is kept compiled if it is the package's.
        The key is of its resolved path: a project run in its own folder finds its templates
        in "templates"."""
        if filename is None:
            return self.get_cache_key(name), None
        resolved = Path(filename).resolve()
        key = self.get_cache_key(name, str(resolved))
        if not resolved.is_relative_to(PACKAGE_TEMPLATES):
            return key, None
        return key, COMPILED_TEMPLATES / f"{key}.jinja"


def precompile() -> int:
    """Compile each of the package's templates into ``COMPILED_TEMPLATES`` as the renderer's
    environment compiles it; return how many."""
    env = make_environment(localize(SOURCE_LANGUAGE, PACKAGE_LOCALES), Assets.of(PACKAGE_TEMPLATES))
    assert env.loader is not None
    names = [
        name
        for name in env.loader.list_templates()
        if name.endswith(".j2") and not name.startswith(f"{DEFAULT_TEMPLATES}/")
    ]
    written = set()
    for name in names:
        source, filename, _ = env.loader.get_source(env, name)
        key, path = _COMPILED.place(name, filename)
        if path is None:
            continue
        bucket = jinja2.bccache.Bucket(env, key, _COMPILED.get_source_checksum(source))
        bucket.code = env.compile(source, name, filename)
        write_atomic(path, bucket.bytecode_to_string())
        written.add(path)
    for path in set(COMPILED_TEMPLATES.glob("*.jinja")) - written:  # a template since removed
        path.unlink()
    return len(written)


_COMPILED = _CompiledTemplates()


def make_environment(localization: Localization, assets: Assets) -> jinja2.Environment:
    """The one Jinja2 environment: autoescaped, strict, translated, with our filters."""
    env = jinja2.Environment(
        loader=_loader(assets),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_COMPILED,
    )
    env.install_gettext_translations(localization.translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters["inline"] = localization.inline
    env.filters["text"] = localization.text
    env.filters["plain"] = markup.to_text
    env.filters["date"] = localization.date
    # The footer's date: the locale's numeric form with the full year, short enough for one
    # line at 18 pt in every language ("About this leaflet" has it in words).
    env.filters["short_date"] = lambda value: format_skeleton(
        "yMd", value, locale=localization.locale
    )
    env.filters["join_list"] = lambda items: join_list(items, localization.locale)
    env.filters["direction"] = text_direction
    env.filters["phone"] = phone_number
    env.filters["isolated"] = isolated
    env.filters["time"] = localization.time_of_day
    env.filters["css_string"] = css_string
    env.filters["page_counter"] = lambda label, total=None: page_counter_css(
        label, localization.counter_style, total
    )
    env.globals["asset_url"] = _asset_url(assets)
    env.globals["column_widths"] = column_widths
    env.globals["kept_whole"] = kept_whole
    return env


def _loader(assets: Assets) -> jinja2.BaseLoader:
    """The search path (the project's templates over the package's, the first file wins),
    then the package's templates again under ``default/``, for a project's template to
    extend the one it replaces."""
    return jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(assets.dirs),
            jinja2.PrefixLoader({DEFAULT_TEMPLATES: jinja2.FileSystemLoader(PACKAGE_TEMPLATES)}),
        ]
    )


def _asset_url(assets: Assets) -> Callable[[jinja2.runtime.Context, str], str]:
    """``asset_url("images/logo.png")`` in a template: the asset as the page can load it.

    The PDF renderer fetches the name itself (along the search path, through the fetcher that
    serves nothing else); a self-contained page carries the file inside. A page is
    self-contained unless it is filled for the PDF renderer, which says ``standalone=False``.
    """

    @jinja2.pass_context
    def asset_url(context: jinja2.runtime.Context, name: str) -> str:
        path = assets.find(name)  # a missing file fails the fill, naming it
        if not context.get("standalone", True):
            return PurePosixPath(name).as_posix()
        return _data_url(path, name)

    return asset_url


@dataclass(frozen=True)
class Half:
    """One of the two halves a counter print is laid out in (``render/pdf/halves.py``): the
    front (the masthead, the print's details and page 1's messages), which knows how many
    pages the whole print has, or the rest of the leaflet, which knows on which page it
    starts."""

    front: bool
    first_page: int = 1
    total_pages: int | None = None


def render_html(
    edition: Edition,
    localization: Localization,
    assets: Assets,
    *,
    paper: Paper,
    standalone: bool = False,
    counter: PrintDetails | None = None,
    extra_css: tuple[str, ...] = (),
    qr: QrLink | None = None,
    emergency: EmergencyNumbers | None = None,
    companions: tuple[Companion, ...] = (),
    half: Half | None = None,
    link_stylesheets: bool = False,
) -> RenderedHtml:
    """Fill the leaflet template. ``standalone`` inlines CSS and fonts for a self-contained page;
    ``half``: only the patient's pages of a counter print, or only the rest. Otherwise the
    page names its stylesheets in ``RenderedHtml.stylesheets`` only, for the PDF renderer,
    which keeps them parsed; ``link_stylesheets`` links them for any other reader.

    The stylesheets cascade in this order: base.css, the variant's layers, the script's and
    direction's, the HTML twin's own (standalone only), then the theme's ``extra_css``, last
    so that a project's rule wins over every shipped one.
    """
    env = make_environment(localization, assets)
    if edition.variant.large_print:
        for name in ("inline", "text"):
            env.filters[name] = _whole_words(env.filters[name])
    stylesheets = edition.variant.stylesheets + localization.stylesheets
    if standalone:
        stylesheets += (HTML_TWIN_STYLESHEET,)
    if qr is not None:
        stylesheets += (QR_STYLESHEET,)
    stylesheets += extra_css
    inline_css = Markup(inline_stylesheets(assets, stylesheets)) if standalone else None
    html = env.get_template("leaflet.html.j2").render(
        edition=edition,
        leaflet=edition.leaflet,
        variant=edition.variant,
        l10n=localization,
        paper=paper,
        stylesheets=stylesheets,
        inline_css=inline_css,
        link_stylesheets=link_stylesheets,
        standalone=standalone,
        generator=f"leafletgen {__version__}",
        counter=counter,
        emergency=emergency or EmergencyNumbers(),
        logo_src=_logo_src(counter, standalone),
        qr=qr,
        companions=companions,
        half=half,
    )
    return RenderedHtml(html=html, stylesheets=stylesheets)


def draft_notice(localization: Localization, assets: Assets, *, source: bool = False) -> str:
    """The draft notice in the localization's language, as the PDF shows it: the source's
    own ("Draft — not reviewed", ``source``) or the draft translation's."""
    return _notice(localization, assets, "source_draft_notice" if source else "draft_notice")


def draft_mark(localization: Localization, assets: Assets) -> str:
    """The short mark at the top of each page after the first of a draft translation."""
    return _notice(localization, assets, "draft_mark")


def _notice(localization: Localization, assets: Assets, name: str) -> str:
    module = make_environment(localization, assets).get_template("_notices.html.j2").module
    notice = getattr(module, name)
    if callable(notice):  # a macro: its text is only made (and translated) when called
        notice = notice()
    return notice.striptags() if isinstance(notice, Markup) else str(notice)


def _logo_src(counter: PrintDetails | None, standalone: bool) -> str | None:
    # The PDF renderer reads the (checked) logo file; a standalone page carries it inside.
    logo = counter.pharmacy.logo_path if counter and counter.pharmacy else None
    if logo is None:
        return None
    if not standalone:
        return logo.as_uri()
    kind = "png" if logo.read_bytes()[:4] == b"\x89PNG" else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(logo.read_bytes()).decode('ascii')}"


# A url() of a stylesheet: quoted either way, or bare.
_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s'"]*))\s*\)""")
# Inside a <style> element these would end it early or load another sheet at run time.
_UNSAFE_INLINE = re.compile(r"</style|@import\b", re.IGNORECASE)


def inline_stylesheets(
    assets: Assets, names: Iterable[str], *, subset_to: str | None = None
) -> str:
    """Stylesheets with their fonts (and images) inside, as data: URLs: a page that opens
    anywhere. Each url() is found along the search path as the PDF renderer finds it; one
    that names no template asset fails.

    ``subset_to`` cuts every font down to those characters (and the glyphs that shaping them
    needs), for a page that shows a few words of many scripts.
    """
    return "\n".join(_inline_stylesheet(assets, name, subset_to) for name in names)


def _inline_stylesheet(assets: Assets, name: str, subset_to: str | None = None) -> str:
    css = assets.find(name).read_text(encoding="utf-8")
    if unsafe := _UNSAFE_INLINE.search(css):
        raise LeafletError(
            f"'{name}': '{unsafe[0]}' cannot go inside a page; "
            "list each stylesheet in [theme] extra_css instead of importing it"
        )

    def embed(match: re.Match[str]) -> str:
        url = next(group for group in match.groups() if group is not None)
        asset = _asset_of_url(name, url)
        return f'url("{_data_url(assets.find(asset), asset, subset_to)}")'

    return _URL.sub(embed, css)


def stylesheet_assets(assets: Assets, name: str) -> list[str]:
    """The template assets a stylesheet's url()s name (its fonts and images), in order; one
    that names anything else is refused, as when the stylesheet is inlined."""
    css = assets.find(name).read_text(encoding="utf-8")
    found = (next(g for g in match.groups() if g is not None) for match in _URL.finditer(css))
    return list(dict.fromkeys(_asset_of_url(name, url) for url in found))


def _asset_of_url(stylesheet: str, url: str) -> str:
    """The asset a stylesheet's relative url() names: ``../fonts/x.ttf`` in ``css/a.css`` is
    ``fonts/x.ttf``. Anything else (another site, a data: URL, an absolute path, a way out of
    the templates) is refused, as the PDF renderer's fetcher refuses it: both formats of a
    leaflet are made of the same files."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    name = posixpath.normpath(posixpath.join(posixpath.dirname(stylesheet), path))
    if parts.scheme or parts.netloc or path.startswith("/") or name.split("/")[0] == "..":
        raise LeafletError(f"'{stylesheet}': url({url}) is not one of the templates' files")
    return name


def _data_url(path: Path, name: str, subset_to: str | None = None) -> str:
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise LeafletError(
            f"'{name}': a page embeds only fonts and images ({', '.join(MEDIA_TYPES)})"
        )
    cut = subset_to if path.suffix.lower() in _SUBSETTABLE else None
    return f"data:{media_type};base64,{base64.b64encode(asset_contents(path, cut)).decode('ascii')}"


def asset_contents(path: Path, subset_to: str | None) -> bytes:
    """The file's bytes; a font cut down to ``subset_to``'s characters when given."""
    if subset_to is None:
        return path.read_bytes()
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path, recalcTimestamp=False)  # same characters, same bytes
    options = subset.Options()  # its default features keep Arabic joining forms and ligatures
    options.drop_tables += ["meta"]  # dropped anyway; said so as a warning
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=subset_to)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def join_list(items: Iterable[str], locale: Locale) -> Markup:
    """Items joined as the language lists things (CLDR): "a, b and c", "a وb وc"."""
    escaped = [str(escape(item)) for item in items]
    return Markup(format_list(escaped, style="standard", locale=locale)) if escaped else Markup()


def text_direction(language: str) -> str:
    """``ltr`` or ``rtl``: the direction of a text in ``language`` (a BCP 47 tag)."""
    order = Locale.parse(language, sep="-").character_order
    return "rtl" if order == "right-to-left" else "ltr"


# Unicode's isolates (UAX #9): what `unicode-bidi: isolate` does in a browser, which the PDF
# renderer does not support. Only the templates write them: a source's text may not.
FIRST_STRONG_ISOLATE, LEFT_TO_RIGHT_ISOLATE, POP_ISOLATE = "\u2068", "\u2066", "\u2069"


def isolated(html: str, direction: str = "auto") -> Markup:
    """Text that keeps its own direction inside a line of the other: an English name in
    Arabic text reads left to right, brackets and full stop in place."""
    start = LEFT_TO_RIGHT_ISOLATE if direction == "ltr" else FIRST_STRONG_ISOLATE
    return Markup(start) + escape(html) + Markup(POP_ISOLATE)


def phone_number(number: str) -> Markup:
    """A phone number kept whole and left to right inside any text: it never breaks across
    lines, and its digits and hyphens keep their order in Arabic text."""
    return Markup('<bdi class="phone" dir="ltr">{}</bdi>').format(isolated(number, "ltr"))


# A word with a hyphen inside ("extended-release"), in the text between tags only.
_HYPHENATED = re.compile(r"\w+(?:-\w+)+")
_TAG = re.compile(r"(<[^>]*>)")


def _whole_words(fill: Callable[[str], Markup]) -> Callable[[str], Markup]:
    """Large print: a hyphenated word is never broken at its hyphen (a reader with low vision
    loses the word's second half at the start of the next line)."""

    def filled(value: str) -> Markup:
        parts = _TAG.split(str(fill(value)))
        return Markup(
            "".join(
                part
                if part.startswith("<")
                else _HYPHENATED.sub(r'<span class="word">\g<0></span>', part)
                for part in parts
            )
        )

    return filled


_COUNTER = re.compile(r"(%\((?:page|pages)\)s)")


def page_counter_css(label: str, style: str = "decimal", total: int | None = None) -> Markup:
    """A translated "Page %(page)s of %(pages)s" as CSS ``content``, in the translator's order.
    ``total``: the number of pages, when this document is only part of the printed file."""
    parts = [p for p in _COUNTER.split(_words_of(label)) if p]
    suffix = "" if style == "decimal" else f", {style}"

    def content(part: str) -> str:
        if part == "%(pages)s" and total is not None:
            return css_string(_digits(total, style))
        if _COUNTER.fullmatch(part):
            return f"counter({part[2:-2]}{suffix})"
        return css_string(part)

    return Markup(" ".join(content(part) for part in parts))


_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _digits(number: int, style: str) -> str:
    """``number`` as CSS's counter style ``style`` writes it (the two page_counter_css uses)."""
    return str(number).translate(_ARABIC_INDIC) if style == "arabic-indic" else str(number)


def _words_of(value: str) -> str:
    # CSS content takes text, not markup: drop the language marks of untranslated chrome but
    # keep line breaks (Markup.striptags would fold them).
    if isinstance(value, Markup):
        return html_lib.unescape(re.sub(r"<[^>]*>", "", str(value)))
    return value


def css_string(value: str) -> Markup:
    """Quote text as a CSS string; anything beyond printable ASCII becomes an escape."""
    value = _words_of(value)
    out = []
    for char in value:
        if char.isascii() and char.isprintable() and char not in '"\\<>&':
            out.append(char)
        else:
            # The space ends the escape and is consumed by the CSS parser, not printed.
            out.append(f"\\{ord(char):06x} ")
    return Markup('"' + "".join(out) + '"')
