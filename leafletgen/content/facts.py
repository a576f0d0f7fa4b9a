"""The facts a text states, and whether another text states the same ones.

A translation, or the plain-language counterpart of a passage, must keep every number, range,
percentage, dose with its unit, time span, medicine name, URL, phone number and placeholder of
its source, with the same value, and must not gain or lose a "not". ``facts(text, language)``
reads them from one text; ``compare(source, target)`` says what differs::

    >>> compare(facts("Take 5 mg.", "en"), facts("Tome 50 mg.", "es"))
    [Finding(rule='number', severity=<Severity.ERROR: 'error'>, message="5 mg is not in …")]

Numbers are compared by value, after the locale's spelling is undone: Arabic-Indic and other
digits, the language's decimal and group separators (``0,5`` in Spanish is ``0.5``), dashes and
spaces in ranges (``5–10 %`` is ``5-10%``), non-breaking spaces, and the unit words the
language uses (``mg``, ``мг``, ``ملغ``; ``semanas``, ``недели``, ``أسابيع``). A range counts as
its two ends, each with the range's unit, so ``5–10%`` and ``5% to 10%`` state the same facts,
and ``50–100%`` does not. Numbers spelled as words count only before a unit (``two weeks``,
``dos semanas``, Arabic duals such as ``أسبوعين``); the words for "one" are left out, as they
double as articles (``un día``) where the source says "a day".

translate-toolkit's checks (``translate.filters.checks``, what Pootle and Weblate run) judge
what they judge well: URLs, placeholders, brackets, tags, end punctuation, a blank
translation. Its own number check compares substrings, and passes "Take 5 mg" as "Tome 50 mg":
numbers are compared here.

Nothing here knows about catalogs or leaflets: any two texts, in any of the languages below
(a language without rules of its own is read with the international units and no negation).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol


class Severity(StrEnum):
    ERROR = "error"  # a fact differs: the translation must not be printed
    REVIEW = "review"  # a negation on one side only: a person must look
    WARNING = "warning"  # cosmetic: worth a look, never blocks


@dataclass(frozen=True)
class Finding:
    rule: str  # number, phone, url, placeholder, medicine, negation, blank, brackets, …
    severity: Severity
    message: str  # what differs, in words

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


@dataclass(frozen=True)
class Name:
    """A medicine name and the spellings that count as it (the generic in another script)."""

    name: str
    spellings: tuple[str, ...] = ()
    brand: bool = False  # a brand (and every other brand of the medicine), not the generic

    @property
    def all_spellings(self) -> tuple[str, ...]:
        return (self.name, *self.spellings)


@dataclass(frozen=True)
class Quantity:
    """A number, or a range, and its unit (``mg``, ``%``, ``week``…; None for a bare count)."""

    low: Decimal
    high: Decimal
    unit: str | None
    text: str  # as written

    @property
    def values(self) -> tuple[tuple[Decimal, str | None], ...]:
        """What is compared: a range's two ends, each with the unit."""
        if self.low == self.high:
            return ((self.low, self.unit),)
        return ((self.low, self.unit), (self.high, self.unit))


@dataclass(frozen=True)
class Facts:
    text: str
    language: str
    quantities: tuple[Quantity, ...] = ()
    phones: tuple[str, ...] = ()  # digits only, a leading + kept
    urls: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # the canonical names of the medicines it names
    negations: tuple[str, ...] = ()  # the negating words, as written
    _names: tuple[Name, ...] = field(default=(), repr=False, compare=False)


# --- the rules of each language ------------------------------------------------------------

# Unit words after a number, per language, each with its canonical unit. Symbols every language
# writes alike come first; a language's words extend them.
_SYMBOLS: dict[str, str] = {
    "mg": "mg",
    "mcg": "mcg",
    "µg": "mcg",
    "μg": "mcg",
    "g": "g",
    "kg": "kg",
    "ml": "ml",
    "mL": "ml",
    "l": "l",
    "L": "l",
    "%": "%",
    "٪": "%",
    "min": "minute",
    "h": "hour",
}

