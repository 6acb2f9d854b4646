# searchlm: one Makefile for set-up, code generation, lint, tests, running and benchmarks.
# `make run` and `make test` set everything up first on a fresh machine.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
BUF    := node_modules/.bin/buf
PROTOS := $(shell find protos -name '*.proto' | sort)

.PHONY: setup protos check-protos lint format test test-unit test-integration audit run bench clean

setup: $(VENV)/.installed $(BUF)

# torch is pinned to the local CPU build; installing it first keeps pip from pulling CUDA.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[cpu,dev]'
	touch $@

$(BUF): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Generated code lives beside the shared package (searchlm/<area>/v1/) and is committed;
# tests/unit/test_protos_fresh.py fails when it is stale.
protos: $(VENV)/.installed
	$(PY) -m grpc_tools.protoc -I protos --python_out=. --grpc_python_out=. --pyi_out=. $(PROTOS)
	for d in $$(dirname $(PROTOS) | sed 's|^protos/||' | sort -u); do \
	  touch $$d/__init__.py; p=$$(dirname $$d); touch $$p/__init__.py; done

lint: setup
	$(BUF) lint
	@if git rev-parse -q --verify refs/heads/main >/dev/null && git cat-file -e main:buf.yaml 2>/dev/null; then \
	  echo "buf breaking against main"; $(BUF) breaking --against '.git#branch=main'; \
	else echo "buf breaking: no previous version on main"; fi
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: setup lint
	$(PY) -m pytest -q -rs

test-unit: setup
	$(PY) -m pytest -q tests/unit

test-integration: setup
	$(PY) -m pytest -q -rs tests/integration

# Known-vulnerable versions in the installed environment (PyPI's advisory data, so it needs
# the network; not part of `make test`). --strict fails when a package could not be checked.
audit: setup
	$(VENV)/bin/pip-audit --strict --skip-editable --progress-spinner off

# Starts the model server and every built service on embedded defaults (Ctrl-C stops all).
run: setup
	$(PY) -m searchlm.suite

bench: setup
	$(PIP) install -q -e '.[cpu,dev,bench]'
	$(PY) bench/model_server.py

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache
