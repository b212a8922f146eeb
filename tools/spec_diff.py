"""Compare Kalshi's official OpenAPI spec with our openapi.yaml, for the API-key part only.

    python tools/spec_diff.py OFFICIAL [--ours openapi.yaml] [--deviations FILE] [--json]

Takes from the official document the operations we implement (same path and method, same
operationId, or one of our tags) and every component they reference, transitively, and
compares their structure with ours. Differences listed in spec-deviations.yaml are known
deviations; description text is listed apart. Exit status: 0 in sync, 1 drift, 2 a document
that cannot be read or is not OpenAPI 3. A maintainer's tool: not part of the packages.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

__all__ = ["Deviation", "Difference", "Report", "SpecError", "compare", "load_document", "main"]

ROOT = Path(__file__).resolve().parent.parent
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Words, not structure: their differences are listed apart and never count as drift.
TEXT_KEYS = frozenset({"description", "summary", "title", "example", "examples"})
# Schema keywords whose value is a set: each member is compared on its own.
SET_KEYWORDS = frozenset({"enum", "required", "tags"})
SCHEMA_LISTS = frozenset({"allOf", "oneOf", "anyOf"})
COMPONENT_KINDS = ("schemas", "parameters", "responses", "requestBodies", "headers")

Kind = Literal["only_upstream", "only_ours", "differs"]


class SpecError(Exception):
    """A document could not be read, or is not an OpenAPI 3 document (exit status 2)."""


@dataclass(frozen=True)
class Deviation:
    """One deliberate difference from Kalshi's spec, as listed in spec-deviations.yaml."""

    id: str
    places: tuple[str, ...]
    reason: str
    kind: Kind | None = None

    def explains(self, difference: Difference) -> bool:
        if self.kind is not None and self.kind != difference.kind:
            return False
        return any(fnmatch.fnmatchcase(difference.place, glob) for glob in self.places)


@dataclass(frozen=True)
class Difference:
    """One place where the two documents differ; ``None`` on a side means absent there."""

    place: str
    upstream: str | None
    ours: str | None
    deviation: str | None = None

    @property
    def kind(self) -> Kind:
        if self.ours is None:
            return "only_upstream"
        if self.upstream is None:
            return "only_ours"
        return "differs"

    def line(self) -> str:
        upstream = "(absent)" if self.upstream is None else self.upstream
        ours = "(absent)" if self.ours is None else self.ours
        return f"{self.place}: upstream {upstream} | ours {ours}"


@dataclass
class Report:
    """The comparison, sorted into drift, known deviations and text differences."""

    upstream_version: str
    ours_version: str
    compared: dict[str, int]
    drift: list[Difference] = field(default_factory=list)
    known: list[Difference] = field(default_factory=list)
    text: list[Difference] = field(default_factory=list)
    stale_deviations: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "upstream_version": self.upstream_version,
            "ours_version": self.ours_version,
            "compared": self.compared,
            "in_sync": not self.drift,
            "drift": [asdict(d) | {"kind": d.kind} for d in self.drift],
            "known_deviations": [asdict(d) | {"kind": d.kind} for d in self.known],
            "text_differences": [asdict(d) | {"kind": d.kind} for d in self.text],
            "stale_deviations": self.stale_deviations,
        }


# -- reading ------------------------------------------------------------------------------


def load_document(path: Path) -> dict[str, Any]:
    """An OpenAPI 3 document from a YAML or JSON file, or SpecError saying why not."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
            data = json.loads(text)
        else:
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            data = yaml.load(text, Loader=loader)
    except (ValueError, yaml.YAMLError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SpecError(f"{path} is neither valid YAML nor JSON: {first}") from None
    if not isinstance(data, dict) or not str(data.get("openapi", "")).startswith("3."):
        raise SpecError(f"{path} is not an OpenAPI 3 document (it has no 'openapi: 3.x' field)")
    if not isinstance(data.get("paths"), dict):
        raise SpecError(f"{path} is not an OpenAPI 3 document (it has no 'paths' map)")
    return data


def load_deviations(path: Path) -> list[Deviation]:
    """The known deviations; SpecError if the file is malformed."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"cannot read the deviations file {path}: {exc}") from None
    entries = data.get("deviations") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SpecError(f"{path} must hold a 'deviations' list")
    deviations = []
    for entry in entries:
        ok = (
            isinstance(entry, dict)
            and isinstance(entry.get("id"), str)
            and isinstance(entry.get("reason"), str)
            and isinstance(entry.get("places"), list)
            and all(isinstance(p, str) for p in entry["places"])
            and entry.get("kind") in (None, "only_ours", "only_upstream", "differs")
        )
        if not ok:
            raise SpecError(
                f"{path}: each deviation needs an id, a reason, a list of places and "
                f"optionally a kind (only_ours, only_upstream, differs); bad entry: {entry!r}"
            )
        deviations.append(
            Deviation(
                entry["id"], tuple(entry["places"]), entry["reason"].strip(), entry.get("kind")
            )
        )
    return deviations


