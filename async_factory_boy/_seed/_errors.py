"""The one error type of the seed command: a message for the user."""

from __future__ import annotations

from ..errors import AsyncFactoryError

__all__ = ["SeedError", "UsageError", "one_line"]


class SeedError(AsyncFactoryError):
    """Bad input or a failed run: the command prints ``error: <message>``
    and exits with 2 when the command line was wrong (raised while parsing it), else 1.

    The message is one line that says what was wrong and what to do; it never carries a
    traceback, and it is redacted (no password) before it is printed. ``cause`` is the
    exception behind it, whose traceback ``--traceback`` prints; ``usage`` is printed
    before the line (the command line's usage, when no command was given).
    """

    def __init__(
        self, message: str, *, cause: BaseException | None = None, usage: str | None = None
    ) -> None:
        super().__init__(message)
        self.cause = cause
        self.usage = usage


class UsageError(SeedError):
    """What was typed cannot work, found before anything ran (a URL no driver can parse,
    ``--database`` with a SQL URL): exit status 2, like argparse's own usage errors."""


def one_line(exc: BaseException, limit: int = 300) -> str:
    """``exc`` as one short line: driver errors span lines (SQL, parameters, links)."""
    orig = getattr(exc, "orig", None)  # SQLAlchemy's DBAPIError wraps the driver's error
    source = orig if isinstance(orig, BaseException) else exc
    text = str(source).strip()
    first = text.splitlines()[0].strip() if text else ""
    line = f"{type(source).__name__}: {first}" if first else type(source).__name__
    return line if len(line) <= limit else line[: limit - 3] + "..."
