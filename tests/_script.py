"""Import a script that is not in a package (an example, a tool) as a module, for its tests."""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from types import ModuleType


def load_script(path: pathlib.Path, name: str) -> ModuleType:
    """The module ``path`` defines, registered as ``name`` in ``sys.modules`` (dataclasses
    look their module up there while being built)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
