"""make spec-diff: every kind of difference, both ways, on official-shaped documents built here."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools.spec_diff import Difference, compare, load_deviations, load_document, main

ROOT = Path(__file__).resolve().parent.parent.parent
OURS: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
DEVIATIONS = load_deviations(ROOT / "spec-deviations.yaml")
ERROR_STATUSES = {"400", "401", "403", "404", "409", "500"}

Doc = dict[str, Any]


def official() -> Doc:
    """Our fragment as Kalshi publishes it: deviations undone, inside a larger spec."""
    doc = copy.deepcopy(OURS)
    for item in doc["paths"].values():
        for op in item.values():
            for status, response in op["responses"].items():
                if status in ERROR_STATUSES:
                    response.pop("content", None)
    schemas = doc["components"]["schemas"]
    schemas["ApiKey"]["properties"]["scopes"]["items"] = {
        "$ref": "#/components/schemas/ApiKeyScope"
    }
    schemas["GenerateApiKeyResponse"]["properties"]["key_type"] = {
        "$ref": "#/components/schemas/ApiKeyType"
    }
    del doc["security"]  # the full spec has none at the root: the same as []
    # Unrelated operations and components around ours, as in the real document.
    doc["paths"]["/exchange/status"] = {
        "get": {
            "operationId": "GetExchangeStatus",
            "tags": ["exchange"],
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ExchangeStatus"}
                        }
                    },
                },
                "404": {"$ref": "#/components/responses/NotFoundError"},
            },
        }
    }
    schemas["ExchangeStatus"] = {"type": "object", "properties": {"open": {"type": "boolean"}}}
    doc["components"]["responses"] = {
        "NotFoundError": {
            "description": "Not found",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}
            },
        }
    }
    doc["components"]["securitySchemes"]["kalshiOauthAccessToken"] = {
        "type": "http",
        "scheme": "bearer",
    }
    doc["info"] = {"title": "Kalshi Trade API Manual Endpoints", "version": "9.0.0"}
    doc["openapi"] = "3.0.0"
    return doc


def diff(upstream: Doc, ours: Doc | None = None) -> list[Difference]:
    return compare(upstream, OURS if ours is None else ours, DEVIATIONS).drift


def schema(doc: Doc, name: str) -> Doc:
    found: Doc = doc["components"]["schemas"][name]
    return found


def test_our_spec_against_its_official_form_is_in_sync() -> None:
    report = compare(official(), OURS, DEVIATIONS)
    assert report.drift == []
    assert {d.deviation for d in report.known} == {d.id for d in DEVIATIONS}
    assert report.stale_deviations == []
    assert report.text == []
    assert report.compared["operations"] == 4
    # Unrelated paths and the schemas only they use are not part of the comparison.
    assert not any("ExchangeStatus" in d.place or "exchange" in d.place for d in report.known)


def test_known_deviations_name_their_place_and_both_sides() -> None:
    known = {d.place: d for d in compare(official(), OURS, DEVIATIONS).known}
    scopes = known["components.schemas.ApiKey.properties.scopes.items"]
    assert (scopes.upstream, scopes.ours, scopes.deviation) == (
        "$ref ApiKeyScope",
        "type string",
        "response-scopes-open",
    )
    content = known["paths./api_keys/{api_key}.delete.responses.404.content"]
    assert content.upstream is None
    assert content.ours == "application/json schema $ref ErrorResponse"
    assert content.deviation == "error-bodies"


def _edit(path: str, value: Any) -> Callable[[Doc], None]:
    """A mutation that sets (or, with value None, deletes) a dotted place in a document."""

    def apply(doc: Doc) -> None:
        *parents, last = path.split("|")
        node: Any = doc
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            index = int(last)
            if value is None:
                del node[index]
            elif index == len(node):
                node.append(value)
            else:
                node[index] = value
        elif value is None:
            del node[last]
        else:
            node[last] = value

    return apply


STRING = {"type": "string"}
# (what changes upstream, the place reported, upstream side, our side)
UPSTREAM_CHANGES = [
    pytest.param(
        _edit("paths|/api_keys/{api_key}|get", {"operationId": "GetApiKey", "tags": ["api-keys"],
              "responses": {"200": {"description": "ok"}}}),
        "paths./api_keys/{api_key}.get", "[operationId, responses, security, tags]", None,
        id="operation-only-upstream",
    ),
    pytest.param(
        _edit("paths|/api_keys/{api_key}", None),
        "paths./api_keys/{api_key}", None, "[delete]", id="operation-only-ours",
    ),
    pytest.param(
        _edit("paths|/api_keys|get|operationId", "ListApiKeys"),
        "paths./api_keys.get.operationId", '"ListApiKeys"', '"GetApiKeys"', id="operation-id",
    ),
    pytest.param(
        _edit("paths|/api_keys|get|parameters|1", {"name": "limit", "in": "query",
              "schema": {"type": "integer"}}),
        "paths./api_keys.get.parameters.query:limit", "schema type integer", None,
        id="parameter-only-upstream",
    ),
    pytest.param(
        _edit("paths|/api_keys|get|parameters", None),
        "paths./api_keys.get.parameters", None, "[query:fcm_subtrader_id]",
        id="parameter-only-ours",
    ),
    pytest.param(
        _edit("paths|/api_keys|get|parameters|0|required", True),
        "paths./api_keys.get.parameters.query:fcm_subtrader_id.required", "true", None,
        id="parameter-required",
    ),
    pytest.param(
        _edit("paths|/api_keys/{api_key}|delete|parameters|0|schema", {"type": "integer"}),
        "paths./api_keys/{api_key}.delete.parameters.path:api_key.schema.type",
        '"integer"', '"string"', id="parameter-schema",
    ),
    pytest.param(
        _edit("paths|/api_keys|post|requestBody|required", False),
        "paths./api_keys.post.requestBody.required", None, "true", id="request-body-required",
    ),
    pytest.param(
        _edit("paths|/api_keys|post|requestBody|content|application/json|schema|$ref",
              "#/components/schemas/GenerateApiKeyRequest"),
        "paths./api_keys.post.requestBody.content.application/json.schema",
        "$ref GenerateApiKeyRequest", "$ref CreateApiKeyRequest", id="request-body-schema",
    ),
    pytest.param(
        _edit("paths|/api_keys|post|responses|429", {"description": "Too many requests"}),
        "paths./api_keys.post.responses.429", "[description]", None, id="status-only-upstream",
    ),
    pytest.param(
        _edit("paths|/api_keys/generate|post|responses|409", None),
        "paths./api_keys/generate.post.responses.409", None,
        "content application/json schema $ref ErrorResponse", id="status-only-ours",
    ),
    pytest.param(
        _edit("paths|/api_keys|get|responses|200|content|application/json|schema|$ref",
              "#/components/schemas/ApiKey"),
        "paths./api_keys.get.responses.200.content.application/json.schema",
        "$ref ApiKey", "$ref GetApiKeysResponse", id="response-schema",
    ),
    pytest.param(
        _edit("components|schemas|ApiKey|properties|expires_ts", {"type": "integer"}),
        "components.schemas.ApiKey.properties.expires_ts", "type integer", None,
        id="property-only-upstream",
    ),
    pytest.param(
        _edit("components|schemas|CreateApiKeyResponse|properties|warning", None),
        "components.schemas.CreateApiKeyResponse.properties.warning", None,
        "type string, nullable", id="property-only-ours",
    ),
    pytest.param(
        _edit("components|schemas|ApiKey|properties|name|type", "integer"),
        "components.schemas.ApiKey.properties.name.type", '"integer"', '"string"',
        id="property-type",
    ),
    pytest.param(
        _edit("components|schemas|GetApiKeysResponse|properties|api_key_region_expiration_ts|"
              "format", "int32"),
        "components.schemas.GetApiKeysResponse.properties.api_key_region_expiration_ts.format",
        '"int32"', '"int64"', id="format",
    ),
    pytest.param(
        _edit("components|schemas|ApiKeyType|enum", ["rsa", "ed25519", "ml_dsa"]),
        "components.schemas.ApiKeyType.enum.ml_dsa", "ml_dsa", None, id="enum-value-only-upstream",
    ),
    pytest.param(
        _edit("components|schemas|ApiKeyScope|enum", ["read", "write"]),
        "components.schemas.ApiKeyScope.enum.write::transfer", None,
        "write::transfer", id="enum-value-only-ours",
    ),
    pytest.param(
        _edit("components|schemas|ApiKey|required", ["api_key_id", "name", "scopes", "subaccount"]),
        "components.schemas.ApiKey.required.subaccount", "subaccount", None,
        id="required-only-upstream",
    ),
    pytest.param(
        _edit("components|schemas|CreateApiKeyRequest|required", ["name"]),
        "components.schemas.CreateApiKeyRequest.required.public_key", None, "public_key",
        id="required-only-ours",
    ),
    pytest.param(
        _edit("components|schemas|ApiKey|properties|subaccount|nullable", False),
        "components.schemas.ApiKey.properties.subaccount.nullable", None, "true", id="nullable",
    ),
    pytest.param(
        _edit("components|schemas|CreateApiKeyRequest|properties|subaccount|maximum", 127),
        "components.schemas.CreateApiKeyRequest.properties.subaccount.maximum", "127", "63",
        id="maximum",
    ),
    pytest.param(
        _edit("components|schemas|GenerateApiKeyRequest|properties|subaccount|minimum", 1),
        "components.schemas.GenerateApiKeyRequest.properties.subaccount.minimum", "1", "0",
        id="minimum",
    ),
    pytest.param(
        _edit("components|schemas|GetApiKeysResponse|properties|api_keys|items", STRING),
        "components.schemas.GetApiKeysResponse.properties.api_keys.items", "type string",
        "$ref ApiKey", id="array-items",
    ),
    pytest.param(
        _edit("components|schemas|GenerateApiKeyRequest|properties|key_type|$ref",
              "#/components/schemas/ApiKeyScope"),
        "components.schemas.GenerateApiKeyRequest.properties.key_type", "$ref ApiKeyScope",
        "$ref ApiKeyType", id="ref-target",
    ),
    pytest.param(
        _edit("paths|/api_keys|get|security", [{"kalshiOauthAccessToken": []}]),
        "paths./api_keys.get.security.kalshiOauthAccessToken", "kalshiOauthAccessToken", None,
        id="security-requirement",
    ),
    pytest.param(
        _edit("components|securitySchemes|kalshiAccessKey|name", "KALSHI-KEY"),
        "components.securitySchemes.kalshiAccessKey.name", '"KALSHI-KEY"',
        '"KALSHI-ACCESS-KEY"', id="security-scheme",
    ),
    pytest.param(
        _edit("servers|0", {"url": "https://trading-api.kalshi.com/trade-api/v2"}),
        'servers."https://trading-api.kalshi.com/trade-api/v2"',
        "https://trading-api.kalshi.com/trade-api/v2", None, id="server-only-upstream",
    ),
    pytest.param(
        _edit("servers|3", None),
        'servers."https://demo-api.kalshi.co/trade-api/v2"', None,
        "https://demo-api.kalshi.co/trade-api/v2", id="server-only-ours",
    ),
]  # fmt: skip


# Changes that bring more differences with them: a schema no longer referenced, one newly
# referenced, a security scheme now used, a server replaced.
CASCADES = {
    "request-body-schema", "response-schema", "enum-value-only-ours", "array-items",
    "security-requirement", "server-only-upstream",
}  # fmt: skip


@pytest.mark.parametrize(("change", "place", "upstream", "ours"), UPSTREAM_CHANGES)
def test_each_kind_of_difference_is_drift_naming_place_and_sides(
    request: pytest.FixtureRequest,
    change: Callable[[Doc], None],
    place: str,
    upstream: str | None,
    ours: str | None,
) -> None:
    doc = official()
    change(doc)
    drift = [(d.place, d.upstream, d.ours) for d in diff(doc)]
    assert (place, upstream, ours) in drift
    if request.node.callspec.id not in CASCADES:
        assert len(drift) == 1, drift


def test_transitive_references_are_followed() -> None:
    doc = official()
    doc["components"]["schemas"]["KeyLimits"] = {
        "type": "object",
        "properties": {"tier": {"$ref": "#/components/schemas/Tier"}},
    }
    doc["components"]["schemas"]["Tier"] = {"type": "string", "enum": ["basic", "premier"]}
    schema(doc, "ApiKey")["properties"]["limits"] = {"$ref": "#/components/schemas/KeyLimits"}
    places = {d.place: d.upstream for d in diff(doc)}
    assert places == {
        "components.schemas.ApiKey.properties.limits": "$ref KeyLimits",
        "components.schemas.KeyLimits": "type object",
        "components.schemas.Tier": "type string enum [basic, premier]",
    }


def test_a_change_to_an_unrelated_operation_is_not_reported() -> None:
    doc = official()
    schema(doc, "ExchangeStatus")["properties"]["open"] = {"type": "string"}
    doc["paths"]["/exchange/status"]["get"]["operationId"] = "Renamed"
    assert diff(doc) == []


def test_a_new_operation_with_our_tag_elsewhere_is_reported() -> None:
    doc = official()
    doc["paths"]["/account/api_key_limits"] = {
        "get": {"operationId": "GetApiKeyLimits", "tags": ["api-keys"], "responses": {}}
    }
    assert [d.place for d in diff(doc)] == ["paths./account/api_key_limits"]


def test_responses_by_reference_equal_the_same_responses_inline() -> None:
    doc = official()
    doc["components"]["responses"]["Unauthorized"] = {"description": "Unauthorized"}
    doc["paths"]["/api_keys"]["get"]["responses"]["401"] = {
        "$ref": "#/components/responses/Unauthorized"
    }
    assert diff(doc) == []


def test_description_changes_are_text_not_drift() -> None:
    doc = official()
    doc["paths"]["/api_keys"]["post"]["description"] = "Something new"
    schema(doc, "ApiKeyType")["description"] = "Also new"
    report = compare(doc, OURS, DEVIATIONS)
    assert report.drift == []
    assert [d.place for d in report.text] == [
        "components.schemas.ApiKeyType.description",
        "paths./api_keys.post.description",
    ]


def test_an_agreeing_upstream_makes_a_deviation_stale() -> None:
    doc = official()
    schema(doc, "ApiKey")["properties"]["scopes"]["items"] = {"type": "string"}
    report = compare(doc, OURS, DEVIATIONS)
    assert report.drift == []
    assert report.stale_deviations == ["response-scopes-open"]


def test_openapi_31_nullable_types_read_like_30_ones() -> None:
    doc = official()
    warning = schema(doc, "CreateApiKeyResponse")["properties"]["warning"]
    del warning["nullable"]
    warning["type"] = ["string", "null"]
    doc["openapi"] = "3.1.0"
    assert diff(doc) == []


# -- the command -------------------------------------------------------------------------


def write(tmp_path: Path, doc: Doc, name: str = "official.yaml") -> Path:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(doc), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def test_command_exit_0_in_sync_listing_known_deviations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(write(tmp_path, official()))]) == 0
    out = capsys.readouterr().out
    assert "in sync: no drift" in out
    assert "[response-scopes-open]" in out and "[error-bodies]" in out


def test_command_exit_1_on_drift_one_line_per_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = official()
    schema(doc, "ApiKeyScope")["enum"].append("write::margin")
    doc["paths"]["/api_keys"]["post"]["responses"]["422"] = {"description": "Unprocessable"}
    assert main([str(write(tmp_path, doc, "official.json"))]) == 1
    out = capsys.readouterr().out
    assert "DRIFT: 2 difference(s)" in out
    enum = "components.schemas.ApiKeyScope.enum.write::margin"
    assert f"  {enum}: upstream write::margin | ours (absent)" in out.splitlines()
    assert "  paths./api_keys.post.responses.422: upstream [description] | ours (absent)" in out


def test_command_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = official()
    schema(doc, "ApiKey")["properties"]["name"]["maxLength"] = 64
    assert main([str(write(tmp_path, doc)), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["in_sync"] is False
    assert report["upstream_version"] == "9.0.0"
    assert report["drift"] == [
        {
            "place": "components.schemas.ApiKey.properties.name.maxLength",
            "upstream": "64",
            "ours": None,
            "deviation": None,
            "kind": "only_upstream",
        }
    ]
    assert {d["deviation"] for d in report["known_deviations"]} == {d.id for d in DEVIATIONS}


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("swagger: '2.0'\npaths: {}\n", "is not an OpenAPI 3 document"),
        ("openapi: 3.0.0\ninfo: {}\n", "has no 'paths' map"),
        ("openapi: [unclosed\n", "neither valid YAML nor JSON"),
        ('{"openapi": "3.0.0", ', "neither valid YAML nor JSON"),
        ("just some words\n", "is not an OpenAPI 3 document"),
    ],
)
def test_command_exit_2_for_a_document_it_cannot_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, says: str
) -> None:
    path = tmp_path / "official.yaml"
    path.write_text(content, encoding="utf-8")
    assert main([str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith("spec-diff: error: ") and says in line


def test_command_exit_2_for_a_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "nope.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_load_document_reads_json(tmp_path: Path) -> None:
    doc = official()
    assert load_document(write(tmp_path, doc, "spec.json")) == json.loads(json.dumps(doc))


def test_make_spec_diff_runs_the_tool(tmp_path: Path) -> None:
    official_file = write(tmp_path, official())
    venv = Path(sys.prefix)
    run = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "spec-diff", f"OFFICIAL={official_file}",
         f"VENV={venv}", f"STAMP={venv}/.installed"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "in sync: no drift" in run.stdout
    missing = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "spec-diff", f"VENV={venv}", f"STAMP={venv}/.installed"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert missing.returncode != 0
    assert "usage: make spec-diff OFFICIAL=" in missing.stdout
