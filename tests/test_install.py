"""The released tool: the wheel installed into a fresh venv outside the checkout, and a
clinic's own project worked with it from start to finish, the package read-only."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from leafletgen.render import FORMATS
from leafletgen.variants import VARIANTS
from tests.conftest import ROOT, SEED
from tests.pdfutil import body_text


def run(*args: str | Path, cwd: Path, ok: bool = True) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert "Traceback" not in result.stderr, result.stderr
    if ok:
        assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    package: Path  # site-packages/leafletgen

    def install(self, *options: str) -> None:
        run(self.venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps",
            "--no-index", *options, self.wheel, cwd=self.venv)  # fmt: skip

    def leaflet(self, *args: str | Path, cwd: Path, ok: bool = True) -> str:
        """`leaflet ARGS` with the installed package mounted read-only (a private mount
        namespace: as root, file modes would not stop a write)."""
        script = 'mount --bind "$PKG" "$PKG" && mount -o remount,bind,ro "$PKG" "$PKG" && exec "$@"'
        return run("unshare", "--mount", "env", f"PKG={self.package}", "sh", "-c", script, "sh",
                   self.venv / "bin" / "leaflet", *args, cwd=cwd, ok=ok)  # fmt: skip


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    folder = tmp_path_factory.mktemp("install")
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
        "-w", folder, ROOT, cwd=folder)  # fmt: skip
    wheel = next(folder.glob("leafletgen-*.whl"))
    venv = folder / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=folder)
    purelib = Path(
        run(venv / "bin" / "python", "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=folder).strip()
    )  # fmt: skip
    # Dependencies come from this environment (a plain path: its .pth files, and so the
    # editable checkout, stay out); leafletgen itself only from the wheel.
    (purelib / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = Installed(wheel, venv, purelib / "leafletgen")
    installed.install()
    where = run(venv / "bin" / "python", "-c", "import leafletgen; print(leafletgen.__file__)",
                cwd=folder)  # fmt: skip
    assert where.strip() == str(installed.package / "__init__.py")
    return installed


@pytest.mark.slow  # 30 s: a wheel built and installed, every format built from it
def test_wheel_installs_into_a_fresh_venv_and_builds(installed: Installed, tmp_path: Path) -> None:
    output = installed.leaflet("build", SEED, "--out", tmp_path / "out", "--format", "all",
                               cwd=tmp_path)  # fmt: skip
    assert "PDF/UA-1 pass" in output
    built = tmp_path / "out" / SEED.stem
    assert (built / f"{SEED.stem}.en.standard.a4.pdf").stat().st_size > 20_000
    assert (built / f"{SEED.stem}.en.standard.a4.html").is_file()


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def translate(path: Path) -> None:
    """A stand-in for a translator's work on one catalog, keeping links and placeholders."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    for message in catalog:
        if isinstance(message.id, tuple):
            message.string = tuple(f"ES {message.id[1]}" for _ in range(catalog.num_plurals))
        elif message.id:
            message.string = f"ES {message.id}"
            if (message.context or "").endswith(("|title", "|subtitle")):
                # A translated title names the medicine as {medicine}, never by a brand.
                message.string = message.string.replace("Klonopin", "{medicine}")
    with path.open("wb") as handle:
        write_po(handle, catalog)


@pytest.mark.slow
def test_a_clinic_project_from_init_to_upgrade(installed: Installed, tmp_path: Path) -> None:
    package_before = tree(installed.package)
    clinic = tmp_path / "clinic"
    installed.leaflet("init", clinic, cwd=tmp_path)
    # The shipped samples' translations never appear in the clinic's project.
    listed = installed.leaflet("list", cwd=clinic)
    assert [line.split()[1] for line in listed.splitlines()] == ["en"]

    sub = clinic / "leaflets"  # every command works from a subfolder too
    created = installed.leaflet("new", "my-medicine", cwd=sub)
    assert "Created" in created and (sub / "my-medicine.yaml").is_file()
    refused = installed.leaflet("check", "my-medicine", cwd=sub, ok=False)
    assert "my-medicine.yaml:" in refused  # an empty scaffold: located problems, no traceback
    (sub / "my-medicine.yaml").unlink()
    checked = installed.leaflet("check", SEED.stem, cwd=sub)
    assert "OK" in checked

    built = installed.leaflet("build", "--all", "--variant", "all", "--format", "all", cwd=sub)
    assert f"{len(VARIANTS) * len(FORMATS)} files built" in built
    for command in (["extract"], ["init", "es"]):
        installed.leaflet("i18n", *command, cwd=clinic)
    spanish = clinic / "locales" / "es" / "LC_MESSAGES" / f"{SEED.stem}.po"
    translate(spanish)
    installed.leaflet("i18n", "update", cwd=clinic)
    compiled = installed.leaflet("i18n", "compile", cwd=clinic)
    assert f"wrote locales/es/LC_MESSAGES/{SEED.stem}.mo" in compiled
    installed.leaflet("build", SEED.stem, "--lang", "es", cwd=clinic)
    es_pdf = clinic / "output" / SEED.stem / f"{SEED.stem}.es.standard.a4.pdf"
    spanish_text = body_text(es_pdf)
    assert "ES Can ES clonazepam (ES Klonopin) Make You Cry?" in spanish_text  # {medicine}

    # The clinic's theme: a colour and a footer line, over the package's templates.
    templates = clinic / "templates"
    (templates / "css").mkdir()
    (templates / "css" / "clinic.css").write_text(":root { --accent: #5b2a86; }\n")
    (templates / "leaflet.html.j2").write_text(
        '{% extends "default/leaflet.html.j2" %}\n'
        "{% block about_end %}<p>Riverside Clinic leaflet service</p>{% endblock %}\n"
    )
    toml = clinic / "leaflet.toml"
    settings = toml.read_text()
    assert "# extra_css = []" in settings  # as `leaflet init` wrote it, commented out
    toml.write_text(settings.replace("# extra_css = []", 'extra_css = ["css/clinic.css"]'))
    rebuilt = installed.leaflet("build", "--all", "--variant", "all", "--format", "all",
                                cwd=clinic)  # fmt: skip
    assert (
        f"{len(VARIANTS) * len(FORMATS)} files built" in rebuilt
    )  # the theme is an input: everything is rebuilt
    pdf = clinic / "output" / SEED.stem / f"{SEED.stem}.en.standard.a4.pdf"
    assert "Riverside Clinic leaflet service" in body_text(pdf)
    assert "#5b2a86" in (pdf.with_suffix(".html")).read_text()
    stale = installed.leaflet("check", "--built", cwd=clinic, ok=False)
    assert "stale: the templates, the theme changed since it was built" in stale  # the es PDF
    installed.leaflet("build", SEED.stem, "--lang", "es", cwd=clinic)
    audit = installed.leaflet("check", "--built", cwd=clinic)
    assert f"{len(VARIANTS) + 1} PDFs checked" in audit and "0 failed (0 failed checks)" in audit
    assert tree(installed.package) == package_before  # read-only throughout: never written

    # Upgrade: the same wheel reinstalled changes nothing in the project, and nothing needs
    # building again.
    project_before = tree(clinic)
    installed.install("--force-reinstall")
    assert tree(clinic) == project_before
    again = installed.leaflet("build", "--all", "--variant", "all", "--format", "all",
                              cwd=clinic)  # fmt: skip
    assert f"0 files built, {len(VARIANTS)} up to date" in again
    assert tree(clinic) == project_before
