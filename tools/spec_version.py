"""Every place that restates the spec version: spec-update sets them, a test checks them.

The spec version has one source, ``info.version`` in openapi.yaml. The package version and its
description are derived from it at build time (``hatch_build.py``); what cannot be derived (the
constant ``kalshi-keys --version`` prints without importlib.metadata, the prose that names the
spec) is listed here, so ``make spec-update`` rewrites each and
``tests/generation/test_packaging.py`` fails naming the file when one is left behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PLACES", "VersionPlace", "mismatches", "spec_version", "with_version"]

_VERSION = r"\d+\.\d+\.\d+"


@dataclass(frozen=True)
class VersionPlace:
    """A file and a pattern whose group ``v`` is the spec version, found at least once."""

    path: str
    pattern: str
    what: str
    #: ``X.Y.Z.N`` (a further release on one spec) starts again at ``X.Y.Z`` on a new spec.
    drop_release: bool = False

    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.MULTILINE)


PLACES: tuple[VersionPlace, ...] = (
    VersionPlace(
        "openapi.yaml",
        rf"^info:\n(?:  .*\n)*?  version: (?P<v>{_VERSION})$",
        "info.version, the one source",
    ),
    VersionPlace(
        "openapi.yaml",
        rf'"Kalshi Trade API Manual Endpoints" v(?P<v>{_VERSION})',
        "the header comment",
    ),
    VersionPlace(
        "auth_ext/kalshi_auth/_version.py",
        rf'^VERSION = "(?P<v>{_VERSION})(?:\.\d+)?"$',
        "VERSION, what kalshi-keys --version prints",
        drop_release=True,
    ),
    VersionPlace("README.md", rf"\(Kalshi's spec \*\*(?P<v>{_VERSION})\*\*\)", "the opening"),
    VersionPlace(
        "README.md",
        rf"The package version names the\nspec it implements \((?P<v>{_VERSION});",
        "the package version's meaning",
    ),
    VersionPlace(
        "CONTRIBUTING.md",
        rf"fragment of Kalshi's official spec \(v(?P<v>{_VERSION})\)",
        "the regeneration section",
    ),
)


def spec_version(root: Path) -> str:
    """openapi.yaml's ``info.version``."""
    text = (root / "openapi.yaml").read_text(encoding="utf-8")
    found = PLACES[0].regex().search(text)
    if found is None:
        raise ValueError(f"{root / 'openapi.yaml'} has no info.version of the form X.Y.Z")
    return found["v"]


def mismatches(root: Path, version: str) -> list[str]:
    """One line per place that does not name ``version`` (or is missing), naming the file."""
    problems = []
    for place in PLACES:
        text = (root / place.path).read_text(encoding="utf-8")
        found = [m["v"] for m in place.regex().finditer(text)]
        if not found:
            problems.append(f"{place.path}: {place.what} not found (pattern {place.pattern!r})")
        problems += [
            f"{place.path}: {place.what} says {v}, openapi.yaml's info.version is {version}"
            for v in found
            if v != version
        ]
    return problems


def _substituted(place: VersionPlace, text: str, version: str) -> str:
    def replace(match: re.Match[str]) -> str:
        whole, base = match.group(0), match.start(0)
        head, tail = whole[: match.start("v") - base], whole[match.end("v") - base :]
        if place.drop_release:
            tail = re.sub(r"^\.\d+", "", tail)
        return head + version + tail

    return place.regex().sub(replace, text)


def with_version(root: Path, version: str) -> dict[Path, str]:
    """The new text of every file whose places name another version."""
    out: dict[Path, str] = {}
    for place in PLACES:
        path = root / place.path
        text = out.get(path) or path.read_text(encoding="utf-8")
        new = _substituted(place, text, version)
        if new != text:
            out[path] = new
    return out
