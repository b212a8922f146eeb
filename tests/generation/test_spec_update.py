"""make spec-update: every kind of upstream change applied in place, our words and layout kept.

The unit half runs tools/spec_merge.py in-process on every change that
tests/generation/test_spec_diff.py knows how to detect; the integration half runs
tools/spec_update.py on a copy of the repo's spec files, regenerating the client with the
pinned generator (tests/generation/test_api_report.py covers the API report on its own).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.generation.test_spec_diff import CASCADES, DEVIATIONS, UPSTREAM_CHANGES, official, schema
from tools.spec_diff import compare
from tools.spec_merge import MARKER, Merger
from tools.spec_update import main, round_trip_yaml

ROOT = Path(__file__).resolve().parent.parent.parent
SPEC_TEXT = (ROOT / "openapi.yaml").read_text(encoding="utf-8")
GENERATOR = Path(sys.executable).parent / "openapi-python-client"
needs_generator = pytest.mark.skipif(not GENERATOR.exists(), reason="needs the dev venv: make venv")

Doc = dict[str, Any]


def merged(upstream: Doc, text: str = SPEC_TEXT) -> tuple[str, Merger]:
    """Our spec (as text) after one update from ``upstream``, and what the update did."""
    yaml_rt = round_trip_yaml()
    ours = yaml_rt.load(text)
    merger = Merger(upstream, ours, DEVIATIONS)
    merger.merge()
    out = io.StringIO()
    yaml_rt.dump(ours, out)
    return out.getvalue(), merger


def test_our_spec_loads_and_dumps_byte_for_byte() -> None:
    """What makes "keeps our comments, key order and formatting" possible at all."""
    yaml_rt = round_trip_yaml()
    out = io.StringIO()
    yaml_rt.dump(yaml_rt.load(SPEC_TEXT), out)
    assert out.getvalue() == SPEC_TEXT


def test_an_agreeing_upstream_changes_nothing() -> None:
    text, merger = merged(official())
    assert text == SPEC_TEXT
    assert merger.applied == [] and merger.marked == []
    assert set(merger.kept) == {d.id for d in DEVIATIONS}


@pytest.mark.parametrize(("change", "place", "upstream", "ours"), UPSTREAM_CHANGES)
def test_each_kind_of_difference_is_applied_until_spec_diff_sees_none(
    request: pytest.FixtureRequest,
    change: Callable[[Doc], None],
    place: str,
    upstream: str | None,
    ours: str | None,
) -> None:
    doc = official()
    change(doc)
    text, merger = merged(doc)
    after = yaml.safe_load(text)
    left = [d.place for d in compare(doc, after, DEVIATIONS).drift]
    if request.node.callspec.id == "ref-target":
        # ApiKeyType is then used upstream only by GenerateApiKeyResponse.key_type, which our
        # deviation keeps a string: spec-diff (and so spec-update) leaves that to a maintainer.
        assert left == ["components.schemas.ApiKeyType"]
    else:
        assert left == []
    changed = [line.rsplit(": ", 1)[0] for line in merger.applied]
    assert any(
        c == place or f"{c}.".startswith(f"{place}.") or place.startswith(f"{c}.") for c in changed
    ), merger.applied
    if request.node.callspec.id in CASCADES:
        return  # e.g. a schema no longer referenced goes, with its comments
    assert len(merger.applied) == 1, merger.applied
    # Only the changed element moved: every comment of ours is still there.
    comments = [line for line in SPEC_TEXT.splitlines() if line.lstrip().startswith("#")]
    assert [line for line in comments if line not in text.splitlines()] == []


def test_new_elements_get_a_marker_never_kalshis_words() -> None:
    doc = official()
    words = "Unix time at which Kalshi made this key, in Kalshi's own phrasing"
    schema(doc, "ApiKey")["properties"]["created_ts"] = {"type": "integer", "description": words}
    schema(doc, "ApiKeyType")["enum"].append("ml_dsa")
    doc["paths"]["/api_keys"]["post"]["responses"]["429"] = {"description": "Rate limited, sir"}
    text, merger = merged(doc)
    assert words not in text and "Rate limited, sir" not in text
    new = yaml.safe_load(text)
    assert schema(new, "ApiKey")["properties"]["created_ts"] == {
        "description": MARKER,
        "type": "integer",
    }
    assert new["paths"]["/api_keys"]["post"]["responses"]["429"] == {"description": MARKER}
    assert f"- ml_dsa  # {MARKER}" in text
    assert set(merger.marked) == {
        "components.schemas.ApiKey.properties.created_ts",
        "components.schemas.ApiKeyType.enum.ml_dsa",
        "paths./api_keys.post.responses.429",
    }


def test_a_new_property_goes_where_kalshi_puts_it() -> None:
    doc = official()
    properties = schema(doc, "ApiKey")["properties"]
    names = list(properties)
    schema(doc, "ApiKey")["properties"] = {
        **{name: properties[name] for name in names[:2]},
        "created_ts": {"type": "integer"},
        **{name: properties[name] for name in names[2:]},
    }
    text, _ = merged(doc)
    after = list(schema(yaml.safe_load(text), "ApiKey")["properties"])
    assert after == [*names[:2], "created_ts", *names[2:]]


def test_openapi_31_types_are_written_in_our_30_form() -> None:
    doc = official()
    doc["openapi"] = "3.1.0"
    schema(doc, "ApiKey")["properties"]["note"] = {"type": ["string", "null"]}
    text, _ = merged(doc)
    note = schema(yaml.safe_load(text), "ApiKey")["properties"]["note"]
    assert note == {"description": MARKER, "type": "string", "nullable": True}


def test_a_known_deviation_is_kept_and_a_stale_one_reported(tmp_path: Path) -> None:
    doc = official()
    schema(doc, "ApiKey")["properties"]["scopes"]["items"] = {"type": "string"}  # now agrees
    text, merger = merged(doc)
    assert text == SPEC_TEXT
    assert "response-scopes-open" not in merger.kept
    assert "response-key-type-open" in merger.kept
    assert compare(doc, yaml.safe_load(text), DEVIATIONS).stale_deviations == [
        "response-scopes-open"
    ]


# -- the whole command, on a copy of the repo's spec files -----------------------------------


def _repo_copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for name in ("openapi.yaml", "spec-deviations.yaml", "README.md", "CONTRIBUTING.md",
                 "CHANGELOG.md", "generator-config.yml"):  # fmt: skip
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, root / name)
    (root / "auth_ext" / "kalshi_auth").mkdir(parents=True)
    shutil.copy2(ROOT / "auth_ext/kalshi_auth/_version.py", root / "auth_ext/kalshi_auth")
    shutil.copytree(ROOT / "templates", root / "templates")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "generated", root / "generated", ignore=ignore)
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _official_file(tmp_path: Path, doc: Doc, version: str, as_json: bool = False) -> Path:
    doc["info"]["version"] = version
    path = tmp_path / ("kalshi.json" if as_json else "kalshi.yaml")
    path.write_text(json.dumps(doc) if as_json else yaml.safe_dump(doc), encoding="utf-8")
    return path


@needs_generator
def test_restores_removed_elements_regenerates_and_reports_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Done-when of the issue: a fragment with elements removed is brought back to Kalshi's."""
    root = _repo_copy(tmp_path)
    reduced = yaml.safe_load(SPEC_TEXT)
    del reduced["paths"]["/api_keys/{api_key}"]  # an operation
    del reduced["paths"]["/api_keys"]["get"]["parameters"]  # a parameter
    del schema(reduced, "ApiKey")["properties"]["fcm_subtrader_id"]  # a property
    schema(reduced, "ApiKeyScope")["enum"].remove("write::transfer")  # an enum value
    schema(reduced, "CreateApiKeyRequest")["required"].remove("public_key")  # a requirement
    (root / "openapi.yaml").write_text(yaml.safe_dump(reduced, sort_keys=False))
    from tools.generate import generate

    generate(root / "generated" / "kalshi_api_keys_client", root=root)

    official_file = _official_file(tmp_path, official(), "3.35.0", as_json=True)
    assert main([str(official_file), "--root", str(root)]) == 0
    out = capsys.readouterr().out

    restored = yaml.safe_load((root / "openapi.yaml").read_text(encoding="utf-8"))
    assert compare(official(), restored, DEVIATIONS).drift == []
    assert restored["info"]["version"] == "3.35.0"
    package = root / "generated" / "kalshi_api_keys_client"
    assert (package / "api" / "api_keys" / "delete_api_key.py").is_file()
    assert "fcm_subtrader_id" in (package / "models" / "api_key.py").read_text(encoding="utf-8")
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 3.35.0 (unreleased)") < changelog.index("## 3.34.0")
    for line in (
        "- `api.api_keys.delete_api_key`: module added",
        "- `api.api_keys.ApiKeysApi.delete_api_key`: function added",
        "- `api.api_keys.ApiKeysApi.get_api_keys`: optional parameter `fcm_subtrader_id` added",
        "- `models.api_key.ApiKey.fcm_subtrader_id`: optional field added",
        "- `models.api_key_scope.ApiKeyScope`: value 'write::transfer' added",
        "- `models.create_api_key_request.CreateApiKeyRequest.public_key`: field became required",
    ):
        assert line in changelog and line in out, line
    breaking, additive = changelog.split("Additive (existing code keeps working):", 1)
    assert "field became required" in breaking and "module added" in additive
    assert "paths./api_keys/{api_key}.delete: added" in out
    assert 'VERSION = "3.35.0"' in (root / "auth_ext/kalshi_auth/_version.py").read_text()

    before = _snapshot(root)  # run twice: the second run changes nothing
    assert main([str(official_file), "--root", str(root)]) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert _snapshot(root) == before


