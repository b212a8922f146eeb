"""The hand-written package reads as one job per module, and nothing in it points upward.

What a newcomer relies on when finding their way: each module of ``kalshi_auth`` is about 300
lines at most and says its job in a one-line docstring; the CLI's modules import only those
below them; the CLI calls Kalshi through ``ApiKeysApi``, the SDK it ships, and words SDK errors
from their fields, never by rewriting their text.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent.parent / "auth_ext" / "kalshi_auth"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 320  # "about 300"

#: The CLI's modules, bottom first: each may import only those before it.
CLI_LAYERS = ["_console", "_help", "_keygen", "_session", "_diagnose", "_unsaved", "_commands",
              "_token", "_rotate", "_handlers", "_parser", "_app", "__init__"]  # fmt: skip


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_each_module_is_small_and_says_its_job(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_LINES, f"{_name(path)}: split it by job"
    docstring = ast.get_docstring(ast.parse(source))
    assert docstring, f"{_name(path)} has no module docstring"


def _cli_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
    }


def test_the_cli_layers_are_as_listed() -> None:
    assert sorted(CLI_LAYERS) == sorted(p.stem for p in (PACKAGE / "cli").glob("*.py"))


@pytest.mark.parametrize("layer", CLI_LAYERS)
def test_no_cli_module_imports_upward(layer: str) -> None:
    below = set(CLI_LAYERS[: CLI_LAYERS.index(layer)])
    imported = _cli_imports(PACKAGE / "cli" / f"{layer}.py")
    assert imported <= below, f"cli/{layer}.py imports {sorted(imported - below)} from above it"


def test_the_cli_calls_kalshi_through_api_keys_api_only() -> None:
    for path in (PACKAGE / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "kalshi_api_keys_client.api.api_keys"
            ):
                assert [alias.name for alias in node.names] == ["ApiKeysApi"], _name(path)


def test_no_message_is_reworded_by_replacing_text() -> None:
    """Error wording comes from the errors' fields (``_hints``), not from ``str.replace``."""
    for path in (PACKAGE / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert (
                    node.func.attr != "replace"
                    or not node.args
                    or not isinstance(node.args[0], ast.Constant)
                    or not isinstance(node.args[0].value, str)
                ), f"{_name(path)}:{node.lineno}"


def test_the_cli_writes_to_the_terminal_only_through_its_console() -> None:
    """Every string reaches stdout/stderr through ``Console.write`` (``test_console.py``)."""
    for path in (PACKAGE / "cli").glob("*.py"):
        if path.name == "_console.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{_name(path)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"print", "input"}, where
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                receiver = node.func.value
                through_console = isinstance(receiver, ast.Name) and receiver.id == "console"
                if not through_console:
                    assert node.func.attr not in {"write", "writelines", "print_help"}, where
