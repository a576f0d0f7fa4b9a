"""Country codes: the markets a leaflet is printed for (which brands, ``medicine.brands`` per
country). Data, as variants.py is, read by the source model and the project's settings."""

from __future__ import annotations

from typing import Annotated

from babel import Locale
from pydantic import AfterValidator

_TERRITORIES = frozenset(Locale.parse("en").territories)


def _country(value: str) -> str:
    if not (len(value) == 2 and value.isascii() and value.isupper()) or value not in _TERRITORIES:
        raise ValueError(
            f"{value!r} is not a country code (ISO 3166-1 alpha-2 in capitals, for example "
            "'ES' or 'US')"
        )
    return value


CountryCode = Annotated[str, AfterValidator(_country)]
"""A market: the country whose brands a leaflet prints."""
