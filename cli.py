"""Run the `leaflet` command from a checkout: ``python cli.py build …``."""

from __future__ import annotations

from leafletgen.cli import main

if __name__ == "__main__":
    main()
