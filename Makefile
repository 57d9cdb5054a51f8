# Telegram 2477 edition: `make` sets up .venv, validates the edition and builds
# every output; `make test` runs the test suite. Only python3 and make needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
TEIKIT := $(BIN)/teikit
READY  := $(VENV)/.ready

DOCUMENTS := $(wildcard tei/*.xml)
SCHEMAS   := $(wildcard schemas/*.rng schemas/*.sch)

.PHONY: all setup validate test clean distclean

all: validate

# The venv is rebuilt only when the declared dependencies change.
$(READY): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

setup: $(READY)

validate: $(READY)
	$(TEIKIT) validate

test: $(READY)
	$(BIN)/python -m pytest -n auto

clean:
	rm -rf build tests/actual

distclean: clean
	rm -rf $(VENV) *.egg-info
