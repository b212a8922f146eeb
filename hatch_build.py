"""Package metadata from the spec: the version from _version.py, the description from openapi.yaml.

openapi.yaml's ``info.version`` is the one source of the spec version. The package version is
``auth_ext/kalshi_auth/_version.py``'s ``VERSION`` (the spec version, or ``X.Y.Z.N`` for a
further release on the same spec; a test keeps the two in step), and the description names the
spec version read from openapi.yaml, so neither is restated in pyproject.toml.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hatchling.metadata.plugin.interface import MetadataHookInterface

DESCRIPTION = (
    "Typed Python SDK for Kalshi's API-key endpoints (spec {spec}): generated client plus "
    "request signing"
)


def _found(pattern: str, path: Path) -> str:
    match = re.search(pattern, path.read_text(encoding="utf-8"), re.MULTILINE)
    if match is None:
        raise ValueError(f"{path}: no version matching {pattern!r}")
    return match.group(1)


class SpecMetadataHook(MetadataHookInterface):
    """Fills the ``dynamic`` version and description."""

    def update(self, metadata: dict[str, Any]) -> None:
        root = Path(self.root)
        metadata["version"] = _found(
            r'^VERSION = "([^"]+)"$', root / "auth_ext" / "kalshi_auth" / "_version.py"
        )
        spec = _found(r"^info:\n(?:  .*\n)*?  version: (\S+)$", root / "openapi.yaml")
        metadata["description"] = DESCRIPTION.format(spec=spec)
