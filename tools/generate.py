"""Run the pinned generator on openapi.yaml, as make generate, check-generated and spec-update do.

    python tools/generate.py OUTPUT_PACKAGE_DIR

Writes the package into a scratch directory beside OUTPUT_PACKAGE_DIR and then puts it in
place, so a failed run leaves the old package as it was. ``--fail-on-warning`` because a
warning means an endpoint was silently dropped; ``templates/`` holds our few template
overrides (see its README). The generator finds its post-hooks (ruff, python) on PATH: they
must be this environment's pinned ones, so this interpreter's bin directory goes first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["GeneratorError", "generate", "main"]

ROOT = Path(__file__).resolve().parent.parent


class GeneratorError(Exception):
    """The generator failed; the message holds its output."""


def generate(output: Path, *, root: Path = ROOT, spec: Path | None = None) -> None:
    """Generate the client from ``spec`` (default: root/openapi.yaml) into ``output``."""
    bin_dir = Path(sys.executable).parent
    scratch = output.parent / f".{output.name}.generating"
    shutil.rmtree(scratch, ignore_errors=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(bin_dir / "openapi-python-client"), "generate",
        "--path", str(spec or root / "openapi.yaml"),
        "--config", str(root / "generator-config.yml"),
        "--custom-template-path", str(root / "templates"),
        "--meta", "none", "--output-path", str(scratch), "--fail-on-warning",
    ]  # fmt: skip
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        shutil.rmtree(scratch, ignore_errors=True)
        raise GeneratorError((done.stdout + done.stderr).strip() or f"exit {done.returncode}")
    shutil.rmtree(scratch / ".ruff_cache", ignore_errors=True)
    shutil.rmtree(output, ignore_errors=True)
    scratch.rename(output)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python tools/generate.py OUTPUT_PACKAGE_DIR", file=sys.stderr)
        return 2
    try:
        generate(Path(args[0]).absolute())
    except GeneratorError as exc:
        print(f"error: the generator failed:\n{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
