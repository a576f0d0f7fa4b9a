"""Ctrl-C and SIGTERM in `leaflet preview` (build: test_faults.py; i18n: test_kill_mid_write.py).

Each stops with exit 130 or 143 and one line on stderr, and leaves no temporary file or folder
and no child process. (`leaflet preview` used to die on SIGTERM with its hidden temporary
folder left in the output folder, and a `pdftoppm` that went on writing PNGs.)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from leafletgen.cli.common import INTERRUPTED
from tests.conftest import ROOT
from tests.hostile.test_faults import ENV, alive, assert_clean, descendants, interruptible

SAMPLE = "clonazepam-emotional-effects"


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    for folder in ("leaflets", "locales", "templates"):
        shutil.copytree(ROOT / folder, project / folder)
    return project


class Command:
    """`leaflet ARGS` in a session of its own, with a private temporary folder."""

    def __init__(self, project: Path, *args: str) -> None:
        self.temp = project.parent / "tmp"
        self.temp.mkdir()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "leafletgen", *args],
            env={**ENV, "TMPDIR": str(self.temp)},
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            preexec_fn=interruptible,
        )
        self.seen: dict[int, str] = {}

    def wait_for(self, prefix: str) -> None:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        self.seen |= descendants(self.process.pid)
        assert line.startswith(prefix), line

    def stop(self, signum: int, *, group: bool) -> tuple[int, str]:
        """Signal it (Ctrl-C on a terminal reaches the whole group); exit status, stderr."""
        self.seen |= descendants(self.process.pid)
        if group:
            os.killpg(self.process.pid, signum)
        else:
            self.process.send_signal(signum)
        try:
            _, stderr = self.process.communicate(timeout=60)
        finally:
            self.process.kill()
        return self.process.returncode, stderr

    def assert_nothing_left(self) -> None:
        deadline = time.monotonic() + 5
        while any(alive(p, c) for p, c in self.seen.items()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not {p: c for p, c in self.seen.items() if alive(p, c)}
        assert not list(self.temp.iterdir())


STOPS = pytest.mark.parametrize(
    ("signum", "group", "code"),
    [(signal.SIGTERM, False, 143), (signal.SIGINT, True, 130)],
    ids=["sigterm", "ctrl-c"],
)


@STOPS
def test_preview_stops_cleanly(sample_project: Path, signum: int, group: bool, code: int) -> None:
    out = sample_project / "previews"
    run = Command(sample_project, "preview", SAMPLE, "--variant", "all", "--out", str(out))
    run.wait_for("wrote ")  # the first variant's previews; the next one is on its way
    returncode, stderr = run.stop(signum, group=group)
    assert returncode == code, stderr
    assert_clean(stderr)
    assert stderr.splitlines() == [INTERRUPTED]
    names = sorted(path.name for path in out.iterdir())
    assert names and not [name for name in names if name.startswith(".")]
    for path in out.iterdir():
        assert path.name.startswith(f"{SAMPLE}.en.") and path.suffix == ".png", path.name
        with Image.open(path) as image:
            image.verify()  # complete: every chunk there, every CRC right
    run.assert_nothing_left()


def test_ctrl_c_while_eval_runs_exits_130(tmp_path: Path) -> None:
    """CPython 3.11 dies by SIGINT after a KeyboardInterrupt left code run by ``eval``, even
    one handled (cssselect2 compiles each CSS selector so: one Ctrl-C in fifteen, above)."""
    (tmp_path / "interrupted_in_eval.py").write_text(
        "from leafletgen.cli.common import stopped_cleanly\n"
        "with stopped_cleanly():\n"
        "    eval('(_ for _ in ()).throw(KeyboardInterrupt)')\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "interrupted_in_eval"],
        env={**ENV, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 130, run.stderr
    assert run.stderr.splitlines() == [INTERRUPTED]
