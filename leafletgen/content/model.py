"""The typed, validated shape of a leaflet source (documented in docs/leaflet-format.md)."""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from leafletgen.content import markup
from leafletgen.content.text import checked_inline, checked_words, clean_text
from leafletgen.countries import CountryCode
from leafletgen.files import is_device_name


def _language(value: str) -> str:
    try:
        Locale.parse(value, sep="-")
    except (ValueError, UnknownLocaleError) as error:
        raise ValueError(
            f"{value!r} is not a known language tag (for example 'en' or 'pt-BR')"
        ) from error
    return value


_Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(clean_text)
]

PlainText = Annotated[_Text, AfterValidator(checked_words)]
"""Text printed as it is: headings, table cells, names."""

InlineText = Annotated[_Text, AfterValidator(checked_inline)]
"""Text that may hold the inline markup of leafletgen.content.markup (its words are measured
without the markup: a link's target is not printed)."""


def _not_a_device(value: str) -> str:
    # An id names the output folder and files: CON, NUL, COM1… are devices on Windows.
    if is_device_name(value):
        raise ValueError(f"'{value}' is a reserved device name on Windows")
    return value


_SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[
    str, StringConstraints(pattern=_SLUG_PATTERN, max_length=80), AfterValidator(_not_a_device)
]
"""A leaflet id: safe as a file and folder name on every system."""


def _not_the_chrome(value: str) -> str:
    # A leaflet's catalog is named after its id; this one is the templates' own.
    if value == "leafletgen":
        raise ValueError("'leafletgen' is the name of the templates' catalog: choose another id")
    return value


LeafletId = Annotated[Slug, AfterValidator(_not_the_chrome)]


_SLUG: TypeAdapter[str] = TypeAdapter(Slug)


def is_slug(value: str) -> bool:
    """Whether ``value`` is a valid leaflet id."""
    try:
        _SLUG.validate_python(value)
    except ValidationError:
        return False
    return True


Version = Annotated[str, StringConstraints(pattern=r"^[0-9]+(?:\.[0-9]+){0,3}$")]
LanguageTag = Annotated[str, AfterValidator(_language)]
Url = Annotated[_Text, AfterValidator(markup.check_url)]


def _filled_in(message: str) -> Callable[[object], object]:
    """A before-validator for an optional field written with no value (``version:``): only a
    field left out means "not given"."""

    def check(value: object) -> object:
        if value is None:
            raise ValueError(message)
        return value

    return check


class _Model(BaseModel):
    # Strict: a YAML `1.0` is a float, not the version "1.0"; an unknown key is a typo.
    # Validators built when first used, not on import: a model's own includes those of the
    # models it holds, so building each on import repeated most of the work (0.05 s cold).
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


MEDICINE = "{medicine}"
"""Written in a title or subtitle (``MASTHEAD``), by a source or a translation: printed as the
generic name and the brands of the market the leaflet is printed for, "clonazepam (Rivotril)".
A translated title names the medicine this way, never by a brand of its own (i18n/factlock.py):
one catalog serves every market of its language."""

MASTHEAD = ("title", "subtitle", "plain.title", "plain.subtitle")
"""The fields (as messages name them) that may hold ``MEDICINE``."""


class Medicine(_Model):
    generic: PlainText
    # What kind of medicine it is ("benzodiazepine"), printed with its names.
    class_: PlainText | None = Field(None, alias="class")
    brands: list[PlainText] = []  # sold under these names everywhere, or where none is listed
    brands_by_country: dict[CountryCode, list[PlainText]] = {}  # {US: [Klonopin], ES: [Rivotril]}

    def brands_in(self, country: str | None) -> list[str]:
        """The brands a leaflet for ``country``'s market prints: that country's, if the source
        lists it, else ``brands``. With no country set, ``brands`` too (a market the source does
        not list), or every market's brands once if it has none."""
        if country is None and not self.brands:
            return self.every_brand
        return list(self.brands_by_country.get(country, self.brands))

    @property
    def every_brand(self) -> list[str]:
        """Every brand of every market, once: the names a box may carry."""
        every = [*self.brands, *(b for brands in self.brands_by_country.values() for b in brands)]
        return list(dict.fromkeys(every))

    def named(self, country: str | None, language: str) -> str:
        """What ``MEDICINE`` prints: the generic name, then the market's brands in brackets,
        listed as ``language`` lists things ("clonazepam (Klonopin y Rivotril)")."""
        brands = self.brands_in(country)
        if not brands:
            return self.generic
        listed = format_list(brands, style="standard", locale=Locale.parse(language, sep="-"))
        return f"{self.generic} ({listed})"


class Review(_Model):
    date: date
    by: PlainText


class SourceReference(_Model):
    title: PlainText
    publisher: PlainText | None = None
    url: Url | None = None
    published: date | None = None


class Paragraph(_Model):
    kind: ClassVar[str] = "paragraph"
    text: InlineText = Field(alias="paragraph")


class BulletList(_Model):
    kind: ClassVar[str] = "list"
    items: list[InlineText] = Field(alias="list", min_length=1)


