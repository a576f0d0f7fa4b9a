"""The numbers a patient calls in an emergency: from the pharmacy profile, or else from the
project's country. Never leaflet text: a leaflet is written once and printed in many places.

``COUNTRY_NUMBERS`` is data. Each entry is a national number printed under "Get help now", so
each is one an official service publishes; a country without a known poison line has none
rather than a guess, and a project whose country is not listed prints "your local emergency
number" and gets a warning from ``leaflet check``.
"""

from __future__ import annotations

from dataclasses import dataclass

from leafletgen.counter import Pharmacy


@dataclass(frozen=True)
class CountryNumbers:
    emergency: str
    poison: str | None  # a national poison information line, where there is one


# ISO 3166-1 alpha-2 code: the emergency (ambulance) number and the national poison line.
COUNTRY_NUMBERS: dict[str, CountryNumbers] = {
    # America's Poison Centers' Poison Help line reaches the local centre.
    "US": CountryNumbers("911", "1-800-222-1222"),
    "CA": CountryNumbers("911", None),  # poison centres are provincial
    "MX": CountryNumbers("911", None),
    "GB": CountryNumbers("999", None),  # NHS 111 for urgent advice; no public poison line
    "IE": CountryNumbers("112", "01 809 2166"),  # National Poisons Information Centre
    "ES": CountryNumbers("112", "91 562 04 20"),  # Servicio de Información Toxicológica
    "FR": CountryNumbers("112", None),  # poison centres are regional
    "DE": CountryNumbers("112", None),  # poison centres are regional
    "IT": CountryNumbers("112", None),
    "PT": CountryNumbers("112", "800 250 250"),  # Centro de Informação Antivenenos
    "NL": CountryNumbers("112", None),
    "RU": CountryNumbers("112", None),
    "AU": CountryNumbers("000", "13 11 26"),  # Poisons Information Centre
    "NZ": CountryNumbers("111", "0800 764 766"),  # National Poisons Centre
}


@dataclass(frozen=True)
class EmergencyNumbers:
    """What "Get help now" prints: each number, or None where none is known."""

    emergency: str | None = None
    poison: str | None = None

    @property
    def known(self) -> bool:
        return self.emergency is not None


def emergency_numbers(country: str | None, pharmacy: Pharmacy | None = None) -> EmergencyNumbers:
    """The pharmacy's own numbers first (it knows its region), each else the country's."""
    national = COUNTRY_NUMBERS.get(country) if country else None
    profile = pharmacy.profile if pharmacy else None
    return EmergencyNumbers(
        emergency=(profile and profile.emergency_phone) or (national and national.emergency),
        poison=(profile and profile.poison_phone) or (national and national.poison),
    )
