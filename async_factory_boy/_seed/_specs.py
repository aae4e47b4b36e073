"""``package.module:FactoryClass[=COUNT]``: parse it, import it, check it is an async factory."""

from __future__ import annotations

import importlib
import re
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


def load_factory(spec: FactorySpec) -> type[AsyncFactory[Any]]:
    """Import the factory ``spec`` names and check that the seed command can use it."""
    try:
        module = importlib.import_module(spec.module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and spec.module.startswith(exc.name):
            raise SeedError(
                f"cannot import {spec.module!r} (from {spec.path!r}): no module named "
                f"{exc.name!r}; check the name and that it is importable from the current "
                "directory or PYTHONPATH."
            ) from None
        raise SeedError(f"importing {spec.module!r} failed: {one_line(exc)}") from None
    except Exception as exc:  # the module itself is broken: say so in one line
        raise SeedError(f"importing {spec.module!r} failed: {one_line(exc)}") from None
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