class NumberedList(_Model):
    """Steps or ranked items, printed (and tagged) as a numbered list."""

    kind: ClassVar[str] = "numbered"
    items: list[InlineText] = Field(alias="numbered", min_length=1)


class TableData(_Model):
    caption: PlainText
    header: list[PlainText] = Field(min_length=1)
    row_headers: bool = True  # the first cell of each row names the row (read out with each cell)
    rows: list[list[PlainText]] = Field(min_length=1)

    @model_validator(mode="after")
    def _rows_match_header(self) -> TableData:
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.header):
                raise ValueError(
                    f"row {number} has {len(row)} cells but the header has {len(self.header)}"
                )
        return self


class Table(_Model):
    kind: ClassVar[str] = "table"
    table: TableData


def _discriminator(kinds: tuple[str, ...]) -> Discriminator:
    def kind_of(value: object) -> str | None:
        if isinstance(value, dict):
            present = [key for key in kinds if key in value]
            return present[0] if len(present) == 1 else None
        return getattr(value, "kind", None)

    return Discriminator(
        kind_of,
        custom_error_type="block_kind",
        custom_error_message="a block needs exactly one of the keys: " + ", ".join(kinds),
    )


CALLOUT_BLOCK_KINDS = ("paragraph", "list", "numbered")

CalloutBlock = Annotated[
    Annotated[Paragraph, Tag("paragraph")]
    | Annotated[BulletList, Tag("list")]
    | Annotated[NumberedList, Tag("numbered")],
    _discriminator(CALLOUT_BLOCK_KINDS),
]
"""What a callout may hold: text and lists, never a table or another callout."""


class CalloutData(_Model):
    """A warning or note: one ``text``, or ``blocks`` (paragraphs and lists)."""

    type: Literal["warning", "note"] = "note"
    text: InlineText | None = None
    blocks: list[CalloutBlock] | None = Field(None, min_length=1)

    # `text:` written with nothing after it is a gap to fill, not "no text".
    _filled = field_validator("text", "blocks", mode="before")(
        _filled_in("is empty: write its text after the colon")
    )

    @model_validator(mode="after")
    def _text_or_blocks(self) -> CalloutData:
        if (self.text is None) == (self.blocks is None):
            raise ValueError("a callout needs 'text' or 'blocks' (not both)")
        return self

    @property
    def content(self) -> list[Paragraph | BulletList | NumberedList]:
        """What the callout prints, block by block: ``text`` is one paragraph."""
        if self.blocks is not None:
            return list(self.blocks)
        return [Paragraph.model_validate({"paragraph": self.text})]


class Callout(_Model):
    kind: ClassVar[str] = "callout"
    callout: CalloutData


BLOCK_KINDS = ("paragraph", "list", "numbered", "table", "callout")

Block = Annotated[
    Annotated[Paragraph, Tag("paragraph")]
    | Annotated[BulletList, Tag("list")]
    | Annotated[NumberedList, Tag("numbered")]
    | Annotated[Table, Tag("table")]
    | Annotated[Callout, Tag("callout")],
    _discriminator(BLOCK_KINDS),
]


class Subsection(_Model):
    heading: PlainText
    blocks: list[Block] = Field(min_length=1)


class SectionText(_Model):
    """A heading with its blocks and subsections: the printable body of a section."""

    heading: PlainText
    blocks: list[Block] = []
    subsections: list[Subsection] = []

    @model_validator(mode="after")
    def _not_empty(self) -> SectionText:
        if not self.blocks and not self.subsections:
            raise ValueError("a section needs blocks or subsections")
        return self


class Omitted(_Model):
    """An explicit decision to leave a part out of the plain-language leaflet, with the reason."""

    omit: PlainText


class FaqText(_Model):
    question: PlainText
    answer: list[InlineText] = Field(min_length=1)


def _is(value: object, model: type[BaseModel], key: str) -> bool:
    """Whether a discriminated value is a ``model``: one, or a mapping with its ``key``."""
    return isinstance(value, model) or (isinstance(value, dict) and key in value)


def _counterpart(value: object) -> str:
    return "plain-omitted" if _is(value, Omitted, "omit") else "plain-text"


# The plain-language counterpart of a part: its own text, or `omit: <reason>`.
PlainSection = Annotated[
    Annotated[SectionText, Tag("plain-text")] | Annotated[Omitted, Tag("plain-omitted")],
    Discriminator(_counterpart),
]
PlainFaq = Annotated[
    Annotated[FaqText, Tag("plain-text")] | Annotated[Omitted, Tag("plain-omitted")],
    Discriminator(_counterpart),
]


class Section(SectionText):
    plain: PlainSection | None = None


class Faq(FaqText):
    plain: PlainFaq | None = None


class GlossaryEntry(_Model):
    term: PlainText
    definition: InlineText


class SafetyTakeaway(_Model):
    """A key takeaway about safety ("do not stop suddenly"): printed apart from the others."""

    safety: InlineText


def _takeaway_kind(value: object) -> str:
    # A mapping without `safety` is text with an unquoted colon ("Warning: do not drive"):
    # read as text, its message says to quote it.
    return "safety" if _is(value, SafetyTakeaway, "safety") else "text"


