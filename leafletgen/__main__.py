from __future__ import annotations

from leafletgen.cli import main

main()
