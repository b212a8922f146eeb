#!/bin/sh
# Prints a Python >= 3.13 for the bench venv (Kalshi's kalshi-python-sync 3.34.0 requires it):
# the arguments first, then python3.14/python3.13/python3 on PATH, then pyenv's versions.
for candidate in "$@" python3.14 python3.13 python3; do
  command -v "$candidate" >/dev/null 2>&1 || continue
  if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 13))' >/dev/null 2>&1; then
    command -v "$candidate"
    exit 0
  fi
done
if command -v pyenv >/dev/null 2>&1; then
  for candidate in "$(pyenv root)"/versions/3.1[3-9]*/bin/python3; do
    if [ -x "$candidate" ]; then
      echo "$candidate"
      exit 0
    fi
  done
fi
echo "error: make bench needs Python >= 3.13 (kalshi-python-sync 3.34.0 requires it);" \
  "run: make bench BENCH_PYTHON=/path/to/python3.13" >&2
exit 1
