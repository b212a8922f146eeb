"""tools/api_report.py: each kind of public API change classified, on packages written here.

Two small packages shaped like the generator's output (attrs-style model fields, ``Literal``
enums, endpoint functions, an API class) are read by griffe from real files; the report must
name every change and call it breaking or additive. tests/generation/test_spec_update.py runs
the report on the real generated client.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tools.api_report import Change, changelog_entry, changes, load_package, main

BEFORE = {
    "models/key.py": """
        from typing import Literal
        from ..types import UNSET, Unset

        KeyType = Literal["ed25519", "rsa"]

        class Key:
            key_id: str
            name: str
            scopes: list[str]
            subaccount: int | Unset = UNSET
            region: str | Unset = UNSET
    """,
    "api/keys.py": """
        from ..types import UNSET, Unset

        def sync(*, client: object, owner: str | Unset = UNSET) -> list[str]:
            return []

        def legacy(*, client: object) -> None:
            return None

        class KeysApi:
            def list(self, *, owner: str | Unset = UNSET) -> list[str]:
                return []
    """,
}

AFTER = {
    "models/key.py": """
        from typing import Literal
        from ..types import UNSET, Unset

        KeyType = Literal["ed25519", "ml_dsa"]

        class Key:
            key_id: str
            name: int
            scopes: list[str]
            subaccount: int
            region: str | Unset = UNSET
            created_ts: int | Unset = UNSET
            owner: str
    """,
    "api/keys.py": """
        from ..types import UNSET, Unset

        def sync(*, client: object, limit: int | Unset = UNSET) -> list[str]:
            return []

        def fresh(*, client: object) -> None:
            return None

        class KeysApi:
            def list(self, *, owner: str | Unset = UNSET, window: int) -> list[str]:
                return []
    """,
}

TYPES = "class Unset: ...\nUNSET = Unset()\n"


def _package(root: Path, files: dict[str, str]) -> Path:
    package = root / "client_pkg"
    for name, source in {**files, "types.py": TYPES}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    for folder in (package, package / "models", package / "api"):
        (folder / "__init__.py").touch()
    return package


def _report(tmp_path: Path) -> list[Change]:
    old = load_package(_package(tmp_path / "old", BEFORE))
    new = load_package(_package(tmp_path / "new", AFTER))
    return changes(old, new)


def test_each_change_is_found_once_and_classified(tmp_path: Path) -> None:
    found = {(c.severity, c.path, c.what) for c in _report(tmp_path)}
    assert found == {
        ("breaking", "models.key.KeyType", "value 'rsa' removed"),
        ("additive", "models.key.KeyType", "value 'ml_dsa' added"),
        ("breaking", "models.key.Key.name", "type changed from str to int"),
        ("breaking", "models.key.Key.subaccount", "type changed from int | Unset to int"),
        ("breaking", "models.key.Key.subaccount", "field became required"),
        ("additive", "models.key.Key.created_ts", "optional field added (int | Unset)"),
        ("breaking", "models.key.Key.owner",
         "required field added (str): constructing `Key` now needs it"),
        ("breaking", "api.keys.sync", "Parameter was removed: `owner`"),
        ("additive", "api.keys.sync", "optional parameter `limit` added"),
        ("breaking", "api.keys.legacy", "Public object was removed"),
        ("additive", "api.keys.fresh", "function added"),
        ("breaking", "api.keys.KeysApi.list", "Parameter was added as required: `window`"),
    }  # fmt: skip


def test_no_change_is_reported_as_none(tmp_path: Path) -> None:
    same = load_package(_package(tmp_path / "a", BEFORE))
    assert changes(same, load_package(_package(tmp_path / "b", BEFORE))) == []
    assert "No change to the generated package's public API." in changelog_entry([], "1.2.3")


def test_the_changelog_draft_lists_breaking_before_additive(tmp_path: Path) -> None:
    entry = changelog_entry(_report(tmp_path), "3.35.0")
    assert entry.startswith("### What changed in `kalshi_api_keys_client` (spec 3.35.0;")
    breaking, additive = entry.split("Additive (existing code keeps working):")
    assert "- `api.keys.legacy`: Public object was removed" in breaking
    assert "- `api.keys.fresh`: function added" in additive
    assert "removed" not in additive


def test_the_command_prints_the_draft_and_refuses_what_is_not_a_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _package(tmp_path / "old", BEFORE)
    new = _package(tmp_path / "new", AFTER)
    assert main([str(old), str(new), "--version", "9.9.9"]) == 0
    assert "(spec 9.9.9;" in capsys.readouterr().out
    assert main([str(old), str(tmp_path / "nowhere")]) == 2
    assert "is not a package directory" in capsys.readouterr().err
