"""`leaflet serve`: the counter web app (leafletgen/web/), on this computer unless told."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from leafletgen.cli.common import pass_project

if TYPE_CHECKING:
    from leafletgen.project import Project


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; another than this computer's needs --token-file and a staff password.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Renderer processes, each warm [default: cores].",
)
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="API tokens, one per line: POST /api/print needs one.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="A name clients reach the server by (checked in Host and Origin)  [default: --host]",
)
@click.option(
    "--set-password",
    is_flag=True,
    help="Set the staff password (asked for; stored only as a salted hash), then stop.",
)
@pass_project
def serve(
    project: Project,
    host: str,
    port: int,
    workers: int | None,
    token_file: Path | None,
    allowed_hosts: tuple[str, ...],
    set_password: bool,
) -> None:
    """Serve the pharmacy counter page and the HTTP API."""
    from leafletgen.web.security import read_password
    from leafletgen.web.security import set_password as store_password

    if set_password:
        password = click.prompt("Staff password", hide_input=True, confirmation_prompt=True)
        path = store_password(project, password)
        click.echo(f"Staff password set (salted scrypt hash in {path}).")
        return
    password_hash = read_password(project)
    local = _loopback(host)
    if not local and (token_file is None or password_hash is None):
        raise click.UsageError(
            f"--host {host} opens the counter to the network: it needs --token-file FILE and a "
            "staff password (`leaflet serve --set-password`)"
        )
    names = {name.lower() for name in allowed_hosts}
    if not names:
        if host in ("0.0.0.0", "::"):
            raise click.UsageError(
                f"--host {host} listens on every address: name the ones clients use with --allowed-host"
            )
        names = {f"[{host}]" if ":" in host else host.lower()}
    _run(project, host, port, workers, token_file, names, password_hash, local)


def _run(
    project: Project,
    host: str,
    port: int,
    workers: int | None,
    token_file: Path | None,
    names: set[str],
    password_hash: str | None,
    local: bool,
) -> None:
    import uvicorn

    from leafletgen.web.app import create_app
    from leafletgen.web.security import read_tokens
    from leafletgen.web.state import LOCAL_HOSTS, ServeSettings

    settings = ServeSettings(
        host=host,
        port=port,
        workers=workers or os.cpu_count() or 1,
        hosts=frozenset(names | (LOCAL_HOSTS if local else set())),
        tokens=read_tokens(token_file) if token_file else frozenset(),
        token_file=token_file,
        password_hash=password_hash,
    )
    app = create_app(project, settings)
    click.echo(
        f"Starting {settings.workers} renderers; the counter will be at http://{host}:{port}/",
        err=True,
    )
    # No access log: a search is a medicine someone asked about; nothing here is for a log.
    uvicorn.run(
        app,
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
        server_header=False,
        timeout_graceful_shutdown=5,
    )
