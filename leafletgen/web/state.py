"""What the app holds while it runs, handed to the pages and the API on ``app.state.counter``:
the project, how it was started, and the parts made once at start."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from leafletgen.counter import Pharmacy
from leafletgen.project import Project
from leafletgen.web.listing import ListingCache
from leafletgen.web.printer import Printer
from leafletgen.web.security import Sessions

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})
MAX_BODY = 64_000  # a print order is a few hundred bytes; the note is at most 500 characters


@dataclass(frozen=True)
class ServeSettings:
    """How ``leaflet serve`` was started."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    hosts: frozenset[str] = LOCAL_HOSTS  # the names clients may use in Host and Origin
    tokens: frozenset[str] = frozenset()  # API tokens: none, no API
    token_file: Path | None = None
    password_hash: str | None = None  # set: the pages ask staff to sign in
    max_body: int = MAX_BODY
    warm: bool = True  # each renderer prints once at start

    def __repr__(self) -> str:  # never the tokens
        return f"ServeSettings({self.host}:{self.port}, {self.workers} workers)"


@dataclass
class Counter:
    project: Project
    settings: ServeSettings
    pharmacy: Pharmacy | None
    listing: ListingCache
    printer: Printer
    sessions: Sessions = field(default_factory=Sessions)
