# The two commands of the README work on a fresh machine: they make .venv and install first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check lint codebook-check docs clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/eventcode run seeds --out out

test: $(STAMP)
	$(BIN)/eventcode codebook check codebooks
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff format --check eventcode tests benchmarks
	$(BIN)/ruff check eventcode tests benchmarks
	$(BIN)/mypy eventcode

check: lint test

docs: $(STAMP)
	$(BIN)/python -m eventcode.schema_doc docs/schema.md

clean:
	rm -rf $(VENV) out build *.egg-info
