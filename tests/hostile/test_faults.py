"""Faults: a read-only output folder, a full disk, Ctrl-C / SIGTERM and a killed worker.

In every case: no partial PDF under its final name and no temporary file left, a manifest that
lists exactly the files on disk with their sha256, a clear message, no traceback, and every
job the fault did not touch still built. The faults are real where the machine allows: the CLI
runs in a private mount namespace on a small or read-only tmpfs (we run as root, where chmod
stops nothing), and signals go to the real processes.
"""

from __future__ import annotations

import errno
import math
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import leafletgen.files
from leafletgen.cli import main
from leafletgen.publish.manifest import Manifest, file_hash
from tests.conftest import ROOT, build_files, minimal_leaflet, write_leaflet

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
LEAFLETS = ("alpha", "beta", "gamma", "delta")
VARIANTS = ("standard", "large-print")


def slow_leaflet(leaflet_id: str) -> dict[str, object]:
    """Still small, but a few tenths of a second to render: time to signal mid-batch."""
    sections = [
        {
            "heading": f"Part {n}",
            "blocks": [{"paragraph": f"Sample medicine, point {k}. " * 25} for k in range(3)],
        }
        for n in range(4)
    ]
    return minimal_leaflet(id=leaflet_id, title=leaflet_id.title(), sections=sections)


@pytest.fixture
def leaflets(tmp_path: Path) -> Path:
    folder = tmp_path / "leaflets"
    folder.mkdir()
    for name in LEAFLETS:
        write_leaflet(folder, minimal_leaflet(id=name, title=name.title()))
    return folder


@pytest.fixture
def slow_leaflets(tmp_path: Path) -> Path:
    folder = tmp_path / "leaflets"
    folder.mkdir()
    for name in LEAFLETS:
        write_leaflet(folder, slow_leaflet(name))
    return folder


def build_args(leaflets: Path, out: Path, *options: str) -> list[str]:
    return [
        "build",
        "--all",
        "--leaflets-dir",
        str(leaflets),
        "--out",
        str(out),
        "--variant",
        ",".join(VARIANTS),
        *options,
    ]


def in_build_order() -> list[tuple[str, str]]:
    """(leaflet, variant) of every job, in the order a serial build runs them."""
    return sorted((n, v) for n in LEAFLETS for v in VARIANTS)


def assert_consistent(out: Path) -> dict[str, dict[str, object]]:
    """No temporary file or empty folder; the manifest (manifest.json and the journal of what
    was committed after it) lists exactly the PDFs on disk, each with its sha256."""
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    assert not [p for p in out.rglob("*") if p.is_dir() and not any(p.iterdir())]
    manifest = Manifest(out).entries
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert sorted(manifest) == on_disk
    for name, entry in manifest.items():
        data = (out / name).read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert entry["sha256"] == file_hash(out / name)
    return manifest


def errors_of(stderr: str) -> list[str]:
    """The lines a command reported as errors (a build also warns about what it made)."""
    return [line for line in stderr.splitlines() if not line.startswith("Warning: ")]


def assert_clean(stderr: str) -> None:
    assert "Traceback" not in stderr and "Exception" not in stderr, stderr


# --- read-only output folder and full disk: a tmpfs in a private mount namespace --------------

# Mounts a tmpfs on $OUT (options $MOUNT), runs each build command given as an argument
# (separated by `--remount-ro`, which makes the tmpfs read-only in between), and copies what is
# left on the tmpfs to $SNAPSHOT: the mount vanishes with the namespace.
NAMESPACE_SCRIPT = """
set -u
mount -t tmpfs -o "$MOUNT" tmpfs "$OUT"
status=0
command=""
run() { "$PY" -m leafletgen $command; status=$?; }
for arg in "$@"; do
    if [ "$arg" = --remount-ro ]; then
        run; command=""; mount -o remount,ro "$OUT"
    else
        command="$command $arg"
    fi
done
run
cp -a "$OUT/." "$SNAPSHOT"
exit $status
"""


