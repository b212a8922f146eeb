"""generator-config.yml only uses keys openapi-python-client knows (it ignores typos silently)."""

from __future__ import annotations

from pathlib import Path

import yaml
from openapi_python_client.config import ConfigFile

CONFIG_PATH = Path(__file__).resolve().parent.parent.parent / "generator-config.yml"


def test_config_has_no_unknown_keys() -> None:
    config = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))
    unknown = set(config) - set(ConfigFile.model_fields)
    assert not unknown, f"keys the generator would silently ignore: {sorted(unknown)}"


def test_config_values_parse_and_hooks_ignore_repo_ruff_settings() -> None:
    config = ConfigFile.load_from_path(CONFIG_PATH)
    assert config.package_name_override == "kalshi_api_keys_client"
    assert config.post_hooks is not None
    ruff_hooks = [hook for hook in config.post_hooks if hook.startswith("ruff")]
    assert ruff_hooks, "the output must be formatted by the pinned ruff"
    assert all("--isolated" in hook for hook in ruff_hooks)
