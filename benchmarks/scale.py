"""How leafletgen scales, measured in one run and printed as a Markdown table, with a plot.

    python benchmarks/scale.py [--sizes 100,1000,10000] [--languages es,ar] [--work DIR]
    # or: make benchmark-scale

(f) plan and no-op rebuild of a synthetic catalogue (benchmarks/catalogue.py: N leaflets in
    English and --languages, × --variants: by default the issue's four, standard, large print,
    plain and plain large print; real files on disk), a whole `leaflet build`
    process each time, at each size: seconds and peak RSS (GNU time)
                        goal: 10,000 leaflets × 3 languages (120,000 outputs) under 10 s, 500 MB
(g) render time (CPU) against page count: one leaflet made longer and longer, warm   reported
The plot (docs/benchmarks/scaling.png) shows the curves: linear is what scales.

The catalogues are generated into --work once and kept (10,000 leaflets take minutes to
write); each no-op is timed three times and the medians reported. A no-op trusts each output's
recorded size and time; `--verify` is timed once at the smallest size to show its cost.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.catalogue import full_request, generate, write_built  # noqa: E402
from leafletgen.variants import VARIANTS  # noqa: E402

LEAFLET = [sys.executable, "-m", "leafletgen"]
PLOT = ROOT / "docs" / "benchmarks" / "scaling.png"
GOAL_SECONDS, GOAL_MB, GOAL_LEAFLETS = 10.0, 500.0, 10_000
NO_OP = ["build", "--all", "--lang", "all"]
ISSUE_VARIANTS = "standard,large-print,plain,plain-large-print"  # 10,000 × 3 × 4 = 120,000


def catalogue(work: Path, size: int, languages: list[str], variants: str) -> tuple[Path, int]:
    root = work / f"catalogue-{size}-{'-'.join(languages)}-{variants.replace(',', '-')}"
    if not (root / "leaflets").is_dir():
        generate(root, size, languages)
    if not (root / "output" / "manifest.json").is_file():
        write_built(root, full_request(tuple(variants.split(","))))
    outputs = sum(1 for _ in (root / "output").rglob("*.pdf"))
    return root, outputs


def no_op(root: Path, *extra: str) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system: what a loaded machine inflates least) and
    peak RSS (MB) of one whole `leaflet build` of everything, measured from outside by GNU
    time, and its summary line."""
    command = ["/usr/bin/time", "-f", "%e %U %S %M", *LEAFLET, *NO_OP, *extra]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True)
    wall, user, system, kib = done.stderr.strip().splitlines()[-1].split()
    cpu = float(user) + float(system)
    return float(wall), cpu, int(kib) / 1024, done.stdout.strip().splitlines()[-1]


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
                started = time.process_time()  # CPU: steadier than wall time on a shared machine
                rendered = render(project, request)
                times.append(time.process_time() - started)
            points.append((rendered.pages or 0, statistics.median(times)))
    return points


class _NoAliases(yaml.SafeDumper):
    """Repeated blocks written out each time: sources may not use YAML aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def plot(
    noops: list[tuple[int, int, float, float, float]],
    pages: list[tuple[int, float]],
    languages: int,
    variants: int,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (time_axis, memory_axis, page_axis) = plt.subplots(1, 3, figsize=(12, 3.8), dpi=100)
    leaflets = [size for size, *_ in noops]
    time_axis.plot(leaflets, [wall for _, _, wall, _, _ in noops], "o-", label="wall")
    time_axis.plot(leaflets, [cpu for _, _, _, cpu, _ in noops], "s-", label="CPU (user+sys)")
    # The straight line through the largest point: a curve over it at the small sizes is a
    # fixed start-up cost, one under it would grow faster than the catalogue.
    largest = noops[-1]
    time_axis.plot(leaflets, [largest[3] * n / largest[0] for n in leaflets], ":",
                   color="grey", label="linear")  # fmt: skip
    time_axis.axhline(GOAL_SECONDS, linestyle="--", color="tab:red", label="goal")
    time_axis.set(xscale="log", yscale="log", xlabel="leaflets in the catalogue",
                  ylabel="seconds", title=f"Plan and no-op rebuild ({languages} languages "
                  f"× {variants} variants)")  # fmt: skip
    time_axis.legend(loc="upper left", fontsize="small")
    memory_axis.plot(leaflets, [mb for *_, mb in noops], "o-", color="tab:green")
    memory_axis.axhline(GOAL_MB, linestyle="--", color="tab:red", label="goal")
    memory_axis.set(xscale="log", xlabel="leaflets in the catalogue", ylabel="peak RSS, MB",
                    ylim=(0, GOAL_MB * 1.1), title="Memory of that rebuild")  # fmt: skip
    memory_axis.legend(loc="upper left", fontsize="small")
    page_axis.plot([p for p, _ in pages], [s for _, s in pages], "o-", color="tab:purple")
    page_axis.set(xlabel="pages", ylabel="CPU seconds (warm)", title="Render time per page",
                  xlim=(0, None), ylim=(0, None))  # fmt: skip
    for axis in (time_axis, memory_axis, page_axis):
        axis.grid(True, which="major", alpha=0.3)
    figure.tight_layout()
    PLOT.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(PLOT, metadata={"Software": None})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--languages", default="es,ar", help="besides English")
    parser.add_argument("--work", type=Path, default=Path("/tmp/leafletgen-scale"))
    parser.add_argument("--variants", default=ISSUE_VARIANTS, help="'all': all six")
    parser.add_argument("--no-pages", action="store_true", help="skip (g) and the plot")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    languages = args.languages.split(",")
    sizes = [int(s) for s in args.sizes.split(",")]
    variant_count = len(VARIANTS) if args.variants == "all" else len(args.variants.split(","))
    rows, noops, met = [], [], True
    for size in sizes:
        root, outputs = catalogue(args.work, size, languages, args.variants)
        runs = [no_op(root, "--variant", args.variants) for _ in range(3)]
        assert all(" 0 failed" in summary and "0 files built" in summary for *_, summary in runs)
        seconds, cpu, rss = (statistics.median(run[n] for run in runs) for n in range(3))
        noops.append((size, outputs, seconds, cpu, rss))
        goal = size >= GOAL_LEAFLETS
        ok = seconds < GOAL_SECONDS and rss < GOAL_MB
        met &= ok or not goal
        rows.append((f"(f) no-op rebuild, {size:,} leaflets × {len(languages) + 1} languages "
                     f"× {variant_count} variants ({outputs:,} outputs)", f"{seconds:.2f} s ({cpu:.2f} s CPU), {rss:.0f} MB",
                     "< 10 s, < 500 MB" if goal else "",
                     ("yes" if ok else "no") if goal else ""))  # fmt: skip
        if size == min(sizes):
            verify = no_op(root, "--variant", args.variants, "--verify")[0]
            rows.append((f"(f) the same with --verify (every output hashed), {size:,} leaflets",
                         f"{verify:.2f} s", "", ""))  # fmt: skip
    if not args.no_pages:
        pages = pages_against_time()
        for count, seconds in pages:
            rows.append((f"(g) warm render, {count} pages", f"{seconds:.2f} s CPU "
                         f"({1000 * seconds / max(count, 1):.0f} ms a page)", "", ""))  # fmt: skip
        plot(noops, pages, len(languages) + 1, variant_count)
    print("| Measure | Result | Goal | Met |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if not args.no_pages:
        print(f"\nPlot: {PLOT.relative_to(ROOT)}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