_UNITS: dict[str, dict[str, str]] = {
    "en": {
        r"milligrams?": "mg",
        r"micrograms?": "mcg",
        r"grams?": "g",
        r"millilit(?:er|re)s?": "ml",
        r"per ?cent": "%",
        r"minutes?|mins": "minute",
        r"hours?|hrs?": "hour",
        r"days?": "day",
        r"weeks?": "week",
        r"months?": "month",
        r"years?": "year",
        r"tablets?|pills?": "tablet",
        r"capsules?": "capsule",
        r"drops?": "drop",
    },
    "es": {
        r"miligramos?": "mg",
        r"microgramos?": "mcg",
        r"gramos?": "g",
        r"mililitros?": "ml",
        r"por ?ciento": "%",
        r"minutos?": "minute",
        r"horas?": "hour",
        r"d[ií]as?": "day",
        r"semanas?": "week",
        r"mes(?:es)?": "month",
        r"años?": "year",
        r"comprimidos?|pastillas?|tabletas?|píldoras?": "tablet",
        r"cápsulas?": "capsule",
        r"gotas?": "drop",
    },
    "ru": {
        r"мг|миллиграмм\w*": "mg",
        r"мкг|микрограмм\w*": "mcg",
        r"г|грамм\w*": "g",
        r"мл|миллилитр\w*": "ml",
        r"процент\w*": "%",
        r"мин|минут\w*": "minute",
        r"ч|час\w*": "hour",
        r"день|дня|дней|дн|сутки|суток": "day",
        r"недел\w*": "week",
        r"мес|месяц\w*": "month",
        r"год|года|лет": "year",
        r"таблет\w*": "tablet",
        r"капсул\w*": "capsule",
        r"капл\w*|капел\w*": "drop",
    },
    "ar": {
        r"ملغ|ملغم|مغ|مجم|مل[لي]?غرام": "mg",
        r"مكغ|ميكروغرام": "mcg",
        r"غرام|جرام|غ|جم": "g",
        r"مل|مل[لي]?لتر": "ml",
        r"بالمئة|بالمائة|في المئة|في المائة": "%",
        r"دقيقة|دقائق": "minute",
        r"ساعة|ساعات": "hour",
        r"يوم[اًا]*|أيام": "day",
        r"أسبوع[اًا]*|أسابيع": "week",
        r"شهر[اًا]*|أشهر|شهور": "month",
        r"سنة|سنوات|سنين|عام[اًا]*|أعوام": "year",
        r"قرص|أقراص|حبة|حبات|حبوب": "tablet",
        r"كبسولة|كبسولات": "capsule",
        r"قطرة|قطرات": "drop",
    },
}

