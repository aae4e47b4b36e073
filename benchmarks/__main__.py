"""Run every benchmark: ``python -m benchmarks [--quick] [name ...]``.

``python -m benchmarks chart NAME ...`` re-draws ``docs/performance/NAME.svg`` from the
``NAME.json`` a run wrote, without running anything (after a change to the chart's drawing).

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

from . import _chart, _record

SUFFIX = "_bench"
DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs" / "performance"


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


def chart(argv: list[str]) -> int:
    """Re-draw charts from their JSON records."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks chart", description="re-draw NAME.svg from NAME.json"
    )
    parser.add_argument("names", nargs="+", help="records to draw (core, sqlalchemy, ...)")
    parser.add_argument("--directory", type=pathlib.Path, default=DOCS, help=f"default {DOCS}")
    args = parser.parse_args(argv)
    for name in args.names:
        source = args.directory / f"{name}.json"
        if not source.exists():
            parser.error(f"{source} does not exist: run `python -m benchmarks {name}` first")
        target = source.with_suffix(".svg")
        target.write_text(_chart.render(_record.load(source)), encoding="utf-8")
        print(f"written to {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["chart"]:
        return chart(argv[1:])
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
