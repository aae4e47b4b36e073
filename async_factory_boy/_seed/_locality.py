"""Whether a seed target is local: decided from where the driver will really connect.

The seed command writes to a local database without asking, anywhere else only with
``--yes`` (or a confirmation). "Local" is a promise about the network, so it is decided the
way the driver will connect, not from the URL's text alone:

- A loopback host is ``localhost``, an address in 127.0.0.0/8 or ``::1``. Not
  ``*.localhost``: glibc sends such names to DNS like any other name.
- A SQL URL that names no host is local only when nothing else can choose one: libpq and
  asyncpg read ``PGHOST``, ``PGHOSTADDR``, ``PGSERVICE`` (a service file, also
  ``PGSERVICEFILE``) and take ``?dsn=`` / ``?service=``; the MySQL drivers read option
  files (``?read_default_file=``, ``?read_default_group=``) and the MySQL clients
  ``MYSQL_HOST``. ``PGHOSTADDR`` and a service apply even when the URL names a host (libpq
  connects to ``hostaddr`` rather than ``host``), so they always need ``--yes``. Other
  dialects (ODBC data sources, Oracle's TNS names) resolve a host-less URL through
  configuration this command cannot read: not local.
- A MongoDB seed list names the servers the driver *starts* from: a replica set member
  announces the others, and the driver connects to those too. Only one loopback server
  without ``replicaSet`` can be promised, and only when the driver is told to talk to it
  alone: the command then connects with ``directConnection=true``. ``mongodb+srv://``
  (hosts from DNS), several servers (even all loopback) and ``replicaSet=`` are not local.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["is_local_host", "mongo_elsewhere", "sql_elsewhere", "with_direct_connection"]

# PostgreSQL: what libpq / asyncpg read besides the URL's host.
_PG_ENV_ALWAYS = ("PGHOSTADDR", "PGSERVICE")  # they apply even when the URL names a host
_PG_ENV_HOSTLESS = ("PGHOST", "PGSERVICEFILE")
_PG_QUERY_ALWAYS = ("dsn", "service")
# MySQL / MariaDB: what the drivers read when the URL names no host.
_MYSQL_ENV_HOSTLESS = ("MYSQL_HOST",)
_MYSQL_QUERY_HOSTLESS = ("read_default_file", "read_default_group")
# Query parameters that name a host (or a socket) the driver connects to.
_HOST_PARAMETERS = ("host", "hostaddr", "unix_socket", "unix_sock")


def is_loopback(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 or ``::1`` (not ``*.localhost``: see the module doc)."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_local_host(entry: str) -> bool:
    """A loopback host (with or without a port), or a socket path given as a path."""
    entry = entry.strip()
    if entry.startswith("/"):
        return True
    if entry.startswith("["):  # [::1]:5432
        return is_loopback(entry[1 : entry.find("]")] if "]" in entry else entry)
    if entry.count(":") == 1:  # host:port
        entry = entry.split(":", 1)[0]
    return bool(entry) and is_loopback(entry)


def _values(query: Mapping[str, Any], key: str) -> list[str]:
    found = query.get(key)
    return [] if found is None else [found] if isinstance(found, str) else list(found)


def sql_elsewhere(parsed: Any, environ: Mapping[str, str]) -> str | None:
    """Why the SQL URL ``parsed`` (a SQLAlchemy ``URL``) may reach a non-local server, or
    ``None`` when it is local. ``environ`` is the environment the driver will read."""
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return None
    query = parsed.query
    hosts = [parsed.host] if parsed.host else []
    for key in _HOST_PARAMETERS:
        for item in _values(query, key):
            hosts.extend(item.split(","))
    far = [host for host in hosts if not is_local_host(host)]
    if far:
        return f"it names the host {far[0].strip()!r}, which is not a loopback host"
    named = bool(parsed.host) or any(_values(query, key) for key in ("host", "hostaddr"))
    if backend == "postgresql":
        reason = _pg_elsewhere(parsed, query, environ, named)
    elif backend in ("mysql", "mariadb"):
        reason = _mysql_elsewhere(query, environ, named)
    elif not named:
        reason = f"it names no host, and {backend}'s driver may choose one from its own settings"
    else:
        reason = None
    return reason


def _pg_elsewhere(
    parsed: Any, query: Mapping[str, Any], environ: Mapping[str, str], named: bool
) -> str | None:
    for key in _PG_QUERY_ALWAYS:
        if _values(query, key):
            return f"its ?{key}= can point the driver at any host"
    database = parsed.database or ""
    if "=" in database or "://" in database:
        return "its database name is a connection string, which can name any host"
    variables = _PG_ENV_ALWAYS if named else _PG_ENV_ALWAYS + _PG_ENV_HOSTLESS
    return _set_variable(variables, environ, "the PostgreSQL drivers read it")


def _mysql_elsewhere(
    query: Mapping[str, Any], environ: Mapping[str, str], named: bool
) -> str | None:
    if named:
        return None  # the drivers take a host the URL names over their option files
    for key in _MYSQL_QUERY_HOSTLESS:
        if _values(query, key):
            return f"it names no host, and its ?{key}= option file can name any host"
    return _set_variable(_MYSQL_ENV_HOSTLESS, environ, "the MySQL clients read it")


def _set_variable(names: Sequence[str], environ: Mapping[str, str], who: str) -> str | None:
    for name in names:
        if environ.get(name):
            return f"{name} is set in the environment and {who} to choose the server"
    return None


def mongo_elsewhere(nodes: Sequence[tuple[str, int]], options: Mapping[str, Any]) -> str | None:
    """Why a ``mongodb://`` URI with seed list ``nodes`` and ``options`` (PyMongo's parse)
    may reach a non-local server, or ``None`` (see the module doc)."""
    options = {key.lower(): value for key, value in options.items()}
    far = [host for host, _ in nodes if not is_local_host(host)]
    if far:
        return f"it names the host {far[0]!r}, which is not a loopback host"
    if len(nodes) != 1:
        return (
            "it names several servers: a replica set's members announce others, which the "
            "seed list cannot vouch for"
        )
    if options.get("replicaset"):
        return (
            "it names a replica set, whose members announce others the seed list cannot vouch for"
        )
    if options.get("directconnection") is False:
        return "directConnection=false lets the driver follow the hosts the server announces"
    return None


def with_direct_connection(url: str) -> str:
    """``url`` with ``directConnection=true``, so the driver talks to its one server only."""
    if "directconnection=" in url.lower():
        return url
    base, hash_sign, fragment = url.partition("#")
    if "?" in base:
        base += "&directConnection=true"
    elif "/" in base.split("://", 1)[1]:
        base += "?directConnection=true"
    else:
        base += "/?directConnection=true"
    return base + hash_sign + fragment