Takeaway = Annotated[
    Annotated[InlineText, Tag("text")] | Annotated[SafetyTakeaway, Tag("safety")],
    Discriminator(_takeaway_kind),
]
"""A key takeaway: text, or ``safety: text`` for one that keeps a patient safe."""


def takeaway_text(takeaway: str | SafetyTakeaway) -> str:
    return takeaway.safety if isinstance(takeaway, SafetyTakeaway) else takeaway


# "Get help now" sits on page 1 of every variant, large print too: a few short situations.
MAX_GET_HELP = 6
MAX_SITUATION_CHARS = 160


def _short(value: str) -> str:
    if len(markup.to_text(value)) > MAX_SITUATION_CHARS:
        raise ValueError(
            f"a situation of 'get_help' is at most {MAX_SITUATION_CHARS} characters: "
            "it must fit on page 1 in large print"
        )
    return value


Situation = Annotated[InlineText, AfterValidator(_short)]
GetHelp = Annotated[list[Situation], Field(min_length=1, max_length=MAX_GET_HELP)]
"""When to get medical help straight away, each situation short. The numbers to call are never
leaflet text: they come from the pharmacy profile or the project's country."""


class PlainLeaflet(_Model):
    """The leaflet-wide parts of the plain-language text, and its "Words to know"."""

    title: PlainText | None = None
    subtitle: PlainText | None = None
    summary: InlineText | None = None
    get_help: GetHelp | None = None
    key_takeaways: list[Takeaway] = Field(min_length=1)
    bottom_line: list[InlineText] = Field(min_length=1)
    glossary: list[GlossaryEntry] = []


DraftField = Literal["medicine", "version", "reviewed", "source", "key_takeaways", "bottom_line"]
DRAFT_FIELDS: tuple[DraftField, ...] = typing.get_args(DraftField)
"""What a draft may leave out: what an imported document may not tell."""


class Draft(_Model):
    """A source that is not ready for patients, such as one `leaflet import` wrote: it builds,
    marked "Draft — not reviewed" on every page, and `leaflet check` refuses it until the
    author has filled ``to_fill``, done ``to_check`` and removed the ``draft`` block."""

    imported_from: PlainText | None = None
    to_fill: list[DraftField] = []
    to_check: list[PlainText] = []  # what the import could not do without guessing, in words


class Leaflet(_Model):
    """One leaflet: the validated content of one source file."""

    id: LeafletId
    draft: Draft | None = None
    title: PlainText
    subtitle: PlainText | None = None
    summary: InlineText | None = None
    medicine: Medicine | None = None
    language: LanguageTag
    version: Version | None = None
    reviewed: Review | None = None
    source: SourceReference | None = None
    # Who wrote it (a person or an organisation): required for original content, which cites
    # no source; printed in "About this leaflet".
    author: PlainText | None = None
    get_help: GetHelp | None = None
    # Absent only in a draft (checked below); never an empty list.
    key_takeaways: list[Takeaway] = Field(default=[], min_length=1)
    # Where the key takeaways are printed: after "get help now" (page 1), or after the first
    # section, for a leaflet whose first section must come first ("what this medicine is").
    # "Get help now" stays on page 1 either way.
    key_takeaways_after: Literal["get_help", "first_section"] = "get_help"
    sections: list[Section] = Field(min_length=1)
    faqs: list[Faq] = []
    bottom_line: list[InlineText] = Field(default=[], min_length=1)
    # The bottom line of a variant with a page limit (the one-page summary), when the full one
    # does not fit: the source's own sentences, chosen by the editor.
    summary_bottom_line: list[InlineText] | None = Field(None, min_length=1)
    plain: PlainLeaflet | None = None

    @property
    def version_label(self) -> str:
        """The version, or "draft" while a draft has none (manifests, lists and the index)."""
        return self.version or "draft"

    # Written but empty (`version:`) is a gap to fill, draft or not: a draft leaves it out.
    _filled = field_validator("medicine", "version", "reviewed", "source", mode="before")(
        _filled_in("is empty: fill it in")
    )

    @model_validator(mode="after")
    def _complete_unless_draft(self) -> Leaflet:
        # Only a draft may leave out what a patient's leaflet must print; it names each one.
        empty = [name for name in DRAFT_FIELDS if getattr(self, name) in (None, [])]
        if self.author is not None and "source" in empty:
            empty.remove("source")  # original content: its author answers for it
        listed = self.draft.to_fill if self.draft else []
        if missing := [name for name in empty if name not in listed]:
            raise ValidationError.from_exception_data(
                "Leaflet", [_missing(name) for name in missing]
            )
        return self


def _missing(name: str) -> Any:
    if name == "source":
        # Reported at `author`: what original content must add (the source is optional then).
        message = (
            "required when there is no 'source': name the person or organisation who wrote "
            "this original content, or cite its 'source'"
        )
        return {
            "type": PydanticCustomError("missing_author", message),
            "loc": ("author",),
            "input": None,
        }
    return {"type": "missing", "loc": (name,), "input": None}
