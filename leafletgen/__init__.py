"""leafletgen: accessible, printable patient leaflets from one medicine-information source."""

from __future__ import annotations

__version__ = "0.1.0"
