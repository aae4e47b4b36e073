"""What the user sees: a progress bar on a terminal, plain lines otherwise, then a summary.

Every line goes through the command's one :class:`~._url.Redactor`, so a password can reach
neither stdout nor stderr, whatever a driver put in its error message.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from typing import TextIO

from ._errors import SeedError

__all__ = ["Output", "report_error"]

_BAR_WIDTH = 28
_LINE_INTERVAL = 1.0  # seconds between plain progress lines


class Output:
    """Progress and summary on stdout, errors on stderr (one line each)."""

    def __init__(
        self,
        redact: Callable[[str], str],
        *,
        quiet: bool = False,
        out: TextIO | None = None,
        err: TextIO | None = None,
    ) -> None:
        self._redact = redact
        self._quiet = quiet
        self._out = out if out is not None else sys.stdout
        self._err = err if err is not None else sys.stderr
        self._tty = self._out.isatty()
        self._last_line = 0.0
        self._bar_open = False

    @property
    def quiet(self) -> bool:
        return self._quiet

    @quiet.setter
    def quiet(self, value: bool) -> None:
        self._quiet = value

    def line(self, text: str) -> None:
        """An informational line (not with ``--quiet``)."""
        if not self._quiet:
            self._end_bar()
            print(self._redact(text), file=self._out, flush=True)

    def error(self, text: str) -> None:
        """``error: ...`` on stderr, always printed."""
        self._end_bar()
        print(self._redact(f"error: {text}"), file=self._err, flush=True)

    def text(self, text: str, *, err: bool = True) -> None:
        """Text as it is (a usage message, a traceback), redacted, always printed."""
        self._end_bar()
        stream = self._err if err else self._out
        stream.write(self._redact(text))
        stream.flush()

    def prompt(self, question: str) -> str:
        """Ask ``question`` on stdout and read the answer ("" at end of input)."""
        self._end_bar()
        print(self._redact(question), end="", file=self._out, flush=True)
        try:
            return input()
        except EOFError:
            return ""

    def progress(self, name: str, done: int, total: int, rows: int, elapsed: float) -> None:
        """Report ``done`` of ``total`` objects of factory ``name`` (and all rows so far)."""
        if self._quiet:
            return
        rate = rows / elapsed if elapsed > 0 else 0.0
        finished = done >= total
        if self._tty:
            filled = _BAR_WIDTH if total == 0 else _BAR_WIDTH * done // total
            bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
            text = f"\r{name} [{bar}] {done:,}/{total:,}  {rate:,.0f} rows/s"
            self._out.write(self._redact(text))
            self._out.flush()
            self._bar_open = True
            if finished:
                self._end_bar()
            return
        now = time.monotonic()
        if finished or now - self._last_line >= _LINE_INTERVAL:
            self._last_line = now
            percent = 100 if total == 0 else 100 * done // total
            self.line(f"{name}: {done:,}/{total:,} ({percent}%), {rate:,.0f} rows/s")

    def summary(self, display: str, counts: Counter[str], elapsed: float, headline: str) -> None:
        """Rows per table or collection, the total, elapsed time and rows per second."""
        if self._quiet:
            return
        total = sum(counts.values())
        rate = total / elapsed if elapsed > 0 else 0.0
        self.line(
            f"{headline} {total:,} rows into {display} in {elapsed:.2f} s ({rate:,.0f} rows/s)"
        )
        width = max((len(name) for name in counts), default=0)
        for name, rows in counts.items():
            self.line(f"  {name:<{width}}  {rows:>12,}")

    def _end_bar(self) -> None:
        if self._bar_open:
            self._out.write("\n")
            self._out.flush()
            self._bar_open = False


def report_error(exc: SeedError, output: Output, *, show_traceback: bool) -> int:
    """Print ``exc`` as one ``error:`` line (its cause's traceback first when
    ``show_traceback``); the exit status, 2."""
    if show_traceback and exc.cause is not None:
        output.text("".join(traceback.format_exception(exc.cause)))
    output.error(str(exc))
    return 2
