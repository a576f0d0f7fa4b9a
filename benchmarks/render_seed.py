"""Render time of one leaflet (the seed), without writing files.

Goal: under 2 s for the standard PDF on one core of the reference machine (2 cores), so a
pharmacist at the counter waits about a second. Run with `make benchmark`.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from leafletgen.assets import LOCALES_DIR
from leafletgen.html import render_html
from leafletgen.i18n import localize
from leafletgen.source import load_leaflet

GOAL_SECONDS = 2.0
SEED = Path(__file__).resolve().parent.parent / "leaflets" / "clonazepam-emotional-effects.yaml"


def main(runs: int = 5) -> None:
    started = time.perf_counter()
    from leafletgen.pdf import render_pdf  # imports WeasyPrint

    print(f"import WeasyPrint: {time.perf_counter() - started:.2f} s")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        leaflet = load_leaflet(SEED)
        html = render_html(leaflet, localize(leaflet.language, LOCALES_DIR))
        pdf = render_pdf(html.html, name="benchmark.pdf")
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    print(
        f"seed leaflet, {pdf.pages} pages: median {median:.2f} s over {runs} runs (goal {GOAL_SECONDS} s)"
    )
    if median > GOAL_SECONDS:
        raise SystemExit("slower than the goal")


if __name__ == "__main__":
    main()
