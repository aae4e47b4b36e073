"""Run every benchmark: ``python -m benchmarks [--quick] [name ...]``.

Benchmarks are discovered, not listed: every module ``benchmarks/<name>_bench.py`` with a
``main(argv)`` function is one. Names given on the command line select some of them
(``python -m benchmarks sqlalchemy``); every other option (``--quick``, ``--repetitions``)
is forwarded to each benchmark's ``main``.
"""

from __future__ import annotations

import argparse
import importlib
import pathlib
import sys
from collections.abc import Callable

SUFFIX = "_bench"


def discover() -> list[str]:
    """The names of the ``*_bench.py`` modules next to this file, sorted."""
    paths = pathlib.Path(__file__).parent.glob(f"*{SUFFIX}.py")
    return sorted(path.stem.removesuffix(SUFFIX) for path in paths)


def load(name: str) -> Callable[[list[str] | None], None]:
    """Import one benchmark (only when it runs, so one broken module does not stop others)."""
    module = importlib.import_module(f"{__package__ or 'benchmarks'}.{name}{SUFFIX}")
    main = getattr(module, "main", None)
    if not callable(main):
        raise SystemExit(f"benchmarks/{name}{SUFFIX}.py has no main(argv) function")
    return main  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args, forwarded = parser.parse_known_args(argv)
    benchmarks = discover()
    if args.list:
        print("\n".join(benchmarks))
        return 0
    unknown = [name for name in args.names if name not in benchmarks]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(benchmarks)}")
    for name in args.names or benchmarks:
        print(f"== {name} ==", flush=True)
        load(name)(list(forwarded))
    return 0


if __name__ == "__main__":
    sys.exit(main())
