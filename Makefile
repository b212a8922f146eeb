# Every target builds what it needs on first use: a project-local virtualenv (.venv) from
# the pinned requirements/dev.txt. Nothing is installed outside this directory.
PYTHON ?= python3
VENV   := .venv
BIN    := $(abspath $(VENV)/bin)
STAMP  := $(VENV)/.installed
DEPS_STAMP := $(VENV)/.requirements
PKG    := kalshi_api_keys_client
OUT    := generated/$(PKG)
SCRATCH := build/generate
BENCH_VENV  := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed
BENCH_PYTHON ?=
LINT_PATHS := auth_ext tests tools hatch_build.py docs/conf.py $(wildcard examples/*.py) $(wildcard bench/*.py)

# The generator finds its ruff post-hooks on PATH; they must be the pinned ones.
export PATH := $(BIN):$(PATH)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: all venv generate check-generated spec-diff spec-update docs dist-check lint pytest test test-pythons demo bench clean lock lock-bench

all: generate

venv: $(STAMP)

# The pinned tools: rebuilt only when requirements/dev.txt changes.
$(DEPS_STAMP): requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: Python >= 3.11 is required (found $$($(PYTHON) --version 2>&1)); run make PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@touch $@

# The project itself, editable: re-installed in seconds when its metadata can change, so a
# spec version bump (_version.py, see hatch_build.py) never rebuilds the whole venv.
$(STAMP): $(DEPS_STAMP) pyproject.toml hatch_build.py auth_ext/kalshi_auth/_version.py
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

## generate: regenerate generated/ from openapi.yaml (replaces the whole package dir)
# tools/generate.py holds the generator's command line (pinned generator, our templates/,
# --fail-on-warning) and swaps the new package in only once it is complete.
generate: $(STAMP)
	$(BIN)/python tools/generate.py $(OUT)

## check-generated: fail if generated/ differs in any way from what the spec gives
check-generated: $(STAMP)
	rm -rf $(SCRATCH)
	$(BIN)/python tools/generate.py $(SCRATCH)/$(PKG)
	@diff -r -x __pycache__ $(SCRATCH)/$(PKG) $(OUT) > $(SCRATCH)/drift.diff 2>&1 || \
	  { cat $(SCRATCH)/drift.diff | head -60; \
	    echo; echo "error: generated/ is out of date with openapi.yaml / generator-config.yml."; \
	    echo "       Run 'make generate' and commit the result (never edit generated/ by hand)."; \
	    exit 1; }
	rm -rf $(SCRATCH)
	@echo "generated/ is up to date"

## spec-diff: what differs between Kalshi's official spec (OFFICIAL=file) and openapi.yaml
spec-diff: $(STAMP)
	@test -n "$(OFFICIAL)" || { echo "usage: make spec-diff OFFICIAL=path/to/openapi.yaml" \
	  "(Kalshi's full spec, YAML or JSON, from https://docs.kalshi.com/openapi.yaml)"; exit 2; }
	@$(BIN)/python tools/spec_diff.py "$(OFFICIAL)" $(SPEC_DIFF_ARGS)

## spec-update: bring openapi.yaml in line with Kalshi's spec (OFFICIAL=file), regenerate, report
spec-update: $(STAMP)
	@test -n "$(OFFICIAL)" || { echo "usage: make spec-update OFFICIAL=path/to/openapi.yaml" \
	  "(Kalshi's full spec, YAML or JSON, from https://docs.kalshi.com/openapi.yaml)"; exit 2; }
	@$(BIN)/python tools/spec_update.py "$(OFFICIAL)"
	@$(MAKE) --no-print-directory $(STAMP)

## lint: ruff + mypy --strict on hand-written code, plus an import smoke test
lint: $(STAMP)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/mypy $(LINT_PATHS)
	$(BIN)/python -c "import $(PKG), kalshi_auth"

## pytest: the test suite alone
pytest: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## docs: the docs site (Sphinx + MyST, API reference by autodoc), every warning an error
docs: $(STAMP)
	rm -rf build/docs
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs build/docs
	@echo "docs built: build/docs/index.html"

## dist-check: build the wheel and sdist, and check them with twine check --strict
dist-check: $(STAMP)
	rm -rf build/dist
	$(BIN)/python -m hatchling build -d build/dist > /dev/null
	$(BIN)/python -m twine check --strict build/dist/*

## test: the whole gate, as CI runs it (drift check, lint, docs, tests, packaging)
test: check-generated lint docs pytest dist-check

# Every Python the package claims (pyproject.toml's classifiers must match this list).
PYTHONS := 3.11 3.12 3.13

## test-pythons: the test suite on each of PYTHONS, each in its own .venv-X.Y (missing ones skipped)
test-pythons:
	@sh tools/test-pythons.sh $(PYTHONS)

## demo: the SDK end to end against the bundled fake exchange on 127.0.0.1
demo: $(STAMP)
	$(BIN)/python examples/demo.py

# The bench venv is separate: it holds Kalshi's official SDK (Python >= 3.13) and uvicorn,
# which neither the SDK nor its tests may depend on.
$(BENCH_STAMP): requirements/bench.txt
	rm -rf $(BENCH_VENV)
	py=$$(sh bench/find-python.sh $(BENCH_PYTHON)) && "$$py" -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/bench.txt
	@touch $@

## bench: time ours vs the floor and vs Kalshi's official SDK; writes BENCHMARKS.md
bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  --no-deps --no-build-isolation --force-reinstall .
	$(BENCH_VENV)/bin/python bench/run.py --out BENCHMARKS.md

## lock: re-freeze requirements/dev.txt from requirements/dev.in in a throwaway venv
lock:
	rm -rf build/lock-venv
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/python -m pip install --quiet --upgrade "pip>=24"
	build/lock-venv/bin/python -m pip install --quiet -r requirements/dev.in
	{ echo "# Frozen from requirements/dev.in by \`make lock\`; do not edit by hand."; \
	  build/lock-venv/bin/python -m pip freeze --exclude pip; } > requirements/dev.txt
	rm -rf build/lock-venv

## lock-bench: re-freeze requirements/bench.txt from requirements/bench.in (Python >= 3.13)
lock-bench:
	rm -rf build/lock-bench
	py=$$(sh bench/find-python.sh $(BENCH_PYTHON)) && "$$py" -m venv build/lock-bench
	build/lock-bench/bin/python -m pip install --quiet --upgrade "pip>=24"
	build/lock-bench/bin/python -m pip install --quiet -r requirements/bench.in
	{ echo "# Frozen from requirements/bench.in by \`make lock-bench\`; do not edit by hand."; \
	  build/lock-bench/bin/python -m pip freeze --exclude pip; } > requirements/bench.txt
	rm -rf build/lock-bench

clean:
	rm -rf $(VENV) $(VENV)-3.* $(BENCH_VENV) build .mypy_cache .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
