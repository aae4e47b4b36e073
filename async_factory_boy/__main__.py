"""``python -m async_factory_boy`` and the ``async-factory-boy`` console script.

    async-factory-boy seed myapp.factories:PostFactory --count 1000 --create-tables

The implementation lives in :mod:`async_factory_boy._seed`.
"""

from __future__ import annotations

import os
import sys

__all__ = ["main"]

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); the exit status."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # Ctrl-C before the run's own handler is in place (while importing, parsing, at the
        # prompt): nothing was written yet.
        print("error: interrupted by Ctrl-C; nothing was written.", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED


def _main(argv: list[str] | None) -> int:
    from ._seed._cli import URL_VARIABLE, StatusOptions, parse_args
    from ._seed._errors import SeedError
    from ._seed._output import Output
    from ._seed._run import run
    from ._seed._url import Redactor

    # Factories are named like ``myapp.factories:PostFactory``, relative to the project the
    # command runs in, as ``python -m`` would find them; a console script needs this.
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    arguments = sys.argv[1:] if argv is None else list(argv)
    redact = Redactor()
    redact.learn([*arguments, os.environ.get(URL_VARIABLE, "")])
    output = Output(redact)
    try:
        options = parse_args(arguments, redact)
    except SeedError as exc:
        if exc.usage:
            output.text(exc.usage + "\n")
        output.error(str(exc))
        return EXIT_ERROR
    output.quiet = options.quiet
    if isinstance(options, StatusOptions):
        from ._seed._status import status

        return status(options, output, redact)
    return run(options, output, redact)


if __name__ == "__main__":
    sys.exit(main())