# -- normalising: the API-key part of a document as a tree of comparable facts -------------


class _Extractor:
    """Builds the normalised tree of the chosen operations and what they reference."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self.components: dict[str, dict[str, Any]] = {kind: {} for kind in COMPONENT_KINDS}
        self.security_schemes: set[str] = set()
        self._pending: list[tuple[str, str]] = []

    def _ref_target(self, ref: str) -> tuple[str, str] | None:
        parts = ref.split("/")
        if len(parts) == 4 and parts[:2] == ["#", "components"] and parts[2] in COMPONENT_KINDS:
            return parts[2], parts[3]
        return None

    def _resolve(self, node: Any) -> Any:
        """Inline a $ref to a parameter, response, request body or header (not a schema)."""
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 16:
            target = self._ref_target(node["$ref"])
            if target is None or target[0] == "schemas":
                break
            node = self.doc.get("components", {}).get(target[0], {}).get(target[1], {})
            seen += 1
        return node

    def schema(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return _leaf(node)
        if isinstance(node.get("$ref"), str):
            target = self._ref_target(node["$ref"])
            if target is not None:
                self._pending.append(target)
                return {"$ref": target[1]}
            return {"$ref": node["$ref"]}
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "type" and isinstance(value, list):  # OpenAPI 3.1: [T, "null"]
                types = [t for t in value if t != "null"]
                out["type"] = types[0] if len(types) == 1 else frozenset(map(str, types))
                if "null" in value:
                    out["nullable"] = True
            elif key in ("nullable", "deprecated", "readOnly", "writeOnly") and value is False:
                continue
            elif key in SET_KEYWORDS and isinstance(value, list):
                out[key] = frozenset(_leaf(v) for v in value)
            elif key == "properties" and isinstance(value, dict):
                out[key] = {name: self.schema(sub) for name, sub in value.items()}
            elif key in ("items", "additionalProperties", "not"):
                out[key] = self.schema(value)
            elif key in SCHEMA_LISTS and isinstance(value, list):
                out[key] = {str(i): self.schema(sub) for i, sub in enumerate(value)}
            else:
                out[key] = _plain(value)
        return out

    def _content(self, content: Any) -> dict[str, Any]:
        if not isinstance(content, dict):
            return {}
        return {
            media: {
                "schema": self.schema(body.get("schema")) if isinstance(body, dict) else None,
            }
            for media, body in content.items()
        }

    def parameter(self, node: Any) -> tuple[str, dict[str, Any]]:
        param = self._resolve(node)
        if not isinstance(param, dict):
            return "?", {}
        out: dict[str, Any] = {}
        for key, value in param.items():
            if key in ("name", "in"):
                continue
            if key == "schema":
                out[key] = self.schema(value)
            elif key == "content":
                out[key] = self._content(value)
            elif key in ("required", "deprecated", "allowEmptyValue") and value is False:
                continue
            else:
                out[key] = _plain(value)
        return f"{param.get('in', '?')}:{param.get('name', '?')}", out

    def operation(self, op: Mapping[str, Any], shared: Sequence[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        params = dict(self.parameter(p) for p in shared)
        params.update(self.parameter(p) for p in op.get("parameters") or [])
        if params:
            out["parameters"] = params
        body = self._resolve(op.get("requestBody"))
        if isinstance(body, dict):
            out["requestBody"] = {
                k: v
                for k, v in {
                    "required": body.get("required") or None,
                    "description": body.get("description"),
                    "content": self._content(body.get("content")),
                }.items()
                if v is not None
            }
        responses: dict[str, Any] = {}
        for status, response in (op.get("responses") or {}).items():
            resolved = self._resolve(response)
            entry: dict[str, Any] = {}
            if isinstance(resolved, dict):
                if resolved.get("description") is not None:
                    entry["description"] = _plain(resolved["description"])
                if resolved.get("content"):
                    entry["content"] = self._content(resolved["content"])
                if resolved.get("headers"):
                    entry["headers"] = {
                        name: self.parameter({**self._resolve(h), "name": name, "in": "header"})[1]
                        for name, h in resolved["headers"].items()
                    }
            responses[str(status)] = entry
        out["responses"] = responses
        security = op.get("security", self.doc.get("security")) or []
        out["security"] = _security(security)
        for requirement in security:
            if isinstance(requirement, dict):
                self.security_schemes.update(requirement)
        for key in ("operationId", "summary", "description", "deprecated", "tags"):
            if key in op and not (key == "deprecated" and op[key] is False):
                value = op[key]
                out[key] = frozenset(value) if key == "tags" else _plain(value)
        return out

    def drain(self) -> None:
        """Normalise every referenced component, following references transitively."""
        while self._pending:
            kind, name = self._pending.pop()
            if name in self.components[kind]:
                continue
            node = self.doc.get("components", {}).get(kind, {}).get(name)
            self.components[kind][name] = None if node is None else self.schema(node)


def _leaf(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else _plain(value)


def _plain(value: Any) -> Any:
    """Any YAML value as a hashable, comparable one (lists stay ordered)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def _security(requirements: Iterable[Any]) -> frozenset[str]:
    groups = set()
    for requirement in requirements:
        if isinstance(requirement, dict):
            groups.add("+".join(sorted(requirement)) or "(none)")
    return frozenset(groups)


