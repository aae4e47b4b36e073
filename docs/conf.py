"""Sphinx configuration: MyST Markdown pages, autodoc for the API, the furo theme."""

from __future__ import annotations

import importlib.util
import os
import sys

sys.path.insert(0, os.path.abspath(".."))

import async_factory_boy

project = "async_factory_boy"
author = "async_factory_boy developers"
copyright = "2026, async_factory_boy developers"
release = async_factory_boy.__version__  # the one source: async_factory_boy/__init__.py

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.napoleon",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
exclude_patterns = ["_build"]
html_theme = "furo"
html_title = "async_factory_boy"
autodoc_member_order = "bysource"
# A hosted build (Read the Docs) installs the `docs` extra alone: no backend's driver. autodoc
# then imports the backends against stand-ins of the drivers that are missing (only those:
# where a driver is installed, its real classes give the signatures). `make docs-alone`
# builds this way in CI.
_OPTIONAL_DRIVERS = [
    "aiosqlite",
    "beanie",
    "bson",
    "dask",
    "distributed",
    "django",
    "motor",
    "odmantic",
    "pymongo",
    "pytest",  # the plugin's: a hosted build need not install pytest
    "sqlalchemy",
    "tortoise",
]
autodoc_mock_imports = [
    name for name in _OPTIONAL_DRIVERS if importlib.util.find_spec(name) is None
]
autodoc_typehints = "description"
# Cross-references into third-party packages are not resolved offline.
nitpicky = False
suppress_warnings = ["myst.xref_missing"]
