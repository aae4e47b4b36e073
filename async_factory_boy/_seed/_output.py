"""What the user sees: progress on stderr (a bar on a terminal, plain lines otherwise), then
a summary on stdout.

Every line goes through the command's one :class:`~._url.Redactor`, so a password can reach
neither stdout nor stderr, whatever a driver put in its error message.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from typing import TextIO

from ._errors import SeedError, UsageError

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "Output", "report_error"]

# The command's exit statuses, argparse's convention: 2 means the command line itself was
# wrong and nothing ran; 1 that a run failed (a factory that cannot be imported, a database
# that cannot be reached, a batch that failed); 130 is Ctrl-C, as a shell reports SIGINT.
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

_BAR_WIDTH = 40  # the widest bar, on a wide terminal
_MIN_BAR_WIDTH = 10  # narrower than this, the line goes without a bar
_LINE_INTERVAL = 1.0  # seconds between plain progress lines


class Output:
    """The summary on stdout; progress and errors (one line each) on stderr."""

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
        self._tty = self._err.isatty()
        self._first_seen: dict[str, tuple[float, int]] = {}  # name: (when, done then)
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
        """Report ``done`` of ``total`` objects of factory ``name`` (and all rows so far).

        On stderr, as pip and tqdm do, so that stdout carries only the result (the summary):
        a bar redrawn in place on a terminal, fitted to its width; a plain line at most
        once a second (and at the end) otherwise, for logs and CI.
        """
        if self._quiet:
            return
        now = time.monotonic()
        since, done_then = self._first_seen.setdefault(name, (now, done))
        rate = rows / elapsed if elapsed > 0 else 0.0
        finished = done >= total
        eta = _eta(total - done, done - done_then, now - since)
        if self._tty:
            width = self._width()
            text = _bar_line(name, done, total, rate, eta, width - 1)
            self._err.write("\r" + self._redact(text).ljust(width - 1))
            self._err.flush()
            self._bar_open = True
            if finished:
                self._end_bar()
            return
        if finished or now - self._last_line >= _LINE_INTERVAL:
            self._last_line = now
            percent = 100 if total == 0 else 100 * done // total
            line = f"{name}: {done:,}/{total:,} ({percent}%), {rate:,.0f} rows/s, ETA {eta}"
            self._end_bar()
            print(self._redact(line), file=self._err, flush=True)

    def _width(self) -> int:
        """The terminal's width: ``$COLUMNS`` if set, else the width of the terminal
        stderr is on (stdout may be redirected to a file), else 80."""
        columns = os.environ.get("COLUMNS", "")
        if columns.isdigit() and int(columns) > 0:
            return int(columns)
        try:
            return os.get_terminal_size(self._err.fileno()).columns
        except (AttributeError, ValueError, OSError):
            return shutil.get_terminal_size((80, 24)).columns

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
            self._err.write("\n")
            self._err.flush()
            self._bar_open = False


def _eta(remaining: int, done: int, seconds: float) -> str:
    """The time left at the rate seen so far (``done`` objects in ``seconds``), as
    ``M:SS`` or ``H:MM:SS``; ``--:--`` before there is a rate to go by."""
    if remaining <= 0:
        return "0:00"
    if done <= 0 or seconds <= 0:
        return "--:--"
    left = round(remaining * seconds / done)
    hours, rest = divmod(left, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def _bar_line(name: str, done: int, total: int, rate: float, eta: str, width: int) -> str:
    """``name [#####-----] done/total  rate rows/s  ETA m:ss`` in at most ``width``
    characters: the bar takes what the rest leaves (up to :data:`_BAR_WIDTH`), and goes
    first when the terminal is too narrow; the name is cut last."""
    counts = f"{done:,}/{total:,}"
    tail = f"  {rate:,.0f} rows/s  ETA {eta}"
    room = width - len(name) - len(counts) - len(tail) - 4  # "name [" + "] "
    if room >= _MIN_BAR_WIDTH:
        filled = min(room, _BAR_WIDTH)
        marks = filled if total == 0 else filled * min(done, total) // total
        return f"{name} [{'#' * marks}{'-' * (filled - marks)}] {counts}{tail}"
    text = f"{name} {counts}{tail}"
    return text if len(text) <= width else text[: max(width, 1)]


def report_error(exc: SeedError, output: Output, *, show_traceback: bool) -> int:
    """Print ``exc`` as one ``error:`` line (its cause's traceback first when
    ``show_traceback``); the exit status: :data:`EXIT_USAGE` for a :class:`UsageError`,
    else :data:`EXIT_FAILED`."""
    if show_traceback and exc.cause is not None:
        output.text("".join(traceback.format_exception(exc.cause)))
    output.error(str(exc))
    return EXIT_USAGE if isinstance(exc, UsageError) else EXIT_FAILED
