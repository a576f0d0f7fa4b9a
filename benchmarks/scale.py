"""How leafletgen scales, measured in one run and printed as a Markdown table, with a plot.

    python benchmarks/scale.py [--sizes 100,1000,10000] [--work DIR]   # or: make benchmark-scale

(f) plan and no-op rebuild of a synthetic catalogue (benchmarks/catalogue.py: N leaflets ×
    3 languages + English × 4 variants, real files on disk), a whole `leaflet build` process
    each time, at each size        goal: 10,000 leaflets (160,000 outputs) under 10 s, 500 MB
(g) render time against page count: one leaflet made longer and longer, warm   reported
The plot (docs/benchmark-scale.png) shows both curves: linear is what scales.

The catalogues are generated into --work once and kept (10,000 leaflets take minutes to
write); each no-op is timed three times and the median reported. A no-op trusts each output's
recorded size and time; `--verify` is timed once at the smallest size to show its cost.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.catalogue import full_request, generate, write_built  # noqa: E402

LEAFLET = [sys.executable, "-m", "leafletgen"]
PLOT = ROOT / "docs" / "benchmark-scale.png"
GOAL_SECONDS, GOAL_MB = 10.0, 500.0


def catalogue(work: Path, size: int) -> tuple[Path, int]:
    root = work / f"catalogue-{size}"
    if not (root / "leaflets").is_dir():
        generate(root, size, ["es", "ar", "ru"])
    if not (root / "output" / "manifest.json").is_file():
        write_built(root, full_request())
    outputs = sum(1 for _ in (root / "output").rglob("*.pdf"))
    return root, outputs


def no_op(root: Path, *extra: str) -> tuple[float, float, str]:
    """Seconds and peak RSS (MB) of one whole `leaflet build` of everything, and its summary."""
    command = [*LEAFLET, "build", "--all", "--lang", "all", "--variant", "all", *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    rss = peak / 1024 if peak > before else float("nan")  # a smaller child does not raise the max
    return seconds, rss, done.stdout.strip().splitlines()[-1]


def rss_of(root: Path) -> float:
    """Peak RSS of one no-op, measured alone (GNU time), in MB."""
    command = ["/usr/bin/time", "-f", "%M", *LEAFLET, "build", "--all", "--lang", "all",
               "--variant", "all"]  # fmt: skip
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True)
    return int(done.stderr.strip().splitlines()[-1]) / 1024


def pages_against_time() -> list[tuple[int, float]]:
    """(pages, seconds) of warm renders of one leaflet with more and more sections."""
    import tempfile

    from leafletgen.engine import Request, render
    from leafletgen.project import Project

    points = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root, 1, [])
        source = root / "leaflets" / "medicine-00001.yaml"
        data = yaml.safe_load(source.read_text())
        section = data["sections"][1]
        project = Project.load(root)
        for copies in (1, 10, 30, 60):
            data["sections"] = [
                {**section, "heading": f"Side effects, part {n}", "blocks": section["blocks"] * 8}
                for n in range(copies)
            ]
            source.write_text(yaml.dump(data, Dumper=_NoAliases, sort_keys=False))
            request = Request(str(source), "en", "standard", "a4", "pdf")
            render(project, request)  # warm: fonts and templates loaded
            times = []
            for _ in range(3):
                rendered = render(project, request)
                times.append(rendered.seconds)
            points.append((rendered.pages or 0, statistics.median(times)))
    return points


class _NoAliases(yaml.SafeDumper):
    """Repeated blocks written out each time: sources may not use YAML aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def plot(noops: list[tuple[int, int, float]], pages: list[tuple[int, float]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6), dpi=100)
    left.plot([o for _, o, _ in noops], [s for *_, s in noops], "o-")
    left.set(xscale="log", yscale="log", xlabel="outputs in the catalogue",
             ylabel="no-op rebuild, seconds", title="Plan and no-op rebuild")  # fmt: skip
    left.axhline(GOAL_SECONDS, linestyle="--", color="grey", label="goal at 160,000 outputs")
    left.legend(loc="upper left")
    right.plot([p for p, _ in pages], [s for _, s in pages], "o-")
    right.set(xlabel="pages", ylabel="render, seconds (warm)", title="Render time per page")
    figure.tight_layout()
    figure.savefig(PLOT, metadata={"Software": None})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/leafletgen-scale"))
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    rows, noops, met = [], [], True
    for size in (int(s) for s in args.sizes.split(",")):
        root, outputs = catalogue(args.work, size)
        runs = [no_op(root) for _ in range(3)]
        seconds = statistics.median(run[0] for run in runs)
        rss = rss_of(root)
        noops.append((size, outputs, seconds))
        goal = size >= 10_000
        ok = seconds < GOAL_SECONDS and rss < GOAL_MB
        met &= ok or not goal
        rows.append((f"(f) no-op rebuild, {size:,} leaflets ({outputs:,} outputs)",
                     f"{seconds:.2f} s, {rss:.0f} MB", "< 10 s, < 500 MB" if goal else "",
                     ("yes" if ok else "no") if goal else ""))  # fmt: skip
        if size == min(int(s) for s in args.sizes.split(",")):
            verify = no_op(root, "--verify")[0]
            rows.append((f"(f) the same with --verify (every output hashed), {size:,} leaflets",
                         f"{verify:.2f} s", "", ""))  # fmt: skip
    pages = pages_against_time()
    for count, seconds in pages:
        rows.append((f"(g) warm render, {count} pages", f"{seconds:.2f} s "
                     f"({1000 * seconds / max(count, 1):.0f} ms a page)", "", ""))  # fmt: skip
    plot(noops, pages)
    print("| Measure | Result | Goal | Met |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nPlot: {PLOT.relative_to(ROOT)}")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