@pytest.mark.parametrize("content", ["not: [an, openapi, document]\n", "{broken json", ""])
def test_a_file_that_is_not_openapi_exits_2_and_changes_nothing(
    tmp_path: Path, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _repo_copy(tmp_path)
    before = _snapshot(root)
    bad = tmp_path / "kalshi.yaml"
    bad.write_text(content, encoding="utf-8")
    assert main([str(bad), "--root", str(root)]) == 2
    assert "spec-update: error:" in capsys.readouterr().err
    assert _snapshot(root) == before


@needs_generator
def test_a_failed_regeneration_puts_every_file_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _repo_copy(tmp_path)
    config = root / "generator-config.yml"
    config.write_text(config.read_text() + "literal_enums: [not, a, bool]\n")
    before = _snapshot(root)
    doc = official()
    schema(doc, "ApiKeyType")["enum"].append("ml_dsa")
    assert main([str(_official_file(tmp_path, doc, "3.35.0")), "--root", str(root)]) == 1
    assert "every file is as it was" in capsys.readouterr().err
    assert _snapshot(root) == before


def test_make_spec_update_without_official_prints_usage() -> None:
    done = subprocess.run(["make", "-s", "-C", str(ROOT), "spec-update"], capture_output=True,
                          text=True, check=False, timeout=120)  # fmt: skip
    assert done.returncode == 2
    assert "usage: make spec-update OFFICIAL=" in done.stdout
