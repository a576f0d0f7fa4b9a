"""A writer killed mid-write (issue 14, item 1): `leaflet i18n update` and `compile` on large
catalogs, stopped by SIGKILL or SIGTERM after a random short delay, round after round.

After every round each catalog is, byte for byte, either the old file or the new one, and
complete: Babel reads it and finds the same entries. (update used to rewrite each catalog in
place, so a signal in that window left a 3.7 MB catalog at 769 KB.) SIGTERM leaves no
temporary file; SIGKILL may leave the hidden ``.<name>.<pid>.*.part`` it interrupted (nothing can
remove it in a killed process), which no command reads as a catalog and which the next write of
that file removes.
"""

from __future__ import annotations

import functools
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po

from leafletgen.cli.common import INTERRUPTED
from leafletgen.files import write_atomic
from tests.hostile.test_faults import ENV, assert_clean

ENTRIES = 4000  # about 0.8 MB of catalog per language
LANGUAGES = ("es", "fr", "de")
ROUNDS = 10
DOMAIN = "big"
SECONDS: dict[str, float] = {}  # an uninterrupted run of each command, on this machine


def text(n: int) -> str:
    return f"Paragraph {n}: take this medicine with a full glass of water, {n % 7} times a day."


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=76)
    return out.getvalue()


def write_project(root: Path) -> None:
    """A template and three translated catalogs of ENTRIES messages. The template lost every
    500th message and gained locations: update marks those obsolete and rewrites every entry."""
    template = Catalog(domain=DOMAIN, project="leafletgen", charset="utf-8", fuzzy=False)
    for n in range(ENTRIES):
        if n % 500:
            template.add(text(n), locations=[(f"leaflets/{DOMAIN}.yaml", n + 1)], context=f"p{n}")
    (root / "locales").mkdir(parents=True)
    (root / "locales" / f"{DOMAIN}.pot").write_bytes(po_bytes(template))
    for language in LANGUAGES:
        catalog = Catalog(locale=language, domain=DOMAIN, charset="utf-8", fuzzy=False)
        for n in range(ENTRIES):
            catalog.add(text(n), f"[{language}] {text(n)}", context=f"p{n}")
        path = root / "locales" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        path.parent.mkdir(parents=True)
        path.write_bytes(po_bytes(catalog))


def leaflet(project: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "leafletgen", *args],
        env=ENV,
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def catalogs(project: Path, suffix: str) -> dict[str, bytes]:
    return {
        language: (
            project / "locales" / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"
        ).read_bytes()
        for language in LANGUAGES
    }


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("pristine") / "project"
    write_project(project)
    return project


@pytest.fixture(scope="module")
def versions(
    pristine: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, bytes]]:
    """Every catalog before and after update, and its .mo before and after (compiled from
    each), made by runs nothing interrupted."""
    project = tmp_path_factory.mktemp("reference") / "project"
    shutil.copytree(pristine, project)
    found = {"old.po": catalogs(project, ".po")}
    for command, name in (("compile", "old.mo"), ("update", "new.po"), ("compile", "new.mo")):
        started = time.monotonic()
        run = leaflet(project, "i18n", command)
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr
        found[name] = catalogs(project, name[-3:])
        SECONDS[command] = time.monotonic() - started  # how long a round may take, here
    assert found["old.po"] != found["new.po"] and found["old.mo"] != found["new.mo"]
    return found


@functools.cache
def entries(data: bytes, suffix: str) -> list[tuple[object, object, object]]:
    """What Babel reads in the file (read once per distinct content: rounds repeat)."""
    catalog = read_mo(io.BytesIO(data)) if suffix == ".mo" else read_po(io.BytesIO(data))
    return sorted(((m.context, m.id, m.string) for m in catalog if m.id), key=repr)


def stop_after(run: subprocess.Popen[str], delay: float, signum: int) -> tuple[int, str]:
    time.sleep(delay)
    run.send_signal(signum)  # a no-op if it has finished
    _, stderr = run.communicate(timeout=60)
    return run.returncode, stderr


