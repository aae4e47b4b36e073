"""Count the ``Any`` names in the package's syntax trees, in total and per file.

The measure of issue 23's typing goal: every ``ast.Name`` or ``ast.Attribute`` node named
``Any`` (``Any``, ``typing.Any``) in ``async_factory_boy/**/*.py``, imports excluded (an
``import`` binds a name but is no ``Name`` node). A type alias that holds ``Any`` counts
once, where it is defined.

    python tools/count_any.py [--top N] [PATH ...]
"""

from __future__ import annotations

import argparse
import ast
import pathlib
import sys

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "async_factory_boy"


def count(source: str, filename: str = "<source>") -> int:
    """The ``Any`` names in one module's source."""
    return sum(
        1
        for node in ast.walk(ast.parse(source, filename))
        if (isinstance(node, ast.Name) and node.id == "Any")
        or (isinstance(node, ast.Attribute) and node.attr == "Any")
    )


def per_file(root: pathlib.Path) -> dict[pathlib.Path, int]:
    """Each module under ``root`` (a directory or one file) with its count."""
    paths = [root] if root.is_file() else sorted(root.rglob("*.py"))
    return {path: count(path.read_text(), str(path)) for path in paths}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=pathlib.Path, default=[PACKAGE])
    parser.add_argument("--top", type=int, default=0, help="list only the N largest files")
    args = parser.parse_args(argv)
    counts: dict[pathlib.Path, int] = {}
    for root in args.paths:
        counts.update(per_file(root))
    ranked = sorted(((n, path) for path, n in counts.items() if n), reverse=True)
    for n, path in ranked[: args.top or None]:
        shown = path.relative_to(PACKAGE.parent) if path.is_relative_to(PACKAGE.parent) else path
        print(f"{n:5d}  {shown}")
    print(f"{sum(counts.values()):5d}  total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