# Numbers as words, counted only before a unit; never the words for "one" (see the module's
# docstring).
_EN_WORDS = "two three four five six seven eight nine ten eleven twelve"
_ES_WORDS = "dos tres cuatro cinco seis siete ocho nueve diez once doce"
_NUMBER_WORDS: dict[str, dict[str, int]] = {
    "en": dict(zip(_EN_WORDS.split(), range(2, 13), strict=True)),
    "es": dict(zip(_ES_WORDS.split(), range(2, 13), strict=True)),
    "ru": {
        **{"два": 2, "две": 2, "двух": 2, "три": 3, "трёх": 3, "трех": 3, "четыре": 4},
        **{"четырёх": 4, "четырех": 4, "пять": 5, "пяти": 5, "шесть": 6, "шести": 6},
        **{"семь": 7, "семи": 7, "восемь": 8, "восьми": 8, "девять": 9, "девяти": 9},
        **{"десять": 10, "десяти": 10, "одиннадцать": 11, "двенадцать": 12},
    },
    "ar": {
        **{"اثنان": 2, "اثنين": 2, "اثنتين": 2, "اثنتان": 2, "ثلاث": 3, "ثلاثة": 3},
        **{"أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6, "سبع": 7},
        **{"سبعة": 7, "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10},
    },
}

# Arabic says "two days" in one word, the dual.
_DUALS: dict[str, dict[str, str]] = {
    "ar": {
        "يومين": "day",
        "يومان": "day",
        "أسبوعين": "week",
        "أسبوعان": "week",
        "ساعتين": "hour",
        "ساعتان": "hour",
        "شهرين": "month",
        "شهران": "month",
        "سنتين": "year",
        "عامين": "year",
        "قرصين": "tablet",
        "حبتين": "tablet",
        "دقيقتين": "minute",
    },
}

# What joins the two ends of a range (after dashes are read as "-").
_RANGE_WORDS: dict[str, str] = {
    "en": r"to|and|or",
    "es": r"a|al|y|e|o|u",
    "ru": r"до|и|или",
    "ar": r"إلى|الى|أو|و",
}

# The words that negate, per language: a translation that has a negation where its source has
# none (or none where it has one) may say the opposite. Only words that negate a verb or a
# clause: "without", "sin", "без", Arabic غير and عدم ("un-", "lack of") render English
# prefixes as often as a "not", and Arabic ما is mostly "what".
_NEGATIONS: dict[str, str] = {
    "en": r"not|never|no|none|nor|neither|nothing|nobody|cannot|\w+n[’']t",
    "es": r"no|nunca|jamás|ni|ningun[oa]?|ningún|nada|nadie|tampoco",
    "ru": r"не|нет|нельзя|никогда|ни|ничего|никто|никак",
    # with the conjunctions و and ف that Arabic writes onto the next word
    "ar": r"[وف]?(?:لا|لم|لن|ليس|ليست|لست|ليسوا|لسنا)",
}


def _base(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


@functools.lru_cache(maxsize=16)
def _decimal_symbol(language: str) -> str:
    try:
        return get_decimal_symbol(Locale.parse(language, sep="-"))
    except (ValueError, UnknownLocaleError):
        return "."


_NOT_LETTER = r"(?![^\W\d_])"  # a unit or word ends where no letter follows
_NUMBER = r"\d+(?:[.,\u00a0\u066b]\d+)*"


@functools.lru_cache(maxsize=16)
def _unit_pattern(language: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation of every unit the language writes, longest first, each a named group."""
    words = {re.escape(symbol): unit for symbol, unit in _SYMBOLS.items()}
    words.update(_UNITS.get(_base(language), {}))
    names = {}
    parts = []
    for index, (pattern, unit) in enumerate(sorted(words.items(), key=lambda i: -len(i[0]))):
        names[f"u{index}"] = unit
        parts.append(f"(?P<u{index}>{pattern})")
    return re.compile(rf"\s?(?:{'|'.join(parts)}){_NOT_LETTER}", re.IGNORECASE), names


@functools.lru_cache(maxsize=16)
def _group_symbol(language: str) -> str:
    try:
        return get_group_symbol(Locale.parse(language, sep="-"))
    except (ValueError, UnknownLocaleError):
        return ","


@functools.lru_cache(maxsize=16)
def _number_pattern(language: str) -> re.Pattern[str]:
    number = _NUMBER
    if _group_symbol(language).isspace():  # Russian groups thousands with a space: 1 000
        number = rf"\d{{1,3}}(?:[ \u00a0]\d{{3}})+(?![\d.,])|{_NUMBER}"
    words = "|".join(sorted(_NUMBER_WORDS.get(_base(language), {}), key=len, reverse=True))
    spelled = rf"|(?:{words}){_NOT_LETTER}" if words else ""
    return re.compile(rf"(?<![\w.,])(?:(?:{number})(?!\d){spelled})", re.IGNORECASE)


@functools.lru_cache(maxsize=16)
def _join_pattern(language: str) -> re.Pattern[str]:
    words = _RANGE_WORDS.get(_base(language))
    return re.compile(rf"\s*-\s*|\s+(?:{words})\s*" if words else r"\s*-\s*", re.IGNORECASE)


def _to_ascii_digits(text: str) -> str:
    """Every decimal digit (Arabic-Indic, Devanagari, full-width…) as its ASCII digit; the
    Arabic decimal and group separators and percent sign as the Latin ones."""
    out = []
    for char in text:
        if char.isdigit() and not char.isascii():
            digit = unicodedata.digit(char, None)
            out.append(str(digit) if digit is not None else char)
        else:
            out.append(_ARABIC_PUNCTUATION.get(char, char))
    return "".join(out)


_ARABIC_PUNCTUATION = {"\u066b": "\u066b", "\u066c": "\u00a0", "\u066a": "%"}
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")
_SPACES = {ord("\u202f"): "\u00a0", ord("\u2009"): " ", ord("\u2007"): "\u00a0"}


def normalise(text: str) -> str:
    """The text with digits, dashes and spaces as the patterns read them (same length or
    shorter, never a different fact)."""
    return _to_ascii_digits(unicodedata.normalize("NFC", text)).translate(_DASHES | _SPACES)


def _value(token: str, language: str) -> Decimal:
    """A number as the language writes it, by value: ``1.000`` in Spanish is a thousand,
    ``0,5`` a half; ``0.5`` (a separator the language groups with, then not three digits) is
    a half too."""
    decimal = _decimal_symbol(language)
    token = token.replace("\u066b", decimal)
    separators = [c for c in token if not c.isdigit()]
    if not separators:
        return Decimal(token)
    token = token.replace(" ", "\u00a0")
    groups = re.split(r"[.,\u00a0]", token)
    last = separators[-1]
    grouped = all(len(g) == 3 for g in groups[1:])
    if len(set(separators)) > 1:  # 1.000,5: the last one is the decimal separator
        integer, _, fraction = token.rpartition(last)
        return Decimal(re.sub(r"\D", "", integer) + "." + fraction)
    if last == "\u00a0" or (grouped and (last != decimal or len(separators) > 1)):
        return Decimal("".join(groups))
    integer, _, fraction = token.rpartition(last)
    return Decimal(re.sub(r"\D", "", integer) + "." + fraction)


def _number(token: str, language: str) -> Decimal:
    words = _NUMBER_WORDS.get(_base(language), {})
    if token.lower() in words:
        return Decimal(words[token.lower()])
    return _value(token, language)


# --- reading one text ------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]|%[sd]|\{\w*\}")
# +34 91 562 04 20, (800) 273-8255, 1-800-273-8255: seven digits or more in groups, not a
# number the language groups by thousands.
_PHONE = re.compile(r"(?<![\w.,])(?:\+\s?)?(?:\(\d+\)\s?)?\d+(?:[ \-.\u00a0]\(?\d+\)?)+(?![\w,])")


def _phones(text: str, language: str) -> tuple[list[str], str]:
    found = []

    def take(match: re.Match[str]) -> str:
        written = match.group(0)
        digits = re.sub(r"[^\d+]", "", written)
        if len(digits.lstrip("+")) < 7 or _is_grouped_number(written, language):
            return written
        found.append(digits)
        return " " * len(written)

    return found, _PHONE.sub(take, text)


def _is_grouped_number(written: str, language: str) -> bool:
    # 1 000 000 with non-breaking spaces, 1.000.000 in Spanish: a number, not a phone.
    return bool(re.fullmatch(r"\d{1,3}(?:([.,\u00a0])\d{3})(?:\1\d{3})*", written))


def _negations(text: str, language: str) -> tuple[str, ...]:
    pattern = _NEGATIONS.get(_base(language))
    if not pattern:
        return ()
    found = re.findall(rf"(?<![^\W\d_])(?:{pattern}){_NOT_LETTER}", text, re.IGNORECASE)
    return tuple(found)


@dataclass(frozen=True)
class _Number:
    start: int
    end: int  # after its unit, if any
    value: Decimal
    unit: str | None
    spelled: bool  # a number word


def _numbers_in(text: str, language: str) -> list[_Number]:
    units, names = _unit_pattern(language)
    words = _NUMBER_WORDS.get(_base(language), {})
    found = []
    for match in _number_pattern(language).finditer(text):
        after = units.match(text, match.end())
        spelled = match.group(0).lower() in words
        if spelled and after is None:
            continue  # a number word counts only before a unit
        found.append(
            _Number(
                match.start(),
                after.end() if after else match.end(),
                _number(match.group(0), language),
                _unit_of(after, names),
                spelled,
            )
        )
    return found


def _quantities(text: str, language: str) -> list[Quantity]:
    """Numbers with their units; two joined by a dash or a word such as "to" are a range, and
    its first end takes the unit of the second ("5 to 10 mg")."""
    numbers = _numbers_in(text, language)
    join = _join_pattern(language)
    found = []
    index = 0
    while index < len(numbers):
        low = numbers[index]
        high = numbers[index + 1] if index + 1 < len(numbers) else None
        if (
            high is not None
            and join.fullmatch(text, low.end, high.start)
            and (low.unit is None or high.unit is None or low.unit == high.unit)
        ):
            unit = low.unit or high.unit
            found.append(Quantity(low.value, high.value, unit, text[low.start : high.end]))
            index += 2
            continue
        found.append(Quantity(low.value, low.value, low.unit, text[low.start : low.end]))
        index += 1
    duals = _DUALS.get(_base(language), {})
    for word in re.findall(r"[^\W\d_]+", text):
        if word.lstrip("وف") in duals:
            found.append(Quantity(Decimal(2), Decimal(2), duals[word.lstrip("وف")], word))
    return found


def _unit_of(match: re.Match[str] | None, names: dict[str, str]) -> str | None:
    if match is None:
        return None
    return next(names[key] for key, value in match.groupdict().items() if value is not None)


def _names_in(text: str, names: Sequence[Name]) -> tuple[str, ...]:
    found = []
    for name in names:
        for spelling in name.all_spellings:
            pattern = rf"(?<![^\W\d_]){re.escape(spelling)}{_NOT_LETTER}"
            if re.search(pattern, text, re.IGNORECASE):
                found.append(name.name)
                break
    return tuple(found)


def facts(text: str, language: str, names: Iterable[Name] = ()) -> Facts:
    """The facts ``text`` states, read with the rules of ``language`` (a BCP 47 tag).
    ``names`` are the medicine names to look for (the leaflet's generic and brands)."""
    names = tuple(names)
    readable = normalise(text)
    from translate.filters.decoration import geturls  # the URLs translate-toolkit compares

    urls = geturls(readable)
    rest = readable
    for url in urls:
        rest = rest.replace(url, " " * len(url))
    placeholders = _PLACEHOLDER.findall(rest)
    rest = _PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), rest)
    phones, rest = _phones(rest, language)
    return Facts(
        text=text,
        language=language,
        quantities=tuple(_quantities(rest, language)),
        phones=tuple(phones),
        urls=tuple(urls),
        placeholders=tuple(placeholders),
        names=_names_in(readable, names),
        negations=_negations(readable, language),
        _names=names,
    )


# --- comparing two texts ---------------------------------------------------------------------


def compare(source: Facts, target: Facts, *, checks: bool = True) -> list[Finding]:
    """What ``target`` (a translation) states differently from ``source``: a differing
    number, phone, URL, placeholder or medicine name is an error; a negation on one side only
    needs review; with ``checks``, translate-toolkit's cosmetic checks add warnings (brackets,
    tags, end punctuation)."""
    findings = _compared(source, target, added=True)
    findings += _toolkit(source, target, cosmetic=checks)
    return findings


def missing_facts(source: Facts, target: Facts) -> list[Finding]:
    """What of ``source`` ``target`` leaves out, not what it adds: numbers, phones, URLs,
    placeholders, medicine names as errors, a negation on one side only for review. For a
    plainer rewrite, which may add an example ("5 out of every 100 people") but never drop a
    fact."""
    findings = _compared(source, target, added=False)
    return findings + _differ("url", "URL", source.urls, target.urls, added=False)


def lost_facts(source: Facts, target: Facts, *, urls: bool = True) -> list[Finding]:
    """What of ``source`` the same text read back in the same language (braille
    back-translated, the script given to a speech engine) lost: as ``missing_facts``, and
    every negating word counted, as an error: the words are the same words, so one "not"
    fewer is a "not" lost, where a translation may negate with more or fewer words.
    ``urls=False``: web addresses are not compared (a reading that spells them its own way)."""
    skipped = {"negation"} if urls else {"negation", "url"}
    findings = [f for f in missing_facts(source, target) if f.rule not in skipped]
    # Without case: a braille code without capitals reads "Не" back as "не".
    lost = Counter(n.casefold() for n in source.negations) - Counter(
        n.casefold() for n in target.negations
    )
    if lost:
        findings.append(
            Finding(
                "negation",
                Severity.ERROR,
                f"{sum(lost.values())} of the source's negations did not come back "
                f"({_and(list(dict.fromkeys(lost.elements())))})",
            )
        )
    return findings


def _compared(source: Facts, target: Facts, *, added: bool) -> list[Finding]:
    findings = _numbers(source, target, added=added)
    findings += _differ("phone", "phone number", source.phones, target.phones, added=added)
    findings += _differ(
        "placeholder", "placeholder", source.placeholders, target.placeholders, added=added
    )
    missing = [n for n in dict.fromkeys(source.names) if n not in target.names]
    if missing:
        findings.append(
            Finding(
                "medicine",
                Severity.ERROR,
                f"{_and(missing)} {'is' if len(missing) == 1 else 'are'} not named",
            )
        )
    findings += _negation(source, target)
    return findings


def _numbers(source: Facts, target: Facts, *, added: bool) -> list[Finding]:
    wanted = Counter(v for q in source.quantities for v in q.values)
    found = Counter(v for q in target.quantities for v in q.values)
    exact = wanted & found
    wanted -= exact
    found -= exact
    # A bare number of the source may gain a unit word in the target ("5 to 10 of 100 people"
    # has none, "5 человек"): the value is what counts. A unit the source states must stay.
    for value, unit in list(wanted.elements()):
        if unit is not None:
            continue
        match = next((key for key in found if key[0] == value), None)
        if match is not None:
            wanted[value, unit] -= 1
            found[match] -= 1
    wanted, found = +wanted, +found
    findings = []
    if wanted:
        findings.append(
            Finding(
                "number",
                Severity.ERROR,
                f"{_and(_shown(wanted))} {'is' if sum(wanted.values()) == 1 else 'are'} not "
                "in the translation" + (f"; it has {_and(_shown(found))}" if found else ""),
            )
        )
    elif found and added:
        findings.append(
            Finding("number", Severity.ERROR, f"{_and(_shown(found))}: not in the source")
        )
    return findings


def _shown(values: Counter[tuple[Decimal, str | None]]) -> list[str]:
    shown = []
    for (value, unit), count in sorted(values.items(), key=lambda i: (i[0][0], i[0][1] or "")):
        number = format(value.normalize(), "f")
        if unit is None or unit == "%":
            text = f"{number}{unit or ''}"
        else:
            text = f"{number} {unit}{'s' if value != 1 and unit in _COUNTED else ''}"
        shown += [text] * count
    return shown


_COUNTED = {"minute", "hour", "day", "week", "month", "year", "tablet", "capsule", "drop"}


def _differ(
    rule: str, what: str, wanted: Sequence[str], found: Sequence[str], *, added: bool
) -> list[Finding]:
    lost = Counter(wanted) - Counter(found)
    extra = Counter(found) - Counter(wanted) if added else Counter()
    if not lost and not extra:
        return []
    parts = []
    if lost:
        parts.append(f"{what} {_and(list(lost.elements()))} not in the translation")
    if extra:
        parts.append(f"{what} {_and(list(extra.elements()))}: not in the source")
    return [Finding(rule, Severity.ERROR, "; ".join(parts))]


def _negation(source: Facts, target: Facts) -> list[Finding]:
    # Only languages with rules of their own are compared: no rules is not "no negation".
    if _base(source.language) not in _NEGATIONS or _base(target.language) not in _NEGATIONS:
        return []
    if bool(source.negations) == bool(target.negations):
        return []
    if source.negations:
        said = f"the source negates ({_and(list(dict.fromkeys(source.negations)))})"
        return [Finding("negation", Severity.REVIEW, f"{said}, the translation does not")]
    said = f"the translation negates ({_and(list(dict.fromkeys(target.negations)))})"
    return [Finding("negation", Severity.REVIEW, f"{said}, the source does not")]


# translate-toolkit's checks, each with what a failure means for a leaflet.
_TOOLKIT: tuple[tuple[str, Severity], ...] = (
    ("blank", Severity.ERROR),
    ("urls", Severity.ERROR),
    ("printf", Severity.ERROR),
    ("brackets", Severity.WARNING),
    ("xmltags", Severity.WARNING),
    ("endpunc", Severity.WARNING),
)


@functools.lru_cache(maxsize=16)
def _checker(language: str) -> object:
    from translate.filters import checks  # ~40 ms: only when a translation is compared

    config = checks.CheckerConfig(targetlanguage=_base(language))
    return checks.StandardChecker(checkerconfig=config)


def _toolkit(source: Facts, target: Facts, *, cosmetic: bool) -> list[Finding]:
    from translate.filters.checks import FilterFailure

    checker = _checker(target.language)
    # A link's target stands apart from its ")", or translate-toolkit reads it into the URL.
    texts = [_LINK_TARGET.sub(r"] (\1 )", facts.text) for facts in (source, target)]
    findings = []
    for name, severity in _TOOLKIT:
        if severity is Severity.WARNING and not cosmetic:
            continue
        if name == "printf" and not source.placeholders and not target.placeholders:
            continue  # "5–10% of" holds "% o" to printf: leaflet text is never %-formatted
        try:
            getattr(checker, name)(*texts)
        except FilterFailure as failure:
            findings.append(Finding(_RULE_NAMES.get(name, name), severity, str(failure)))
    return findings


_LINK_TARGET = re.compile(r"\]\((\S+?)\)")
_RULE_NAMES = {"urls": "url", "printf": "placeholder", "endpunc": "end-punctuation"}


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
