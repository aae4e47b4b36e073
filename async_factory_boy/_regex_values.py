"""Strings matching a regular expression, for ``auto_fields`` on pydantic ``pattern=`` fields.

A small generator over Python's own regex parser: literals, character classes and ranges,
``\\d`` / ``\\w`` / ``\\s``, ``.``, groups, alternation and bounded repeats (an unbounded repeat
takes at most a few extra items). Anchors are satisfied by construction. Lookarounds and
backreferences have no generator: the pattern is refused, and the field must be declared.
Randomness comes from factory_boy's own random, so ``reseed_random`` replays the values.
"""

from __future__ import annotations

import re
import string
from typing import Any

try:  # Python 3.11+
    from re import _constants as constants  # type: ignore[attr-defined]  # re's private parser modules have no stubs
    from re import _parser as parser  # type: ignore[attr-defined]  # re's private parser modules have no stubs
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as constants
    import sre_parse as parser

from ._compat import randgen
from .errors import AsyncFactoryError

__all__ = ["UnsupportedPattern", "matching_string"]

_CATEGORIES = {
    constants.CATEGORY_DIGIT: string.digits,
    constants.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    constants.CATEGORY_SPACE: " ",
    constants.CATEGORY_NOT_DIGIT: string.ascii_letters,
    constants.CATEGORY_NOT_WORD: " -.",
    constants.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits,
}
_PRINTABLE = string.ascii_letters + string.digits
_EXTRA_REPEATS = 3


class UnsupportedPattern(AsyncFactoryError, ValueError):
    """The pattern uses a construct the generator cannot satisfy."""


def matching_string(pattern: str) -> str:
    """A random string that ``re.fullmatch(pattern, value)`` accepts."""
    value = "".join(_emit(parser.parse(pattern)))
    if re.search(pattern, value) is None:
        raise UnsupportedPattern(pattern)
    return value


def _choice(options: str) -> str:
    return options[randgen.randrange(len(options))]


def _class(items: list[tuple[Any, Any]]) -> str:
    allowed: list[str] = []
    negate = False
    for op, arg in items:
        if op is constants.NEGATE:
            negate = True
        elif op is constants.LITERAL:
            allowed.append(chr(arg))
        elif op is constants.RANGE:
            allowed.extend(chr(code) for code in range(arg[0], arg[1] + 1))
        elif op is constants.CATEGORY:
            allowed.extend(_CATEGORIES.get(arg, ""))
        else:
            raise UnsupportedPattern(str(op))
    if negate:
        allowed = [char for char in _PRINTABLE if char not in allowed]
    if not allowed:
        raise UnsupportedPattern("an empty character class")
    return _choice("".join(allowed))


def _emit(parsed: Any) -> list[str]:
    out: list[str] = []
    for op, arg in parsed:
        if op is constants.LITERAL:
            out.append(chr(arg))
        elif op is constants.NOT_LITERAL:
            out.append(_choice("".join(c for c in _PRINTABLE if c != chr(arg))))
        elif op is constants.ANY:
            out.append(_choice(_PRINTABLE))
        elif op is constants.IN:
            out.append(_class(arg))
        elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT):
            low, high, item = arg
            if high is constants.MAXREPEAT:
                high = low + _EXTRA_REPEATS
            for _ in range(randgen.randint(low, high)):
                out.extend(_emit(item))
        elif op is constants.SUBPATTERN:
            out.extend(_emit(arg[-1]))
        elif op is constants.BRANCH:
            branches = arg[1]
            out.extend(_emit(branches[randgen.randrange(len(branches))]))
        elif op is constants.AT:
            continue  # ^, $, \b: the value is built whole
        else:
            raise UnsupportedPattern(str(op))
    return out
