"""From Kalshi's new spec to an updated openapi.yaml, a regenerated client and a report.

    python tools/spec_update.py OFFICIAL [--root DIR] [--no-generate]

1. compares OFFICIAL (Kalshi's whole spec, YAML or JSON) with openapi.yaml as
   ``make spec-diff`` does, and applies every structural difference to openapi.yaml in place
   (tools/spec_merge.py), keeping our words, comments and layout and every known deviation;
2. sets the spec version everywhere it is restated (tools/spec_version.py);
3. regenerates ``generated/`` (tools/generate.py) and compares the package's public API
   before and after (tools/api_report.py), adding the result to CHANGELOG.md as a draft;
4. prints what to review: each new element marked for a description in our own words, the
   changes made, the deviations kept or gone stale, and the API report.

Nothing is written unless every step before the writing succeeded; if regeneration fails,
every file is put back. Run twice, the second run changes nothing. Exit status: 0 done (or
nothing to do), 1 a difference that could not be applied or a failed regeneration, 2 a
document that cannot be read or is not OpenAPI 3. A maintainer's tool: not part of the packages.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tools` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ruamel.yaml import YAML

from tools.api_report import changelog_entry, changes, load_package
from tools.generate import GeneratorError, generate
from tools.spec_diff import SpecError, compare, load_deviations, load_document
from tools.spec_merge import MARKER, Merger
from tools.spec_version import with_version

__all__ = ["main", "round_trip_yaml"]

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path("generated") / "kalshi_api_keys_client"


def round_trip_yaml() -> YAML:
    """The ruamel settings under which openapi.yaml loads and dumps byte for byte."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _write(path: Path, text: str) -> None:
    """Replace ``path`` atomically: a reader sees the old file or the new, never half."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _with_changelog_entry(changelog: str, version: str, entry: str) -> str:
    """CHANGELOG.md with a new first section for ``version`` holding ``entry``."""
    lines = changelog.splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))
    section = f"## {version} (unreleased)\n\nImplements Kalshi's spec **{version}**.\n\n{entry}\n"
    return "".join(lines[:first]) + section + "".join(lines[first:])


def _updated_spec(
    official: Path, root: Path
) -> tuple[str, str, Merger, list[str], list[str]] | int:
    """openapi.yaml's new text, the new version, the merger, stale deviations, leftovers."""
    try:
        upstream = load_document(official)
        load_document(root / "openapi.yaml")
        deviations = load_deviations(root / "spec-deviations.yaml")
    except SpecError as exc:
        print(f"spec-update: error: {exc}", file=sys.stderr)
        return 2
    yaml = round_trip_yaml()
    original = (root / "openapi.yaml").read_text(encoding="utf-8")
    ours = yaml.load(original)
    merger = Merger(upstream, ours, deviations)
    for _ in range(3):  # a pass can bring in schemas whose own references need the next
        merger.merge()
        report = compare(upstream, ours, deviations)
        if not report.drift:
            break
    version = str(upstream.get("info", {}).get("version", "")).strip()
    if version and str(ours["info"].get("version")) != version:
        ours["info"]["version"] = version
    out = io.StringIO()
    yaml.dump(ours, out)
    leftovers = [d.line() for d in report.drift]
    return out.getvalue(), version, merger, report.stale_deviations, leftovers


