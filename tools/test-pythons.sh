#!/bin/sh
# make test-pythons: the test suite on every Python the package claims (arguments: X.Y ...).
# Each version gets its own virtualenv (.venv-X.Y) from the pinned requirements/dev.txt. A
# version this machine does not have is reported as skipped; any failing version fails the run.
set -u
find_python() {
  # pythonX.Y on PATH (a pyenv shim may refuse if that version is not selected), then
  # pyenv's own install, then the usual system places.
  for candidate in "python$1" "$(pyenv root 2>/dev/null)/versions/$1"*/bin/python3 \
                   "/usr/bin/python$1" "/usr/local/bin/python$1"; do
    command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ] || continue
    if "$candidate" -c "import sys; sys.exit(f'{sys.version_info[0]}.{sys.version_info[1]}' != '$1')" \
        >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

summary=""
failed=0
for version in "$@"; do
  venv=".venv-$version"
  if ! python=$(find_python "$version"); then
    echo "== Python $version: not found on this machine, skipped"
    summary="$summary
  Python $version: skipped (not installed)"
    continue
  fi
  echo "== Python $version: $python"
  stamp="$venv/.installed"
  if [ ! -f "$stamp" ] || [ requirements/dev.txt -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    rm -rf "$venv"
    "$python" -m venv "$venv" &&
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24" &&
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt &&
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
        --no-build-isolation -e . &&
      touch "$stamp" || { echo "error: could not build $venv"; failed=1;
        summary="$summary
  Python $version: FAILED (virtualenv)"; continue; }
  fi
  if PATH="$(pwd)/$venv/bin:$PATH" "$venv/bin/python" -m pytest -q -p no:cacheprovider; then
    summary="$summary
  Python $version: passed"
  else
    failed=1
    summary="$summary
  Python $version: FAILED"
  fi
done
echo "== test-pythons:$summary"
exit $failed
