"""``python -m async_factory_boy`` and the ``async-factory-boy`` console script.

    async-factory-boy seed myapp.factories:PostFactory --count 1000 --create-tables

The implementation lives in :mod:`async_factory_boy._seed`.
"""

from __future__ import annotations

import os
import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); the exit status."""
    from ._seed._cli import URL_VARIABLE, parse_args
    from ._seed._errors import SeedError
    from ._seed._output import Output
    from ._seed._run import EXIT_ERROR, run
    from ._seed._url import secrets_in

    # Factories are named like ``myapp.factories:PostFactory``, relative to the project the
    # command runs in, as ``python -m`` would find them; a console script needs this.
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    arguments = sys.argv[1:] if argv is None else list(argv)
    secrets = secrets_in([*arguments, os.environ.get(URL_VARIABLE, "")])

    def redact(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, "***")
        return text

    try:
        options = parse_args(arguments)
    except SeedError as exc:
        Output(redact).error(str(exc))
        return EXIT_ERROR
    return run(options, Output(redact, quiet=options.quiet))


if __name__ == "__main__":
    sys.exit(main())
