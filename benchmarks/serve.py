"""Speed of the counter web app (`leaflet serve`), through HTTP, beside a cold CLI print, in one run.

    python benchmarks/serve.py [--workers N]        # or: make benchmark-serve

(a) personalised prints, one client after another (POST /api/print)  goal: p95 ≤ 0.30 s
(b) personalised prints, 4 clients at once                             goal: p95 ≤ 0.60 s
(c) non-personalised prints (the published file, manifest current)     goal: p95 ≤ 0.03 s
(d) one cold `leaflet build --patient` counter print (a new process)   the yardstick

The rounds of (a), (c) and (d) are interleaved (a cold print, 10 sequential personal prints,
10 generic ones, again) so a machine that slows down during the run slows all of them; (b)
follows. p50 and p95 are over every print of a kind. Prints as a Markdown table; exits 1 when
a goal is missed (on a loaded machine it will be: read the yardstick beside it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = "clonazepam-emotional-effects"
LEAFLET = [sys.executable, "-m", "leafletgen"]
TOKEN = "benchmark-token-" + "0123456789abcdef" * 2
ROUNDS = 5
PER_ROUND = 10  # 5 × 10 = 50 sequential personal prints, and 50 generic
CLIENTS = 4
PER_CLIENT = 12


def project(folder: Path) -> Path:
    shutil.copytree(ROOT / "leaflets", folder / "leaflets")
    shutil.copytree(ROOT / "locales", folder / "locales")
    (folder / "pharmacy.yaml").write_text("name: Riverside Pharmacy\nphone: 555 0100\n")
    (folder / "leaflet.toml").write_text('[counter]\npharmacy = "pharmacy.yaml"\n')
    (folder / "tokens.txt").write_text(TOKEN + "\n")
    # The published leaflet, branded as the counter prints it: what (c) is served from.
    subprocess.run(
        [*LEAFLET, "--project", str(folder), "build", SEED, "--branded"],
        check=True,
        capture_output=True,
    )
    return folder


def start(folder: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            *LEAFLET,
            "--project",
            str(folder),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--token-file",
            str(folder / "tokens.txt"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("leaflet serve did not start")


def print_once(port: int, body: dict[str, object]) -> float:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/print",
        data=json.dumps(body).encode(),
        headers={"authorization": f"Bearer {TOKEN}", "content-type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as answer:
        data = answer.read()
    seconds = time.perf_counter() - started
    assert data.startswith(b"%PDF"), data[:100]
    return seconds


def personal(number: int) -> dict[str, object]:
    return {
        "leaflet": SEED,
        "lang": "en",
        "patient": f"Patient Number {number}",
        "note": "Take one tablet at night.",
    }


GENERIC = {"leaflet": SEED, "lang": "en"}


def cold_print(folder: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            *LEAFLET,
            "--project",
            str(folder),
            "build",
            SEED,
            "--patient",
            "Patient Cold",
            "--note",
            "Take one tablet at night.",
            "-o",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def row(name: str, values: list[float], goal: float | None) -> tuple[str, bool]:
    p50, p95 = statistics.median(values), percentile(values, 0.95)
    met = goal is None or p95 <= goal
    verdict = "–" if goal is None else ("met" if met else "missed")
    goal_text = "–" if goal is None else f"p95 ≤ {goal:.2f} s"
    line = f"| {name} | {len(values)} | {p50:.3f} s | {p95:.3f} s | {goal_text} | {verdict} |"
    return line, met


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="leaflet-serve-bench-"))
    try:
        folder = project(work / "project")
        server = start(folder, options.port, options.workers)
        try:
            sequential: list[float] = []
            generic: list[float] = []
            cold: list[float] = []
            number = 0
            for _ in range(ROUNDS):
                cold.append(cold_print(folder, work / "cold.pdf"))
                for _ in range(PER_ROUND):
                    number += 1
                    sequential.append(print_once(options.port, personal(number)))
                for _ in range(PER_ROUND):
                    generic.append(print_once(options.port, GENERIC))
            concurrent: list[float] = []
            lock = threading.Lock()

            def client(first: int) -> None:
                for n in range(first, first + PER_CLIENT):
                    seconds = print_once(options.port, personal(n))
                    with lock:
                        concurrent.append(seconds)

            threads = [
                threading.Thread(target=client, args=(1000 * (i + 1),)) for i in range(CLIENTS)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            server.terminate()
            server.wait(30)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [
        f"`leaflet serve --workers {options.workers}` on {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at the end",
        "",
        "| measure | prints | p50 | p95 | goal | |",
        "|---|---|---|---|---|---|",
    ]
    verdicts = []
    for name, values, goal in (
        ("(a) personalised, sequential", sequential, 0.30),
        (f"(b) personalised, {CLIENTS} clients at once", concurrent, 0.60),
        ("(c) non-personalised (published file)", generic, 0.03),
        ("(d) cold `leaflet build --patient` (yardstick)", cold, None),
    ):
        line, met = row(name, values, goal)
        lines.append(line)
        verdicts.append(met)
    print("\n".join(lines))
    raise SystemExit(0 if all(verdicts) else 1)


if __name__ == "__main__":
    main()
