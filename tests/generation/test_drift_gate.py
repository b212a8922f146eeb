"""The drift gate fails, naming the fix, when openapi.yaml changes without `make generate`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
VENV = Path(sys.prefix)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.skipif(not (VENV / "bin" / "openapi-python-client").exists(), reason="needs the venv")
def test_one_word_spec_change_fails_check_generated(tmp_path: Path) -> None:
    version = Path("auth_ext", "kalshi_auth", "_version.py")
    (tmp_path / version).parent.mkdir(parents=True)
    for name in ("Makefile", "openapi.yaml", "generator-config.yml", "pyproject.toml",
                 "hatch_build.py", version):  # fmt: skip
        shutil.copy2(ROOT / name, tmp_path / name)
    for folder in ("requirements", "templates", "tools"):
        shutil.copytree(ROOT / folder, tmp_path / folder, copy_function=shutil.copy2)
    shutil.copytree(
        ROOT / "generated", tmp_path / "generated", ignore=shutil.ignore_patterns("__pycache__")
    )
    # -o: the venv's stamps count as up to date, so make never reinstalls from this copy.
    stamps = [f"STAMP={VENV}/.installed", f"DEPS_STAMP={VENV}/.requirements"]
    old = ["-o", f"{VENV}/.installed", "-o", f"{VENV}/.requirements"]
    make = ["make", "-s", "-C", str(tmp_path), f"VENV={VENV}", *stamps, *old]

    clean = subprocess.run([*make, "check-generated"], capture_output=True, text=True, check=False)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    spec = tmp_path / "openapi.yaml"
    spec.write_text(spec.read_text().replace("Endpoint for deleting", "Endpoint for removing"))
    drift = subprocess.run([*make, "check-generated"], capture_output=True, text=True, check=False)
    assert drift.returncode != 0
    assert "Run 'make generate'" in drift.stdout + drift.stderr
    assert "Endpoint for removing" in drift.stdout
