"""Database URLs: which kind of target, whether it is local, and how to print text safely.

A password must never reach the terminal. :class:`Redactor` is the one redaction every line
of output goes through (errors, argparse's usage errors, the prompt, progress, summary). It
hides, wherever they appear in a line:

- the password of anything shaped like a URL's userinfo (``//user:password@host``), also in
  URLs no parser accepts (``://u:pw@h``, ``scheme:/u:pw@h``, ``scheme//u:pw@h``, a space in
  the scheme) and with an unescaped ``@`` in the password;
- the value of any parameter whose name says it is a secret (``password=``, ``sslpassword=``,
  ``passwd``, ``pwd``, ``secret``, ``token``), in query strings, DSNs and dict reprs;
- every password it learnt from the command's arguments and environment, raw and
  percent-encoded, so that a driver message quoting it alone is scrubbed too. A short
  password is only replaced where it stands alone, so ordinary words are never mangled.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, quote_plus, unquote

from .._dependencies import require
from ._errors import SeedError, UsageError
from ._locality import mongo_elsewhere, sql_elsewhere, with_direct_connection

__all__ = ["DEFAULT_URL", "Redactor", "Target", "parse_target"]

DEFAULT_URL = "sqlite+aiosqlite:///./seed.db"
HIDDEN = "***"

_MONGO_SCHEMES = ("mongodb://", "mongodb+srv://")

# ``user:password@`` after a slash, a colon, ``=``, a quote or a space (or at the start); the
# password runs to the last ``@`` before the host, so an unescaped ``@`` in it is hidden too.
_USERINFO = re.compile(
    r"(?:(?<=[:/=\s'\"(,])|^)(?P<user>[^\s/:@'\"]*):(?P<pw>[^\s/'\"]*)@"
    r"(?=[^\s/@'\"]*(?:[/\s'\"?#,)]|$))"
)
_SECRET_NAME = r"[\w.-]*(?:pass|pwd|secret|token)[\w.-]*"
# ``password=...`` in a query string or a DSN.
_NAMED_VALUE = re.compile(
    rf"(?i)(?P<key>(?<![\w.-]){_SECRET_NAME}\s*=\s*)"
    r"(?P<val>'[^']*'|\"[^\"]*\"|[^&\s'\",;)]*[^&\s'\",;):])"
)
# ``'password': '...'`` in the repr of a dict of connection arguments.
_NAMED_ITEM = re.compile(
    rf"(?i)(?P<key>['\"]{_SECRET_NAME}['\"]\s*:\s*)(?P<val>'[^']*'|\"[^\"]*\"|[^,}}\s]+)"
)
_LONG_SECRET = 8  # replaced anywhere; shorter ones only where they stand alone


class Redactor:
    """The one redaction of the seed command's output (see the module docstring)."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def learn(self, texts: Iterable[str]) -> None:
        """Remember the passwords found in ``texts`` (arguments, the URL variable)."""
        for text in texts:
            for match in _USERINFO.finditer(text):
                self.add(match["pw"])
            for match in _NAMED_VALUE.finditer(text):
                self.add(match["val"].strip("'\""))

    def add(self, password: str | None) -> None:
        """Remember ``password`` (and its percent-encoded forms)."""
        if not password:
            return
        forms = {password, unquote(password), quote(password, safe=""), quote_plus(password)}
        new = {form for form in forms if form and form != HIDDEN} - self._secrets
        if new:
            self._secrets |= new
            self._pattern = None

    @property
    def secrets(self) -> frozenset[str]:
        """What it learnt, for tests and for handing on."""
        return frozenset(self._secrets)

    def __call__(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``."""
        text = _USERINFO.sub(lambda m: f"{m['user']}:{HIDDEN}@", text)
        text = _NAMED_VALUE.sub(lambda m: f"{m['key']}{HIDDEN}", text)
        text = _NAMED_ITEM.sub(lambda m: f"{m['key']}{HIDDEN}", text)
        if self._secrets:
            text = self._compiled().sub(HIDDEN, text)
        return text

    def _compiled(self) -> re.Pattern[str]:
        if self._pattern is None:
            ordered = sorted(self._secrets, key=len, reverse=True)  # a longer form wins
            alternatives = [
                re.escape(s)
                if len(s) >= _LONG_SECRET
                else rf"(?<![A-Za-z0-9]){re.escape(s)}(?![A-Za-z0-9])"
                for s in ordered
            ]
            self._pattern = re.compile("|".join(alternatives))
        return self._pattern


@dataclass(frozen=True)
class Target:
    """Where the seed writes.

    Attributes:
        kind: ``"sql"`` (a SQLAlchemy async URL) or ``"mongo"`` (a ``mongodb://`` URI).
        url: the URL as given, password included: hand it to the driver only.
        display: the URL with its password replaced by ``***``.
        local: the driver can only reach a loopback host or a socket path (or SQLite):
            safe to write without asking (see :mod:`._locality`).
        database: the Mongo database name (``None`` for SQL).
        hint: advice to add when the driver cannot be loaded (a SQL URL that names no
            driver: name an async one), or ``""``.
        elsewhere: why a target that is not local may reach another machine, for the
            refusal's message, or ``""``.
    """

    kind: Literal["sql", "mongo"]
    url: str
    display: str
    local: bool
    database: str | None
    hint: str = ""
    elsewhere: str = ""


def parse_target(url: str, database: str | None, redact: Redactor) -> Target:
    """Check ``url`` (and ``--database``) and describe the target; raise :class:`SeedError`.

    Passwords found in the URL are taught to ``redact``.
    """
    redact.learn([url])
    if not url.strip():
        raise UsageError(
            "--url is empty: pass a SQLAlchemy async URL (e.g. sqlite+aiosqlite:///./seed.db) "
            "or a mongodb:// URI."
        )
    for match in _USERINFO.finditer(url):
        if "@" in match["pw"]:
            raise UsageError(
                f"the password in the URL {redact(url)!r} contains an unescaped '@': "
                "percent-encode it as %40."
            )
    if url.startswith(_MONGO_SCHEMES):
        return _parse_mongo(url, database, redact)
    if database is not None:
        raise UsageError(
            "--database applies to mongodb:// URLs only; a SQL URL names its database itself."
        )
    return _parse_sql(url, redact)


# The async driver to suggest for a URL that names none (or a sync one).
_ASYNC_DRIVERS = {
    "postgresql": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
    "mysql": "mysql+asyncmy",
    "mariadb": "mariadb+asyncmy",
    "mssql": "mssql+aioodbc",
    "oracle": "oracle+oracledb_async",
}


def _parse_sql(url: str, redact: Redactor) -> Target:
    require("sqlalchemy", extra="sqlalchemy", needed_by="the seed command with a SQL --url")
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    display = redact(url)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise UsageError(
            f"invalid database URL {display!r}: {exc}; expected a SQLAlchemy async URL such "
            "as sqlite+aiosqlite:///./seed.db or postgresql+asyncpg://user@host/db"
        ) from None
    redact.add(parsed.password if isinstance(parsed.password, str) else None)
    for name, value in parsed.query.items():
        if re.fullmatch(_SECRET_NAME, name, re.IGNORECASE):
            for item in (value,) if isinstance(value, str) else value:
                redact.add(item)
    display = redact(url)
    suggested = _ASYNC_DRIVERS.get(parsed.get_backend_name())
    example = (
        display.replace(parsed.drivername, suggested, 1)
        if suggested is not None and display.startswith(parsed.drivername)
        else "dialect+driver://..."
    )
    try:
        dialect: Any = _async_dialect(parsed)
    except NoSuchModuleError:
        dialect = None  # an unknown dialect: the engine says so when connecting
    if dialect is not None and not getattr(dialect, "is_async", False):
        raise UsageError(
            f"invalid database URL {display!r}: {parsed.drivername}:// uses {dialect.driver}, "
            f"which is not an async driver; name one, e.g. {example}"
        )
    hint = "" if "+" in parsed.drivername else f"; name an async driver, e.g. {example}"
    elsewhere = sql_elsewhere(parsed, os.environ)
    return Target("sql", url, display, elsewhere is None, None, hint, elsewhere or "")


def _async_dialect(parsed: Any) -> Any:
    """The dialect class ``create_async_engine`` would use for ``parsed``."""
    try:
        return parsed.get_dialect(True)  # the async variant (psycopg's, say)
    except TypeError:  # a SQLAlchemy without the flag
        return parsed.get_dialect()


def _parse_mongo(url: str, database: str | None, redact: Redactor) -> Target:
    display = redact(url)
    try:
        from pymongo.errors import ConfigurationError, InvalidURI
        from pymongo.uri_parser import parse_uri
    except ImportError:
        raise SeedError(
            "a mongodb:// URL needs PyMongo, which is not installed: "
            "pip install 'async-factory-boy[mongo]'"
        ) from None
    if url.startswith("mongodb+srv://"):
        # Resolving an SRV record needs DNS; it is never a local server anyway.
        name = database or _mongo_path_database(url)
        if not name:
            raise UsageError(f"{display} names no database: pass --database NAME.")
        return Target(
            "mongo", url, display, False, name, elsewhere="its hosts come from DNS (SRV records)"
        )
    try:
        parsed = parse_uri(url)
    except (InvalidURI, ConfigurationError, ValueError) as exc:
        raise UsageError(
            redact(
                f"invalid MongoDB URI {display!r}: {exc}; expected mongodb://host:27017 "
                "with --database NAME"
            )
        ) from None
    redact.add(parsed.get("password"))
    display = redact(url)
    name = database or parsed.get("database")
    if not name:
        raise UsageError(f"{display} names no database: pass --database NAME.")
    elsewhere = mongo_elsewhere(parsed.get("nodelist") or [], parsed.get("options") or {})
    if elsewhere is not None:
        return Target("mongo", url, display, False, name, elsewhere=elsewhere)
    # One loopback server: promised only if the driver never follows the hosts it announces.
    return Target("mongo", with_direct_connection(url), display, True, name)


def _mongo_path_database(url: str) -> str | None:
    rest = url.split("://", 1)[1]
    if "/" not in rest:
        return None
    path = rest.split("/", 1)[1].split("?", 1)[0]
    return unquote(path) or None
