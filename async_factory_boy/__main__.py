"""``python -m async_factory_boy`` and the ``async-factory-boy`` console script.

    async-factory-boy seed myapp.factories:PostFactory --count 1000 --create-tables
    async-factory-boy --version

The implementation lives in :mod:`async_factory_boy._seed`. Exit status: 0 done, 1 a run
that failed, 2 a command line that was wrong (nothing ran), 130 Ctrl-C.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._seed._output import Output

__all__ = ["main"]

# Here as well as in _seed._output: Ctrl-C may come before that module is imported.
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None, output: Output | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); the exit status.

    ``output`` receives what the command reports (progress, summary, errors) instead of
    stdout and stderr: a subclass of :class:`~async_factory_boy._seed._output.Output` lets a
    scheduler that runs shards in-process (a Dask task, say) forward the progress.
    """
    try:
        return _main(argv, output)
    except KeyboardInterrupt:
        # Ctrl-C before the run's own handler is in place (while importing, parsing, at the
        # prompt): nothing was written yet.
        print("error: interrupted by Ctrl-C; nothing was written.", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED


def _main(argv: list[str] | None, given: Output | None) -> int:
    from ._seed._cli import URL_VARIABLE, StatusOptions, parse_args
    from ._seed._errors import SeedError
    from ._seed._output import EXIT_FAILED, EXIT_USAGE, Output
    from ._seed._url import Redactor
    from .errors import MissingDependencyError

    # Factories are named like ``myapp.factories:PostFactory``, relative to the project the
    # command runs in, as ``python -m`` would find them; a console script needs this.
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    arguments = sys.argv[1:] if argv is None else list(argv)
    redact = Redactor()
    redact.learn([*arguments, os.environ.get(URL_VARIABLE, "")])
    output = Output(redact) if given is None else given
    try:
        options = parse_args(arguments, redact)
    except SeedError as exc:
        if exc.usage:
            output.text(exc.usage + "\n")
        output.error(str(exc))
        return EXIT_USAGE
    output.quiet = options.quiet
    try:
        if isinstance(options, StatusOptions):
            from ._seed._status import status

            return status(options, output, redact)
        from ._seed._run import run

        return run(options, output, redact)
    except MissingDependencyError as exc:
        # A driver the run needs (SQLAlchemy for a SQL URL, say) is not installed: one line
        # naming the extra, not a traceback.
        output.error(str(exc))
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