def _select(doc: Mapping[str, Any], ours: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(path, method) of every operation in ``doc`` that belongs to our part of the API."""
    our_ops = {(p, m) for p, item in ours["paths"].items() for m in item if m in METHODS}
    our_ids = {ours["paths"][p][m].get("operationId") for p, m in our_ops}
    our_tags = {t for p, m in our_ops for t in ours["paths"][p][m].get("tags") or []}
    chosen = []
    for path, item in doc["paths"].items():
        if not isinstance(item, dict):
            continue
        for method, op in item.items():
            if method not in METHODS or not isinstance(op, dict):
                continue
            if (
                (path, method) in our_ops
                or op.get("operationId") in our_ids
                or our_tags.intersection(op.get("tags") or [])
            ):
                chosen.append((path, method))
    return chosen


def normalise(doc: Mapping[str, Any], ours: Mapping[str, Any]) -> dict[str, Any]:
    """The API-key part of ``doc`` (chosen by what ``ours`` holds) as a comparable tree."""
    extractor = _Extractor(doc)
    paths: dict[str, dict[str, Any]] = {}
    for path, method in _select(doc, ours):
        item = doc["paths"][path]
        paths.setdefault(path, {})[method] = extractor.operation(
            item[method], item.get("parameters") or []
        )
    extractor.drain()
    schemes = doc.get("components", {}).get("securitySchemes", {})
    tree: dict[str, Any] = {
        "servers": frozenset(
            str(s.get("url")) for s in doc.get("servers") or [] if isinstance(s, dict)
        ),
        "security": _security(doc.get("security") or []),
        "paths": paths,
        "components": {
            **{kind: found for kind, found in extractor.components.items() if found},
            "securitySchemes": {
                name: _plain(schemes.get(name)) for name in sorted(extractor.security_schemes)
            },
        },
    }
    return tree


# -- comparing -----------------------------------------------------------------------------


def _segment(key: str) -> str:
    return f'"{key}"' if not key or any(c in key for c in ". \t") else key


def _summary(value: Any) -> str:
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(map(str, value))) + "]"
    if isinstance(value, dict):
        if "$ref" in value:
            return f"$ref {value['$ref']}"
        if "type" in value:
            kind = value["type"]
            kind = _summary(kind) if isinstance(kind, frozenset) else str(kind)
            extra = f" ({value['format']})" if "format" in value else ""
            nullable = ", nullable" if value.get("nullable") else ""
            enum = f" enum {_summary(value['enum'])}" if "enum" in value else ""
            return f"type {kind}{extra}{nullable}{enum}"
        if "schema" in value:
            return f"schema {_summary(value['schema'])}"
        if "content" in value:
            return f"content {_summary(value['content'])}"
        if value and all("/" in str(k) for k in value):  # a content map: media type -> body
            return "; ".join(f"{media} {_summary(body)}" for media, body in value.items())
        return _summary(frozenset(map(str, value)))  # a map of named things: their names
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


def _text_summary(value: Any) -> str:
    text = _summary(value)
    return text if len(text) <= 70 else text[:67] + '..."'


def _diff(upstream: Any, ours: Any, place: list[str], out: list[Difference]) -> None:
    where = _place(place)
    swapped = (
        isinstance(upstream, dict)
        and isinstance(ours, dict)
        and ("$ref" in upstream or "$ref" in ours)
    )
    if swapped and upstream != ours:
        # A reference replaced (by another, or by an inline schema) is one difference.
        out.append(Difference(where, _summary(upstream), _summary(ours)))
    elif isinstance(upstream, dict) and isinstance(ours, dict):
        for key in sorted(set(upstream) | set(ours), key=str):
            sub = [*place, str(key)]
            if key not in ours:
                out.append(Difference(_place(sub), _summary(upstream[key]), None))
            elif key not in upstream:
                out.append(Difference(_place(sub), None, _summary(ours[key])))
            else:
                _diff(upstream[key], ours[key], sub, out)
    elif isinstance(upstream, frozenset) and isinstance(ours, frozenset):
        for member in sorted(upstream ^ ours, key=str):
            at = _place([*place, str(member)])
            present = json.dumps(member) if not isinstance(member, str) else member
            if member in upstream:
                out.append(Difference(at, present, None))
            else:
                out.append(Difference(at, None, present))
    elif upstream != ours:
        summarise = _text_summary if place and place[-1] in TEXT_KEYS else _summary
        out.append(Difference(where, summarise(upstream), summarise(ours)))


def _place(segments: Sequence[str]) -> str:
    return ".".join(_segment(s) for s in segments)


def _is_text(difference: Difference) -> bool:
    last = difference.place.rsplit(".", 1)[-1].strip('"')
    return last in TEXT_KEYS or last.startswith("x-")


def compare(
    upstream_doc: Mapping[str, Any],
    ours_doc: Mapping[str, Any],
    deviations: Sequence[Deviation] = (),
) -> Report:
    """Every difference between the API-key parts of the two documents, sorted by kind."""
    upstream = normalise(upstream_doc, ours_doc)
    ours = normalise(ours_doc, ours_doc)
    found: list[Difference] = []
    _diff(upstream, ours, [], found)
    report = Report(
        upstream_version=str(upstream_doc.get("info", {}).get("version", "?")),
        ours_version=str(ours_doc.get("info", {}).get("version", "?")),
        compared={
            "operations": sum(len(m) for m in upstream["paths"].values()),
            "schemas": len(upstream["components"].get("schemas", {})),
            "security_schemes": len(upstream["components"]["securitySchemes"]),
            "servers": len(upstream["servers"]),
        },
    )
    used: set[str] = set()
    for difference in found:
        if _is_text(difference):
            report.text.append(difference)
            continue
        explained = next((d for d in deviations if d.explains(difference)), None)
        if explained is None:
            report.drift.append(difference)
        else:
            used.add(explained.id)
            report.known.append(
                Difference(difference.place, difference.upstream, difference.ours, explained.id)
            )
    report.stale_deviations = [d.id for d in deviations if d.id not in used]
    return report


# -- reporting -----------------------------------------------------------------------------


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def render(report: Report, upstream_name: str, deviations: Sequence[Deviation]) -> str:
    reasons = {d.id: d.reason for d in deviations}
    counts = report.compared
    lines = [
        f"upstream {upstream_name} (version {report.upstream_version}) vs ours "
        f"(version {report.ours_version}): {counts['operations']} operations, "
        f"{counts['schemas']} schemas, {counts['security_schemes']} security schemes, "
        f"{counts['servers']} servers compared",
    ]
    if report.drift:
        lines.append(f"DRIFT: {len(report.drift)} difference(s) to act on")
        lines += [f"  {d.line()}" for d in report.drift]
    else:
        lines.append("in sync: no drift")
    if report.known:
        lines.append(f"known deviations ({len(report.known)}, see spec-deviations.yaml):")
        for d in report.known:
            lines.append(f"  {d.line()}  [{d.deviation}]")
        for dev_id in dict.fromkeys(d.deviation for d in report.known):
            if dev_id is not None:
                lines.append(f"    {dev_id}: {reasons.get(dev_id, '')}")
    if report.stale_deviations:
        lines.append(
            "deviations not seen in this comparison (if this is Kalshi's current spec, "
            "they no longer apply and can be removed): " + ", ".join(report.stale_deviations)
        )
    if report.text:
        lines.append(f"description text differences ({len(report.text)}, not drift):")
        lines += [f"  {d.line()}" for d in report.text]
    return "\n".join(_printable(line) for line in lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make spec-diff",
        description="Compare Kalshi's official OpenAPI spec with our openapi.yaml "
        "(API-key operations and what they reference).",
    )
    parser.add_argument("official", type=Path, help="Kalshi's spec, YAML or JSON")
    parser.add_argument("--ours", type=Path, default=ROOT / "openapi.yaml")
    parser.add_argument("--deviations", type=Path, default=ROOT / "spec-deviations.yaml")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args(argv)
    try:
        ours = load_document(args.ours)
        upstream = load_document(args.official)
        deviations = load_deviations(args.deviations)
    except SpecError as exc:
        print(f"spec-diff: error: {exc}", file=sys.stderr)
        return 2
    report = compare(upstream, ours, deviations)
    if args.json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        print(render(report, args.official.name, deviations))
    return 1 if report.drift else 0


if __name__ == "__main__":
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `make spec-diff ... | head`: the reader is gone, end quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    sys.exit(status)
