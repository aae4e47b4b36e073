"""Sphinx configuration: MyST Markdown pages, autodoc for the API, the furo theme."""

from __future__ import annotations

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
autodoc_typehints = "description"
# Cross-references into third-party packages are not resolved offline.
nitpicky = False
suppress_warnings = ["myst.xref_missing"]
