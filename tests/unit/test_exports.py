"""The public surface: exactly what __all__ lists, sorted, each documented."""

from __future__ import annotations

import inspect
import types

import kalshi_auth
import kalshi_auth.testing
import pytest


@pytest.mark.parametrize("module", [kalshi_auth, kalshi_auth.testing])
def test_all_is_sorted_and_complete(module: types.ModuleType) -> None:
    public = sorted(
        (name for name in dir(module) if not name.startswith("_")),
        key=str.casefold,
    )
    public = [n for n in public if not isinstance(getattr(module, n), types.ModuleType)]
    public = [n for n in public if n not in {"annotations", "importlib", "TYPE_CHECKING", "Any"}]
    assert sorted(module.__all__, key=str.casefold) == public
    assert module.__all__ == sorted(module.__all__, key=lambda n: (not n.isupper(), n))


@pytest.mark.parametrize("name", kalshi_auth.__all__ + kalshi_auth.testing.__all__)
def test_every_public_name_is_documented(name: str) -> None:
    obj = getattr(kalshi_auth, name, None) or getattr(kalshi_auth.testing, name)
    if inspect.isclass(obj) or inspect.isfunction(obj):
        assert inspect.getdoc(obj), f"{name} has no docstring"


def test_a_plain_import_loads_nothing_heavy() -> None:
    """`import kalshi_auth` defers httpx2, cryptography and the generated client to first use."""
    import subprocess
    import sys

    code = (
        "import sys; import kalshi_auth; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'httpx', 'cryptography', 'kalshi_api_keys_client', 'attrs', 'asyncio', 'anyio'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_every_lazy_name_resolves_to_its_definition() -> None:
    for name in kalshi_auth.__all__:
        obj = getattr(kalshi_auth, name)
        assert obj is not None
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__module__.startswith("kalshi_auth.")
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        kalshi_auth.nope  # type: ignore[attr-defined]  # noqa: B018  (mypy must refuse it)
