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
        (name for name in vars(module) if not name.startswith("_")),
        key=str.casefold,
    )
    public = [n for n in public if not isinstance(getattr(module, n), types.ModuleType)]
    public = [n for n in public if n != "annotations"]
    assert sorted(module.__all__, key=str.casefold) == public
    assert module.__all__ == sorted(module.__all__, key=lambda n: (not n.isupper(), n))


@pytest.mark.parametrize("name", kalshi_auth.__all__ + kalshi_auth.testing.__all__)
def test_every_public_name_is_documented(name: str) -> None:
    obj = getattr(kalshi_auth, name, None) or getattr(kalshi_auth.testing, name)
    if inspect.isclass(obj) or inspect.isfunction(obj):
        assert inspect.getdoc(obj), f"{name} has no docstring"
