"""Apply the structure of Kalshi's spec to our openapi.yaml in place, keeping our own words.

Works on the round-trip tree of ``ruamel.yaml``, so every comment, description, key order and
line of ours that the update does not touch is written back as it was. For the operations
``make spec-diff`` compares (and every schema they reference, transitively), it adds what
Kalshi added, removes what Kalshi removed and sets what Kalshi changed; a difference that one
of spec-deviations.yaml's entries explains is left as it is. Kalshi's descriptions are never
copied: each new element gets ``MARKER`` as its description, for the maintainer to replace.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, MutableMapping, MutableSequence, Sequence
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tools.spec_diff import (
    METHODS,
    SCHEMA_LISTS,
    SET_KEYWORDS,
    TEXT_KEYS,
    Deviation,
    Difference,
    Kind,
    _Extractor,
    _place,
    _plain,
    _security,
    _select,
    normalise,
)

__all__ = ["MARKER", "Merger"]

MARKER = "TODO(spec-update): describe this in our own words"
#: Keys whose ``false`` means the same as their absence, as spec-diff reads them.
FALSE_IS_ABSENT = frozenset({"nullable", "deprecated", "readOnly", "writeOnly", "required"})
SUBSCHEMAS = frozenset({"items", "additionalProperties", "not"})
Place = list[str]


def _skipped(key: Any, value: Any) -> bool:
    """Words, extensions and explicit defaults: not structure, never merged."""
    key = str(key)
    return key in TEXT_KEYS or key.startswith("x-") or (key in FALSE_IS_ABSENT and value is False)


def _to_30(node: Any) -> Any:
    """An OpenAPI 3.1 schema in 3.0 terms: ``type: [T, "null"]`` becomes ``type: T`` plus
    ``nullable: true``, which is how our 3.0.3 document (and the generator) says it."""
    if isinstance(node, Mapping):
        out = {str(k): _to_30(v) for k, v in node.items()}
        kind = out.get("type")
        if isinstance(kind, list) and "null" in kind:
            rest = [t for t in kind if t != "null"]
            out["type"] = rest[0] if len(rest) == 1 else rest
            out["nullable"] = True
        return out
    if isinstance(node, list):
        return [_to_30(v) for v in node]
    return node


class Merger:
    """One update of ``ours`` (a ruamel round-trip tree) from ``upstream`` (plain data)."""

    def __init__(
        self, upstream: Mapping[str, Any], ours: CommentedMap, deviations: Sequence[Deviation]
    ) -> None:
        self.upstream = _to_30(upstream)
        self.ours = ours
        self.deviations = deviations
        self._resolver = _Extractor(self.upstream)
        self.applied: list[str] = []  #: one line per change made, by spec-diff place
        self.marked: list[str] = []  #: places given MARKER, to describe in our words
        self.kept: dict[str, set[str]] = {}  #: deviation id -> the places it kept as ours

    # -- decisions ----------------------------------------------------------------------

    def _protected(self, place: Place, kind: Kind) -> bool:
        """Whether a deviation explains this difference, so ours stays as it is."""
        marker = "x"
        difference = Difference(
            _place(place),
            None if kind == "only_ours" else marker,
            None if kind == "only_upstream" else marker,
        )
        for deviation in self.deviations:
            if deviation.explains(difference):
                self.kept.setdefault(deviation.id, set()).add(_place(place))
                return True
        return False

    def _same(self, ours: Any, upstream: Any, schema: bool) -> bool:
        if schema:
            return bool(_Extractor({}).schema(ours) == _Extractor({}).schema(upstream))
        return bool(_plain(ours) == _plain(upstream))

    # -- building new elements ------------------------------------------------------------

    def _new(self, value: Any, place: Place, *, mark: bool, names: bool = False) -> Any:
        """A copy of Kalshi's element in ruamel form, every description replaced by MARKER.

        ``names``: ``value`` maps names to schemas (``properties``), so no key is a keyword.
        """
        if isinstance(value, Mapping):
            out = CommentedMap()
            if mark and not names and "$ref" not in value:
                out["description"] = MARKER
                self.marked.append(_place(place))
            for key, sub in value.items():
                key = str(key)
                here = [*place, key]
                if names:
                    out[key] = self._new(sub, here, mark=False)
                elif key in ("description", "summary"):
                    if key not in out:
                        out[key] = MARKER
                        self.marked.append(_place(here))
                elif not _skipped(key, sub):
                    out[key] = self._new(sub, here, mark=False, names=key == "properties")
            return out
        if isinstance(value, list):
            return CommentedSeq(self._new(v, place, mark=False) for v in value)
        return copy.deepcopy(value)

    def _insert(self, ours: Any, key: str, value: Any, order: Sequence[str]) -> None:
        """Put ``key`` after the last of ours that comes before it in Kalshi's order."""
        earlier = list(order[: list(order).index(key)]) if key in order else list(order)
        position = 0
        for index, existing in enumerate(ours):
            if existing in earlier:
                position = index + 1
        ours.insert(position, key, value)

    # -- the document -------------------------------------------------------------------

    def merge(self) -> None:
        self._merge_servers()
        self._merge_root_security()
        self._merge_paths()
        self._merge_components()

    def _merge_servers(self) -> None:
        ours = self.ours.setdefault("servers", CommentedSeq())
        theirs = [s for s in self.upstream.get("servers") or [] if isinstance(s, Mapping)]
        urls = [str(s.get("url")) for s in theirs]
        for server in theirs:
            url = str(server.get("url"))
            known = url in [str(s.get("url")) for s in ours]
            if not known and not self._protected(["servers", url], "only_upstream"):
                ours.append(self._new(server, ["servers", url], mark=True))
                self.applied.append(f"{_place(['servers', url])}: added")
        for server in list(ours):
            url = str(server.get("url"))
            if url not in urls and not self._protected(["servers", url], "only_ours"):
                ours.remove(server)
                self.applied.append(f"{_place(['servers', url])}: removed")

    def _merge_root_security(self) -> None:
        theirs = self.upstream.get("security") or []
        differs = _security(self.ours.get("security") or []) != _security(theirs)
        if differs and not self._protected(["security"], "differs"):
            self.ours["security"] = self._new(theirs, ["security"], mark=False)
            self.applied.append("security: set")

    def _merge_paths(self) -> None:
        paths: CommentedMap = self.ours.setdefault("paths", CommentedMap())
        chosen = _select(self.upstream, self.ours)
        for path, method in chosen:
            item = self.upstream["paths"][path]
            operation = dict(item[method])
            shared = list(item.get("parameters") or [])
            place = ["paths", path, method]
            if path not in paths:
                paths[path] = CommentedMap()
            if method not in paths[path]:
                if not self._protected(place, "only_upstream"):
                    operation["parameters"] = [*shared, *(operation.get("parameters") or [])]
                    paths[path][method] = self._new(self._inline(operation), place, mark=True)
                    self.applied.append(f"{_place(place)}: added")
            else:
                self._merge_operation(paths[path][method], operation, shared, place)
        for path in list(paths):
            for method in [m for m in list(paths[path]) if m in METHODS]:
                place = ["paths", path, method]
                if (path, method) not in chosen and not self._protected(place, "only_ours"):
                    del paths[path][method]
                    self.applied.append(f"{_place(place)}: removed")
            if not paths[path]:
                del paths[path]

    def _inline(self, operation: Mapping[str, Any]) -> dict[str, Any]:
        """An operation with its parameters, body and responses inlined, as ours are written."""
        out = dict(operation)
        if out.get("parameters"):
            out["parameters"] = [self._resolver._resolve(p) for p in out["parameters"]]
        if "requestBody" in out:
            out["requestBody"] = self._resolver._resolve(out["requestBody"])
        if isinstance(out.get("responses"), Mapping):
            out["responses"] = {
                str(s): self._resolver._resolve(r) for s, r in out["responses"].items()
            }
        return out

    def _merge_operation(
        self, ours: CommentedMap, theirs: Mapping[str, Any], shared: list[Any], place: Place
    ) -> None:
        theirs = self._inline(
            {**theirs, "parameters": [*shared, *(theirs.get("parameters") or [])]}
        )
        self._merge_parameters(ours, theirs.get("parameters") or [], place)
        for key in ("requestBody", "responses"):
            self._merge_keyed(ours, key, theirs, place)
        for key in ("operationId", "deprecated"):
            self._merge_scalar(ours, key, theirs, place)
        if "tags" in theirs or "tags" in ours:
            self._merge_set(ours.setdefault("tags", CommentedSeq()), theirs.get("tags") or [],
                            [*place, "tags"])  # fmt: skip
        their_security = theirs.get("security", self.upstream.get("security")) or []
        our_security = ours.get("security", self.ours.get("security")) or []
        differs = _security(our_security) != _security(their_security)
        if differs and not self._protected([*place, "security"], "differs"):
            ours["security"] = self._new(their_security, [*place, "security"], mark=False)
            self.applied.append(f"{_place([*place, 'security'])}: set")

    def _merge_parameters(self, ours: CommentedMap, theirs: list[Any], place: Place) -> None:
        def key(p: Mapping[str, Any]) -> str:
            return f"{p.get('in', '?')}:{p.get('name', '?')}"

        theirs_by_key = {key(p): p for p in theirs if isinstance(p, Mapping)}
        if not theirs_by_key and "parameters" not in ours:
            return
        params: CommentedSeq = ours.setdefault("parameters", CommentedSeq())
        mine = {key(p): p for p in params}
        for name, param in theirs_by_key.items():
            at = [*place, "parameters", name]
            if name not in mine:
                if not self._protected(at, "only_upstream"):
                    params.append(self._new(param, at, mark=True))
                    self.applied.append(f"{_place(at)}: added")
            else:
                self._merge_map(mine[name], param, at, skip=("name", "in"))
        for name, param in mine.items():
            at = [*place, "parameters", name]
            if name not in theirs_by_key and not self._protected(at, "only_ours"):
                params.remove(param)
                self.applied.append(f"{_place(at)}: removed")
        if not params:
            del ours["parameters"]

    def _merge_keyed(
        self, ours: MutableMapping[str, Any], key: str, theirs: Mapping[str, Any], place: Place
    ) -> None:
        """A member that is present, absent or different as a whole (body, responses...)."""
        at = [*place, key]
        if key not in theirs and key in ours:
            if not self._protected(at, "only_ours"):
                del ours[key]
                self.applied.append(f"{_place(at)}: removed")
        elif key in theirs and key not in ours:
            if not self._protected(at, "only_upstream"):
                self._insert(ours, key, self._new(theirs[key], at, mark=True), list(theirs))
                self.applied.append(f"{_place(at)}: added")
        elif key in theirs:
            mine, upstream = ours[key], theirs[key]
            if key == "responses":
                for status in [*upstream, *[s for s in mine if s not in upstream]]:
                    self._merge_keyed(mine, str(status), upstream, at)
            elif key in ("content", "headers"):
                for name in [*upstream, *[m for m in mine if m not in upstream]]:
                    self._merge_keyed(mine, str(name), upstream, at)
            elif isinstance(mine, MutableMapping) and isinstance(upstream, Mapping):
                self._merge_map(mine, upstream, at)
            elif not self._same(mine, upstream, schema=False):
                self._replace(ours, key, upstream, at)

    def _merge_scalar(
        self, ours: MutableMapping[str, Any], key: str, theirs: Mapping[str, Any], place: Place
    ) -> None:
        mine = ours.get(key)
        upstream = theirs.get(key)
        if _skipped(key, mine):
            mine = None
        if _skipped(key, upstream):
            upstream = None
        if mine == upstream:
            return
        at = [*place, key]
        if upstream is None:
            if not self._protected(at, "only_ours"):
                del ours[key]
                self.applied.append(f"{_place(at)}: removed")
        elif not self._protected(at, "only_upstream" if mine is None else "differs"):
            ours[key] = copy.deepcopy(upstream)
            self.applied.append(f"{_place(at)}: set to {upstream!r}")

    def _replace(self, ours: Any, key: Any, upstream: Any, at: Place) -> None:
        if not self._protected(at, "differs"):
            ours[key] = self._new(upstream, at, mark=False)
            self.applied.append(f"{_place(at)}: set")

    def _merge_set(self, ours: MutableSequence[Any], theirs: Sequence[Any], at: Place) -> None:
        """enum, required, tags: members compared one by one, our order kept."""
        for member in theirs:
            if member not in ours and not self._protected([*at, str(member)], "only_upstream"):
                ours.append(copy.deepcopy(member))
                self.applied.append(f"{_place([*at, str(member)])}: added")
                if at[-1] == "enum" and isinstance(ours, CommentedSeq):
                    ours.yaml_add_eol_comment(MARKER, len(ours) - 1)
                    self.marked.append(_place([*at, str(member)]))
        for member in list(ours):
            if member not in theirs and not self._protected([*at, str(member)], "only_ours"):
                ours.remove(member)
                self.applied.append(f"{_place([*at, str(member)])}: removed")

    def _merge_map(
        self,
        ours: MutableMapping[str, Any],
        theirs: Mapping[str, Any],
        at: Place,
        skip: Sequence[str] = (),
    ) -> None:
        """Two maps key by key: a schema, a parameter, a media type, a body."""
        keys = [k for k in theirs if k not in skip]
        keys += [k for k in ours if k not in theirs and k not in skip]
        for key in keys:
            mine, upstream = ours.get(key), theirs.get(key)
            if _skipped(key, mine) and _skipped(key, upstream):
                continue
            here = [*at, str(key)]
            if key not in ours or _skipped(key, mine):
                if not _skipped(key, upstream) and not self._protected(here, "only_upstream"):
                    new = self._new(upstream, here, mark=False, names=key == "properties")
                    self._insert(ours, key, new, list(theirs))
                    self.applied.append(f"{_place(here)}: added")
            elif key not in theirs or _skipped(key, upstream):
                if not self._protected(here, "only_ours"):
                    del ours[key]
                    self.applied.append(f"{_place(here)}: removed")
            elif key == "properties" and isinstance(mine, MutableMapping) and upstream:
                self._merge_properties(mine, upstream, here)
            elif key in SUBSCHEMAS or key == "schema":
                self._merge_schema(ours, key, upstream, here)
            elif key in SET_KEYWORDS and isinstance(mine, list) and isinstance(upstream, list):
                self._merge_set(mine, upstream, here)
            elif key in SCHEMA_LISTS and isinstance(mine, list) and isinstance(upstream, list):
                self._merge_schema_list(mine, upstream, here)
            elif key == "content" and isinstance(mine, MutableMapping):
                self._merge_keyed(ours, key, theirs, at)
            elif isinstance(mine, MutableMapping) and isinstance(upstream, Mapping):
                self._merge_map(mine, upstream, here)
            elif not self._same(mine, upstream, schema=False):
                self._replace(ours, key, upstream, here)

    def _merge_properties(
        self, ours: MutableMapping[str, Any], theirs: Mapping[str, Any], at: Place
    ) -> None:
        for name, schema in theirs.items():
            here = [*at, str(name)]
            if name not in ours:
                if not self._protected(here, "only_upstream"):
                    self._insert(ours, name, self._new(schema, here, mark=True), list(theirs))
                    self.applied.append(f"{_place(here)}: added")
            else:
                self._merge_schema(ours, name, schema, here)
        for name in [n for n in ours if n not in theirs]:
            here = [*at, str(name)]
            if not self._protected(here, "only_ours"):
                del ours[name]
                self.applied.append(f"{_place(here)}: removed")

    def _merge_schema(self, parent: Any, key: Any, theirs: Any, at: Place) -> None:
        mine = parent[key]
        swapped = (
            isinstance(mine, Mapping)
            and isinstance(theirs, Mapping)
            and ("$ref" in mine or "$ref" in theirs)
        )
        if swapped or not (isinstance(mine, MutableMapping) and isinstance(theirs, Mapping)):
            if not self._same(mine, theirs, schema=True):
                self._replace(parent, key, theirs, at)
            return
        self._merge_map(mine, theirs, at)

    def _merge_schema_list(self, ours: list[Any], theirs: list[Any], at: Place) -> None:
        for index, sub in enumerate(theirs):
            if index < len(ours):
                self._merge_schema(ours, index, sub, [*at, str(index)])
            elif not self._protected([*at, str(index)], "only_upstream"):
                ours.append(self._new(sub, [*at, str(index)], mark=False))
                self.applied.append(f"{_place([*at, str(index)])}: added")
        while len(ours) > len(theirs) and not self._protected(
            [*at, str(len(ours) - 1)], "only_ours"
        ):
            ours.pop()
            self.applied.append(f"{_place([*at, str(len(ours))])}: removed")

    # -- components ---------------------------------------------------------------------

    def _merge_components(self) -> None:
        components: CommentedMap = self.ours.setdefault("components", CommentedMap())
        theirs = normalise(self.upstream, self.ours)["components"]
        mine = normalise(self.ours, self.ours)["components"]
        source = self.upstream.get("components") or {}
        for kind in ("schemas", "securitySchemes"):
            wanted = [n for n in theirs.get(kind, {}) if n in (source.get(kind) or {})]
            ours_kind: CommentedMap = components.setdefault(kind, CommentedMap())
            for name in wanted:
                at = ["components", kind, name]
                if name not in ours_kind:
                    if not self._protected(at, "only_upstream"):
                        ours_kind[name] = self._new(source[kind][name], at, mark=True)
                        self.applied.append(f"{_place(at)}: added")
                elif kind == "schemas":
                    self._merge_schema(ours_kind, name, source[kind][name], at)
                else:
                    self._merge_map(ours_kind[name], source[kind][name], at)
            for name in list(mine.get(kind, {})):
                at = ["components", kind, name]
                if (
                    name not in wanted
                    and name in ours_kind
                    and not self._protected(at, "only_ours")
                ):
                    del ours_kind[name]
                    self.applied.append(f"{_place(at)}: removed")
