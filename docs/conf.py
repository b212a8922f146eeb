"""Sphinx configuration for the kalshi-api-keys docs site (``make docs``; warnings are errors)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_VERSION = re.search(
    r'^VERSION = "([^"]+)"$',
    (ROOT / "auth_ext" / "kalshi_auth" / "_version.py").read_text(encoding="utf-8"),
    re.MULTILINE,
)

project = "kalshi-api-keys"
author = "the kalshi-api-keys maintainers"
copyright = "the kalshi-api-keys maintainers, MIT license"
release = _VERSION.group(1) if _VERSION else "?"
version = release

# napoleon: the generated client's docstrings are Google style ("Args:", "Attributes:").
extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
myst_heading_anchors = 3  # links like page.md#a-heading resolve to the heading
myst_enable_extensions = ["colon_fence"]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
# Docstrings are prose with ``literals``; cross-references are not required to resolve.
nitpicky = False

html_theme = "alabaster"
html_title = f"kalshi-api-keys {release}"
html_static_path: list[str] = []
