"""Load async-factory-boy 1.0.1 next to this project, under another module name.

1.0.1's import name (``async_factory_boy``) is ours too, so it cannot simply be installed in
the venv. Its files are installed once into ``benchmarks/.legacy-afb`` (git-ignored) with
``pip install --no-deps --target``, and its SQLAlchemy module is loaded from there with
importlib as ``legacy_async_factory_boy_sqlalchemy``. Nothing on disk is rewritten: that
module imports only factory_boy and SQLAlchemy, never its own package.
"""

from __future__ import annotations

import importlib.util
import pathlib
import subprocess
import sys
from types import ModuleType

VERSION = "1.0.1"
TARGET = pathlib.Path(__file__).parent / ".legacy-afb"
MODULE_NAME = "legacy_async_factory_boy_sqlalchemy"


def _module_path() -> pathlib.Path:
    return TARGET / "async_factory_boy" / "factory" / "sqlalchemy.py"


def install() -> pathlib.Path:
    """Install 1.0.1's files into the private directory if they are not there yet."""
    path = _module_path()
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--target",
                str(TARGET),
                f"async-factory-boy=={VERSION}",
            ],
            check=True,
        )
    return path


def load_sqlalchemy_module() -> ModuleType:
    """1.0.1's ``async_factory_boy.factory.sqlalchemy``, as a module of another name."""
    loaded = sys.modules.get(MODULE_NAME)
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(MODULE_NAME, install())
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load async-factory-boy {VERSION} from {TARGET}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE_NAME] = module
    spec.loader.exec_module(module)
    return module
