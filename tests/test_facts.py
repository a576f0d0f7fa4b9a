"""The facts of a text (leafletgen.content.facts): each rule in each shipped language."""

from __future__ import annotations

from decimal import Decimal

import pytest

from leafletgen.content.facts import Name, Severity, compare, facts, missing_facts

NAMES = (Name("clonazepam", ("كلونازيبام", "клоназепам")), Name("Klonopin"), Name("Rivotril"))


def findings(source: str, target: str, language: str, source_language: str = "en") -> list[str]:
    return [
        f"{f.severity}:{f.rule}"
        for f in compare(facts(source, source_language, NAMES), facts(target, language, NAMES))
    ]


def test_translate_toolkit_alone_passes_a_changed_dose() -> None:
    # Why numbers are compared here: its own number check counts substrings.
    from translate.filters.checks import StandardChecker

    assert StandardChecker().numbers("Take 5 mg", "Tome 50 mg") is True
    assert findings("Take 5 mg", "Tome 50 mg", "es") == ["error:number"]


@pytest.mark.parametrize(
    ("source", "target", "language"),
    [
        ("Take 5 mg", "Tome 5 mg", "es"),
        ("Take 5 mg", "Примите 5 мг", "ru"),
        ("Take 5 mg", "تناول ٥ ملغ", "ar"),  # Arabic-Indic digits, an Arabic unit
        ("Take 0.5 mg", "Tome 0,5 mg", "es"),  # decimal comma
        ("Take 0.5 mg", "Примите 0,5 миллиграмма", "ru"),
        ("Take 0.5 mg", "تناول ٠٫٥ ملغ", "ar"),  # the Arabic decimal separator
        ("in 1,000 people", "en 1.000 personas", "es"),  # the Spanish thousands separator
        ("in 1,000 people", "у 1\u00a0000 человек", "ru"),
        ("about 5–10% of patients", "alrededor del 5-10 % de los pacientes", "es"),
        ("about 5–10% of patients", "alrededor del 5 % al 10 % de los pacientes", "es"),
        ("about 5–10% of patients", "نحو ٥–١٠٪ من المرضى", "ar"),
        ("about 5–10% of patients", "примерно у 5–10 процентов пациентов", "ru"),
        ("5 to 10 out of every 100 people (5–10%)", "5–10 человек из 100 (5–10%)", "ru"),
        ("5 to 10 out of every 100 people (5–10%)", "5 إلى 10 من كل 100 شخص (5–10%)", "ar"),
        ("for two weeks", "durante 2 semanas", "es"),
        ("for two weeks", "в течение двух недель", "ru"),
        ("for two weeks", "لمدة أسبوعين", "ar"),  # the Arabic dual
        ("every 8 hours", "cada 8 horas", "es"),
        ("10 mg to 20 mg a day", "de 10 a 20 mg al día", "es"),
    ],
)
def test_the_same_value_written_the_locale_s_way_passes(
    source: str, target: str, language: str
) -> None:
    assert findings(source, target, language) == []


@pytest.mark.parametrize(
    ("source", "target", "language", "message"),
    [
        ("about 5–10% of patients", "alrededor del 50–100% de los pacientes", "es",
         "5% and 10% are not in the translation; it has 50% and 100%"),
        ("Take 5 mg", "Примите 50 мг", "ru", "5 mg is not in the translation; it has 50 mg"),
        ("Take 5 mg", "تناول ٥٠ ملغ", "ar", "5 mg is not in the translation; it has 50 mg"),
        ("Take 5 mg", "Tome 5 g", "es", "5 mg is not in the translation; it has 5 g"),
        ("Take 5 mg", "Tome 5", "es", "5 mg is not in the translation; it has 5"),
        ("for 2 weeks", "durante 2 días", "es", "2 weeks is not in the translation; it has 2 days"),
        ("for two weeks", "в течение 2 дней", "ru", "2 weeks is not in the translation; it has 2 days"),
        ("for 2 weeks", "لمدة يومين", "ar", "2 weeks is not in the translation; it has 2 days"),
        ("Take 0.5 mg", "Tome 5 mg", "es", "0.5 mg is not in the translation; it has 5 mg"),
        ("Take it", "Tome 2 mg", "es", "2 mg: not in the source"),
    ],
)  # fmt: skip
def test_a_changed_value_or_unit_is_an_error(
    source: str, target: str, language: str, message: str
) -> None:
    (finding,) = compare(facts(source, "en"), facts(target, language))
    assert (finding.rule, finding.severity, finding.message) == ("number", Severity.ERROR, message)


def test_facts_read_ranges_and_units_by_value() -> None:
    (quantity,) = facts("alrededor del 5–10 % de", "es").quantities
    assert (quantity.low, quantity.high, quantity.unit) == (Decimal(5), Decimal(10), "%")
    (dose,) = facts("de 0,25 a 0,5 mg", "es").quantities
    assert dose.values == ((Decimal("0.25"), "mg"), (Decimal("0.5"), "mg"))


@pytest.mark.parametrize(
    ("target", "language"),
    [
        ("Llame al +34 91 562 04 21.", "es"),
        ("Позвоните по номеру +34 91 562 04 21.", "ru"),
        ("اتصل بالرقم +٣٤ ٩١ ٥٦٢ ٠٤ ٢١.", "ar"),
    ],
)
def test_a_changed_phone_number_is_an_error(target: str, language: str) -> None:
    source = "Call +34 91 562 04 20."
    assert findings(source, target.replace("21", "20").replace("٢١", "٢٠"), language) == []
    assert findings(source, target, language) == ["error:phone"]


