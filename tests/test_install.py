"""`pip install .` gives a working `leaflet` command with its templates and fonts."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

from tests.conftest import ROOT, SEED
from tests.pdfutil import body_text


def run(*args: str | Path, cwd: Path) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_wheel_installs_into_a_fresh_venv_and_builds(tmp_path: Path) -> None:
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        tmp_path,
        ROOT,
        cwd=tmp_path,
    )
    wheel = next(tmp_path.glob("leafletgen-*.whl"))

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    purelib = Path(
        run(
            venv / "bin" / "python",
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            cwd=tmp_path,
        ).strip()
    )
    # Dependencies come from this environment (a plain path: its .pth files, and so the
    # editable checkout, stay out); leafletgen itself only from the wheel.
    (purelib / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(
        venv / "bin" / "python",
        "-m",
        "pip",
        "install",
        "-q",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=tmp_path,
    )

    where = run(
        venv / "bin" / "python", "-c", "import leafletgen; print(leafletgen.__file__)", cwd=tmp_path
    )
    assert where.startswith(str(venv))
    output = run(
        venv / "bin" / "leaflet",
        "build",
        SEED,
        "--out",
        tmp_path / "out",
        "--format",
        "all",
        cwd=tmp_path,
    )
    assert "PDF/UA-1 pass" in output
    built = tmp_path / "out" / "clonazepam-emotional-effects"
    assert (built / "clonazepam-emotional-effects.en.standard.a4.pdf").stat().st_size > 20_000
    assert (built / "clonazepam-emotional-effects.en.standard.a4.html").is_file()

    # A project of its own, next to the installed tool: its catalogs are the ones that count,
    # and nothing is written inside the installed package.
    clinic = tmp_path / "clinic"
    (clinic / "leaflets").mkdir(parents=True)
    (clinic / "leaflets" / SEED.name).write_bytes(SEED.read_bytes())
    (clinic / "leaflet.toml").write_text('[build]\nout = "site"\n', encoding="utf-8")
    spanish = clinic / "locales" / "es" / "LC_MESSAGES" / SEED.with_suffix(".po").name
    spanish.parent.mkdir(parents=True)
    catalog = (ROOT / "locales" / "es" / "LC_MESSAGES" / SEED.with_suffix(".po").name).read_text(
        "utf-8"
    )
    title = 'msgstr "¿Puede Klonopin hacerle llorar?"'
    assert title in catalog
    spanish.write_text(catalog.replace(title, 'msgstr "¿Klonopin le hace llorar? (clínica)"'))
    package = Path(where.strip()).parent
    before = {p: p.stat().st_mtime_ns for p in package.rglob("*")}
    (clinic / "leaflets" / "sub").mkdir()
    # From a subfolder: the project is found by walking up to its leaflet.toml.
    run(
        venv / "bin" / "leaflet",
        "build",
        SEED.stem,
        "--lang",
        "es",
        cwd=clinic / "leaflets" / "sub",
    )
    pdf = clinic / "site" / SEED.stem / f"{SEED.stem}.es.standard.a4.pdf"
    assert "¿Klonopin le hace llorar? (clínica)" in body_text(pdf)
    for command in ("extract", "update", "compile", "status"):
        run(venv / "bin" / "leaflet", "i18n", command, cwd=clinic)
    assert "(clínica)" in spanish.read_text("utf-8")
    listed = run(venv / "bin" / "leaflet", "list", cwd=clinic)
    assert [line.split()[1] for line in listed.splitlines()] == ["en", "es"]  # its own only
    assert {p: p.stat().st_mtime_ns for p in package.rglob("*")} == before
