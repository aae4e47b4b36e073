"""Database URLs: which kind of target, whether it is local, and how to print it safely.

A password in the URL must never reach the terminal, so every URL is shown through
:attr:`Target.display` and every line of output goes through :meth:`Target.redact`, which
also scrubs the password (raw and percent-encoded) out of driver error messages.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, quote_plus, unquote

from ._errors import SeedError

__all__ = ["DEFAULT_URL", "Target", "parse_target", "secrets_in"]

DEFAULT_URL = "sqlite+aiosqlite:///./seed.db"

_MONGO_SCHEMES = ("mongodb://", "mongodb+srv://")
_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^:@/]*):(?P<pw>[^@/]*)@")


@dataclass(frozen=True)
class Target:
    """Where the seed writes.

    Attributes:
        kind: ``"sql"`` (a SQLAlchemy async URL) or ``"mongo"`` (a ``mongodb://`` URI).
        url: the URL as given, password included: hand it to the driver only.
        display: the URL with its password replaced by ``***``.
        local: SQLite, a Unix socket or a loopback host: safe to write without asking.
        database: the Mongo database name (``None`` for SQL).
        secrets: strings that must never be printed.
    """

    kind: Literal["sql", "mongo"]
    url: str
    display: str
    local: bool
    database: str | None
    secrets: tuple[str, ...]

    def redact(self, text: str) -> str:
        """``text`` with every secret of the URL replaced by ``***``."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def _secret_forms(password: str | None) -> tuple[str, ...]:
    if not password:
        return ()
    forms = {password, unquote(password), quote(password, safe=""), quote_plus(password)}
    # Longest first, so a form that contains another is replaced whole.
    return tuple(sorted((form for form in forms if form), key=len, reverse=True))


def _is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_socket_path(host: str) -> bool:
    return host.startswith("/") or host.lower().endswith(".sock")


def parse_target(url: str, database: str | None) -> Target:
    """Check ``url`` (and ``--database``) and describe the target; raise :class:`SeedError`."""
    if url.startswith(_MONGO_SCHEMES):
        return _parse_mongo(url, database)
    if database is not None:
        raise SeedError(
            "--database applies to mongodb:// URLs only; a SQL URL names its database itself."
        )
    return _parse_sql(url)


def secrets_in(texts: list[str]) -> tuple[str, ...]:
    """Passwords of anything URL-shaped in ``texts`` (arguments, environment), to redact
    from messages printed before the URL is parsed (a usage error, say)."""
    found: set[str] = set()
    for text in texts:
        found.update(_fallback_secrets(text))
    return tuple(sorted(found, key=len, reverse=True))


def _fallback_display(url: str) -> str:
    """Hide the userinfo's password of a URL the parsers rejected."""
    return _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@", url)


def _fallback_secrets(url: str) -> tuple[str, ...]:
    match = _USERINFO.match(url)
    return _secret_forms(match["pw"]) if match else ()


def _parse_sql(url: str) -> Target:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        shown = Target("sql", url, _fallback_display(url), False, None, _fallback_secrets(url))
        raise SeedError(
            shown.redact(
                f"invalid database URL {shown.display!r}: {exc}; expected a SQLAlchemy async "
                "URL such as sqlite+aiosqlite:///./seed.db or postgresql+asyncpg://user@host/db"
            )
        ) from None
    secrets = _secret_forms(parsed.password if isinstance(parsed.password, str) else None)
    display = parsed.render_as_string(hide_password=True)
    host = parsed.host or ""
    socket = parsed.query.get("host") or parsed.query.get("unix_socket") or ""
    socket_path = socket if isinstance(socket, str) else (socket[0] if socket else "")
    local = (
        parsed.get_backend_name() == "sqlite"
        or _is_socket_path(socket_path)
        or (not host and not socket_path)
        or _is_loopback(host)
        or _is_socket_path(host)
    )
    return Target("sql", url, display, local, None, secrets)


def _parse_mongo(url: str, database: str | None) -> Target:
    from pymongo.errors import ConfigurationError, InvalidURI
    from pymongo.uri_parser import parse_uri

    secrets = _fallback_secrets(url)
    display = _fallback_display(url)
    shown = Target("mongo", url, display, False, database, secrets)
    if url.startswith("mongodb+srv://"):
        # Resolving an SRV record needs DNS; it is never a local server anyway.
        name = database or _mongo_path_database(url)
        if not name:
            raise SeedError(f"{display} names no database: pass --database NAME.")
        return Target("mongo", url, display, False, name, secrets)
    try:
        parsed = parse_uri(url)
    except (InvalidURI, ConfigurationError, ValueError) as exc:
        raise SeedError(
            shown.redact(
                f"invalid MongoDB URI {display!r}: {exc}; expected mongodb://host:27017 "
                "with --database NAME"
            )
        ) from None
    secrets = tuple(sorted({*secrets, *_secret_forms(parsed.get("password"))}, key=len)[::-1])
    name = database or parsed.get("database")
    if not name:
        raise SeedError(f"{display} names no database: pass --database NAME.")
    nodes = parsed.get("nodelist") or []
    local = bool(nodes) and all(_is_loopback(h) or _is_socket_path(h) for h, _ in nodes)
    return Target("mongo", url, display, local, name, secrets)


def _mongo_path_database(url: str) -> str | None:
    rest = url.split("://", 1)[1]
    if "/" not in rest:
        return None
    path = rest.split("/", 1)[1].split("?", 1)[0]
    return unquote(path) or None
