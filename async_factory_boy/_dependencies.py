"""Optional drivers: import one, or say which extra installs it.

A backend module (``async_factory_boy.factory.sqlalchemy``, ``.mongo``, ``.django``) and the
persistence adapters need a driver the core does not. Without it Python's bare
``ModuleNotFoundError: No module named 'sqlalchemy'`` leaves the user guessing which package
and which version range to install; :func:`require` raises
:class:`~async_factory_boy.errors.MissingDependencyError` naming the extra instead.
"""

from __future__ import annotations

import importlib

from .errors import MissingDependencyError

__all__ = ["require"]


#: Top-level packages installed by another package's distribution: PyMongo ships ``bson``
#: and ``gridfs``, so a driver that misses ``bson`` misses PyMongo.
_SHIPPED_WITH = {"bson": "pymongo", "gridfs": "pymongo"}


def require(*modules: str, extra: str, needed_by: str) -> None:
    """Import each of ``modules``, or raise :class:`MissingDependencyError` naming ``extra``.

    ``modules`` are the packages ``extra`` installs; ``needed_by`` is what the user reached
    (a module path or a class name), for the message. A missing top-level package among
    ``modules`` is translated, also when a driver misses it on import (Beanie without
    PyMongo, ODMantic without Motor: the same extra installs both). Any other
    ``ImportError``, raised *inside* an installed driver, is a real bug of that install and
    is left as it is.
    """
    provided = {module.partition(".")[0] for module in modules}
    for module in modules:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            missing = exc.name or module
            top = missing.partition(".")[0]
            package = _SHIPPED_WITH.get(top, top)
            if package not in provided:
                raise
            raise MissingDependencyError(
                f"{needed_by} needs {package!r}, which is not installed: "
                f'pip install "async-factory-boy[{extra}]"',
                name=missing,
                extra=extra,
            ) from exc
