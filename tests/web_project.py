"""A counter project for the web tests: the seed leaflet with its catalogs, a pharmacy profile,
and a helper that starts `leaflet serve` as the pharmacy would, in its own process."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

LEAFLET = "clonazepam-emotional-effects"
TOKEN = "test-token-" + "0123456789abcdef" * 2
PHARMACY = "Riverside Pharmacy"


def make_counter_project(root: Path) -> Path:
    """The seed leaflet and its translations, with ``[counter] pharmacy`` set."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "leaflets", root / "leaflets")
    shutil.copytree(ROOT / "locales", root / "locales")
    (root / "pharmacy.yaml").write_text(
        f"name: {PHARMACY}\naddress: 1 High Street, Springfield\nphone: 555 0100\n",
        encoding="utf-8",
    )
    (root / "leaflet.toml").write_text('[counter]\npharmacy = "pharmacy.yaml"\n', encoding="utf-8")
    (root / "tokens.txt").write_text(f"# the test's client\n{TOKEN}\n", encoding="utf-8")
    return root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path  # the server's standard output and error
    cwd: Path
    tmp: Path


@contextlib.contextmanager
def serve(project: Path, work: Path, *args: str, workers: int = 1) -> Iterator[Served]:
    """`leaflet serve` on a free port, in ``work`` (its working folder), with TMPDIR in
    ``work/tmp``; stopped (SIGTERM) when the block ends."""
    port = free_port()
    tmp = work / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    log = work / "server.log"
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "leafletgen",
        "--project",
        str(project),
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        *args,
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=work, env=env, stdout=output, stderr=output)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, process, log)
        yield Served(url, process, log, work, tmp)
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"leaflet serve stopped: {log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("leaflet serve did not start in 120 s")


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def new_token() -> str:
    return secrets.token_urlsafe(32)
