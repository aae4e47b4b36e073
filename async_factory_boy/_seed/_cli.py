"""The command line: ``async-factory-boy seed FACTORY [FACTORY ...] [options]``."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from .. import __version__
from ._batches import Shard, parse_shard
from ._determinism import DEFAULT_STRIDE
from ._errors import SeedError

if TYPE_CHECKING:
    from _typeshed import SupportsWrite
from ._specs import FactorySpec, parse_spec
from ._url import DEFAULT_URL

__all__ = ["URL_VARIABLE", "SeedOptions", "StatusOptions", "parse_args"]

URL_VARIABLE = "ASYNC_FACTORY_BOY_URL"
_STATUS_COMMAND = "seed status"
DEFAULT_COUNT = 100
DEFAULT_BATCH_SIZE = 1000


@dataclass(frozen=True)
class SeedOptions:
    """The checked arguments of one ``seed`` run."""

    factories: tuple[FactorySpec, ...]
    count: int
    url: str
    database: str | None
    create_tables: bool
    batch_size: int
    seed: int | None
    quiet: bool
    yes: bool
    traceback: bool = False
    copy: bool = True
    shard: Shard | None = None
    workers: int = 1
    resume: bool = False
    run_id: str | None = None
    sequence_stride: int = DEFAULT_STRIDE


@dataclass(frozen=True)
class StatusOptions:
    """The checked arguments of ``seed status``."""

    url: str
    database: str | None
    run_id: str | None
    traceback: bool = False
    quiet: bool = False


_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")


def _run_id(text: str | None) -> str | None:
    if text is not None and not _RUN_ID.match(text):
        raise SeedError(
            f"--run-id must be 1 to 200 letters, digits, '.', '_', ':' or '-' (starting "
            f"with a letter or digit), got {text!r}."
        )
    return text


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one ``error:`` line and exit status 2 (no usage dump),
    and everything it prints (``--help``) goes through the command's redaction."""

    redact: Callable[[str], str] = staticmethod(lambda text: text)

    def error(self, message: str) -> NoReturn:
        raise SeedError(message)

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:
            super()._print_message(self.redact(message), file)


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's, but a command's help stays on its line: argparse measures the commands'
    names without the indentation it then prints them with, so the longest ('seed status')
    would push its help onto a line of its own."""

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            for subaction in self._iter_indented_subactions(action):
                length = len(self._format_action_invocation(subaction)) + self._current_indent
                self._action_max_length = max(self._action_max_length, length)


def _parser_class(redact: Callable[[str], str]) -> type[_Parser]:
    return type("Parser", (_Parser,), {"redact": staticmethod(redact)})


def _whole_number(option: str, text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise SeedError(f"{option} must be a whole number, got {text!r}.") from None
    if value < minimum:
        raise SeedError(f"{option} must be {minimum} or more, got {value}.")
    return value


def _parser(redact: Callable[[str], str]) -> _Parser:
    parser_class = _parser_class(redact)
    parser = parser_class(
        prog="async-factory-boy",
        description="Tools for async_factory_boy factories.",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class)
    seed = commands.add_parser(
        "seed",
        help="fill a development database from factories",
        description=(
            "Fill a development database from factories, in batches of one transaction each. "
            "FACTORY is package.module:FactoryClass, optionally with its own count "
            "(package.module:PostFactory=500)."
        ),
    )
    # Listed in the main help only: ``seed status`` is two words, so parse_args hands it to
    # its own parser before this one sees it.
    commands.add_parser(_STATUS_COMMAND, help="show the progress records of seed runs")
    seed.add_argument("factories", nargs="+", metavar="FACTORY")
    seed.add_argument(
        "-n",
        "--count",
        default=str(DEFAULT_COUNT),
        metavar="N",
        help=f"objects per factory without its own count (default {DEFAULT_COUNT})",
    )
    seed.add_argument(
        "--url",
        default=None,
        help=(
            f"SQLAlchemy async URL or mongodb:// URI (default: ${URL_VARIABLE}, else {DEFAULT_URL})"
        ),
    )
    seed.add_argument("--database", default=None, help="database name for a mongodb:// URI")
    seed.add_argument(
        "--create-tables",
        action="store_true",
        help="create the models' tables from their metadata first (existing tables stay)",
    )
    seed.add_argument(
        "--batch-size",
        default=str(DEFAULT_BATCH_SIZE),
        metavar="N",
        help=f"objects per batch; one transaction each (default {DEFAULT_BATCH_SIZE})",
    )
    seed.add_argument("--seed", default=None, metavar="N", help="random seed: same N, same data")
    seed.add_argument(
        "--shard",
        default=None,
        metavar="I/N",
        help="write only shard I of N (numbered from 0): every N-th batch, starting at batch I",
    )
    seed.add_argument(
        "--workers",
        default="1",
        metavar="N",
        help="write with N processes on this machine, each its own batches (default 1)",
    )
    seed.add_argument(
        "--resume",
        action="store_true",
        help="skip the batches of this run already committed (see 'seed status')",
    )
    seed.add_argument(
        "--run-id",
        default=None,
        metavar="NAME",
        help="the run's name in the progress records (default: derived from the factories, "
        "counts, batch size and seed)",
    )
    seed.add_argument(
        "--sequence-stride",
        default=str(DEFAULT_STRIDE),
        metavar="N",
        help="sequence numbers set aside per object for the factories it reaches "
        f"(default {DEFAULT_STRIDE})",
    )
    seed.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    seed.add_argument(
        "-y",
        "--yes",
        action="store_true",
        help="write to a database that is not local without asking",
    )
    seed.add_argument(
        "--no-copy",
        action="store_true",
        help="on PostgreSQL, write with INSERT instead of COPY (to debug a difference)",
    )
    seed.add_argument(
        "--traceback",
        action="store_true",
        help="on an error, also print the whole traceback of its cause",
    )
    return parser


def _status_parser(redact: Callable[[str], str]) -> _Parser:
    parser = _parser_class(redact)(
        prog="async-factory-boy seed status",
        description="Show the progress records of seed runs: per factory, batches done of "
        "all, rows, and whether it is complete.",
    )
    parser.add_argument("--url", default=None, help=f"as for seed (default: ${URL_VARIABLE})")
    parser.add_argument("--database", default=None, help="database name for a mongodb:// URI")
    parser.add_argument("--run-id", default=None, metavar="NAME", help="only this run")
    parser.add_argument("--traceback", action="store_true", help="print the cause's traceback")
    return parser


def _url(given: str | None) -> str:
    # ``--url ''`` is a mistake (an unset shell variable, say), not a request for the default.
    return given if given is not None else os.environ.get(URL_VARIABLE) or DEFAULT_URL


def parse_args(argv: list[str], redact: Callable[[str], str] = str) -> SeedOptions | StatusOptions:
    """Parse and check ``argv``; raise :class:`SeedError` with a one-line message.

    Without a command, the error carries the usage, to be printed before it.
    """
    if argv[:2] == _STATUS_COMMAND.split() or argv[:1] == [_STATUS_COMMAND]:
        rest = argv[1:] if argv[:1] == [_STATUS_COMMAND] else argv[2:]
        status: Any = _status_parser(redact).parse_args(rest)
        return StatusOptions(
            url=_url(status.url),
            database=status.database,
            run_id=_run_id(status.run_id),
            traceback=status.traceback,
        )
    parser = _parser(redact)
    args: Any = parser.parse_args(argv)
    if args.command is None:
        raise SeedError(
            "no command given: try 'async-factory-boy seed --help'.",
            usage=parser.format_help(),
        )
    url = _url(args.url)
    return SeedOptions(
        factories=tuple(parse_spec(text) for text in args.factories),
        count=_whole_number("--count", args.count, 0),
        url=url,
        database=args.database,
        create_tables=args.create_tables,
        batch_size=_whole_number("--batch-size", args.batch_size, 1),
        seed=None if args.seed is None else _whole_number("--seed", args.seed, 0),
        quiet=args.quiet,
        yes=args.yes,
        traceback=args.traceback,
        copy=not args.no_copy,
        shard=None if args.shard is None else parse_shard(args.shard),
        workers=_whole_number("--workers", args.workers, 1),
        resume=args.resume,
        run_id=_run_id(args.run_id),
        sequence_stride=_whole_number("--sequence-stride", args.sequence_stride, 1),
    )