def run_on_tmpfs(
    tmp_path: Path, out: Path, mount: str, *commands: list[str]
) -> subprocess.CompletedProcess[str]:
    """Run the CLI commands (space-free arguments) on a tmpfs at ``out``; return the last one's
    result, with ``out`` holding afterwards what was left on the tmpfs."""
    out.mkdir()
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    args = [
        arg for n, command in enumerate(commands) for arg in (["--remount-ro"] * bool(n) + command)
    ]
    result = subprocess.run(
        ["unshare", "--mount", "sh", "-c", NAMESPACE_SCRIPT, "sh", *args],
        env={
            **ENV,
            "OUT": str(out),
            "SNAPSHOT": str(snapshot),
            "MOUNT": mount,
            "PY": sys.executable,
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out.rmdir()  # only ever the empty mount point: everything was written to the tmpfs
    snapshot.rename(out)
    return result


def test_read_only_output_folder_fails_every_job_cleanly(leaflets: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_on_tmpfs(tmp_path, out, "ro", build_args(leaflets, out, "-j", "1"))
    assert result.returncode == 1, result.stderr
    assert_clean(result.stderr)
    assert errors_of(result.stderr) == [
        f"Error: {out}/{n}/{n}.en.{v}.a4.pdf: cannot write: Read-only file system"
        for n, v in in_build_order()
    ]
    assert result.stdout.splitlines()[-1].startswith("0 files built, 0 up to date, 8 failed")
    assert not list(out.iterdir())


def test_manifest_that_cannot_be_saved_loses_no_job_silently(
    leaflets: Path, tmp_path: Path
) -> None:
    """Built once, then the folder turns read-only: a forced rebuild cannot update the
    manifest. Every job says so, and the first build's files and manifest stay as they were."""
    out = tmp_path / "out"
    args = build_args(leaflets, out, "-j", "1")
    result = run_on_tmpfs(tmp_path, out, "size=1m", args, [*args, "--force"])
    assert result.returncode == 1, result.stderr
    assert_clean(result.stderr)
    assert errors_of(result.stderr) == [
        f"Error: {n} (en, {v}): not written: {out}/manifest.journal: cannot write: "
        "Read-only file system"
        for n, v in in_build_order()
    ]
    assert result.stdout.splitlines()[-1].startswith("0 files built, 0 up to date, 8 failed")
    assert len(assert_consistent(out)) == 8


@pytest.fixture(scope="module")
def first_job_pages(tmp_path_factory: pytest.TempPathFactory) -> int:
    """The tmpfs pages the first job's PDFs fill."""
    folder = tmp_path_factory.mktemp("measure")
    source = write_leaflet(folder, minimal_leaflet(id="alpha", title="Alpha"))
    report = build_files([source], folder / "out", variants=VARIANTS)
    return sum(math.ceil(built.path.stat().st_size / 4096) for built in report.built)


def test_disk_full_mid_batch_keeps_the_manifest_true(
    leaflets: Path, tmp_path: Path, first_job_pages: int
) -> None:
    """A tmpfs with room for the first leaflet's PDFs and the journal that lists them, and not
    for the next PDF. (That a PDF which fits is taken back when its journal line does not is
    tested below, where the failure can be placed exactly.)"""
    out = tmp_path / "out"
    size = (first_job_pages + 2) * 4
    result = run_on_tmpfs(tmp_path, out, f"size={size}k", build_args(leaflets, out, "-j", "1"))
    assert result.returncode == 1, result.stderr
    assert_clean(result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert errors[0] == (
        f"Error: {out}/beta/beta.en.large-print.a4.pdf: cannot write: No space left on device"
    )
    assert all(line.endswith(": cannot write: No space left on device") for line in errors)
    manifest = assert_consistent(out)
    assert 1 <= len(manifest) < 8
    summary = result.stdout.splitlines()[-1]
    assert summary.startswith(
        f"{len(manifest)} files built, 0 up to date, {8 - len(manifest)} failed"
    )
    assert len(errors) == 8 - len(manifest)
    # No room either to fold the journal into manifest.json: said, and nothing is lost.
    assert (
        f"Warning: {out}/manifest.json: cannot write: No space left on device (what was built "
        "is listed in manifest.journal" in result.stderr
    ) == (out / "manifest.journal").exists()


def test_disk_full_on_a_pdf_fails_that_job_only(
    leaflets: Path, tmp_path: Path, monkeypatch
) -> None:
    real_replace = os.replace

    def replace(source: str, target: str | Path) -> None:
        if str(target).endswith("beta.en.standard.a4.pdf"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(source, target)

    monkeypatch.setattr(leafletgen.files.os, "replace", replace)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, build_args(leaflets, out, "-j", "1"))
    assert result.exit_code == 1, result.output
    assert_clean(result.output)
    assert (
        f"Error: {out}/beta/beta.en.standard.a4.pdf: cannot write: No space left on device\n"
        in result.output
    )
    assert result.output.splitlines()[-1].startswith("7 files built, 0 up to date, 1 failed")
    assert len(assert_consistent(out)) == 7


def test_disk_full_on_the_manifest_takes_back_that_jobs_files(
    leaflets: Path, tmp_path: Path, monkeypatch
) -> None:
    """The PDF was written, its manifest entry cannot be: the PDF goes, so the manifest stays
    true; the next jobs are still built."""
    real_fsync = os.fsync
    saves = 0

    def fsync(fd: int) -> None:
        nonlocal saves
        if Path(os.readlink(f"/proc/self/fd/{fd}")).name == "manifest.journal":
            saves += 1
            if saves == 2:  # the second job's entry
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(leafletgen.files.os, "fsync", fsync)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, build_args(leaflets, out, "-j", "1"))
    assert result.exit_code == 1, result.output
    assert_clean(result.output)
    assert (
        f"Error: alpha (en, standard): not written: {out}/manifest.journal: cannot write: "
        "No space left on device\n"
    ) in result.output
    assert result.output.splitlines()[-1].startswith("7 files built, 0 up to date, 1 failed")
    manifest = assert_consistent(out)
    assert "alpha/alpha.en.standard.a4.pdf" not in manifest and len(manifest) == 7


# --- signals ---------------------------------------------------------------------------------


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``: {pid: command line}."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (
                (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            )
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found[child] = commands[child]
                frontier.append(child)
    return found


def workers(pid: int) -> dict[int, str]:
    return {p: c for p, c in descendants(pid).items() if "spawn_main" in c}


def alive(pid: int, command: str) -> bool:
    """Still running (not a zombie, and not a new process that reuses the number)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        now = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z" and now == command


def interruptible() -> None:
    """Run in a child before it starts: Ctrl-C stops it as at a terminal, even when the tests
    run in a background job (a shell without job control ignores SIGINT in those, and the
    interpreter then never turns it into KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Build:
    """The CLI in a subprocess, in a session of its own (as a shell runs a job)."""

    def __init__(self, leaflets: Path, out: Path, *options: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "leafletgen", *build_args(leaflets, out, *options)],
            env=ENV,
            cwd=out.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            preexec_fn=interruptible,
        )
        self.seen: dict[int, str] = {}  # every process started below it

    def lines(self) -> Iterator[str]:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.seen |= descendants(self.process.pid)
            yield line

    def wait_for_first_file(self) -> str:
        line = next(self.lines())
        assert line.startswith("wrote "), line
        return line

    def finish(self) -> tuple[int, str, str]:
        """Exit status, the rest of stdout, and stderr."""
        assert self.process.stdout is not None and self.process.stderr is not None
        watchdog = threading.Timer(30, os.killpg, (self.process.pid, signal.SIGKILL))
        watchdog.start()
        try:
            stdout, stderr = self.process.stdout.read(), self.process.stderr.read()
            return self.process.wait(), stdout, stderr
        finally:
            watchdog.cancel()
            self.process.stdout.close()
            self.process.stderr.close()

    def assert_no_process_left(self) -> None:
        deadline = time.monotonic() + 5
        while any(alive(p, c) for p, c in self.seen.items()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not {p: c for p, c in self.seen.items() if alive(p, c)}


@pytest.mark.parametrize(
    ("signum", "jobs", "group", "code"),
    [
        (signal.SIGTERM, "1", False, 143),
        (signal.SIGTERM, "2", False, 143),
        (signal.SIGINT, "2", True, 130),  # Ctrl-C on a terminal: the whole process group
    ],
    ids=["sigterm-serial", "sigterm-workers", "ctrl-c-workers"],
)
def test_signal_mid_batch_stops_in_order(
    slow_leaflets: Path, tmp_path: Path, signum: int, jobs: str, group: bool, code: int
) -> None:
    out = tmp_path / "out"
    run = Build(slow_leaflets, out, "-j", jobs)
    run.wait_for_first_file()
    run.seen |= descendants(run.process.pid)
    if group:
        os.killpg(run.process.pid, signum)
    else:
        run.process.send_signal(signum)
    returncode, _, stderr = run.finish()
    assert returncode == code, stderr
    assert_clean(stderr)
    assert stderr.splitlines()[-1] == (
        "Interrupted: the files written so far are complete and in the manifest."
    )
    manifest = assert_consistent(out)
    assert 1 <= len(manifest) < 8
    run.assert_no_process_left()


def test_killed_worker_its_jobs_are_built_again(slow_leaflets: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = Build(slow_leaflets, out, "-j", "2")
    run.wait_for_first_file()
    victim = next(iter(workers(run.process.pid)))
    os.kill(victim, signal.SIGKILL)
    returncode, stdout, stderr = run.finish()
    assert returncode == 0, stderr
    assert_clean(stderr)
    [warning] = [line for line in stderr.splitlines() if "worker process" in line]
    assert warning.startswith("Warning: a worker process stopped unexpectedly while building ")
    assert warning.endswith(": tried again in a new worker")
    assert stdout.splitlines()[-1].startswith("8 files built, 0 up to date, 0 failed")
    assert len(assert_consistent(out)) == 8
    run.assert_no_process_left()


def test_a_job_that_kills_its_worker_twice_fails_and_the_rest_is_built(
    slow_leaflets: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run = Build(slow_leaflets, out, "-j", "2")
    run.wait_for_first_file()
    first = workers(run.process.pid)
    os.kill(next(iter(first)), signal.SIGKILL)
    deadline = time.monotonic() + 15
    while not (fresh := set(workers(run.process.pid)) - set(first)):
        assert time.monotonic() < deadline, "no new worker started"
        time.sleep(0.02)
    run.seen |= descendants(run.process.pid)
    os.kill(fresh.pop(), signal.SIGKILL)  # still starting: the same jobs are in its pool again
    returncode, stdout, stderr = run.finish()
    assert returncode == 1, stderr
    assert_clean(stderr)
    failed = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert failed and all(
        line.endswith("a worker process stopped unexpectedly while building it, twice")
        for line in failed
    ), stderr
    manifest = assert_consistent(out)
    assert len(manifest) == 8 - len(failed) >= 5
    assert stdout.splitlines()[-1].startswith(f"{len(manifest)} files built, 0 up to date, ")
    run.assert_no_process_left()
