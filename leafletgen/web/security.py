"""What keeps the counter private: the staff password, API tokens, sessions with their CSRF
tokens, and one ASGI layer that checks every request (Host, Origin, size) and gives every
answer the headers that keep it out of caches and other sites' pages.

The password is stored only as a salted scrypt hash, in the project (``PASSWORD_FILE``,
readable by its owner alone). Sessions and CSRF tokens live in the server's memory and die
with it: nothing about a staff member or a patient is written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from leafletgen.errors import LeafletError
from leafletgen.files import read_bounded, write_atomic
from leafletgen.project import Project

PASSWORD_FILE = ".leaflet-staff-password"
MIN_PASSWORD = 10
MIN_TOKEN = 24  # characters: a token is a secret another program holds, not one a person types
MAX_TOKEN_FILE = 64_000
# scrypt's cost: 16 MiB and a few tens of milliseconds per guess.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}

SESSION_COOKIE = "leaflet_session"
CSRF_FIELD = "csrf_token"
MAX_SESSIONS = 1000

# No inline script or style anywhere: the app's own files only. Preview pages are data: URLs.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# The HTML twin inlines its stylesheets, fonts and images, and has no script at all.
TWIN_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
HEADERS = {
    "cache-control": "no-store",
    "pragma": "no-cache",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # "no-referrer" makes a browser send Origin: null
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


# --- the staff password --------------------------------------------------------------------


def password_path(project: Project) -> Path:
    return project.root / PASSWORD_FILE


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$<salt>$<hash>``, hex: what is stored instead of the password."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return "scrypt${n}${r}${p}$".format(**_SCRYPT) + f"{salt.hex()}${digest.hex()}"


def verify_password(stored: str, password: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.strip().split("$")
        if scheme != "scrypt":
            return False
        given = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
        )
    except ValueError:
        return False
    return hmac.compare_digest(given, bytes.fromhex(digest))


def set_password(project: Project, password: str) -> Path:
    if len(password) < MIN_PASSWORD:
        raise LeafletError(f"the staff password needs at least {MIN_PASSWORD} characters")
    path = password_path(project)
    write_atomic(path, (hash_password(password) + "\n").encode(), mode=0o600)
    return path


def read_password(project: Project) -> str | None:
    """The stored hash, or None when no password is set."""
    path = password_path(project)
    if not path.is_file():
        return None
    if path.stat().st_mode & 0o077:
        raise LeafletError(f"{path}: readable by others: `chmod 600 {path}`, or set it again")
    return read_bounded(path, 1000).decode("ascii", "replace").strip() or None


# --- API tokens ----------------------------------------------------------------------------


def read_tokens(path: Path) -> frozenset[str]:
    """One token per line; blank lines and ``#`` comments are skipped."""
    try:
        text = read_bounded(path, MAX_TOKEN_FILE).decode("utf-8")
    except UnicodeDecodeError:
        raise LeafletError(f"{path}: not UTF-8 text") from None
    tokens = set()
    for number, line in enumerate(text.splitlines(), 1):
        token = line.strip()
        if not token or token.startswith("#"):
            continue
        if len(token) < MIN_TOKEN or any(c.isspace() for c in token):
            raise LeafletError(
                f"{path}:{number}: a token is one word of at least {MIN_TOKEN} characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe(32))' makes one)"
            )
        tokens.add(token)
    if not tokens:
        raise LeafletError(f"{path}: no token in the file")
    return frozenset(tokens)


def has_token(tokens: Iterable[str], authorization: str | None) -> bool:
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    # Compared with every token, in constant time each: no timing tells which one is close.
    return any(hmac.compare_digest(given.strip().encode(), t.encode()) for t in tokens)


# --- sessions and CSRF ---------------------------------------------------------------------


class Sessions:
    """Browser sessions of this server's life: an id in an HttpOnly, SameSite=Strict cookie;
    a form's CSRF token is an HMAC of it, so a page elsewhere cannot make one."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)
        self._signed_in: OrderedDict[str, None] = OrderedDict()

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(32)

    def csrf_token(self, session: str) -> str:
        return hmac.new(self._secret, b"csrf:" + session.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, session: str | None, token: object) -> bool:
        if not session or not isinstance(token, str):
            return False
        return hmac.compare_digest(self.csrf_token(session), token)

    def sign_in(self, session: str) -> None:
        self._signed_in[session] = None
        while len(self._signed_in) > MAX_SESSIONS:
            self._signed_in.popitem(last=False)

    def sign_out(self, session: str | None) -> None:
        self._signed_in.pop(session or "", None)

    def signed_in(self, session: str | None) -> bool:
        return bool(session) and session in self._signed_in


# --- the layer every request passes --------------------------------------------------------

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Guard:
    """Refuses a request for another host name (DNS rebinding), a cross-site POST, or a body
    over ``max_body`` bytes, and adds ``HEADERS`` and the CSP to every answer."""

    app: ASGIApp
    hosts: frozenset[str]  # the names clients reach the server by, lower case
    max_body: int

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _json_error(send, *refusal)
            return
        await self.app(scope, self._bounded(receive), _with_headers(send))

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str, str] | None:
        if _host_name(headers.get("host", "")) not in self.hosts:
            return 421, "Host", "this server does not answer to that name"
        origin = headers.get("origin")
        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and origin is not None:
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or _host_name(parts.netloc) not in self.hosts:
                return 403, "Origin", "a request from another site is refused"
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return 413, "body", f"larger than {self.max_body} bytes"
        return None

    def _bounded(self, receive: Receive) -> Receive:
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:  # a chunked body that said nothing of its length
                raise BodyTooLarge
            return message

        return bounded


class BodyTooLarge(Exception):
    """Raised while a body is read; the app answers 413."""


def _host_name(netloc: str) -> str:
    """``Example.org:8000`` → ``example.org``; ``[::1]:8000`` → ``[::1]``."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        return netloc[: netloc.find("]") + 1]
    return netloc.rsplit(":", 1)[0] if ":" in netloc else netloc


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {k.lower() for k, _ in message.get("headers", [])}
            extra = [
                (k.encode(), v.encode()) for k, v in HEADERS.items() if k.encode() not in present
            ]
            if b"content-security-policy" not in present:
                extra.append((b"content-security-policy", CSP.encode()))
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return sending


def error_body(field: str, message: str) -> bytes:
    """The JSON every refusal answers: ``{"error": {"field": …, "message": …}}``."""
    return json.dumps({"error": {"field": field, "message": message}}).encode()


async def _json_error(send: Send, status: int, field: str, message: str) -> None:
    body = error_body(field, message)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
    headers.append((b"content-security-policy", CSP.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