@pytest.mark.parametrize(
    ("command", "suffix", "before", "after"),
    [
        # The same writer (write_atomic) under both; update's run is twice as long: slow.
        pytest.param("update", ".po", "old.po", "new.po", marks=pytest.mark.slow),
        ("compile", ".mo", "old.mo", "new.mo"),
    ],
    ids=["update", "compile"],
)
def test_killed_writer_leaves_the_old_or_the_new_catalog(
    tmp_path: Path,
    pristine: Path,
    versions: dict[str, dict[str, bytes]],
    command: str,
    suffix: str,
    before: str,
    after: str,
) -> None:
    project = tmp_path / "project"
    shutil.copytree(pristine, project)
    folder = {lang: project / "locales" / lang / "LC_MESSAGES" for lang in LANGUAGES}
    # compile reads the updated catalogs and replaces the .mo of the old ones.
    start = {".po": versions["old.po"], ".mo": versions["old.mo"]}[suffix]
    if suffix == ".mo":
        for lang in LANGUAGES:
            (folder[lang] / f"{DOMAIN}.po").write_bytes(versions["new.po"][lang])
    # The same delays on every run, spread over the command's run: some rounds stop it before
    # it writes, some between two catalogs, some while it writes one.
    rounds = random.Random(14)
    outcomes: list[str] = []
    for n in range(ROUNDS):
        for lang in LANGUAGES:
            (folder[lang] / f"{DOMAIN}{suffix}").write_bytes(start[lang])
        signum = signal.SIGKILL if n % 2 else signal.SIGTERM
        returncode, stderr = stop_after(
            leaflet(project, "i18n", command), rounds.uniform(0.4, 1.0) * SECONDS[command], signum
        )
        assert_clean(stderr)
        left = [p for p in project.rglob("*") if p.name.endswith(".part")]
        if signum == signal.SIGTERM:
            # Finished first (0), stopped in the command (143, one line), or before Python
            # set its handler, in the imports (-15): nothing was being written then.
            assert returncode in (0, 143, -signal.SIGTERM), stderr
            if returncode == 143:
                assert stderr.splitlines() == [INTERRUPTED]
            assert not left
        for path in left:  # SIGKILL: at most the one file it was writing, hidden
            assert path.name.startswith(f".{DOMAIN}{suffix}.")
            path.unlink()
        assert len(left) <= 1
        now = catalogs(project, suffix)
        for lang in LANGUAGES:
            assert now[lang] in (versions[before][lang], versions[after][lang]), (n, lang)
            assert entries(now[lang], suffix) == entries(
                versions[before if now[lang] == versions[before][lang] else after][lang], suffix
            )
        outcomes.append(
            f"{signal.Signals(signum).name}:{returncode}:"
            + "".join("N" if now[lang] == versions[after][lang] else "O" for lang in LANGUAGES)
            + f":{len(left)}part"
        )
    print(command, " ".join(outcomes))


def test_the_next_write_removes_what_a_killed_writer_left(tmp_path: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead, alive = int(gone.stdout), os.getpid()
    target = tmp_path / "messages.po"
    old = time.time() - 3600
    left = {
        "killed": tmp_path / f".messages.po.{dead}.x1.part",
        "running": tmp_path / f".messages.po.{alive}.x2.part",
        "killed-just-now": tmp_path / f".messages.po.{dead}.x3.part",
        "other-file": tmp_path / f".other.po.{dead}.x4.part",
    }
    for name, path in left.items():
        path.write_bytes(b"partial")
        if name != "killed-just-now":
            os.utime(path, (old, old))
    write_atomic(target, b"complete")
    assert target.read_bytes() == b"complete"
    assert {name for name, path in left.items() if path.exists()} == {
        "running",
        "killed-just-now",
        "other-file",
    }
    assert sorted(
        p.name for p in tmp_path.iterdir() if p.name.startswith(".messages.po.")
    ) == sorted(left[name].name for name in ("running", "killed-just-now"))
