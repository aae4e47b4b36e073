"""Make the virtual environment ``make demo`` needs, and nothing more: run by the Makefile.

    python3 tools/demo_env.py .venv

The demo (the seed command on the example blog, into SQLite) needs the package's own
dependencies and its ``sqlalchemy`` extra, nothing else. On a fresh clone most of a plain
``python -m venv`` + ``pip install -e ".[sqlalchemy]"`` goes elsewhere: ``ensurepip``
installing pip into the new environment (~3.5 s of CPU), the editable install building the
project in an isolated environment with hatchling (~3 s) and pip compiling every installed
module to bytecode (~1 s), where the downloads themselves take ~3 s. So this script:

- makes the environment without pip when the Python running it has a pip that can install
  into another interpreter (``pip --python``, pip >= 22.3), else with pip as usual;
- installs the requirements read from ``pyproject.toml`` (the core dependencies and the
  ``sqlalchemy`` extra), not the project itself: the demo runs ``python -m
  async_factory_boy`` from the project's root, where the package is importable as it is;
- lets pip skip the bytecode: the demo compiles the few modules it imports.

Without :mod:`tomllib` (Python 3.10) it falls back to ``pip install -e ".[sqlalchemy]"``.
``make install`` later completes the same environment (it adds pip when it is missing).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import subprocess
import sys
import venv

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXTRA = "sqlalchemy"
PIP_FLAGS = ("install", "--quiet", "--disable-pip-version-check", "--no-compile")


def requirements(pyproject: pathlib.Path = ROOT / "pyproject.toml") -> list[str] | None:
    """The core dependencies and the demo's extra, as ``pyproject.toml`` declares them;
    ``None`` where :mod:`tomllib` is missing (Python 3.10)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        return None
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"][EXTRA]]


def _works(command: list[str]) -> bool:
    done = subprocess.run(command, capture_output=True, check=False)
    return done.returncode == 0


def pip_command(python: pathlib.Path) -> list[str]:
    """A pip that installs into ``python``'s environment: its own if it has one, else the
    running interpreter's with ``--python`` (pip >= 22.3), else one ``ensurepip`` adds."""
    own = [str(python), "-m", "pip"]
    if _works([*own, "--version"]):
        return own
    outer = [sys.executable, "-m", "pip", "--python", str(python)]
    if _works([*outer, "--version"]):
        return outer
    subprocess.run([str(python), "-m", "ensurepip", "--default-pip"], check=True)
    return own


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("venv", type=pathlib.Path, help="the environment's folder (.venv)")
    args = parser.parse_args(argv)
    python = args.venv / "bin" / "python"
    if not python.exists():
        has_outer_pip = _works([sys.executable, "-m", "pip", "--python", sys.executable, "-V"])
        # Symlinks, as ``python -m venv`` makes them on POSIX (``venv.create`` copies by
        # default, and ``make install``'s ``python -m venv`` would then warn it cannot link).
        venv.create(args.venv, with_pip=not has_outer_pip, symlinks=os.name != "nt")
    pip = pip_command(python)
    wanted = requirements()
    targets = ["-e", f"{ROOT}[{EXTRA}]"] if wanted is None else wanted
    subprocess.run([*pip, *PIP_FLAGS, *targets], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
