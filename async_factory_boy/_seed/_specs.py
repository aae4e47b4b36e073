"""``package.module:FactoryClass[=COUNT]``: parse it, import it, check it is an async factory."""

from __future__ import annotations

import importlib
import os
import re
import sys
import traceback
from dataclasses import dataclass
from typing import Any

from ..factory import AsyncFactory
from ._errors import SeedError, one_line

__all__ = ["FactorySpec", "load_factory", "parse_spec"]

_SPEC = re.compile(r"^(?P<module>[A-Za-z_][\w.]*):(?P<attr>[A-Za-z_][\w.]*)(?:=(?P<count>[^=]*))?$")


@dataclass(frozen=True)
class FactorySpec:
    """One FACTORY argument: where the factory lives and, optionally, how many to make."""

    text: str
    module: str
    attr: str
    count: int | None

    @property
    def path(self) -> str:
        """``module:Attr`` without the count, as users wrote it."""
        return f"{self.module}:{self.attr}"


def parse_spec(text: str) -> FactorySpec:
    """Parse ``package.module:FactoryClass`` or ``package.module:FactoryClass=500``."""
    match = _SPEC.match(text.strip())
    if match is None:
        raise SeedError(
            f"invalid factory {text!r}: expected package.module:FactoryClass, optionally "
            "with a count (package.module:FactoryClass=500)."
        )
    count: int | None = None
    if match["count"] is not None:
        try:
            count = int(match["count"])
        except ValueError:
            raise SeedError(
                f"invalid count in {text!r}: {match['count']!r} is not a whole number."
            ) from None
        if count < 0:
            raise SeedError(f"invalid count in {text!r}: the count must be 0 or more.")
    return FactorySpec(text=text, module=match["module"], attr=match["attr"], count=count)


def _shown_path(filename: str) -> str:
    """``filename`` relative to the current directory when it lies inside it."""
    try:
        relative = os.path.relpath(filename)
    except ValueError:  # another drive (Windows)
        return filename
    return filename if relative.startswith(os.pardir) else relative


def _library_file(filename: str) -> bool:
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    return (
        filename.startswith("<")
        or "site-packages" in filename
        or any(filename.startswith(os.path.join(prefix, "lib")) for prefix in prefixes)
    )


def where(exc: BaseException) -> str:
    """``file:line`` of the user's code that raised ``exc`` while importing, or ``""``.

    A SyntaxError names its own place. Otherwise the deepest frame of the traceback in the
    user's files (not Python's import machinery, not an installed library) is the line to
    look at; failing that, the deepest frame.
    """
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{_shown_path(exc.filename)}:{exc.lineno or 0}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "importlib" not in f.filename]
    own = [f for f in frames if not _library_file(f.filename)]
    chosen = own or frames
    if not chosen:
        return ""
    return f"{_shown_path(chosen[-1].filename)}:{chosen[-1].lineno}"


def _import_failed(spec: FactorySpec, exc: BaseException) -> SeedError:
    place = where(exc)
    prefix = f"{place}: " if place else ""
    return SeedError(
        f"importing {spec.module!r} failed: {prefix}{one_line(exc)} "
        "(--traceback shows the whole traceback)",
        cause=exc,
    )


def load_factory(spec: FactorySpec) -> type[AsyncFactory[Any]]:
    """Import the factory ``spec`` names and check that the seed command can use it."""
    try:
        module = importlib.import_module(spec.module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (
            spec.module == exc.name or spec.module.startswith(exc.name + ".")
        ):
            raise SeedError(
                f"cannot import {spec.module!r} (from {spec.path!r}): no module named "
                f"{exc.name!r}; check the name and that it is importable from the current "
                "directory or PYTHONPATH."
            ) from None
        raise _import_failed(spec, exc) from None
    except Exception as exc:  # the module itself is broken: where, and what
        raise _import_failed(spec, exc) from None
    value: Any = module
    for part in spec.attr.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            raise SeedError(
                f"module {spec.module!r} has no attribute {spec.attr!r}; check the factory "
                "class name."
            ) from None
    if not isinstance(value, type) or not issubclass(value, AsyncFactory):
        kind = f"the class {value.__name__}" if isinstance(value, type) else repr(value)[:60]
        raise SeedError(
            f"{spec.path} is {kind}, not an async factory: the seed command takes "
            "subclasses of async_factory_boy.AsyncFactory (e.g. AsyncSQLAlchemyModelFactory)."
        )
    if value._meta.abstract:
        raise SeedError(
            f"{spec.path} is an abstract factory (no Meta.model); name a concrete factory."
        )
    return value
