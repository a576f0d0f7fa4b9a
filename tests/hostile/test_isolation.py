"""The renderer opens no network connection and reads no file outside the project.

A build of a leaflet full of references to a secret file and to a local HTTP server runs under
strace, which records every file the process opens and every connection it tries, C libraries
(fontconfig, Pango) included. The server must receive nothing, the secret must never be opened,
and every file read must be the project's own, the Python installation's or a system library's.
The project has a theme with a font of its own: fonts come from the package's templates/fonts/
and the project's, and from nowhere else.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import QUICK_FORMATS, ROOT, minimal_leaflet, write_leaflet

# What a build may read besides the project: the interpreter and its packages, the C libraries
# and their own configuration, the system's time zone, locale and MIME tables, and kernel files.
PYTHON = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
SYSTEM = (
    *(str(Path(p).resolve()) for p in PYTHON),
    "/lib/",
    "/lib64/",
    "/usr/lib/",
    "/usr/lib64/",
    "/usr/local/lib/",
    "/usr/share/fontconfig/",  # fontconfig's own rules (hinting, aliases), not fonts
    "/var/cache/fontconfig/",  # fontconfig's cache of the bundled fonts folder
    "/usr/share/zoneinfo/",
    "/usr/share/liblouis/",  # the braille tables liblouis translates with, not content
    "/usr/share/locale/",
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/etc/locale.alias",
    "/etc/mime.types",
    "/etc/ssl/openssl.cnf",  # read by hashlib's OpenSSL
    "/proc/",
    "/sys/",
    "/dev/",
)
FONT_FILE = re.compile(r"\.(ttf|otf|ttc|woff2?|pfb|pcf(\.gz)?)$", re.IGNORECASE)
_OPEN = re.compile(r'^open(?:at2?)?\((?:AT_FDCWD, )?"([^"]+)", ([A-Z_|]+).* = (-?\d+)')
_MKDIR = re.compile(r'^mkdir(?:at)?\((?:AT_FDCWD, )?"([^"]+)".* = 0')
_CONNECT = re.compile(r"^(connect|sendto|sendmsg)\(\d+, \{sa_family=(AF_\w+)")


def test_a_build_reads_only_the_project_and_connects_nowhere(
    tmp_path: Path, trap_server: tuple[str, list[str]]
) -> None:
    url, requests = trap_server
    secret = tmp_path / "secret" / "patient-records.txt"
    secret.parent.mkdir()
    secret.write_text("TOP-SECRET-PATIENT-DATA", encoding="utf-8")
    hostile = [
        f"<img src=file://{secret}>",
        f"<img src={secret}>",
        f'<link rel="stylesheet" href="{url}/evil.css">',
        f'<p style="background: url({url}/bg.png)">styled</p>',
        f"<style>@import url({url}/import.css); @font-face {{ src: url(file://{secret}) }}</style>",
        f"<iframe src={url}/frame></iframe><object data=file://{secret}></object>",
        f"{{% include '{secret}' %}} {{{{ self._TemplateReference__context }}}}",
        f"[a real link]({url}/page)",
    ]
    project = tmp_path / "project"
    leaflets = project / "leaflets"
    leaflets.mkdir(parents=True)
    write_leaflet(
        leaflets,
        minimal_leaflet(
            source={"title": "Source", "url": f"{url}/source"},
            sections=[{"heading": "Text", "blocks": [{"paragraph": text} for text in hostile]}],
        ),
    )
    theme_font = _theme(project)
    profile = project / "pharmacy.yaml"
    profile.write_text(
        yaml.safe_dump({"name": "Pharmacy", "website": f"{url}/pharmacy"}), encoding="utf-8"
    )
    out = project / "output"
    log = tmp_path / "strace.log"
    command = [
        # One log per process (-ff): lines of processes running at once never interleave.
        *("strace", "-ff", "-qq", "-o", str(log)),
        *("-e", "trace=open,openat,openat2,mkdir,mkdirat,connect,sendto,sendmsg"),
        *(
            sys.executable,
            "-m",
            "leafletgen",
            "build",
            "sample",
            "--format",
            ",".join(QUICK_FORMATS),
        ),
        *("--variant", "standard,large-print", "-j", "2", "--pharmacy", str(profile), "--branded"),
        *("--out", str(out)),
    ]
    done = subprocess.run(
        command,
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    built = sorted(out.rglob("sample.*"))
    assert len(built) == 2 * len(QUICK_FORMATS)  # two variants, every quick format

    logs = "\n".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("strace.log.*"))
    opened, created, connections = _trace(logs, project)
    assert requests == []
    assert connections == [], connections
    assert str(secret) not in opened
    for path in built:
        assert b"TOP-SECRET-PATIENT-DATA" not in path.read_bytes()

    allowed = (
        str(ROOT / "templates") + "/",
        str(ROOT / "locales") + "/",
        str(ROOT / "leafletgen") + "/",
        str(project) + "/",
        *SYSTEM,
    )
    own = (*allowed, *(f"{path}/" for path in created))
    foreign = sorted(p for p in opened - created if not p.startswith(own))
    assert foreign == [], foreign
    fonts = sorted(p for p in opened if FONT_FILE.search(p))
    font_dirs = (
        str(ROOT / "templates" / "fonts") + "/",
        str(project / "templates" / "fonts") + "/",
    )
    assert fonts and all(p.startswith(font_dirs) for p in fonts), fonts
    assert str(theme_font.resolve()) in fonts


def _theme(project: Path) -> Path:
    """A theme's stylesheet that sets a line in a font of the project's own."""
    font = project / "templates" / "fonts" / "ThemeSans-Regular.ttf"
    font.parent.mkdir(parents=True)
    shutil.copy(ROOT / "templates" / "fonts" / "NotoSans-Regular.ttf", font)
    css = project / "templates" / "css" / "theme.css"
    css.parent.mkdir()
    css.write_text(
        '@font-face { font-family: "Theme Sans"; src: url("../fonts/ThemeSans-Regular.ttf"); }\n'
        'h1 { font-family: "Theme Sans"; }\n',
        encoding="utf-8",
    )
    (project / "leaflet.toml").write_text('[theme]\nextra_css = ["css/theme.css"]\n', "utf-8")
    return font


def _trace(log: str, cwd: Path) -> tuple[set[str], set[str], list[str]]:
    """Files opened successfully and files the build created itself (absolute, resolved:
    a symbolic link is judged by where it leads), and network connections tried."""
    opened: set[str] = set()
    created: set[str] = set()  # the renderer's temporary files: its own, not the machine's
    connections = []
    for line in log.splitlines():
        if match := _OPEN.match(line):
            # A folder opened to list its names (O_DIRECTORY) reads no file.
            if int(match[3]) >= 0 and "O_DIRECTORY" not in match[2]:
                path = str((cwd / match[1]).resolve())
                opened.add(path)
                if "O_CREAT" in match[2]:
                    created.add(path)
        elif match := _MKDIR.match(line):
            created.add(str((cwd / match[1]).resolve()))
        elif (match := _CONNECT.match(line)) and match[2] != "AF_UNIX":
            connections.append(line)
    return opened, created, connections
