"""What a regeneration changed in the generated package's public API, breaking or additive.

    python tools/api_report.py OLD_PACKAGE_DIR NEW_PACKAGE_DIR [--version X]

Both packages are read with griffe (its model of classes, functions, parameters and
attributes, built from the source without importing it). Breaking changes come from griffe's
own check (``griffe.find_breaking_changes``: removed objects and parameters, parameters made
required, moved or re-kinded, changed defaults); to those this adds what griffe's check leaves
out for a generated client: additions, changed annotations of model fields and parameters,
fields that became required, and the values of the ``Literal`` types the generator writes for
enums. The result is a draft CHANGELOG entry. A maintainer's tool: not part of the packages.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import griffe

__all__ = ["Change", "changelog_entry", "changes", "load_package", "main"]

PACKAGE = "kalshi_api_keys_client"

Severity = Literal["breaking", "additive"]


@dataclass(frozen=True, order=True)
class Change:
    """One change to the public API: where (a dotted path in the package) and what."""

    severity: Severity
    path: str
    what: str

    def line(self) -> str:
        return f"- `{self.path}`: {self.what}"


def load_package(package_dir: Path) -> griffe.Module:
    """The package at ``package_dir`` (a directory named like the package) as griffe sees it."""
    loader = griffe.GriffeLoader(search_paths=[str(package_dir.parent)])
    module = loader.load(package_dir.name)
    loader.resolve_aliases(implicit=False, external=False)
    if not isinstance(module, griffe.Module):  # pragma: no cover - load() of a package
        raise TypeError(f"{package_dir} is not a package")
    return module


def _short(path: str) -> str:
    return path.split(".", 1)[1] if "." in path else path


def _public(members: dict[str, griffe.Object | griffe.Alias]) -> dict[str, griffe.Object]:
    """Members defined here (not imported) whose name is public."""
    return {
        name: member
        for name, member in members.items()
        if not member.is_alias and isinstance(member, griffe.Object) and member.is_public
    }


def _literal_values(attribute: griffe.Attribute) -> frozenset[str] | None:
    """The members of ``X = Literal[...]``, the generator's form of an enum; else None."""
    value = attribute.value
    if not isinstance(value, griffe.ExprSubscript) or str(value.left) != "Literal":
        return None
    inner = value.slice
    elements = inner.elements if isinstance(inner, griffe.ExprTuple) else [inner]
    return frozenset(str(e) for e in elements)


def _is_optional_field(attribute: griffe.Attribute) -> bool:
    return attribute.value is not None or "Unset" in str(attribute.annotation)


def _added(member: griffe.Object, owner: griffe.Object) -> Change:
    path = _short(member.path)
    if isinstance(member, griffe.Attribute) and owner.is_class:
        if _is_optional_field(member):
            return Change("additive", path, f"optional field added ({member.annotation})")
        return Change(
            "breaking",
            path,
            f"required field added ({member.annotation}): constructing `{owner.name}` now needs it",
        )
    return Change("additive", path, f"{member.kind.value} added")


def _attribute_changes(old: griffe.Attribute, new: griffe.Attribute) -> Iterator[Change]:
    path = _short(new.path)
    old_values, new_values = _literal_values(old), _literal_values(new)
    if old_values is not None and new_values is not None:
        for value in sorted(new_values - old_values):
            yield Change("additive", path, f"value {value} added")
        for value in sorted(old_values - new_values):
            yield Change("breaking", path, f"value {value} removed")
        return
    if str(old.annotation) != str(new.annotation):
        yield Change("breaking", path, f"type changed from {old.annotation} to {new.annotation}")
    owner = new.parent
    if _is_optional_field(old) and not _is_optional_field(new) and owner and owner.is_class:
        yield Change("breaking", path, "field became required")


def _function_changes(old: griffe.Function, new: griffe.Function) -> Iterator[Change]:
    path = _short(new.path)
    before = {p.name: p for p in old.parameters}
    for param in new.parameters:
        previous = before.get(param.name)
        if previous is None:
            if not param.required:  # a required one is griffe's finding
                yield Change("additive", path, f"optional parameter `{param.name}` added")
        elif str(previous.annotation) != str(param.annotation):
            yield Change(
                "breaking",
                path,
                f"parameter `{param.name}` type changed from {previous.annotation} "
                f"to {param.annotation}",
            )
    if old.returns is not None and str(old.returns) != str(new.returns):
        yield Change("breaking", path, f"return type changed from {old.returns} to {new.returns}")


def _walk(old: griffe.Object, new: griffe.Object) -> Iterator[Change]:
    """What griffe's breaking-change check does not report, over both trees."""
    old_members, new_members = _public(old.members), _public(new.members)
    for name, member in new_members.items():
        if name not in old_members:
            yield _added(member, new)
            continue
        previous = old_members[name]
        if previous.kind != member.kind:
            continue  # griffe reports the change of kind
        if isinstance(member, griffe.Attribute) and isinstance(previous, griffe.Attribute):
            yield from _attribute_changes(previous, member)
        elif isinstance(member, griffe.Function) and isinstance(previous, griffe.Function):
            yield from _function_changes(previous, member)
        elif member.is_module or member.is_class:
            yield from _walk(previous, member)


def _breakage(breakage: griffe.Breakage) -> Change:
    what = breakage.kind.value
    if isinstance(breakage.old_value, griffe.Parameter):
        what = f"{what}: `{breakage.old_value.name}`"
    elif isinstance(breakage.new_value, griffe.Parameter):
        what = f"{what}: `{breakage.new_value.name}`"
    return Change("breaking", _short(breakage.obj.path), what)


def changes(old: griffe.Module, new: griffe.Module) -> list[Change]:
    """Every change from ``old`` to ``new``, breaking first, each once, in a stable order."""
    found = {_breakage(b) for b in griffe.find_breaking_changes(old, new)}
    found.update(_walk(old, new))
    return sorted(found)


def changelog_entry(found: Sequence[Change], version: str) -> str:
    """A draft CHANGELOG section for users of the generated package."""
    lines = [
        f"### What changed in `{PACKAGE}` (spec {version}; drafted by `make spec-update`, "
        "review before release)",
        "",
    ]
    breaking = [c for c in found if c.severity == "breaking"]
    additive = [c for c in found if c.severity == "additive"]
    if not found:
        lines.append("No change to the generated package's public API.")
    if breaking:
        lines += ["Breaking (code written against the previous version may need changes):", ""]
        lines += [c.line() for c in breaking] + [""]
    if additive:
        lines += ["Additive (existing code keeps working):", ""]
        lines += [c.line() for c in additive]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="api_report", description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="the package directory before")
    parser.add_argument("new", type=Path, help="the package directory after")
    parser.add_argument("--version", default="?", help="the spec version after")
    args = parser.parse_args(argv)
    for directory in (args.old, args.new):
        if not (directory / "__init__.py").is_file():
            print(f"api_report: error: {directory} is not a package directory", file=sys.stderr)
            return 2
    found = changes(load_package(args.old), load_package(args.new))
    print(changelog_entry(found, args.version), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