@pytest.mark.parametrize(
    ("kept", "language"),
    [
        ("Vea [la guía](https://example.org/guide).", "es"),
        ("См. [руководство](https://example.org/guide).", "ru"),
        ("انظر [الدليل](https://example.org/guide).", "ar"),
    ],
)
def test_a_changed_url_is_an_error(kept: str, language: str) -> None:
    source = "See [the guide](https://example.org/guide)."
    assert findings(source, kept, language) == []
    changed = kept.replace("example.org", "example.com")
    assert findings(source, changed, language) == ["error:url"]


@pytest.mark.parametrize(
    ("kept", "dropped", "language"),
    [
        ("Página %(page)s de %(pages)s", "Página %(page)s", "es"),
        ("Страница %(page)s из %(pages)s", "Страница %(page)s", "ru"),
        ("الصفحة %(page)s من %(pages)s", "الصفحة %(page)s", "ar"),
    ],
)
def test_a_dropped_placeholder_is_an_error(kept: str, dropped: str, language: str) -> None:
    source = "Page %(page)s of %(pages)s"
    assert findings(source, kept, language) == []
    assert "error:placeholder" in findings(source, dropped, language)


@pytest.mark.parametrize(
    ("target", "language"),
    [
        ("Klonopin (clonazepam) es un medicamento.", "es"),
        ("Klonopin (клоназепам) — это лекарство.", "ru"),
        ("Klonopin (كلونازيبام) دواء.", "ar"),  # the generic in the language's own script
    ],
)
def test_a_medicine_name_must_stay(target: str, language: str) -> None:
    source = "Klonopin (clonazepam) is a medicine."
    assert findings(source, target, language) == []
    changed = target.replace("Klonopin", "Rivotril")
    assert findings(source, changed, language) == ["error:medicine"]


@pytest.mark.parametrize(
    ("source", "kept", "dropped", "language"),
    [
        ("Do not stop medication abruptly.", "No suspenda el medicamento de golpe.",
         "Suspenda el medicamento de golpe.", "es"),
        ("Never drink alcohol with it.", "Nunca beba alcohol con él.",
         "Beba alcohol con él.", "es"),
        ("Do not stop medication abruptly.", "Не прекращайте приём лекарства резко.",
         "Прекращайте приём лекарства резко.", "ru"),
        ("You must not drive.", "Вам нельзя водить машину.", "Вам можно водить машину.", "ru"),
        ("Do not stop medication abruptly.", "لا تتوقف عن تناول الدواء فجأة.",
         "توقف عن تناول الدواء فجأة.", "ar"),
        ("It did not help.", "لم يساعد.", "ساعد.", "ar"),
    ],
)  # fmt: skip
def test_a_negation_on_one_side_only_needs_review(
    source: str, kept: str, dropped: str, language: str
) -> None:
    assert findings(source, kept, language) == []
    assert findings(source, dropped, language) == ["review:negation"]
    # and the other way round: a translation that negates what its source does not
    assert findings("Stop the medicine.", kept, language) == ["review:negation"]


def test_the_issue_s_two_tampered_spanish_strings() -> None:
    assert findings(
        "Research suggests paradoxical reactions happen in about 5–10% of patients.",
        "Las investigaciones indican que se producen en alrededor del 50–100% de los pacientes.",
        "es",
    ) == ["error:number"]
    assert findings(
        "Do not stop medication abruptly.", "Suspenda el medicamento de forma brusca.", "es"
    ) == ["review:negation"]


def test_cosmetic_checks_come_from_translate_toolkit_and_never_block() -> None:
    found = compare(facts("Is it safe?", "en"), facts("هل هو آمن؟", "ar"))
    assert found == []  # the Arabic question mark is the question mark
    (bracket,) = compare(facts("A medicine (a calming one).", "en"), facts("Un medicamento.", "es"))
    assert (bracket.rule, bracket.severity) == ("brackets", Severity.WARNING)
    assert compare(facts("Take it.", "en"), facts("   ", "es"))[0].rule == "blank"


def test_a_plainer_rewrite_may_add_but_never_drop_a_fact() -> None:
    standard = facts("Reactions happen in about 5–10% of patients. Do not stop abruptly.", "en")
    plain = facts("This happens in 5 to 10 out of every 100 people (5–10%). Do not stop.", "en")
    assert missing_facts(standard, plain) == []
    (lost,) = missing_facts(standard, facts("This happens to some people. Do not stop.", "en"))
    assert (lost.rule, lost.severity) == ("number", Severity.ERROR)
    (negation,) = missing_facts(standard, facts("It happens in 5–10% of people. Stop.", "en"))
    assert negation.severity is Severity.REVIEW


def test_urls_and_placeholders_are_not_read_as_numbers() -> None:
    found = facts("See https://example.org/2024/5 and %(num)s more; call 112.", "en")
    assert found.urls == ("https://example.org/2024/5",)
    assert found.placeholders == ("%(num)s",)
    assert [q.low for q in found.quantities] == [Decimal(112)]
