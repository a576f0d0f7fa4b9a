"""Where the project's own templates, fonts and catalogs live, in a checkout or installed."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _asset_dir(name: str) -> Path:
    # A checkout (or editable install) uses the top-level folder contributors edit; a wheel
    # carries the same folder inside the package (see pyproject.toml, force-include).
    for candidate in (_PACKAGE.parent / name, _PACKAGE / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"leafletgen is installed without its {name}/ folder")


TEMPLATES_DIR = _asset_dir("templates")
LOCALES_DIR = _asset_dir("locales")
FONTS_DIR = TEMPLATES_DIR / "fonts"
