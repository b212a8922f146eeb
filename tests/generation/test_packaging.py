"""`pip install .` ships both packages, typed, with only the minimal runtime dependencies."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

from tools.spec_version import PLACES, mismatches, spec_version, with_version

ROOT = Path(__file__).resolve().parent.parent.parent


def test_wheel_ships_both_typed_packages(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("kalshi_api_keys-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in ("kalshi_api_keys_client", "kalshi_auth"):
        assert f"{package}/__init__.py" in names
        assert f"{package}/py.typed" in names
    assert "pytest_kalshi_keys.py" in names
    entry_points = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    )
    assert b"[pytest11]\nkalshi-keys = pytest_kalshi_keys" in entry_points
    assert "kalshi_api_keys_client/api/api_keys/delete_api_key.py" in names
    assert not any(name.startswith(("tests/", "generated/", "auth_ext/")) for name in names)
    metadata = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/METADATA"))
    )
    requires = sorted(
        line.split(":", 1)[1].split(";")[0].strip().split("<")[0].split(">")[0]
        for line in metadata.decode().splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    )
    assert requires == ["attrs", "cryptography", "httpx2", "sniffio"]
    assert not _installs_httpx(requires)


def _installs_httpx(requirements: list[str]) -> bool:
    """Whether installing ``requirements`` brings an ``httpx``/``httpcore`` distribution, as
    the installed distributions' own metadata says (followed transitively)."""
    from importlib import metadata

    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = list(requirements)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return bool(seen & {"httpx", "httpcore"})


def test_the_runtime_never_imports_httpx() -> None:
    """httpx2 is the HTTP stack: a signed call, sync and async, loads no httpx or httpcore
    (the dev venv has them, for the generator)."""
    script = (
        "import asyncio, sys\n"
        "from kalshi_api_keys_client.api.api_keys import ApiKeysApi, AsyncApiKeysApi\n"
        "from kalshi_auth import signed_client\n"
        "from kalshi_auth.testing import FakeExchange, serve\n"
        "exchange = FakeExchange(); key = exchange.add_key(name='k')\n"
        "with serve(exchange) as running:\n"
        "    client = signed_client(api_key_id=key.api_key_id,\n"
        "        private_key_pem=key.private_key_pem, base_url=running.base_url)\n"
        "    ApiKeysApi(client).get_api_keys()\n"
        "    asyncio.run(AsyncApiKeysApi(client).get_api_keys())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'httpcore')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_place_that_names_the_spec_version_names_openapi_yamls() -> None:
    """openapi.yaml's info.version is the one source; each restatement names the file to fix
    (``make spec-update`` rewrites them all)."""
    version = spec_version(ROOT)
    assert mismatches(ROOT, version) == []


def test_a_place_left_behind_is_named(tmp_path: Path) -> None:
    for place in {p.path for p in PLACES}:
        (tmp_path / place).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / place).write_text((ROOT / place).read_text(encoding="utf-8"), encoding="utf-8")
    readme = tmp_path / "README.md"
    version = spec_version(ROOT)
    readme.write_text(readme.read_text(encoding="utf-8").replace(f"**{version}**", "**1.2.3**"))
    (problem,) = mismatches(tmp_path, version)
    assert problem.startswith("README.md: the opening says 1.2.3"), problem
    rewritten = with_version(tmp_path, "9.8.7")
    assert set(rewritten) == {tmp_path / p for p in {p.path for p in PLACES}}
    for path, text in rewritten.items():
        path.write_text(text, encoding="utf-8")
    assert spec_version(tmp_path) == "9.8.7"
    assert mismatches(tmp_path, "9.8.7") == []


def test_classifiers_name_exactly_the_pythons_the_suite_runs_on() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    (line,) = [ln for ln in makefile.splitlines() if ln.startswith("PYTHONS :=")]
    tested = set(line.split(":=", 1)[1].split())
    prefix = "Programming Language :: Python :: 3."
    claimed = {
        c.removeprefix("Programming Language :: Python :: ")
        for c in _pyproject()["project"]["classifiers"]
        if c.startswith(prefix)
    }
    assert claimed == tested
    floor = min(tested, key=lambda v: tuple(map(int, v.split("."))))
    assert _pyproject()["project"]["requires-python"] == f">={floor}"


def test_the_pytest_plugin_loads_nothing_but_pytest() -> None:
    code = (
        "import sys, pytest_kalshi_keys; "
        "print(sorted(m for m in ('httpx', 'cryptography', 'kalshi_auth', "
        "'kalshi_api_keys_client', 'attrs') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_pytest_plugin_is_registered() -> None:
    from importlib.metadata import entry_points

    (entry,) = [e for e in entry_points(group="pytest11") if e.name == "kalshi-keys"]
    assert entry.value == "pytest_kalshi_keys"


def test_the_built_metadata_is_derived_from_the_version_constant_and_the_spec(
    tmp_path: Path,
) -> None:
    """pyproject.toml restates neither: hatch_build.py reads them when the package is built."""
    from importlib import metadata

    from kalshi_auth._version import VERSION

    assert set(_pyproject()["project"]["dynamic"]) == {"version", "description"}
    installed = metadata.metadata("kalshi-api-keys")
    assert installed["Version"] == VERSION, "reinstall: make venv"
    assert f"(spec {spec_version(ROOT)})" in installed["Summary"], "reinstall: make venv"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    first = next(line for line in changelog.splitlines() if line.startswith("## "))
    assert first.startswith(f"## {VERSION} "), "CHANGELOG.md's first heading names another version"


def test_the_metadata_names_project_urls_that_are_https() -> None:
    from importlib import metadata

    urls = metadata.metadata("kalshi-api-keys").get_all("Project-URL") or []
    assert urls, "no Project-URL in the installed metadata (reinstall: make venv)"
    for entry in urls:
        label, _, url = entry.partition(", ")
        assert label and url.startswith("https://"), entry


def test_the_sdist_can_regenerate_the_client_and_both_carry_the_license(tmp_path: Path) -> None:
    """Failed before: no LICENSE anywhere, and the sdist lacked the templates and the Makefile."""
    import tarfile

    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(tmp_path)],
                   cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    (sdist,) = tmp_path.glob("kalshi_api_keys-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    needed = {"LICENSE", "Makefile", "openapi.yaml", "generator-config.yml", "requirements/dev.txt",
              "hatch_build.py", "tools/generate.py", "tests/conftest.py", "docs/conf.py",
              "CONTRIBUTING.md", "examples/demo.py"}  # fmt: skip
    needed |= {str(path.relative_to(ROOT)) for path in (ROOT / "templates").iterdir()}
    assert needed <= names, sorted(needed - names)
    # Failed before: BENCHMARKS.md (which the docs include) and bench/ were left out, so
    # `make test` failed in the unpacked sdist. Everything at the top is shipped but CI's
    # script, git's own files and what a build or a run leaves behind.
    local = {".ci", ".git", ".gitignore", ".gitattributes", "build", "dist", "PKG-INFO"}
    top = {
        p.name
        for p in ROOT.iterdir()
        if p.name not in local
        and not p.name.startswith(
            (".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", "__pycache__")
        )
    }
    shipped = {name.split("/", 1)[0] for name in names}
    assert top <= shipped, sorted(top - shipped)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("kalshi_api_keys-*.whl")
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in zipfile.ZipFile(wheel).namelist())
