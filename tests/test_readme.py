"""Every Python block in the README type-checks under mypy --strict exactly as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"^```python\n(.*?)^```", (ROOT / "README.md").read_text("utf-8"), re.S | re.M)


def test_the_readme_has_python_blocks() -> None:
    assert len(BLOCKS) >= 5
    assert "ApiKeysApi(client)" in BLOCKS[0]  # the quick start leads with the class


@pytest.mark.skipif(not (Path(sys.prefix) / "bin" / "mypy").exists(), reason="needs mypy")
def test_every_python_block_passes_mypy_strict(tmp_path: Path) -> None:
    files = []
    for number, block in enumerate(BLOCKS, start=1):
        path = tmp_path / f"readme_block_{number}.py"
        path.write_text(block, encoding="utf-8")
        files.append(str(path))
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", *files],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, "README blocks fail mypy --strict:\n" + done.stdout + done.stderr