def _review(merger: Merger, stale: Sequence[str], entry: str, changed: Sequence[Path]) -> str:
    lines = [f"spec-update: changed {', '.join(str(p) for p in changed)}"]
    if merger.applied:
        lines.append(f"applied ({len(merger.applied)}):")
        lines += [f"  {line}" for line in merger.applied]
    if merger.kept:
        lines.append("kept as ours, as spec-deviations.yaml says:")
        for deviation, places in sorted(merger.kept.items()):
            where = next(iter(places)) if len(places) == 1 else f"{len(places)} places"
            lines.append(f"  {deviation}: {where}")
    if stale:
        lines.append("deviations no longer seen (remove them from spec-deviations.yaml and the "
                     "CONTRIBUTING.md if Kalshi now agrees): " + ", ".join(stale))  # fmt: skip
    lines.append("")
    lines.append(entry.rstrip())
    lines.append("")
    lines.append("to review, then `make test` and commit the spec, generated/ and CHANGELOG.md:")
    if merger.marked:
        lines.append(
            f"  1. describe in our own words each place marked {MARKER!r} in openapi.yaml:"
        )
        lines += [f"       {place}" for place in dict.fromkeys(merger.marked)]
    else:
        lines.append("  1. nothing new to describe in openapi.yaml")
    lines.append("  2. a new response property must be produced by the fake exchange "
                 "(auth_ext/kalshi_auth/testing/): tests/exchange/test_exchange_covers_spec.py "
                 "names any it never sends")  # fmt: skip
    lines.append("  3. edit the CHANGELOG.md draft above into the release note")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make spec-update", description=__doc__.splitlines()[0])
    parser.add_argument("official", type=Path, help="Kalshi's spec, YAML or JSON")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this)")
    parser.add_argument("--no-generate", action="store_true", help="update the spec files only")
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()

    result = _updated_spec(args.official, root)
    if isinstance(result, int):
        return result
    text, version, merger, stale, leftovers = result
    if leftovers:
        lines = [f"  {line}" for line in leftovers]
        print("spec-update: error: these differences could not be applied; nothing was "
              "changed:", *lines, sep="\n", file=sys.stderr)  # fmt: skip
        return 1

    spec_path = root / "openapi.yaml"
    new_texts: dict[Path, str] = {}
    if text != spec_path.read_text(encoding="utf-8"):
        new_texts[spec_path] = text
    scratch = Path(tempfile.mkdtemp(prefix="spec-update-"))
    try:
        (scratch / "openapi.yaml").write_text(text, encoding="utf-8")
        for name in ("README.md", "CONTRIBUTING.md", "auth_ext/kalshi_auth/_version.py"):
            (scratch / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, scratch / name)
        new_texts.update({root / p.relative_to(scratch): t
                          for p, t in with_version(scratch, version).items()})  # fmt: skip
        if not new_texts:
            print(f"spec-update: openapi.yaml already matches {args.official.name} "
                  f"(version {version}); nothing to do")  # fmt: skip
            if stale:
                print("deviations no longer seen: " + ", ".join(stale))
            return 0
        return _apply(root, new_texts, version, merger, stale, scratch, not args.no_generate)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _apply(
    root: Path,
    new_texts: dict[Path, str],
    version: str,
    merger: Merger,
    stale: Sequence[str],
    scratch: Path,
    regenerate: bool,
) -> int:
    changelog = root / "CHANGELOG.md"
    package = root / PACKAGE_DIR
    originals = {path: path.read_text(encoding="utf-8") for path in [*new_texts, changelog]}
    before = scratch / "before" / package.name
    shutil.copytree(package, before, ignore=shutil.ignore_patterns("__pycache__"))
    try:
        for path, text in new_texts.items():
            _write(path, text)
        if regenerate:
            generate(package, root=root)
        entry = changelog_entry(changes(load_package(before), load_package(package)), version)
        new_changelog = originals[changelog]
        if f"## {version} " not in new_changelog:
            new_changelog = _with_changelog_entry(new_changelog, version, entry)
            _write(changelog, new_changelog)
    except BaseException as exc:  # anything, Ctrl-C included: put every file back first
        for path, text in originals.items():
            _write(path, text)
        if regenerate:
            shutil.rmtree(package, ignore_errors=True)
            shutil.copytree(before, package)
        if not isinstance(exc, GeneratorError | OSError):
            raise
        print(f"spec-update: error: {exc}\nevery file is as it was before this run.",
              file=sys.stderr)  # fmt: skip
        return 1
    changed = [p.relative_to(root) for p in new_texts]
    changed += [PACKAGE_DIR] if regenerate else []
    changed += [changelog.relative_to(root)] if new_changelog != originals[changelog] else []
    print(_review(merger, stale, entry, changed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
